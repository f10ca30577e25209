"""Every export format, read back by an independent reader, with text that breaks naive writers."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

import networkx as nx
import pytest
from PIL import Image
from pypdf import PdfReader

from server import export
from server.export.mapview import MapView
from tests.support.maps import AWKWARD_TEXTS, awkward_map

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    return awkward_map()


def render(snapshot: dict[str, Any], name: str) -> bytes:
    return export.export(snapshot, name, 1_700_000_000_000)


def texts(snapshot: dict[str, Any]) -> dict[str, str]:
    return {n["id"]: n["text"] for n in snapshot["notes"]}


def xml_text(text: str) -> str:
    """XML parsers hand back line ends as \\n (XML 1.0 section 2.11)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_pathweaver_json_keeps_everything(snapshot: dict[str, Any]) -> None:
    doc = json.loads(render(snapshot, "json"))
    assert (doc["format"], doc["schema_version"]) == ("pathweaver-map", 4)
    assert doc["workshop"]["title"] == snapshot["workshop"]["title"]
    assert sorted(doc["notes"], key=lambda n: n["id"]) == sorted(snapshot["notes"], key=lambda n: n["id"])
    assert sorted(doc["links"], key=lambda n: n["id"]) == sorted(snapshot["links"], key=lambda n: n["id"])


def test_csv_zip_reads_back_in_the_csv_module(snapshot: dict[str, Any]) -> None:
    with zipfile.ZipFile(io.BytesIO(render(snapshot, "csv"))) as z:
        notes_raw, links_raw = z.read("notes.csv"), z.read("links.csv")
    assert notes_raw.startswith(b"\xef\xbb\xbf"), "a byte-order mark lets spreadsheet programs see UTF-8"
    notes = list(csv.DictReader(io.StringIO(notes_raw.decode("utf-8-sig"), newline="")))
    links = list(csv.DictReader(io.StringIO(links_raw.decode("utf-8-sig"), newline="")))
    assert len(notes) == len(snapshot["notes"]) and len(links) == len(snapshot["links"])
    by_id = {row["id"]: row for row in notes}
    for note_id, text in texts(snapshot).items():
        cell = by_id[note_id]["text"]
        if text.startswith(("=", "+", "-", "@")):
            assert cell == "'" + text, "formula-like cells are defused"
        else:
            assert cell == text
    assert by_id["note0001"]["author"] == "Ana «Ø» O'Brien" and by_id["note0000"]["kind_label"] == "Impact"
    assert {row["label"] for row in links} >= {
        'produces "briefs" | summaries',
        "leads to\nbetter use",
        "'<assumes>"[1:],
    }
    assert float(by_id["note0100"]["x"]) == -300.0


def test_kumu_blueprint(snapshot: dict[str, Any]) -> None:
    doc = json.loads(render(snapshot, "kumu"))
    elements = {e["id"]: e for e in doc["elements"]}
    assert len(elements) == len(snapshot["notes"]), "every note keeps its own element (ids: no merging)"
    assert elements["note0000"]["type"] == "Impact" and elements["note0000"]["label"] == AWKWARD_TEXTS[0]
    assert {(c["from"], c["to"]) for c in doc["connections"]} == {
        (lk["source"], lk["target"]) for lk in snapshot["links"]
    }
    assert all(c["direction"] == "directed" and c["id"] for c in doc["connections"])


@pytest.mark.parametrize(("name", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_files_read_back_in_networkx(snapshot: dict[str, Any], name: str, reader: Any) -> None:
    g = reader(io.BytesIO(render(snapshot, name)))
    assert g.is_directed()
    assert g.number_of_nodes() == len(snapshot["notes"]) and g.number_of_edges() == len(snapshot["links"])
    for note_id, text in texts(snapshot).items():
        # GraphML holds text as element content, where XML turns \r\n into \n; GEXF holds it in attributes.
        assert g.nodes[note_id]["text"] == (xml_text(text) if name == "graphml" else text)
        assert g.nodes[note_id]["kind"] in {"impact", "outcome", "output", "activity", "assumption"}
    assert g.nodes["note0100"]["x"] == -300.0
    labels = {d["label"] for _, _, d in g.edges(data=True)}
    assert 'produces "briefs" | summaries' in labels and "<assumes>" in labels


def test_gexf_carries_colours_and_positions_for_gephi(snapshot: dict[str, Any]) -> None:
    root = ET.fromstring(render(snapshot, "gexf"))
    ns = {"viz": root.tag[1:].split("}")[0] + "/viz"}
    colours = root.findall(".//viz:color", ns)
    assert len(colours) == len(snapshot["notes"]) and colours[0].get("r")
    assert len(root.findall(".//viz:position", ns)) == len(snapshot["notes"])


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (bin/test installs it)")
def test_graphviz_renders_the_dot_file_with_every_label(snapshot: dict[str, Any]) -> None:
    result = subprocess.run(["dot", "-Tjson"], input=render(snapshot, "dot"), capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    graph = json.loads(result.stdout)
    nodes = {o["name"]: o for o in graph["objects"]}
    assert set(nodes) == set(texts(snapshot))
    assert nodes["note0000"]["label"] == AWKWARD_TEXTS[0]
    assert len(graph["edges"]) == len(snapshot["links"])
    edge_labels = {e.get("label") for e in graph["edges"]}
    assert "leads to\\nbetter use" in edge_labels


def test_mermaid_escapes_every_label(snapshot: dict[str, Any]) -> None:
    text = render(snapshot, "mermaid").decode()
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes = [line for line in lines if line.strip().startswith("n") and "[" in line and "-->" not in line]
    edges = [line for line in lines if "-->" in line]
    assert len(nodes) == len(snapshot["notes"]) and len(edges) == len(snapshot["links"])
    for line in nodes + edges:
        inner = line.split('"')[1:-1]  # the quoted label text
        assert all(ch not in "".join(inner) for ch in "<>[]{}|`") or "<br/>" in "".join(inner)
    assert "#quot;our#quot;" in text and "#lt;b#gt;" in text and "<br/>" in text


def test_svg_is_well_formed_and_shows_every_note(snapshot: dict[str, Any]) -> None:
    root = ET.fromstring(render(snapshot, "svg"))
    notes = root.findall(f".//{SVG}g[@class='note']")
    assert len(notes) == len(snapshot["notes"])
    titles = {g.get("data-id"): g.find(f"{SVG}title").text for g in notes}  # type: ignore[union-attr]
    assert titles["note0005"] == AWKWARD_TEXTS[5], "user markup stays text"
    assert len(root.findall(f".//{SVG}g[@class='link']")) == len(snapshot["links"])
    assert root.find(f"{SVG}text").text == snapshot["workshop"]["title"]  # type: ignore[union-attr]


def test_png_and_pdf_open(snapshot: dict[str, Any]) -> None:
    image = Image.open(io.BytesIO(render(snapshot, "png")))
    assert image.format == "PNG" and image.width > 600 and image.height > 300
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1_000_000)}  # type: ignore[union-attr]
    assert (0xF4, 0xA6, 0xA6) in colours, "impact notes are drawn in the impact colour"
    pdf = PdfReader(io.BytesIO(render(snapshot, "pdf")))
    assert len(pdf.pages) == 1
    assert "Evidence" in pdf.pages[0].extract_text()


def test_report_lists_pathways_gaps_and_cycles(snapshot: dict[str, Any]) -> None:
    md = render(snapshot, "report-md").decode()
    assert "## Pathways to each impact" in md
    assert 'Activity: "Run monthly briefings, with officials; =SUM(A1)" → *produces "briefs" \\| summaries* →' in md
    assert 'Activity: "Train officials in using evidence" → *contributes to* →' in md
    assert "Notes linked to nothing:" in md and "x" * 100 in md
    assert "## Cycles" in md and '"@mention -minus \\<script\\>alert(1)\\</script\\> &amp;" →' in md
    html = render(snapshot, "report-html").decode()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "2 participants" in html


def test_path_enumeration_is_capped_and_says_so() -> None:
    from tests.support.maps import MapBuilder

    m = MapBuilder("Dense", "?")
    layers = [[f"l{layer}n{i}" for i in range(4)] for layer in range(8)]
    for layer, ids in enumerate(layers):
        for note_id in ids:
            m.note(note_id, "impact" if layer == 7 else "activity" if layer == 0 else "outcome", note_id)
    for upper, lower in zip(layers, layers[1:], strict=False):
        for a in upper:
            for b in lower:
                m.link(f"k{a}{b}", a, b)
    m.link("back0001", "l7n0", "l0n0", "feeds back")  # and a cycle through everything
    md = export.export(m.snapshot(), "report-md", 0).decode()
    assert "*Only the first 50 pathways" in md  # 4^7 = 16,384 paths into each impact
    assert "## Cycles" in md


def test_filenames_are_safe() -> None:
    assert export.filename('Evidence → "policy" / 2024', "graphml") == "evidence-policy-2024.graphml"
    assert export.filename("→→", "csv") == "pathweaver-map.csv.zip"


def test_every_format_handles_an_empty_map() -> None:
    from tests.support.maps import MapBuilder

    empty = MapBuilder("Empty", "").snapshot()
    for name in export.FORMATS:
        assert render(empty, name), name
    assert MapView(empty).graph.number_of_nodes() == 0
