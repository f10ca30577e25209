"""The board as people use it, in a real browser: live collaboration, offline, keyboard, phone, safety."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Awaitable
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from server import export
from tests.browser.conftest import ROOT, SCREENSHOTS
from tests.support.maps import sample_map
from tests.support.server import ServerProcess

LIVE = 1000  # ms: a change made by one person shows for the others within a second
SETTLE = 3000  # ms: where a test is about something else than speed, a busy CI machine gets some slack

XSS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=1</script>", '"><svg onload="window.__xss=1">']


async def start_workshop(
    browser: Any, server: ServerProcess, title: str = "Evidence into policy"
) -> tuple[Page, str, str]:
    """A facilitator creates a workshop from the home page; returns (page, workshop id, join link)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(server.url)
    await page.fill("#title", title)
    await page.click("text=Create workshop")
    await expect(page.locator(".connection.live")).to_be_visible()
    workshop_id = page.url.rstrip("/").split("/")[-1]
    return page, workshop_id, await page.input_value("[data-join-url]")


async def join(browser: Any, join_url: str, name: str, **context_options: Any) -> Page:
    context = await browser.new_context(**({"viewport": {"width": 1280, "height": 800}} | context_options))
    page = await context.new_page()
    await page.goto(join_url)
    await page.fill("#name", name)
    await page.click("text=Join the board")
    await expect(page.locator(".connection.live")).to_be_visible()
    return page


async def add_note(page: Page, text: str) -> None:
    await page.keyboard.press("n")
    await page.keyboard.type(text)
    await page.keyboard.press("Enter")


def note(page: Page, text: str) -> Any:
    return page.locator(".note", has_text=text)


async def server_map(server: ServerProcess, page: Page, workshop_id: str) -> dict[str, Any]:
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    token = cookies[f"pw_{workshop_id}"]
    async with httpx.AsyncClient(base_url=server.url) as http:
        r = await http.get(f"/api/workshops/{workshop_id}/map", headers={"Authorization": f"Bearer {token}"})
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]


async def box(page: Page, text: str) -> dict[str, float]:
    found = await note(page, text).bounding_box()
    assert found is not None
    return found


async def all_within(ms: int, *expectations: Awaitable[None]) -> None:
    """Wait for every expectation at once, from this one moment: all must hold within `ms` of it, not each in turn.

    Pass each expectation with `timeout=ms`; they start together here, so none waits for another.
    """
    start = time.monotonic()
    await asyncio.gather(*expectations)
    waited = 1000 * (time.monotonic() - start)
    assert waited <= ms, f"everyone saw it only after {waited:.0f} ms; the limit is {ms} ms"


async def changed(read: Any, before: Any, timeout_ms: int) -> Any:
    """Wait until read() returns something other than `before`, for at most timeout_ms."""
    deadline = time.monotonic() + timeout_ms / 1000
    while (now := await read()) == before:
        assert time.monotonic() < deadline, f"still {before} after {timeout_ms} ms"
        await asyncio.sleep(0.02)
    return now


async def test_three_people_see_every_change_within_a_second(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server)
    ana = await join(browser, join_url, "Ana")
    ben = await join(browser, join_url, "Ben")
    await expect(fac.locator("[data-people] li.online")).to_have_count(3)

    await add_note(ana, "Ministers use evidence")
    await all_within(LIVE, *(expect(note(p, "Ministers use evidence")).to_be_visible(timeout=LIVE) for p in (fac, ben)))
    await ana.locator("[data-new-kind]").select_option("activity")
    await ana.click("[data-action=add-note]")
    await ana.keyboard.type("Evidence briefings")
    await ana.keyboard.press("Enter")
    await expect(note(ben, "Evidence briefings")).to_be_visible(timeout=LIVE)

    # edit
    await note(ben, "Evidence briefings").dblclick()
    await ben.keyboard.press("Control+a")
    await ben.keyboard.type("Monthly evidence briefings")
    await ben.keyboard.press("Enter")
    await all_within(
        LIVE, *(expect(note(p, "Monthly evidence briefings")).to_be_visible(timeout=LIVE) for p in (fac, ana))
    )

    # move: drag on Ana's screen, see it land elsewhere on Ben's
    before = await box(ben, "Ministers use evidence")
    start = await box(ana, "Ministers use evidence")
    await ana.mouse.move(start["x"] + 60, start["y"] + 60)
    await ana.mouse.down()
    for step in range(1, 11):
        await ana.mouse.move(start["x"] + 60 + 25 * step, start["y"] + 60 + 12 * step)
    await ana.mouse.up()
    after = await changed(lambda: box(ben, "Ministers use evidence"), before, LIVE)
    assert after["x"] - before["x"] > 150 and after["y"] - before["y"] > 60

    # link: drag from one note's handle onto the other
    source = note(ana, "Monthly evidence briefings")
    await source.hover()
    handle = await source.locator(".note-handle").bounding_box()
    target = await box(ana, "Ministers use evidence")
    assert handle is not None
    await ana.mouse.move(handle["x"] + 10, handle["y"] + 10)
    await ana.mouse.down()
    await ana.mouse.move(target["x"] + 100, target["y"] + 60, steps=8)
    await ana.mouse.up()
    await all_within(LIVE, *(expect(p.locator(".link .link-line")).to_have_count(1, timeout=LIVE) for p in (fac, ben)))

    # delete
    await note(ben, "Ministers use evidence").focus()
    await ben.keyboard.press("Delete")
    await all_within(
        LIVE,
        *(expect(note(p, "Ministers use evidence")).to_have_count(0, timeout=LIVE) for p in (fac, ana)),
        *(expect(p.locator(".link")).to_have_count(0, timeout=LIVE) for p in (fac, ana)),
    )
    stored = await server_map(server, fac, workshop_id)
    assert [n["text"] for n in stored["notes"]] == ["Monthly evidence briefings"] and stored["links"] == []


async def test_edits_made_offline_reach_everyone_after_reconnecting(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Patchy wifi")
    ana = await join(browser, join_url, "Ana")
    await add_note(ana, "Typed before the wifi dropped")
    await expect(note(fac, "Typed before the wifi dropped")).to_be_visible(timeout=SETTLE)

    await ana.context.set_offline(True)
    await expect(ana.locator(".connection.offline")).to_be_visible()
    await add_note(ana, "Typed while offline")
    await note(ana, "Typed before the wifi dropped").dblclick()
    await ana.keyboard.press("Control+a")
    await ana.keyboard.type("Edited while offline")
    await ana.keyboard.press("Enter")
    await expect(ana.locator("[data-pending]")).to_have_text("2 changes waiting to be saved")
    await expect(note(ana, "Typed while offline")).to_have_class("note pending")
    await fac.wait_for_timeout(300)
    await expect(note(fac, "Typed while offline")).to_have_count(0)

    # the queue is kept in the browser's storage, so closing the tab would not lose it either
    stored_queue = await ana.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('pathweaver:pending:'))"
        ".map(k => JSON.parse(localStorage[k]).length)"
    )
    assert stored_queue == [2]
    await ana.context.set_offline(False)
    await expect(ana.locator(".connection.live")).to_be_visible(timeout=5000)
    for page in (fac, ana):
        await expect(note(page, "Typed while offline")).to_be_visible(timeout=5000)
        await expect(note(page, "Edited while offline")).to_be_visible(timeout=5000)
    await expect(ana.locator("[data-pending]")).to_have_text("")
    stored = await server_map(server, fac, workshop_id)
    assert sorted(n["text"] for n in stored["notes"]) == ["Edited while offline", "Typed while offline"]


async def test_keyboard_only_create_edit_move_and_link(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Keyboard only")
    await add_note(fac, "First idea")
    await add_note(fac, "Second idea")
    await expect(fac.locator(".note:not(.pending)")).to_have_count(2)
    second = note(fac, "Second idea")
    await expect(second).to_be_focused()
    # edit with Enter
    await fac.keyboard.press("Enter")
    await fac.keyboard.press("Control+a")
    await fac.keyboard.type("Second idea, refined")
    await fac.keyboard.press("Enter")
    await expect(note(fac, "Second idea, refined")).to_be_focused()
    # move with the arrow keys
    before = {n["text"]: n for n in (await server_map(server, fac, workshop_id))["notes"]}
    await fac.keyboard.press("ArrowRight")
    await fac.keyboard.press("Shift+ArrowDown")
    await expect(fac.locator("[data-pending]")).to_have_text("")
    after = {n["text"]: n for n in (await server_map(server, fac, workshop_id))["notes"]}
    old, new = before["Second idea, refined"], after["Second idea, refined"]
    assert (new["x"] - old["x"], new["y"] - old["y"]) == (10, 50)
    # link with L, Tab to the other note (the second went up and left of the first: it comes first), Enter
    await fac.keyboard.press("l")
    await fac.keyboard.press("Tab")
    await expect(note(fac, "First idea")).to_be_focused()
    await fac.keyboard.press("Enter")
    await expect(fac.locator(".link:not(.pending)")).to_have_count(1)
    stored = await server_map(server, fac, workshop_id)
    ids = {n["text"]: n["id"] for n in stored["notes"]}
    assert [(lk["source"], lk["target"]) for lk in stored["links"]] == [
        (ids["Second idea, refined"], ids["First idea"])
    ]


async def test_phone_joins_and_adds_a_linked_note_in_the_list_view(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "On a phone")
    await add_note(fac, "Services change in practice")
    await expect(fac.locator(".note:not(.pending)")).to_have_count(1)
    phone = await join(browser, join_url, "Pat", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    await phone.click("text=List view")
    await phone.fill("#add-text", "Practitioners trained")
    await phone.select_option("#add-kind", "output")
    await phone.click("form:has(#add-text) button[type=submit]")
    row = phone.locator(".note-row").filter(has=phone.locator(".note-row-text", has_text="Practitioners trained"))
    await expect(row).to_be_visible()
    await row.locator(":scope > details > summary").click()
    await row.locator("select[name=target]").select_option(label="Services change in practice")
    await row.locator("input[name=label]").fill("leads to")
    await row.locator("text=Link").last.click()
    await expect(phone.locator(".links-out", has_text="Services change in practice")).to_be_visible()
    # and edit it, still without dragging anything
    row = phone.locator(".note-row").filter(has=phone.locator(".note-row-text", has_text="Practitioners trained"))
    await row.locator(":scope > details > summary").click()
    await row.locator("textarea[name=text]").fill("Practitioners trained in using evidence")
    await row.locator("text=Save").click()
    await expect(note(fac, "Practitioners trained in using evidence")).to_be_visible(timeout=SETTLE)
    await expect(fac.locator(".link-label", has_text="leads to")).to_be_visible(timeout=SETTLE)
    stored = await server_map(server, fac, workshop_id)
    assert [lk["label"] for lk in stored["links"]] == ["leads to"]
    assert "Practitioners trained in using evidence" in [n["text"] for n in stored["notes"]]
    assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


async def test_a_row_opened_in_the_list_view_stays_open_when_others_change_the_map(
    browser: Any, server: ServerProcess
) -> None:
    fac, _, join_url = await start_workshop(browser, server, "Open rows")
    await add_note(fac, "Evidence briefings")
    phone = await join(browser, join_url, "Pat", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    await phone.click("text=List view")
    row = phone.locator(".note-row").filter(has=phone.locator(".note-row-text", has_text="Evidence briefings"))
    await row.locator(":scope > details > summary").click()
    await expect(row.locator(":scope > details")).to_have_attribute("open", "")
    await add_note(fac, "Ministers ask for syntheses")  # the list re-renders for everyone
    await expect(phone.locator(".note-row-text", has_text="Ministers ask for syntheses")).to_be_visible(timeout=SETTLE)
    await expect(row.locator(":scope > details")).to_have_attribute("open", "")


async def test_a_row_opened_before_the_list_views_scripts_arrive_stays_open_when_they_take_over(
    browser: Any, server: ServerProcess
) -> None:
    # On a slow phone the server's list is there before its scripts: a row opened then stays open.
    fac, _, join_url = await start_workshop(browser, server, "Slow phone")
    await add_note(fac, "Evidence briefings")
    phone = await join(browser, join_url, "Pat", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    release = asyncio.Event()

    async def hold_the_script(route: Any) -> None:
        await release.wait()
        await route.continue_()

    await phone.route("**/static/js/list.js", hold_the_script)
    await phone.click("text=List view")
    row = phone.locator(".note-row").filter(has=phone.locator(".note-row-text", has_text="Evidence briefings"))
    await row.locator(":scope > details > summary").click()
    await expect(row.locator(":scope > details")).to_have_attribute("open", "")
    server_row = await row.element_handle()
    release.set()
    await phone.wait_for_function("(row) => !row.isConnected", arg=server_row, timeout=SETTLE)  # the scripts' list
    await expect(row.locator(":scope > details")).to_have_attribute("open", "")
    await expect(row.locator("textarea[name=text]")).to_have_value("Evidence briefings")


async def test_the_facilitator_console(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Console")
    ana = await join(browser, join_url, "Ana")
    await expect(fac.locator("[data-people] li.online", has_text="Ana")).to_be_visible(timeout=SETTLE)
    # rename: everyone sees the new title and question
    await fac.fill("#rename-title", "Pathways to practice")
    await fac.fill("#rename-question", "How does research change practice?")
    await fac.click("form[data-rename] button[type=submit]")
    await expect(ana.locator("h1[data-title]")).to_have_text("Pathways to practice", timeout=SETTLE)
    await expect(ana.locator("[data-question]")).to_have_text("How does research change practice?")
    # the projector view shows the QR code and the link
    await fac.click("text=Show join code")
    await expect(fac.locator(".join-url")).to_have_text(join_url)
    assert await fac.locator("img[alt='QR code for the join link']").evaluate("img => img.naturalWidth > 100")
    await fac.go_back()
    # a new join link: the old one stops working, people already in stay
    fac.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await fac.click("[data-action=rotate-link]")
    await expect(fac.locator("[data-join-url]")).not_to_have_value(join_url)
    late = await browser.new_context()
    page = await late.new_page()
    await page.goto(join_url)
    await expect(page.locator("h1")).to_have_text("This join link does not work")
    await page.goto(await fac.input_value("[data-join-url]"))
    await expect(page.locator("text=Join the board")).to_be_visible()
    # offline participants are shown as such
    await ana.context.close()
    await expect(fac.locator("[data-people] li.offline", has_text="Ana")).to_be_visible(timeout=SETTLE)


async def test_user_text_is_always_inert(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, '<img src=x onerror="window.__xss=1">')
    eve = await join(browser, join_url, XSS[0])
    for payload in XSS:
        await add_note(eve, payload)
    for page in (fac, eve):
        for payload in XSS:
            await expect(note(page, payload)).to_be_visible(timeout=SETTLE)
        await expect(page.locator("[data-people]")).to_contain_text(XSS[0])
    await fac.goto(f"{server.url}/w/{workshop_id}/list")
    for payload in XSS:
        await expect(fac.locator(".note-row-text", has_text=payload)).to_be_visible()
    await fac.goto(f"{server.url}/w/{workshop_id}")
    await expect(fac.locator("h1[data-title]")).to_have_text(XSS[0])
    for page in (fac, eve):
        assert await page.evaluate("window.__xss") is None
        assert await page.locator(".note img, .note script, .note svg, .note-row img").count() == 0


async def test_a_locked_board_refuses_participants_in_the_page_and_on_the_wire(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Locked")
    ana = await join(browser, join_url, "Ana")
    await expect(ana.locator("[data-action=lock]")).to_have_count(0)  # no facilitator controls for participants
    await add_note(fac, "Agreed impact")
    await fac.click("[data-action=lock]")
    await expect(ana.locator("[data-locked-banner]")).to_be_visible(timeout=SETTLE)
    await ana.keyboard.press("n")
    await expect(ana.locator("[data-toast]")).to_have_text("The facilitator has locked the board.")
    await expect(ana.locator("[data-notes] textarea")).to_have_count(0)  # no note opened for writing
    # a forged frame, straight onto the socket, is refused by the server too
    # the page resolves once the server has answered both forged frames, whatever it answered
    forged = ana.evaluate("""() => new Promise((resolve) => {
        const ws = window.pathweaver.ws;
        const answers = {};
        ws.addEventListener("message", (m) => {
            const f = JSON.parse(m.data);
            if (f.type === "error" && f.cid) answers[f.cid] = f.code;
            if (f.type === "ack") for (const a of f.acks) answers[a.cid] = "accepted";
            if ("forged1" in answers && "forged2" in answers) resolve(answers);
        });
        ws.send(JSON.stringify({op: "note.add", cid: "forged1", id: "forged01", kind: "impact", text: "sneaky",
                                x: 0, y: 0}));
        ws.send(JSON.stringify({op: "workshop.unlock", cid: "forged2"}));
    })""")
    answers = await asyncio.wait_for(forged, SETTLE / 1000)
    assert answers == {"forged1": "board_locked", "forged2": "facilitator_only"}
    stored = await server_map(server, fac, workshop_id)
    assert [n["text"] for n in stored["notes"]] == ["Agreed impact"] and stored["workshop"]["locked"]
    await fac.locator("[data-canvas]").focus()  # from the console's lock button: N acts on the board only
    await add_note(fac, "The facilitator can still write")
    await expect(note(ana, "The facilitator can still write")).to_be_visible(timeout=SETTLE)


async def test_a_populated_board_screenshot(
    browser: Any, server: ServerProcess, tmp_path: Any, request: pytest.FixtureRequest
) -> None:
    """Imports the sample map from the home page and saves what the board looks like (with
    --regenerate-examples, also as the README's picture)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 860})
    page = await context.new_page()
    path = tmp_path / "sample.pathweaver.json"
    path.write_bytes(export.export(sample_map(), "json", 0))
    await page.goto(server.url)
    await page.set_input_files("#file", str(path))
    await page.click("text=Import as a new workshop")
    await expect(page.locator(".note")).to_have_count(len(sample_map()["notes"]))
    await expect(page.locator(".link .link-line")).to_have_count(len(sample_map()["links"]))
    await page.click("[data-action=fit]")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "board.png"
    await page.screenshot(path=str(shot))
    if request.config.getoption("--regenerate-examples"):
        shutil.copy(shot, ROOT / "docs" / "screenshots" / "board.png")


async def test_the_boards_own_buttons_stay_put_when_a_note_sticking_out_takes_focus(
    browser: Any, server: ServerProcess
) -> None:
    page, _, _ = await start_workshop(browser, server, "Focus")
    await add_note(page, "A note far down the board")
    await expect(note(page, "A note far down the board")).to_be_visible()
    undo = await page.locator(".history-controls").bounding_box()
    # The note mostly below the canvas's bottom edge: focusing it makes the browser scroll the canvas to it.
    await page.evaluate(
        """() => { const c = document.querySelector('[data-canvas]'), n = document.querySelector('.note');
        const m = window.pathweaver.view().notes.get(n.dataset.id);
        window.pathweaver.send('note.move', {id: n.dataset.id, x: m.x, y: m.y + c.clientHeight}); }"""
    )
    await expect(note(page, "A note far down the board")).not_to_be_in_viewport()
    world = page.locator("[data-world]")
    before = await world.evaluate("(w) => getComputedStyle(w).transform")
    # What a click or a screen reader does first: bring the note into view, scrolling whatever holds it.
    await note(page, "A note far down the board").scroll_into_view_if_needed()
    await expect(world).not_to_have_css("transform", before)  # the board panned instead
    assert await page.evaluate("() => document.querySelector('[data-canvas]').scrollTop") == 0
    assert await page.locator(".history-controls").bounding_box() == undo
