"""Running a workshop's plan of phases in the browser (P36, P37): the facilitator sets a plan from the suggested
one and moves the room on; a participant's board follows, offers only what the phase allows, and the server
refuses the rest."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, join, note, server_map, start_workshop
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.rule("P36", "P37")
async def test_the_room_follows_the_facilitators_plan_and_each_phase_offers_only_what_it_allows(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Phases")
    ana = await join(browser, join_url, "Ana")
    await expect(ana.locator("[data-phase-bar]")).to_be_hidden()  # no plan yet: the board as it always was

    await fac.click("text=Plan of phases")
    await fac.click("[data-action=plan-suggest]")
    await expect(fac.locator(".plan-phase")).to_have_count(3)
    await fac.locator(".plan-phase").nth(0).locator("[name=minutes]").fill("5")
    await fac.click("text=Save the plan")

    bar = ana.locator("[data-phase-bar]")
    await expect(bar).to_contain_text("Phase 1 of 3", timeout=SETTLE)
    await expect(bar).to_contain_text("Name the impacts")
    await expect(bar.locator("[data-phase-time]")).to_have_text("5:00 (paused)")
    await expect(ana.locator("[data-action=phase-next]")).to_have_count(0)  # moving the room is the facilitator's
    # only impacts are offered now; an outcome sent anyway is refused by the server and rolled back
    await expect(ana.locator("[data-new-kind] option[value=outcome]")).to_be_disabled()
    await expect(ana.locator("[data-new-kind]")).to_have_value("impact")
    sneaky = {"id": "sneaky01", "kind": "outcome", "text": "Sneaked in", "x": 0, "y": 0}
    await ana.evaluate("""(op) => window.pathweaver.send("note.add", op)""", sneaky)
    await expect(ana.locator("[data-toast]")).to_contain_text("Name the impacts")
    await expect(note(ana, "Sneaked in")).to_have_count(0)
    await ana.click("[data-action=add-note]")
    await ana.keyboard.type("Ministers use our evidence")
    await ana.keyboard.press("Enter")
    await expect(note(fac, "Ministers use our evidence")).to_be_visible(timeout=SETTLE)
    # the phase is private: Ana's note is marked so on her board and the facilitator's, and Ben has none of it
    await expect(ana.locator("[data-phase-private]")).to_contain_text("only you and the facilitator")
    await expect(note(ana, "Ministers use our evidence")).to_contain_text("private")
    ben = await join(browser, join_url, "Ben")
    await expect(ben.locator("[data-phase-bar]")).to_contain_text("Name the impacts")
    assert "Ministers use our evidence" not in await ben.content()
    await expect(fac.locator("[data-action=reveal]")).to_have_text("Reveal 1 private note")
    await fac.click("[data-action=reveal]")
    await expect(note(ben, "Ministers use our evidence")).to_be_visible(timeout=SETTLE)
    await expect(note(ana, "Ministers use our evidence")).not_to_contain_text("private")
    await ana.screenshot(path=str(SCREENSHOTS / "phase-participant-1280.png"))
    listing = await ana.context.new_page()  # the list view says the same, and offers the same kinds
    await listing.goto(f"{server.url}/w/{workshop_id}/list")
    await expect(listing.locator("[data-phase-bar]")).to_contain_text("Name the impacts")
    await expect(listing.locator("#add-kind option[value=outcome]")).to_be_disabled()

    # the facilitator starts the timer: every screen counts down the same time, a reload included
    await fac.click("[data-action=timer-toggle]")
    await expect(bar.locator("[data-phase-time]")).to_have_text(re.compile(r"^4:5\d$"), timeout=SETTLE)
    await ana.reload()
    await expect(ana.locator(".connection.live")).to_be_visible()
    await expect(bar.locator("[data-phase-time]")).to_have_text(re.compile(r"^4:[45]\d$"))
    await fac.click("[data-action=timer-toggle]")  # pause
    await expect(bar.locator("[data-phase-time]")).to_contain_text("(paused)", timeout=SETTLE)
    shown = await bar.locator("[data-phase-time]").text_content()
    await fac.click("[data-action=timer-add]")
    minutes, seconds = (int(x) for x in shown.split()[0].split(":"))
    await expect(bar.locator("[data-phase-time]")).to_have_text(f"{minutes + 1}:{seconds:02} (paused)", timeout=SETTLE)
    await fac.click("[data-action=phase-next]")
    await expect(bar).to_contain_text("Phase 2 of 3", timeout=SETTLE)
    await expect(bar).to_contain_text("Map the pathways")
    await expect(ana.locator("[data-toast]")).to_contain_text("Now: Map the pathways")
    await expect(ana.locator("[data-new-kind] option[value=outcome]")).to_be_enabled()
    await expect(listing.locator("[data-phase-bar]")).to_contain_text("Map the pathways", timeout=SETTLE)
    await expect(listing.locator("#add-kind option[value=outcome]")).to_be_enabled()

    phone = await join(browser, join_url, "Pat", **PHONE)  # a late joiner lands in the current phase
    await expect(phone.locator("[data-phase-bar]")).to_contain_text("Map the pathways")
    await phone.screenshot(path=str(SCREENSHOTS / "phase-phone-390.png"))
    await fac.click("[data-action=phase-back]")
    await expect(phone.locator("[data-phase-bar]")).to_contain_text("Name the impacts", timeout=SETTLE)
    await fac.screenshot(path=str(SCREENSHOTS / "phase-facilitator-1280.png"))

    stored = await server_map(server, fac, workshop_id)
    assert stored["plan"]["current"] == 0
    assert [p["name"] for p in stored["plan"]["phases"]] == ["Name the impacts", "Map the pathways", "Test the links"]
    assert stored["plan"]["phases"][0]["seconds"] == 300 and stored["plan"]["phases"][0]["kinds"] == ["impact"]
    assert all(n["text"] != "Sneaked in" for n in stored["notes"])


@pytest.mark.rule("P39")
async def test_when_time_is_up_every_screen_says_so(browser: Any, server: ServerProcess) -> None:
    fac, _, join_url = await start_workshop(browser, server, "Short phase")
    pat = await join(browser, join_url, "Pat", **PHONE)
    phases = [{"name": "Quick round", "prompt": "One idea each", "seconds": 2}]
    await fac.evaluate("(phases) => window.pathweaver.send('plan.set', {phases, current: 0})", phases)
    await expect(pat.locator("[data-phase-time]")).to_have_text("0:02 (paused)", timeout=SETTLE)
    await fac.click("[data-action=timer-toggle]")
    for page in (fac, pat):
        await expect(page.locator("[data-phase-time]")).to_have_text("Time is up", timeout=SETTLE)
        await expect(page.locator("[data-phase-bar]")).to_have_class(re.compile(r"\btime-up\b"))
    await pat.screenshot(path=str(SCREENSHOTS / "phase-time-up-phone-390.png"))
