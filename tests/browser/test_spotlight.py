"""The spotlight in the browser (P41): the facilitator presses S on a note and every board zooms to it and
dims the rest, until the facilitator ends it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, start_workshop
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.rule("P41")
async def test_the_facilitator_spotlights_a_note_on_every_screen(browser: Any, server: ServerProcess) -> None:
    fac, _, join_url = await start_workshop(browser, server, "Spotlight")
    for text in ("Ministers cite our evidence", "Schools change practice", "Funding follows"):
        await add_note(fac, text)
        await expect(note(fac, text)).to_be_visible()
    pat = await join(browser, join_url, "Pat", **PHONE)
    await note(fac, "Schools change practice").focus()
    await fac.keyboard.press("s")
    chip = pat.locator("[data-spotlight-chip]")
    await expect(chip).to_contain_text("Schools change practice", timeout=SETTLE)
    spot = note(pat, "Schools change practice")
    await expect(spot).to_have_class(re.compile(r"\bspotlit\b"))
    # on the phone the note is in view and large enough to read; the others are dimmed
    box = await spot.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 390, box
    assert float(await note(pat, "Funding follows").evaluate("(n) => getComputedStyle(n).opacity")) < 0.5
    await pat.screenshot(path=str(SCREENSHOTS / "spotlight-phone-390.png"))
    late = await join(browser, join_url, "Late")  # joining now: straight into the spotlight
    await expect(late.locator("[data-spotlight-chip]")).to_contain_text("Schools change practice")
    await fac.click("[data-action=spotlight-end]")
    await expect(chip).to_be_hidden(timeout=SETTLE)
    assert float(await note(pat, "Funding follows").evaluate("(n) => getComputedStyle(n).opacity")) == 1
