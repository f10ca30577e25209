"""The list view's words for a link's evidence without scripts (server/web/list_evidence.py), which must read
exactly as static/js/evidence_summary.js reads in the browser, and the operations its forms ask for."""

from __future__ import annotations

import pytest

from server.web.list_evidence import EvidenceFormProblem, confidence_text, contested, evidence_frame, indicator_text


@pytest.mark.rule("P46")
def test_confidence_reads_as_in_the_browser_rounding_half_up_as_tofixed_does() -> None:
    assert confidence_text({}) == "No one has said yet."
    assert confidence_text({"confidence": {"a": 2}}) == "1 person: mean 2.0 (1×2)"
    # 13 / 4 = 3.25 exactly: the browser's toFixed(1) says 3.3 where Python's own rounding would say 3.2.
    assert (
        confidence_text({"confidence": {"a": 3, "b": 3, "c": 3, "d": 4}})
        == "4 people: mean 3.3, from 3 to 4 (3×3, 1×4)"
    )
    assert confidence_text({"confidence": {"a": 1, "b": 2, "c": 2}}) == "3 people: mean 1.7, from 1 to 2 (1×1, 2×2)"
    assert not contested({"confidence": {"a": 2, "b": 4}}) and contested({"confidence": {"a": 2, "b": 5}})
    assert (
        indicator_text({"indicator": "Citations", "baseline": "2", "target": "", "source": ""})
        == "Citations — from 2 to ?"
    )


@pytest.mark.rule("P46")
def test_the_evidence_form_reads_sources_and_refuses_what_is_neither_an_address_nor_a_doi() -> None:
    frame = evidence_frame(
        {
            "action": "evidence",
            "link": "l1",
            "sources": "https://doi.org/10.1234/x\n https://a.example/b  A title \n",
        },
        ["research"],
    )
    assert frame["sources"] == [{"doi": "10.1234/x"}, {"url": "https://a.example/b", "title": "A title"}]
    assert frame["strength"] is None and frame["support"] == ["research"]
    many = evidence_frame({"action": "evidence", "sources": "\n".join(f"10.1234/{i}" for i in range(500))}, [])
    assert len(many["sources"]) == 21  # one too many, for the rules to refuse in their words
    for bad in ("javascript:alert(1)", "ftp://a.example/", "doi:10.1/x", "https://"):
        with pytest.raises(EvidenceFormProblem, match="neither a web address"):
            evidence_frame({"action": "evidence", "sources": bad}, [])
    with pytest.raises(EvidenceFormProblem, match="from 1 to 5"):
        evidence_frame({"action": "confidence", "link": "l1", "value": "0"}, [])
    assert evidence_frame({"action": "confidence", "link": "l1", "value": ""}, [])["value"] is None
    assert evidence_frame({"action": "endorse", "item": "n1", "on": "false"}, []) == {
        "op": "endorse",
        "id": "n1",
        "on": False,
    }
