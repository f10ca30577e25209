"""A workshop's plan of phases, and what each phase lets participants do (rules P36, P37).

A facilitated workshop moves through phases — name the impacts sought, map the pathways, weigh them — and in
each the group may do only some things: add notes of certain kinds, link, move, change other people's notes.
The plan is board state, changed only by the facilitator's `plan.set` and `phase.go` events, so it is ordered
and stored with everything else and every client, late joiners included, sees the same current phase.
The facilitator is never held back by a phase: they tidy, correct and move the room on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from server.board import ops
from server.board.refusals import Refusal, refuse
from server.board.timer import Timer

MAX_PHASES = 30
MAX_PHASE_NAME = 80
MAX_PROMPT = 1000
MAX_TIME_BOX_SECONDS = 8 * 3600


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    prompt: str = ""
    seconds: int | None = None  # the time box, if it has one
    kinds: tuple[str, ...] | None = None  # the kinds participants may add; None: any in the palette
    link: bool = True  # add, relabel and delete links
    move: bool = True  # move notes
    edit_others: bool = True  # change or delete notes other people wrote
    private: bool = False  # participants' new notes reach only their author until revealed (rule P38)
    facilitator_sees: bool = True  # in a private phase, the facilitator sees the notes too
    anonymous: bool = False  # notes written in this phase are revealed without names

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "prompt": self.prompt,
            "seconds": self.seconds,
            "kinds": None if self.kinds is None else list(self.kinds),
            "link": self.link,
            "move": self.move,
            "edit_others": self.edit_others,
            "private": self.private,
            "facilitator_sees": self.facilitator_sees,
            "anonymous": self.anonymous,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Phase:
        kinds = d.get("kinds")
        return cls(
            name=d["name"],
            prompt=d.get("prompt", ""),
            seconds=d.get("seconds"),
            kinds=None if kinds is None else tuple(kinds),
            link=d.get("link", True),
            move=d.get("move", True),
            edit_others=d.get("edit_others", True),
            private=d.get("private", False),
            facilitator_sees=d.get("facilitator_sees", True),
            anonymous=d.get("anonymous", False),
        )


# A workshop without a plan has one phase in which everything is allowed: the board as it always was.
OPEN_PHASE = Phase(name="Map")


@dataclass(slots=True)
class Plan:
    phases: tuple[Phase, ...] = (OPEN_PHASE,)
    current: int = 0
    changed_at: int = 0  # when the current phase began (server time, ms); 0: no plan was ever set
    timer: Timer = field(default_factory=Timer)  # the current phase's timer (rule P39)

    @property
    def phase(self) -> Phase:
        return self.phases[self.current]

    def to_dict(self) -> dict[str, Any]:
        return {
            "phases": [p.to_dict() for p in self.phases],
            "current": self.current,
            "changed_at": self.changed_at,
            "timer": self.timer.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Plan:
        if d is None:  # boards stored before workshops had plans
            return cls()
        return cls(
            phases=tuple(Phase.from_dict(p) for p in d["phases"]),
            current=d["current"],
            changed_at=d.get("changed_at", 0),
            timer=Timer.from_dict(d.get("timer")),
        )


class Authored(Protocol):
    @property
    def author(self) -> str: ...


def forbidden(phase: Phase, op: ops.AnyOp, actor: str, notes: Mapping[str, Authored]) -> Refusal | None:
    """What `phase` does not let participant `actor` do with `op` (rule P37), or None."""
    if isinstance(op, (ops.NoteAdd, ops.NoteRestore)):
        return forbids(phase, op.op, kind=op.kind)
    if isinstance(op, (ops.NoteUpdate, ops.NoteDelete, ops.NoteMove, ops.NoteDrag)):
        note = notes.get(op.id)
        others = note is not None and note.author != actor
        kind = op.kind if isinstance(op, ops.NoteUpdate) else None
        return forbids(phase, op.op, kind=kind, others_note=others, kind_change=kind is not None)
    return forbids(phase, op.op)


def forbids(
    phase: Phase, op: str, *, kind: str | None = None, others_note: bool = False, kind_change: bool = False
) -> Refusal | None:
    """Why the current phase does not let a participant do `op`, or None when it does (rule P37).

    `kind` is the kind of a note being added or restored, or the new kind of one being changed
    (`kind_change`); `others_note` says the note belongs to someone else.
    """
    if op.startswith("link.") and not phase.link:
        return refuse("phase_forbids", f"links cannot be changed in the phase “{phase.name}”")
    if op.startswith("cluster.") and not phase.move:
        return refuse("phase_forbids", f"clusters cannot be changed in the phase “{phase.name}”")
    if op in ("note.move", "note.drag") and not phase.move:
        return refuse("phase_forbids", f"notes cannot be moved in the phase “{phase.name}”")
    if op in ("note.update", "note.delete", "note.move", "note.drag") and others_note and not phase.edit_others:
        return refuse("phase_forbids", f"only your own notes can be changed in the phase “{phase.name}”")
    adding = op in ("note.add", "note.restore") or kind_change
    if adding and phase.kinds is not None and kind not in phase.kinds:
        allowed = ", ".join(phase.kinds) or "none"
        return refuse("phase_forbids", f"the phase “{phase.name}” takes notes of these kinds: {allowed}")
    return None


def check_plan(phases: list[Phase], kinds: set[str], current: int) -> str | None:
    """A plan the board can hold: 1-30 named phases, known kinds, sane time boxes, a current phase in it."""
    if not 1 <= len(phases) <= MAX_PHASES:
        return f"a plan has 1 to {MAX_PHASES} phases, got {len(phases)}"
    for number, phase in enumerate(phases, 1):
        if not phase.name.strip() or len(phase.name) > MAX_PHASE_NAME:
            return f"phase {number}: a name of 1 to {MAX_PHASE_NAME} characters"
        if len(phase.prompt) > MAX_PROMPT:
            return f"phase {number}: the prompt is over {MAX_PROMPT} characters"
        if phase.seconds is not None and not 1 <= phase.seconds <= MAX_TIME_BOX_SECONDS:
            return f"phase {number}: a time box of 1 to {MAX_TIME_BOX_SECONDS} seconds"
        unknown = sorted(set(phase.kinds or ()) - kinds)
        if unknown:
            return f"phase {number}: kinds not in this workshop's palette: {', '.join(unknown)[:200]}"
    if not 0 <= current < len(phases):
        return f"the current phase must be 0 to {len(phases) - 1}, got {current}"
    return None
