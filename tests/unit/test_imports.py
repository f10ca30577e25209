"""Importing maps: full round trips, spreadsheets, and bad files that import nothing."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import orjson
import pytest

from server import export, imports
from server.board.model import Kind
from server.storage.memory import MemoryStorage
from tests.support.maps import ANA, BEN, MapBuilder, awkward_map


def stored_map(storage: MemoryStorage, done: imports.Imported) -> dict[str, Any]:
    loaded = storage.load_board(done.created.workshop.id)
    assert loaded is not None
    return loaded.board.to_dict()


def test_json_round_trip_is_identical_field_by_field() -> None:
    original = awkward_map()
    storage = MemoryStorage()
    done = imports.import_map(storage, b"key", imports.read_json(export.export(original, "json", 0)))
    copy = stored_map(storage, done)
    for key in ("title", "question", "kinds", "locked"):
        assert copy["workshop"][key] == original["workshop"][key], key
    assert {n["id"]: n for n in copy["notes"]} == {n["id"]: n for n in original["notes"]}
    assert {lk["id"]: lk for lk in copy["links"]} == {lk["id"]: lk for lk in original["links"]}
    originals = {p["id"]: p for p in original["participants"]}
    assert all(originals[p["id"]] == p for p in copy["participants"] if p["id"] in originals)


def test_csv_round_trip_keeps_text_kinds_positions_and_links() -> None:
    original = awkward_map()
    storage = MemoryStorage()
    done = imports.import_map(storage, b"key", imports.read_csv_zip(export.export(original, "csv", 0), "From a sheet"))
    copy = stored_map(storage, done)
    assert copy["workshop"]["title"] == "From a sheet"
    fields = ("id", "kind", "text", "x", "y")
    assert sorted(tuple(n[f] for f in fields) for n in copy["notes"]) == sorted(
        tuple(n[f] for f in fields) for n in original["notes"]
    )
    assert sorted((lk["source"], lk["target"], lk["label"]) for lk in copy["links"]) == sorted(
        (lk["source"], lk["target"], lk["label"]) for lk in original["links"]
    )


def test_a_hand_made_spreadsheet_seeds_a_workshop() -> None:
    notes = b"text,kind\nMinisters use evidence,Impact\nBriefings,activity\nBetter briefs,output\n"
    links = b"source,target,label\nBriefings,Better briefs,produces\nBetter briefs,Ministers use evidence,\n"
    storage = MemoryStorage()
    done = imports.import_map(storage, b"key", imports.read_csv(notes, links, "Drafted in a sheet"))
    copy = stored_map(storage, done)
    assert [n["kind"] for n in copy["notes"]] == ["impact", "activity", "output"]
    assert len({(n["x"], n["y"]) for n in copy["notes"]}) == 3, "notes without positions are laid out on a grid"
    assert [lk["label"] for lk in copy["links"]] == ["produces", ""]


def json_doc(**changes: Any) -> bytes:
    doc = orjson.loads(export.export(awkward_map(), "json", 0))
    for path, value in changes.items():
        target = doc
        *parents, last = path.split("__")
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        target[int(last) if last.isdigit() else last] = value
    return orjson.dumps(doc)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "not a JSON object"),
        (
            json_doc(schema_version=99),
            'field "schema_version": this Pathweaver reads versions 1, 2, 3 and 4, the file has 99',
        ),
        (json_doc(format="kumu"), 'field "format"'),
        (json_doc(notes="many"), 'field "notes": expected a JSON array'),
        (json_doc(links__0__target="nowhere1"), "links[0] (id 'link0001'): note_missing"),
        (json_doc(links__0__target="note0001"), "links[0] (id 'link0001'): link_self"),
        (json_doc(notes__2__text="x" * 2001), "notes[2] (id 'note0002'): text_too_long"),
        (json_doc(notes__2__kind="wish"), "notes[2] (id 'note0002'): unknown_kind"),
        (json_doc(notes__1__id="note0000"), "notes[1] (id 'note0000'): note_exists"),
        (json_doc(workshop__title=""), "workshop.title: must not be empty"),
        ("café".encode("latin-1"), "not valid JSON (UTF-8)"),
        (b"x" * (imports.MAX_IMPORT_BYTES + 1), "the limit is 10,485,760"),
    ],
)
def test_bad_json_imports_nothing(data: bytes, message: str) -> None:
    storage = MemoryStorage()
    with pytest.raises(imports.ImportProblem, match=None) as problem:
        imports.import_map(storage, b"key", imports.read_json(data))
    assert message in str(problem.value)
    assert storage._workshops == {}, "nothing is stored"


@pytest.mark.parametrize(
    ("notes", "links", "message"),
    [
        (b"text,kind\nfine,impact\nodd,wish\n", None, "notes.csv line 3: kind 'wish' is not one of"),
        (b"words,kind\nfine,impact\n", None, "notes.csv: no 'text' column"),
        (b"text,kind,x\nfine,impact,left\n", None, "notes.csv line 2: column 'x' should be a number"),
        (
            b"text,kind\nfine,impact\n",
            b"source,target\nfine,missing\n",
            "links.csv line 2: target 'missing' is neither",
        ),
        (b"text,kind\nsame,impact\nsame,output\n", b"source,target\nsame,same\n", "matches 2 notes"),
        ("text,kind\ncafé,impact\n".encode("utf-16"), None, "notes.csv: not UTF-8 text"),
        (b"text,kind\n", None, "notes.csv has no rows"),
    ],
)
def test_bad_csv_imports_nothing(notes: bytes, links: bytes | None, message: str) -> None:
    storage = MemoryStorage()
    with pytest.raises(imports.ImportProblem) as problem:
        imports.import_map(storage, b"key", imports.read_csv(notes, links, "T"))
    assert message in str(problem.value)
    assert storage._workshops == {}


def test_a_zip_without_notes_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("other.csv", "a,b\n")
    with pytest.raises(imports.ImportProblem, match="no notes.csv"):
        imports.read_csv_zip(buffer.getvalue(), "T")
    with pytest.raises(imports.ImportProblem, match="not a zip file"):
        imports.read_csv_zip(b"plain text", "T")


@pytest.mark.rule("P24")
@pytest.mark.parametrize(
    ("data", "filename", "title", "message"),
    [
        (json_doc(notes__2__text="Pasted\x0bfrom Word"), "map.json", "", "notes[2].text: U+000B at character 7"),
        (json_doc(participants__0__name="Ana\x00"), "map.json", "", "participants[0].name: U+0000 at character 4"),
        (json_doc(workshop__kinds__1__label="Out\x1bcome"), "map.json", "", "workshop.kinds[1].label: U+001B"),
        (json_doc(workshop__question="Why\ufffe"), "map.json", "", "workshop.question: U+FFFE"),
        (json_doc(links__0__label="\uffff"), "map.json", "", "links[0].label: U+FFFF at character 1"),
        (json_doc(notes__0__unused="\x01"), "map.json", "", "notes[0].unused: U+0001"),
        (b'{"format": "pathweaver-map", "title": "\\ud800"}', "map.json", "", "unpaired surrogate"),
        (json_doc(), "map.json", "New\x00title", "the title: U+0000 at character 4"),
        (b"text,kind\nfine,impact\nbell\x07,outcome\n", "notes.csv", "", "notes.csv line 3, column text: U+0007"),
        (b"text,kind\nfine,impact\n", "notes\x00.csv", "", "the title: U+0000"),
    ],
)
def test_text_that_cannot_be_stored_refuses_the_import_naming_the_place(
    data: bytes, filename: str, title: str, message: str
) -> None:
    storage = MemoryStorage()
    with pytest.raises(imports.ImportProblem) as problem:
        imports.import_map(storage, b"key", imports.read_upload(data, filename, title))
    assert message in str(problem.value) and "cannot be stored" in str(problem.value)
    assert storage._workshops == {}


@pytest.mark.rule("P24")
def test_an_unstorable_cell_in_links_csv_or_a_given_title_refuses_the_import() -> None:
    notes = b"text,kind\nfine,impact\nalso,outcome\n"
    with pytest.raises(imports.ImportProblem, match=r"links.csv line 2, column label: U\+000C"):
        imports.read_csv(notes, b"source,target,label\nfine,also,form\x0cfeed\n", "T")
    with pytest.raises(imports.ImportProblem, match=r"the title: U\+DC80"):
        imports.read_csv(notes, None, "from argv \udc80")  # an undecodable byte in a command-line argument


def own_kinds_map() -> dict[str, Any]:
    """A workshop with its own kinds (none of the defaults), and texts a spreadsheet would run as formulas,
    some already starting with the apostrophe that defuses them."""
    kinds = (Kind("need", "Community need", "#aabbcc"), Kind("change", "Change we hope for", "#123456"))
    m = MapBuilder("Our river: what changes?", "What would show the river is cleaner?", kinds=kinds)
    texts = ["'=already quoted", "''=twice quoted", "=SUM(A1)", "'plain apostrophe", "-minus", "@at", "\tTab"]
    for i, text in enumerate(texts):
        m.note(f"n{i:03}", "need" if i % 2 else "change", text, x=i * 10.5, y=-i * 3.25, actor=ANA if i % 2 else BEN)
    m.do(ANA, op="note.update", id="n001", text="''=twice quoted, edited")
    m.link("l001", "n000", "n001", "'=label")
    m.link("l002", "n001", "n002", "")
    return m.snapshot()


def test_csv_export_reimports_as_the_same_workshop_with_its_own_kinds_authors_and_times() -> None:
    """An independent reader (the csv module) sees every text exactly; importing the zip gives the same map."""
    original = own_kinds_map()
    zipped = export.export(original, "csv", 1_800_000_000_123)
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        tables = {
            name: list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig"), newline="")))
            for name in ("notes.csv", "links.csv", "workshop.csv", "kinds.csv")
        }
    assert [row["name"] for row in tables["kinds.csv"]] == ["need", "change"]
    assert tables["workshop.csv"][0]["title"] == "Our river: what changes?"
    cells = {row["id"]: row["text"] for row in tables["notes.csv"]}
    assert (
        cells["n000"] == "''=already quoted" and cells["n003"] == "'plain apostrophe" and cells["n002"] == "'=SUM(A1)"
    )

    storage = MemoryStorage()
    done = imports.import_map(storage, b"key", imports.read_upload(zipped, "our-river.csv.zip"))
    copy = stored_map(storage, done)
    for key in ("title", "question", "kinds"):
        assert copy["workshop"][key] == original["workshop"][key], key
    fields = ("kind", "text", "x", "y", "colour", "author", "created_at", "updated_at")
    assert {n["id"]: {f: n[f] for f in fields} for n in copy["notes"]} == {
        n["id"]: {f: n[f] for f in fields} for n in original["notes"]
    }
    fields = ("source", "target", "label", "author", "created_at", "updated_at")
    assert {lk["id"]: {f: lk[f] for f in fields} for lk in copy["links"]} == {
        lk["id"]: {f: lk[f] for f in fields} for lk in original["links"]
    }
    names = {p["id"]: p["name"] for p in copy["participants"]}
    assert names["ana00001"] == "Ana «Ø» O'Brien" and names["ben00001"] == "بن"


def test_a_title_given_on_import_wins_over_the_csv_files_own() -> None:
    zipped = export.export(own_kinds_map(), "csv", 0)
    assert imports.read_upload(zipped, "x.csv.zip", "Renamed").title == "Renamed"
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as only_notes:
            only_notes.writestr("notes.csv", z.read("notes.csv"))
            only_notes.writestr("kinds.csv", z.read("kinds.csv"))
    assert imports.read_upload(buffer.getvalue(), "river-sheet.csv.zip").title == "river-sheet"


@pytest.mark.parametrize(
    ("member", "content", "message"),
    [
        ("kinds.csv", "name,label,colour\nNeed!,Need,#aabbcc\n", "kinds.csv line 2, column name: expected lower-case"),
        ("kinds.csv", "name,label,colour\nneed,Need,red\n", "kinds.csv line 2, column colour: expected a colour"),
        ("kinds.csv", "name,label,colour\nneed,A,#aabbcc\nneed,B,#aabbcc\n", "kinds.csv: a kind is named twice"),
        ("kinds.csv", "name\n" + "k\n" * 13, "kinds.csv: more than 12 rows"),
        ("workshop.csv", "title,question\n" + "t" * 201 + ",q\n", "workshop.csv line 2, title: 201 characters"),
        ("participants.csv", "id,name,colour,role\nana00001,Ana,#1f77b4,king\n", "participants.csv line 2.role"),
        ("notes.csv", "id,text,kind,created_at\nn1,A,need,yesterday\n", "notes.csv line 2: column 'created_at'"),
    ],
)
def test_bad_files_in_a_csv_zip_import_nothing(member: str, content: str, message: str) -> None:
    zipped = export.export(own_kinds_map(), "csv", 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zipped)) as z, zipfile.ZipFile(buffer, "w") as changed:
        for name in z.namelist():
            changed.writestr(name, content if name == member else z.read(name))
    with pytest.raises(imports.ImportProblem, match=re.escape(message)):
        imports.read_upload(buffer.getvalue(), "x.csv.zip")
