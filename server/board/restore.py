"""Bringing deleted notes and links back (rule P31): what a restore event holds, once the rules have checked it.

Ids of deleted notes and links are never used again by `note.add` or `link.add` (rule P10). Undoing a
deletion instead restores the same id, from the fields the restorer's client kept. A restored note or link
gets a version above any it ever had — the sequence number of the event that restores it — so an operation
that expected one of its old versions (rule P32) is refused rather than applied to what came back.
"""

from __future__ import annotations

from typing import Any

from server.board import ops
from server.board.model import Board


def note_data(board: Board, op: ops.NoteRestore, actor: str, now: int, max_links: int) -> dict[str, Any]:
    """A `note.restore` event's data: the note, and those of its links that can come back (the rest left out)."""
    version = board.head + 1
    links: list[dict[str, Any]] = []
    taken: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for lk in op.links:
        other = lk.target if lk.source == op.id else lk.source
        pair = (lk.source, lk.target)
        if (
            lk.id in taken
            or lk.id in board.notes
            or lk.id in board.links
            or lk.id == op.id
            or lk.id not in board.deleted
            or other == op.id
            or other not in board.notes
            or pair in board.pairs
            or pair in pairs
            or len(board.links) + len(links) >= max_links
        ):
            continue
        taken.add(lk.id)
        pairs.add(pair)
        links.append(_link_fields(lk, actor, now, version))
    return {
        "id": op.id,
        "kind": op.kind,
        "text": op.text,
        "x": op.x,
        "y": op.y,
        "colour": op.colour,
        "author": op.author or actor,
        "created_at": now if op.created_at is None else op.created_at,
        "updated_at": now,
        "version": version,
        "links": links,
    }


def link_data(board: Board, op: ops.LinkRestore, actor: str, now: int) -> dict[str, Any]:
    """A `link.restore` event's data: the link as it was, with a new version."""
    return _link_fields(op, actor, now, board.head + 1)


def _link_fields(lk: ops.RestoredLink | ops.LinkRestore, actor: str, now: int, version: int) -> dict[str, Any]:
    return {
        "id": lk.id,
        "source": lk.source,
        "target": lk.target,
        "label": lk.label,
        "author": lk.author or actor,
        "created_at": now if lk.created_at is None else lk.created_at,
        "updated_at": now,
        "version": version,
    }
