"""The live pathways (P54) are the contribution report's strengths (server/export/strength.py), with each
pathway's contested links; worked out again only when what they depend on changes."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from server.analysis import pathway_strength
from server.export.mapview import MapView
from server.export.strength import by_impact
from tests.support.maps import BEN, MapBuilder
from tests.unit.test_strength import graded_map


@pytest.mark.rule("P54")
def test_the_live_pathways_are_the_reports_strengths_with_their_contested_links() -> None:
    snapshot = graded_map()
    (impact,) = pathway_strength.run(snapshot)["impacts"]
    (report,) = by_impact(MapView(snapshot))
    assert impact["impact"] == report.impact == "i1xx" and impact["capped"] is False
    assert [{k: v for k, v in p.items() if k != "contested"} for p in impact["pathways"]] == [
        asdict(p) for p in report.pathways
    ]
    assert [p["contested"] for p in impact["pathways"]] == [[], []]  # 5 and 4, 2 and 3: near enough


def test_the_answer_is_worked_out_again_only_when_what_it_rests_on_changes() -> None:
    m = MapBuilder("Kept", "?")
    m.note("a1xx", "activity", "Briefings")
    m.note("i1xx", "impact", "Ministers cite us")
    m.link("l1xx", "a1xx", "i1xx")
    first = pathway_strength.run(m.snapshot())
    m.do(op="note.move", id="a1xx", x=300.0, y=40.0)
    m.do(op="note.update", id="i1xx", text="Ministers cite our briefings")
    assert pathway_strength.run(m.snapshot()) is first  # moved and renamed: the same pathways, kept
    m.do(op="confidence.set", id="l1xx", value=1)
    m.do(BEN, op="confidence.set", id="l1xx", value=5)
    (impact,) = pathway_strength.run(m.snapshot())["impacts"]
    assert impact["pathways"][0]["confidence"] == 3 and impact["pathways"][0]["contested"] == ["l1xx"]
