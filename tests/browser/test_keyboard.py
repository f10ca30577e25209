"""The board without a mouse or sight: arrows by keyboard, single-key shortcuts only on the board, Tab in the
map's reading order with skip links, others' changes said in a polite live region, ink that follows a note's
colour."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page, expect

from tests.browser.test_board_in_browser import SETTLE, join, note, server_map, start_workshop
from tests.browser.test_list_view import apply
from tests.support.server import ServerProcess


def add(note_id: str, kind: str, text: str, x: float, y: float) -> dict[str, Any]:
    return {"op": "note.add", "id": note_id, "kind": kind, "text": text, "x": x, "y": y}


def link(link_id: str, source: str, target: str, label: str = "") -> dict[str, Any]:
    return {"op": "link.add", "id": link_id, "source": source, "target": target, "label": label}


async def focused_id(page: Page) -> str | None:
    found: str | None = await page.evaluate("document.activeElement?.dataset.id ?? null")
    return found


async def labels(server: ServerProcess, page: Page, workshop_id: str) -> dict[str, str]:
    await expect(page.locator("[data-pending]")).to_have_text("", timeout=SETTLE)
    return {lk["id"]: lk["label"] for lk in (await server_map(server, page, workshop_id))["links"]}


async def test_an_arrow_is_selected_labelled_relabelled_and_deleted_by_keyboard(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Arrows by keyboard")
    await apply(
        server,
        fac,
        workshop_id,
        add("train001", "activity", "Train officials", 0, 0),
        add("skill001", "output", "Officials skilled", 400, 0),
        add("fund0001", "activity", "Funding", 0, 300),
        link("lnkout01", "train001", "skill001"),
        link("lnkin001", "fund0001", "train001", "pays for"),
    )
    await expect(fac.locator(".link")).to_have_count(2, timeout=SETTLE)
    await note(fac, "Train officials").focus()

    # A goes to the note's arrows, the one leaving it first; the arrow keys go round them.
    await fac.keyboard.press("a")
    out = fac.locator(".link[data-id=lnkout01]")
    await expect(out).to_be_focused()
    await expect(out).to_have_attribute(
        "aria-label", re.compile("^Arrow from “Train officials” to “Officials skilled”, no label")
    )
    await fac.keyboard.press("ArrowRight")
    await expect(fac.locator(".link[data-id=lnkin001]")).to_be_focused()
    await fac.keyboard.press("ArrowLeft")
    await expect(out).to_be_focused()

    # Enter labels it in place; Enter again relabels; Escape cancels an edit.
    await fac.keyboard.press("Enter")
    await expect(fac.locator(".link-label-input")).to_be_focused()
    await fac.keyboard.type("leads to")
    await fac.keyboard.press("Enter")
    await expect(out).to_be_focused()
    await expect(fac.locator(".link-label[data-id=lnkout01]")).to_have_text("leads to")
    await fac.keyboard.press("Enter")
    await fac.keyboard.type("builds")  # the old label is selected: typing replaces it
    await fac.keyboard.press("Enter")
    await expect(fac.locator(".link-label[data-id=lnkout01]")).to_have_text("builds")
    await fac.keyboard.press("Enter")
    await fac.keyboard.type("never saved")
    await fac.keyboard.press("Escape")
    await expect(out).to_be_focused()
    assert await labels(server, fac, workshop_id) == {"lnkout01": "builds", "lnkin001": "pays for"}

    # Backspace deletes nothing; Delete removes the arrow, focus goes to the note's next one; Escape back to it.
    await fac.keyboard.press("Backspace")
    assert await fac.evaluate("window.pathweaver.view().links.size") == 2
    await fac.keyboard.press("Delete")
    await expect(fac.locator(".link[data-id=lnkin001]")).to_be_focused()
    assert await labels(server, fac, workshop_id) == {"lnkin001": "pays for"}
    await fac.keyboard.press("Escape")
    await expect(note(fac, "Train officials")).to_be_focused()

    # The deletion goes through the undo history like any other.
    await fac.keyboard.press("Control+z")
    await expect(fac.locator(".link-label[data-id=lnkout01]")).to_have_text("builds", timeout=SETTLE)
    assert await labels(server, fac, workshop_id) == {"lnkout01": "builds", "lnkin001": "pays for"}


async def test_single_key_shortcuts_act_only_on_the_board_and_backspace_deletes_nothing(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Shortcuts")
    await apply(
        server,
        fac,
        workshop_id,
        add("keep0001", "activity", "Keep me", 0, 0),
        add("keep0002", "output", "Keep me too", 400, 0),
        link("keeplink", "keep0001", "keep0002", "leads to"),
    )
    await expect(fac.locator(".link-label", has_text="leads to")).to_be_visible(timeout=SETTLE)
    count = "[window.pathweaver.view().notes.size, window.pathweaver.view().links.size]"

    # An arrow selected with the pointer, then focus in the console: N, L, A, Delete and Backspace do nothing.
    await fac.locator(".link-label", has_text="leads to").click()
    await expect(fac.locator("[data-link-panel]")).to_be_visible()
    await fac.locator("[data-action=lock]").focus()
    for key in ("n", "l", "a", "Delete", "Backspace"):
        await fac.keyboard.press(key)
    await expect(fac.locator(".note-input")).to_have_count(0)
    await expect(fac.locator("[data-action=lock]")).to_be_focused()
    assert await fac.evaluate(count) == [2, 1]

    # Nor in a field of the console.
    await fac.locator("#rename-question").fill("")
    await fac.keyboard.type("nla")
    await expect(fac.locator("#rename-question")).to_have_value("nla")
    await expect(fac.locator(".note-input")).to_have_count(0)

    # On a note, Backspace deletes nothing; on the board, N adds a note.
    await note(fac, "Keep me too").focus()
    await fac.keyboard.press("Backspace")
    assert await fac.evaluate(count) == [2, 1]
    await fac.keyboard.press("n")
    await expect(fac.locator(".note-input")).to_be_focused()
    await fac.keyboard.press("Escape")
    assert await fac.evaluate(count) == [2, 1]


async def test_tab_goes_through_the_notes_column_by_column_and_skip_links_lead_to_the_console_and_board(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Reading order")
    # Added in an order unlike the map's: impact, activity (lower), output, activity (top), outcome.
    await apply(
        server,
        fac,
        workshop_id,
        add("impact01", "impact", "Policies use evidence", 900, 0),
        add("activ002", "activity", "Train officials", 0, 250),
        add("output01", "output", "Officials skilled", 300, 100),
        add("activ001", "activity", "Review evidence", 10, 0),
        add("outcom01", "outcome", "Officials ask for evidence", 600, 50),
    )
    await expect(fac.locator(".note:not(.pending)")).to_have_count(5, timeout=SETTLE)
    reading = ["activ001", "activ002", "output01", "outcom01", "impact01"]

    await note(fac, "Review evidence").focus()
    seen = [await focused_id(fac)]
    for _ in range(4):
        await fac.keyboard.press("Tab")
        seen.append(await focused_id(fac))
    assert seen == reading
    await fac.keyboard.press("Shift+Tab")
    assert await focused_id(fac) == "outcom01"

    # Someone moves the impact to the far left: it comes first, and the focus stays where it was.
    ana = await join(browser, join_url, "Ana")
    await apply(server, ana, workshop_id, {"op": "note.move", "id": "impact01", "x": -400, "y": 0})
    first = fac.locator("[data-notes] > .note").first
    await expect(first).to_have_attribute("data-id", "impact01", timeout=SETTLE)
    await expect(note(fac, "Officials ask for evidence")).to_be_focused()

    # The first Tab on the page reaches the skip links: the facilitator's leads to the console ...
    await fac.reload()
    await expect(fac.locator(".connection.live")).to_be_visible()
    await fac.keyboard.press("Tab")
    await expect(fac.locator(":focus")).to_have_text("Skip to the facilitator console")
    await fac.keyboard.press("Enter")
    await expect(fac.locator("#console")).to_be_focused()
    # ... and a participant's to the board, on its first note.
    await ana.keyboard.press("Tab")
    await expect(ana.locator(":focus")).to_have_text("Skip to the board")
    await ana.keyboard.press("Enter")
    await expect(note(ana, "Policies use evidence")).to_be_focused()
    await ana.keyboard.press("Tab")
    assert await focused_id(ana) == "activ001"


async def test_others_changes_are_announced_politely_gathered_and_never_ones_own(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Announcements")
    ana = await join(browser, join_url, "Ana")
    record = """() => {
        window.__said = [];
        const region = document.querySelector("[data-announcements]");
        new MutationObserver(() => window.__said.push([performance.now(), region.textContent]))
            .observe(region, {childList: true, characterData: true, subtree: true});
    }"""
    for page in (fac, ana):
        await page.evaluate(record)
    region = fac.locator("[data-announcements]")
    await expect(region).to_have_attribute("aria-live", "polite")

    # A burst of Ana's changes is said once, together.
    send = """(ops) => { for (const [op, fields] of ops) window.pathweaver.send(op, fields); }"""
    await ana.evaluate(send, [["note.add", add(f"burst00{i}", "activity", f"Idea {i}", i * 250, 0)] for i in range(3)])
    await expect(region).to_have_text("3 notes added by Ana.", timeout=SETTLE)

    # The next burst waits its turn: no sooner than a few seconds after the last announcement.
    await ana.evaluate(
        send,
        [
            ["note.update", {"id": "burst000", "text": "Idea zero"}],
            ["link.add", link("burstlnk", "burst000", "burst001")],
            ["note.delete", {"id": "burst002"}],
        ],
    )
    await expect(region).to_have_text("1 note edited, 1 note deleted and 1 arrow added by Ana.", timeout=8000)
    said = await fac.evaluate("window.__said")
    assert [text for _, text in said] == [
        "3 notes added by Ana.",
        "1 note edited, 1 note deleted and 1 arrow added by Ana.",
    ]
    assert said[1][0] - said[0][0] >= 4500

    # A single edit quotes the note; the facilitator locking the board is said to Ana.
    await ana.evaluate(send, [["note.update", {"id": "burst001", "text": "Idea one, sharper"}]])
    await expect(region).to_have_text("Ana edited a note: “Idea one, sharper”.", timeout=8000)
    await fac.click("[data-action=lock]")
    await expect(ana.locator("[data-announcements]")).to_have_text(
        re.compile(r"^\S.* locked the board\.$"), timeout=8000
    )
    # Nobody hears their own changes.
    assert all("Ana" not in text for _, text in await ana.evaluate("window.__said"))
    assert all("locked" not in text for _, text in await fac.evaluate("window.__said"))


async def test_a_list_row_whose_note_someone_else_moves_to_another_kind_keeps_its_panel_open_and_focus(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "List focus")
    await apply(
        server,
        fac,
        workshop_id,
        add("brief001", "output", "Evidence briefings", 0, 0),
        add("train001", "activity", "Train officials", 0, 200),
        link("lnk00001", "train001", "brief001", "produces"),
    )
    ana = await join(browser, join_url, "Ana")
    await ana.goto(f"{server.url}/w/{workshop_id}/list")
    await expect(ana.locator(".connection.live")).to_be_visible()
    row = ana.locator("#row-brief001")
    await row.locator("summary").click()
    field = ana.locator("#link-brief001-lnk00001")  # the label of the link that leads here
    await field.click()
    await field.press("End")
    await ana.keyboard.type(" weekly")

    # The facilitator makes the note an outcome (its row moves to another section) and adds another
    # note of that kind: her row stays open, and her focus, text and caret stay.
    await apply(server, fac, workshop_id, {"op": "note.update", "id": "brief001", "kind": "outcome"})
    await apply(server, fac, workshop_id, add("other001", "outcome", "Officials ask", 300, 0))
    await expect(ana.locator("section[data-kind=outcome] #row-brief001")).to_be_visible(timeout=SETTLE)
    await expect(ana.locator("#row-other001")).to_be_visible(timeout=SETTLE)
    await expect(row.locator("details")).to_have_attribute("open", "")
    await expect(field).to_be_focused()
    await expect(field).to_have_value("produces weekly")
    await ana.keyboard.type("!")
    await expect(field).to_have_value("produces weekly!")
