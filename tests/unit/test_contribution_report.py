"""The contribution report says, for each impact, how strong its pathways are and what they rest on: mechanisms,
evidence and sources, assumptions, indicators, alternative explanations and contested links."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from server import export
from tests.support.maps import MapBuilder, evidence_map, sample_map
from tests.unit.test_report import list_problems


def section(text: str, heading: str, end: str) -> str:
    return text.split(heading, 1)[1].split(end, 1)[0]


def test_the_markdown_report_gives_each_pathway_its_strength_and_what_it_rests_on() -> None:
    md = export.export(evidence_map(), "report-md", 0).decode()
    part = section(md, "## Contribution to each impact", "## Contribution stories")
    assert "### السياسات تستخدم الأدلة 📚" in part
    briefing = part.split('"Briefings for officials" → "官员更早询问证据" → "السياسات تستخدم الأدلة 📚"', 1)[1]
    assert briefing.split("\n\n")[1].strip() == (
        "Strength: evidence weak, confidence 2.5 of 5 at the lowest. "
        'Weakest: "官员更早询问证据" → "السياسات تستخدم الأدلة 📚".'
    )
    assert 'Rests on: "Officials stay in post"; the assumption that "官员更早询问证据" leads to' in briefing
    # Weakest first: the pathway with an ungraded link comes before the weak one.
    assert part.index("evidence ungraded") < part.index("evidence weak")


def test_the_markdown_report_lists_mechanisms_sources_indicators_other_factors_and_contested_links() -> None:
    md = export.export(evidence_map(), "report-md", 0).decode()
    part = section(md, "## Contribution to each impact", "## Contribution stories")
    assert "  - Mechanism: Briefs answer the questions officials have 🙂" in part
    assert "stakeholder testimony, published research; confidence 2.5 of 5 from 2 people (1 to 4)" in part
    assert "  - Source: [Review](<https://doi.org/10.1234/abcd.5>)" in part
    assert "  - Assumes: Officials stay in post" in part
    assert "- 官员更早询问证据: Requests a month; baseline 2; target =10; data from Helpdesk log" in part
    assert section(part, "#### Alternative explanations", "####").strip() == "- A new minister who likes data"
    assert part.split("#### Contested links", 1)[1].strip() == (
        '- "Briefings for officials" → "官员更早询问证据": confidence from 1 to 4'
    )
    assert section(md, "## Contribution stories", "## Gaps").strip() == "None written yet."


def test_a_map_without_evidence_says_its_links_are_ungraded_and_unrated() -> None:
    md = export.export(sample_map(), "report-md", 0).decode()
    assert "Strength: evidence ungraded, confidence not rated. Weakest: all its links alike." in md


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs)["href"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_html_report_says_the_same_in_valid_lists_and_links_each_doi() -> None:
    html = export.export(evidence_map(), "report-html", 0).decode()
    assert list_problems(html) == []
    page = Text()
    page.feed(html)
    text = "".join(page.text)
    assert page.links == ["https://doi.org/10.1234/abcd.5", "https://example.org/x"]
    for expected in [
        "Contribution to each impact",
        "Briefs answer the questions officials have 🙂",
        "⚖ contested",
        "A new minister who likes data",
        "Policies citing evidence 📄",
        "Contribution stories",
    ]:
        assert expected in text


def test_a_doi_with_brackets_stays_one_markdown_link() -> None:
    m = MapBuilder()
    m.note("act00001", "activity", "Act")
    m.note("imp00001", "impact", "Impact")
    m.link("lnk00001", "act00001", "imp00001")
    m.do(op="link.evidence", id="lnk00001", sources=[{"doi": "10.1002/(SICI)1097<x>]", "title": "Old [paper]"}])
    md = export.export(m.snapshot(), "report-md", 0).decode()
    assert "  - Source: [Old \\[paper\\]](<https://doi.org/10.1002/(SICI)1097%3Cx%3E]>)" in md


@pytest.mark.rule("P52")
def test_contribution_stories_are_told_in_the_report_and_the_word_document() -> None:
    """Each story the group wrote (P52): its title, the pathway it follows, its parts and the other factors."""
    import io

    import docx

    m = MapBuilder()
    m.note("act00001", "activity", "Briefings for officials")
    m.note("imp00001", "impact", "السياسات تستخدم الأدلة 📚")
    m.note("asm00001", "assumption", "A new minister who likes data")
    m.link("lnk00001", "act00001", "imp00001")
    m.do(
        op="story.add",
        id="story001",
        title="How briefings reached the ministry 政策",
        pathway="act00001>imp00001",
        what_changed="Officials asked for evidence before drafting",
        how_it_contributed="Our briefs arrived as they drafted",
        other_factors=["asm00001"],
    )
    m.do(op="link.delete", id="lnk00001")  # broken since: the story stays, and the report says so
    md = export.export(m.snapshot(), "report-md", 0).decode()
    part = section(md, "## Contribution stories", "## Gaps")
    assert "### How briefings reached the ministry 政策" in part
    assert 'Along the pathway: "Briefings for officials" → "السياسات تستخدم الأدلة 📚" (a step of it' in part
    assert "**What changed:** Officials asked for evidence before drafting" in part
    assert "**For whom:**" not in part  # a part not told is left out
    assert '**Other factors that may explain it:** "A new minister who likes data".' in part
    html = export.export(m.snapshot(), "report-html", 0).decode()
    assert "<dt>How it contributed</dt><dd>Our briefs arrived as they drafted</dd>" in html
    word = docx.Document(io.BytesIO(export.export(m.snapshot(), "report-docx", 0)))
    texts = [p.text for p in word.paragraphs]
    assert "How briefings reached the ministry 政策" in texts
    assert "What changed: Officials asked for evidence before drafting" in texts
