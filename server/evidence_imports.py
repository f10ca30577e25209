"""The evidence columns of a Pathweaver CSV export read back (rules P46, P47, P51): a link's mechanism, support,
sources, grade, each person's rating and the notes it rests on; a note's kind of change and indicators; who
endorses each; and the stakeholder groups and who is in which. They become the fields and operations a
Pathweaver JSON file gives, which server/imports.py replays through the board's own rules once every note and
link is in, so a CSV import is checked exactly as a JSON one is.
"""

from __future__ import annotations

import re
from typing import Any

from server.board.perspectives import MAX_GROUPS
from server.export import attributes, spreadsheet, strength
from server.import_limits import ImportProblem

GROUPS_TABLE = ("groups.csv", MAX_GROUPS, spreadsheet.GROUP_COLUMNS, ("id", "label"))


def group_frames(
    groups: list[tuple[int, dict[str, str]]], participants: list[tuple[int, dict[str, str]]]
) -> list[tuple[str, dict[str, Any]]]:
    """The operations that give an imported map the stakeholder groups of groups.csv and each person's group
    from participants.csv (rule P51), checked by the board's rules as the JSON import's are."""
    specs = [{"id": g["id"], "label": g["label"], "colour": g.get("colour") or None} for _, g in groups]
    frames: list[tuple[str, dict[str, Any]]] = [("groups.csv", {"op": "groups.set", "groups": specs})]
    for line, p in participants:
        if p.get("group"):
            frame = {"op": "participant.group", "participant": p["id"], "group": p["group"]}
            frames.append((f"participants.csv line {line}, column group", frame))
    return frames


def note_fields(row: dict[str, str], where: str) -> dict[str, Any]:
    """A note's kind of change, indicators and endorsers from the columns a Pathweaver export adds (rules P47,
    P51), as the JSON import has them; checked by the board's rules when the map is built."""
    fields: dict[str, Any] = {}
    if row.get("change", "").strip():
        fields["change"] = row["change"].strip()
    try:
        fields["indicators"] = attributes.parse_indicators(row.get("indicators", ""))
    except ValueError as exc:
        raise ImportProblem(f"{where}: column 'indicators': {exc}") from None
    fields["endorsed_by"] = attributes.split(row.get("endorser_ids", ""))
    return fields


def link_fields(row: dict[str, str], where: str) -> dict[str, Any]:
    """A link's evidence (rule P46) and endorsers from the columns a Pathweaver export adds: the mechanism,
    support, sources, grade, each person's confidence and the assumption notes it rests on. The columns worked
    out from these (the mean confidence, the assumptions' texts, the groups) are for reading, not read back."""
    grade = row.get("grade", "").strip()
    fields: dict[str, Any] = {
        "mechanism": row.get("mechanism", ""),
        "support": attributes.split(row.get("support", "")),
        "strength": None if grade in ("", strength.GRADE_SCALE[0]) else grade,
        "assumptions": attributes.split(row.get("assumption_ids", "")),
        "endorsed_by": attributes.split(row.get("endorser_ids", "")),
        "confidence": {},
    }
    try:
        fields["sources"] = attributes.parse_sources(row.get("sources", ""))
    except ValueError as exc:
        raise ImportProblem(f"{where}: column 'sources': {exc}") from None
    for rating in attributes.split(row.get("confidence_by", "")):
        who, _, value = rating.rpartition("=")
        if not who or not re.fullmatch(r"[0-9]{1,2}", value.strip()) or who in fields["confidence"]:
            raise ImportProblem(
                f"{where}: column 'confidence_by': expected 'participant id=1 to 5', each person once, "
                f"got {rating[:80]!r}"
            )
        fields["confidence"][who] = int(value)
    return fields
