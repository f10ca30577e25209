"""Perspectives in the browser (P51): the facilitator names stakeholder groups, people pick theirs on the join
page, the board seen by one group dims what its members neither proposed nor endorsed, and the divergence view
lists a link two groups rate 1 and 5 — until a person who rated it is removed (P50): their endorsement stays,
marked, and their rating goes."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, add_note, note, server_map, start_workshop
from tests.support.server import ServerProcess


async def join_as(browser: Any, join_url: str, name: str, group: str, **context_options: Any) -> Page:
    context = await browser.new_context(**({"viewport": {"width": 1280, "height": 800}} | context_options))
    page = await context.new_page()
    await page.goto(join_url)
    await page.fill("#name", name)
    await page.select_option("#group", label=group)
    await page.click("text=Join the board")
    await expect(page.locator(".connection.live")).to_be_visible()
    return page


@pytest.mark.rule("P50", "P51")
async def test_groups_named_picked_at_join_viewed_by_and_where_they_disagree(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Whose view?")
    for text in ("Monthly briefings", "Officials use evidence", "A newsletter"):
        await add_note(fac, text)
        await expect(note(fac, text)).to_be_visible()
    await fac.click(".groups-setup summary")
    await fac.fill("[data-groups-text]", "Funders\nPractitioners")
    await fac.click("[data-action=groups-save]")
    await expect(fac.locator("[data-view-by-group] option")).to_have_count(3, timeout=SETTLE)

    ana = await join_as(browser, join_url, "Ana", "Funders")
    ben = await join_as(browser, join_url, "Ben", "Practitioners", viewport={"width": 390, "height": 844})
    await expect(ana.locator("[data-my-group] option:checked")).to_have_text("Funders", timeout=SETTLE)

    ids = {t: await note(fac, t).get_attribute("data-id") for t in ("Monthly briefings", "Officials use evidence")}
    await fac.evaluate(
        "([a, b]) => window.pathweaver.send('link.add', {id: 'lnk00001', source: a, target: b, label: 'informs'})",
        [ids["Monthly briefings"], ids["Officials use evidence"]],
    )
    await expect(ben.locator(".link")).to_have_count(1, timeout=SETTLE)
    # Ben, a practitioner, endorses the briefings: he selects the note and presses Endorse
    await ben.evaluate("id => window.pathweaver.send('endorse', {id, on: false})", "nothing")  # refused: no such id
    await note(ben, "Monthly briefings").focus()
    await ben.click("[data-drawer-toggle]")  # on his phone the panels are in the Menu
    await expect(ben.locator("[data-endorse-what]")).to_have_text("“Monthly briefings”")
    await ben.click("[data-action=endorse]")
    await expect(ben.locator("[data-action=endorse]")).to_have_attribute("aria-pressed", "true")
    await note(fac, "Monthly briefings").focus()
    await expect(fac.locator("[data-endorse-count]")).to_contain_text("Ben", timeout=SETTLE)

    await fac.select_option("[data-view-by-group]", label="Practitioners")
    await expect(note(fac, "Monthly briefings")).to_have_class("note perspective-match")
    for other in ("Officials use evidence", "A newsletter"):
        await expect(note(fac, other)).not_to_have_class("perspective-match")
        assert float(await note(fac, other).evaluate("el => getComputedStyle(el).opacity")) < 0.5
    assert float(await note(fac, "Monthly briefings").evaluate("el => getComputedStyle(el).opacity")) == 1

    # Ana (funders) gives the link 1, Ben (practitioners) 5: the groups disagree
    await ana.evaluate("() => window.pathweaver.send('confidence.set', {id: 'lnk00001', value: 1})")
    await ben.evaluate("() => window.pathweaver.send('confidence.set', {id: 'lnk00001', value: 5})")
    await fac.select_option("[data-view-by-group]", label="Everyone")
    await fac.check("[data-divergence]")
    items = fac.locator("[data-divergence-list] li")
    await expect(items).to_have_count(1, timeout=SETTLE)
    await expect(items).to_contain_text("Monthly briefings → Officials use evidence")
    await expect(items).to_contain_text("Funders 1.0 · Practitioners 5.0")
    await expect(fac.locator(".link.divergent")).to_have_count(1)
    await fac.set_viewport_size({"width": 1920, "height": 1080})
    await fac.screenshot(path=str(SCREENSHOTS / "perspectives-1920.png"))
    await ben.check("[data-divergence]")
    await expect(ben.locator("[data-divergence-list] li")).to_have_count(1, timeout=SETTLE)
    await ben.screenshot(path=str(SCREENSHOTS / "perspectives-390.png"), full_page=True)

    # The facilitator removes Ben: his endorsement stays, marked so; his rating goes, and the disagreement with it.
    await expect(fac.locator(".link.contested")).to_have_count(1)
    fac.once("dialog", lambda dialog: dialog.accept())
    await fac.get_by_role("button", name="Remove Ben").click()
    await expect(fac.locator("[data-divergence-list]")).to_have_text(
        "No link that groups see differently yet.", timeout=SETTLE
    )
    await expect(fac.locator(".link.contested")).to_have_count(0)
    await expect(ana.locator(".link.contested")).to_have_count(0, timeout=SETTLE)
    await note(fac, "Monthly briefings").focus()
    await expect(fac.locator("[data-endorse-count]")).to_have_text("(1: Ben (removed))")

    stored = await server_map(server, fac, workshop_id)
    assert [lk["confidence"] for lk in stored["links"]] == [{stored["participants"][1]["id"]: 1}]
    assert {p["name"]: p.get("group") for p in stored["participants"]} == {
        "Facilitator": None,
        "Ana": stored["groups"][0]["id"],
        "Ben": stored["groups"][1]["id"],
    }
    briefings = next(n for n in stored["notes"] if n["text"] == "Monthly briefings")
    assert [next(p["name"] for p in stored["participants"] if p["id"] == e) for e in briefings["endorsed_by"]] == [
        "Ben"
    ]
