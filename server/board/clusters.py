"""Clusters (rule P44): named frames on the board that group notes, and move the notes in them with them.

Which notes a frame holds is what the person moving it sees inside it (notes' sizes are the browser's to
know), sent with the move; the server moves those notes by the same distance in the same event, so a cluster
and its notes never part, on any board. Pure, like server/board/rules.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from server.board import ops
from server.board.change import Change
from server.board.existing import ID_PATTERN
from server.board.refusals import Refusal, refuse

if TYPE_CHECKING:
    from server.board.model import Board, Participant

MAX_LABEL = 200
MAX_CLUSTERS = 500
MAX_SIZE = 100_000.0
COORD_LIMIT = 1_000_000.0


@dataclass(slots=True)
class Cluster:
    id: str
    label: str
    x: float
    y: float
    width: float
    height: float
    author: str
    created_at: int
    version: int


def _frame(x: float | None, y: float | None, width: float | None, height: float | None) -> Refusal | None:
    for v in (x, y):
        if v is not None and (not math.isfinite(v) or abs(v) > COORD_LIMIT):
            return refuse("bad_value", f"a cluster's position must be finite and within ±{COORD_LIMIT:g}")
    for v in (width, height):
        if v is not None and (not math.isfinite(v) or not 0 < v <= MAX_SIZE):
            return refuse("bad_value", f"a cluster's width and height must be above 0 and at most {MAX_SIZE:g}")
    return None


def _label(label: str) -> Refusal | None:
    if not label.strip():
        return refuse("text_empty", "a cluster needs a name")
    if len(label) > MAX_LABEL:
        return refuse("text_too_long", f"a cluster's name is at most {MAX_LABEL} characters")
    return None


def _add(board: Board, op: ops.ClusterAdd, actor: Participant, now: int) -> Change | Refusal:
    if not ID_PATTERN.fullmatch(op.id):
        return refuse("bad_value", "a cluster id must be 4-64 characters of A-Z a-z 0-9 _ -")
    if op.id in board.notes or op.id in board.links or op.id in board.clusters or op.id in board.deleted:
        return refuse("note_exists", f"id {op.id} is already taken")
    problem = _label(op.label) or _frame(op.x, op.y, op.width, op.height)
    if problem:
        return problem
    if len(board.clusters) >= MAX_CLUSTERS:
        return refuse("board_full", f"a workshop holds at most {MAX_CLUSTERS} clusters")
    cluster = Cluster(op.id, op.label.strip(), op.x, op.y, op.width, op.height, actor.id, now, 1)
    return Change("cluster.add", asdict(cluster))


def _update(board: Board, op: ops.ClusterUpdate, actor: Participant, now: int) -> Change | Refusal:
    cluster = board.clusters.get(op.id)
    if cluster is None:
        deleted = bool(ID_PATTERN.fullmatch(op.id)) and op.id in board.deleted
        return refuse("note_deleted" if deleted else "note_missing", f"no cluster {op.id[:80]!r} on the board")
    if op.expect is not None and cluster.version != op.expect:
        return refuse("changed_since", f"cluster {op.id} is at version {cluster.version}, not {op.expect}")
    problem = (_label(op.label) if op.label is not None else None) or _frame(op.x, op.y, op.width, op.height)
    if problem:
        return problem
    data: dict[str, Any] = {"id": op.id, "version": board.head + 1}
    for name in ("label", "x", "y", "width", "height"):
        value = getattr(op, name)
        if value is not None:
            data[name] = value.strip() if name == "label" else value
    dx, dy = data.get("x", cluster.x) - cluster.x, data.get("y", cluster.y) - cluster.y
    moved = []
    for note_id in dict.fromkeys(op.notes):  # the notes the mover saw inside it go along
        note = board.notes.get(note_id)
        if note is None or note.private is not None:
            continue  # gone meanwhile, or not everyone's to see (rule P38): it stays where it is
        x, y = note.x + dx, note.y + dy
        if abs(x) > COORD_LIMIT or abs(y) > COORD_LIMIT:
            return refuse("bad_value", f"moving the cluster would take note {note_id} beyond ±{COORD_LIMIT:g}")
        moved.append({"id": note_id, "x": x, "y": y, "version": board.head + 1})
    data["moved"] = moved if (dx or dy) else []
    return Change("cluster.update", data)


def _delete(board: Board, op: ops.ClusterDelete, actor: Participant, now: int) -> Change | Refusal:
    cluster = board.clusters.get(op.id)
    if cluster is None:
        return refuse("note_missing", f"no cluster {op.id[:80]!r} on the board")
    if op.expect is not None and cluster.version != op.expect:
        return refuse("changed_since", f"cluster {op.id} is at version {cluster.version}, not {op.expect}")
    return Change("cluster.delete", {"id": op.id})


def apply_add(board: Board, d: dict[str, Any]) -> None:
    board.clusters[d["id"]] = Cluster(**d)


def apply_update(board: Board, d: dict[str, Any]) -> None:
    cluster = board.clusters[d["id"]]
    for name in ("label", "x", "y", "width", "height", "version"):
        if name in d:
            setattr(cluster, name, d[name])
    for m in d["moved"]:
        note = board.notes[m["id"]]
        note.x, note.y, note.version = m["x"], m["y"], m["version"]


def apply_delete(board: Board, d: dict[str, Any]) -> None:
    del board.clusters[d["id"]]
    board.deleted.add(d["id"], board.head + 1)


DECIDERS: dict[type, Callable[..., Change | Refusal]] = {
    ops.ClusterAdd: _add,
    ops.ClusterUpdate: _update,
    ops.ClusterDelete: _delete,
}


# Which notes a frame holds, reckoned as static/js/board/frames.js does (the board measures notes; pages drawn
# on the server, like the list view without scripts, take every note at a note's usual size).
NOTE_W, NOTE_H = 200.0, 120.0
FRAME_PAD, FRAME_HEADER = 24.0, 40.0


def notes_inside(cluster: dict[str, Any], notes: list[dict[str, Any]]) -> list[str]:
    """The ids of the notes whose middle lies inside the cluster's frame, private notes aside (they stay put)."""
    x, y, w, h = cluster["x"], cluster["y"], cluster["width"], cluster["height"]
    return [
        n["id"]
        for n in notes
        if not n.get("private") and x <= n["x"] + NOTE_W / 2 <= x + w and y <= n["y"] + NOTE_H / 2 <= y + h
    ]


def frame_around(notes: list[dict[str, Any]]) -> dict[str, float]:
    """The frame around these notes (at least one), with room for its name above them."""
    x = min(n["x"] for n in notes) - FRAME_PAD
    y = min(n["y"] for n in notes) - FRAME_PAD - FRAME_HEADER
    width = max(n["x"] + NOTE_W for n in notes) + FRAME_PAD - x
    height = max(n["y"] + NOTE_H for n in notes) + FRAME_PAD - y
    return {"x": x, "y": y, "width": width, "height": height}
