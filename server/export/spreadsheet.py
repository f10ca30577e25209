"""CSV: notes.csv and links.csv in one zip, UTF-8 with a byte-order mark so spreadsheet programs detect it.

Cells a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return) are
prefixed with an apostrophe; reading the files back removes exactly that prefix.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from server.export.mapview import MapView, iso

NOTE_COLUMNS = ["id", "kind", "kind_label", "text", "author", "x", "y", "colour", "created_at", "updated_at"]
LINK_COLUMNS = ["id", "source", "target", "label", "source_text", "target_text", "author", "created_at"]
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
        }
        for lk in view.links
    ]


def export(view: MapView) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("notes.csv", _table(NOTE_COLUMNS, note_rows(view)))
        z.writestr("links.csv", _table(LINK_COLUMNS, link_rows(view)))
    return buffer.getvalue()


def read_table(data: bytes, name: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of one CSV file as (line number, row), protection removed; ValueError names the file and line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            if None in row:
                raise ValueError(f"{name} line {reader.line_num}: more cells than the header has columns")
            rows.append((reader.line_num, {k.strip(): unprotect(v or "") for k, v in row.items() if k is not None}))
    except csv.Error as exc:
        raise ValueError(f"{name} line {reader.line_num}: {exc}") from None
    return rows
