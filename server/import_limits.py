"""Bounds on imported files, checked before anything is built from them.

An upload is at most `MAX_IMPORT_BYTES`, but a small file can still stand for a great deal: a zip member can
inflate a thousandfold, and ten megabytes of JSON like `[{},{},…]` become millions of Python objects. So a zip
member is refused by its declared size and compression ratio and then decompressed as a stream that stops at the
limit (declared sizes can lie); JSON is refused by a count of its values before it is parsed; and the numbers of
notes, links, participants and kinds, and each participant's fields, are checked before anything is built.
Nothing an imported file holds may go beyond what the live board accepts.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from typing import Any

from server.board.rules import MAX_LINKS, MAX_NOTES

MAX_IMPORT_BYTES = 10 * 1024 * 1024
# Real CSV compresses 3 to 10 times; a member claiming far more is a bomb, whatever its size.
MAX_ZIP_RATIO = 100
# The zip's central directory (the list of its members, read whole when the zip is opened): room for about a
# thousand members, where an export has two. 100,000 empty members fit in a 10 MB upload and cost 60 MiB to list.
MAX_ZIP_DIRECTORY_BYTES = 64 * 1024
# JSON values (counted as the , : [ { that separate and open them, strings included: a safe overestimate) a
# file may hold: as many as the densest file Pathweaver's own export can write within MAX_IMPORT_BYTES, so that
# every export that fits the upload imports. The export (server/export/pathweaver_json.py) writes one value a
# line with two spaces of indent a level; the tightest are a link's ratings, `"p": 4,` eight spaces in, and a
# note's `"x": 0.0,` six in: 16 bytes a line holding two counted values (the : and the ,). Fewer notes and
# links would not do: a workshop's limits (20,000 notes, 40,000 links, 20 sources and 20 assumptions a link,
# everyone's rating) allow far more than 10 MiB of JSON, so the upload's size is what bounds a file, and a map
# of 5,000 notes and 10,000 links with evidence on every link (8 MB, about 544,000 values) must import. The
# costliest values once parsed are short strings, ~110 bytes each at the parser's peak: a file of 1.3 million
# of them costs ~150 MiB (tracemalloc; 111 MiB of resident memory, tests/unit/test_import_limits.py), about
# what importing that largest map costs whole (~115 MiB).
EXPORT_BYTES_PER_VALUE = 8
MAX_JSON_VALUES = MAX_IMPORT_BYTES // EXPORT_BYTES_PER_VALUE
# Participants a file may list: more than any workshop can have had (PATHWEAVER_MAX_PARTICIPANTS is 2,000).
MAX_PARTICIPANTS = 10_000
MAX_KINDS = 12  # as many note kinds as a workshop may be created with
MAX_NAME = 40  # as long a display name as joining accepts
MAX_PROXY_NAME = 80  # as long a name as the facilitator gives someone without a device (rule P42)
MAX_ID = 64
_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_ID}}}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_ROLES = ("facilitator", "participant", "proxy")  # proxy: someone without a device (rule P42)
_CHUNK = 64 * 1024


class ImportProblem(ValueError):
    """The file cannot be imported; the message says where and why."""


def read_zip_members(data: bytes, wanted: tuple[str, ...], limit: int = MAX_IMPORT_BYTES) -> dict[str, bytes]:
    """The members of a zip named `wanted` (in any folder), at most `limit` bytes in all once decompressed."""
    _check_directory(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = {info.filename.rsplit("/", 1)[-1]: info for info in z.infolist()}
            found, budget = {}, limit
            for name in wanted:
                if (info := members.get(name)) is not None:
                    found[name] = _read_member(z, info, budget)
                    budget -= len(found[name])
            return found
    except ImportProblem:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise ImportProblem(
            f"not a zip file this server can read ({exc}): upload the .csv.zip Pathweaver exports, or notes.csv itself"
        ) from None


def _check_directory(data: bytes) -> None:
    """Refuse a zip whose list of members is longer than an import reads, before the zip module reads it.

    The list's size is in the end record, which is where `zipfile` looks: the last 22 bytes, or else the last
    record signature within the last 64 KiB (a zip may end with a comment). Both candidates are checked.
    """
    tail_start = max(0, len(data) - 22 - 65_535)
    for end in {len(data) - 22, data.rfind(b"PK\x05\x06", tail_start)}:
        if end < 0 or end + 22 > len(data) or data[end : end + 4] != b"PK\x05\x06":
            continue
        if data[max(0, end - 20) : end - 16] == b"PK\x06\x07":
            raise ImportProblem("the zip is a ZIP64 archive; export the spreadsheet as an ordinary .zip")
        (directory_bytes,) = struct.unpack_from("<I", data, end + 12)
        if directory_bytes > MAX_ZIP_DIRECTORY_BYTES:
            raise ImportProblem(
                f"the zip lists {directory_bytes:,} bytes of members; an import reads a zip of a few files "
                f"(at most {MAX_ZIP_DIRECTORY_BYTES:,} bytes of them)"
            )


def _read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise ImportProblem(f"{info.filename} is {info.file_size:,} bytes unzipped; the limit is {limit:,}")
    if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
        raise ImportProblem(
            f"{info.filename} unzips {info.file_size // max(info.compress_size, 1):,} times larger than it is "
            f"zipped; a CSV file is at most {MAX_ZIP_RATIO} times"
        )
    out = bytearray()
    with z.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            out += chunk
            if len(out) > limit:  # the declared size was a lie: stop here
                raise ImportProblem(f"{info.filename} unzips to over {limit:,} bytes; the limit is {limit:,}")
    return bytes(out)


def check_json_size(data: bytes) -> None:
    """Refuse a JSON file holding more values than an import may, before parsing it."""
    values = data.count(b",") + data.count(b":") + data.count(b"[") + data.count(b"{")
    if values > MAX_JSON_VALUES:
        raise ImportProblem(
            f"the file holds about {values:,} JSON values; an import may hold {MAX_JSON_VALUES:,} "
            "(split the map, or import notes.csv and links.csv)"
        )


def check_counts(document: dict[str, Any]) -> None:
    """Refuse a Pathweaver JSON document with more notes, links, participants or kinds than a workshop holds."""
    kinds = document["workshop"].get("kinds")
    for what, items, limit in (
        ("notes", document["notes"], MAX_NOTES),
        ("links", document["links"], MAX_LINKS),
        ("participants", document["participants"], MAX_PARTICIPANTS),
        ("workshop.kinds", kinds if isinstance(kinds, list) else [], MAX_KINDS),
    ):
        if len(items) > limit:
            raise ImportProblem(f'field "{what}": {len(items):,} items; a workshop holds at most {limit:,}')


def participant_fields(p: Any, where: str) -> dict[str, str]:
    """A participant listed in a file, held to what joining accepts: id, name (1-40 characters; 1-80 for someone
    without a device, as the facilitator names them), colour, role."""
    if not isinstance(p, dict) or not all(isinstance(p.get(k), str) for k in ("id", "name", "colour", "role")):
        raise ImportProblem(f"{where}: expected id, name, colour and role strings")
    if not _ID.fullmatch(p["id"]):
        raise ImportProblem(f"{where}.id: expected 1 to 64 letters, digits, - or _")
    name = p["name"].strip()
    limit = MAX_PROXY_NAME if p["role"] == "proxy" else MAX_NAME
    if not name or len(name) > limit:
        raise ImportProblem(f"{where}.name: expected 1 to {limit} characters, got {len(name):,}")
    if not _COLOUR.fullmatch(p["colour"]):
        raise ImportProblem(f"{where}.colour: expected a colour like #a1b2c3, got {p['colour'][:20]!r}")
    if p["role"] not in _ROLES:
        raise ImportProblem(f"{where}.role: expected facilitator, participant or proxy, got {p['role'][:20]!r}")
    return {"id": p["id"], "name": name, "colour": p["colour"], "role": p["role"]}
