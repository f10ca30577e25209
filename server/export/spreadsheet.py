"""CSV: notes.csv and links.csv in one zip, UTF-8 with a byte-order mark so spreadsheet programs detect it,
with workshop.csv (title, question, times), kinds.csv (the workshop's own kinds), participants.csv (who
wrote what, and their stakeholder group) and groups.csv (the groups, when there are any), so that importing
the zip gives back the same map; the evidence, indicators and endorsements are columns of notes.csv and
links.csv (server/export/attributes.py); and pathway_votes.csv when the facilitator
closed a vote on pathways (rule P48): one row per pathway that got dots.

Cells a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return) are
prefixed with an apostrophe, and so is a cell that starts with apostrophes before such a character (`'=x`
is written `''=x`); reading the files back removes exactly that one apostrophe, so every text comes back as
it was.

Times are ISO 8601 UTC with milliseconds (`2026-11-24T10:00:00.123Z`), so that they read back exactly.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from server.board.evidence import MAX_ASSUMPTIONS, MAX_MECHANISM, MAX_SOURCE_TITLE, MAX_SOURCES, MAX_URL
from server.board.perspectives import MAX_GROUP_LABEL
from server.board.rules import MAX_LABEL, MAX_TEXT
from server.export import attributes
from server.export.mapview import MapView, iso
from server.import_limits import MAX_ID, MAX_PARTICIPANTS, MAX_PROXY_NAME

NOTE_COLUMNS = [
    "id",
    "kind",
    "kind_label",
    "text",
    "author",
    "x",
    "y",
    "colour",
    "created_at",
    "updated_at",
    "dots",
    "author_id",
    *(name for name, _ in attributes.NOTE_ATTRIBUTES),
]
LINK_COLUMNS = [
    "id",
    "source",
    "target",
    "label",
    "source_text",
    "target_text",
    "author",
    "created_at",
    "dots",
    "updated_at",
    "author_id",
    *(name for name, _ in attributes.LINK_ATTRIBUTES),
    "confidence_by",  # each person's own: "participant id=4; …", the people of participants.csv
]
WORKSHOP_COLUMNS = ["title", "question", "created_at", "exported_at"]
KIND_COLUMNS = ["name", "label", "colour"]
PARTICIPANT_COLUMNS = ["id", "name", "colour", "role", "group"]  # group: the id of their stakeholder group
GROUP_COLUMNS = ["id", "label", "colour"]  # the stakeholder groups (rule P51), when the workshop has them
MEMBERS = ("notes.csv", "links.csv", "workshop.csv", "kinds.csv", "participants.csv", "groups.csv")
PATHWAY_VOTE_COLUMNS = ["vote", "title", "closed_at", "rank", "pathway", "notes", "dots"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_MAY_NEED_PROTECTION = frozenset(("'", *_FORMULA_START))


def protect(value: str) -> str:
    """The cell a spreadsheet shows as text: an apostrophe before anything it would run as a formula."""
    if value[:1] not in _MAY_NEED_PROTECTION:
        return value  # most cells: looked at once
    return "'" + value if value.lstrip("'").startswith(_FORMULA_START) else value


def unprotect(value: str) -> str:
    """The text `protect` was given: one apostrophe off a cell that starts with apostrophes before a formula
    character (a cell like `'hello` was never protected, and stays as it is)."""
    return value[1:] if value.startswith("'") and value.lstrip("'").startswith(_FORMULA_START) else value


def iso_ms(ms: int) -> str:
    """Milliseconds since the epoch as ISO 8601 UTC with milliseconds, which reads back to the same number."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: str) -> int:
    """An ISO 8601 time (UTC when it names no zone) as milliseconds since the epoch; ValueError if it is none."""
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def _table(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # rows as lists: a DictWriter costs twice as much
    writer.writerow(columns)
    writer.writerows(
        [protect(v) if v and isinstance(v, str) else v for v in map(row.__getitem__, columns)] for row in rows
    )
    return out.getvalue().encode("utf-8-sig")


def _cells(values: dict[str, Any]) -> dict[str, Any]:
    """Attributes as cells: lists joined, absent values empty, true and false as words."""
    flat = attributes.flat(values)
    return {k: "" if v is None else str(v).lower() if isinstance(v, bool) else v for k, v in flat.items()}


def confidence_by(link: dict[str, Any]) -> str:
    return attributes.join(f"{who}={value}" for who, value in (link.get("confidence") or {}).items())


def note_rows(view: MapView) -> list[dict[str, Any]]:
    extra = attributes.Attributes(view)
    return [
        {
            "id": n["id"],
            "kind": n["kind"],
            "kind_label": view.kind_label(n),
            "text": n["text"],
            "author": view.author(n),
            "x": n["x"],
            "y": n["y"],
            "colour": n.get("colour") or "",
            "created_at": iso_ms(n["created_at"]),
            "updated_at": iso_ms(n["updated_at"]),
            "dots": view.dots.get(n["id"], 0),
            "author_id": n["author"],
            **_cells(extra.note(n)),
        }
        for n in view.notes
    ]


def link_rows(view: MapView) -> list[dict[str, Any]]:
    extra = attributes.Attributes(view)
    return [
        {
            "id": lk["id"],
            "source": lk["source"],
            "target": lk["target"],
            "label": lk["label"],
            "source_text": view.by_id[lk["source"]]["text"],
            "target_text": view.by_id[lk["target"]]["text"],
            "author": view.author(lk),
            "created_at": iso_ms(lk["created_at"]),
            "dots": view.dots.get(lk["id"], 0),
            "updated_at": iso_ms(lk["updated_at"]),
            "author_id": lk["author"],
            **_cells(extra.link(lk)),
            "confidence_by": confidence_by(lk),
        }
        for lk in view.links
    ]


def pathway_vote_rows(view: MapView) -> list[dict[str, Any]]:
    """Each closed vote on pathways, its pathways most dots first: named by their notes' text and by their ids."""
    rows = []
    for vote in view.closed_votes:
        if vote["on"] != "pathways":
            continue
        named = {pathway: view.item_text(vote, pathway) for pathway in vote["totals"]}
        ranked = sorted(vote["totals"].items(), key=lambda t: (-t[1], named[t[0]]))
        for rank, (pathway, dots) in enumerate(ranked, 1):
            rows.append(
                {
                    "vote": vote["id"],
                    "title": vote["title"],
                    "closed_at": iso(vote["closed_at"]),
                    "rank": rank,
                    "pathway": named[pathway],
                    "notes": pathway,
                    "dots": dots,
                }
            )
    return rows


def export(view: MapView, exported_at: int) -> bytes:
    w = view.workshop
    workshop = {
        "title": w["title"],
        "question": w["question"],
        "created_at": iso_ms(w["created_at"]),
        "exported_at": iso_ms(exported_at),
    }
    participants = [{**p, "group": p.get("group") or ""} for p in view.snapshot["participants"]]
    groups = [{**g, "colour": g.get("colour") or ""} for g in view.snapshot.get("groups", ())]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("notes.csv", _table(NOTE_COLUMNS, note_rows(view)))
        z.writestr("links.csv", _table(LINK_COLUMNS, link_rows(view)))
        z.writestr("workshop.csv", _table(WORKSHOP_COLUMNS, [workshop]))
        z.writestr("kinds.csv", _table(KIND_COLUMNS, [{k: kind[k] for k in KIND_COLUMNS} for kind in w["kinds"]]))
        z.writestr("participants.csv", _table(PARTICIPANT_COLUMNS, participants))
        if groups:
            z.writestr("groups.csv", _table(GROUP_COLUMNS, groups))
        if pathway_votes := pathway_vote_rows(view):
            z.writestr("pathway_votes.csv", _table(PATHWAY_VOTE_COLUMNS, pathway_votes))
    return buffer.getvalue()


# Bounds on a CSV file being read, so that no file can make the reader hold more than the rows it keeps: a
# header of at most this many columns, and a row (even one spread over several lines by quoted line breaks) of
# at most this many characters: the longest row an export writes, a link's, with both notes' texts, its label
# and mechanism, 20 sources, 20 assumptions' texts and ids and everyone who endorses it (a name, an id and a
# group each), every character of them escaped, and room for the other columns.
MAX_COLUMNS = 64
_LONGEST_LINK_ROW = (
    2 * MAX_TEXT
    + MAX_LABEL
    + MAX_MECHANISM
    + MAX_SOURCES * (MAX_SOURCE_TITLE + MAX_URL + len(" <>; "))
    + MAX_ASSUMPTIONS * (MAX_TEXT + MAX_ID + 2 * len("; "))
    + MAX_PARTICIPANTS * (MAX_PROXY_NAME + MAX_ID + MAX_GROUP_LABEL + 3 * len("; "))
)
MAX_ROW_CHARS = 2 * _LONGEST_LINK_ROW + 4096
# The csv module refuses a cell over 131,072 characters unless told otherwise (for the whole process: no other
# code here reads CSV); a cell is bounded by its row.
csv.field_size_limit(MAX_ROW_CHARS)
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")  # a line with its ending (CRLF, CR or LF), or the last one


def read_table(
    data: bytes,
    name: str,
    max_rows: int | None = None,
    columns: Collection[str] | None = None,
    required: Iterable[str] = (),
) -> list[tuple[int, dict[str, str]]]:
    """Rows of one CSV file as (line number, row), protection removed; ValueError names the file and line.

    Only `columns` are kept (all when None); a header without a `required` column, a header over MAX_COLUMNS,
    a row over MAX_ROW_CHARS or more than `max_rows` rows stop the reading there.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None
    row_chars, row_start = 0, 1

    def lines() -> Iterator[str]:
        nonlocal row_chars
        # One line at a time, by a regular expression: a StringIO would hold four bytes for every character.
        for match in _LINE.finditer(text):
            line = match.group()
            row_chars += len(line)
            if row_chars > MAX_ROW_CHARS:
                raise ValueError(f"{name} line {row_start}: a row longer than {MAX_ROW_CHARS:,} characters")
            yield line

    def next_row_starts() -> None:
        nonlocal row_chars, row_start
        row_chars, row_start = 0, reader.line_num + 1

    reader = csv.reader(lines())
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if len(header) > MAX_COLUMNS:
            raise ValueError(f"{name}: {len(header):,} columns; at most {MAX_COLUMNS} are read")
        for column in required:
            if column not in header:
                raise ValueError(f"{name}: no {column!r} column (columns: {', '.join(header)})")
        kept = [(i, key) for i, key in enumerate(header) if columns is None or key in columns]
        next_row_starts()
        for cells in reader:
            next_row_starts()
            if not cells:
                continue  # a blank line
            if len(cells) > len(header):
                raise ValueError(f"{name} line {reader.line_num}: more cells than the header has columns")
            if max_rows is not None and len(rows) >= max_rows:
                raise ValueError(f"{name}: more than {max_rows:,} rows")
            rows.append((reader.line_num, {key: unprotect(cells[i]) if i < len(cells) else "" for i, key in kept}))
    except csv.Error as exc:
        raise ValueError(f"{name} line {reader.line_num}: {exc}") from None
    return rows
