"""Evidence on a link in the browser (P46): the group writes how one step leads to the next, what supports it
and how sure each person is; the board shows a contested link at a glance and the stored map holds it all."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, server_map, start_workshop
from tests.support.server import ServerProcess


@pytest.mark.rule("P46")
async def test_a_group_weighs_a_link_and_sees_where_it_disagrees(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Why we believe it")
    for text in ("Monthly briefings", "Officials use evidence", "Officials have time to read"):
        await add_note(fac, text)
        await expect(note(fac, text)).to_be_visible()
    ids = {
        t: await note(fac, t).get_attribute("data-id")
        for t in ("Monthly briefings", "Officials use evidence", "Officials have time to read")
    }
    await fac.evaluate(
        "([a, b]) => window.pathweaver.send('link.add', {id: 'lnk00001', source: a, target: b, label: 'informs'})",
        [ids["Monthly briefings"], ids["Officials use evidence"]],
    )
    ana = await join(browser, join_url, "Ana")
    for page in (fac, ana):
        await expect(page.locator(".link")).to_have_count(1, timeout=SETTLE)
        await page.locator(".link-hit").first.dispatch_event("pointerdown", {"button": 0})
        await expect(page.locator("[data-link-panel]")).to_be_visible()

    await fac.fill("#link-mechanism", "Briefings put findings in front of officials as they draft")
    await fac.check("[name='support:research']")
    await fac.check("[name='support:testimony']")
    await fac.select_option("#link-strength", "moderate")
    await fac.fill("#source-ref", "10.1234/briefings.2024")
    await fac.fill("#source-title", "Trial of policy briefings 📄")
    await fac.click("[data-action=source-add]")
    await fac.fill("#source-ref", "javascript:alert(1)")
    await fac.click("[data-action=source-add]")
    await expect(fac.locator("[data-toast]")).to_contain_text("web address")  # not added
    await fac.click("[data-action=evidence-save]")
    await expect(ana.locator("#link-mechanism")).to_have_value(
        "Briefings put findings in front of officials as they draft", timeout=SETTLE
    )
    await expect(ana.locator(".source-list a")).to_have_text("Trial of policy briefings 📄")

    await fac.click("[data-confidence='5']")
    await ana.click("[data-confidence='1']")
    for page in (fac, ana):  # 1 and 5: contested, on every board, and not by colour alone
        await expect(page.locator(".link.contested")).to_have_count(1, timeout=SETTLE)
        await expect(page.locator(".link-label")).to_have_text("⚖ informs")
        await expect(page.locator("[data-confidence-spread]")).to_contain_text("from 1 to 5")
    await fac.select_option("#assumption-pick", ids["Officials have time to read"])
    await fac.click("[data-action=assumption-attach]")
    await expect(ana.locator(".assumption-list li")).to_contain_text("Officials have time to read", timeout=SETTLE)
    await fac.screenshot(path=str(SCREENSHOTS / "evidence-1280.png"))

    await fac.wait_for_function("() => window.pathweaver.pending.length === 0")
    await ana.wait_for_function("() => window.pathweaver.pending.length === 0")
    link = (await server_map(server, fac, workshop_id))["links"][0]
    assert link["mechanism"] == "Briefings put findings in front of officials as they draft"
    assert link["support"] == ["testimony", "research"] and link["strength"] == "moderate"
    assert link["sources"] == [{"url": None, "doi": "10.1234/briefings.2024", "title": "Trial of policy briefings 📄"}]
    assert sorted(link["confidence"].values()) == [1, 5]
    assert link["assumptions"] == [ids["Officials have time to read"]]
