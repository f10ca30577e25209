"""Lanes (rule P45): the columns a template lays out on the board — activities, outputs, outcomes, impacts —
each labelled and holding one or more kinds, left to right in the order of the method.

Lanes are drawn behind everything, place a new note of a lane's kind in its lane, and order the facilitator's
tidy-up (server/layout/kinds.py). Their geometry is the server's: each lane is LANE_WIDTH wide, LANE_GAP apart,
from x = 0, so every board, export and layout agrees on where a lane is. Pure, like server/board/rules.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from server.board import ops
from server.board.change import Change
from server.board.refusals import Refusal, refuse

if TYPE_CHECKING:
    from server.board.model import Board, Participant

MAX_LANES = 12
MAX_LABEL = 60
LANE_WIDTH = 320.0  # a note is at most 240 px wide (static/css/app.css), with room either side
LANE_GAP = 40.0


@dataclass(frozen=True, slots=True)
class Lane:
    label: str
    kinds: tuple[str, ...]
    x: float
    width: float

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "kinds": list(self.kinds)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Lane:
        return cls(d["label"], tuple(d["kinds"]), d["x"], d["width"])


def laid_out(specs: Sequence[tuple[str, Sequence[str]]]) -> tuple[Lane, ...]:
    """Lanes of these labels and kinds, left to right from x = 0."""
    pitch = LANE_WIDTH + LANE_GAP
    return tuple(Lane(label.strip(), tuple(kinds), i * pitch, LANE_WIDTH) for i, (label, kinds) in enumerate(specs))


def problem(specs: Sequence[tuple[str, Sequence[str]]], palette: set[str]) -> str | None:
    """What is wrong with these lanes for a board of this palette, or None: at most 12, each named, each kind
    in the palette and in one lane at most."""
    if len(specs) > MAX_LANES:
        return f"at most {MAX_LANES} lanes"
    placed: set[str] = set()
    for number, (label, kinds) in enumerate(specs, 1):
        if not label.strip() or len(label) > MAX_LABEL:
            return f"lane {number}: a label of 1 to {MAX_LABEL} characters"
        if not kinds:
            return f"lane {number}: at least one kind"
        unknown = sorted(set(kinds) - palette)
        if unknown:
            return f"lane {number}: kinds not in this workshop's palette: {', '.join(unknown)[:200]}"
        if placed & set(kinds) or len(set(kinds)) != len(kinds):
            return f"lane {number}: a kind may be in one lane only"
        placed |= set(kinds)
    return None


def lane_of(lanes: Sequence[Lane], kind: str) -> Lane | None:
    return next((lane for lane in lanes if kind in lane.kinds), None)


def _set(board: Board, op: ops.LanesSet, actor: Participant, now: int) -> Change | Refusal:
    specs = [(lane.label, lane.kinds) for lane in op.lanes]
    trouble = problem(specs, board.workshop.kind_names())
    if trouble:
        return refuse("bad_value", trouble)
    return Change("lanes.set", {"lanes": [lane.to_dict() for lane in laid_out(specs)]})


def apply_set(board: Board, d: dict[str, Any]) -> None:
    board.lanes = tuple(Lane.from_dict(lane) for lane in d["lanes"])


DECIDERS: dict[type, Callable[..., Change | Refusal]] = {ops.LanesSet: _set}
