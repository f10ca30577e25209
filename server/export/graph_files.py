"""GraphML (for yEd, Gephi, Cytoscape and PRSM); GEXF is server/export/gexf.py.

Both put a note where the group left it with y growing upwards, as Gephi reads positions (`x`, `y` in
GraphML, `viz:position` in GEXF): the board's y grows downwards, so it is negated. GraphML carries each note's
colour as `r`, `g`, `b` (0-255), the attributes Gephi reads it from, besides `colour` (#rrggbb), and yEd's own
node and edge graphics (y:ShapeNode, y:PolyLineEdge) so that yEd shows the map, coloured and labelled, as it
opens; yEd's geometry is in its own coordinates, y downwards as on the board.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

from server.export import attributes, picture_layout
from server.export.mapview import MapView

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
    *attributes.NOTE_ATTRIBUTES,  # what it is evidenced by and who stands behind it: absent ones are left out
]
EDGE_KEYS = [
    ("id", "string"),
    ("label", "string"),
    ("author", "string"),
    ("created_at", "string"),
    ("dots", "long"),
    *attributes.LINK_ATTRIBUTES,
]


_MARKUP = re.compile("[&<>\r]")


def _content(text: str) -> str:
    """Text as element content that reads back exactly: XML readers turn a bare carriage return into a line
    feed (XML 1.0, section 2.11), a character reference they keep. Most values have nothing to escape: they
    are looked at once (a map's 200,000 values)."""
    return escape(text, {"\r": "&#13;"}) if _MARKUP.search(text) else text


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # xs:boolean, as GraphML readers parse it
    return repr(float(value)) if isinstance(value, float) else str(value)


def _data(owner: str, keys: list[tuple[str, str]], values: dict[str, Any]) -> list[str]:
    """The <data> of each attribute the note or link has (an absent one has none: readers take it as unset)."""
    return [
        f'      <data key="{owner}_{name}">{_content(_value(values[name]))}</data>'
        for name, _ in keys
        if values.get(name) is not None
    ]


def _attrs(**attrs: str) -> str:
    return "".join(
        f' {name.rstrip("_").replace("_", ".")}="{escape(value, {chr(34): "&quot;"})}"' for name, value in attrs.items()
    )


_NODE_LABEL = _attrs(
    alignment="center",
    fontFamily="Dialog",
    fontSize="12",
    modelName="internal",
    modelPosition="c",
    textColor="#111111",
    visible="true",
)
_EDGE_LABEL = _attrs(
    fontFamily="Dialog",
    fontSize="11",
    modelName="centered",
    modelPosition="center",
    textColor="#222222",
    visible="true",
)


def graphml(view: MapView) -> bytes:
    """Written as text, element by element (ElementTree takes seconds over a map's 200,000 elements); every
    piece of user text goes through `escape`, ids are of a safe alphabet and the rest is fixed."""
    out = [
        "<?xml version='1.0' encoding='utf-8'?>",
        f'<graphml xmlns="{GRAPHML}" xmlns:y="{YFILES}">',
    ]
    for owner, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in keys:
            out.append(f"  <key{_attrs(id=f'{owner[0]}_{name}', for_=owner, attr_name=name, attr_type=kind)} />")
        out.append(f'  <key id="{owner[0]}_graphics" for="{owner}" yfiles.type="{owner}graphics" />')
    out.append('  <graph id="pathways" edgedefault="directed">')
    view = view.for_xml()
    extra = attributes.Attributes(view)
    links = {lk["id"]: lk for lk in view.links}
    for note_id, attrs in view.graph.nodes(data=True):
        colour = attrs["colour"]
        values = {
            **attrs,
            "label": attrs["text"],
            "r": int(colour[1:3], 16),
            "g": int(colour[3:5], 16),
            "b": int(colour[5:7], 16),
            "y": 0.0 - attrs["y"],  # 0.0 - 0.0 is 0.0, where -0.0 would read oddly
            **attributes.flat(extra.note(view.by_id[note_id])),
        }
        lines = picture_layout.wrap(attrs["text"])
        width, height = picture_layout.note_size(lines)
        geometry = _attrs(x=_value(attrs["x"]), y=_value(attrs["y"]), width=_value(width), height=_value(height - 20))
        # yEd's graphics first: a reader that takes x, y and label from them (networkx does) then reads ours.
        out.append(f"    <node{_attrs(id=note_id)}>")
        out.append('      <data key="n_graphics"><y:ShapeNode>')
        out.append(f"        <y:Geometry{geometry} />")
        out.append(f'        <y:Fill color="{colour.upper()}" transparent="false" />')
        out.append('        <y:BorderStyle color="#555555" type="line" width="1.0" />')
        out.append(f"        <y:NodeLabel{_NODE_LABEL}>{escape(chr(10).join(lines))}</y:NodeLabel>")
        out.append('        <y:Shape type="roundrectangle" />')
        out.append("      </y:ShapeNode></data>")
        out += _data("n", NODE_KEYS, values)
        out.append("    </node>")
    for source, target, attrs in view.graph.edges(data=True):
        out.append(f"    <edge{_attrs(id=attrs['id'], source=source, target=target)}>")
        out.append('      <data key="e_graphics"><y:PolyLineEdge>')
        out.append('        <y:LineStyle color="#444444" type="line" width="1.5" />')
        out.append('        <y:Arrows source="none" target="standard" />')
        if attrs["label"]:
            out.append(f"        <y:EdgeLabel{_EDGE_LABEL}>{escape(attrs['label'])}</y:EdgeLabel>")
        out.append("      </y:PolyLineEdge></data>")
        out += _data("e", EDGE_KEYS, {**attrs, **attributes.flat(extra.link(links[attrs["id"]]))})
        out.append("    </edge>")
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out).encode()
