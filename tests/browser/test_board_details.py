"""Small things on the board that must follow what happens without a reload: exports the facilitator shares, a
renamed workshop's tab title, and a note's kind selector once its editing ends."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, start_workshop
from tests.support.server import ServerProcess


async def test_export_links_appear_for_participants_as_soon_as_the_facilitator_shares_them(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Shared exports")
    ana = await join(browser, join_url, "Ana")
    exports = ana.locator(f"a[href^='/api/workshops/{workshop_id}/export/']")
    await expect(exports.first).to_be_hidden()
    await fac.locator("[data-action=share-exports]").check()
    await expect(exports.first).to_be_visible(timeout=SETTLE)
    assert await exports.count() >= 5
    async with ana.expect_download() as download:
        await ana.locator("a", has_text="Pathweaver JSON").first.click()
    assert (await download.value).suggested_filename.endswith(".json")
    await fac.locator("[data-action=share-exports]").uncheck()
    await expect(exports.first).to_be_hidden(timeout=SETTLE)


async def test_the_tab_title_follows_a_rename(browser: Any, server: ServerProcess) -> None:
    fac, _, join_url = await start_workshop(browser, server, "Before")
    ana = await join(browser, join_url, "Ana")
    await expect(ana).to_have_title("Before — Pathweaver")
    await fac.fill("#rename-title", "After the rename")
    await fac.click("form[data-rename] button[type=submit]")
    await expect(ana).to_have_title("After the rename — Pathweaver", timeout=SETTLE)
    await expect(fac).to_have_title("After the rename — Pathweaver")


async def test_the_kind_selector_goes_when_editing_ends(browser: Any, server: ServerProcess) -> None:
    fac, _, _ = await start_workshop(browser, server, "Kinds")
    await add_note(fac, "An idea")
    await expect(note(fac, "An idea")).to_be_focused()
    idea = fac.locator(f".note[data-id='{await note(fac, 'An idea').get_attribute('data-id')}']")  # text or not
    await expect(idea.locator(".note-kind")).to_have_text("Impact")
    # edited and saved with the kind unchanged
    await fac.keyboard.press("Enter")
    await expect(idea.locator(".note-kind-select")).to_be_visible()
    await fac.keyboard.type(", refined")
    await fac.keyboard.press("Enter")
    refined = idea
    await expect(note(fac, "An idea, refined")).to_be_focused()
    await expect(refined.locator(".note-kind-select")).to_have_count(0)
    await expect(refined.locator(".note-kind")).to_have_text("Impact")
    # edited and cancelled
    await fac.keyboard.press("Enter")
    await expect(refined.locator(".note-kind-select")).to_be_visible()
    await fac.keyboard.press("Escape")
    await expect(refined.locator(".note-kind-select")).to_have_count(0)
    await expect(refined.locator(".note-kind")).to_have_text("Impact")
    # edited with another kind chosen: the new kind's name shows
    await fac.keyboard.press("Enter")
    await refined.locator(".note-kind-select").select_option("outcome")
    await refined.locator(".note-kind-select").press("Enter")
    await expect(refined.locator(".note-kind-select")).to_have_count(0)
    await expect(refined.locator(".note-kind")).to_have_text("Outcome")
