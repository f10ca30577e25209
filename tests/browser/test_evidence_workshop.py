"""The evidence half of a workshop, end to end in the browser: a facilitator on a 1920×1080 projector, a funder on
a laptop and a practitioner on a 390×844 phone. The facilitator names the stakeholder groups; each person picks
theirs on joining; the group gives a link its mechanism, support, a DOI and a grade, and rates it so differently
that every board marks it contested; an assumption is attached; an outcome gets an indicator; the checks are
shown to everyone and one of them takes the phone to its note; a story is written along the weakest pathway;
and the facilitator downloads the contribution report (Word and printable page) and the M&E framework (Excel),
whose every cell and paragraph is checked for what was typed in the browser. Screenshots of the projector and
the phone go to artifacts/screenshots/evidence-workshop-*.png."""

from __future__ import annotations

import io
from typing import Any

import lxml.html
import openpyxl
import pytest
from docx import Document
from playwright.async_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, note
from tests.browser.test_perspectives import join_as
from tests.support.server import ServerProcess
from tests.support.touch import Fingers

HD = {"width": 1920, "height": 1080}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DOI = "10.1234/briefings.2024"
MECHANISM = "Briefs reach officials while they draft"
WEAKEST = "Train officials → Policy brief → Officials use evidence → Ministers cite our evidence"

# The map the workshop starts from: two pathways into one impact, and an assumption not yet attached. The links
# but one are graded already, so the grade the group gives "Policy brief → Officials use evidence" decides which
# pathway is the weakest.
MAP = """() => {
  const send = (op, fields) => window.pathweaver.send(op, fields);
  send("note.add", {id: "act00001", kind: "activity", text: "Train officials", x: 0, y: 0});
  send("note.add", {id: "act00002", kind: "activity", text: "Coach head teachers", x: 0, y: 320});
  send("note.add", {id: "out00001", kind: "output", text: "Policy brief", x: 340, y: 0});
  send("note.add", {id: "out00002", kind: "output", text: "Coaching sessions", x: 340, y: 320});
  send("note.add", {id: "oc000001", kind: "outcome", text: "Officials use evidence", x: 680, y: 160});
  send("note.add", {id: "imp00001", kind: "impact", text: "Ministers cite our evidence", x: 1020, y: 160});
  send("note.add", {id: "asm00001", kind: "assumption", text: "Officials have time to read", x: 680, y: 440});
  send("link.add", {id: "lnk00001", source: "act00001", target: "out00001", label: "produces"});
  send("link.add", {id: "lnk00002", source: "out00001", target: "oc000001", label: "informs"});
  send("link.add", {id: "lnk00003", source: "oc000001", target: "imp00001", label: "shapes"});
  send("link.add", {id: "lnk00004", source: "act00002", target: "out00002", label: "runs"});
  send("link.add", {id: "lnk00005", source: "out00002", target: "oc000001", label: "shows"});
  for (const id of ["lnk00001", "lnk00003"]) send("link.evidence", {id, strength: "strong"});
  for (const id of ["lnk00004", "lnk00005"]) send("link.evidence", {id, strength: "moderate"});
}"""

# Whether a note can be seen: what is drawn at its middle is the note itself, not a panel over it.
UNCOVERED = """id => {
  const box = document.querySelector(`.note[data-id="${id}"]`).getBoundingClientRect();
  const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return Boolean(top?.closest(`[data-id="${id}"]`));
}"""


async def download(page: Page, title: str) -> bytes:
    """Click an export's link as a person does and read the file the browser saved."""
    async with page.expect_download() as info:
        await page.get_by_role("link", name=title, exact=True).click()
    saved = await (await info.value).path()
    return saved.read_bytes()


async def tether_meets_its_link(page: Page, note_id: str) -> bool:
    """Whether the tether starts on the assumption note's border and ends at the middle of its link's curve."""
    return bool(
        await page.evaluate(
            """(noteId) => {
              const tether = document.querySelector(`.tether[data-note="${noteId}"]`);
              const line = document.querySelector(`.link[data-id="${tether.dataset.link}"] .link-line`);
              const middle = line.getPointAtLength(line.getTotalLength() / 2);
              const end = tether.getPointAtLength(tether.getTotalLength());
              const start = tether.getPointAtLength(0);
              const note = document.querySelector(`.note[data-id="${noteId}"]`).getBoundingClientRect();
              const m = tether.getScreenCTM(), s = new DOMPoint(start.x, start.y).matrixTransform(m);
              const onBorder = s.x >= note.left - 1 && s.x <= note.right + 1 && s.y >= note.top - 1
                && s.y <= note.bottom + 1;
              return Math.hypot(end.x - middle.x, end.y - middle.y) < 2 && onBorder;
            }""",
            note_id,
        )
    )


async def tap_link_label(phone: Page, label: str) -> None:
    """On a phone a link's label is a few pixels tall at the fit: spread two fingers over it, then tap it."""
    found = await phone.locator(".link-label", has_text=label).bounding_box()
    assert found is not None
    await Fingers(phone).pinch((found["x"] + found["width"] / 2, found["y"] + found["height"] / 2), 60, 240)
    await phone.locator(".link-label", has_text=label).tap()


@pytest.mark.rule("P46", "P47", "P49", "P51", "P52")
async def test_a_group_weighs_its_links_and_hands_the_report_and_the_framework_on(
    browser: Any, server: ServerProcess
) -> None:
    fac = await (await browser.new_context(viewport=HD)).new_page()
    await fac.goto(server.url)
    await fac.fill("#title", "How our evidence reaches policy")
    await fac.click("text=Create workshop")
    await expect(fac.locator(".connection.live")).to_be_visible()
    join_url = await fac.input_value("[data-join-url]")
    await fac.evaluate(MAP)
    await expect(fac.locator(".link:not(.pending)")).to_have_count(5, timeout=SETTLE)

    # The facilitator names the groups; each participant picks theirs on the join page.
    await fac.click(".groups-setup summary")
    await fac.fill("[data-groups-text]", "Funders\nPractitioners")
    await fac.click("[data-action=groups-save]")
    await expect(fac.locator("[data-view-by-group] option")).to_have_count(3, timeout=SETTLE)
    ana = await join_as(browser, join_url, "Ana", "Funders")
    ben = await join_as(browser, join_url, "Ben", "Practitioners", **PHONE)

    # Ana gives "Policy brief → Officials use evidence" its mechanism, support, a DOI and a grade.
    await ana.locator(".link-label", has_text="informs").click()
    await expect(ana.locator("[data-link-panel]")).to_be_visible()
    await ana.fill("#link-mechanism", MECHANISM)
    await ana.check("[name='support:research']")
    await ana.check("[name='support:testimony']")
    await ana.select_option("#link-strength", "weak")
    await ana.fill("#source-ref", DOI)
    await ana.fill("#source-title", "Trial of policy briefings")
    await ana.click("[data-action=source-add]")
    await ana.click("[data-action=evidence-save]")
    await fac.locator(".link-label", has_text="informs").click()
    await expect(fac.locator("#link-mechanism")).to_have_value(MECHANISM, timeout=SETTLE)
    await expect(fac.locator(".source-list a")).to_have_attribute("href", f"https://doi.org/{DOI}")

    # Ana is sure of it, Ben on his phone hardly: the link is contested on every board.
    await ana.click("[data-confidence='5']")
    await tap_link_label(ben, "informs")
    await expect(ben.locator("[data-link-panel]")).to_be_visible()
    await ben.get_by_text("How does this lead to that?").tap()  # folded on a phone, under the link's name
    await ben.locator("[data-confidence='2']").tap()
    for page in (fac, ana, ben):
        await expect(page.locator(".link.contested")).to_have_count(1, timeout=SETTLE)
        await expect(page.locator(".link-label", has_text="informs")).to_have_text("⚖ informs")
    await expect(fac.locator("[data-confidence-spread]")).to_contain_text("from 2 to 5", timeout=SETTLE)

    # The facilitator attaches the assumption the link rests on; Ana adds an indicator to the outcome by keyboard.
    await fac.select_option("#assumption-pick", "asm00001")
    await fac.click("[data-action=assumption-attach]")
    await expect(ana.locator(".assumption-list li")).to_contain_text("Officials have time to read", timeout=SETTLE)
    # On every board the assumption is tied to the middle of its link, not left floating.
    for page in (fac, ana, ben):
        tether = page.locator(".tether[data-note=asm00001]")
        await expect(tether).to_have_count(1, timeout=SETTLE)
        assert await tether_meets_its_link(page, "asm00001")
    await note(ana, "Officials use evidence").focus()
    await ana.keyboard.press("i")
    await expect(ana.locator("[data-note-panel]")).to_be_visible()
    await ana.select_option("#note-change", "behaviour")
    await ana.click("[data-action=indicator-add]")
    await ana.keyboard.type("Briefs cited in policy papers")
    await ana.fill("#indicator-0-baseline", "2 a year")
    await ana.fill("#indicator-0-target", "10 a year")
    await ana.fill("#indicator-0-source", "Parliamentary record")
    await ana.locator("[data-note-panel] button[type=submit]").click()
    await ana.keyboard.press("Escape")

    # The checks, shown to everyone: they follow what the group did, and one takes Ben's phone to its note.
    await fac.locator("[data-checks] summary").click()
    await fac.check("[data-action=checks-for-everyone]")
    checks = fac.locator("[data-checks-list]")
    await expect(checks).to_contain_text("Impact “Ministers cite our evidence” has no indicator", timeout=SETTLE)
    await expect(checks).not_to_contain_text("Outcome “Officials use evidence” has no indicator", timeout=SETTLE)
    await expect(checks).not_to_contain_text("attached to no link")
    await ben.get_by_role("button", name="Menu").tap()
    await ben.locator("[data-checks] summary").tap()
    finding = ben.locator("[data-checks-list] button", has_text="Impact “Ministers cite our evidence” has no")
    await finding.tap()
    await expect(note(ben, "Ministers cite our evidence")).to_be_focused()
    await expect(ben.locator("[data-drawer-toggle]")).to_have_attribute("aria-expanded", "false")
    await expect(note(ben, "Ministers cite our evidence")).to_be_in_viewport()
    await expect(ben.locator("[data-link-panel]")).to_be_hidden()  # the link chosen before no longer covers it
    assert await ben.evaluate(UNCOVERED, "imp00001")

    # The divergence view names the groups' means; Ana writes a story along the weakest pathway.
    await fac.check("[data-divergence]")
    await expect(fac.locator("[data-divergence-list] li")).to_contain_text(
        "Practitioners 2.0 · Funders 5.0", timeout=SETTLE
    )
    stories = ana.locator("[data-stories]")
    await stories.get_by_role("button", name="Write a story").click()
    await ana.select_option("#story-impact", label="Ministers cite our evidence")
    await ana.select_option("#story-pathway", label=WEAKEST)
    await ana.fill("#story-title", "The brief reached the minister")
    await ana.fill("#story-what_changed", "Two ministries cite the brief in their papers")
    await ana.fill("#story-evidence", "Interviews with six officials")
    await ana.get_by_role("button", name="Save the story").click()
    await expect(fac.locator("[data-stories] .story-title")).to_have_text(
        ["The brief reached the minister"], timeout=SETTLE
    )
    for page in (fac, ana, ben):
        await expect(page.locator("[data-pending]")).to_have_text("", timeout=SETTLE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await fac.screenshot(path=str(SCREENSHOTS / "evidence-workshop-projector-1920.png"))
    await ben.screenshot(path=str(SCREENSHOTS / "evidence-workshop-phone-390.png"))

    # The contribution report in Word: the weakest pathway first, the mechanism in its link's row, the DOI a
    # link, the confidence's mean and spread, the indicator with its baseline and target, and the story.
    word = Document(io.BytesIO(await download(fac, "Contribution report (Word)")))
    paragraphs = [p.text for p in word.paragraphs]
    pathways = [t for t in paragraphs if t.startswith(("1. ", "2. "))]
    assert pathways == [
        f"1. {WEAKEST}",
        "2. Coach head teachers → Coaching sessions → Officials use evidence → Ministers cite our evidence",
    ], pathways
    strength = paragraphs[paragraphs.index(f"1. {WEAKEST}") + 1]
    assert strength.startswith("Strength: evidence weak, confidence 3.5 of 5 at the lowest"), strength
    assert strength.endswith("Weakest: Policy brief → Officials use evidence."), strength
    rows = {r.cells[0].text: [c.text for c in r.cells] for t in word.tables for r in t.rows}
    link_row = rows["Policy brief → Officials use evidence"]
    assert link_row[1] == MECHANISM
    assert link_row[2] == (
        "weak; stakeholder testimony; published research; confidence 3.5 of 5 from 2 people (2 to 5); ⚖ contested"
    ), link_row[2]
    assert link_row[3] == "Officials have time to read"
    assert rows["Officials use evidence"][1:4] == ["Briefs cited in policy papers", "2 a year", "10 a year"]
    cited = next(p for p in word.paragraphs if p.text.startswith("Policy brief → Officials use evidence: "))
    assert [(h.text, h.address) for h in cited.hyperlinks] == [("Trial of policy briefings", f"https://doi.org/{DOI}")]
    story = paragraphs.index("The brief reached the minister")
    assert paragraphs[story + 1] == f"Along the pathway: {WEAKEST}"
    assert "What changed: Two ministries cite the brief in their papers" in paragraphs[story + 2 : story + 6]
    assert "Policy brief → Officials use evidence: confidence from 2 to 5" in paragraphs

    # The printable report says the same: the link's own item holds its mechanism, evidence and the DOI as a link
    # a reader can follow; the weakest pathway comes first; the story is told.
    printable = lxml.html.fromstring(await download(fac, "Contribution report (printable page)"))
    item = next(li for li in printable.xpath("//ul[@class='evidence']/li") if li.text.startswith("Policy brief"))
    details = [li.text_content() for li in item.xpath("./ul/li")]
    assert details[0] == f"Mechanism: {MECHANISM}", details
    assert (
        details[1]
        == "Evidence: weak; stakeholder testimony, published research; confidence 3.5 of 5 from 2 people (2 to 5)"
    ), details
    assert item.xpath(".//a/@href") == [f"https://doi.org/{DOI}"] and "⚖ contested" in item.text_content()
    assert details[3] == "Assumes: Officials have time to read", details
    first = printable.xpath("//p[@class='strength']")[0].text_content()
    assert "evidence weak" in first and "Weakest: Policy brief → Officials use evidence." in first, first
    told = printable.xpath("//h3[.='The brief reached the minister']/following-sibling::dl[1]")[0].text_content()
    assert "Two ministries cite the brief in their papers" in told and "Interviews with six officials" in told

    # The M&E framework: the outcome's row holds its indicator, baseline and target, and the link into it
    # with its mechanism and its evidence.
    sheet = openpyxl.load_workbook(
        io.BytesIO(await download(fac, "M&E framework (Excel): indicators and the links into each outcome and impact"))
    )["M&E framework"]
    header = [c.value for c in sheet[1]]
    outcome = next(
        dict(zip(header, (c.value for c in r), strict=True))
        for r in sheet.iter_rows(min_row=2)
        if r[1].value == "Officials use evidence"
    )
    assert outcome["Kind of change"] == "behaviour"
    assert (outcome["Indicator"], outcome["Baseline"], outcome["Target"], outcome["Data source"]) == (
        "Briefs cited in policy papers",
        "2 a year",
        "10 a year",
        "Parliamentary record",
    )
    assert f"Policy brief: {MECHANISM}" in outcome["Mechanisms"]
    evidence = next(line for line in outcome["Evidence"].split("\n") if line.startswith("Policy brief:"))
    assert "grade: weak" in evidence and "confidence 3.5/5 from 2 (2–5)" in evidence and "contested" in evidence
    assert f"https://doi.org/{DOI}" in evidence
    assert "Policy brief: Officials have time to read" in outcome["Assumptions and risks"]
