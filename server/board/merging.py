"""Merging duplicate notes after a reveal (rule P43), and undoing a merge.

`notes.merge` folds notes into one: their links move to it (those that would join it to itself, or
duplicate a link it has, go), dots they hold in an open vote move to it, and the merged notes are kept whole
on it (`merged`), with their authors — so the map remembers whose ideas it holds, and `notes.unmerge` can put
them back as they were. Pure, like server/board/rules.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from server.board import ops, pathway_votes, phases
from server.board.change import Change
from server.board.refusals import Refusal, refuse

if TYPE_CHECKING:
    from server.board.model import Board, Participant

MAX_MERGED = 50


def _merge(board: Board, op: ops.NotesMerge, actor: Participant, now: int) -> Change | Refusal:
    ids = [op.into, *op.notes]
    if len(set(ids)) != len(ids) or not 1 <= len(op.notes) <= MAX_MERGED:
        return refuse("bad_value", f"merge 1 to {MAX_MERGED} other notes into one, each once")
    for note_id in ids:
        note = board.notes.get(note_id)
        if note is None:
            return refuse("note_missing", f"no note {note_id[:80]!r} on the board")
        if note.private is not None:
            return refuse("bad_value", "reveal private notes before merging them")
        if not actor.is_facilitator:
            problem = phases.forbids(board.plan.phase, "note.delete", others_note=note.author != actor.id)
            if problem:
                return problem
    into = board.notes[op.into]
    if op.expect is not None and into.version != op.expect:
        return refuse("changed_since", f"note {into.id} is at version {into.version}, not {op.expect}")
    gone = set(op.notes)
    links = [lk for lk in board.links.values() if lk.source in gone or lk.target in gone]
    pairs = {pair for pair, lid in board.pairs.items() if board.links[lid] not in links}
    repointed, dropped = [], []
    for lk in links:
        source = op.into if lk.source in gone else lk.source
        target = op.into if lk.target in gone else lk.target
        if source == target or (source, target) in pairs:
            dropped.append(lk.id)
        else:
            pairs.add((source, target))
            repointed.append({"id": lk.id, "source": source, "target": target})
    return Change(
        "notes.merge",
        {
            "into": op.into,
            "notes": [asdict(board.notes[n]) for n in op.notes],
            "links": [asdict(lk) for lk in links],
            "repointed": repointed,
            "dropped": dropped,
            "version": board.head + 1,
        },
    )


def _unmerge(board: Board, op: ops.NotesUnmerge, actor: Participant, now: int) -> Change | Refusal:
    into = board.notes.get(op.id)
    if into is None:
        return refuse("note_missing", f"no note {op.id[:80]!r} on the board")
    if not into.merged:
        return refuse("bad_value", f"note {op.id} has no merge to undo")
    if op.expect is not None and into.version != op.expect:
        # Someone changed the note (or merged more into it) since: this undo would undo their change too.
        return refuse("changed_since", f"note {into.id} is at version {into.version}, not {op.expect}")
    record = into.merged[-1]
    notes = [n for n in record["notes"] if n["id"] not in board.notes and n["id"] not in board.links]
    back = {n["id"] for n in notes} | set(board.notes)
    pairs = set(board.pairs)
    links = []
    for lk in record["links"]:
        live = board.links.get(lk["id"])
        moved_here = live is not None and (live.source, live.target) != (lk["source"], lk["target"])
        if live is not None and not moved_here:
            continue  # it already joins what it joined before the merge
        if live is None and lk["id"] not in record["dropped"]:
            continue  # moved by the merge, then deleted by someone: it stays deleted
        pair = (lk["source"], lk["target"])
        if lk["source"] not in back or lk["target"] not in back or (pair in pairs and not moved_here):
            continue
        if live is not None:
            pairs.discard((live.source, live.target))
        pairs.add(pair)
        links.append(lk)
    version = board.head + 1  # what comes back gets a version above any it had, as with note.restore (P31)
    notes = [{**n, "version": version} for n in notes]
    links = [{**lk, "version": version} for lk in links]
    return Change("notes.unmerge", {"id": op.id, "notes": notes, "links": links, "version": version})


def apply_merge(board: Board, d: dict[str, Any]) -> None:
    from server.board.model import _link_delete  # the one way a link leaves the board

    for link_id in d["dropped"]:
        _link_delete(board, {"id": link_id})
    for r in d["repointed"]:
        link = board.links[r["id"]]
        del board.pairs[(link.source, link.target)]
        link.source, link.target = r["source"], r["target"]
        board.pairs[(link.source, link.target)] = link.id
    for n in d["notes"]:
        del board.notes[n["id"]]
        board.deleted.add(n["id"], board.head + 1)
    into = board.notes[d["into"]]
    into.version = d["version"]
    into.merged = [*into.merged, {"notes": d["notes"], "links": d["links"], "dropped": d["dropped"]}]
    # Dots on the merged notes in an open vote move to the note they were merged into. Each board moves those it
    # holds (a client holds only its own ballot), so the event says nothing of anyone's dots (rule P40).
    # A pathway through a merged note is not the pathway anyone voted for: its dots go back (rule P48).
    pathway_votes.refund(board.votes, notes=[n["id"] for n in d["notes"]])
    if board.votes and board.votes[-1].open:
        for mine in board.votes[-1].ballots.values():
            for n in d["notes"]:
                if n["id"] in mine:
                    mine[d["into"]] = mine.get(d["into"], 0) + mine.pop(n["id"])


def apply_unmerge(board: Board, d: dict[str, Any]) -> None:
    from server.board.model import Link, Note

    for n in d["notes"]:
        board.notes[n["id"]] = Note(**n)
    for lk in d["links"]:
        live = board.links.get(lk["id"])
        if live is not None:
            del board.pairs[(live.source, live.target)]
        board.links[lk["id"]] = Link(**lk)
        board.pairs[(lk["source"], lk["target"])] = lk["id"]
    into = board.notes[d["id"]]
    into.version = d["version"]
    into.merged = into.merged[:-1]


DECIDERS: dict[type, Callable[..., Change | Refusal]] = {ops.NotesMerge: _merge, ops.NotesUnmerge: _unmerge}
