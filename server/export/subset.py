"""One impact's part of a map: the note, every note with a pathway to it, and the links among them.

Any format can be made from it (`export(..., towards=note id)`), so a map too big for one file or one
picture can be handed on one impact at a time.
"""

from __future__ import annotations

from typing import Any

TITLE_WORDS = 12  # of the impact's text, in the part's title


class UnknownNote(KeyError):
    """The map has no note with that id (or not one the viewer may see)."""


def towards(snapshot: dict[str, Any], note_id: str) -> dict[str, Any]:
    """The part of the map that leads to `note_id`; its title says which impact it is."""
    notes = {n["id"]: n for n in snapshot["notes"]}
    if note_id not in notes:
        raise UnknownNote(note_id)
    into: dict[str, list[str]] = {}
    for lk in snapshot["links"]:
        into.setdefault(lk["target"], []).append(lk["source"])
    kept, waiting = {note_id}, [note_id]
    while waiting:
        for source in into.get(waiting.pop(), ()):
            if source not in kept:
                kept.add(source)
                waiting.append(source)
    words = notes[note_id]["text"].split()
    name = " ".join(words[:TITLE_WORDS]) + (" …" if len(words) > TITLE_WORDS else "")
    return {
        **snapshot,
        "workshop": {**snapshot["workshop"], "title": f"{snapshot['workshop']['title']} · towards: {name}"},
        "notes": [n for n in snapshot["notes"] if n["id"] in kept],
        "links": [lk for lk in snapshot["links"] if lk["source"] in kept and lk["target"] in kept],
    }
