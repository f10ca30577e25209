"""Kumu blueprint JSON: elements typed by note kind, directed connections; ids always, so Kumu never merges
two notes that happen to say the same thing. A connection's type is the kind of link it is, named by the kinds
of notes it joins ("Activity → Output"), so that a map has a few types to style; its label stays its label."""

from __future__ import annotations

import orjson

from server.export.mapview import MapView


def export(view: MapView) -> bytes:
    elements = [
        {
            "id": n["id"],
            "label": n["text"],
            "type": view.kind_label(n),
            "description": n["text"],
            "tags": [n["kind"]],
            "author": view.author(n),
            "color": view.colour(n),
            "dots": view.dots.get(n["id"], 0),
        }
        for n in view.notes
    ]
    connections = [
        {
            "id": lk["id"],
            "from": lk["source"],
            "to": lk["target"],
            "type": f"{view.kind_label(view.by_id[lk['source']])} → {view.kind_label(view.by_id[lk['target']])}",
            "label": lk["label"],
            "direction": "directed",
            "dots": view.dots.get(lk["id"], 0),
        }
        for lk in view.links
    ]
    return orjson.dumps({"elements": elements, "connections": connections}, option=orjson.OPT_INDENT_2) + b"\n"
