"""Merging duplicates in the browser (P43): the facilitator selects two notes and merges them; everyone's board
shows one note keeping both notes' links; Undo in the toast brings the other back, and redo and undo repeat it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, server_map, start_workshop
from tests.support.server import ServerProcess


@pytest.mark.rule("P43")
async def test_the_facilitator_merges_duplicates_and_undoes_it(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Merge")
    for text in ("Ministers cite us", "Ministers quote our work", "Policy changes"):
        await add_note(fac, text)
        await expect(note(fac, text)).to_be_visible()
    ids = {
        t: await note(fac, t).get_attribute("data-id")
        for t in ("Ministers cite us", "Ministers quote our work", "Policy changes")
    }
    await fac.evaluate(
        "([a, b]) => window.pathweaver.send('link.add', {id: 'lnk0001', source: a, target: b})",
        [ids["Ministers quote our work"], ids["Policy changes"]],
    )
    ana = await join(browser, join_url, "Ana")
    await expect(ana.locator(".link")).to_have_count(1, timeout=SETTLE)

    await note(fac, "Ministers cite us").click(modifiers=["Shift"])
    await note(fac, "Ministers quote our work").click(modifiers=["Shift"])
    await fac.click("[data-tidy=merge]")
    await expect(note(ana, "Ministers quote our work")).to_have_count(0, timeout=SETTLE)
    stored = await server_map(server, fac, workshop_id)
    link = stored["links"][0]
    assert (link["source"], link["target"]) == (ids["Ministers cite us"], ids["Policy changes"])
    kept = next(n for n in stored["notes"] if n["id"] == ids["Ministers cite us"])
    assert kept["merged"][0]["notes"][0]["text"] == "Ministers quote our work"

    await fac.locator("[data-toast] .toast-action").click()  # Undo
    await expect(note(ana, "Ministers quote our work")).to_be_visible(timeout=SETTLE)
    stored = await server_map(server, fac, workshop_id)
    assert {(lk["source"], lk["target"]) for lk in stored["links"]} == {
        (ids["Ministers quote our work"], ids["Policy changes"])
    }

    # The merge and its undo are steps of the facilitator's history: redo merges again, undo takes it back.
    await fac.wait_for_function("() => window.pathweaver.pending.length === 0")
    await fac.keyboard.press("Control+Shift+z")
    await expect(note(ana, "Ministers quote our work")).to_have_count(0, timeout=SETTLE)
    await fac.wait_for_function("() => window.pathweaver.pending.length === 0")
    await expect(fac.locator("[data-action=undo]")).to_have_attribute(
        "aria-label", "Undo merging into “Ministers cite us”"
    )
    await fac.keyboard.press("Control+z")
    await expect(note(ana, "Ministers quote our work")).to_be_visible(timeout=SETTLE)
