"""Importing a map (Pathweaver JSON, or notes.csv + links.csv) as a new workshop.

Every note and link goes through the board's own rules, so an imported map obeys exactly the limits a live
one does. Anything wrong stops the import before anything is stored, with a message naming the file, line
or field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from server import evidence_imports, import_limits, vote_imports
from server.board import characters, ops, stories
from server.board.change import Change
from server.board.model import DEFAULT_KINDS, IMPORTER_ID, Board, Event, Kind, Participant, WorkshopInfo
from server.board.refusals import Refusal
from server.board.rules import MAX_LINKS, MAX_NOTES, MAX_QUESTION, MAX_TITLE, decide, participant_join
from server.clock import now_ms
from server.export import pathweaver_json, spreadsheet
from server.import_limits import MAX_IMPORT_BYTES as MAX_IMPORT_BYTES
from server.import_limits import ImportProblem as ImportProblem
from server.protocol.codec import is_unpaired_surrogate
from server.storage.base import Storage
from server.workshops import CreatedWorkshop, create_workshop

_KIND_NAME = re.compile(r"[a-z][a-z0-9_-]{0,29}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
GRID_COLUMNS = 6


@dataclass
class MapDraft:
    """A map read from a file, not yet checked against the board's rules."""

    title: str
    question: str
    kinds: tuple[Kind, ...]
    participants: list[dict[str, Any]] = field(default_factory=list)
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (where, note fields)
    links: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    locked: bool = False
    # What a workshop's setup adds to its map (JSON schema 2 and 3): its plan, clusters and lanes, as operations
    # the facilitator would send, checked by the same rules.
    setup: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # Contribution stories (P52): where in the file, the `story.add` each would be, and the story as written.
    stories: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    votes: Any = None  # the closed dot votes of a Pathweaver JSON file, unchecked until the notes are in


def _check_size(data: bytes, what: str) -> None:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportProblem(f"{what} is {len(data):,} bytes; the limit is {MAX_IMPORT_BYTES:,}")


def _check_storable(value: Any, where: str = "", field_word: str = "") -> None:
    """Refuse the file when any text in `value` holds a character that cannot be stored, naming the place."""
    found = characters.find(value)
    if found is not None:
        inner, what = found
        place = ", ".join(part for part in (where, inner and f"{field_word}{inner}") if part)
        raise ImportProblem(characters.describe(place, what))


def read_json(data: bytes) -> MapDraft:
    """A Pathweaver JSON export, checked field by field."""
    _check_size(data, "the file")
    import_limits.check_json_size(data)
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if is_unpaired_surrogate(exc):
            raise ImportProblem(f"a string holds an unpaired surrogate, which cannot be stored: {exc}") from None
        raise ImportProblem(f"not valid JSON (UTF-8): {exc}") from None
    _check_storable(parsed)
    try:
        document = pathweaver_json.document_fields(parsed)
    except ValueError as exc:
        raise ImportProblem(str(exc)) from None
    import_limits.check_counts(document)
    w = document["workshop"]
    kinds = [_kind(k, f"workshop.kinds[{i}]", ".") for i, k in enumerate(w.get("kinds") or [])]
    draft = MapDraft(
        title=_text(w.get("title"), "workshop.title", MAX_TITLE, required=True),
        question=_text(w.get("question", ""), "workshop.question", MAX_QUESTION),
        kinds=tuple(kinds) or _default_kinds(),
        locked=bool(w.get("locked", False)),
        votes=document.get("votes"),
    )
    for i, p in enumerate(document["participants"]):
        draft.participants.append(import_limits.participant_fields(p, f"participants[{i}]"))
    for key, target in (("notes", draft.notes), ("links", draft.links)):
        for i, item in enumerate(document[key]):
            if not isinstance(item, dict):
                raise ImportProblem(f"{key}[{i}]: expected a JSON object")
            target.append((f"{key}[{i}]", item))
    draft.setup = _setup(document)
    draft.stories = _stories(document)
    return draft


def _setup(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The operations that give an imported map the plan, lanes and clusters of the file, where it has them."""
    frames: list[tuple[str, dict[str, Any]]] = []
    plan = document.get("plan")
    if isinstance(plan, dict) and plan.get("changed_at") and isinstance(plan.get("phases"), list):
        frames.append(("plan", {"op": "plan.set", "phases": plan["phases"], "current": plan.get("current", 0)}))
    lanes = document.get("lanes")
    if lanes:
        frames.append(("lanes", {"op": "lanes.set", "lanes": lanes}))
    clusters = document.get("clusters") or []
    if not isinstance(clusters, list):
        raise ImportProblem("clusters: expected a JSON array")
    for i, c in enumerate(clusters):
        if not isinstance(c, dict):
            raise ImportProblem(f"clusters[{i}]: expected a JSON object")
        fields = {k: c.get(k) for k in ("id", "label", "x", "y", "width", "height")}
        frames.append((f"clusters[{i}]", {"op": "cluster.add", **fields}))
    groups = document.get("groups")
    if groups:  # the stakeholder groups, then who is in which (rule P51), through the board's own rules
        frames.append(("groups", {"op": "groups.set", "groups": groups}))
        for i, p in enumerate(document["participants"]):
            if isinstance(p, dict) and p.get("group") is not None:
                frame = {"op": "participant.group", "participant": p.get("id"), "group": p["group"]}
                frames.append((f"participants[{i}].group", frame))
    return frames


def _kind(k: Any, where: str, separator: str) -> Kind:
    """One kind of note from a file: a name (lower-case letters, digits, - or _), a label and a colour."""
    if not isinstance(k, dict) or not _KIND_NAME.fullmatch(str(k.get("name", ""))):
        raise ImportProblem(f"{where}{separator}name: expected lower-case letters, digits, - or _")
    if not _COLOUR.fullmatch(str(k.get("colour", ""))):
        raise ImportProblem(f"{where}{separator}colour: expected a colour like #a1b2c3")
    return Kind(k["name"], str(k.get("label") or k["name"])[:40], k["colour"])


def _endorsements(item: dict[str, Any], item_id: str, where: str, known: set[str]) -> list[Change]:
    """Who endorsed an imported note or link (rule P51): participants of the file, each once."""
    endorsed = item.get("endorsed_by") or []
    if not isinstance(endorsed, list) or not all(isinstance(p, str) and p in known for p in endorsed):
        raise ImportProblem(f"{where}.endorsed_by: expected ids of the file's participants")
    if len(set(endorsed)) != len(endorsed):
        raise ImportProblem(f"{where}.endorsed_by: each participant at most once")
    return [Change("endorse", {"id": item_id, "participant": p, "on": True}) for p in endorsed]


def _stories(document: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The contribution stories of the file (rule P52), where it has them, as the `story.add` each would be."""
    found = document.get("stories") or []
    if not isinstance(found, list):
        raise ImportProblem("stories: expected a JSON array")
    if len(found) > stories.MAX_STORIES:
        raise ImportProblem(f"stories: at most {stories.MAX_STORIES}")
    frames = []
    for i, s in enumerate(found):
        if not isinstance(s, dict):
            raise ImportProblem(f"stories[{i}]: expected a JSON object")
        fields = {k: s[k] for k in ("id", "title", "pathway", *stories.FIELDS, "other_factors") if k in s}
        frames.append((f"stories[{i}]", {"op": "story.add", **fields}, s))
    return frames


def _text(value: Any, where: str, limit: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ImportProblem(f"{where}: expected text, got {type(value).__name__}")
    if required and not value.strip():
        raise ImportProblem(f"{where}: must not be empty")
    if len(value) > limit:
        raise ImportProblem(f"{where}: {len(value)} characters; the limit is {limit}")
    return value


def _default_kinds() -> tuple[Kind, ...]:
    return tuple(Kind(*k) for k in DEFAULT_KINDS)


def read_csv(
    notes_csv: bytes,
    links_csv: bytes | None,
    title: str,
    *,
    workshop_csv: bytes | None = None,
    kinds_csv: bytes | None = None,
    participants_csv: bytes | None = None,
    groups_csv: bytes | None = None,
    fallback_title: str = "Imported map",
) -> MapDraft:
    """notes.csv (columns: text, kind, and optionally id, x, y, colour) and links.csv (source, target, label).

    The files a Pathweaver CSV export adds are read when given: workshop.csv (its title is used when `title` is
    blank, and its question), kinds.csv (the workshop's kinds; else the default ones), participants.csv, and in
    notes.csv and links.csv the author_id, created_at and updated_at columns.
    """
    _check_size(
        b"".join(f or b"" for f in (notes_csv, links_csv, workshop_csv, kinds_csv, participants_csv, groups_csv)),
        "the files",
    )
    _check_storable(title, "the title")
    question = ""
    if workshop_csv is not None:
        rows = _read_table(workshop_csv, "workshop.csv", 1, ("title", "question"), ("title",))
        if rows:
            line, row = rows[0]
            _check_storable(row, f"workshop.csv line {line}", "column ")
            title = title.strip() or _text(row["title"], f"workshop.csv line {line}, title", MAX_TITLE).strip()
            question = _text(row.get("question", ""), f"workshop.csv line {line}, question", MAX_QUESTION)
    title = title.strip() or fallback_title
    kinds = _default_kinds()
    if kinds_csv is not None:
        kind_rows = _read_table(kinds_csv, "kinds.csv", import_limits.MAX_KINDS, spreadsheet.KIND_COLUMNS, ("name",))
        kinds = tuple(_kind(row, f"kinds.csv line {line}, column ", "") for line, row in kind_rows) or kinds
        if len({k.name for k in kinds}) != len(kinds):
            raise ImportProblem("kinds.csv: a kind is named twice")
    by_word = {k.name: k.name for k in kinds} | {k.label.lower(): k.name for k in kinds}
    draft = MapDraft(title=title, question=question, kinds=kinds)
    if participants_csv is not None:
        table = _read_table(
            participants_csv, "participants.csv", import_limits.MAX_PARTICIPANTS, spreadsheet.PARTICIPANT_COLUMNS
        )
        for line, row in table:
            draft.participants.append(import_limits.participant_fields(row, f"participants.csv line {line}"))
        if groups_csv is not None:
            draft.setup = evidence_imports.group_frames(_read_table(groups_csv, *evidence_imports.GROUPS_TABLE), table)
    known_authors = {p["id"] for p in draft.participants}
    note_columns = (
        *("text", "kind", "id", "x", "y", "colour", "author_id", "created_at", "updated_at"),
        *("change", "indicators", "endorser_ids"),
    )
    rows = _read_table(notes_csv, "notes.csv", MAX_NOTES, note_columns, ("text", "kind"))
    if not rows:
        raise ImportProblem("notes.csv has no rows")
    for column in ("text", "kind"):
        if column not in rows[0][1]:
            raise ImportProblem(f"notes.csv: no {column!r} column (columns: {', '.join(rows[0][1])})")
    for index, (line, row) in enumerate(rows):
        where = f"notes.csv line {line}"
        _check_storable(row, where, "column ")
        kind = by_word.get(row["kind"].strip().lower())
        if kind is None:
            raise ImportProblem(f"{where}: kind {row['kind']!r} is not one of {', '.join(k.label for k in kinds)}")
        note: dict[str, Any] = {"id": row.get("id") or f"row{line:05}", "kind": kind, "text": row["text"]}
        for axis, default in (("x", (index % GRID_COLUMNS) * 240.0), ("y", (index // GRID_COLUMNS) * 160.0)):
            try:
                note[axis] = float(row[axis]) if row.get(axis, "").strip() else default
            except ValueError:
                raise ImportProblem(f"{where}: column {axis!r} should be a number, got {row[axis]!r}") from None
        if row.get("colour"):
            note["colour"] = row["colour"]
        note.update(_written(row, where, known_authors))
        note.update(evidence_imports.note_fields(row, where))
        draft.notes.append((where, note))
    link_columns = (
        *("source", "target", "label", "id", "author_id", "created_at", "updated_at"),
        *("mechanism", "support", "sources", "grade", "confidence_by", "assumption_ids", "endorser_ids"),
    )
    for line, row in _read_table(links_csv, "links.csv", MAX_LINKS, link_columns) if links_csv else []:
        where = f"links.csv line {line}"
        _check_storable(row, where, "column ")
        if not row.get("source") or not row.get("target"):
            raise ImportProblem(f"{where}: needs a source and a target (note ids, or a note's exact text)")
        link = {
            "id": row.get("id") or f"link{line:05}",
            "source": row["source"],
            "target": row["target"],
            "label": row.get("label", ""),
            **_written(row, where, known_authors),
            **evidence_imports.link_fields(row, where),
        }
        draft.links.append((where, link))
    _resolve_link_ends_by_text(draft)
    return draft


def _written(row: dict[str, str], where: str, known_authors: set[str]) -> dict[str, Any]:
    """Who wrote a note or link and when, from the columns a Pathweaver export adds (each optional)."""
    fields: dict[str, Any] = {}
    if row.get("author_id") in known_authors:
        fields["author"] = row["author_id"]
    for column in ("created_at", "updated_at"):
        if row.get(column, "").strip():
            try:
                fields[column] = spreadsheet.parse_time(row[column])
            except (ValueError, OverflowError, OSError):
                raise ImportProblem(
                    f"{where}: column {column!r} should be a time like 2026-11-24T10:00:00.000Z, got {row[column]!r}"
                ) from None
    return fields


def _read_table(data: bytes, name: str, *bounds: Any) -> list[tuple[int, dict[str, str]]]:
    try:
        return spreadsheet.read_table(data, name, *bounds)
    except ValueError as exc:
        raise ImportProblem(str(exc)) from None


def read_csv_zip(data: bytes, title: str = "", fallback_title: str = "Imported map") -> MapDraft:
    """A zip holding notes.csv, and maybe the other files a Pathweaver CSV export holds. A non-blank `title`
    is the workshop's title; else workshop.csv's, else `fallback_title`."""
    _check_size(data, "the file")
    members = import_limits.read_zip_members(data, spreadsheet.MEMBERS)
    if "notes.csv" not in members:
        raise ImportProblem("the zip holds no notes.csv")
    return read_csv(
        members["notes.csv"],
        members.get("links.csv"),
        title,
        workshop_csv=members.get("workshop.csv"),
        kinds_csv=members.get("kinds.csv"),
        participants_csv=members.get("participants.csv"),
        groups_csv=members.get("groups.csv"),
        fallback_title=fallback_title,
    )


def read_upload(data: bytes, filename: str, title: str = "") -> MapDraft:
    """Any map file by its name: a CSV zip, a notes.csv, or else Pathweaver JSON. `title` overrides the file's."""
    name = filename.lower()
    fallback = title.strip() or filename.rsplit("/", 1)[-1].split(".")[0][:MAX_TITLE] or "Imported map"
    _check_storable(fallback, "the title")
    if name.endswith(".zip"):
        return read_csv_zip(data, title.strip()[:MAX_TITLE], fallback_title=fallback)
    if name.endswith(".csv"):
        return read_csv(data, None, fallback)
    draft = read_json(data)
    if title.strip():
        draft.title = title.strip()[:MAX_TITLE]
    return draft


def _resolve_link_ends_by_text(draft: MapDraft) -> None:
    """Spreadsheet links may name notes by their text instead of their id, when that text is unique."""
    ids = {n["id"] for _, n in draft.notes}
    by_text: dict[str, list[str]] = {}
    for _, n in draft.notes:
        by_text.setdefault(n["text"], []).append(n["id"])
    for where, link in draft.links:
        for end in ("source", "target"):
            value = link[end]
            if value in ids:
                continue
            matches = by_text.get(value, [])
            if len(matches) == 1:
                link[end] = matches[0]
            elif len(matches) > 1:
                raise ImportProblem(f"{where}: {end} {value!r} matches {len(matches)} notes; use note ids")
            else:
                raise ImportProblem(f"{where}: {end} {value!r} is neither a note id nor a note's text")


def _decided(board: Board, frame: dict[str, Any], importer: Participant, now: int, where: str) -> Change:
    """The change one operation of a file makes, decided by the board's own rules; ImportProblem, naming where
    in the file, if the operation is malformed or refused."""
    try:
        op = ops.OP_ADAPTER.validate_python(frame)
    except ValueError as exc:
        raise ImportProblem(f"{where}: {str(exc).splitlines()[1:3]}") from None
    change = decide(board, op, importer, now)
    if isinstance(change, Refusal):
        raise ImportProblem(f"{where}: {change.code}: {change.message}")
    return change


def build_events(draft: MapDraft, workshop_id: str, importer: Participant, now: int) -> tuple[Board, list[Event]]:
    """Check every note and link with the board's rules and turn the draft into the events of a new board."""
    info = WorkshopInfo(
        id=workshop_id, title=draft.title, question=draft.question, kinds=draft.kinds, locked=False, created_at=now
    )
    board = Board(workshop=info)
    events: list[Event] = []
    known = {p["id"] for p in draft.participants}

    def accept(change: Change, by: str) -> None:
        event = Event(seq=board.head + 1, op=change.op, by=by, at=now, data=change.data)
        board.apply(event)
        events.append(event)

    for p in [
        *draft.participants,
        {"id": importer.id, "name": importer.name, "colour": importer.colour, "role": importer.role},
    ]:
        if p["id"] not in board.participants:
            accept(participant_join(Participant(**p)), p["id"])
    for kind, items in (("note", draft.notes), ("link", draft.links)):
        for where, item in items:
            fields = (
                ["id", "kind", "text", "x", "y", "colour"] if kind == "note" else ["id", "source", "target", "label"]
            )
            frame = {"op": f"{kind}.add", **{k: item[k] for k in fields if k in item and item[k] is not None}}
            for axis in ("x", "y"):
                if isinstance(frame.get(axis), int) and not isinstance(frame[axis], bool):
                    frame[axis] = float(frame[axis])  # JSON writes 3.0 as 3
            change = _decided(board, frame, importer, now, f"{where} (id {item.get('id')!r})")
            # Keep who wrote it and when, where the file says so.
            author = str(item["author"]) if item.get("author") in known else importer.id
            change.data.update(
                {"author": author},
                **{k: item[k] for k in ("created_at", "updated_at", "version") if isinstance(item.get(k), int)},
            )
            accept(change, author)
            for endorsement in _endorsements(item, change.data["id"], where, known):
                accept(endorsement, str(endorsement.data["participant"]))
    for where, frame, item in _evidence_frames(draft):
        rater = frame.pop("participant", None)
        change = _decided(board, frame, importer, now, where)
        if change.op == "confidence.set":
            # Confidence is each person's own: the file's rating is its participant's, where the file names them.
            if rater not in known:
                raise ImportProblem(f"{where}: a confidence from {str(rater)[:80]!r}, not one of the file's people")
            change.data["participant"] = rater
        else:
            change.data.update({k: item[k] for k in ("updated_at", "version") if isinstance(item.get(k), int)})
        accept(change, importer.id)
    for where, frame in draft.setup:
        for key in ("x", "y", "width", "height"):
            if isinstance(frame.get(key), int) and not isinstance(frame[key], bool):
                frame[key] = float(frame[key])  # JSON writes 3.0 as 3
        accept(_decided(board, frame, importer, now, where), importer.id)
    for where, frame, kept in draft.stories:
        try:
            story_op = ops.StoryAdd.model_validate(frame)
        except ValueError as exc:
            raise ImportProblem(f"{where}: {str(exc).splitlines()[1:3]}") from None
        told = stories.imported(board, story_op, importer, now)
        if isinstance(told, Refusal):
            raise ImportProblem(f"{where}: {told.code}: {told.message}")
        told.data["author"] = author = str(kept["author"]) if kept.get("author") in known else importer.id
        told.data.update({k: kept[k] for k in ("created_at", "updated_at", "version") if _count(kept.get(k))})
        accept(told, author)
    for change in vote_imports.closed_vote_changes(board, draft.votes, known):
        accept(change, importer.id)
    if draft.locked:
        accept(Change("workshop.lock", {"locked": True}), importer.id)
    return board, events


def _evidence_frames(draft: MapDraft) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The operations that give imported links their evidence, confidence and assumptions, and imported notes
    their indicators (JSON schema 4), as (where, frame, the file's item)."""
    frames: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for where, note in draft.notes:
        if note.get("indicators") or note.get("change"):
            fields = {k: note[k] for k in ("indicators", "change") if note.get(k)}
            frames.append((f"{where}.indicators", {"op": "note.indicators", "id": note.get("id"), **fields}, note))
    for where, link in draft.links:
        fields = {k: link[k] for k in ("mechanism", "support", "sources", "strength") if link.get(k)}
        if fields:
            if isinstance(fields.get("sources"), list):  # the file spells an absent url or doi as null
                fields["sources"] = [
                    {k: v for k, v in s.items() if v is not None} if isinstance(s, dict) else s
                    for s in fields["sources"]
                ]
            frames.append((f"{where}.evidence", {"op": "link.evidence", "id": link.get("id"), **fields}, link))
        assumptions = link.get("assumptions") or []
        if not isinstance(assumptions, list):
            raise ImportProblem(f"{where}.assumptions: expected a JSON array")
        for i, note_id in enumerate(assumptions):
            frame = {"op": "link.assumption", "id": link.get("id"), "note": note_id}
            frames.append((f"{where}.assumptions[{i}]", frame, link))
        confidence = link.get("confidence") or {}
        if not isinstance(confidence, dict):
            raise ImportProblem(f"{where}.confidence: expected a JSON object")
        for participant, value in confidence.items():
            frame = {"op": "confidence.set", "id": link.get("id"), "value": value}
            frames.append((f"{where}.confidence.{participant[:80]}", {**frame, "participant": participant}, link))
    return frames


def _count(value: Any) -> bool:
    """Whether `value` is a whole number a story may keep as its time or version."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 2**53


@dataclass(frozen=True)
class Imported:
    created: CreatedWorkshop
    board: Board


def import_map(storage: Storage, secret_key: bytes, draft: MapDraft, importer_name: str = "Imported map") -> Imported:
    """Store the draft as a new workshop; nothing is stored unless every note and link is accepted."""
    now = now_ms()
    # Notes and links the file does not attribute to one of its participants are credited to the import.
    importer = Participant(id=IMPORTER_ID, name=importer_name, colour="#7f7f7f", role="facilitator")
    board, events = build_events(draft, "", importer, now)  # raises before anything is stored
    created = create_workshop(storage, secret_key, draft.title, draft.question, draft.kinds)
    board.workshop.id = created.workshop.id
    storage.append(created.workshop.id, events)
    return Imported(created, board)
