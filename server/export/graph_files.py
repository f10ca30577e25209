"""GraphML (for yEd, Gephi, Cytoscape and PRSM) and GEXF (for Gephi, written by networkx).

Both put a note where the group left it with y growing upwards, as Gephi reads positions (`x`, `y` in
GraphML, `viz:position` in GEXF): the board's y grows downwards, so it is negated. GraphML carries each note's
colour as `r`, `g`, `b` (0-255), the attributes Gephi reads it from, besides `colour` (#rrggbb), and yEd's own
node and edge graphics (y:ShapeNode, y:PolyLineEdge) so that yEd shows the map, coloured and labelled, as it
opens; yEd's geometry is in its own coordinates, y downwards as on the board.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx

from server.export import picture_layout
from server.export.mapview import MapView, iso

GRAPHML = "http://graphml.graphdrawing.org/xmlns"
YFILES = "http://www.yworks.com/xml/graphml"
# (attribute, GraphML type) of what each note and link carries, in this order.
NODE_KEYS = [
    ("kind", "string"),
    ("kind_label", "string"),
    ("text", "string"),
    ("label", "string"),
    ("colour", "string"),
    ("r", "int"),
    ("g", "int"),
    ("b", "int"),
    ("x", "double"),
    ("y", "double"),
    ("author", "string"),
    ("created_at", "string"),
    ("updated_at", "string"),
    ("dots", "long"),
]
EDGE_KEYS = [("id", "string"), ("label", "string"), ("author", "string"), ("created_at", "string"), ("dots", "long")]


def _value(value: Any) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


def graphml(view: MapView) -> bytes:
    ET.register_namespace("", GRAPHML)
    ET.register_namespace("y", YFILES)
    g, y = f"{{{GRAPHML}}}", f"{{{YFILES}}}"
    root = ET.Element(f"{g}graphml")
    for owner, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in keys:
            ET.SubElement(
                root, f"{g}key", {"id": f"{owner[0]}_{name}", "for": owner, "attr.name": name, "attr.type": kind}
            )
        ET.SubElement(root, f"{g}key", {"id": f"{owner[0]}_graphics", "for": owner, "yfiles.type": f"{owner}graphics"})
    graph = ET.SubElement(root, f"{g}graph", {"id": "pathways", "edgedefault": "directed"})
    view = view.for_xml()
    nodes = view.graph.nodes
    for note_id, attrs in nodes(data=True):
        colour = attrs["colour"]
        values = {
            **attrs,
            "label": attrs["text"],
            "r": int(colour[1:3], 16),
            "g": int(colour[3:5], 16),
            "b": int(colour[5:7], 16),
            "y": -attrs["y"],
        }
        node = ET.SubElement(graph, f"{g}node", {"id": note_id})
        # yEd's graphics first: a reader that takes x, y and label from them (networkx does) then reads ours.
        shape = ET.SubElement(ET.SubElement(node, f"{g}data", {"key": "n_graphics"}), f"{y}ShapeNode")
        lines = picture_layout.wrap(attrs["text"])
        width, height = picture_layout.note_size(lines)
        ET.SubElement(
            shape,
            f"{y}Geometry",
            {"x": _value(attrs["x"]), "y": _value(attrs["y"]), "width": _value(width), "height": _value(height - 20)},
        )
        ET.SubElement(shape, f"{y}Fill", {"color": colour.upper(), "transparent": "false"})
        ET.SubElement(shape, f"{y}BorderStyle", {"color": "#555555", "type": "line", "width": "1.0"})
        label = ET.SubElement(
            shape,
            f"{y}NodeLabel",
            {
                "alignment": "center",
                "fontFamily": "Dialog",
                "fontSize": "12",
                "modelName": "internal",
                "modelPosition": "c",
                "textColor": "#111111",
                "visible": "true",
            },
        )
        label.text = "\n".join(lines)
        ET.SubElement(shape, f"{y}Shape", {"type": "roundrectangle"})
        for name, _ in NODE_KEYS:
            ET.SubElement(node, f"{g}data", {"key": f"n_{name}"}).text = _value(values[name])
    for source, target, attrs in view.graph.edges(data=True):
        edge = ET.SubElement(graph, f"{g}edge", {"id": attrs["id"], "source": source, "target": target})
        line = ET.SubElement(ET.SubElement(edge, f"{g}data", {"key": "e_graphics"}), f"{y}PolyLineEdge")
        ET.SubElement(line, f"{y}LineStyle", {"color": "#444444", "type": "line", "width": "1.5"})
        ET.SubElement(line, f"{y}Arrows", {"source": "none", "target": "standard"})
        if attrs["label"]:
            ET.SubElement(
                line,
                f"{y}EdgeLabel",
                {
                    "fontFamily": "Dialog",
                    "fontSize": "11",
                    "modelName": "centered",
                    "modelPosition": "center",
                    "textColor": "#222222",
                    "visible": "true",
                },
            ).text = attrs["label"]
        for name, _ in EDGE_KEYS:
            ET.SubElement(edge, f"{g}data", {"key": f"e_{name}"}).text = _value(attrs[name])
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


def _rgb(colour: str) -> dict[str, int | float]:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0}


def gexf(view: MapView, exported_at: int) -> bytes:
    g = view.for_xml().graph.copy()
    for _, attrs in g.nodes(data=True):
        attrs["label"] = attrs["text"]
        # Gephi draws the group's layout and colours from the viz attributes (y grows downwards on the board).
        attrs["viz"] = {"color": _rgb(attrs["colour"]), "position": {"x": attrs["x"], "y": -attrs["y"], "z": 0.0}}
    out = io.BytesIO()
    nx.write_gexf(g, out, encoding="utf-8")
    # The file's own date and maker, not networkx's (which would make identical maps differ by day and version).
    meta = f'<meta lastmodifieddate="{iso(exported_at)[:10]}">\n    <creator>Pathweaver</creator>'.encode()
    return re.sub(rb'<meta lastmodifieddate="[^"]*">\s*<creator>[^<]*</creator>', meta, out.getvalue(), count=1)
