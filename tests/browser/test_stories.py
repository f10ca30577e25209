"""Contribution stories in the browser (P52): a participant writes a story along a pathway from the Stories
panel; another participant, on a phone, sees it, opens it and sees its pathway lit on the board; the story is
edited, marked broken when its pathway breaks (on the board and in the list view), and deleted — on a
1920×1080 projector and a 390×844 phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_accessibility import describe, scan
from tests.browser.test_board_in_browser import SETTLE, join, note, start_workshop
from tests.browser.test_pathway_votes import MAP, PHONE, lit
from tests.support.server import ServerProcess

LONG = "Train officials → Policy brief → Ministers cite our evidence"


@pytest.mark.rule("P52")
async def test_a_story_written_on_a_pathway_reaches_another_participant_and_lights_its_pathway(
    browser: Any, server: ServerProcess
) -> None:
    fac, _, join_url = await start_workshop(browser, server, "Contribution stories")
    await fac.evaluate(MAP)
    await expect(fac.locator(".link")).to_have_count(4, timeout=SETTLE)
    ana = await join(browser, join_url, "Ana", viewport={"width": 1920, "height": 1080})
    ben = await join(browser, join_url, "Ben", **PHONE)

    # Ana writes a story: the impact, then one of the pathways into it (lit on the board as she picks), then the story.
    panel = ana.locator("[data-stories]")
    await expect(panel.locator("[data-stories-empty]")).to_be_visible(timeout=SETTLE)
    await panel.get_by_role("button", name="Write a story").click()
    await expect(ana.locator("#story-impact")).to_be_focused()
    await ana.select_option("#story-impact", label="Ministers cite our evidence")
    await ana.select_option("#story-pathway", label=LONG)
    await expect(ana.locator(".note.story-pathway")).to_have_count(3)
    await ana.fill("#story-title", "Ministers cite the brief")
    await ana.fill("#story-what_changed", "Two ministries cite the brief in their papers")
    await ana.fill("#story-for_whom", "Policy officials")
    await ana.fill("#story-evidence", "Interviews with six officials")
    await ana.screenshot(path=str(SCREENSHOTS / "story-form-1920.png"))
    assert not (found := await scan(ana)), describe(found)
    await ana.get_by_role("button", name="Save the story").click()
    await expect(panel.locator(".story-title")).to_have_text(["Ministers cite the brief"], timeout=SETTLE)
    await expect(ana.locator(".note.story-pathway")).to_have_count(3)
    assert await lit(ana, "story-pathway") == (["act00001", "imp00001", "out00001"], 2)
    await expect(note(ana, "Schools change practice")).to_have_css("opacity", "0.35")
    await ana.screenshot(path=str(SCREENSHOTS / "story-lit-1920.png"))

    # Ben, on a phone: the story is in the menu; choosing it closes the menu and lights its pathway.
    await ben.get_by_role("button", name="Menu").click()
    story = ben.locator("[data-stories] .story-title", has_text="Ministers cite the brief")
    await expect(story).to_be_visible(timeout=SETTLE)
    await expect(ben.locator("[data-stories] .story-path")).to_have_text(LONG)
    await ben.screenshot(path=str(SCREENSHOTS / "story-list-phone-390.png"))
    assert not (found := await scan(ben)), describe(found)
    await story.click()
    await expect(ben.locator(".note.story-pathway")).to_have_count(3)
    assert await lit(ben, "story-pathway") == (["act00001", "imp00001", "out00001"], 2)
    await ben.screenshot(path=str(SCREENSHOTS / "story-lit-phone-390.png"))

    # Ben edits it with the keyboard; Ana sees the change.
    await ben.get_by_role("button", name="Menu").click()
    await ben.get_by_role("button", name="Edit the story Ministers cite the brief").click()
    await expect(ben.locator("#story-pathway")).to_have_value("act00001>out00001>imp00001")
    await ben.fill("#story-how_it_contributed", "Officials reached for the brief when drafting")
    await ben.screenshot(path=str(SCREENSHOTS / "story-form-phone-390.png"))
    await ben.locator("#story-evidence").press("Tab")
    await expect(ben.get_by_role("button", name="Save the story")).to_be_focused()
    await ben.keyboard.press("Enter")
    await expect(panel.locator(".story-details")).to_contain_text("Officials reached for the brief", timeout=SETTLE)

    # The pathway breaks: the story stays, marked broken, for everyone.
    await fac.evaluate("() => window.pathweaver.send('link.delete', {id: 'lnk00002'})")
    for page in (ana, ben):
        await expect(page.locator("[data-stories] .story-broken")).to_have_text("pathway broken", timeout=SETTLE)

    # The list view shows the stories too, read-only, under their own heading.
    listing = await ana.context.new_page()
    await listing.goto(ana.url.split("?")[0].split("#")[0].rstrip("/") + "/list")
    stories_section = listing.get_by_role("region", name="Contribution stories")
    await expect(stories_section.get_by_role("heading", name="Ministers cite the brief")).to_be_visible(timeout=SETTLE)
    await expect(stories_section.locator(".story-broken")).to_have_text("pathway broken")
    await expect(stories_section).to_contain_text("Officials reached for the brief when drafting")
    await listing.screenshot(path=str(SCREENSHOTS / "story-list-view-1920.png"), full_page=True)

    ana.once("dialog", lambda dialog: dialog.accept())
    await panel.get_by_role("button", name="Delete the story Ministers cite the brief").click()
    for page in (ana, ben):
        await expect(page.locator("[data-stories] .story-title")).to_have_count(0, timeout=SETTLE)
    await expect(ana.locator(".note.story-pathway")).to_have_count(0)
    await expect(stories_section).to_be_hidden(timeout=SETTLE)
