"""Renaming and removing people (P50) in the browser: by keyboard at a desk and by touch on a phone; the removed
person's tab says so and stops trying to reconnect."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, server_map, start_workshop
from tests.browser.test_phone import PHONE
from tests.support.server import ServerProcess


@pytest.mark.rule("P50")
async def test_the_facilitator_renames_then_removes_someone_and_their_tab_says_so(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Who is in the room")
    ana = await join(browser, join_url, "Ana")
    ben = await join(browser, join_url, "Ben", **PHONE)
    await add_note(ana, "Ministers read our briefings")
    await expect(note(fac, "Ministers read our briefings")).to_be_visible(timeout=SETTLE)

    # at a desk, by keyboard: Rename opens a field in the row, Enter saves, and every board follows
    await fac.get_by_role("button", name="Rename Ana").focus()
    await fac.keyboard.press("Enter")
    field = fac.get_by_role("textbox", name="New name for Ana")
    await expect(field).to_be_focused()
    await fac.keyboard.type("Ana Obi")  # the old name is selected: typing replaces it
    await fac.keyboard.press("Enter")
    await expect(ana.locator("[data-people]")).to_contain_text("Ana Obi (you)", timeout=SETTLE)
    await expect(fac.get_by_role("button", name="Remove Ana Obi")).to_be_visible(timeout=SETTLE)
    # said aloud to others (at most one announcement every 5 s: hence the longer wait)
    await expect(ben.locator("[data-announcements]")).to_contain_text("Ana is now called Ana Obi.", timeout=10_000)
    await expect(ana.get_by_role("button", name="Remove Ana Obi")).to_have_count(0)  # a participant cannot

    # and removes her, after saying what that means
    asked: list[str] = []

    async def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        await dialog.accept()

    fac.on("dialog", accept)
    await fac.get_by_role("button", name="Remove Ana Obi").click()
    notice = ana.get_by_role("alertdialog", name="You were removed from this workshop")
    await expect(notice).to_be_visible(timeout=SETTLE)
    await expect(ana.locator("#removed-heading")).to_be_focused()
    assert "stays on the board" in asked[0]
    await expect(ana.locator(".connection")).to_have_text("Removed from this workshop")
    assert await ana.evaluate("() => window.pathweaver.state") == "removed"  # not reconnecting
    await expect(fac.locator("[data-people]")).not_to_contain_text("Ana", timeout=SETTLE)
    await expect(note(fac, "Ministers read our briefings")).to_be_visible()  # what she added stays
    stored = await server_map(server, fac, workshop_id)
    assert [p["name"] for p in stored["participants"] if p.get("removed")] == ["Ana Obi"]
    await ana.reload()  # the page itself now turns her away
    await expect(ana.get_by_role("heading", name="You were removed from this workshop")).to_be_visible()

    # on a phone: the facilitator opens the drawer and removes Ben with a tap; Ben's phone says so
    cookies = await fac.context.cookies()
    phone = await (await browser.new_context(**PHONE)).new_page()
    await phone.context.add_cookies(cookies)
    await phone.goto(f"{server.url}/w/{workshop_id}")
    await expect(phone.locator(".connection.live")).to_be_visible()
    await phone.locator("[data-drawer-toggle]").tap()
    remove_ben = phone.get_by_role("button", name="Remove Ben")
    await remove_ben.scroll_into_view_if_needed()
    size = await remove_ben.bounding_box()
    assert size is not None and size["height"] >= 24
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await phone.screenshot(path=str(SCREENSHOTS / "phone-people-panel.png"))
    phone.on("dialog", accept)
    await remove_ben.tap()
    await expect(ben.get_by_role("alertdialog", name="You were removed from this workshop")).to_be_visible(
        timeout=SETTLE
    )
    await ben.screenshot(path=str(SCREENSHOTS / "phone-removed.png"))
    async with httpx.AsyncClient(base_url=server.url) as http:  # and its token opens nothing
        token = {c["name"]: c["value"] for c in await ben.context.cookies()}[f"pw_{workshop_id}"]
        r = await http.get(f"/api/workshops/{workshop_id}/map", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 403 and r.json()["code"] == "participant_removed"
