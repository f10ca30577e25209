"""How a link is believed to work (rule P46): the mechanism, the kind of support and its sources, the group's
evidence grade, each person's confidence, and the assumptions the link rests on; and on outcomes and impacts,
the indicators that would show them and the kind of change they are (rule P47).

People who run these workshops evidence a contribution rather than attribute an impact: what matters about a
link is why anyone believes it. Pure, like server/board/rules.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from server.board import ops
from server.board.change import Change
from server.board.existing import existing_link, existing_note, expected_version
from server.board.refusals import Refusal, refuse

if TYPE_CHECKING:
    from server.board.model import Board, Link, Note, Participant

MAX_MECHANISM = 1000
MAX_SOURCES = 20
MAX_SOURCE_TITLE = 300
MAX_URL = 2000
MAX_ASSUMPTIONS = 20
MAX_INDICATORS = 10
MAX_INDICATOR_FIELD = 300
SUPPORT = ("assumption", "practice", "testimony", "monitoring", "evaluation", "research")
GRADES = ("none", "weak", "moderate", "strong")
CHANGES = ("awareness", "attitudes", "behaviour", "systems", "policy")
DOI = re.compile(r"10\.\d{4,9}/\S{1,200}")


def source_problem(source: ops.SourceSpec) -> str | None:
    """What is wrong with a cited source, in form only (nothing is fetched), or None."""
    if (source.url is None) == (source.doi is None):
        return "a source is a url or a doi, one of them"
    if len(source.title) > MAX_SOURCE_TITLE:
        return f"a source's title is at most {MAX_SOURCE_TITLE} characters"
    if source.doi is not None:
        return None if DOI.fullmatch(source.doi) else f"{source.doi[:80]!r} is not a DOI like 10.1234/abcd"
    url = source.url or ""
    parts = urlsplit(url) if len(url) <= MAX_URL and not any(c.isspace() for c in url) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url[:80]!r} is not a web address (http or https, at most {MAX_URL} characters)"
    return None


def _link(board: Board, link_id: str, expect: int | None) -> Link | Refusal:
    problem = existing_link(board, link_id) or expected_version(board.links[link_id], expect, "link")
    return problem or board.links[link_id]


def _evidence(board: Board, op: ops.LinkEvidence, actor: Participant, now: int) -> Change | Refusal:
    link = _link(board, op.id, op.expect)
    if isinstance(link, Refusal):
        return link
    data: dict[str, Any] = {"id": op.id}
    if op.mechanism is not None:
        if len(op.mechanism) > MAX_MECHANISM:
            return refuse("text_too_long", f"a mechanism is at most {MAX_MECHANISM} characters")
        data["mechanism"] = op.mechanism.strip()
    if op.support is not None:
        unknown = sorted(set(op.support) - set(SUPPORT))
        if unknown or len(set(op.support)) != len(op.support):
            return refuse("bad_value", f"support is some of {', '.join(SUPPORT)}, each once")
        data["support"] = [s for s in SUPPORT if s in op.support]  # one order, whatever the sender's
    if op.sources is not None:
        if len(op.sources) > MAX_SOURCES:
            return refuse("bad_value", f"at most {MAX_SOURCES} sources")
        for source in op.sources:
            if problem := source_problem(source):
                return refuse("bad_value", problem)
        data["sources"] = [{"url": s.url, "doi": s.doi, "title": s.title.strip()} for s in op.sources]
    if "strength" in op.model_fields_set:
        data["strength"] = op.strength
    if len(data) == 1:
        return refuse("bad_frame", "link.evidence needs a mechanism, support, sources or strength")
    return Change("link.evidence", {**data, "updated_at": now, "version": link.version + 1})


def _confidence(board: Board, op: ops.ConfidenceSet, actor: Participant, now: int) -> Change | Refusal:
    link = _link(board, op.id, None)
    if isinstance(link, Refusal):
        return link
    return Change("confidence.set", {"id": op.id, "participant": actor.id, "value": op.value})


def _assumption(board: Board, op: ops.LinkAssumption, actor: Participant, now: int) -> Change | Refusal:
    link = _link(board, op.id, op.expect)
    if isinstance(link, Refusal):
        return link
    note = board.notes.get(op.note)
    if note is None:
        return refuse("note_missing", f"no note {op.note[:80]!r} on the board")
    if note.private is not None:
        return refuse("bad_value", "reveal a private note before attaching it to a link")
    if op.note in (link.source, link.target):
        return refuse("bad_value", "a link cannot rest on one of its own ends")
    if op.attached and op.note not in link.assumptions and len(link.assumptions) >= MAX_ASSUMPTIONS:
        return refuse("bad_value", f"a link rests on at most {MAX_ASSUMPTIONS} assumptions")
    if op.attached == (op.note in link.assumptions):
        return refuse("bad_value", f"note {op.note} is {'already' if op.attached else 'not'} attached to this link")
    kept = [a for a in link.assumptions if a != op.note] + ([op.note] if op.attached else [])
    return Change("link.assumption", {"id": op.id, "assumptions": kept, "updated_at": now, "version": link.version + 1})


def _indicators(board: Board, op: ops.NoteIndicators, actor: Participant, now: int) -> Change | Refusal:
    problem = existing_note(board, op.id) or expected_version(board.notes[op.id], op.expect, "note")
    if problem:
        return problem
    note = board.notes[op.id]
    data: dict[str, Any] = {"id": op.id}
    if op.indicators is not None:
        if len(op.indicators) > MAX_INDICATORS:
            return refuse("bad_value", f"at most {MAX_INDICATORS} indicators")
        rows = []
        for spec in op.indicators:
            row = {k: getattr(spec, k).strip() for k in ("indicator", "baseline", "target", "source")}
            if not row["indicator"]:
                return refuse("text_empty", "an indicator needs its text")
            if any(len(v) > MAX_INDICATOR_FIELD for v in row.values()):
                return refuse("text_too_long", f"an indicator's fields are at most {MAX_INDICATOR_FIELD} characters")
            rows.append(row)
        data["indicators"] = rows
    if "change" in op.model_fields_set:
        data["change"] = op.change
    if len(data) == 1:
        return refuse("bad_frame", "note.indicators needs indicators or a change")
    return Change("note.indicators", {**data, "updated_at": now, "version": note.version + 1})


def apply_evidence(board: Board, d: dict[str, Any]) -> None:
    link = board.links[d["id"]]
    for name in ("mechanism", "support", "sources", "strength", "updated_at", "version"):
        if name in d:
            setattr(link, name, d[name])


def apply_confidence(board: Board, d: dict[str, Any]) -> None:
    confidence = board.links[d["id"]].confidence
    if d["value"] is None:
        confidence.pop(d["participant"], None)
    else:
        confidence[d["participant"]] = d["value"]


def apply_assumption(board: Board, d: dict[str, Any]) -> None:
    link = board.links[d["id"]]
    link.assumptions, link.updated_at, link.version = list(d["assumptions"]), d["updated_at"], d["version"]


def apply_indicators(board: Board, d: dict[str, Any]) -> None:
    note: Note = board.notes[d["id"]]
    for name in ("indicators", "change", "updated_at", "version"):
        if name in d:
            setattr(note, name, d[name])


def forget_note(board: Board, note_id: str) -> None:
    """A deleted note no longer props up any link."""
    for link in board.links.values():
        if note_id in link.assumptions:
            link.assumptions = [a for a in link.assumptions if a != note_id]


DECIDERS: dict[type, Callable[..., Change | Refusal]] = {
    ops.LinkEvidence: _evidence,
    ops.ConfidenceSet: _confidence,
    ops.LinkAssumption: _assumption,
    ops.NoteIndicators: _indicators,
}
