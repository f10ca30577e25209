"""Dot voting (rule P40): the facilitator opens a vote on notes, links or whole pathways (rule P48), everyone
spends a budget of dots, and nobody sees anyone else's dots until the facilitator closes the vote.

A vote is board state changed by stored events like everything else. While it is open, each person's dots
are theirs alone: their `vote.cast` events reach only them (others get placeholders, server/board/privacy.py)
and the map anyone is sent holds only their own ballot. Closing it publishes the totals — and who gave what,
unless the vote is anonymous — to everyone, for the board, the list view and every export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from server.board import ops, pathway_votes
from server.board.change import Change
from server.board.refusals import Refusal, refuse

if TYPE_CHECKING:
    from server.board.model import Board, Participant

MAX_BUDGET = 50
MAX_VOTES_KEPT = 100  # closed votes a workshop keeps; the oldest go first


@dataclass(slots=True)
class Vote:
    id: str
    on: str  # "notes" | "links" | "pathways"
    budget: int  # dots per person
    max_per_item: int  # dots one person may put on one item
    anonymous: bool
    opened_at: int
    kinds: tuple[str, ...] | None = None  # for a vote on notes: only notes of these kinds; None: any
    title: str = ""
    # For a vote on pathways: the kinds its pathways start and end at (rule P48); None for other votes.
    start: str | None = None
    end: str | None = None
    closed_at: int | None = None
    ballots: dict[str, dict[str, int]] = field(default_factory=dict)  # participant -> item id -> dots
    totals: dict[str, int] = field(default_factory=dict)  # item id -> dots, once closed

    @property
    def open(self) -> bool:
        return self.closed_at is None

    def spent(self, participant_id: str) -> int:
        return sum(self.ballots.get(participant_id, {}).values())

    def to_dict(self) -> dict[str, Any]:
        ends = {"start": self.start, "end": self.end} if self.on == "pathways" else {}
        return {
            "id": self.id,
            "on": self.on,
            "budget": self.budget,
            "max_per_item": self.max_per_item,
            "anonymous": self.anonymous,
            "opened_at": self.opened_at,
            "kinds": None if self.kinds is None else list(self.kinds),
            "title": self.title,
            **ends,
            "closed_at": self.closed_at,
            "ballots": {p: dict(items) for p, items in self.ballots.items()},
            "totals": dict(self.totals),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Vote:
        kinds = d.get("kinds")
        return cls(
            id=d["id"],
            on=d["on"],
            budget=d["budget"],
            max_per_item=d["max_per_item"],
            anonymous=d["anonymous"],
            opened_at=d["opened_at"],
            kinds=None if kinds is None else tuple(kinds),
            title=d.get("title", ""),
            start=d.get("start"),
            end=d.get("end"),
            closed_at=d.get("closed_at"),
            ballots={p: dict(items) for p, items in d.get("ballots", {}).items()},
            totals=dict(d.get("totals", {})),
        )


def current(board: Board) -> Vote | None:
    """The open vote, if there is one (at most one is open at a time)."""
    return board.votes[-1] if board.votes and board.votes[-1].open else None


def votable(board: Board, vote: Vote, item: str) -> str | None:
    """Why `item` cannot take dots in `vote`, or None."""
    if vote.on == "pathways":
        return pathway_votes.votable(board, vote, item) or pathway_votes.crowded(vote, item)
    if vote.on == "links":
        return None if item in board.links else f"no link {item[:80]!r} on the board to vote on"
    note = board.notes.get(item)
    if note is None:
        return f"no note {item[:80]!r} on the board to vote on"
    if vote.kinds is not None and note.kind not in vote.kinds:
        return f"this vote is on {', '.join(vote.kinds)} notes"
    return None


def ballot_problem(vote: Vote, voter: Participant, item: str, dots: int) -> str | None:
    """Why `voter` cannot put `dots` on `item` (replacing what they had there), or None."""
    if not 0 <= dots <= vote.max_per_item:
        return f"0 to {vote.max_per_item} dots on one item, not {dots}"
    mine = vote.ballots.get(voter.id, {})
    after = vote.spent(voter.id) - mine.get(item, 0) + dots
    if after > vote.budget:
        return f"that would be {after} dots; each person has {vote.budget}"
    return None


def results(vote: Vote) -> dict[str, Any]:
    """What closing publishes: totals always, and each person's dots unless the vote is anonymous."""
    totals: dict[str, int] = {}
    for items in vote.ballots.values():
        for item, dots in items.items():
            totals[item] = totals.get(item, 0) + dots
    published: dict[str, Any] = {"totals": {k: v for k, v in sorted(totals.items()) if v}}
    published["ballots"] = {} if vote.anonymous else {p: dict(items) for p, items in vote.ballots.items() if items}
    return published


def for_viewer(votes: list[dict[str, Any]], viewer: Participant, also: frozenset[str]) -> list[dict[str, Any]]:
    """Votes (as `Vote.to_dict` gives them) as `viewer` may see them: in an open vote only their own ballot, and
    those of `also` (the people without a device a facilitator votes for)."""
    if not any(v["closed_at"] is None for v in votes):
        return votes
    mine = also | {viewer.id}
    return [
        v if v["closed_at"] is not None else {**v, "ballots": {k: b for k, b in v["ballots"].items() if k in mine}}
        for v in votes
    ]


def _vote_open(board: Board, op: ops.VoteOpen, actor: Participant, now: int) -> Change | Refusal:
    if current(board) is not None:
        return refuse("bad_value", "a vote is open already: close it first")
    if not 1 <= op.budget <= MAX_BUDGET or not 1 <= op.max_per_item <= op.budget:
        return refuse("bad_value", f"a budget of 1 to {MAX_BUDGET} dots, and 1 to that many on one item")
    unknown = sorted(set(op.kinds or ()) - board.workshop.kind_names())
    if unknown or (op.kinds is not None and op.on != "notes"):
        return refuse("bad_value", "kinds narrow a vote on notes, and must be in the workshop's palette")
    if len(op.title) > 200:
        return refuse("text_too_long", "a vote's title is at most 200 characters")
    start = end = None
    if op.on == "pathways":
        ends = pathway_votes.ends(board, op.start, op.end)
        if isinstance(ends, str):
            return refuse("bad_value", ends)
        start, end = ends
    elif op.start is not None or op.end is not None:
        return refuse("bad_value", "start and end are for a vote on pathways")
    vote = Vote(
        id=f"vote{board.head + 1}",
        on=op.on,
        budget=op.budget,
        max_per_item=op.max_per_item,
        anonymous=op.anonymous,
        opened_at=now,
        kinds=None if op.kinds is None else tuple(op.kinds),
        title=op.title,
        start=start,
        end=end,
    )
    return Change("vote.open", {"vote": vote.to_dict()})


def _vote_cast(board: Board, op: ops.VoteCast, actor: Participant, now: int) -> Change | Refusal:
    vote = current(board)
    if vote is None:
        return refuse("bad_value", "no vote is open")
    # Dots on a pathway can always come off it, even one no longer in the vote (a note's kind changed, rule P48).
    held = vote.ballots.get(actor.id, {}).get(op.item, 0)
    taking_back = vote.on == "pathways" and held > 0 and op.dots <= held
    problem = (None if taking_back else votable(board, vote, op.item)) or ballot_problem(vote, actor, op.item, op.dots)
    if problem:
        return refuse("bad_value", problem)
    return Change("vote.cast", {"vote": vote.id, "participant": actor.id, "item": op.item, "dots": op.dots})


def _vote_close(board: Board, op: ops.VoteClose, actor: Participant, now: int) -> Change | Refusal:
    vote = current(board)
    if vote is None:
        return refuse("bad_value", "no vote is open")
    return Change("vote.close", {"vote": vote.id, "closed_at": now, **results(vote)})


DECIDERS: dict[type, Callable[..., Change | Refusal]] = {
    ops.VoteOpen: _vote_open,
    ops.VoteCast: _vote_cast,
    ops.VoteClose: _vote_close,
}


# -- applying the events (called by Board.apply) ----------------------------------------------------------


def apply_open(votes: list[Vote], d: dict[str, Any]) -> None:
    votes.append(Vote.from_dict(d["vote"]))
    del votes[:-MAX_VOTES_KEPT]


def apply_cast(votes: list[Vote], d: dict[str, Any]) -> None:
    vote = votes[-1]
    mine = vote.ballots.setdefault(d["participant"], {})
    if d["dots"]:
        mine[d["item"]] = d["dots"]
    else:
        mine.pop(d["item"], None)


def apply_close(votes: list[Vote], d: dict[str, Any]) -> None:
    vote = votes[-1]
    vote.closed_at = d["closed_at"]
    vote.totals = dict(d["totals"])
    vote.ballots = {p: dict(items) for p, items in d["ballots"].items()}  # an anonymous vote keeps none


def refund(votes: list[Vote], item_ids: list[str]) -> None:
    """Dots on a note or link deleted while the vote is open go back to those who gave them."""
    if votes and votes[-1].open:
        for items in votes[-1].ballots.values():
            for item in item_ids:
                items.pop(item, None)
