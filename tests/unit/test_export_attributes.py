"""Evidence, indicators and perspectives as attributes of the CSV, GraphML, GEXF and Kumu exports, read by
independent readers (the csv module, networkx, a strict XML parser), in Arabic, Chinese and emoji and with text
XML cannot carry; and the CSV zip brings them back on import."""

from __future__ import annotations

import csv
import io
import json
import random
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

import networkx as nx
import pytest

from server import export, imports
from server.export import attributes
from server.storage.memory import MemoryStorage
from tests.support.maps import ANA, BEN, MapBuilder

NOW = 1_700_000_000_000
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
LINK_TYPES = dict(attributes.LINK_ATTRIBUTES)
NOTE_TYPES = dict(attributes.NOTE_ATTRIBUTES)
PYTHON_TYPES = {"string": str, "int": int, "double": float, "boolean": bool}


def evidenced() -> dict[str, Any]:
    """Evidence on links, indicators on notes, groups and endorsements; separators, markup and an emoji in the
    text; then, as a board stored before such text was refused might hold, control characters in some of it."""
    m = MapBuilder()
    m.note("act00001", "activity", "Briefings & <b>workshops</b>")
    m.note("out00001", "outcome", "官员更早询问证据")
    m.note("imp00001", "impact", "السياسات تستخدم الأدلة 📚")
    m.note("ass00001", "assumption", "Officials stay; in post | mostly")
    m.note("ass00002", "assumption", "Budgets hold")
    m.link("lnk00001", "act00001", "out00001", "leads to")
    m.link("lnk00002", "out00001", "imp00001")
    m.link("lnk00003", "act00001", "imp00001")
    m.do(
        op="link.evidence",
        id="lnk00001",
        mechanism="Briefs answer <their> questions & more 🙂",
        support=["testimony", "research"],
        sources=[
            {"doi": "10.1234/abcd.5", "title": "Review; 2024 <draft> | v2 \\ final"},
            {"url": "https://example.org/x?a=1&b=2"},
            {"url": "https://example.org/ar", "title": "مراجعة الأدلة"},
        ],
        strength="moderate",
    )
    m.do(op="confidence.set", id="lnk00001", value=4)
    m.do(BEN, op="confidence.set", id="lnk00001", value=1)
    m.do(op="link.assumption", id="lnk00001", note="ass00001")
    m.do(op="link.assumption", id="lnk00001", note="ass00002")
    m.do(op="link.evidence", id="lnk00002", support=["assumption"], strength="weak", mechanism="وزراء يقرأون")
    m.do(op="confidence.set", id="lnk00002", value=3)
    m.do(
        op="note.indicators",
        id="out00001",
        indicators=[
            {"indicator": "Requests; a month", "baseline": "2", "target": "=10", "source": "Helpdesk | log"},
            {"indicator": "请求数 📈", "baseline": "", "target": "+5", "source": ""},
        ],
        change="behaviour",
    )
    m.do(op="groups.set", groups=[{"id": "funders", "label": "Funders & co"}, {"id": "field", "label": "الميدان"}])
    m.do(op="participant.group", group="funders")
    m.do(BEN, op="participant.group", group="field")
    m.do(op="endorse", id="out00001", on=True)
    m.do(BEN, op="endorse", id="out00001", on=True)
    m.do(BEN, op="endorse", id="lnk00001", on=True)
    snapshot = m.snapshot()
    link = next(lk for lk in snapshot["links"] if lk["id"] == "lnk00002")
    link["mechanism"] += "\x0bpasted\x01"
    note = next(n for n in snapshot["notes"] if n["id"] == "out00001")
    note["indicators"][1]["source"] = "Word\x0c"
    return snapshot


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    return evidenced()


def render(snapshot: dict[str, Any], name: str) -> bytes:
    return export.export(snapshot, name, NOW)


def xml(text: str) -> str:
    """What an XML export carries for `text`: characters XML cannot carry become U+FFFD."""
    return "".join("\ufffd" if ch in "\x01\x0b\x0c" else ch for ch in text)


EXPECTED_LINK = {
    "mechanism": "Briefs answer <their> questions & more 🙂",
    "support": "testimony; research",
    "sources": (
        "Review\\; 2024 \\<draft\\> \\| v2 \\\\ final <https://doi.org/10.1234/abcd.5>; "
        "<https://example.org/x?a=1&b=2>; مراجعة الأدلة <https://example.org/ar>"
    ),
    "grade": "moderate",
    "confidence_mean": 2.5,
    "confidence_min": 1,
    "confidence_max": 4,
    "ratings": 2,
    "contested": True,
    "assumption_ids": "ass00001; ass00002",
    "assumptions": "Officials stay\\; in post \\| mostly; Budgets hold",
    "proposer_group": "Funders & co",
    "endorser_ids": BEN.id,
    "endorsers": BEN.name,
    "endorsing_groups": "الميدان",
}
EXPECTED_NOTE = {
    "change": "behaviour",
    "indicators": "Requests\\; a month | 2 | =10 | Helpdesk \\| log; 请求数 📈 |  | +5 | Word\x0c",
    "proposer_group": "Funders & co",
    "endorser_ids": f"{ANA.id}; {BEN.id}",
    "endorsers": f"{ANA.name}; {BEN.name}",
    "endorsing_groups": "Funders & co; الميدان",
}


@pytest.mark.parametrize("name", ["graphml", "gexf"])
def test_graph_files_declare_typed_attributes_that_networkx_reads_back(snapshot: dict[str, Any], name: str) -> None:
    data = render(snapshot, name)
    ET.fromstring(data)  # well-formed, whatever the text held
    g = (nx.read_graphml if name == "graphml" else nx.read_gexf)(io.BytesIO(data))
    link = next(d for _, _, d in g.edges(data=True) if d["id"] == "lnk00001")
    assert {k: link[k] for k in EXPECTED_LINK} == EXPECTED_LINK
    for key, kind in attributes.LINK_ATTRIBUTES:
        assert isinstance(link[key], PYTHON_TYPES[kind]), key
    note = g.nodes["out00001"]
    assert {k: note[k] for k in EXPECTED_NOTE} == {**EXPECTED_NOTE, "indicators": xml(EXPECTED_NOTE["indicators"])}
    assert "change" not in g.nodes["imp00001"] and "indicators" not in g.nodes["imp00001"], "absent: left out"
    weak = next(d for _, _, d in g.edges(data=True) if d["id"] == "lnk00002")
    assert weak["mechanism"] == xml("وزراء يقرأون\x0bpasted\x01")
    assert (weak["ratings"], weak["contested"], "confidence_min" in weak) == (1, False, True)
    bare = next(d for _, _, d in g.edges(data=True) if d["id"] == "lnk00003")
    assert (bare["grade"], bare["ratings"], bare["contested"]) == ("ungraded", 0, False)
    assert "confidence_mean" not in bare and "mechanism" not in bare


def test_graphml_keys_name_each_attributes_type() -> None:
    root = ET.fromstring(render(evidenced(), "graphml"))
    declared = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iter(f"{GRAPHML}key")}
    for owner, types in (("edge", LINK_TYPES), ("node", NOTE_TYPES)):
        assert {name: declared[(owner, name)] for name in types} == types
    values = [d.text for d in root.iter(f"{GRAPHML}data") if d.get("key") == "e_contested"]
    assert sorted(set(values)) == ["false", "true"], "xs:boolean words"


def test_gexf_declares_edge_and_node_attributes_with_types() -> None:
    root = ET.fromstring(render(evidenced(), "gexf"))
    ns = root.tag[: root.tag.index("}") + 1]
    declared = {
        (block.get("class"), a.get("title")): a.get("type")
        for block in root.iter(f"{ns}attributes")
        for a in block.iter(f"{ns}attribute")
    }
    gexf_type = {"string": "string", "int": "long", "double": "double", "boolean": "boolean"}
    for owner, types in (("edge", LINK_TYPES), ("node", NOTE_TYPES)):
        assert {name: declared[(owner, name)] for name in types} == {k: gexf_type[v] for k, v in types.items()}


def test_kumu_fields_are_numbers_and_arrays_and_absent_ones_are_left_out(snapshot: dict[str, Any]) -> None:
    doc = json.loads(render(snapshot, "kumu"))
    connection = next(c for c in doc["connections"] if c["id"] == "lnk00001")
    assert connection["evidence grade"] == "moderate" and connection["confidence mean"] == 2.5
    assert (connection["confidence min"], connection["confidence max"], connection["ratings"]) == (1, 4, 2)
    assert connection["contested"] is True
    assert connection["support"] == ["testimony", "research"]
    assert connection["sources"][0] == "Review; 2024 <draft> | v2 \\ final <https://doi.org/10.1234/abcd.5>"
    assert connection["assumptions"] == ["Officials stay; in post | mostly", "Budgets hold"]
    assert connection["endorsing groups"] == ["الميدان"]
    bare = next(c for c in doc["connections"] if c["id"] == "lnk00003")
    assert "mechanism" not in bare and "confidence mean" not in bare and bare["ratings"] == 0
    element = next(e for e in doc["elements"] if e["id"] == "out00001")
    assert element["kind of change"] == "behaviour"
    assert element["indicators"] == ["Requests; a month | 2 | =10 | Helpdesk | log", "请求数 📈 |  | +5 | Word\x0c"]
    assert element["endorsing groups"] == ["Funders & co", "الميدان"]


def csv_rows(data: bytes, member: str) -> dict[str, dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        text = z.read(member).decode("utf-8-sig")
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}


def test_csv_columns_carry_the_same_values_exactly(snapshot: dict[str, Any]) -> None:
    data = render(snapshot, "csv")
    link = csv_rows(data, "links.csv")["lnk00001"]
    cells = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in EXPECTED_LINK.items()}
    assert {k: link[k] for k in EXPECTED_LINK} == cells
    assert link["confidence_by"] == f"{ANA.id}=4; {BEN.id}=1"
    assert csv_rows(data, "links.csv")["lnk00002"]["mechanism"] == "وزراء يقرأون\x0bpasted\x01", "exactly"
    assert csv_rows(data, "links.csv")["lnk00003"]["confidence_mean"] == ""
    note = csv_rows(data, "notes.csv")["out00001"]
    assert {k: note[k] for k in EXPECTED_NOTE} == EXPECTED_NOTE


LINK_EVIDENCE = ("mechanism", "support", "sources", "strength", "confidence", "assumptions", "endorsed_by")
NOTE_EVIDENCE = ("indicators", "change", "endorsed_by")


def storable() -> dict[str, Any]:
    """The map without the control characters, which an import refuses as the board does."""
    snapshot = evidenced()
    next(lk for lk in snapshot["links"] if lk["id"] == "lnk00002")["mechanism"] = "وزراء يقرأون"
    next(n for n in snapshot["notes"] if n["id"] == "out00001")["indicators"][1]["source"] = "Word"
    return snapshot


@pytest.mark.rule("P46")
def test_link_evidence_and_each_persons_confidence_come_back_from_the_csv_export() -> None:
    original = storable()
    storage = MemoryStorage()
    upload = imports.read_upload(render(original, "csv"), "map.csv.zip")
    copy = storage.load_board(imports.import_map(storage, b"k" * 32, upload).created.workshop.id)
    assert copy is not None
    after = {lk.id: {k: getattr(lk, k) or None for k in LINK_EVIDENCE} for lk in copy.board.links.values()}
    before = {lk["id"]: {k: lk.get(k) for k in LINK_EVIDENCE} for lk in original["links"]}
    assert after == before
    assert after["lnk00001"]["confidence"] == {ANA.id: 4, BEN.id: 1}


@pytest.mark.rule("P47")
def test_indicators_and_the_kind_of_change_come_back_from_the_csv_export() -> None:
    original = storable()
    storage = MemoryStorage()
    upload = imports.read_upload(render(original, "csv"), "map.csv.zip")
    copy = storage.load_board(imports.import_map(storage, b"k" * 32, upload).created.workshop.id)
    assert copy is not None
    after = {n.id: {k: getattr(n, k) or None for k in NOTE_EVIDENCE} for n in copy.board.notes.values()}
    assert after == {n["id"]: {k: n.get(k) for k in NOTE_EVIDENCE} for n in original["notes"]}
    assert after["out00001"]["indicators"][1] == {
        "indicator": "请求数 📈",
        "baseline": "",
        "target": "+5",
        "source": "Word",
    }


@pytest.mark.rule("P51")
def test_groups_members_and_endorsements_come_back_from_the_csv_export() -> None:
    original = storable()
    storage = MemoryStorage()
    upload = imports.read_upload(render(original, "csv"), "map.csv.zip")
    copy = storage.load_board(imports.import_map(storage, b"k" * 32, upload).created.workshop.id)
    assert copy is not None
    after = copy.board.to_dict()
    assert after["groups"] == original["groups"]
    in_group = {p["id"]: p.get("group") for p in after["participants"]}
    assert {p["id"]: in_group[p["id"]] for p in original["participants"]} == {ANA.id: "funders", BEN.id: "field"}
    endorsed = {item["id"]: item.get("endorsed_by") for item in (*after["notes"], *after["links"])}
    assert (endorsed["out00001"], endorsed["lnk00001"]) == ([ANA.id, BEN.id], [BEN.id])


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("confidence_by", "ana00001=high", "column 'confidence_by'"),
        ("confidence_by", "ana00001=4; ana00001=5", "each person once"),
        ("confidence_by", "someone=4", "not one of the file's people"),
        ("sources", "Review https://example.org", "column 'sources'"),
        ("support", "gossip", "support is some of"),
        ("grade", "excellent", "links.csv line 2"),
    ],
)
def test_evidence_a_link_cannot_hold_refuses_the_csv_import(column: str, cell: str, message: str) -> None:
    m = MapBuilder()
    m.note("act00001", "activity", "A")
    m.note("out00001", "outcome", "B")
    m.link("lnk00001", "act00001", "out00001")
    data = render(m.snapshot(), "csv")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {name: z.read(name) for name in z.namelist()}
    rows = list(csv.DictReader(io.StringIO(members["links.csv"].decode("utf-8-sig"), newline="")))
    rows[0][column] = cell
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    members["links.csv"] = out.getvalue().encode()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    with pytest.raises(imports.ImportProblem, match=message):
        imports.build_events(imports.read_csv_zip(zipped.getvalue()), "w", ANA, NOW)


@pytest.mark.parametrize("seed", [1, 2])
def test_split_gives_back_exactly_what_join_was_given(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "ab ;|<>\\\n" + "证据" + "دليل" + "📚"
    for _ in range(500):
        values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))).strip(" ") or "x" for _ in range(3)]
        assert attributes.split(attributes.join(values)) == values, values
        # The board trims a title, and a web address has no spaces in it.
        source = {"url": "https://e.org/" + "".join(values[1].split()), "doi": None, "title": values[0].strip()}
        assert attributes.parse_sources(attributes.source_text(source)) == [source]
