"""The list view in a real browser: it keeps edits made offline, shows and edits links both ways, never takes a
person's focus or typing away when others change the map, and works without scripts too."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
from playwright.async_api import Page, expect

from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, server_map, start_workshop
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def row(page: Page, text: str) -> Any:
    """The list row of the note whose text is exactly `text`."""
    exactly = page.locator(".note-row-text", has_text=re.compile(f"^{re.escape(text)}$"))
    return page.locator(".note-row").filter(has=exactly)


async def token(page: Page, workshop_id: str) -> str:
    return {c["name"]: c["value"] for c in await page.context.cookies()}[f"pw_{workshop_id}"]


async def apply(server: ServerProcess, page: Page, workshop_id: str, *frames: dict[str, Any]) -> None:
    """Operations over the HTTP API as the person of `page`, each answered once stored."""
    headers = {"Authorization": f"Bearer {await token(page, workshop_id)}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
        for frame in frames:
            r = await http.post(f"/api/workshops/{workshop_id}/ops", json=frame)
            assert r.status_code == 200, r.text


def add(note_id: str, kind: str, text: str, x: float = 0) -> dict[str, Any]:
    return {"op": "note.add", "id": note_id, "kind": kind, "text": text, "x": x, "y": 0}


async def open_list(page: Page, server: ServerProcess, workshop_id: str) -> None:
    await page.goto(f"{server.url}/w/{workshop_id}/list")
    await expect(page.locator(".connection.live")).to_be_visible()


async def test_edits_made_offline_in_the_list_view_are_kept_and_saved_once(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Patchy wifi, list view")
    await apply(server, fac, workshop_id, add("brief001", "output", "Evidence briefings"))
    ana = await join(browser, join_url, "Ana")
    await open_list(ana, server, workshop_id)

    await ana.context.set_offline(True)
    await expect(ana.locator(".connection.offline")).to_be_visible()
    await ana.fill("#add-text", "Officials trained")
    await ana.select_option("#add-kind", "outcome")
    await ana.click("form:has(#add-text) button[type=submit]")
    briefings = row(ana, "Evidence briefings")
    await briefings.locator(":scope > details > summary").click()
    await briefings.locator("textarea[name=text]").fill("Monthly evidence briefings")
    await briefings.get_by_role("button", name="Save", exact=True).click()
    trained = row(ana, "Officials trained")
    await trained.locator(":scope > details > summary").click()
    await trained.get_by_label("Link this note to").select_option(label="Monthly evidence briefings")
    await trained.get_by_label("Label (optional)").fill("asks for")
    await trained.get_by_role("button", name="Link", exact=True).click()

    # Shown at once, marked as waiting, and counted like on the board.
    await expect(ana.locator("[data-pending]")).to_have_text("3 changes waiting to be saved")
    await expect(trained).to_have_class("note-row pending")
    await expect(trained.locator(".note-row-meta")).to_have_text("by Ana — not yet saved")
    await expect(trained.locator(".links-out .link-end")).to_have_text("Monthly evidence briefings asks for")
    await expect(row(ana, "Monthly evidence briefings").locator(".links-in")).to_have_text("Officials trained asks for")
    stored = await server_map(server, fac, workshop_id)
    assert [n["text"] for n in stored["notes"]] == ["Evidence briefings"] and stored["links"] == []
    queued = await ana.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('pathweaver:pending:'))"
        ".map(k => JSON.parse(localStorage[k]).map(op => op.op))"
    )
    assert queued == [["note.add", "note.update", "link.add"]]

    await ana.context.set_offline(False)
    await expect(ana.locator(".connection.live")).to_be_visible(timeout=10_000)
    await expect(ana.locator("[data-pending]")).to_have_text("", timeout=SETTLE)
    await expect(trained).to_have_class("note-row")
    await expect(note(fac, "Officials trained")).to_be_visible(timeout=SETTLE)
    await expect(note(fac, "Monthly evidence briefings")).to_be_visible(timeout=SETTLE)
    stored = await server_map(server, fac, workshop_id)
    notes = {n["id"]: n for n in stored["notes"]}
    assert sorted(n["text"] for n in notes.values()) == ["Monthly evidence briefings", "Officials trained"]
    assert [(notes[lk["source"]]["text"], notes[lk["target"]]["text"], lk["label"]) for lk in stored["links"]] == [
        ("Officials trained", "Monthly evidence briefings", "asks for")
    ]
    assert notes["brief001"]["version"] == 2  # edited once, not once per resend
    assert stored["head"] == (await server_map(server, ana, workshop_id))["head"]


async def test_the_list_shows_what_leads_here_and_relabels_and_unlinks(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Both ways")
    await apply(
        server,
        fac,
        workshop_id,
        add("train001", "activity", "Train officials"),
        add("skill001", "output", "Officials trained", 240),
        add("cites001", "impact", "Ministers cite evidence", 480),
        {"op": "link.add", "id": "link0001", "source": "train001", "target": "skill001", "label": "produces"},
        {"op": "link.add", "id": "link0002", "source": "skill001", "target": "cites001"},
    )
    phone = await join(browser, join_url, "Pat", **PHONE)
    await open_list(phone, server, workshop_id)
    trained = row(phone, "Officials trained")
    await expect(trained.get_by_role("list", name="Leads to").locator(".link-end")).to_have_text(
        "Ministers cite evidence"
    )
    await expect(trained.get_by_role("list", name="What leads here")).to_have_text("Train officials produces")
    await expect(row(phone, "Train officials").get_by_role("list", name="What leads here")).to_have_count(0)

    # Relabel the link that leads here, by keyboard alone.
    await trained.locator(":scope > details > summary").focus()
    await phone.keyboard.press("Enter")
    field = trained.get_by_label("Label of the link from Train officials")
    await expect(field).to_have_value("produces")
    await field.focus()
    await phone.keyboard.press("Control+a")
    await phone.keyboard.type("trains")
    await phone.keyboard.press("Enter")
    await expect(row(phone, "Train officials").get_by_role("list", name="Leads to").locator(".link-end")).to_have_text(
        "Officials trained trains", timeout=SETTLE
    )
    await expect(fac.locator(".link-label", has_text="trains")).to_be_visible(timeout=SETTLE)
    # Done, the row folds away, and the keyboard is still on it.
    await expect(trained.locator(":scope > details")).not_to_have_attribute("open", "")
    await expect(trained.locator(":scope > details > summary")).to_be_focused()
    assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # Unlink from the other end: the note that is led to.
    cites = row(phone, "Ministers cite evidence")
    await cites.locator(":scope > details > summary").click()
    await cites.get_by_role("button", name="Unlink from Officials trained").click()
    await expect(cites.get_by_role("list", name="What leads here")).to_have_count(0)
    await expect(trained.get_by_role("list", name="Leads to")).to_have_count(0)
    await expect(cites.locator(":scope > details > summary")).to_be_focused()  # not lost with the form that went
    await expect(cites.locator(":scope > details")).not_to_have_attribute("open", "")
    stored = await server_map(server, fac, workshop_id)
    assert [(lk["id"], lk["label"]) for lk in stored["links"]] == [("link0001", "trains")]


async def test_others_edits_never_take_a_list_view_users_focus_typing_or_open_row(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Busy room")
    await apply(server, fac, workshop_id, add("brief001", "output", "Evidence briefings"))
    ana = await join(browser, join_url, "Ana")
    await open_list(ana, server, workshop_id)
    briefings = ana.locator("#row-brief001")  # by id: its text is about to change
    await briefings.locator(":scope > details > summary").click()
    field = ana.locator("#text-brief001")
    await field.click()
    await ana.keyboard.press("Control+a")
    await ana.keyboard.type("Briefings for ministers")
    for _ in range(len(" for ministers")):
        await ana.keyboard.press("ArrowLeft")

    async def others_busy() -> None:
        for i in range(4):
            await add_note(fac, f"Someone else's note {i}")
        first = (await server_map(server, fac, workshop_id))["notes"][1]["id"]
        await apply(
            server,
            fac,
            workshop_id,
            {"op": "link.add", "id": "link0001", "source": "brief001", "target": first},
            {"op": "note.update", "id": "brief001", "text": "Changed by the facilitator"},
        )

    # Ana types, a key at a time, while the facilitator adds notes, links hers and edits its text.
    await asyncio.gather(others_busy(), ana.keyboard.type(" weekly", delay=40))
    for i in range(4):  # the list kept up while she typed ...
        await expect(row(ana, f"Someone else's note {i}")).to_be_visible(timeout=SETTLE)
    await expect(briefings.get_by_role("list", name="Leads to").locator(".link-end")).to_have_text(
        "Someone else's note 0", timeout=SETTLE
    )
    await expect(briefings.locator(".note-row-text")).to_have_text("Changed by the facilitator", timeout=SETTLE)
    # ... and her field kept its focus, her text and her caret, in a row still open.
    await expect(field).to_be_focused()
    await expect(field).to_have_value("Briefings weekly for ministers")
    assert await field.evaluate("f => [f.selectionStart, f.selectionEnd]") == [16, 16]
    await expect(briefings.locator(":scope > details")).to_have_attribute("open", "")
    await ana.keyboard.type("!")
    await expect(field).to_have_value("Briefings weekly! for ministers")

    # A half-written note, with focus moved on to its button, survives others' changes as well.
    await ana.fill("#add-text", "Half-written idea")
    await ana.focus("form:has(#add-text) button[type=submit]")
    await add_note(fac, "Yet another note")
    await expect(row(ana, "Yet another note")).to_be_visible(timeout=SETTLE)
    await expect(ana.locator("#add-text")).to_have_value("Half-written idea")
    await expect(ana.locator("form:has(#add-text) button[type=submit]")).to_be_focused()
    await expect(briefings.locator(":scope > details")).to_have_attribute("open", "")
    await expect(field).to_have_value("Briefings weekly! for ministers")  # not saved, not overwritten


async def test_the_list_view_works_without_scripts_and_reads_the_same_with_them(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "No scripts")
    await apply(
        server,
        fac,
        workshop_id,
        add("train001", "activity", "Train officials"),
        add("skill001", "output", "Officials trained", 240),
        {"op": "link.add", "id": "link0001", "source": "train001", "target": "skill001", "label": "produces"},
    )
    plain = await (await browser.new_context(java_script_enabled=False)).new_page()
    await plain.goto(join_url)
    await plain.fill("#name", "Nina")
    await plain.click("text=Join the board")
    await plain.goto(f"{server.url}/w/{workshop_id}/list")
    await plain.fill("#add-text", "Ministers cite evidence")
    await plain.select_option("#add-kind", "impact")
    await plain.click("form:has(#add-text) button[type=submit]")
    await expect(row(plain, "Ministers cite evidence")).to_be_visible()
    trained = row(plain, "Officials trained")
    await trained.locator(":scope > details > summary").click()
    await trained.get_by_label("Label of the link from Train officials").fill("trains")
    await trained.get_by_role("button", name="Relabel the link from Train officials").click()
    await expect(row(plain, "Train officials").locator(".links-out .link-end")).to_have_text("Officials trained trains")
    stored = await server_map(server, fac, workshop_id)
    assert [lk["label"] for lk in stored["links"]] == ["trains"]
    assert "Ministers cite evidence" in [n["text"] for n in stored["notes"]]

    # The list drawn by the page's scripts reads exactly as the server's, to a screen reader too.
    await open_list(fac, server, workshop_id)
    for page in (plain, fac):
        await row(page, "Officials trained").locator(":scope > details > summary").click()
    await expect(fac.locator("#text-skill001")).to_be_visible()
    assert await fac.locator("#list").aria_snapshot() == await plain.locator("#list").aria_snapshot()


async def test_locking_takes_the_list_views_forms_from_participants_and_unlocking_gives_them_back(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Locked list")
    await apply(server, fac, workshop_id, add("brief001", "output", "Evidence briefings"))
    ana = await join(browser, join_url, "Ana")
    await open_list(ana, server, workshop_id)
    await expect(ana.locator("#row-brief001 summary")).to_be_visible()
    await fac.click("[data-action=lock]")
    await expect(ana.locator("[data-locked-banner]")).to_be_visible(timeout=SETTLE)
    await expect(ana.locator("form[data-add-form]")).to_be_hidden()
    await expect(ana.locator("#row-brief001 details")).to_have_count(0)
    await fac.click("[data-action=lock]")
    await expect(ana.locator("[data-locked-banner]")).to_be_hidden(timeout=SETTLE)
    await expect(ana.locator("form[data-add-form]")).to_be_visible()
    await expect(ana.locator("#row-brief001 summary")).to_be_visible()


async def test_a_note_given_a_colour_never_used_before_shows_it_in_the_list_at_once(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Colours, live")
    await apply(server, fac, workshop_id, add("brief001", "output", "Evidence briefings"))
    await open_list(fac, server, workshop_id)
    await apply(server, fac, workshop_id, {"op": "note.update", "id": "brief001", "colour": "#123456"})
    await expect(fac.locator("#row-brief001")).to_have_css("border-left-color", "rgb(18, 52, 86)", timeout=SETTLE)


async def test_export_links_in_the_console_are_at_least_24_px_tall(browser: Any, server: ServerProcess) -> None:
    fac, _, _ = await start_workshop(browser, server, "Targets")
    links = fac.locator(".console .exports a")
    assert await links.count() >= 10
    for box in await links.evaluate_all("els => els.map((a) => a.getBoundingClientRect().toJSON())"):
        assert box["height"] >= 24 and box["width"] >= 24, box
