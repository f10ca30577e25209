"""Where everything goes in an exported picture: notes, arrows, their labels and the legend of kinds.

Pure geometry, shared by the SVG and the Cairo (PNG, PDF) drawings. Arrows end at note borders; two arrows
between the same notes (one each way) bend apart; each label is put in free space near its arrow's middle —
tried along and beside the arrow, then further out with a leader line — never over a note or another label.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from server.export import picture_routes
from server.export.mapview import MapView

MIN_WIDTH, MAX_WIDTH = 160, 240  # notes are as wide as their text between these, as on the board
MIN_HEIGHT = 66
CHAR_WIDTH = 7.6  # a Latin character's advance at 13 px, generously
MARGIN = 40
HEADER = 116  # title, focal question and the legend of kinds
LINE_HEIGHT = 16
LINE_UNITS = 28  # a line of note text, in widths of a Latin character at 13 px (CJK and emoji count 2)
MAX_LINES = 6
LABEL_CHARS = 40
LABEL_HEIGHT = 18
LABEL_PAD = 5
BEND = 28  # how far apart the middles of two arrows between the same notes are bent, each side
CELL = 96  # the spatial index's cell
TOP = MARGIN + HEADER - 8  # labels go below the header


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, o: Rect) -> bool:
        return self.x < o.x + o.w and o.x < self.x + self.w and self.y < o.y + o.h and o.y < self.y + self.h


@dataclass(frozen=True)
class Box:
    id: str
    kind: str
    x: float
    y: float
    fill: str
    kind_label: str
    text: str
    lines: list[str]
    w: float
    h: float

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, self.w, self.h)


@dataclass(frozen=True)
class Arrow:
    """A quadratic Bézier from (x1, y1) through control (cx, cy) to (x2, y2); `label_box` where its label goes."""

    id: str
    x1: float
    y1: float
    cx: float
    cy: float
    x2: float
    y2: float
    label: str
    label_box: Rect | None = None
    via: tuple[tuple[float, float], ...] = ()  # waypoints of an arrow bent around notes: a polyline, not a curve
    # Crosses a note other than its ends (no way around was found): drawn over the notes, never under one, so
    # that it cannot be read as a step through that note.
    over: bool = False

    @cached_property
    def points(self) -> list[tuple[float, float]]:
        """The arrow as a polyline: its ends and waypoints; a curve's ends and control point."""
        if self.via:
            return [(self.x1, self.y1), *self.via, (self.x2, self.y2)]
        return [(self.x1, self.y1), (self.cx, self.cy), (self.x2, self.y2)]

    def point(self, t: float) -> tuple[float, float]:
        if self.via:  # the point `t` of the way along the polyline
            points = self.points
            lengths = [math.dist(points[k], points[k + 1]) for k in range(len(points) - 1)]
            left = t * sum(lengths)
            for k, length in enumerate(lengths):
                if left <= length or k == len(lengths) - 1:
                    f = min(1.0, left / length) if length else 0.0
                    (ax, ay), (bx, by) = points[k], points[k + 1]
                    return ax + (bx - ax) * f, ay + (by - ay) * f
                left -= length
        u = 1 - t
        return (
            u * u * self.x1 + 2 * u * t * self.cx + t * t * self.x2,
            u * u * self.y1 + 2 * u * t * self.cy + t * t * self.y2,
        )

    def leader(self) -> tuple[float, float, float, float] | None:
        """A line from the arrow's middle to its label, when the label had to go further than beside it."""
        if self.label_box is None:
            return None
        r, (mx, my) = self.label_box, self.point(0.5)
        lx, ly = min(max(mx, r.x), r.x + r.w), min(max(my, r.y), r.y + r.h)  # the label's nearest point
        return (mx, my, lx, ly) if math.hypot(lx - mx, ly - my) > 12 else None

    @cached_property  # asked for again and again while drawing; the arrow never changes
    def curved(self) -> bool:
        """Whether the control point is off the straight line between the ends (never, for a routed arrow)."""
        if self.via:
            return False
        dx, dy = self.x2 - self.x1, self.y2 - self.y1
        length = math.hypot(dx, dy)
        return length > 0 and abs(dx * (self.cy - self.y1) - dy * (self.cx - self.x1)) / length > 0.5


@dataclass(frozen=True)
class LegendItem:
    kind: str
    label: str
    colour: str
    x: float
    y: float


@dataclass(frozen=True)
class Layout:
    title: str
    question: str
    width: float
    height: float
    boxes: list[Box]
    arrows: list[Arrow]
    legend: list[LegendItem]


def units(text: str) -> int:
    """Width in Latin-character widths: East Asian wide characters and emoji take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") or ord(ch) >= 0x1F000 else 1 for ch in text)


def wrap(text: str, width: int = LINE_UNITS, max_lines: int = MAX_LINES) -> list[str]:
    """Lines of at most `width` units, broken at spaces where there are any; the last ends with … if cut."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for word in paragraph.split(" "):
            size = units(word)
            if line and used + 1 + size <= width:
                line, used = f"{line} {word}", used + 1 + size
                continue
            if line:
                lines.append(line)
            line, used = "", 0
            if size <= width:
                line, used = word, size
                continue
            for ch in word:  # a word longer than a line (or text without spaces) breaks anywhere
                step = units(ch)
                if used + step > width:
                    lines.append(line)
                    line, used = "", 0
                line, used = line + ch, used + step
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and units(lines[-1]) > width - 1:
            lines[-1] = lines[-1][:-1]
        lines[-1] += "…"
    return lines


def label_size(label: str) -> tuple[float, float]:
    """A label's box at 12 px, padding included (generous: the drawing shortens anything longer)."""
    return units(label) * 7.8 + 2 * LABEL_PAD, LABEL_HEIGHT


def note_size(lines: list[str]) -> tuple[float, float]:
    """A note's box: as wide as its widest line (within limits), as tall as its lines."""
    widest = max((units(line) for line in lines), default=0)
    return min(MAX_WIDTH, max(MIN_WIDTH, widest * CHAR_WIDTH + 22)), max(MIN_HEIGHT, 40 + len(lines) * LINE_HEIGHT)


def _border_point(b: Box, tx: float, ty: float) -> tuple[float, float]:
    """Where the line from a note's centre towards (tx, ty) leaves the note."""
    cx, cy = b.x + b.w / 2, b.y + b.h / 2
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((b.w / 2) / abs(dx) if dx else math.inf, (b.h / 2) / abs(dy) if dy else math.inf)
    return cx + dx * scale, cy + dy * scale


class _Obstacles:
    """Rectangles in a grid of cells, so that "does this overlap anything?" looks at a few only."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = defaultdict(list)

    def add(self, r: Rect) -> None:
        edges = (r.x, r.y, r.x + r.w, r.y + r.h)
        for i in range(math.floor(r.x / CELL), math.floor((r.x + r.w) / CELL) + 1):
            for j in range(math.floor(r.y / CELL), math.floor((r.y + r.h) / CELL) + 1):
                self.cells[(i, j)].append(edges)

    def hits(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        cells = self.cells
        for i in range(math.floor(x0 / CELL), math.floor(x1 / CELL) + 1):
            for j in range(math.floor(y0 / CELL), math.floor(y1 / CELL) + 1):
                for a, b, c, d in cells.get((i, j), ()):
                    if x0 < c and a < x1 and y0 < d and b < y1:
                        return True
        return False


def _candidates(a: Arrow, w: float, h: float) -> Iterator[tuple[float, float]]:
    """Label centres to try: on the arrow near its middle, then beside it, then in rings further out."""
    for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74):
        px, py = a.point(t)
        qx, qy = a.point(min(1.0, t + 0.01))
        dx, dy = qx - px, qy - py
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length, dx / length
        for off in (0.0, 1.0, -1.0, 2.0, -2.0):
            yield px + nx * off * (h / 2 + 4) * (1 + abs(nx) * w / (h + 8)), py + ny * off * (h / 2 + 4)
    mx, my = a.point(0.5)
    for ring in range(1, 25):
        radius = ring * 22.0
        steps = 8 + 2 * ring
        for k in range(steps):
            angle = 2 * math.pi * k / steps
            yield mx + radius * math.cos(angle) * (1 + w / 120), my + radius * math.sin(angle)


def _place_label(a: Arrow, obstacles: _Obstacles) -> Rect:
    w, h = label_size(a.label)
    for cx, cy in _candidates(a, w, h):
        x, y = cx - w / 2, cy - h / 2
        if x >= 2 and y >= TOP and not obstacles.hits(x - 2, y - 2, x + w + 2, y + h + 2):
            return Rect(x, y, w, h)
    mx, my = a.point(0.5)  # nowhere free within reach: on the arrow, as before
    return Rect(mx - w / 2, my - h / 2, w, h)


def _curve(sx: float, sy: float, cx: float, cy: float, tx: float, ty: float) -> list[tuple[float, float]]:
    """A quadratic Bézier as a polyline of eight segments, to test it against the notes."""
    points = []
    for k in range(9):
        t = k / 8
        u = 1 - t
        points.append((u * u * sx + 2 * u * t * cx + t * t * tx, u * u * sy + 2 * u * t * cy + t * t * ty))
    return points


def _arrows(view: MapView, boxes: dict[str, Box]) -> list[Arrow]:
    pairs: dict[frozenset[str], int] = defaultdict(int)
    for lk in view.links:
        pairs[frozenset((lk["source"], lk["target"]))] += 1
    notes = picture_routes.Notes((b.x, b.y, b.x + b.w, b.y + b.h, b.id) for b in boxes.values())
    arrows: list[Arrow] = []
    in_the_way: list[tuple[float, int, Box, Box, bool]] = []  # arrows crossing notes: length, index, ends, bent
    for lk in view.links:
        source, target = boxes[lk["source"]], boxes[lk["target"]]
        ends = (source.id, target.id)
        sx, sy, tx, ty = (
            source.x + source.w / 2,
            source.y + source.h / 2,
            target.x + target.w / 2,
            target.y + target.h / 2,
        )
        mx, my = (sx + tx) / 2, (sy + ty) / 2
        bent = pairs[frozenset((lk["source"], lk["target"]))] > 1
        if bent:
            # Bend to the arrow's own left: the arrow back, going the other way, bends to the other side.
            length = math.hypot(tx - sx, ty - sy) or 1.0
            mx, my = mx + (ty - sy) / length * BEND * 2, my - (tx - sx) / length * BEND * 2
        label = " ".join(lk["label"].split())
        label = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        x1, y1 = _border_point(source, mx, my)
        x2, y2 = _border_point(target, mx, my)
        blocked = notes.path_blocked(_curve(x1, y1, mx, my, x2, y2) if bent else [(x1, y1), (x2, y2)], ends)
        if blocked:
            in_the_way.append((math.hypot(tx - sx, ty - sy), len(arrows), source, target, bent))
        arrows.append(Arrow(lk["id"], x1, y1, mx, my, x2, y2, label, over=blocked))
    notes.budget = picture_routes.budget(len(in_the_way))
    # The shortest first: routing's bound for the picture then goes to as many arrows as it can, and the same
    # map always gets the same routes.
    for _, k, source, target, bent in sorted(in_the_way, key=lambda item: item[:2]):
        if notes.exhausted():
            break
        start, goal = (
            (source.x + source.w / 2, source.y + source.h / 2),
            (target.x + target.w / 2, target.y + target.h / 2),
        )
        via = notes.route(start, goal, (source.id, target.id), bend=bent)
        if via:  # around the notes in the way: leave the source towards the first waypoint
            x1, y1 = _border_point(source, *via[0])
            x2, y2 = _border_point(target, *via[-1])
            middle = via[len(via) // 2]
            a = arrows[k]
            arrows[k] = Arrow(a.id, x1, y1, middle[0], middle[1], x2, y2, a.label, via=tuple(via))
    return arrows


def _legend(view: MapView, width: float) -> list[LegendItem]:
    used = {n["kind"] for n in view.notes}
    kinds = [k for k in view.workshop["kinds"] if k["name"] in used]
    kinds += [{"name": k, "label": k, "colour": "#dddddd"} for k in sorted(used - {k["name"] for k in kinds})]
    items, x, y = [], float(MARGIN), float(MARGIN + 52)
    for k in kinds:
        item_width = 22 + units(k["label"]) * 7.5 + 18
        if x + item_width > width - MARGIN and x > MARGIN:
            x, y = float(MARGIN), y + 20
        items.append(LegendItem(k["name"], k["label"], k["colour"], x, y))
        x += item_width
    return items


def layout(view: MapView, place_labels: bool = True) -> Layout:
    """The picture's geometry, in picture coordinates (y down, the header on top). Without `place_labels`, the
    links' labels are given no place (and are not drawn): for an overview too small to read them."""
    # Text the SVG (XML) or Cairo (valid UTF-8 without noncharacters) cannot carry becomes U+FFFD.
    view = view.for_xml()
    notes = view.notes
    min_x = min((n["x"] for n in notes), default=0.0)
    min_y = min((n["y"] for n in notes), default=0.0)
    ox, oy = MARGIN - min_x, MARGIN + HEADER - min_y  # board coordinates -> picture coordinates
    boxes = []
    for n in notes:
        lines = wrap(n["text"])
        kind = view.kind_label(n).upper()
        boxes.append(
            Box(n["id"], n["kind"], n["x"] + ox, n["y"] + oy, view.colour(n), kind, n["text"], lines, *note_size(lines))
        )
    obstacles = _Obstacles()
    for b in boxes:
        obstacles.add(b.rect)
    arrows = []
    for a in _arrows(view, {b.id: b for b in boxes}):
        if a.label and place_labels:
            box = _place_label(a, obstacles)
            obstacles.add(box)
            a = dataclasses.replace(a, label_box=box)
        arrows.append(a)
    labels = [a.label_box for a in arrows if a.label_box]
    right = max([b.x + b.w for b in boxes] + [r.x + r.w for r in labels], default=0.0)
    bottom = max([b.y + b.h for b in boxes] + [r.y + r.h for r in labels], default=MARGIN + HEADER - MARGIN)
    width, height = max(right + MARGIN, 640.0), bottom + MARGIN
    return Layout(view.workshop["title"], view.workshop["question"], width, height, boxes, arrows, _legend(view, width))
