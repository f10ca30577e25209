"""A new note lands in view of the person who made it, and never on top of another note."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from tests.browser.test_board_in_browser import SETTLE
from tests.browser.test_tidy import NOTES_ON_SCREEN, import_sample
from tests.support.maps import sample_map
from tests.support.server import ServerProcess

LARGEST = (240, 150)  # a note's size with the most text it shows


def clear_of_each_other(notes: list[dict[str, Any]]) -> None:
    for i, a in enumerate(notes):
        for b in notes[i + 1 :]:
            apart = a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
            assert apart or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"], f"{a} overlaps {b}"


async def in_view(page: Page, text: str) -> None:
    found = await page.locator(".note", has_text=text).bounding_box()
    canvas = await page.locator("[data-canvas]").bounding_box()
    assert found is not None and canvas is not None
    assert canvas["x"] <= found["x"] and found["x"] + found["width"] <= canvas["x"] + canvas["width"]
    assert canvas["y"] <= found["y"] and found["y"] + found["height"] <= canvas["y"] + canvas["height"]


async def test_new_notes_land_in_view_and_never_on_another_note(
    browser: Any, server: ServerProcess, tmp_path: Any
) -> None:
    page, _ = await import_sample(browser, server, tmp_path)
    await page.click("[data-action=fit]")
    count = len(sample_map()["notes"])
    # Double-click just beside a note: a note centred there would cover half of it.
    beside = await page.locator(".note", has_text="Officials trained (120 a year)").bounding_box()
    assert beside is not None
    await page.mouse.dblclick(beside["x"] + beside["width"] + 12, beside["y"] + beside["height"] / 2)
    await page.keyboard.type("Placed beside, not on top, with a long text that makes the note grow wide")
    await page.keyboard.press("Enter")
    await expect(page.locator(".note")).to_have_count(count + 1, timeout=SETTLE)
    # And N, over and over, on a board already full in the middle of the screen.
    for i in range(6):
        await page.evaluate("document.activeElement && document.activeElement.blur()")
        await page.keyboard.press("n")
        await page.keyboard.type(f"Added with N, number {i}")
        await page.keyboard.press("Enter")
        await expect(page.locator(".note")).to_have_count(count + 2 + i, timeout=SETTLE)
        await in_view(page, f"Added with N, number {i}")
    await in_view(page, "Placed beside, not on top")
    clear_of_each_other(await page.evaluate(NOTES_ON_SCREEN))
