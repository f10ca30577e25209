"""Nothing destroyed by accident: undo and redo through the server, and no delete from one stray tap."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, server_map, start_workshop
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def content(stored: dict[str, Any]) -> dict[str, Any]:
    """What a person sees of the map: notes and links by id, without versions and times."""
    return {
        "notes": {n["id"]: (n["text"], n["kind"], n["x"], n["y"]) for n in stored["notes"]},
        "links": {lk["id"]: (lk["source"], lk["target"], lk["label"]) for lk in stored["links"]},
    }


async def saved(page: Page) -> None:
    """Wait until nothing this page sent is waiting for the server, undo steps included."""
    await expect(page.locator("[data-pending]")).to_have_text("", timeout=SETTLE)


async def server_content(server: ServerProcess, page: Page, workshop_id: str) -> dict[str, Any]:
    await saved(page)
    return content(await server_map(server, page, workshop_id))


async def until_server_has(server: ServerProcess, page: Page, workshop_id: str, wanted: dict[str, Any]) -> None:
    deadline = time.monotonic() + SETTLE / 1000
    while (now := await server_content(server, page, workshop_id)) != wanted:
        assert time.monotonic() < deadline, f"the server has {now}, expected {wanted}"
        await asyncio.sleep(0.05)


async def drag(page: Page, text: str, dx: float, dy: float) -> None:
    found = await note(page, text).bounding_box()
    assert found is not None
    x, y = found["x"] + 60, found["y"] + 60
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(x + dx / 2, y + dy / 2, steps=4)
    await page.mouse.move(x + dx, y + dy, steps=4)
    await page.mouse.up()


async def focus_board(page: Page) -> None:
    """Leave any text field: board shortcuts apply."""
    await page.evaluate("document.activeElement && document.activeElement.blur()")


@pytest.mark.rule("P31")
async def test_each_change_is_undone_and_redone_through_the_server(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Undo everything")
    ana = await join(browser, join_url, "Ana")
    states = [await server_content(server, ana, workshop_id)]

    async def did() -> None:
        states.append(await server_content(server, ana, workshop_id))
        assert states[-1] != states[-2], "the change reached the server"

    await add_note(ana, "Ministers use evidence")
    await did()
    await add_note(ana, "Evidence briefings")
    await did()
    await note(ana, "Ministers use evidence").dblclick()  # edit the text
    await ana.keyboard.press("Control+a")
    await ana.keyboard.type("Ministers cite our evidence")
    await ana.keyboard.press("Enter")
    await did()
    await note(ana, "Ministers cite our evidence").focus()  # change its kind
    await ana.keyboard.press("Enter")
    await ana.locator(".note-kind-select").select_option("outcome")
    await ana.locator(".note-kind-select").press("Enter")
    await did()
    await drag(ana, "Ministers cite our evidence", 140, 90)  # move
    await did()
    await note(ana, "Evidence briefings").focus()  # link
    await ana.keyboard.press("l")
    await note(ana, "Ministers cite our evidence").focus()
    await ana.keyboard.press("l")
    await did()
    line = await ana.locator(".link .link-line").bounding_box()  # label it
    assert line is not None
    await ana.mouse.click(line["x"] + line["width"] / 2, line["y"] + line["height"] / 2)
    await ana.fill("#link-label", "informs")
    await ana.press("#link-label", "Enter")
    await did()
    await note(ana, "Ministers cite our evidence").focus()  # delete (the link goes with it)
    await ana.keyboard.press("Delete")
    await expect(ana.locator("[data-toast]")).to_contain_text("Deleted “Ministers cite our evidence” and 1 link.")
    await did()

    # Undo every step, the newest first, each through the server; then redo each.
    await focus_board(ana)
    for expected in reversed(states[:-1]):
        await ana.keyboard.press("Control+z")
        await until_server_has(server, ana, workshop_id, expected)
    await expect(ana.locator("[data-action=undo]")).to_be_disabled()
    keys = ["redo-button", "Control+Shift+z", "Control+y"]
    for i, expected in enumerate(states[1:]):
        how = keys[i % len(keys)]
        if how == "redo-button":
            await ana.click("[data-action=redo]")
        else:
            await ana.keyboard.press(how)
        await until_server_has(server, ana, workshop_id, expected)
    await expect(ana.locator("[data-action=redo]")).to_be_disabled()
    # The facilitator's board followed every step: undo is an ordinary change for everyone.
    await expect(fac.locator(".note")).to_have_count(len(states[-1]["notes"]), timeout=SETTLE)
    assert await fac.evaluate("window.pathweaver.map.head") == await ana.evaluate("window.pathweaver.map.head")


@pytest.mark.rule("P31")
async def test_undoing_a_delete_brings_the_note_back_with_its_links(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Links come back")
    for text in ("Research synthesis", "Ministers read it", "Briefing sessions"):
        await add_note(fac, text)
    await note(fac, "Research synthesis").focus()
    await fac.keyboard.press("l")
    await note(fac, "Ministers read it").focus()
    await fac.keyboard.press("l")
    await note(fac, "Briefing sessions").focus()
    await fac.keyboard.press("l")
    await note(fac, "Research synthesis").focus()
    await fac.keyboard.press("l")
    before = await server_content(server, fac, workshop_id)
    assert len(before["links"]) == 2

    # Delete with the mouse: the × shows on hover, and the toast says what went with the note.
    await note(fac, "Research synthesis").hover()
    await note(fac, "Research synthesis").locator(".note-delete").click()
    toast = fac.locator("[data-toast]")
    await expect(toast).to_contain_text("Deleted “Research synthesis” and 2 links.")
    await expect(toast).to_have_attribute("role", "alert")  # announced
    after_delete = await server_content(server, fac, workshop_id)
    assert len(after_delete["notes"]) == 2 and after_delete["links"] == {}
    # The toast's Undo is reached with the keyboard alone.
    for _ in range(60):
        await fac.keyboard.press("Tab")
        if await fac.evaluate("document.activeElement.classList.contains('toast-action')"):
            break
    else:
        raise AssertionError("Tab never reached the toast's Undo button")
    await expect(fac.locator(".toast-action")).to_have_accessible_name("Undo")
    await fac.keyboard.press("Enter")
    await until_server_has(server, fac, workshop_id, before)  # the same ids, links and labels


@pytest.mark.rule("P32")
async def test_undo_after_someone_else_changed_the_note_is_refused_and_says_who(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Not yours to undo")
    ana = await join(browser, join_url, "Ana")
    await add_note(ana, "Practitioners trained")
    await note(ana, "Practitioners trained").dblclick()
    await ana.keyboard.press("Control+a")
    await ana.keyboard.type("Practitioners trained twice")
    await ana.keyboard.press("Enter")
    await saved(ana)
    # The facilitator rewrites it meanwhile.
    await note(fac, "Practitioners trained twice").dblclick()
    await fac.keyboard.press("Control+a")
    await fac.keyboard.type("Practitioners trained in evidence use")
    await fac.keyboard.press("Enter")
    await expect(note(ana, "Practitioners trained in evidence use")).to_be_visible(timeout=SETTLE)
    before = await server_content(server, fac, workshop_id)

    await focus_board(ana)
    await ana.keyboard.press("Control+z")
    name = await fac.evaluate("window.pathweaver.you.name")
    await expect(ana.locator("[data-toast]")).to_have_text(f"{name} changed this note since; not undone.")
    await saved(ana)
    assert await server_content(server, fac, workshop_id) == before  # the other's edit stays
    await expect(note(ana, "Practitioners trained in evidence use")).to_be_visible()
    # The refused step is gone; the one before it (adding the note) is refused too, not forced through.
    await ana.keyboard.press("Control+z")
    await expect(ana.locator("[data-toast]")).to_contain_text("changed this note since; not undone.")
    assert await server_content(server, fac, workshop_id) == before


async def test_history_survives_a_reload(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Reloaded")
    ana = await join(browser, join_url, "Ana")
    empty = await server_content(server, ana, workshop_id)
    await add_note(ana, "Kept across reloads")
    added = await server_content(server, ana, workshop_id)
    await note(ana, "Kept across reloads").focus()
    await ana.keyboard.press("ArrowRight")
    await ana.keyboard.press("ArrowDown")
    moved = await server_content(server, ana, workshop_id)

    await ana.reload()
    await expect(ana.locator(".connection.live")).to_be_visible()
    await expect(ana.locator("[data-action=undo]")).to_be_enabled()
    await ana.keyboard.press("Control+z")  # both arrow presses were one step
    await until_server_has(server, ana, workshop_id, added)
    await ana.keyboard.press("Control+z")
    await until_server_has(server, ana, workshop_id, empty)
    await ana.reload()
    await expect(ana.locator(".connection.live")).to_be_visible()
    await ana.keyboard.press("Control+Shift+z")
    await until_server_has(server, ana, workshop_id, added)
    await ana.click("[data-action=redo]")
    await until_server_has(server, ana, workshop_id, moved)
    await expect(note(fac, "Kept across reloads")).to_be_visible()


async def test_a_stray_tap_on_a_notes_corner_deletes_nothing_on_a_phone(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Phones in the room")
    await add_note(fac, "Local services adopt the guidance")
    phone = await join(browser, join_url, "Pat", **PHONE)
    await expect(note(phone, "Local services adopt the guidance")).to_be_visible()
    note_id = await note(phone, "Local services adopt the guidance").get_attribute("data-id")
    target = phone.locator(f".note[data-id='{note_id}']")
    await phone.evaluate("document.activeElement && document.activeElement.blur()")
    found = await target.bounding_box()
    assert found is not None
    corner = (found["x"] + found["width"] - 17, found["y"] + 17)  # where the × is when it shows

    await phone.touchscreen.tap(*corner)
    await saved(phone)
    stored = await server_map(server, fac, workshop_id)
    assert [n["text"] for n in stored["notes"]] == ["Local services adopt the guidance"]
    # A double-tap there (the second tap right after the first selected the note) opens the note, deletes nothing.
    await phone.evaluate("document.activeElement && document.activeElement.blur()")
    await phone.touchscreen.tap(*corner)
    await phone.touchscreen.tap(*corner)
    await expect(target.locator(".note-input")).to_be_visible()
    await target.locator(".note-input").press("Escape")
    await saved(phone)
    stored = await server_map(server, fac, workshop_id)
    assert [n["text"] for n in stored["notes"]] == ["Local services adopt the guidance"]
    # Selected, the note shows its tools a moment later, beside it and big enough to aim at; Delete deletes.
    await expect(target.locator(".note-delete")).to_be_hidden()  # on a touch screen the corner × is never there
    delete = phone.locator(".note-tools").get_by_role("button", name="Delete")
    await expect(delete).to_be_visible()
    size = await delete.bounding_box()
    assert size is not None and size["width"] >= 24 and size["height"] >= 24
    await delete.tap()
    await expect(phone.locator("[data-toast]")).to_contain_text("Deleted “Local services adopt the guidance”.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await phone.screenshot(path=str(SCREENSHOTS / "undo-toast-phone.png"))
    await phone.locator(".toast-action").tap()
    await expect(note(fac, "Local services adopt the guidance")).to_be_visible(timeout=SETTLE)
    await expect(phone.locator("[data-action=redo]")).to_be_enabled()
    await phone.screenshot(path=str(SCREENSHOTS / "undo-buttons-phone.png"))


async def test_ctrl_z_in_a_text_field_undoes_the_field_not_the_board(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Fields keep their own undo")
    await add_note(fac, "Evidence reviews")
    before = await server_content(server, fac, workshop_id)
    await note(fac, "Evidence reviews").dblclick()
    area = fac.locator(".note-input")
    await area.press("End")
    await fac.keyboard.type(" commissioned")
    await expect(area).to_have_value("Evidence reviews commissioned")
    await fac.keyboard.press("Control+z")
    await expect(area).not_to_have_value("Evidence reviews commissioned")
    await fac.keyboard.press("Escape")
    await fac.fill("#rename-question", "What changed?")
    await fac.keyboard.press("Control+z")
    await expect(fac.locator("#rename-question")).not_to_have_value("What changed?")
    assert await server_content(server, fac, workshop_id) == before  # the note was not un-added
    await expect(fac.locator("[data-action=undo]")).to_be_enabled()
    await fac.set_viewport_size({"width": 1920, "height": 1080})
    await note(fac, "Evidence reviews").focus()
    await fac.keyboard.press("Delete")
    await expect(fac.locator("[data-toast]")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await fac.screenshot(path=str(SCREENSHOTS / "undo-toast-desktop.png"))


# The history module alone (static/js/history.js has no DOM): driven with a fake protocol client in a page.
HISTORY_SCRIPT = """
async () => {
  const { History, LIMIT } = await import("/static/js/history.js");
  const sent = [], notes = new Map(), links = new Map();
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  let clock = 0;
  const make = () => new History({
    me: "me", store: storage, key: "k", now: () => clock,
    send: (op, fields) => { sent.push({ op, ...fields }); return `c${sent.length}`; },
  });
  const h = make();
  const view = () => ({ notes, links });
  const ack = (seq) => h.acked([{ cid: `c${sent.length}`, seq }]);
  const out = {};

  notes.set("n1", { id: "n1", kind: "impact", text: "A", x: 0, y: 0, version: 1 });
  h.perform("note.add", { id: "n1", kind: "impact", text: "A", x: 0, y: 0 }, view());
  out.queuedWhileSaving = h.undo();  // the add is not stored yet: the undo waits for it
  out.sentWhileSaving = sent.length;
  ack(5);  // stored: the queued undo goes now, expecting version 1
  out.undoOfAdd = sent[sent.length - 1];
  ack(6);
  h.observe({ seq: 6, op: "note.delete", by: "me", data: { id: "n1", links: [] } }, { links });

  // Moves of one note close together are one step; its undo expects the version the last one left.
  h.redo();
  ack(7);
  h.observe({ seq: 7, op: "note.restore", by: "me", data: { id: "n1", version: 7, links: [] } }, { links });
  for (const x of [10, 20, 30]) {
    clock += 100;
    h.perform("note.move", { id: "n1", x, y: 0 }, view());
    h.observe({ seq: 8, op: "note.move", by: "me", data: { id: "n1", x, y: 0, version: 8 + x / 10 } }, { links });
    notes.set("n1", { ...notes.get("n1"), x });
    ack(8 + x / 10);
  }
  out.steps = h.done.length;
  h.undo();
  out.undoOfMoves = sent[sent.length - 1];
  ack(12);

  // Someone else's change is remembered, to say who when an undo is refused.
  h.observe({ seq: 13, op: "note.update", by: "ana", data: { id: "n1", text: "B", version: 13 } }, { links });
  h.redo();
  out.refusal = h.refused(`c${sent.length}`, "changed_since", view(), new Map([["ana", { name: "Ana" }]]));
  out.afterRefusal = [h.done.length, h.undone.length];

  // A refused change of one's own is no step; history is bounded; and it survives a reload.
  h.perform("note.update", { id: "n1", text: "C" }, view());
  h.refused(`c${sent.length}`, "note_deleted", view(), new Map());
  out.afterRefusedChange = h.done.length;
  for (let i = 0; i < LIMIT + 20; i++) {
    clock += 10000;
    h.perform("note.move", { id: "n1", x: i, y: i }, view());
    ack(100 + i);
  }
  out.bounded = h.done.length;
  const again = make();
  out.reloaded = [again.done.length, again.nextUndo.after.x];
  return out;
}
"""


async def test_the_history_module_expects_the_versions_left_and_waits_for_earlier_changes(
    browser: Any, server: ServerProcess
) -> None:
    fac, _, _ = await start_workshop(browser, server, "History module")
    out = await fac.evaluate(HISTORY_SCRIPT)
    assert out["queuedWhileSaving"] == "queued" and out["sentWhileSaving"] == 1
    assert out["undoOfAdd"] == {"op": "note.delete", "id": "n1", "expect": 1, "expect_links": []}
    assert out["steps"] == 2  # the add, and one step for the three moves
    assert out["undoOfMoves"] == {"op": "note.move", "id": "n1", "x": 0, "y": 0, "expect": 11}
    assert out["refusal"] == "Ana changed this note since; not redone."
    assert out["afterRefusal"] == [1, 0]
    assert out["afterRefusedChange"] == 1
    assert out["bounded"] == 100
    assert out["reloaded"] == [100, 119]
