"""Pathway strength: a pathway is as strong as its weakest link, by evidence grade and by mean confidence."""

from __future__ import annotations

from typing import Any

from server.export.mapview import MapView
from server.export.strength import GRADE_SCALE, by_impact
from tests.support.maps import BEN, MapBuilder


def graded_map() -> dict[str, Any]:
    """Two pathways into one impact. Upper: a1xx → o1xx → i1xx, links strong (confidence 5, 4) and weak (2, 3).
    Lower: a2xx → o2xx → i1xx, one link moderate and unrated, the other ungraded and rated 4 by one person.
    An assumption hangs on the upper pathway's last link; the lower's first link rests on assumption alone."""
    m = MapBuilder("Strength", "?")
    for note_id, kind in [("a1xx", "activity"), ("a2xx", "activity"), ("o1xx", "output"), ("o2xx", "output")]:
        m.note(note_id, kind, note_id)
    m.note("i1xx", "impact", "i1xx")
    m.note("s1xx", "assumption", "Budgets hold")
    m.link("up1xx", "a1xx", "o1xx")
    m.link("up2xx", "o1xx", "i1xx")
    m.link("lo1xx", "a2xx", "o2xx")
    m.link("lo2xx", "o2xx", "i1xx")
    m.do(op="link.evidence", id="up1xx", strength="strong")
    m.do(op="link.evidence", id="up2xx", strength="weak")
    m.do(op="link.evidence", id="lo1xx", strength="moderate", support=["assumption"])
    for link_id, ana, ben in [("up1xx", 5, 4), ("up2xx", 2, 3)]:
        m.do(op="confidence.set", id=link_id, value=ana)
        m.do(BEN, op="confidence.set", id=link_id, value=ben)
    m.do(op="confidence.set", id="lo2xx", value=4)
    m.do(op="link.assumption", id="up2xx", note="s1xx")
    return m.snapshot()


def test_a_pathway_takes_the_grade_and_confidence_of_its_weakest_link() -> None:
    (impact,) = by_impact(MapView(graded_map()))
    assert impact.impact == "i1xx"
    upper, lower = sorted(impact.pathways, key=lambda p: p.notes)
    assert upper.notes == ["a1xx", "o1xx", "i1xx"]
    assert (upper.grade, upper.confidence, upper.unrated, upper.weakest) == ("weak", 2.5, 0, ["up2xx"])
    assert upper.assumptions == ["s1xx"] and upper.assumption_only == []


def test_an_ungraded_link_is_the_bottom_of_the_scale_and_unrated_links_are_counted() -> None:
    (impact,) = by_impact(MapView(graded_map()))
    lower = next(p for p in impact.pathways if p.notes[0] == "a2xx")
    assert GRADE_SCALE[0] == "ungraded"
    assert (lower.grade, lower.confidence, lower.unrated, lower.weakest) == ("ungraded", 4.0, 1, ["lo2xx"])
    assert lower.assumption_only == ["lo1xx"] and lower.assumptions == []


def test_pathways_are_listed_weakest_first() -> None:
    (impact,) = by_impact(MapView(graded_map()))
    assert [p.grade for p in impact.pathways] == ["ungraded", "weak"]


def test_only_pathways_from_an_activity_count() -> None:
    m = MapBuilder("Assumption start", "?")
    m.note("s1xx", "assumption", "Assumed")
    m.note("i1xx", "impact", "Impact")
    m.link("l1xx", "s1xx", "i1xx")
    (impact,) = by_impact(MapView(m.snapshot()))
    assert impact.pathways == []


def test_a_pathway_starts_at_every_activity_along_a_chain_even_one_something_leads_into() -> None:
    m = MapBuilder("Fed activities", "?")
    m.note("in1x", "output", "Funding secured")  # leads into the first activity: the search's chain starts here
    m.note("a1xx", "activity", "Train analysts")
    m.note("a2xx", "activity", "Brief ministers")
    m.note("i1xx", "impact", "Policies cite research")
    m.link("l0xx", "in1x", "a1xx")
    m.link("l1xx", "a1xx", "a2xx")
    m.link("l2xx", "a2xx", "i1xx")
    (impact,) = by_impact(MapView(m.snapshot()))
    assert sorted(p.notes for p in impact.pathways) == [["a1xx", "a2xx", "i1xx"], ["a2xx", "i1xx"]]
