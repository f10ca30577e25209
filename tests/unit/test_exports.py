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
from tests.support.maps import AWKWARD_TEXTS, awkward_map, generated_map, sample_map

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
        # Text comes back exactly, carriage returns too (written as character references).
        assert g.nodes[note_id]["text"] == text
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


needs_graphviz = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed (bin/test installs it)"
)


def graphviz(source: bytes, output: str = "json") -> bytes:
    result = subprocess.run(["dot", f"-T{output}"], input=source, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def drawn_notes(svg: bytes) -> dict[str, list[str]]:
    """Note id -> the lines of text Graphviz drew in its box."""
    root = ET.fromstring(svg)
    return {
        g.findtext(f"{SVG}title") or "": [t.text or "" for t in g.iter(f"{SVG}text")]
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "node"
    }


@needs_graphviz
def test_graphviz_renders_the_dot_file_with_every_label(snapshot: dict[str, Any]) -> None:
    graph = json.loads(graphviz(render(snapshot, "dot")))
    nodes = {o["name"]: o for o in graph["objects"] if "nodes" not in o}
    assert set(nodes) == set(texts(snapshot))
    assert len([e for e in graph["edges"] if e.get("style") != "invis"]) == len(snapshot["links"])
    drawn = drawn_notes(graphviz(render(snapshot, "dot"), "svg"))
    for note_id, text in texts(snapshot).items():
        if len(text) < 200:
            assert " ".join(drawn[note_id]).split() == text.split(), note_id  # wrapped, every word as written
    assert drawn["note0000"][-1].endswith("& more") and "&amp;" in " ".join(drawn["note0005"])


@needs_graphviz
def test_dot_wraps_long_notes_and_labels_so_the_drawing_stays_narrow(snapshot: dict[str, Any]) -> None:
    svg = graphviz(render(snapshot, "dot"), "svg")
    lines = drawn_notes(svg)["note0006"]  # 2,000 characters without a space
    assert 1 < len(lines) <= 10 and all(len(line) <= 30 for line in lines) and lines[-1].endswith("…")
    width = float(ET.fromstring(svg).get("width", "0").removesuffix("pt"))
    assert width < 3000, f"{width} pt wide"


@needs_graphviz
def test_dot_ranks_notes_by_kind_along_the_pathway() -> None:
    snapshot = sample_map()
    graph = json.loads(graphviz(export.export(snapshot, "dot", 0)))
    x = {o["name"]: float(o["pos"].split(",")[0]) for o in graph["objects"] if "pos" in o}
    columns = {}
    for n in snapshot["notes"]:
        columns.setdefault(n["kind"], set()).add(x[n["id"]])
    order = ["activity", "output", "outcome", "impact"]
    assert all(len(columns[k]) == 1 for k in order), "each kind in one column"
    lefts = [min(columns[k]) for k in order]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), "activities, outputs, outcomes, impacts"


@needs_graphviz
def test_a_large_map_asks_for_sfdp_says_so_and_lays_out_in_time() -> None:
    source = export.export(generated_map(150, 300), "dot", 0)
    assert source.startswith(b"// ") and b"sfdp" in source.splitlines()[0] and b"150 notes" in source.splitlines()[0]
    assert b"  layout=sfdp;" in source.splitlines()
    graph = json.loads(graphviz(source))  # dot obeys `layout`: sfdp draws it, where dot would take minutes
    assert len([o for o in graph["objects"] if "pos" in o]) == 150


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
    assert 'Activity 1 "Run monthly briefings, with officials; =SUM(A1)" → *produces "briefs" \\| summaries* →' in md
    assert 'Activity 2 "Train officials in using evidence" → *contributes to* →' in md
    assert "Notes linked to nothing:" in md and "x" * 100 in md
    assert "## Cycles" in md and 'Outcome 2 "@mention -minus \\<script\\>alert(1)\\</script\\> &amp;" →' in md
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


def test_dot_ranks_a_workshops_own_kinds_by_the_way_their_links_run() -> None:
    from server.board.model import Kind
    from server.export import diagrams
    from tests.support.maps import MapBuilder

    kinds = (Kind("wish", "Wish", "#aabbcc"), Kind("step", "Step", "#bbccdd"), Kind("assumption", "A", "#ccddee"))
    m = MapBuilder(kinds=kinds)
    m.note("w1xx", "wish", "Cleaner river")
    m.note("s1xx", "step", "Clear the banks")
    m.note("s2xx", "step", "Test the water")
    m.note("a1xx", "assumption", "Volunteers come")
    m.link("l1xx", "s1xx", "w1xx")
    m.link("l2xx", "s2xx", "w1xx")
    m.link("l3xx", "a1xx", "s1xx")
    assert diagrams.kind_ranks(MapView(m.snapshot())) == ["step", "wish"]


def mermaid_edges(text: str) -> list[str]:
    return [line for line in text.splitlines() if "-->" in line and not line.strip().startswith("%%")]


def test_a_mermaid_file_over_mermaids_default_limits_says_so_and_names_the_impacts() -> None:
    from server.export import diagrams

    snapshot = generated_map(300, 600)
    text = export.export(snapshot, "mermaid", 0).decode()
    lines = text.splitlines()
    assert lines[0] == "flowchart LR" and len(mermaid_edges(text)) == 600 > diagrams.MERMAID_MAX_EDGES
    warning = [line.strip() for line in lines if line.strip().startswith("%%")]
    assert warning[0].startswith("%% WARNING: ") and "maxEdges 500" in warning[1]
    assert any("export/mermaid?impact=" in line for line in warning)
    impacts = [n for n in snapshot["notes"] if n["kind"] == "impact"]
    assert f"%%   {impacts[0]['id']}  {impacts[0]['text']}" in warning
    small = export.export(sample_map(), "mermaid", 0).decode()
    assert "%%" not in small, "a map within the limits has no warning"


def test_any_format_can_be_made_for_one_impact_and_the_pathways_into_it() -> None:
    snapshot = generated_map(300, 600)
    graph = MapView(snapshot).graph
    impact = next(n["id"] for n in snapshot["notes"] if n["kind"] == "impact" and graph.in_degree(n["id"]) > 1)
    expected = nx.ancestors(graph, impact) | {impact}
    text = export.export(snapshot, "mermaid", 0, towards=impact).decode()
    assert len(mermaid_edges(text)) == graph.subgraph(expected).number_of_edges()
    part = nx.read_graphml(io.BytesIO(export.export(snapshot, "graphml", 0, towards=impact)))
    assert set(part.nodes) == expected and part.number_of_edges() == graph.subgraph(expected).number_of_edges()
    doc = json.loads(export.export(snapshot, "json", 0, towards=impact))
    assert doc["workshop"]["title"].startswith("Generated map · towards: Note ")
    with pytest.raises(KeyError):
        export.export(snapshot, "json", 0, towards="no-such-note")


def test_graphml_matches_gexf_orientation_and_carries_colour_as_gephi_reads_it(snapshot: dict[str, Any]) -> None:
    graphml = nx.read_graphml(io.BytesIO(render(snapshot, "graphml")))
    root = ET.fromstring(render(snapshot, "gexf"))
    ns = {"g": root.tag[1:].split("}")[0], "viz": root.tag[1:].split("}")[0] + "/viz"}
    for node in root.iterfind(".//g:node", ns):
        position, colour = node.find("viz:position", ns), node.find("viz:color", ns)
        assert position is not None and colour is not None
        mine = graphml.nodes[node.get("id")]
        assert (mine["x"], mine["y"]) == (float(position.get("x", "")), float(position.get("y", "")))
        assert (mine["r"], mine["g"], mine["b"]) == tuple(int(colour.get(c, "")) for c in "rgb")
    board = {n["id"]: n for n in snapshot["notes"]}
    assert graphml.nodes["note0100"]["y"] == -board["note0100"]["y"], "y grows upwards, as Gephi reads it"


def test_graphml_opens_in_yed_with_shapes_colours_labels_and_arrows(snapshot: dict[str, Any]) -> None:
    y = "{http://www.yworks.com/xml/graphml}"
    g = "{http://graphml.graphdrawing.org/xmlns}"
    root = ET.fromstring(render(snapshot, "graphml"))
    keys = {k.get("yfiles.type"): k.get("id") for k in root.iter(f"{g}key") if k.get("yfiles.type")}
    assert set(keys) == {"nodegraphics", "edgegraphics"}
    board = {n["id"]: n for n in snapshot["notes"]}
    view = MapView(snapshot)
    for node in root.iter(f"{g}node"):
        shape = node.find(f"{g}data[@key='{keys['nodegraphics']}']/{y}ShapeNode")
        assert shape is not None, node.get("id")
        note = board[node.get("id", "")]
        geometry, fill, label = shape.find(f"{y}Geometry"), shape.find(f"{y}Fill"), shape.find(f"{y}NodeLabel")
        assert geometry is not None and fill is not None and label is not None
        assert float(geometry.get("y", "")) == note["y"], "yEd's y grows downwards, as on the board"
        assert fill.get("color", "").lower() == view.colour(note)
        first_line = (label.text or "").split("\n")[0]
        assert first_line and note["text"].startswith(first_line.removesuffix("…")), note["id"]
    edges = list(root.iter(f"{g}edge"))
    assert len(edges) == len(snapshot["links"])
    for edge in edges:
        line = edge.find(f"{g}data[@key='{keys['edgegraphics']}']/{y}PolyLineEdge")
        assert line is not None and line.find(f"{y}Arrows").get("target") == "standard"  # type: ignore[union-attr]
    labels = {e.text for e in root.iter(f"{y}EdgeLabel")}
    assert "<assumes>" in labels and "" not in labels


def test_kumu_has_a_connection_type_per_kind_of_link_and_keeps_labels_as_labels() -> None:
    snapshot = generated_map(60, 120)
    doc = json.loads(export.export(snapshot, "kumu", 0))
    view = MapView(snapshot)
    pairs = {
        (view.kind_label(view.by_id[lk["source"]]), view.kind_label(view.by_id[lk["target"]]))
        for lk in snapshot["links"]
    }
    assert {c["type"] for c in doc["connections"]} == {f"{a} → {b}" for a, b in pairs}
    labels = {lk["id"]: lk["label"] for lk in snapshot["links"]}
    assert all(c["label"] == labels[c["id"]] for c in doc["connections"])
