"""The board's rules: decide whether an operation is accepted, and what change it makes.

`decide` is pure: it reads the board, never changes it, does no I/O, and takes the time as an argument.
An accepted operation becomes a `Change`; the room numbers it into an `Event` and applies that.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from server.board import (
    arrange,
    clusters,
    evidence,
    lanes,
    merging,
    ops,
    perspectives,
    phases,
    plan_rules,
    privacy,
    restore,
    roster,
    stories,
    voting,
)
from server.board.change import Change
from server.board.existing import ID_PATTERN, existing_link, existing_note, expected_version
from server.board.model import Board, Participant
from server.board.refusals import Refusal, refuse

MAX_TEXT = 2000
MAX_LABEL = 200
MAX_TITLE = 200
MAX_QUESTION = 1000
MAX_NOTES = 20_000
MAX_LINKS = 40_000
COORD_LIMIT = 1_000_000.0

COLOUR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")


def decide(board: Board, op: ops.AnyOp, actor: Participant, now: int) -> Change | Refusal:
    """Accept `op` by `actor` as a Change, or refuse it. The board is not modified."""
    if (gone := roster.refused_actor(board, actor)) is not None:  # a frame still on its way when removed (P50)
        return gone
    if op.op in ops.FACILITATOR_OPS and not actor.is_facilitator:
        return refuse("facilitator_only", f"{op.op} is for the facilitator only")
    behalf = getattr(op, "on_behalf_of", None)
    if behalf is not None:  # the facilitator acts for someone without a device, who is then the actor (P42)
        proxy = board.participants.get(behalf)
        if not actor.is_facilitator:
            return refuse("facilitator_only", "only the facilitator acts on behalf of someone")
        if proxy is None or proxy.role != plan_rules.PROXY or proxy.removed:
            return refuse("bad_value", f"{behalf[:80]!r} is not someone without a device on this board")
        actor = proxy
    if board.workshop.locked and not actor.is_facilitator and op.op != "presence.set":
        return refuse("board_locked", "the board is locked by the facilitator; changes are not accepted")
    if not actor.is_facilitator and (problem := phases.forbidden(board.plan.phase, op, actor.id, board.notes)):
        return problem
    return _DECIDERS[type(op)](board, op, actor, now)


def unsure_ids(board: Board, op: ops.AnyOp) -> list[str]:
    """The ids of `op` whose deletion only storage can tell (`SeenIds.unsure`): settle them before `decide`.

    Only well-formed ids that are not on the board now: `decide` never asks `board.deleted` about others.
    """
    found = []
    named = [getattr(op, name, None) for name in ("id", "source", "target", "editing")]
    named += [link.id for link in getattr(op, "links", ())]  # the links a note.restore brings back
    named += [move.id for move in getattr(op, "moves", ())]  # the notes a notes.arrange moves
    for value in named:
        if (
            isinstance(value, str)
            and ID_PATTERN.fullmatch(value)
            and value not in board.notes
            and value not in board.links
            and value not in board.clusters
            and board.deleted.unsure(value)
        ):
            found.append(value)
    return found


def _id(value: str, what: str) -> Refusal | None:
    if not ID_PATTERN.fullmatch(value):
        return refuse("bad_value", f"{what} must be 4-64 characters of A-Z a-z 0-9 _ -, got {value[:80]!r}")
    return None


def _text(value: str, what: str, limit: int, *, allow_empty: bool = False) -> Refusal | None:
    if len(value) > limit:
        return refuse("text_too_long", f"{what} is {len(value)} characters; the limit is {limit}")
    if not allow_empty and not value.strip():
        return refuse("text_empty", f"{what} must not be empty")
    return None


def _position(x: float, y: float) -> Refusal | None:
    if not (math.isfinite(x) and math.isfinite(y)) or abs(x) > COORD_LIMIT or abs(y) > COORD_LIMIT:
        return refuse("bad_value", f"position must be finite and within ±{COORD_LIMIT:g}")
    return None


def _colour(value: str | None) -> Refusal | None:
    if value is not None and not COLOUR_PATTERN.fullmatch(value):
        return refuse("bad_value", f"colour must look like #1a2b3c, got {value[:20]!r}")
    return None


def _kind(board: Board, kind: str) -> Refusal | None:
    if kind not in board.workshop.kind_names():
        allowed = ", ".join(sorted(board.workshop.kind_names()))
        return refuse("unknown_kind", f"kind {kind[:40]!r} is not in this workshop's palette ({allowed})")
    return None


def _first(*checks: Refusal | None) -> Refusal | None:
    return next((c for c in checks if c is not None), None)


def _note_fields(board: Board, op: ops.NoteAdd | ops.NoteRestore) -> Refusal | None:
    """The checks of a whole note's fields, the same for a new note and a restored one."""
    return _first(
        _id(op.id, "note id"),
        _kind(board, op.kind),
        _text(op.text, "note text", MAX_TEXT),
        _position(op.x, op.y),
        _colour(op.colour),
    )


def _note_add(board: Board, op: ops.NoteAdd, actor: Participant, now: int) -> Change | Refusal:
    problem = _note_fields(board, op)
    if problem:
        return problem
    if op.id in board.notes or op.id in board.links or op.id in board.clusters or op.id in board.deleted:
        return refuse("note_exists", f"id {op.id} is already taken")
    if len(board.notes) >= MAX_NOTES:
        return refuse("board_full", f"a workshop holds at most {MAX_NOTES} notes")
    return Change(
        "note.add",
        {
            "id": op.id,
            "kind": op.kind,
            "text": op.text,
            "x": op.x,
            "y": op.y,
            "colour": op.colour,
            "author": actor.id,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            **_private_marking(board, actor),
        },
    )


def _private_marking(board: Board, actor: Participant) -> dict[str, Any]:
    """A note written in a private phase says who may see it (rule P38); others say nothing."""
    phase = board.plan.phase
    marking = privacy.private_marking(phase.private, phase.facilitator_sees, actor)
    return {} if marking is None else {"private": marking}


def _note_update(board: Board, op: ops.NoteUpdate, actor: Participant, now: int) -> Change | Refusal:
    problem = existing_note(board, op.id) or expected_version(board.notes[op.id], op.expect, "note")
    if problem:
        return problem
    data: dict[str, Any] = {"id": op.id}
    if op.text is not None:
        problem = _text(op.text, "note text", MAX_TEXT)
        data["text"] = op.text
    if op.kind is not None:
        problem = problem or _kind(board, op.kind)
        data["kind"] = op.kind
    if "colour" in op.model_fields_set:
        problem = problem or _colour(op.colour)
        data["colour"] = op.colour
    if problem:
        return problem
    if len(data) == 1:
        return refuse("bad_frame", "note.update needs at least one of text, kind, colour")
    data["version"] = board.notes[op.id].version + 1
    data["updated_at"] = now
    return Change("note.update", data)


def _note_move(board: Board, op: ops.NoteMove, actor: Participant, now: int) -> Change | Refusal:
    problem = _first(existing_note(board, op.id), _position(op.x, op.y))
    problem = problem or expected_version(board.notes[op.id], op.expect, "note")
    if problem:
        return problem
    version = board.notes[op.id].version + 1
    return Change("note.move", {"id": op.id, "x": op.x, "y": op.y, "version": version, "updated_at": now})


def _notes_arrange(board: Board, op: ops.NotesArrange, actor: Participant, now: int) -> Change | Refusal:
    def check(m: ops.ArrangedNote) -> Refusal | None:
        problem = _first(existing_note(board, m.id), _position(m.x, m.y))
        return problem or expected_version(board.notes[m.id], m.expect, "note")

    data = arrange.event_data(board, op, check, now)
    return data if isinstance(data, Refusal) else Change("notes.arrange", data)


def _note_drag(board: Board, op: ops.NoteDrag, actor: Participant, now: int) -> Change | Refusal:
    problem = _first(existing_note(board, op.id), _position(op.x, op.y))
    if problem:
        return problem
    return Change("note.drag", {"id": op.id, "x": op.x, "y": op.y, "by": actor.id})


def _note_delete(board: Board, op: ops.NoteDelete, actor: Participant, now: int) -> Change | Refusal:
    problem = existing_note(board, op.id) or expected_version(board.notes[op.id], op.expect, "note")
    if problem:
        return problem
    links = board.links_of(op.id)
    if op.expect_links is not None and (unexpected := sorted(set(links) - set(op.expect_links))):
        return refuse("changed_since", f"note {op.id} has links made since: {', '.join(unexpected[:5])}")
    return Change("note.delete", {"id": op.id, "links": links})


def _link_add(board: Board, op: ops.LinkAdd, actor: Participant, now: int) -> Change | Refusal:
    problem = _first(
        _id(op.id, "link id"),
        _text(op.label, "link label", MAX_LABEL, allow_empty=True),
        existing_note(board, op.source),
        existing_note(board, op.target),
    )
    if problem:
        return problem
    if op.source == op.target:
        return refuse("link_self", "a link must join two different notes")
    if op.id in board.links or op.id in board.notes or op.id in board.clusters or op.id in board.deleted:
        return refuse("note_exists", f"id {op.id} is already taken")
    if (op.source, op.target) in board.pairs:
        existing = board.pairs[(op.source, op.target)]
        return refuse("link_duplicate", f"link {existing} already joins {op.source} to {op.target}")
    if len(board.links) >= MAX_LINKS:
        return refuse("board_full", f"a workshop holds at most {MAX_LINKS} links")
    return Change(
        "link.add",
        {
            "id": op.id,
            "source": op.source,
            "target": op.target,
            "label": op.label,
            "author": actor.id,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        },
    )


def _link_update(board: Board, op: ops.LinkUpdate, actor: Participant, now: int) -> Change | Refusal:
    problem = _first(existing_link(board, op.id), _text(op.label, "link label", MAX_LABEL, allow_empty=True))
    problem = problem or expected_version(board.links[op.id], op.expect, "link")
    if problem:
        return problem
    version = board.links[op.id].version + 1
    return Change("link.update", {"id": op.id, "label": op.label, "updated_at": now, "version": version})


def _link_delete(board: Board, op: ops.LinkDelete, actor: Participant, now: int) -> Change | Refusal:
    problem = existing_link(board, op.id) or expected_version(board.links[op.id], op.expect, "link")
    if problem:
        return problem
    return Change("link.delete", {"id": op.id})


def _restorable(board: Board, item_id: str, what: str) -> Refusal | None:
    """Only an id this workshop deleted comes back (rule P31); one on the board, or never deleted here, does not."""
    if item_id in board.notes or item_id in board.links:
        return refuse("note_exists", f"{item_id} is on the board: there is nothing to restore")
    if item_id not in board.deleted:
        code = "note_missing" if what == "note" else "link_missing"
        return refuse(code, f"this workshop never deleted a {what} {item_id[:80]!r}")
    return None


def _origin(board: Board, author: str | None, created_at: int | None, now: int) -> Refusal | None:
    if author is not None and author not in board.participants:
        return refuse("bad_value", f"author {author[:80]!r} is not a participant of this workshop")
    if created_at is not None and not 0 <= created_at <= now:
        return refuse("bad_value", f"created_at must be a time in the past, got {created_at}")
    return None


def _note_restore(board: Board, op: ops.NoteRestore, actor: Participant, now: int) -> Change | Refusal:
    problem = _note_fields(board, op) or _origin(board, op.author, op.created_at, now)
    for lk in op.links:
        problem = problem or _first(
            _id(lk.id, "link id"),
            _text(lk.label, "link label", MAX_LABEL, allow_empty=True),
            _origin(board, lk.author, lk.created_at, now),
        )
        if problem is None and op.id not in (lk.source, lk.target):
            problem = refuse("bad_value", f"link {lk.id} does not end at note {op.id}")
    problem = problem or _restorable(board, op.id, "note")
    if problem:
        return problem
    if len(board.notes) >= MAX_NOTES:
        return refuse("board_full", f"a workshop holds at most {MAX_NOTES} notes")
    data = restore.note_data(board, op, actor.id, now, MAX_LINKS)
    if data["author"] == actor.id:  # their own note, brought back in a private phase, is private again
        data |= _private_marking(board, actor)
    return Change("note.restore", data)


def _link_restore(board: Board, op: ops.LinkRestore, actor: Participant, now: int) -> Change | Refusal:
    problem = _first(
        _id(op.id, "link id"),
        _text(op.label, "link label", MAX_LABEL, allow_empty=True),
        _origin(board, op.author, op.created_at, now),
    )
    problem = problem or _restorable(board, op.id, "link")
    problem = problem or _first(existing_note(board, op.source), existing_note(board, op.target))
    if problem:
        return problem
    if op.source == op.target:
        return refuse("link_self", "a link must join two different notes")
    if (op.source, op.target) in board.pairs:
        existing = board.pairs[(op.source, op.target)]
        return refuse("link_duplicate", f"link {existing} already joins {op.source} to {op.target}")
    if len(board.links) >= MAX_LINKS:
        return refuse("board_full", f"a workshop holds at most {MAX_LINKS} links")
    return Change("link.restore", restore.link_data(board, op, actor.id, now))


def _workshop_lock(board: Board, op: ops.WorkshopLock, actor: Participant, now: int) -> Change | Refusal:
    return Change("workshop.lock", {"locked": True})


def _workshop_unlock(board: Board, op: ops.WorkshopUnlock, actor: Participant, now: int) -> Change | Refusal:
    return Change("workshop.unlock", {"locked": False})


def _workshop_rename(board: Board, op: ops.WorkshopRename, actor: Participant, now: int) -> Change | Refusal:
    data: dict[str, Any] = {}
    if op.title is not None:
        problem = _text(op.title, "title", MAX_TITLE)
        if problem:
            return problem
        data["title"] = op.title
    if op.question is not None:
        problem = _text(op.question, "focal question", MAX_QUESTION, allow_empty=True)
        if problem:
            return problem
        data["question"] = op.question
    if not data:
        return refuse("bad_frame", "workshop.rename needs a title or a question")
    return Change("workshop.rename", data)


def _workshop_share_exports(
    board: Board, op: ops.WorkshopShareExports, actor: Participant, now: int
) -> Change | Refusal:
    return Change("workshop.share_exports", {"enabled": op.enabled})


def _workshop_joining(board: Board, op: ops.WorkshopJoining, actor: Participant, now: int) -> Change | Refusal:
    return Change("workshop.joining", {"open": op.open})


def _presence_set(board: Board, op: ops.PresenceSet, actor: Participant, now: int) -> Change | Refusal:
    if op.editing is not None:
        problem = existing_note(board, op.editing)
        if problem:
            return problem
    return Change("presence.set", {"participant": actor.id, "editing": op.editing})


def _view_share(board: Board, op: ops.ViewShare, actor: Participant, now: int) -> Change | Refusal:
    if op.view is None:
        return Change("view.share", {"view": None, "by": actor.id})
    v = op.view
    problem = _position(v.x, v.y)
    sizes = (v.width, v.height)
    if problem is None and not all(math.isfinite(s) and 0 < s <= 2 * COORD_LIMIT for s in sizes):
        problem = refuse("bad_value", f"a view's width and height must be above 0 and at most {2 * COORD_LIMIT:g}")
    if problem:
        return problem
    view = {"x": v.x, "y": v.y, "width": v.width, "height": v.height}
    return Change("view.share", {"view": view, "by": actor.id})


_DECIDERS: dict[type, Callable[..., Change | Refusal]] = {
    ops.NoteAdd: _note_add,
    ops.NoteUpdate: _note_update,
    ops.NoteMove: _note_move,
    ops.NoteDrag: _note_drag,
    ops.NotesArrange: _notes_arrange,
    ops.NoteDelete: _note_delete,
    ops.NoteRestore: _note_restore,
    ops.LinkAdd: _link_add,
    ops.LinkUpdate: _link_update,
    ops.LinkDelete: _link_delete,
    ops.LinkRestore: _link_restore,
    ops.WorkshopLock: _workshop_lock,
    ops.WorkshopUnlock: _workshop_unlock,
    ops.WorkshopRename: _workshop_rename,
    ops.WorkshopShareExports: _workshop_share_exports,
    ops.WorkshopJoining: _workshop_joining,
    ops.PresenceSet: _presence_set,
    ops.ViewShare: _view_share,
    **plan_rules.DECIDERS,
    **voting.DECIDERS,
    **merging.DECIDERS,
    **clusters.DECIDERS,
    **lanes.DECIDERS,
    **evidence.DECIDERS,
    **roster.DECIDERS,
    **perspectives.DECIDERS,
    **stories.DECIDERS,
}


def participant_join(participant: Participant) -> Change:
    """The change that introduces a participant to the board (made by the server, not asked for by clients)."""
    return Change(
        "participant.join",
        {
            "id": participant.id,
            "name": participant.name,
            "colour": participant.colour,
            "role": participant.role,
        },
    )
