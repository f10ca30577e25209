"""The closed dot votes of a Pathweaver JSON file (rules P40, P48), checked field by field for an import.

A file's votes come back as they were closed: the same items, totals and (for a named vote) ballots, so a map
exported and imported again reports the same votes. Nothing in a file is trusted: every number is bounded,
every item has the shape its vote's items have, every ballot names someone the file lists and keeps to the
vote's budget. An open vote is never in a file (its dots are nobody's to export).
"""

from __future__ import annotations

import re
from typing import Any

from server.board import pathway_votes, pathways
from server.board.change import Change
from server.board.model import Board
from server.board.rules import MAX_LINKS, MAX_NOTES
from server.board.voting import MAX_BUDGET, MAX_VOTES_KEPT
from server.import_limits import MAX_PARTICIPANTS, ImportProblem

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a note's or link's id (in a file, as short as import_limits allows)

_ITEMS = {"notes": MAX_NOTES, "links": MAX_LINKS, "pathways": pathway_votes.MAX_PATHWAYS_IN_VOTE}


def _count(value: Any, where: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ImportProblem(f"{where}: expected a whole number from {low:,} to {high:,}")
    return value


def _item(on: str, item: Any, where: str) -> str:
    if not isinstance(item, str):
        raise ImportProblem(f"{where}: expected a note or link id")
    if on != "pathways":
        if not _ID.fullmatch(item):
            raise ImportProblem(f"{where}: expected a note or link id, got {item[:80]!r}")
        return item
    notes = pathways.notes_of(item)
    if not 2 <= len(notes) <= pathways.MAX_PATH_LENGTH or not all(_ID.fullmatch(n) for n in notes):
        raise ImportProblem(f"{where}: expected a pathway of 2 to {pathways.MAX_PATH_LENGTH} note ids joined by >")
    return item


def closed_vote_changes(board: Board, votes: Any, people: set[str]) -> list[Change]:
    """The events that open and close each vote of a file again on `board` (the imported notes and links on
    it already), or ImportProblem naming the first field that is wrong. `people`: the participants' ids."""
    if votes is None:
        return []
    if not isinstance(votes, list) or len(votes) > MAX_VOTES_KEPT:
        raise ImportProblem(f'field "votes": expected a list of at most {MAX_VOTES_KEPT} closed votes')
    changes = []
    for i, v in enumerate(votes):
        where = f"votes[{i}]"
        if not isinstance(v, dict):
            raise ImportProblem(f"{where}: expected a JSON object")
        on = v.get("on")
        if on not in _ITEMS:
            raise ImportProblem(f"{where}.on: expected notes, links or pathways")
        budget = _count(v.get("budget"), f"{where}.budget", 1, MAX_BUDGET)
        per_item = _count(v.get("max_per_item"), f"{where}.max_per_item", 1, budget)
        opened_at = _count(v.get("opened_at"), f"{where}.opened_at", 0, 2**53)
        closed_at = _count(v.get("closed_at"), f"{where}.closed_at", opened_at, 2**53)
        anonymous, title, kinds = v.get("anonymous", False), v.get("title", ""), v.get("kinds")
        if not isinstance(anonymous, bool):
            raise ImportProblem(f"{where}.anonymous: expected true or false")
        if not isinstance(title, str) or len(title) > 200:
            raise ImportProblem(f"{where}.title: expected at most 200 characters")
        palette = board.workshop.kind_names()
        if kinds is not None and (
            on != "notes" or not isinstance(kinds, list) or not all(isinstance(k, str) and k in palette for k in kinds)
        ):
            raise ImportProblem(f"{where}.kinds: kinds of the workshop's palette, for a vote on notes")
        start = end = None
        if on == "pathways":
            if not all(isinstance(v.get(k), str | None) for k in ("start", "end")):
                raise ImportProblem(f"{where}: start and end name kinds of the workshop's palette")
            ends = pathway_votes.ends(board, v.get("start"), v.get("end"))
            if isinstance(ends, str):
                raise ImportProblem(f"{where}: {ends}")
            start, end = ends
        totals = v.get("totals")
        if not isinstance(totals, dict) or len(totals) > _ITEMS[on]:
            raise ImportProblem(f"{where}.totals: expected at most {_ITEMS[on]:,} items and their dots")
        for item, dots in totals.items():
            _item(on, item, f"{where}.totals")
            _count(dots, f"{where}.totals[{item[:80]!r}]", 1, budget * MAX_PARTICIPANTS)
        ballots = v.get("ballots", {})
        if not isinstance(ballots, dict) or (anonymous and ballots):
            raise ImportProblem(f"{where}.ballots: expected each person's dots, and none in an anonymous vote")
        for person, mine in ballots.items():
            if person not in people or not isinstance(mine, dict):
                raise ImportProblem(f"{where}.ballots: {person[:80]!r} is not one of the file's participants")
            for item, dots in mine.items():
                if item not in totals:
                    raise ImportProblem(f"{where}.ballots: {item[:80]!r} is not in the vote's totals")
                _count(dots, f"{where}.ballots[{person!r}]", 1, per_item)
            if sum(mine.values()) > budget:
                raise ImportProblem(f"{where}.ballots: {person!r} has more than the budget of {budget} dots")
        vote_id = f"vote{board.head + 1 + 2 * i}"  # as the server names them: by the head that opened them
        opened = {
            "id": vote_id,
            "on": on,
            "budget": budget,
            "max_per_item": per_item,
            "anonymous": anonymous,
            "opened_at": opened_at,
            "kinds": kinds,
            "title": title,
            **({"start": start, "end": end} if on == "pathways" else {}),
            "closed_at": None,
            "ballots": {},
            "totals": {},
        }
        changes.append(Change("vote.open", {"vote": opened}))
        closing = {"vote": vote_id, "closed_at": closed_at, "totals": dict(totals), "ballots": dict(ballots)}
        changes.append(Change("vote.close", closing))
    return changes
