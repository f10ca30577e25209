"""Starting a workshop from a method's template in the browser: the home page offers them; the board starts in
the template's first phase with its kinds; the facilitator can save the setup as a template file."""

from __future__ import annotations

import re
from typing import Any

import orjson
import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, start_workshop
from tests.support.server import ServerProcess


async def test_a_facilitator_starts_a_theory_of_change_workshop_from_its_template(
    browser: Any, server: ServerProcess
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(server.url)
    await expect(page.locator(".template-choice")).to_have_count(7)
    await page.screenshot(path=str(SCREENSHOTS / "home-templates-1280.png"), full_page=True)
    await page.fill("#title", "Our theory of change")
    await page.check("input[name=template][value=theory-of-change]")
    await page.click("text=Create workshop")
    await expect(page.locator(".connection.live")).to_be_visible()
    bar = page.locator("[data-phase-bar]")
    await expect(bar).to_contain_text("Phase 1 of 5")
    await expect(bar).to_contain_text("Name the impacts")
    await expect(page.locator("[data-question]")).to_contain_text("What impact do we seek")
    # the facilitator's phase bar (timer, reveal, back and next) leaves the prompt room to be read
    prompt = await page.locator("[data-phase-prompt]").bounding_box()
    assert prompt is not None and prompt["width"] > 250 and prompt["height"] < 80, prompt
    await page.screenshot(path=str(SCREENSHOTS / "template-board-1280.png"))
    options = await page.locator("[data-new-kind] option").all_inner_texts()
    assert options[:3] == ["Impact", "Long-term outcome", "Short-term outcome"] and "Precondition" in options
    await page.locator("details.plan summary").focus()
    await page.keyboard.press("Enter")
    async with page.expect_download() as download:
        await page.click("[data-save-template]")
    saved = orjson.loads((await (await download.value).path()).read_bytes())
    assert saved["format"] == "pathweaver-template" and len(saved["plan"]) == 5


@pytest.mark.rule("P45")
async def test_a_templates_lanes_are_on_the_board_and_new_notes_go_in_their_lane(
    browser: Any, server: ServerProcess
) -> None:
    context = await browser.new_context(viewport={"width": 1920, "height": 1080})
    page = await context.new_page()
    await page.goto(server.url)
    await page.fill("#title", "Lanes")
    await page.check("input[name=template][value=theory-of-change]")
    await page.click("text=Create workshop")
    await expect(page.locator(".connection.live")).to_be_visible()
    labels = page.locator(".lane-label")
    await expect(labels).to_have_text(["Activities", "Outputs", "Short-term outcomes", "Long-term outcomes", "Impacts"])
    for label in await labels.all():  # on an empty board, every lane's name is on screen, large enough to read
        box = await label.bounding_box()
        assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 1920 and 0 <= box["y"] < 1080, box
        assert box["height"] >= 24, box  # a line of type over 18 px on the screen
    lanes = {lane["label"]: lane for lane in await page.evaluate("() => window.pathweaver.map.lanes")}
    for kind, text, lane in (("output", "Policy briefs", "Outputs"), ("impact", "Ministers cite us", "Impacts")):
        await page.select_option("[data-new-kind]", kind)
        await page.locator("#board").focus()
        await add_note(page, text)
        await expect(note(page, text)).not_to_have_class(re.compile("pending"), timeout=SETTLE)
        x = await page.evaluate("t => [...window.pathweaver.map.notes.values()].find((n) => n.text === t)?.x", text)
        assert lanes[lane]["x"] <= x and x + 240 <= lanes[lane]["x"] + lanes[lane]["width"], (lane, x)
    await page.screenshot(path=str(SCREENSHOTS / "lanes-1920.png"))
    ana = await join(
        browser,
        await page.input_value("[data-join-url]"),
        "Ana",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    await expect(ana.locator(".lane-label")).to_have_count(5)
    await ana.screenshot(path=str(SCREENSHOTS / "lanes-390.png"))


@pytest.mark.rule("P45")
async def test_the_facilitator_sets_and_takes_away_lanes_on_every_board(browser: Any, server: ServerProcess) -> None:
    fac, _, join_url = await start_workshop(browser, server, "Lanes by hand")
    ana = await join(browser, join_url, "Ana")
    await fac.locator("details.lanes-setup summary").click()
    await fac.click("[data-action=lanes-by-kind]")  # the default palette: five kinds, five lanes
    rows = fac.locator(".lane-row")
    await expect(rows).to_have_count(5)
    await rows.nth(4).locator("[data-lane-action=remove]").click()  # not assumptions
    await rows.nth(0).locator("[data-lane-action=right]").click()  # Outcome first, then Impact
    await fac.click("[data-lanes-editor] button[type=submit]")
    await expect(ana.locator(".lane-label")).to_have_text(["Outcome", "Impact", "Output", "Activity"], timeout=SETTLE)
    await rows.nth(0).locator("[name='kind:impact']").check()  # Impact in two lanes: said, and not sent
    await fac.click("[data-lanes-editor] button[type=submit]")
    await expect(fac.locator("[data-toast]")).to_contain_text("Impact is in two lanes")
    await fac.click("[data-action=lanes-by-kind]")
    for _ in range(5):
        await rows.nth(0).locator("[data-lane-action=remove]").click()
    await fac.click("[data-lanes-editor] button[type=submit]")
    await expect(ana.locator(".lane-label")).to_have_count(0, timeout=SETTLE)
