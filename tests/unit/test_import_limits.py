"""Imported files are bounded before anything is built: zip bombs, huge counts, oversized participants."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from typing import Any

import orjson
import pytest

from server import export, import_limits, imports
from server.board.model import Participant
from server.export import spreadsheet
from server.export.spreadsheet import MAX_ROW_CHARS
from server.storage.memory import MemoryStorage
from tests.support.maps import awkward_map, generated_map

MIB = 1024 * 1024


def zip_of(members: dict[str, bytes | int], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip; an int member is that many bytes of one repeated CSV row, written as a stream (never in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, content in members.items():
            if isinstance(content, bytes):
                z.writestr(name, content)
                continue
            with z.open(name, "w", force_zip64=True) as stream:
                row = b"Ministers use evidence,impact\n" * 4096
                stream.write(b"text,kind\n")
                for _ in range(content // len(row)):
                    stream.write(row)
    return buffer.getvalue()


def with_declared_size(data: bytes, size: int) -> bytes:
    """The same zip, its one member claiming to unzip to `size` bytes (in its local and central headers)."""
    patched = bytearray(data)
    struct.pack_into("<I", patched, 22, size)
    central = patched.find(b"PK\x01\x02")
    struct.pack_into("<I", patched, central + 24, size)
    return bytes(patched)


def peak_mib(run: Any) -> float:
    tracemalloc.start()
    try:
        run()
    except imports.ImportProblem:
        pass
    peak = tracemalloc.get_traced_memory()[1] / MIB
    tracemalloc.stop()
    return peak


@pytest.mark.rule("P29")
def test_a_zip_bomb_is_refused_by_its_declared_size_without_unzipping() -> None:
    bomb = zip_of({"notes.csv": 200 * MIB})
    assert len(bomb) < 2 * MIB
    with pytest.raises(imports.ImportProblem, match="unzipped; the limit is 10,485,760"):
        imports.read_upload(bomb, "map.csv.zip")
    assert peak_mib(lambda: imports.read_upload(bomb, "map.csv.zip")) < 5


@pytest.mark.rule("P29")
def test_a_zip_member_that_inflates_too_many_times_is_refused() -> None:
    dense = zip_of({"notes.csv": 2 * MIB})  # small enough, but a thousand times smaller zipped
    with pytest.raises(imports.ImportProblem, match="times larger than it is zipped"):
        imports.read_csv_zip(dense, "T")


@pytest.mark.rule("P29")
def test_a_zip_member_lying_about_its_size_is_cut_off_where_it_claimed_to_end() -> None:
    honest = zip_of({"notes.csv": 50 * MIB})
    lying = with_declared_size(honest, 1000)  # a ratio of under 1: passes both checks on the headers
    assert peak_mib(lambda: imports.read_csv_zip(lying, "T")) < 5
    with pytest.raises(imports.ImportProblem, match="not a zip file this server can read"):
        imports.read_csv_zip(lying, "T")


@pytest.mark.rule("P29")
def test_a_zip_listing_thousands_of_members_is_refused_before_the_list_is_read() -> None:
    crowded = zip_of({f"{i:x}": b"" for i in range(5000)}, zipfile.ZIP_STORED)
    with pytest.raises(imports.ImportProblem, match="bytes of members; an import reads a zip of a few files"):
        imports.read_csv_zip(crowded, "T")
    commented = io.BytesIO()
    with zipfile.ZipFile(commented, "w") as z:  # the end record is found behind a comment too
        for i in range(5000):
            z.writestr(f"{i:x}", b"")
        z.comment = b"made by a spreadsheet program"
    with pytest.raises(imports.ImportProblem, match="bytes of members"):
        imports.read_csv_zip(commented.getvalue(), "T")


def test_zip_members_share_one_unzipped_budget() -> None:
    stored = zip_of({"notes.csv": 700_000, "links.csv": 700_000}, zipfile.ZIP_STORED)
    with pytest.raises(imports.ImportProblem, match="links.csv is .* bytes unzipped"):
        import_limits.read_zip_members(stored, ("notes.csv", "links.csv"), limit=1_000_000)


@pytest.mark.rule("P29")
def test_json_with_more_values_than_an_import_holds_is_refused_before_parsing() -> None:
    many = b'{"notes": [' + b",".join([b"{}"] * (import_limits.MAX_JSON_VALUES + 1)) + b"]}"
    with pytest.raises(
        imports.ImportProblem, match=f"JSON values; an import may hold {import_limits.MAX_JSON_VALUES:,}"
    ):
        imports.read_json(many)
    assert peak_mib(lambda: imports.read_json(many)) < 1, "refused without parsing"


# Run in a process of its own, whose peak resident memory is all this parse (tracemalloc would take ten times as
# long over a million allocations).
_COSTLIEST_PARSE = """
import resource, sys
from server import import_limits, imports
notes = b'"ab",' * (import_limits.MAX_JSON_VALUES - 21) + b'"ab"'  # made without a list: no peak of its own
data = b'{"format":"pathweaver-map","schema_version":4,"workshop":{},"participants":[],"links":[],"notes":['
data += notes + b"]}"
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    imports.read_json(data)
except imports.ImportProblem as problem:
    print(problem)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


@pytest.mark.rule("P29")
def test_the_costliest_file_within_the_value_bound_parses_in_bounded_memory() -> None:
    """Short strings cost the most once parsed (~110 bytes each at the parser's peak); a file of as many as the
    bound allows is parsed, walked for characters that cannot be stored, and refused for its count of notes,
    within 200 MiB more than the process held before."""
    ran = subprocess.run([sys.executable, "-c", _COSTLIEST_PARSE], capture_output=True, text=True, timeout=110)
    assert ran.returncode == 0, ran.stderr
    message, peak_rise_mib = ran.stdout.splitlines()
    assert message.startswith(f'field "notes": {import_limits.MAX_JSON_VALUES - 20:,} items')
    assert int(peak_rise_mib) < 200


@pytest.mark.rule("P29")
def test_a_largest_map_with_evidence_on_every_link_exports_to_json_and_imports_back() -> None:
    """The largest map the benchmarks make, with evidence on every link and indicators on every outcome and
    impact: its export fits an upload, holds more JSON values than the old bound of 400,000, and imports whole."""
    original = generated_map(5000, 10000, evidence=True)
    data = export.export(original, "json", 0)
    values = sum(data.count(c) for c in (b",", b":", b"[", b"{"))
    assert len(data) <= import_limits.MAX_IMPORT_BYTES and 400_000 < values <= import_limits.MAX_JSON_VALUES
    importer = Participant(id="importer", name="Importer", colour="#7f7f7f", role="facilitator")
    board, _ = imports.build_events(imports.read_json(data), "w", importer, 0)
    copy = board.to_dict()
    for key in ("links", "notes"):
        assert sorted(copy[key], key=lambda item: item["id"]) == sorted(original[key], key=lambda item: item["id"])


def document(**changes: Any) -> dict[str, Any]:
    doc = orjson.loads(export.export(awkward_map(), "json", 0))
    doc.update(changes)
    return doc  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("key", "count", "message"),
    [
        ("notes", 20_001, 'field "notes": 20,001 items; a workshop holds at most 20,000'),
        ("links", 40_001, 'field "links": 40,001 items'),
        ("participants", 10_001, 'field "participants": 10,001 items'),
    ],
)
@pytest.mark.rule("P29")
def test_counts_beyond_what_a_workshop_holds_are_refused_before_anything_is_built(
    key: str, count: int, message: str
) -> None:
    with pytest.raises(imports.ImportProblem, match=message):
        imports.read_json(orjson.dumps(document(**{key: [0] * count})))


def test_more_kinds_than_a_workshop_may_have_are_refused() -> None:
    kind = {"name": "k", "label": "K", "colour": "#aabbcc"}
    doc = document()
    doc["workshop"]["kinds"] = [kind] * 13
    with pytest.raises(imports.ImportProblem, match='"workshop.kinds": 13 items'):
        imports.read_json(orjson.dumps(doc))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 200_000, "participants[0].name: expected 1 to 40 characters, got 200,000"),
        ("name", "   ", "participants[0].name: expected 1 to 40 characters, got 0"),
        ("colour", "red; background: url(https://example.com/x)", "participants[0].colour: expected a colour"),
        ("role", "owner", "participants[0].role: expected facilitator, participant or proxy"),
        ("id", "../../etc", "participants[0].id: expected 1 to 64 letters"),
    ],
)
@pytest.mark.rule("P29")
def test_imported_participants_are_held_to_what_joining_accepts(field: str, value: str, message: str) -> None:
    doc = document()
    doc["participants"][0][field] = value
    storage = MemoryStorage()
    with pytest.raises(imports.ImportProblem) as problem:
        imports.import_map(storage, b"key", imports.read_json(orjson.dumps(doc)))
    assert message in str(problem.value)
    assert storage._workshops == {}


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        (b"text,kind\n" + b"a,impact\n" * 20_001, "notes.csv: more than 20,000 rows"),
        (b",".join([b"c"] * 65) + b"\n", "notes.csv: 65 columns; at most 64 are read"),
        (b"text,kind\n" + b"x" * (MAX_ROW_CHARS + 1) + b"\n", f"notes.csv line 2: a row longer than {MAX_ROW_CHARS:,}"),
        # One row over many lines: a quoted cell of line breaks.
        (
            b'text,kind\n"' + b"\n" * MAX_ROW_CHARS + b'",impact\n',
            f"notes.csv line 2: a row longer than {MAX_ROW_CHARS:,} characters",
        ),
    ],
)
@pytest.mark.rule("P29")
def test_csv_reading_stops_at_its_bounds(notes: bytes, message: str) -> None:
    with pytest.raises(imports.ImportProblem) as problem:
        imports.read_csv(notes, None, "T")
    assert message in str(problem.value)


def test_csv_rows_keep_only_the_columns_an_import_reads() -> None:
    rows = spreadsheet.read_table(b"text,kind,owner,notes\nA,impact,Ana,long remarks\n", "notes.csv", columns={"text"})
    assert rows == [(2, {"text": "A"})]
