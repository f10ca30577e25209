"""How strong each pathway is, in the browser (P54): the facilitator's Pathways panel lists each impact's
pathways weakest first, follows a grade given to the weakest link, and lights a chosen pathway on the board; a
participant on a phone sees the same once the checks are shown, and the list view lists them under headings."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_accessibility import describe, scan
from tests.browser.test_board_in_browser import SETTLE, join, start_workshop
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# Two pathways into one impact through a shared outcome. Briefings: strong, moderate (rated 3), strong (rated 4).
# Training: strong, weak (rated 2), strong: the weakest, until its weak link is graded strong.
MAP = """() => {
  const s = window.pathweaver;
  const notes = [
    ['act00001', 'activity', 'Monthly policy briefings', 0, 0],
    ['act00002', 'activity', 'Training for analysts', 0, 320],
    ['out00001', 'output', 'Briefings read by advisers', 340, 0],
    ['out00002', 'output', 'Analysts use the evidence toolkit', 340, 320],
    ['otc00001', 'outcome', 'Ministers ask for evidence', 680, 160],
    ['imp00001', 'impact', 'Policies cite research', 1020, 160],
    ['asm00001', 'assumption', 'Advisers have time to read', 340, -180],
  ];
  for (const [id, kind, text, x, y] of notes) s.send('note.add', {id, kind, text, x, y});
  const links = [['lnk00001', 'act00001', 'out00001', 'strong'], ['lnk00002', 'out00001', 'otc00001', 'moderate'],
    ['lnk00003', 'act00002', 'out00002', 'strong'], ['lnk00004', 'out00002', 'otc00001', 'weak'],
    ['lnk00005', 'otc00001', 'imp00001', 'strong']];
  for (const [id, source, target, strength] of links) {
    s.send('link.add', {id, source, target});
    s.send('link.evidence', {id, strength});
  }
  s.send('confidence.set', {id: 'lnk00002', value: 3});
  s.send('confidence.set', {id: 'lnk00004', value: 2});
  s.send('confidence.set', {id: 'lnk00005', value: 4});
  s.send('link.assumption', {id: 'lnk00002', note: 'asm00001'});
}"""
BRIEFINGS = (
    "Monthly policy briefings → Briefings read by advisers → Ministers ask for evidence → Policies cite research"
)
TRAINING = (
    "Training for analysts → Analysts use the evidence toolkit → Ministers ask for evidence → Policies cite research"
)


@pytest.mark.rule("P54")
async def test_the_pathways_panel_lists_the_weakest_first_follows_a_new_grade_and_lights_a_pathway(
    browser: Any, server: ServerProcess
) -> None:
    fac, _, _ = await start_workshop(browser, server, "Strength of our pathways")
    await fac.set_viewport_size({"width": 1920, "height": 1080})
    await fac.evaluate(MAP)
    await expect(fac.locator(".link")).to_have_count(5, timeout=SETTLE)
    await fac.locator("[data-pathway-strength] summary").click()
    pathways = fac.locator("[data-pathway-strength-list] li")
    await expect(pathways.first.locator("[data-key]")).to_have_text(TRAINING, timeout=SETTLE)
    await expect(pathways.first).to_contain_text("weak evidence · confidence 2 of 5 · 1 link unrated")
    await expect(pathways.nth(1).locator("[data-key]")).to_have_text(BRIEFINGS)
    await expect(pathways.nth(1)).to_contain_text("moderate evidence · confidence 3 of 5 · 1 link unrated")
    await expect(pathways.nth(1)).to_contain_text("assumes “Advisers have time to read”")
    await expect(fac.locator("[data-pathway-strength-count]")).to_have_text("(2)")
    assert not (found := await scan(fac)), describe(found)

    # The weakest link, chosen from the panel, gets its evidence: the order follows, live.
    await pathways.first.get_by_role("button", name="Choose the weakest link").click()
    await expect(fac.locator("[data-link-panel]")).to_be_visible()
    await fac.select_option("#link-strength", "strong")
    await fac.click("[data-action=evidence-save]")
    await expect(pathways.first.locator("[data-key]")).to_have_text(BRIEFINGS, timeout=SETTLE)
    await expect(pathways.nth(1)).to_contain_text("strong evidence · confidence 2 of 5")

    await pathways.first.locator("[data-key]").click()
    await expect(pathways.first.locator("[data-key]")).to_have_attribute("aria-pressed", "true")
    await expect(fac.locator(".note.strength-pathway")).to_have_count(4)
    await expect(fac.locator(".link.strength-pathway")).to_have_count(3)
    await expect(fac.locator("[data-world]")).to_have_class("world strength-lit")  # the rest steps back
    weakest = fac.locator(".link.strength-pathway.strength-weakest")  # moderate, 3: the briefings' middle link
    await expect(weakest).to_have_count(1)
    await fac.screenshot(path=str(SCREENSHOTS / "pathways-1920.png"))
    await fac.click("[data-action=present]")  # on the projector: the board fills the screen, the pathway still lit
    await expect(fac.locator(".sidebar")).to_be_hidden()
    await expect(fac.locator(".note.strength-pathway")).to_have_count(4)
    await fac.screenshot(path=str(SCREENSHOTS / "pathways-1920-presenting.png"))
    await fac.keyboard.press("Escape")
    await expect(fac.locator(".sidebar")).to_be_visible()
    await pathways.first.locator("[data-key]").click()  # chosen again: let go
    await expect(fac.locator(".note.strength-pathway")).to_have_count(0)


@pytest.mark.rule("P54")
async def test_a_participant_on_a_phone_sees_the_pathways_once_shown_also_in_the_list_view(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Strength on a phone")
    await fac.evaluate(MAP)
    phone = await join(browser, join_url, "Ana", **PHONE)
    await expect(phone.locator(".link")).to_have_count(5, timeout=SETTLE)
    await phone.click("[data-drawer-toggle]")
    await expect(phone.locator("[data-pathway-strength]")).to_be_hidden()
    await fac.locator("[data-checks] summary").click()  # the switch is the checks' own (P49)
    await fac.check("[data-action=checks-for-everyone]")
    panel = phone.locator("[data-pathway-strength]")
    await expect(panel).to_be_visible(timeout=SETTLE)
    await panel.locator("summary").click()
    first = phone.locator("[data-pathway-strength-list] li").first
    await expect(first.locator("[data-key]")).to_have_text(TRAINING, timeout=SETTLE)
    await first.scroll_into_view_if_needed()
    await phone.screenshot(path=str(SCREENSHOTS / "pathways-390-panel.png"))
    assert not (found := await scan(phone)), describe(found)  # on a touch phone: targets big enough
    await first.locator("[data-key]").click()
    await expect(phone.locator("[data-drawer-toggle]")).to_have_attribute("aria-expanded", "false")  # board shown
    await expect(phone.locator(".note.strength-pathway")).to_have_count(4)
    await phone.screenshot(path=str(SCREENSHOTS / "pathways-390-lit.png"))

    await phone.goto(f"{server.url}/w/{workshop_id}/list")
    section = phone.get_by_role("region", name="Pathways, weakest first")
    await expect(section.get_by_role("heading", level=3)).to_have_text(
        "Into “Policies cite research” (2)", timeout=SETTLE
    )
    weakest = section.get_by_role("heading", level=4).first
    await expect(weakest).to_have_text(TRAINING)
    await expect(section.locator("li").first).to_contain_text(
        "Weakest link: Analysts use the evidence toolkit → Ministers"
    )
    await phone.screenshot(path=str(SCREENSHOTS / "pathways-390-list.png"), full_page=True)
    assert not (found := await scan(phone)), describe(found)
    await fac.uncheck("[data-action=checks-for-everyone]")  # hidden again: the list view's list goes too
    await expect(phone.locator("[data-list-strength]")).to_be_hidden(timeout=SETTLE)
