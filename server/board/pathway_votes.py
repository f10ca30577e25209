"""Dot votes on whole pathways (rule P48): which chains from an activity to an impact matter most.

A vote on pathways is a P40 vote whose items are pathways, each named by its notes in order
(server/board/pathways.py): the same budgets, the same hidden ballots, the same close. What is particular to it
is here: which kinds a pathway joins in this vote, whether an item is a pathway the sender may put dots on now,
how many different pathways one vote may hold, and that dots on a pathway go back to whoever gave them as soon
as the pathway is broken while the vote is open (a note on it deleted or merged into another, a link on it
deleted) — a broken pathway is no longer on the board to vote on, just as a deleted note is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from server.board import pathways

if TYPE_CHECKING:
    from server.board.model import Board
    from server.board.voting import Vote

# Different pathways with dots on them in one vote: the totals published at the close stay small, whoever
# votes. Only the count is ever said to a voter who reaches it, never whose dots or which pathways.
MAX_PATHWAYS_IN_VOTE = 200


def ends(board: Board, start: str | None, end: str | None) -> tuple[str, str] | str:
    """The kinds a vote's pathways start and end at (the defaults where not given), or why they cannot be."""
    palette = board.workshop.kind_names()
    start = start if start is not None else pathways.START_KIND
    end = end if end is not None else pathways.END_KIND
    if start not in palette or end not in palette:
        return "a vote on pathways names the kinds they start and end at, from the workshop's palette"
    if start == end:
        return "a pathway starts and ends at notes of different kinds"
    return start, end


def votable(board: Board, vote: Vote, item: str) -> str | None:
    """Why `item` is not a pathway everyone can see from `vote.start` to `vote.end` on the board now, or None."""
    if len(item) > pathways.MAX_KEY_CHARS:
        return f"a pathway has at most {pathways.MAX_PATH_LENGTH} notes"
    notes = pathways.notes_of(item)

    def kind_of(note_id: str) -> str | None:
        note = board.notes.get(note_id)
        return None if note is None else note.kind

    problem = pathways.chain_problem(
        notes,
        kind_of,
        lambda source, target: (source, target) in board.pairs,
        start=vote.start or pathways.START_KIND,
        end=vote.end or pathways.END_KIND,
    )
    if problem:
        return problem
    # A private note (rule P38) is not everyone's to weigh: its pathway waits for the reveal.
    if any(board.notes[n].private is not None for n in notes):
        return "a pathway through a private note cannot be voted on until it is revealed"
    return None


def crowded(vote: Vote, item: str) -> str | None:
    """Why one more different pathway cannot take dots in `vote`, or None."""
    if any(item in mine for mine in vote.ballots.values()):
        return None
    held = {pathway for mine in vote.ballots.values() for pathway in mine}
    if len(held) >= MAX_PATHWAYS_IN_VOTE:
        return f"this vote already has dots on {MAX_PATHWAYS_IN_VOTE} different pathways: add to one of those"
    return None


def refund(votes: list[Vote], notes: Iterable[str] = (), links: Iterable[tuple[str, str]] = ()) -> None:
    """Dots on pathways broken while a vote on pathways is open go back: those through any of `notes`, or along
    any of `links` ((source, target) of each)."""
    if not votes or not votes[-1].open or votes[-1].on != "pathways":
        return
    gone_notes, gone_links = set(notes), set(links)
    for mine in votes[-1].ballots.values():
        for item in list(mine):
            chain = pathways.notes_of(item)
            if gone_notes.intersection(chain) or gone_links.intersection(pathways.steps(chain)):
                del mine[item]
