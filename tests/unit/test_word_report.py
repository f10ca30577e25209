"""The contribution report as a Word document reads back in python-docx, an independent reader: headings,
tables and links, with Arabic, Chinese and emoji text intact."""

from __future__ import annotations

import io

import docx

from server import export
from tests.support.maps import awkward_map, evidence_map


def read(snapshot: dict) -> docx.document.Document:  # type: ignore[name-defined]
    return docx.Document(io.BytesIO(export.export(snapshot, "report-docx", 0)))


def test_the_word_report_has_the_contribution_of_each_impact_under_headings() -> None:
    document = read(evidence_map())
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:3] == [
        ("Title", "Contribution: evidence into policy 📚"),
        ("Heading 1", "Contribution to each impact"),
        ("Heading 2", "السياسات تستخدم الأدلة 📚"),
    ]
    assert ("Heading 4", '1. =HYPERLINK("http://x") → 官员更早询问证据 → السياسات تستخدم الأدلة 📚') in headings
    for heading in ["Mechanisms and evidence", "Sources", "Indicators", "Alternative explanations", "Contested links"]:
        assert ("Heading 3", heading) in headings
    assert ("Heading 1", "Contribution stories") in headings
    text = [p.text for p in document.paragraphs]
    assert (
        "Strength: evidence weak, confidence 2.5 of 5 at the lowest. "
        "Weakest: 官员更早询问证据 → السياسات تستخدم الأدلة 📚." in text
    )
    assert "A new minister who likes data" in text


def test_the_word_report_tables_hold_mechanisms_evidence_and_indicators() -> None:
    evidence, indicators = read(evidence_map()).tables
    rows = [[c.text for c in row.cells] for row in evidence.rows]
    assert rows[0] == ["Link", "Mechanism", "Evidence", "Assumptions"]
    assert [
        "Briefings for officials → 官员更早询问证据",
        "Briefs answer the questions officials have 🙂",
        "moderate; stakeholder testimony; published research; confidence 2.5 of 5 from 2 people (1 to 4); ⚖ contested",
        "Officials stay in post",
    ] in rows
    assert ["官员更早询问证据 → السياسات تستخدم الأدلة 📚", "وزراء يقرأون"] == [
        r for r in rows if r[1] == "وزراء يقرأون"
    ][0][:2]
    assert [[c.text for c in row.cells] for row in indicators.rows][1:] == [
        ["官员更早询问证据", "Requests a month", "2", "=10", "Helpdesk log"],
        ["官员更早询问证据", "请求数", "-", "+5", "@helpdesk"],
        ["السياسات تستخدم الأدلة 📚", "Policies citing evidence 📄", "", "", ""],
    ]


def test_each_doi_is_a_link_to_doi_org() -> None:
    document = read(evidence_map())
    targets = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert targets == ["https://doi.org/10.1234/abcd.5", "https://example.org/x"]


def test_awkward_text_survives_the_word_report() -> None:
    text = "\n".join(p.text for p in read(awkward_map()).paragraphs)
    assert "تحسين السياسات القائمة على الأدلة" in text
    assert "Policy brief 📄 — 'plain' English" in text
