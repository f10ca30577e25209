"""Where revealed notes go (rule P38): people write their private notes at much the same place — the middle of
the same view, or their kind's lane — without seeing each other's, so at the reveal many would land on top of
one another. The reveal moves each note that would hide, or be hidden by, another to the nearest free place,
staying in its lane when it is in one. Pure, like server/board/rules.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from server.board.lanes import Lane, lane_of
from server.layout.sizes import note_size

GAP = 16.0  # between notes, as the browser leaves (static/js/board/placement.js)
CELL = 256.0  # the spatial index's cell, in board px
RINGS = 20  # how far out to look, in note-sized steps: room for 1,600 notes round one place
LANE_ROWS = 1000  # how far up and down a lane


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def clear_of(self, other: Box) -> bool:
        return (
            self.x >= other.x + other.w + GAP
            or other.x >= self.x + self.w + GAP
            or self.y >= other.y + other.h + GAP
            or other.y >= self.y + self.h + GAP
        )


class _Taken:
    """Boxes on the board, indexed by cell so a check looks at neighbours only."""

    def __init__(self, boxes: Iterable[Box]) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}
        for box in boxes:
            self.add(box)

    def _cells(self, box: Box) -> Iterable[tuple[int, int]]:
        x0, x1 = math.floor((box.x - GAP) / CELL), math.floor((box.x + box.w + GAP) / CELL)
        y0, y1 = math.floor((box.y - GAP) / CELL), math.floor((box.y + box.h + GAP) / CELL)
        return ((cx, cy) for cx in range(x0, x1 + 1) for cy in range(y0, y1 + 1))

    def add(self, box: Box) -> None:
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(box)

    def free(self, box: Box) -> bool:
        return all(box.clear_of(other) for cell in self._cells(box) for other in self.cells.get(cell, ()))


def box_of(text: str, x: float, y: float) -> Box:
    w, h = note_size(text)
    return Box(x, y, w, h)


def spread(
    fixed: Iterable[Box], moving: Sequence[tuple[str, str, Box]], lanes: Sequence[Lane] = ()
) -> dict[str, tuple[float, float]]:
    """New top-left corners for those of `moving` ((id, kind, box), in order) that overlap a fixed box or one
    placed before them; each goes to the nearest free place a note's size apart, in its kind's lane if any."""
    taken = _Taken(fixed)
    moved: dict[str, tuple[float, float]] = {}
    for note_id, kind, box in moving:
        if not taken.free(box):
            lane = lane_of(lanes, kind)
            box = _nearest_free(taken, box, lane) or box
            moved[note_id] = (box.x, box.y)
        taken.add(box)
    return moved


# Round a note in rings, nearest first, below before above.
_AROUND = sorted(
    ((dx, dy) for dx in range(-RINGS, RINGS + 1) for dy in range(-RINGS, RINGS + 1) if dx or dy),
    key=lambda d: (d[0] * d[0] + d[1] * d[1], -d[1], d[0]),
)


def _nearest_free(taken: _Taken, box: Box, lane: Lane | None) -> Box | None:
    step_x, step_y = box.w + GAP, box.h + GAP
    if lane is not None and not (lane.x <= box.x and box.x + box.w <= lane.x + lane.width):
        lane = None  # put outside its lane by its author: free to go anywhere near
    if lane is not None:  # up and down the lane only, nearest first, below before above
        offsets = [(0, dy) for ring in range(1, LANE_ROWS + 1) for dy in (ring, -ring)]
    else:  # round the note in rings, nearest first
        offsets = sorted(
            (
                (dx, dy)
                for ring in range(1, RINGS + 1)
                for dx in range(-ring, ring + 1)
                for dy in range(-ring, ring + 1)
                if max(abs(dx), abs(dy)) == ring
            ),
            key=lambda d: (d[0] * d[0] + d[1] * d[1], -d[1], d[0]),
        )
    for dx, dy in offsets:
        place = Box(box.x + dx * step_x, box.y + dy * step_y, box.w, box.h)
        if taken.free(place):
            return place
    return None
