"""CSV: notes.csv and links.csv in one zip, UTF-8 with a byte-order mark so spreadsheet programs detect it, and
pathway_votes.csv when the facilitator closed a vote on pathways (rule P48): one row per pathway that got dots.

Cells a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return) are
prefixed with an apostrophe; reading the files back removes exactly that prefix.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from server.export.mapview import MapView, iso

NOTE_COLUMNS = ["id", "kind", "kind_label", "text", "author", "x", "y", "colour", "created_at", "updated_at", "dots"]
LINK_COLUMNS = ["id", "source", "target", "label", "source_text", "target_text", "author", "created_at", "dots"]
PATHWAY_VOTE_COLUMNS = ["vote", "title", "closed_at", "rank", "pathway", "notes", "dots"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def protect(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def unprotect(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def _table(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: protect(v) if isinstance(v, str) else v for k, v in row.items()})
    return out.getvalue().encode("utf-8-sig")


def note_rows(view: MapView) -> list[dict[str, Any]]:
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
            "created_at": iso(n["created_at"]),
            "updated_at": iso(n["updated_at"]),
            "dots": view.dots.get(n["id"], 0),
        }
        for n in view.notes
    ]


def link_rows(view: MapView) -> list[dict[str, Any]]:
    return [
        {
            "id": lk["id"],
            "source": lk["source"],
            "target": lk["target"],
            "label": lk["label"],
            "source_text": view.by_id[lk["source"]]["text"],
            "target_text": view.by_id[lk["target"]]["text"],
            "author": view.author(lk),
            "created_at": iso(lk["created_at"]),
            "dots": view.dots.get(lk["id"], 0),
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


def export(view: MapView) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("notes.csv", _table(NOTE_COLUMNS, note_rows(view)))
        z.writestr("links.csv", _table(LINK_COLUMNS, link_rows(view)))
        if pathway_votes := pathway_vote_rows(view):
            z.writestr("pathway_votes.csv", _table(PATHWAY_VOTE_COLUMNS, pathway_votes))
    return buffer.getvalue()


# Bounds on a CSV file being read, so that no file can make the reader hold more than the rows it keeps: a
# header of at most this many columns, and a row (even one spread over several lines by quoted line breaks) of
# at most this many characters (a note's text is at most 2,000).
MAX_COLUMNS = 64
MAX_ROW_CHARS = 64 * 1024
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
