"""A dot vote on whole pathways in the browser (P48): the facilitator opens it, each person picks an impact,
sees its pathways on the board and puts dots on them — on a laptop and on a phone — nobody sees anyone else's
dots until the close, then everyone sees each pathway's dots and the top pathways lit up on the board."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_accessibility import describe, scan
from tests.browser.test_board_in_browser import SETTLE, join, note, start_workshop
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LONG = "Train officials → Policy brief → Ministers cite our evidence"
SHORT = "Train officials → Ministers cite our evidence"
SCHOOLS = "Train officials → Schools change practice"

MAP = """() => {
  const send = (op, fields) => window.pathweaver.send(op, fields);
  send("note.add", {id: "act00001", kind: "activity", text: "Train officials", x: 0, y: 150});
  send("note.add", {id: "out00001", kind: "output", text: "Policy brief", x: 320, y: 0});
  send("note.add", {id: "imp00001", kind: "impact", text: "Ministers cite our evidence", x: 640, y: 0});
  send("note.add", {id: "imp00002", kind: "impact", text: "Schools change practice", x: 640, y: 320});
  send("link.add", {id: "lnk00001", source: "act00001", target: "out00001"});
  send("link.add", {id: "lnk00002", source: "out00001", target: "imp00001"});
  send("link.add", {id: "lnk00003", source: "act00001", target: "imp00001"});
  send("link.add", {id: "lnk00004", source: "act00001", target: "imp00002"});
}"""


IN_VIEW = """ids => {
  const canvas = document.querySelector("[data-canvas]").getBoundingClientRect();
  return ids.every((id) => {
    const box = document.querySelector(`.note[data-id="${id}"]`).getBoundingClientRect();
    return box.left >= canvas.left && box.right <= canvas.right && box.top >= canvas.top && box.bottom <= canvas.bottom;
  });
}"""


def pathway(page: Page, text: str) -> Any:
    """The row of one pathway in the list under the vote bar."""
    return page.locator("[data-pathway-list] li", has=page.locator(".pathway-name", has_text=text))


async def lit(page: Page, class_name: str) -> tuple[list[str], int]:
    """The ids of the notes lit up with `class_name`, and how many arrows are."""
    notes = await page.locator(f".note.{class_name}").evaluate_all("els => els.map(e => e.dataset.id).sort()")
    return notes, await page.locator(f".link.{class_name}").count()


@pytest.mark.rule("P48")
async def test_a_pathway_vote_from_open_to_results(browser: Any, server: ServerProcess) -> None:
    fac, _, join_url = await start_workshop(browser, server, "Pathway vote")
    await fac.evaluate(MAP)
    await expect(fac.locator(".link")).to_have_count(4, timeout=SETTLE)
    ana = await join(browser, join_url, "Ana")
    ben = await join(browser, join_url, "Ben", **PHONE)

    await fac.click("text=Dot vote")
    await fac.fill("#vote-title", "Which pathways matter most?")
    await fac.check("[data-vote-open] [name=on][value=pathways]")
    await expect(fac.locator("[data-vote-open] [name=start]")).to_have_value("activity")
    await expect(fac.locator("[data-vote-open] [data-vote-kinds]")).to_be_hidden()
    await fac.locator("[data-vote-open] [name=budget]").fill("3")
    await fac.locator("[data-vote-open] [name=max_per_item]").fill("2")
    await fac.click("text=Open the vote")
    await expect(ana.locator("[data-vote-bar]")).to_contain_text("you have 3 of 3 dots left", timeout=SETTLE)
    await expect(ana.locator("[data-pathway-heading]")).to_have_text("Pathways from Activity to Impact")

    # Ana: the pathways into the first impact; choosing one lights up its notes and arrows on the board.
    await expect(ana.locator("[data-pathway-end]")).to_have_value("imp00001")
    await expect(ana.locator("[data-pathway-list] .pathway-name")).to_have_text([SHORT, LONG])
    await pathway(ana, LONG).locator(".pathway-name").click()
    await expect(ana.locator(".note.on-pathway")).to_have_count(3)
    assert await lit(ana, "on-pathway") == (["act00001", "imp00001", "out00001"], 2)
    await expect(note(ana, "Schools change practice")).to_have_css("opacity", "0.35")
    await pathway(ana, LONG).locator("[data-vote=up]").click()
    await pathway(ana, LONG).locator("[data-vote=up]").click()
    await expect(pathway(ana, LONG).locator(".pathway-count")).to_have_text("● 2")
    await expect(pathway(ana, LONG).locator("[data-vote=up]")).to_be_disabled()  # two at most on one pathway
    await expect(ana.locator("[data-vote-bar]")).to_contain_text("1 of 3 dots left")
    await expect(ana.locator("[data-vote-bar]")).to_contain_text("at most 2 on one pathway")
    # A dot on the direct pathway comes back to Ana when its arrow is deleted while the vote is open.
    await pathway(ana, SHORT).locator("[data-vote=up]").click()
    await expect(ana.locator("[data-vote-bar]")).to_contain_text("0 of 3 dots left")
    await fac.evaluate("() => window.pathweaver.send('link.delete', {id: 'lnk00003'})")
    await expect(ana.locator("[data-vote-bar]")).to_contain_text("1 of 3 dots left", timeout=SETTLE)
    await expect(ana.locator("[data-pathway-list] .pathway-name")).to_have_text([LONG])

    # Ben, on a phone: another impact, one dot; Ana's dots are not on his screen, nor on the facilitator's.
    await ben.locator("[data-pathway-end]").select_option(label="Schools change practice")
    await expect(ben.locator("[data-pathway-list] .pathway-name")).to_have_text([SCHOOLS])
    for _ in range(4):  # Ben zooms in: part of the pathway is off his screen
        await ben.locator("[data-action=zoom-in]").tap()
    await ben.wait_for_function(f"ids => !({IN_VIEW})(ids)", arg=["act00001", "imp00002"])
    await pathway(ben, SCHOOLS).locator(".pathway-name").tap()  # and choosing it brings it whole into view
    await expect(ben.locator(".note.on-pathway")).to_have_count(2)
    await ben.wait_for_function(IN_VIEW, arg=["act00001", "imp00002"])
    await pathway(ben, SCHOOLS).locator("[data-vote=up]").tap()
    await expect(pathway(ben, SCHOOLS).locator(".pathway-count")).to_have_text("● 1")
    for button in await ben.locator("[data-pathway-list] button").all():
        box = await button.bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24, box
    canvas = await ben.locator("[data-canvas]").bounding_box()
    assert canvas is not None and canvas["height"] >= 844 / 2, canvas  # the board keeps most of the phone
    await ben.screenshot(path=str(SCREENSHOTS / "pathway-vote-open-phone-390.png"))
    assert not (found := await scan(ben)), describe(found)  # the list of pathways, on a touch phone
    await ben.locator("[data-pathway-end]").select_option(label="Ministers cite our evidence")
    await expect(pathway(ben, LONG).locator(".pathway-count")).to_have_text("● 0")
    await expect(pathway(fac, LONG).locator(".pathway-count")).to_have_text("● 0")

    await fac.click("[data-action=vote-close]")
    for page in (fac, ana, ben):
        await expect(page.locator("[data-pathway-heading]")).to_have_text(
            "Results: Which pathways matter most?", timeout=SETTLE
        )
        await expect(page.locator("[data-pathway-list] .pathway-name")).to_have_text([LONG, SCHOOLS])
        await expect(page.locator("[data-pathway-list] .pathway-count")).to_have_text(["● 2", "● 1"])
        await expect(page.locator(".note.top-pathway")).to_have_count(4)
        assert await lit(page, "top-pathway") == (["act00001", "imp00001", "imp00002", "out00001"], 3)
        await expect(page.locator("[data-vote-bar]")).to_be_hidden()
    await ben.screenshot(path=str(SCREENSHOTS / "pathway-vote-results-phone-390.png"))
    assert not (found := await scan(ben)), describe(found)
    # Choosing one result shows it alone.
    await pathway(fac, SCHOOLS).locator(".pathway-name").click()
    assert await lit(fac, "on-pathway") == (["act00001", "imp00002"], 1)
    await expect(fac.locator(".note.top-pathway")).to_have_count(0)
    await fac.set_viewport_size({"width": 1920, "height": 1080})
    await fac.screenshot(path=str(SCREENSHOTS / "pathway-vote-results-1920.png"))
