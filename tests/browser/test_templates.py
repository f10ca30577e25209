"""Starting a workshop from a method's template in the browser: the home page offers them; the board starts in
the template's first phase with its kinds; the facilitator can save the setup as a template file."""

from __future__ import annotations

from typing import Any

import orjson
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
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
