"""Exports stay well-formed whatever the stored text holds: boards and files from before such text was refused
may carry every C0 control character, U+FFFE and U+FFFF (U+000B and U+000C come with text pasted from Word)."""

from __future__ import annotations

import csv
import html.parser
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

import networkx as nx
import pytest

from server import export
from server.board import characters
from tests.support.maps import BEN, MapBuilder

SVG = "{http://www.w3.org/2000/svg}"
# Every character XML 1.0 cannot carry that a board might hold (lone surrogates cannot be stored at all).
UNCARRIABLE = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]


def note_text(ch: str) -> str:
    return f"before {ch} after U+{ord(ch):04X}"


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    """One note per such character, linked in a chain with such labels, and such a title, question, kind and name."""
    m = MapBuilder(title="Title\x0bwith\x0cbreaks\x00", question="Why\x1f\ufffe?")
    ids = [f"note{ord(ch):04x}" for ch in UNCARRIABLE]
    for i, (note_id, ch) in enumerate(zip(ids, UNCARRIABLE, strict=True)):
        m.note(note_id, "outcome" if i else "activity", note_text(ch), x=float(i % 8) * 240, y=float(i // 8) * 160)
    m.note("impact01", "impact", "Impact\x0b\x0c", x=0.0, y=1000.0, actor=BEN)
    for i, (a, b) in enumerate(zip(ids, [*ids[1:], "impact01"], strict=True)):
        m.link(f"link{i:04}", a, b, f"leads\x0b{UNCARRIABLE[i]}to")
    snap = m.snapshot()
    snap["workshop"]["kinds"][0]["label"] = "Imp\x01act"
    for p in snap["participants"]:
        p["name"] += "\x02\x1b"
    return snap


def render(snapshot: dict[str, Any], name: str) -> bytes:
    return export.export(snapshot, name, 1_700_000_000_000)


def cleaned(text: str) -> str:
    return text.replace("\r\n", "\n").translate({ord(ch): "\ufffd" for ch in UNCARRIABLE})


def test_the_map_really_holds_every_character(snapshot: dict[str, Any]) -> None:
    stored = "".join(n["text"] for n in snapshot["notes"]) + "".join(lk["label"] for lk in snapshot["links"])
    assert all(ch in stored for ch in UNCARRIABLE)


def test_svg_parses_in_a_strict_xml_parser(snapshot: dict[str, Any]) -> None:
    root = ET.fromstring(render(snapshot, "svg"))
    notes = {g.get("data-id"): g for g in root.iter(f"{SVG}g") if g.get("class") == "note"}
    assert len(notes) == len(snapshot["notes"])
    for n in snapshot["notes"]:
        assert notes[n["id"]].find(f"{SVG}title").text == cleaned(n["text"])  # type: ignore[union-attr]
    assert root.find(f"{SVG}title").text == "Title\ufffdwith\ufffdbreaks\ufffd"  # type: ignore[union-attr]


@pytest.mark.parametrize(("name", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_files_parse_strictly_and_read_back_in_networkx(snapshot: dict[str, Any], name: str, reader: Any) -> None:
    data = render(snapshot, name)
    ET.fromstring(data)
    g = reader(io.BytesIO(data))
    assert g.number_of_nodes() == len(snapshot["notes"]) and g.number_of_edges() == len(snapshot["links"])
    for n in snapshot["notes"]:
        assert g.nodes[n["id"]]["text"] == cleaned(n["text"])
    assert {d["label"] for _, _, d in g.edges(data=True)} == {cleaned(lk["label"]) for lk in snapshot["links"]}
    assert g.nodes["impact01"]["author"] == cleaned(BEN.name + "\x02\x1b")


class _TextCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_html_carries_no_control_characters(snapshot: dict[str, Any]) -> None:
    page = render(snapshot, "report-html").decode()
    assert characters.UNSTORABLE.search(page) is None
    reader = _TextCollector()
    reader.feed(page)
    shown = "".join(reader.text)
    assert all(cleaned(n["text"]) in shown for n in snapshot["notes"])


@pytest.mark.parametrize("name", ["json", "kumu"])
def test_json_exports_carry_the_text_exactly(snapshot: dict[str, Any], name: str) -> None:
    doc = json.loads(render(snapshot, name))
    items = doc["notes"] if name == "json" else doc["elements"]
    texts = {item["text"] if name == "json" else item["label"] for item in items}
    assert texts == {n["text"] for n in snapshot["notes"]}


def test_csv_export_reads_back_exactly(snapshot: dict[str, Any]) -> None:
    with zipfile.ZipFile(io.BytesIO(render(snapshot, "csv"))) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("notes.csv").decode("utf-8-sig"), newline="")))
    assert {r["id"]: r["text"] for r in rows} == {n["id"]: n["text"] for n in snapshot["notes"]}


def test_every_other_format_still_renders(snapshot: dict[str, Any]) -> None:
    for name in ("dot", "mermaid", "png", "pdf", "report-md"):
        assert render(snapshot, name), name
