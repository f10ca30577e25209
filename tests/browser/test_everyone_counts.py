"""Everyone in the room counts (P42): the facilitator adds notes and dots for someone without a device, shown
and exported as theirs, and sees who has not added anything yet in this phase."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.test_board_in_browser import SETTLE, join, note, server_map, start_workshop
from tests.support.server import ServerProcess


@pytest.mark.rule("P42")
async def test_notes_and_dots_for_someone_without_a_device(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Everyone counts")
    ana = await join(browser, join_url, "Ana")
    await fac.evaluate("() => window.pathweaver.send('plan.set', {phases: [{name: 'Name the impacts'}]})")
    people = fac.locator("[data-people]")
    await expect(people).to_contain_text("Ana · nothing yet this phase", timeout=SETTLE)

    await fac.fill("#proxy-name", "Amal")
    await fac.click("[data-proxy-add] button[type=submit]")
    await expect(people).to_contain_text("Amal · no device · nothing yet this phase", timeout=SETTLE)
    await fac.select_option("[data-acting-for]", label="Amal")
    await fac.click("[data-action=add-note]")
    await fac.keyboard.type("Parents trust the service")
    await fac.keyboard.press("Enter")
    await expect(note(ana, "Parents trust the service")).to_be_visible(timeout=SETTLE)
    await expect(people).not_to_contain_text("Amal · no device · nothing yet", timeout=SETTLE)
    await expect(people).to_contain_text("Ana · nothing yet this phase")

    await fac.evaluate("() => window.pathweaver.send('vote.open', {on: 'notes', budget: 2, max_per_item: 2})")
    await expect(fac.locator("[data-vote-bar]")).to_contain_text("Amal has 2 of 2 dots left", timeout=SETTLE)
    note_id = await note(fac, "Parents trust the service").get_attribute("data-id")
    await fac.locator(f".note-dots[data-id='{note_id}'] [data-vote=up]").click()
    await expect(fac.locator("[data-vote-bar]")).to_contain_text("Amal has 1 of 2 dots left", timeout=SETTLE)
    await fac.click("[data-action=vote-close]")
    await expect(ana.locator(f".note-dots[data-id='{note_id}'] .note-dots-count")).to_have_text("● 1", timeout=SETTLE)

    stored = await server_map(server, fac, workshop_id)
    amal = next(p for p in stored["participants"] if p["name"] == "Amal")
    assert amal["role"] == "proxy"
    assert next(n for n in stored["notes"] if n["text"] == "Parents trust the service")["author"] == amal["id"]
    assert stored["votes"][-1]["ballots"] == {amal["id"]: {note_id: 1}}
