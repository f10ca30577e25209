"""Indicators in the browser (P47): on a laptop, I on an outcome opens what would show it; on a phone, the
note's Indicators tool does; both see the same indicators, and the stored map holds them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, join, note, server_map, start_workshop
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.rule("P47")
async def test_indicators_are_written_by_keyboard_and_read_on_a_phone(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "What would show it")
    await fac.evaluate(
        "() => window.pathweaver.send('note.add',"
        " {id: 'out00001', kind: 'outcome', text: 'Officials use evidence', x: 0, y: 0})"
    )
    pat = await join(browser, join_url, "Pat", **PHONE)
    await note(fac, "Officials use evidence").focus()
    await fac.keyboard.press("i")
    panel = fac.locator("[data-note-panel]")
    await expect(panel).to_be_visible()
    await fac.select_option("#note-change", "behaviour")
    await fac.click("[data-action=indicator-add]")
    await fac.keyboard.type("Briefs cited in policy papers 📄")
    await fac.fill("#indicator-0-baseline", "2 a year")
    await fac.fill("#indicator-0-target", "10 a year")
    await fac.fill("#indicator-0-source", "البرلمان")
    await panel.locator("button[type=submit]").click()
    await fac.wait_for_function("() => window.pathweaver.pending.length === 0")
    stored = next(n for n in (await server_map(server, fac, workshop_id))["notes"] if n["id"] == "out00001")
    assert stored["change"] == "behaviour"
    assert stored["indicators"] == [
        {
            "indicator": "Briefs cited in policy papers 📄",
            "baseline": "2 a year",
            "target": "10 a year",
            "source": "البرلمان",
        }
    ]
    await fac.keyboard.press("Escape")
    await expect(panel).to_be_hidden()

    await note(pat, "Officials use evidence").tap()
    await pat.locator("[data-note-tool=details]").tap()
    await expect(pat.locator("#indicator-0-indicator")).to_have_value(
        "Briefs cited in policy papers 📄", timeout=SETTLE
    )
    await expect(pat.locator("#note-change")).to_have_value("behaviour")
    box = await pat.locator("[data-note-panel]").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    await pat.screenshot(path=str(SCREENSHOTS / "indicators-390.png"))
