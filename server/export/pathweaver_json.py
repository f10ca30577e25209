"""Pathweaver JSON: the whole map with full fidelity, versioned (docs/export-format.md describes it)."""

from __future__ import annotations

from typing import Any

import orjson

from server.export.mapview import MapView, iso

# 2: the plan of phases and the closed dot votes; 3: clusters and lanes; 4: evidence, confidence and assumptions
# on links, indicators and the kind of change on notes. Files of every earlier version import.
SCHEMA_VERSION = 4
READABLE_VERSIONS = (1, 2, 3, 4)
FORMAT_NAME = "pathweaver-map"


def export(view: MapView, exported_at: int) -> bytes:
    w = view.workshop
    document = {
        "format": FORMAT_NAME,
        "schema_version": SCHEMA_VERSION,
        "exported_at": iso(exported_at),
        "workshop": {
            "title": w["title"],
            "question": w["question"],
            "kinds": w["kinds"],
            "locked": w["locked"],
            "created_at": w["created_at"],
        },
        "participants": [
            {
                "id": p["id"],
                "name": p["name"],
                "colour": p["colour"],
                "role": p["role"],
                **({"removed": True} if p.get("removed") else {}),  # rule P50
                **({"group": p["group"]} if p.get("group") else {}),  # their stakeholder group (rule P51)
            }
            for p in view.snapshot["participants"]
        ],
        "notes": view.notes,
        "links": view.links,
        "plan": view.snapshot.get("plan"),
        "votes": view.closed_votes,
        "clusters": view.snapshot.get("clusters", []),
        "lanes": [{"label": lane["label"], "kinds": lane["kinds"]} for lane in view.snapshot.get("lanes", [])],
        "groups": view.snapshot.get("groups", []),
        # Contribution stories (P52), as the board holds them; a file without them imports with none.
        "stories": view.snapshot.get("stories", []),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def document_fields(document: Any) -> dict[str, Any]:
    """Check the envelope of a Pathweaver JSON document; raise ValueError naming what is wrong."""
    if not isinstance(document, dict):
        raise ValueError("the file is not a JSON object")
    if document.get("format") != FORMAT_NAME:
        raise ValueError(f'field "format": expected "{FORMAT_NAME}", got {document.get("format")!r}')
    version = document.get("schema_version")
    if version not in READABLE_VERSIONS:
        readable = ", ".join(str(v) for v in READABLE_VERSIONS[:-1]) + f" and {READABLE_VERSIONS[-1]}"
        raise ValueError(f'field "schema_version": this Pathweaver reads versions {readable}, the file has {version!r}')
    for key, kind in (("workshop", dict), ("participants", list), ("notes", list), ("links", list)):
        if not isinstance(document.get(key), kind):
            raise ValueError(f'field "{key}": expected a JSON {"object" if kind is dict else "array"}')
    return document
