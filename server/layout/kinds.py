"""A layout by kind: activities → outputs → outcomes → impacts, left to right, laid out by Graphviz `dot`.

On a board with lanes (rule P45), each lane is a column, in its lane, whatever its length. Otherwise each kind
is a column (a tall one is split into a few side by side, in its notes' present top-to-bottom
order); other kinds, such as assumptions, follow in the palette's order. `dot` orders the notes within their
columns so that the links between them cross as little as possible, spaced by each note's size. Without
`dot` (or when it fails) the columns are stacked as they are, so the facilitator still gets a tidy board.
"""

from __future__ import annotations

import math
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from server.layout.sizes import note_size

CHAIN = ("activity", "output", "outcome", "impact")  # a theory of change reads left to right
PER_COLUMN = 10  # notes in one column before a kind's column is split
GAP_X, GAP_Y = 120.0, 28.0  # between columns, and between notes in a column
DOT_SECONDS = 20.0


@dataclass(frozen=True)
class Placed:
    id: str
    x: float
    y: float


def column_kinds(palette: Sequence[str], used: Sequence[str], lanes: Sequence[Mapping[str, Any]] = ()) -> list[str]:
    """The kinds in column order: the lanes' (rule P45) or else the chain's first, then the palette's others,
    then kinds not in the palette."""
    first = [k for lane in lanes for k in lane["kinds"]] if lanes else [k for k in CHAIN if k in palette]
    order = first + [k for k in palette if k not in first]
    return order + sorted(set(used) - set(order))


def columns(snapshot: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    """The notes in columns, left to right: one per lane, then by kind, each column's notes top to bottom as
    they are now."""
    notes = snapshot["notes"]
    lanes = snapshot.get("lanes") or ()
    in_lanes = {k for lane in lanes for k in lane["kinds"]}
    palette = [k["name"] for k in snapshot["workshop"]["kinds"]]

    def in_order(kinds: set[str]) -> list[dict[str, Any]]:
        return sorted((n for n in notes if n["kind"] in kinds), key=lambda n: (n["y"], n["x"], n["id"]))

    out: list[list[dict[str, Any]]] = [in_order(set(lane["kinds"])) for lane in lanes]  # a lane is never split
    for kind in column_kinds(palette, [n["kind"] for n in notes]):
        mine = in_order({kind}) if kind not in in_lanes else []
        if not mine:
            continue
        count = math.ceil(len(mine) / PER_COLUMN)
        size = math.ceil(len(mine) / count)
        out.extend(mine[i : i + size] for i in range(0, len(mine), size))
    return [col for col in out if col]


def by_kind(snapshot: Mapping[str, Any], *, use_dot: bool = True) -> tuple[list[Placed], str]:
    """Proposed positions (top-left corners) of every note, and the engine that placed them."""
    cols = columns(snapshot)
    if not cols:
        return [], "none"
    sizes = {n["id"]: note_size(n["text"]) for col in cols for n in col}
    placed: dict[str, tuple[float, float]] | None = None
    engine = "graphviz"
    if use_dot and shutil.which("dot"):
        placed = _dot(cols, sizes, snapshot["links"])
    if placed is None:
        placed, engine = _stacked(cols, sizes), "columns"
    for col in cols:  # notes of a column share its left edge (dot centres them)
        left = min(placed[n["id"]][0] for n in col)
        placed.update({n["id"]: (left, placed[n["id"]][1]) for n in col})
    # Keep the map where people were looking: its top-left corner stays where the board's is.
    ox = min(n["x"] for col in cols for n in col) - min(x for x, _ in placed.values())
    oy = min(n["y"] for col in cols for n in col) - min(y for _, y in placed.values())
    placed = {i: (x + ox, y + oy) for i, (x, y) in placed.items()}
    if snapshot.get("lanes"):
        _into_lanes(placed, cols, sizes, snapshot["lanes"])
    return [Placed(i, round(x), round(y)) for i, (x, y) in placed.items()], engine


def _into_lanes(
    placed: dict[str, tuple[float, float]],
    cols: list[list[dict[str, Any]]],
    sizes: Mapping[str, tuple[float, float]],
    lanes: Sequence[Mapping[str, Any]],
) -> None:
    """Each lane's column centred in its lane; the columns of kinds in no lane after the last lane, as spaced."""
    lane_of = {k: lane for lane in lanes for k in lane["kinds"]}
    right = max(lane["x"] + lane["width"] for lane in lanes) + GAP_X
    shift: float | None = None
    for col in cols:
        left = placed[col[0]["id"]][0]
        lane = lane_of.get(col[0]["kind"])
        if lane is not None:
            width = max(sizes[n["id"]][0] for n in col)
            x = lane["x"] + (lane["width"] - width) / 2
        else:
            shift = right - left if shift is None else shift  # the first free column sets the step for the rest
            x = left + shift
        placed.update({n["id"]: (x, placed[n["id"]][1]) for n in col})


def _stacked(
    cols: list[list[dict[str, Any]]], sizes: Mapping[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    placed: dict[str, tuple[float, float]] = {}
    x = 0.0
    for col in cols:
        y = 0.0
        for n in col:
            placed[n["id"]] = (x, y)
            y += sizes[n["id"]][1] + GAP_Y
        x += max(sizes[n["id"]][0] for n in col) + GAP_X
    return placed


def _dot_source(
    cols: list[list[dict[str, Any]]], sizes: Mapping[str, tuple[float, float]], links: Sequence[Mapping[str, Any]]
) -> str:
    # One point is one board pixel: sizes go in inches of 72 points.
    lines = [
        "digraph map {",
        f"graph [rankdir=LR, nodesep={GAP_Y / 72:.3f}, ranksep={GAP_X / 72:.3f}, splines=false, newrank=true];",
        'node [shape=box, fixedsize=true, label=""];',
    ]
    for i, col in enumerate(cols):
        lines.append(f'"#col{i}" [width=0.01, height=0.01, style=invis];')
        for n in col:
            w, h = sizes[n["id"]]
            lines.append(f'"{n["id"]}" [width={w / 72:.4f}, height={h / 72:.4f}];')
        members = " ".join(f'"{n["id"]}";' for n in col)
        lines.append(f'{{ rank=same; "#col{i}"; {members} }}')
        if i:
            lines.append(f'"#col{i - 1}" -> "#col{i}" [style=invis, weight=100];')
        # Keep a split kind's notes in their order, top to bottom, down its columns.
        for upper, lower in zip(col, col[1:], strict=False):
            lines.append(f'"{upper["id"]}" -> "{lower["id"]}" [style=invis, constraint=false, weight=0];')
    column = {n["id"]: i for i, col in enumerate(cols) for n in col}
    for lk in links:
        a, b = column.get(lk["source"], -9), column.get(lk["target"], -9)
        # The columns fix the ranks; links between neighbouring columns order the notes within them (fewer
        # crossings). Longer links would each take a lane of their own through every column between.
        if min(a, b) >= 0 and abs(a - b) == 1:
            tail, head = (lk["source"], lk["target"]) if a < b else (lk["target"], lk["source"])
            lines.append(f'"{tail}" -> "{head}";')
    lines.append("}")
    return "\n".join(lines)


def _dot(
    cols: list[list[dict[str, Any]]], sizes: Mapping[str, tuple[float, float]], links: Sequence[Mapping[str, Any]]
) -> dict[str, tuple[float, float]] | None:
    """Top-left corners from `dot`, y growing downwards; None when `dot` fails."""
    try:
        done = subprocess.run(
            ["dot", "-Tplain"],
            input=_dot_source(cols, sizes, links),
            capture_output=True,
            text=True,
            timeout=DOT_SECONDS,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    placed: dict[str, tuple[float, float]] = {}
    for line in done.stdout.splitlines():
        parts = shlex.split(line)
        if len(parts) >= 6 and parts[0] == "node" and parts[1] in sizes:
            w, h = sizes[parts[1]]
            cx, cy = float(parts[2]) * 72, float(parts[3]) * 72
            placed[parts[1]] = (cx - w / 2, -cy - h / 2)  # dot's y grows upwards
    return placed if len(placed) == len(sizes) else None
