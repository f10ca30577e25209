"""Clusters in the browser (P44): the facilitator frames selected notes and names the cluster; dragging its name
moves it with its notes on every board."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, server_map, start_workshop
from tests.support.server import ServerProcess


@pytest.mark.rule("P44")
async def test_a_cluster_frames_notes_and_moves_them_together(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Clusters")
    for text in ("Ministers cite us", "Officials ask for briefs", "Unrelated"):
        await add_note(fac, text)
        await expect(note(fac, text)).to_be_visible()
    ana = await join(browser, join_url, "Ana")
    fac.on("dialog", lambda dialog: dialog.accept("Policy uses our evidence"))
    await note(fac, "Ministers cite us").click(modifiers=["Shift"])
    await note(fac, "Officials ask for briefs").click(modifiers=["Shift"])
    await fac.click("[data-tidy=cluster]")
    label = ana.locator(".cluster-label")
    await expect(label).to_have_text("Policy uses our evidence", timeout=SETTLE)
    before = {n["text"]: (n["x"], n["y"]) for n in (await server_map(server, fac, workshop_id))["notes"]}

    box = await fac.locator(".cluster-label").bounding_box()
    assert box is not None
    await fac.mouse.move(box["x"] + 10, box["y"] + 10)
    await fac.mouse.down()
    await fac.mouse.move(box["x"] + 110, box["y"] + 70, steps=5)
    await fac.mouse.up()

    async def moved() -> dict[str, tuple[float, float]]:
        return {n["text"]: (n["x"], n["y"]) for n in (await server_map(server, fac, workshop_id))["notes"]}

    for _ in range(50):
        after = await moved()
        if after["Ministers cite us"] != before["Ministers cite us"]:
            break
        await fac.wait_for_timeout(100)
    shifts = {t: (after[t][0] - before[t][0], after[t][1] - before[t][1]) for t in before}
    assert shifts["Ministers cite us"] == shifts["Officials ask for briefs"] != (0, 0), shifts
    assert shifts["Unrelated"] == (0, 0)
    await ana.screenshot(path=str(SCREENSHOTS / "cluster-1280.png"))


@pytest.mark.rule("P44")
async def test_undo_takes_a_cluster_back_step_by_step(browser: Any, server: ServerProcess) -> None:
    """Drawing, moving and removing a cluster are steps of the facilitator's history, like changes to notes."""
    fac, workshop_id, _ = await start_workshop(browser, server, "Cluster undo")
    for text in ("Ministers cite us", "Officials ask for briefs"):
        await add_note(fac, text)
        await expect(note(fac, text)).to_be_visible()
    fac.on("dialog", lambda dialog: dialog.accept("Policy uses our evidence"))
    await note(fac, "Ministers cite us").click(modifiers=["Shift"])
    await note(fac, "Officials ask for briefs").click(modifiers=["Shift"])
    await fac.click("[data-tidy=cluster]")
    label = fac.locator(".cluster-label")
    await expect(label).to_have_text("Policy uses our evidence", timeout=SETTLE)

    async def stored() -> dict[str, Any]:
        return await server_map(server, fac, workshop_id)

    drawn = (await stored())["clusters"][0]
    notes_before = {n["text"]: (n["x"], n["y"]) for n in (await stored())["notes"]}
    box = await label.bounding_box()
    assert box is not None
    await fac.mouse.move(box["x"] + 10, box["y"] + 10)
    await fac.mouse.down()
    await fac.mouse.move(box["x"] + 110, box["y"] + 70, steps=5)
    await fac.mouse.up()
    await expect(fac.locator("[data-action=undo]")).to_have_attribute(
        "aria-label", "Undo moving the cluster “Policy uses our evidence”", timeout=SETTLE
    )
    await fac.wait_for_function("() => window.pathweaver.pending.length === 0")

    await fac.keyboard.press("Control+z")  # the frame and its notes go back together
    await fac.wait_for_function(
        "x => window.pathweaver.map.clusters.values().next().value?.x === x", arg=drawn["x"], timeout=SETTLE
    )
    await fac.wait_for_function("() => window.pathweaver.pending.length === 0")
    assert {n["text"]: (n["x"], n["y"]) for n in (await stored())["notes"]} == notes_before

    await fac.keyboard.press("Control+z")  # the frame goes; its notes stay
    await expect(label).to_have_count(0, timeout=SETTLE)
    await fac.wait_for_function("() => window.pathweaver.pending.length === 0")
    assert (await stored())["clusters"] == [] and len((await stored())["notes"]) == 2

    await fac.keyboard.press("Control+Shift+z")  # drawn again, under a new id (a deleted id is never reused)
    await expect(label).to_have_text("Policy uses our evidence", timeout=SETTLE)
    await fac.wait_for_function("() => window.pathweaver.pending.length === 0")
    again = (await stored())["clusters"]
    assert len(again) == 1 and again[0]["id"] != drawn["id"]
    frame = ("x", "y", "width", "height")
    assert {k: again[0][k] for k in frame} == {k: drawn[k] for k in frame}
