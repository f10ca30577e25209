"""Tidy: the facilitator arranges the board by kind in one step (P35), and one Undo puts every note back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Page, expect

from server import export
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, server_map
from tests.browser.test_undo import saved
from tests.support.maps import sample_map
from tests.support.server import ServerProcess

ORDER = ["activity", "output", "outcome", "impact", "assumption"]

# Each note as the board has it: its kind, where the map puts it, and its size as drawn.
NOTES_ON_SCREEN = """() => [...document.querySelectorAll('.note[data-id]')].map((el) => {
  const n = window.pathweaver.view().notes.get(el.dataset.id);
  return { id: n.id, kind: n.kind, x: n.x, y: n.y, w: el.offsetWidth, h: el.offsetHeight };
})"""


async def positions(server: ServerProcess, page: Page, workshop_id: str) -> dict[str, tuple[float, float]]:
    await saved(page)
    return {n["id"]: (n["x"], n["y"]) for n in (await server_map(server, page, workshop_id))["notes"]}


async def import_sample(browser: Any, server: ServerProcess, tmp_path: Any) -> tuple[Page, str]:
    """The facilitator of a workshop imported from the sample map, on a 1080p screen; and its id."""
    page = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
    path = tmp_path / "sample.pathweaver.json"
    path.write_bytes(export.export(sample_map(), "json", 0))
    await page.goto(server.url)
    await page.set_input_files("#file", str(path))
    await page.click("text=Import as a new workshop")
    await expect(page.locator(".note")).to_have_count(len(sample_map()["notes"]))
    return page, page.url.rstrip("/").split("?")[0].split("/")[-1]


@pytest.mark.rule("P35")
async def test_arrange_by_kind_makes_columns_without_overlaps_and_one_undo_puts_it_back(
    browser: Any, server: ServerProcess, tmp_path: Any
) -> None:
    page, workshop_id = await import_sample(browser, server, tmp_path)
    before = await positions(server, page, workshop_id)

    await page.click("[data-action=tidy-by-kind]")
    await expect(page.locator("[data-action=undo]")).to_have_attribute(
        "aria-label", re.compile(r"Undo arranging \d+ notes")
    )
    arranged = await positions(server, page, workshop_id)
    assert arranged != before
    notes = await page.evaluate(NOTES_ON_SCREEN)
    assert {n["id"]: (n["x"], n["y"]) for n in notes} == arranged  # the board shows what the server has
    for i, a in enumerate(notes):
        for b in notes[i + 1 :]:
            apart = a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
            assert apart or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"], f"{a} overlaps {b}"
    used = [k for k in ORDER if any(n["kind"] == k for n in notes)]
    for left, right in zip(used, used[1:], strict=False):
        right_edge = max(n["x"] + n["w"] for n in notes if n["kind"] == left)
        assert right_edge < min(n["x"] for n in notes if n["kind"] == right), f"{left} is not left of {right}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "tidy-by-kind.png"))

    await page.click("[data-action=undo]")
    await expect(page.locator("[data-action=redo]")).to_be_enabled(timeout=SETTLE)
    assert await positions(server, page, workshop_id) == before


def by_text(notes: list[dict[str, Any]], text: str) -> dict[str, Any]:
    return next(n for n in notes if n["text"] == text)


@pytest.mark.rule("P35")
async def test_shift_clicked_notes_align_and_spread_and_each_tidy_is_one_undo(
    browser: Any, server: ServerProcess, tmp_path: Any
) -> None:
    page, workshop_id = await import_sample(browser, server, tmp_path)
    texts = [
        "Rapid evidence reviews for ministries",
        "Officials trained (120 a year)",
        "Trust between researchers and officials",
    ]
    for text in texts[:2]:
        await page.locator(".note", has_text=text).click(modifiers=["Shift"])
    await page.locator(".note", has_text=texts[2]).focus()
    await page.keyboard.press("Shift+Space")  # and without a mouse
    await expect(page.locator(".note.chosen")).to_have_count(3)
    await expect(page.locator("[data-chosen-count]")).to_have_text("3 selected")
    await page.screenshot(path=str(SCREENSHOTS / "tidy-tools.png"))
    before = await positions(server, page, workshop_id)

    await page.click("[data-tidy=top]")
    await expect(page.locator("[data-action=undo]")).to_have_attribute("aria-label", "Undo arranging 2 notes")
    after = await positions(server, page, workshop_id)
    ids = [by_text((await server_map(server, page, workshop_id))["notes"], t)["id"] for t in texts]
    assert {after[i][1] for i in ids} == {min(before[i][1] for i in ids)}
    assert all(after[i][0] == before[i][0] for i in ids)  # only the tops moved
    await page.click("[data-action=undo]")
    await expect(page.locator("[data-action=redo]")).to_be_enabled(timeout=SETTLE)
    assert await positions(server, page, workshop_id) == before

    await page.click("[data-tidy=down]")
    await expect(page.locator("[data-action=undo]")).to_have_attribute("aria-label", re.compile("Undo arranging"))
    await positions(server, page, workshop_id)
    notes = sorted((n for n in await page.evaluate(NOTES_ON_SCREEN) if n["id"] in ids), key=lambda n: n["y"])
    gaps = [b["y"] - (a["y"] + a["h"]) for a, b in zip(notes, notes[1:], strict=False)]
    assert abs(gaps[0] - gaps[1]) <= 1, f"uneven gaps {gaps}"
    assert (notes[0]["y"], notes[-1]["y"]) == (min(before[i][1] for i in ids), max(before[i][1] for i in ids))
    await page.click("[data-action=undo]")
    await expect(page.locator("[data-action=redo]")).to_be_enabled(timeout=SETTLE)
    assert await positions(server, page, workshop_id) == before


async def test_with_snap_to_grid_a_dropped_note_lands_on_the_grid(
    browser: Any, server: ServerProcess, tmp_path: Any
) -> None:
    page, workshop_id = await import_sample(browser, server, tmp_path)
    await page.check("[data-snap]")
    found = await page.locator(".note", has_text="Standing evidence network").bounding_box()
    assert found is not None
    x, y = found["x"] + 60, found["y"] + 40
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(x + 37, y + 53, steps=6)
    await page.mouse.up()
    await expect(page.locator("[data-action=undo]")).to_be_enabled()
    await saved(page)
    stored = by_text((await server_map(server, page, workshop_id))["notes"], "Standing evidence network")
    assert (stored["x"] % 24, stored["y"] % 24) == (0, 0) and (stored["x"], stored["y"]) != (300, 440)
