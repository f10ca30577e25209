"""The method's checks in the browser (P49): the facilitator sees where the map breaks its logic, goes to each
finding, and shows the checks to everyone; the list follows the map as it changes."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, join, start_workshop
from tests.support.server import ServerProcess


@pytest.mark.rule("P49")
async def test_the_checks_panel_finds_flaws_goes_to_them_and_is_shown_to_everyone(
    browser: Any, server: ServerProcess
) -> None:
    fac, _, join_url = await start_workshop(browser, server, "Checked")
    await fac.evaluate(
        """() => {
          const s = window.pathweaver;
          s.send('note.add', {id: 'act00001', kind: 'activity', text: 'Monthly briefings', x: 0, y: 0});
          s.send('note.add', {id: 'imp00001', kind: 'impact', text: 'Ministers cite us', x: 600, y: 0});
          s.send('note.add', {id: 'imp00002', kind: 'impact', text: 'Fewer children in care', x: 600, y: 300});
          s.send('link.add', {id: 'lnk00001', source: 'act00001', target: 'imp00001'});
        }"""
    )
    ana = await join(browser, join_url, "Ana")
    await expect(ana.locator("[data-checks]")).to_be_hidden()
    await fac.locator("[data-checks] summary").click()
    panel = fac.locator("[data-checks-list]")
    await expect(panel).to_contain_text("Links that skip steps (1)", timeout=SETTLE)
    await expect(panel).to_contain_text("No activity leads to Impact “Fewer children in care”")
    await panel.get_by_text("Activity “Monthly briefings” leads straight to Impact “Ministers cite us”").click()
    await expect(fac.locator(".link.selected")).to_have_count(1)  # the finding's link, chosen on the board
    await fac.screenshot(path=str(SCREENSHOTS / "checks-1280.png"))

    await fac.check("[data-action=checks-for-everyone]")
    await expect(ana.locator("[data-checks]")).to_be_visible(timeout=SETTLE)
    await ana.locator("[data-checks] summary").click()
    await expect(ana.locator("[data-checks-list]")).to_contain_text("Links that skip steps (1)", timeout=SETTLE)
    await fac.evaluate("() => window.pathweaver.send('link.delete', {id: 'lnk00001'})")  # fixed: the list follows
    await expect(ana.locator("[data-checks-list]")).not_to_contain_text("skip steps", timeout=SETTLE)
