"""The pathways report as a funder or evaluator reads it: pathways start at activities, not assumptions; each
note is named so that two alike can be told apart and a long one is written out once; every impact of a large
map gets its pathways; the header counts the people and the days of the workshop; names can be left out."""

from __future__ import annotations

import re
from typing import Any

from server import export, imports
from server.export.mapview import MapView
from server.export.pathways import MAX_TOTAL_PATHS, analyse
from server.storage.memory import MemoryStorage
from tests.support.maps import ANA, BEN, MapBuilder, awkward_map, generated_map


def report(snapshot: dict[str, Any], **options: Any) -> str:
    return export.export(snapshot, "report-md", 0, **options).decode()


def pathways_into(md: str, heading: str) -> list[str]:
    section = md.split(f"### {heading}", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    return re.findall(r"^\d+\. (.*)$", section, flags=re.MULTILINE)


def small_map() -> dict[str, Any]:
    m = MapBuilder("River", "What changes?")
    m.note("impact01", "impact", "Cleaner river", actor=ANA)
    m.note("outcome1", "outcome", "Farmers change practice " + "because they see the results on their own land " * 8)
    m.note("activty1", "activity", "Workshops", actor=BEN)
    m.note("activty2", "activity", "Workshops", actor=ANA)
    m.note("assume01", "assumption", "Farmers can afford the change", actor=BEN)
    m.link("link0001", "activty1", "outcome1", "leads to")
    m.link("link0002", "activty2", "outcome1")
    m.link("link0003", "outcome1", "impact01")
    m.link("link0004", "assume01", "outcome1", "assumed by")
    return m.snapshot()


def test_assumptions_do_not_start_pathways_but_are_listed_as_what_they_rest_on() -> None:
    md = report(small_map())
    lines = pathways_into(md, "Impact 1: Cleaner river")
    assert len(lines) == 2 and all(line.startswith("Activity ") for line in lines)
    assert 'These pathways rest on: Assumption 1 "Farmers can afford the change".' in md


def test_two_notes_with_the_same_text_are_told_apart_and_a_long_note_is_written_out_once() -> None:
    md = report(small_map())
    lines = pathways_into(md, "Impact 1: Cleaner river")
    assert [line.split(" → ")[0] for line in lines] == ['Activity 1 "Workshops"', 'Activity 2 "Workshops"']
    long_text = small_map()["notes"][1]["text"]
    assert md.count(" ".join(long_text.split())) == 1, "in the notes by kind only"
    assert all('Outcome 1 "Farmers change practice because' in line and "…" in line for line in lines)


def test_every_impact_of_a_large_map_gets_pathways() -> None:
    snapshot = generated_map(1500, 3000, seed=3)
    view = MapView(snapshot)
    analysis = analyse(view.graph, {n["id"]: n["kind"] for n in view.notes})
    impacts = [p for p in analysis.pathways if p.target not in analysis.impacts_unreached]
    assert len(impacts) > 50
    assert all(p.paths for p in impacts), f"{sum(1 for p in impacts if not p.paths)} impacts without pathways"
    assert sum(len(p.paths) for p in analysis.pathways) <= MAX_TOTAL_PATHS


def test_an_imported_map_reports_its_own_people_and_dates_not_the_import() -> None:
    original = awkward_map()
    storage = MemoryStorage()
    done = imports.import_map(storage, b"key", imports.read_json(export.export(original, "json", 0)))
    loaded = storage.load_board(done.created.workshop.id)
    assert loaded is not None
    copy = loaded.board.to_dict()
    assert len(copy["participants"]) == 3, "the two people, and the import"
    md = report(copy)
    assert "Mapped on 2023-11-14 · 2 participants ·" in md


def test_the_report_can_leave_out_names() -> None:
    snapshot = small_map()
    assert "Ana «Ø» O'Brien" in report(snapshot)
    for name in ("report-md", "report-html"):
        text = export.export(snapshot, name, 0, names=False).decode()
        assert "O'Brien" not in text and "O&#39;Brien" not in text and "بن" not in text, name
        assert "Cleaner river" in text
