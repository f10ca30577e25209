"""Running a workshop from the list view, as from the board: merging duplicates (P43), clusters (P44), dot votes
and the order by dots (P40), notes and dots for someone without a device (P42), and only what the phase allows
(P37, P38) — by keyboard, on a phone and on a projector-sized screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, join, server_map, start_workshop
from tests.browser.test_list_view import PHONE, add, apply, open_list, row
from tests.support.server import ServerProcess

PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}


async def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the keyboard focus."""
    for _ in range(limit):
        if await page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.rule("P43")
async def test_the_list_view_merges_ticked_duplicates_into_the_chosen_note_and_undoes_it_by_keyboard_alone(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Merge from the list")
    await apply(
        server,
        fac,
        workshop_id,
        add("cite0001", "impact", "Ministers cite us"),
        add("quote001", "impact", "Ministers quote our work", 240),
        add("policy01", "impact", "Policy changes", 480),
        {"op": "link.add", "id": "link0001", "source": "cite0001", "target": "policy01"},
    )
    ana = await join(browser, join_url, "Ana")
    await open_list(ana, server, workshop_id)
    bar = ana.locator("[data-selection]")
    await expect(bar).to_be_hidden()  # nothing ticked, nothing to do with a selection

    # Tick both duplicates with Space, choose the second as the one to keep, and merge — keys only.
    await tab_to(ana, "#row-cite0001 input[name=chosen]")
    await ana.keyboard.press("Space")
    await expect(bar).to_be_visible()
    await expect(bar.locator("[data-chosen-count]")).to_have_text("1 note selected")
    await expect(bar.get_by_role("button", name="Merge")).to_be_disabled()
    await tab_to(ana, "#row-quote001 input[name=chosen]")
    await ana.keyboard.press("Space")
    await expect(bar.locator("[data-chosen-count]")).to_have_text("2 notes selected")
    await tab_to(ana, "#merge-into")
    await expect(ana.locator("#merge-into option")).to_have_text(["Ministers cite us", "Ministers quote our work"])
    await ana.keyboard.press("ArrowDown")  # a closed select takes arrow keys as a choice
    await expect(ana.locator("#merge-into")).to_have_value("quote001")
    await ana.keyboard.press("Tab")
    await expect(bar.get_by_role("button", name="Merge")).to_be_focused()
    await ana.keyboard.press("Enter")

    kept = row(ana, "Ministers quote our work")
    await expect(row(ana, "Ministers cite us")).to_have_count(0, timeout=SETTLE)
    await expect(kept.locator(".note-row-meta")).to_have_text("by Facilitator · 1 duplicate merged in")
    await expect(kept.get_by_role("list", name="Leads to")).to_have_text("Policy changes")  # the link came along
    await expect(bar).to_be_hidden()
    undo = ana.locator("[data-notice-undo]")
    await expect(undo).to_be_focused()  # the keyboard is not left on a bar that went away
    await expect(ana.locator("[data-notice-text]")).to_have_text("Merged 1 note into “Ministers quote our work”.")
    stored = await server_map(server, fac, workshop_id)
    assert sorted(n["id"] for n in stored["notes"]) == ["policy01", "quote001"]
    assert [(lk["source"], lk["target"]) for lk in stored["links"]] == [("quote001", "policy01")]

    await ana.keyboard.press("Enter")  # Undo the merge
    await expect(row(ana, "Ministers cite us")).to_be_visible(timeout=SETTLE)
    await expect(row(ana, "Ministers quote our work").locator(".note-row-meta")).to_have_text("by Facilitator")
    stored = await server_map(server, fac, workshop_id)
    assert sorted(n["id"] for n in stored["notes"]) == ["cite0001", "policy01", "quote001"]
    assert [(lk["source"], lk["target"]) for lk in stored["links"]] == [("cite0001", "policy01")]
