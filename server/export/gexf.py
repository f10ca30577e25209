"""GEXF 1.2 (for Gephi): notes and links with their attributes, declared with their types, and the group's
colours and layout as Gephi's viz attributes (y upwards, as Gephi reads positions; the board's grows downwards).

Written as text, element by element, in the shape networkx writes and reads (networkx's own writer, through
ElementTree, took seconds over a map's 300,000 attribute values): every piece of user text goes through
`_quoted`, ids are of a safe alphabet and the rest is fixed.
"""

from __future__ import annotations

import re
from typing import Any

from server.export import attributes
from server.export.mapview import MapView, iso

GEXF = "http://www.gexf.net/1.2draft"
# (attribute, GEXF type) of what each note and link carries besides its label, in this order.
_TYPES = {"string": "string", "int": "long", "double": "double", "boolean": "boolean"}
NODE_ATTRIBUTES = [
    ("kind", "string"),
    ("kind_label", "string"),
    ("text", "string"),
    ("colour", "string"),
    ("x", "double"),
    ("y", "double"),
    ("author", "string"),
    ("created_at", "string"),
    ("updated_at", "string"),
    ("dots", "long"),
    *((name, _TYPES[kind]) for name, kind in attributes.NOTE_ATTRIBUTES),
]
EDGE_ATTRIBUTES = [
    ("author", "string"),
    ("created_at", "string"),
    ("dots", "long"),
    *((name, _TYPES[kind]) for name, kind in attributes.LINK_ATTRIBUTES),
]
# In an attribute value, a line break or tab must be a character reference or readers make it a space.
_SPECIAL = re.compile('[&<>"\n\r\t]')
_REFERENCES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def _quoted(value: Any) -> str:
    """A value as the inside of a double-quoted XML attribute that reads back exactly."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value)
    return _SPECIAL.sub(lambda m: _REFERENCES[m.group()], text) if _SPECIAL.search(text) else text


def _declarations(owner: str, declared: list[tuple[str, str]], first_id: int) -> list[str]:
    out = [f'    <attributes mode="static" class="{owner}">']
    for number, (name, kind) in enumerate(declared, first_id):
        out.append(f'      <attribute id="{number}" title="{name}" type="{kind}" />')
    return [*out, "    </attributes>"]


def _values(declared: dict[str, int], values: dict[str, Any]) -> list[str]:
    """The <attvalues> of an item: each attribute it has (an absent one has none: readers take it as unset)."""
    present = [
        f'          <attvalue for="{number}" value="{_quoted(values[name])}" />'
        for name, number in declared.items()
        if values.get(name) is not None
    ]
    return ["        <attvalues>", *present, "        </attvalues>"] if present else []


def gexf(view: MapView, exported_at: int) -> bytes:
    view = view.for_xml()
    extra = attributes.Attributes(view)
    node_ids = {name: number for number, (name, _) in enumerate(NODE_ATTRIBUTES)}
    edge_ids = {name: number for number, (name, _) in enumerate(EDGE_ATTRIBUTES, len(NODE_ATTRIBUTES))}
    out = [
        "<?xml version='1.0' encoding='utf-8'?>",
        f'<gexf xmlns="{GEXF}" xmlns:viz="{GEXF}/viz" version="1.2">',
        f'  <meta lastmodifieddate="{iso(exported_at)[:10]}">',
        "    <creator>Pathweaver</creator>",
        "  </meta>",
        '  <graph defaultedgetype="directed" mode="static">',
        *_declarations("node", NODE_ATTRIBUTES, 0),
        *_declarations("edge", EDGE_ATTRIBUTES, len(NODE_ATTRIBUTES)),
        "    <nodes>",
    ]
    for note_id, attrs in view.graph.nodes(data=True):
        colour = attrs["colour"]
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        out.append(f'      <node id="{_quoted(note_id)}" label="{_quoted(attrs["text"])}">')
        out.append(f'        <viz:color r="{r}" g="{g}" b="{b}" a="1.0" />')
        # 0.0 - 0.0 is 0.0, where -0.0 would read oddly.
        out.append(f'        <viz:position x="{attrs["x"]!r}" y="{0.0 - attrs["y"]!r}" z="0.0" />')
        out += _values(node_ids, {**attrs, **attributes.flat(extra.note(view.by_id[note_id]))})
        out.append("      </node>")
    out += ["    </nodes>", "    <edges>"]
    links = {lk["id"]: lk for lk in view.links}
    for source, target, attrs in view.graph.edges(data=True):
        ends = f'source="{_quoted(source)}" target="{_quoted(target)}"'
        out.append(f'      <edge id="{_quoted(attrs["id"])}" {ends} label="{_quoted(attrs["label"])}">')
        out += _values(edge_ids, {**attrs, **attributes.flat(extra.link(links[attrs["id"]]))})
        out.append("      </edge>")
    out += ["    </edges>", "  </graph>", "</gexf>", ""]
    return "\n".join(out).encode()
