"""Joining from the back of a room: the short code on the projector, typed on a phone at /join, and the
facilitator's switch that closes joining (rule P34)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, start_workshop
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
HD = {"width": 1920, "height": 1080}
# On a 1080p projector filling a 3 m screen a pixel is ~1.6 mm; a capital read from 10 m away wants ~7 cm:
# about 45 pixels tall.
BACK_ROW_CAP_PX = 45


async def short_code(fac: Page) -> str:
    code = await fac.locator("[data-short-code]").get_attribute("data-short-code")
    assert code is not None and len(code) == 6
    return code


@pytest.mark.rule("P34")
async def test_a_phone_types_the_short_code_at_join_and_lands_on_the_board(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Back of the room")
    code = await short_code(fac)
    host = server.url.split("://")[1]
    await expect(fac.locator("[data-join-at]")).to_have_text(f"{host}/join")
    phone = await (await browser.new_context(**PHONE)).new_page()
    await phone.goto(f"{server.url}/join")
    await phone.locator("#code").tap()
    await phone.keyboard.type(f"{code[:3].lower()} {code[3:].lower()}")  # as people type it off the screen
    await phone.locator("#name").tap()
    await phone.keyboard.type("Pat")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await phone.screenshot(path=str(SCREENSHOTS / "join-by-code-390.png"))
    await phone.locator("text=Join the board").tap()
    await expect(phone.locator(".connection.live")).to_be_visible(timeout=SETTLE)
    assert phone.url == f"{server.url}/w/{workshop_id}"
    await expect(fac.locator("[data-people] li.online", has_text="Pat")).to_be_visible(timeout=SETTLE)
    # a mistyped code says so, and keeps what was typed
    other = await (await browser.new_context(**PHONE)).new_page()
    await other.goto(f"{server.url}/join")
    await other.fill("#code", "bcd-23")
    await other.fill("#name", "Lee")
    await other.locator("text=Join the board").tap()
    await expect(other.locator(".error")).to_have_text(
        "A join code is 6 letters and digits, like BCD FGH. Check it against the screen."
    )
    await expect(other.locator("#name")).to_have_value("Lee")


async def test_the_projector_page_shows_the_short_code_large_enough_for_the_back_row(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Evidence into policy")
    code = await short_code(fac)
    await fac.set_viewport_size(HD)
    await fac.click("text=Show join code")
    shown = fac.locator("[data-short-code-shown]")
    await expect(shown).to_have_text(f"{code[:3]} {code[3:]}")
    await expect(fac.locator("[data-join-at]")).to_have_text(f"{server.url.split('://')[1]}/join")
    await expect(fac.locator(".join-url")).to_have_text(join_url)
    assert await fac.locator("img[alt='QR code for the join link']").evaluate("img => img.naturalWidth > 100")
    # the capitals' height on screen: the font size times the font's cap height (DejaVu Sans Mono: 0.73 em)
    cap = await shown.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize) * 0.73")
    assert cap >= BACK_ROW_CAP_PX, f"the code's capitals are {cap:.0f} px tall"
    # everything on one screen, nothing cut off
    for part in ("h1", "[data-short-code-shown]", "[data-join-at]", "img"):
        box = await fac.locator(f".projector-code {part}").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= HD["width"], part
        assert box["y"] + box["height"] <= HD["height"], f"{part} is below the fold"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await fac.screenshot(path=str(SCREENSHOTS / "projector-code-1920.png"))


@pytest.mark.rule("P34")
async def test_closing_joining_hides_the_code_and_turns_new_people_away(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Closing the doors")
    code = await short_code(fac)
    await fac.click("[data-action=present]")
    await expect(fac.locator("[data-presenter-code]")).to_have_text(f"{code[:3]} {code[3:]}")
    await fac.click(".presenter-leave")
    await fac.locator("[data-action=joining]").uncheck()
    await expect(fac.locator("[data-joining-closed]")).to_be_visible()
    late = await (await browser.new_context(**PHONE)).new_page()
    # stored and back from the server: the event reaches the facilitator's own board
    await fac.wait_for_function("window.pathweaver.map.workshop.joining === false")
    await late.goto(f"{server.url}/join?code={code}")
    await late.fill("#name", "Late")
    await late.locator("text=Join the board").tap()
    await expect(late.locator("h1")).to_have_text("Joining is closed")
    await late.goto(join_url)
    await expect(late.locator("h1")).to_have_text("Joining is closed")
    # presentation mode shows no code while joining is closed, in every facilitator window
    projector = await fac.context.new_page()
    await projector.set_viewport_size(HD)
    await projector.goto(f"{server.url}/w/{workshop_id}?present")
    await expect(projector.locator("[data-presenter]")).to_be_visible()
    await expect(projector.locator("[data-presenter-join]")).to_be_hidden()
    await fac.locator("[data-action=joining]").check()
    await expect(projector.locator("[data-presenter-code]")).to_have_text(f"{code[:3]} {code[3:]}", timeout=SETTLE)
    await expect(fac.locator("[data-joining-closed]")).to_be_hidden()
    await late.goto(join_url)
    await expect(late.locator("text=Join the board")).to_be_visible()


@pytest.mark.rule("P34")
async def test_a_new_short_code_replaces_the_old_one_on_the_board_and_in_presentation(
    browser: Any, server: ServerProcess
) -> None:
    fac, _, _ = await start_workshop(browser, server, "Replace the code")
    old = await short_code(fac)
    fac.on("dialog", lambda dialog: dialog.accept())
    await fac.click("[data-action=rotate-short-code]")
    await expect(fac.locator("[data-short-code]")).not_to_have_attribute("data-short-code", old)
    new = await short_code(fac)
    await expect(fac.locator("[data-short-code]")).to_have_text(f"{new[:3]} {new[3:]}")
    await fac.click("[data-action=present]")
    await expect(fac.locator("[data-presenter-code]")).to_have_text(f"{new[:3]} {new[3:]}")
    page = await (await browser.new_context()).new_page()
    await page.goto(f"{server.url}/join?code={old}")
    await page.fill("#name", "Late")
    await page.click("text=Join the board")
    await expect(page.locator(".error")).to_contain_text("No workshop has the code")
