"""A dot vote in the browser (P40): the facilitator opens it, each person spends their dots on the notes,
nobody sees anyone else's until the close, then everyone sees the totals on the notes."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, start_workshop
from tests.support.server import ServerProcess


async def dots(page: Page, text: str) -> Locator:
    """The dots control under the note with this text."""
    note_id = await note(page, text).get_attribute("data-id")
    return page.locator(f".note-dots[data-id='{note_id}']")


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.rule("P40")
async def test_a_dot_vote_from_open_to_results(browser: Any, server: ServerProcess) -> None:
    fac, _, join_url = await start_workshop(browser, server, "Vote")
    for text in ("Ministers cite our evidence", "Practice changes in schools"):
        await add_note(fac, text)
        await expect(note(fac, text)).to_be_visible()
    ana = await join(browser, join_url, "Ana")
    ben = await join(browser, join_url, "Ben", **PHONE)

    await fac.click("text=Dot vote")
    await fac.fill("#vote-title", "Which matter most?")
    await fac.locator("[data-vote-open] [name=budget]").fill("3")
    await fac.locator("[data-vote-open] [name=max_per_item]").fill("2")
    await fac.click("text=Open the vote")
    await expect(ana.locator("[data-vote-bar]")).to_contain_text("you have 3 of 3 dots left", timeout=SETTLE)

    first = await dots(ana, "Ministers cite our evidence")
    await first.locator("[data-vote=up]").click()
    await expect(first.locator(".note-dots-count")).to_have_text("● 1", timeout=SETTLE)  # seen before the next
    await first.locator("[data-vote=up]").click()
    await expect(first.locator(".note-dots-count")).to_have_text("● 2", timeout=SETTLE)
    await expect(first.locator("[data-vote=up]")).to_be_disabled()  # two at most on one note
    await expect(ana.locator("[data-vote-bar]")).to_contain_text("1 of 3 dots left")
    await expect(note(ana, "Ministers cite our evidence")).to_be_visible()  # clicking did not open the editor
    assert await ana.locator(".note textarea").count() == 0
    await (await dots(ben, "Practice changes in schools")).locator("[data-vote=up]").tap()
    await expect((await dots(ben, "Practice changes in schools")).locator(".note-dots-count")).to_have_text("● 1")
    # Ben does not see Ana's dots, nor does the facilitator
    await expect((await dots(ben, "Ministers cite our evidence")).locator(".note-dots-count")).to_have_text("● 0")
    assert await fac.locator(".note-dots-count").all_inner_texts() in ([], ["● 0", "● 0"])
    for button in await (await dots(ben, "Practice changes in schools")).locator("button").all():
        box = await button.bounding_box()  # on a phone the board is zoomed out: the targets are not
        assert box is not None and box["width"] >= 24 and box["height"] >= 24, box
    await ben.screenshot(path=str(SCREENSHOTS / "vote-open-phone-390.png"))

    await fac.click("[data-action=vote-close]")
    for page in (fac, ana, ben):
        ministers = await dots(page, "Ministers cite our evidence")
        await expect(ministers.locator(".note-dots-count")).to_have_text("● 2", timeout=SETTLE)
        await expect((await dots(page, "Practice changes in schools")).locator(".note-dots-count")).to_have_text("● 1")
        await expect(page.locator("[data-vote-bar]")).to_be_hidden()
    await fac.screenshot(path=str(SCREENSHOTS / "vote-results-1280.png"))
