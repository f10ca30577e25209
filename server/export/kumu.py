"""Kumu blueprint JSON: elements typed by note kind, directed connections; ids always, so Kumu never merges
two notes that happen to say the same thing. A connection's type is the kind of link it is, named by the kinds
of notes it joins ("Activity → Output"), so that a map has a few types to style; its label stays its label.

Evidence, indicators and endorsements (server/export/attributes.py) are custom fields, named in lower case with
spaces as Kumu names fields ("confidence mean"): numbers as numbers, so that Kumu can size and colour by them,
several values as an array, as Kumu keeps tags; a field the item does not have is left out."""

from __future__ import annotations

from typing import Any

import orjson

from server.export import attributes
from server.export.mapview import MapView

# Each attribute's Kumu field: its name with spaces, or a name that says more on its own.
_FIELD = {
    name: {"grade": "evidence grade", "change": "kind of change"}.get(name, name.replace("_", " "))
    for name, _ in (*attributes.LINK_ATTRIBUTES, *attributes.NOTE_ATTRIBUTES)
}


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    return {_FIELD[name]: value for name, value in attributes.text(values, escaped=False).items() if value is not None}


def export(view: MapView) -> bytes:
    extra = attributes.Attributes(view)
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
            **_fields(extra.note(n)),
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
            **_fields(extra.link(lk)),
        }
        for lk in view.links
    ]
    return orjson.dumps({"elements": elements, "connections": connections}, option=orjson.OPT_INDENT_2) + b"\n"
