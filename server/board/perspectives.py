"""Perspectives (rule P51): the stakeholder groups a facilitator names (funders, practitioners, beneficiaries …),
the group each person belongs to, and who endorses each note and link.

A group's view of the board, and where groups disagree about a link (their mean confidences far apart), are
read from these in the browser (static/js/board/perspectives.js). Pure, like server/board/rules.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.board import ops
from server.board.change import Change
from server.board.refusals import Refusal, refuse

if TYPE_CHECKING:
    from server.board.model import Board, Participant

MAX_GROUPS = 12
MAX_GROUP_LABEL = 60
GROUP_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    label: str
    colour: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "colour": self.colour}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Group:
        return cls(d["id"], d["label"], d.get("colour"))


def groups_problem(specs: list[ops.GroupSpec]) -> str | None:
    """What is wrong with these groups, or None: at most 12, each a distinct id and a label of 1-60 characters."""
    if len(specs) > MAX_GROUPS:
        return f"at most {MAX_GROUPS} groups"
    seen: set[str] = set()
    for number, spec in enumerate(specs, 1):
        if not GROUP_ID.fullmatch(spec.id):
            return f"group {number}: an id of 1 to 40 characters of A-Z a-z 0-9 _ -"
        if spec.id in seen:
            return f"group {number}: the id {spec.id!r} is taken by another group"
        seen.add(spec.id)
        if not spec.label.strip() or len(spec.label) > MAX_GROUP_LABEL:
            return f"group {number}: a label of 1 to {MAX_GROUP_LABEL} characters"
        if spec.colour is not None and not COLOUR.fullmatch(spec.colour):
            return f"group {number}: a colour like #1a2b3c"
    return None


def group_problem(board: Board, group: str | None) -> str | None:
    """Why `group` is not one of this board's groups (None, no group, always is)."""
    if group is None or any(g.id == group for g in board.groups):
        return None
    named = ", ".join(g.id for g in board.groups) or "none yet"
    return f"{group[:40]!r} is not one of this workshop's groups ({named})"


def _groups_set(board: Board, op: ops.GroupsSet, actor: Participant, now: int) -> Change | Refusal:
    if problem := groups_problem(op.groups):
        return refuse("bad_value", problem)
    return Change("groups.set", {"groups": [Group(g.id, g.label.strip(), g.colour).to_dict() for g in op.groups]})


def _participant_group(board: Board, op: ops.ParticipantGroup, actor: Participant, now: int) -> Change | Refusal:
    whom = op.participant if op.participant is not None else actor.id
    if whom != actor.id and not actor.is_facilitator:
        return refuse("facilitator_only", "only the facilitator sets someone else's group")
    if whom not in board.participants:
        return refuse("bad_value", f"{whom[:80]!r} is not a participant of this workshop")
    if problem := group_problem(board, op.group):
        return refuse("bad_value", problem)
    return Change("participant.group", {"participant": whom, "group": op.group})


def _endorse(board: Board, op: ops.Endorse, actor: Participant, now: int) -> Change | Refusal:
    item = board.notes.get(op.id) or board.links.get(op.id)
    if item is None:
        deleted = op.id in board.deleted
        return refuse("note_deleted" if deleted else "note_missing", f"no note or link {op.id[:80]!r} on the board")
    ends = [op.id] if op.id in board.notes else [board.links[op.id].source, board.links[op.id].target]
    if any(board.notes[n].private is not None for n in ends if n in board.notes):
        return refuse("bad_value", "a private note, or a link to one, is endorsed once it is revealed")
    if op.on == (actor.id in item.endorsed_by):
        return refuse("bad_value", f"you {'already endorse' if op.on else 'do not endorse'} {op.id}")
    return Change("endorse", {"id": op.id, "participant": actor.id, "on": op.on})


def apply_groups(board: Board, d: dict[str, Any]) -> None:
    board.groups = tuple(Group.from_dict(g) for g in d["groups"])
    kept = {g.id for g in board.groups}
    for person in board.participants.values():  # a group taken away leaves its members in none
        if person.group is not None and person.group not in kept:
            person.group = None


def apply_participant_group(board: Board, d: dict[str, Any]) -> None:
    board.participants[d["participant"]].group = d["group"]


def apply_endorse(board: Board, d: dict[str, Any]) -> None:
    item = board.notes.get(d["id"]) or board.links[d["id"]]
    others = [p for p in item.endorsed_by if p != d["participant"]]
    item.endorsed_by = [*others, d["participant"]] if d["on"] else others


DECIDERS: dict[type, Callable[..., Change | Refusal]] = {
    ops.GroupsSet: _groups_set,
    ops.ParticipantGroup: _participant_group,
    ops.Endorse: _endorse,
}
