"""Arrows around notes: an arrow drawn straight from A to C under note B would read as a step A → B → C that
is not there, so such an arrow is bent around the notes in its way.

Notes sit in a grid of cells, so that "does this segment cross a note?" walks only the cells along it and stops
at the first note it meets. A blocked arrow gets waypoints found by a search over the notes' corners (moved a
little away from each note): from one corner to any other it can see, towards the target, the shortest way
first. The search is bounded, for each arrow and for the whole picture, and takes the shortest arrows first; an
arrow it cannot route within its bound is left straight and drawn over the notes (Arrow.over).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable

CELL = 120.0  # the grid's cell, about half a note
CLEARANCE = 9.0  # how far a waypoint stays from the corner of a note
EDGE = 1.0  # a segment touching a note's border, or inside it by less than this, does not cross it
MAX_EXPANSIONS = 600  # corners a search may take before it gives up on an arrow
# Corners all the searches of one picture may take (a corner costs about 0.25 ms), a bound on work rather than
# on time so that the same map always gives the same picture. A workshop's map (300 notes, 600 links between
# neighbours: up to about 3,300 corners) is routed whole. On a tangle, where more than TANGLED arrows cross
# notes (5,000 notes linked at random: nearly all of their 10,000 arrows), bends for a few would not make it
# readable: its search stops at TANGLED_EXPANSIONS, about 0.25 s, and the rest are drawn over the notes.
TOTAL_EXPANSIONS = 5_000
TANGLED = 1_000
TANGLED_EXPANSIONS = 1_000
REACH = 2  # a corner's neighbours are the corners within this many cells of it

Box = tuple[float, float, float, float, str]  # x0, y0, x1, y1, note id
Point = tuple[float, float]


def _crosses(box: Box, ax: float, ay: float, bx: float, by: float) -> bool:
    """Whether the segment passes through the box's inside, shrunk by EDGE (Liang–Barsky clipping)."""
    x0, y0, x1, y1 = box[0] + EDGE, box[1] + EDGE, box[2] - EDGE, box[3] - EDGE
    low, high = 0.0, 1.0
    dx, dy = bx - ax, by - ay
    for p, q in ((-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            if t > low:
                low = t
        elif t < high:
            high = t
        if low >= high:
            return False
    return True


def budget(crossing: int) -> int:
    """Corners the searches of a picture may take, when `crossing` of its arrows cross notes."""
    return TOTAL_EXPANSIONS if crossing <= TANGLED else TANGLED_EXPANSIONS


class Notes:
    """The notes' boxes in a grid of cells, and the corners a route may bend at."""

    def __init__(self, boxes: Iterable[Box]) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = defaultdict(list)
        self.corners: dict[tuple[int, int], list[Point]] = defaultdict(list)
        boxes = list(boxes)
        self.expansions = 0  # taken by all the searches so far
        self.budget = TOTAL_EXPANSIONS  # corners all the searches may take
        for box in boxes:
            for i in range(math.floor(box[0] / CELL), math.floor(box[2] / CELL) + 1):
                for j in range(math.floor(box[1] / CELL), math.floor(box[3] / CELL) + 1):
                    self.cells[(i, j)].append(box)
        for x0, y0, x1, y1, _ in boxes:
            for x, y in (
                (x0 - CLEARANCE, y0 - CLEARANCE),
                (x1 + CLEARANCE, y0 - CLEARANCE),
                (x0 - CLEARANCE, y1 + CLEARANCE),
                (x1 + CLEARANCE, y1 + CLEARANCE),
            ):
                if not self.inside(x, y):
                    self.corners[(math.floor(x / CELL), math.floor(y / CELL))].append((x, y))

    def inside(self, x: float, y: float) -> bool:
        for x0, y0, x1, y1, _ in self.cells.get((math.floor(x / CELL), math.floor(y / CELL)), ()):
            if x0 - 2 < x < x1 + 2 and y0 - 2 < y < y1 + 2:
                return True
        return False

    def blocked(self, ax: float, ay: float, bx: float, by: float, ends: tuple[str, str]) -> bool:
        """Whether the segment crosses a note other than `ends`, walking the grid's columns along it."""
        cells = self.cells
        if ax > bx:
            ax, ay, bx, by = bx, by, ax, ay
        first, last = math.floor(ax / CELL), math.floor(bx / CELL)
        slope = (by - ay) / (bx - ax) if bx != ax else 0.0
        for i in range(first, last + 1):
            left, right = max(ax, i * CELL), min(bx, (i + 1) * CELL)
            y_left, y_right = ay + slope * (left - ax), ay + slope * (right - ax)
            if bx == ax:
                y_left, y_right = ay, by
            low, high = min(y_left, y_right), max(y_left, y_right)
            for j in range(math.floor(low / CELL), math.floor(high / CELL) + 1):
                for box in cells.get((i, j), ()):
                    if box[4] not in ends and _crosses(box, ax, ay, bx, by):
                        return True
        return False

    def exhausted(self) -> bool:
        """Whether the searches have taken all the corners a picture may take."""
        return self.expansions >= self.budget

    def path_blocked(self, points: list[Point], ends: tuple[str, str]) -> bool:
        return any(self.blocked(*points[k], *points[k + 1], ends) for k in range(len(points) - 1))

    def route(self, start: Point, goal: Point, ends: tuple[str, str], bend: bool = False) -> list[Point] | None:
        """Waypoints from `start` to `goal` (not included) that keep clear of every note but `ends`: the
        shortest the search finds, None if it finds none within its bound. With `bend`, at least one waypoint
        even when the straight line is clear: for one of two arrows between the same notes, whose curve apart
        from the other crosses a note."""
        if not bend and not self.blocked(*start, *goal, ends):
            return []
        parents: dict[Point, Point | None] = {start: None}
        best = {start: 0.0}
        queue = [(math.dist(start, goal), 0.0, start)]
        expansions = 0
        while queue and expansions < MAX_EXPANSIONS and self.expansions < self.budget:
            _, cost, point = heapq.heappop(queue)
            if cost > best.get(point, math.inf):
                continue
            expansions += 1
            self.expansions += 1
            if point != start and not self.blocked(*point, *goal, ends):
                path = []
                step: Point | None = point
                while step is not None and step != start:
                    path.append(step)
                    step = parents[step]
                return path[::-1]
            ci, cj = math.floor(point[0] / CELL), math.floor(point[1] / CELL)
            for i in range(ci - REACH, ci + REACH + 1):
                for j in range(cj - REACH, cj + REACH + 1):
                    for corner in self.corners.get((i, j), ()):
                        step_cost = cost + math.dist(point, corner)
                        if step_cost >= best.get(corner, math.inf) or corner == point:
                            continue
                        if self.blocked(*point, *corner, ends):
                            continue
                        best[corner] = step_cost
                        parents[corner] = point
                        heapq.heappush(queue, (step_cost + 2.0 * math.dist(corner, goal), step_cost, corner))
        return None
