"""The board in a phone's hands (390×844, touch): the canvas gets the screen, fingers pinch, pan, carry and
link, every target stays at least 24×24 CSS px at any zoom, and a participant does all of it on the board."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from server import export
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, add_note, join, note, server_map, start_workshop
from tests.support.maps import sample_map
from tests.support.server import ServerProcess
from tests.support.touch import Fingers

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
MIN_TARGET = 24  # CSS px, WCAG 2.2 success criterion 2.5.8
# The camera has left where it starts (the first fit waits for the notes to be measured).
FITTED = "() => !document.querySelector('[data-world]').style.transform.startsWith('translate(40px, 40px) scale(1)')"


class Board:
    """A workshop made from the sample map, with Ben, a participant, signed in on a page of the given size."""

    def __init__(self, server: ServerProcess) -> None:
        self.url = server.url
        with httpx.Client(base_url=server.url) as http:
            made = http.post(
                "/api/workshops/import",
                files={"file": ("sample.pathweaver.json", export.export(sample_map(), "json", 0))},
                data={"facilitator_name": "Fran"},
            )
            made.raise_for_status()
            self.id: str = made.json()["id"]
            joined = http.post("/api/join", json={"code": made.json()["join_code"], "name": "Ben"})
            joined.raise_for_status()
            self.token: str = joined.json()["token"]

    async def open(self, browser: Any, size: dict[str, Any]) -> Page:
        context = await browser.new_context(**size)
        await context.add_cookies([{"name": f"pw_{self.id}", "value": self.token, "url": self.url}])
        page = await context.new_page()
        await page.goto(f"{self.url}/w/{self.id}")
        await expect(page.locator(".connection.live")).to_be_visible(timeout=SETTLE)
        await expect(page.locator(".note")).to_have_count(len(sample_map()["notes"]), timeout=SETTLE)
        # The first fit waits for the notes to be measured: wait for it, so the camera holds still.
        await page.wait_for_function(FITTED)
        return page


async def camera(page: Page) -> tuple[float, float, float]:
    """The board's camera as drawn: (x, y, zoom)."""
    transform = await page.evaluate("() => document.querySelector('[data-world]').style.transform")
    found = re.fullmatch(r"translate\((-?[\d.]+)px, (-?[\d.]+)px\) scale\(([\d.]+)\)", transform)
    assert found, transform
    x, y, zoom = (float(v) for v in found.groups())
    return x, y, zoom


async def centre(page: Page, text: str) -> tuple[float, float]:
    """The middle of the part of a note the screen shows, above the board's own buttons along its bottom."""
    found = await note(page, text).bounding_box()
    screen = await page.locator("[data-canvas]").bounding_box()
    assert found is not None and screen is not None
    buttons = [await page.locator(s).bounding_box() for s in (".history-controls", ".zoom-controls")]
    floor = min([b["y"] for b in buttons if b is not None], default=screen["y"] + screen["height"])
    left, right = max(found["x"], screen["x"]), min(found["x"] + found["width"], screen["x"] + screen["width"])
    top, bottom = max(found["y"], screen["y"]), min(found["y"] + found["height"], screen["y"] + screen["height"], floor)
    assert left < right and top < bottom, f"{text!r} is off the screen"
    return (left + right) / 2, (top + bottom) / 2


async def size_of(page: Page, selector: str) -> tuple[float, float]:
    found = await page.locator(selector).bounding_box()
    assert found is not None, selector
    return found["width"], found["height"]


async def stored_note(server: ServerProcess, page: Page, workshop_id: str, text: str) -> dict[str, Any]:
    stored = await server_map(server, page, workshop_id)
    return next(n for n in stored["notes"] if n["text"] == text)


async def saved(page: Page) -> None:
    await expect(page.locator("[data-pending]")).to_have_text("", timeout=SETTLE)


async def test_on_a_phone_the_canvas_gets_the_screen_and_the_panels_open_from_a_menu(
    browser: Any, server: ServerProcess
) -> None:
    board = Board(server)
    phone = await board.open(browser, PHONE)
    canvas = await phone.locator("[data-canvas]").bounding_box()
    assert canvas is not None and canvas["width"] == 390 and canvas["height"] >= 0.85 * 844, canvas
    sidebar, question, toggle = (
        phone.locator(".sidebar"),
        phone.locator("[data-question]"),
        phone.locator("[data-drawer-toggle]"),
    )
    await expect(sidebar).to_be_hidden()
    await expect(question).to_be_hidden()
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(phone.get_by_role("link", name="List view")).to_be_visible()  # the list stays one tap away
    width, height = await size_of(phone, "[data-drawer-toggle]")
    assert width >= MIN_TARGET and height >= MIN_TARGET
    # by keyboard: Enter opens it and goes in; Escape closes it and comes back to the button
    await toggle.focus()
    await phone.keyboard.press("Enter")
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    await expect(sidebar).to_be_visible()
    await expect(question).to_be_visible()
    assert await phone.evaluate("() => !!document.activeElement.closest('.sidebar')")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await phone.screenshot(path=str(SCREENSHOTS / "phone-drawer.png"))
    await phone.keyboard.press("Escape")
    await expect(sidebar).to_be_hidden()
    await expect(toggle).to_be_focused()
    # by touch: a tap opens it, a touch on the board closes it
    await toggle.tap()
    await expect(sidebar).to_be_visible()
    await phone.touchscreen.tap(20, 600)  # the board, left of the drawer
    await expect(sidebar).to_be_hidden()
    await expect(toggle).to_have_attribute("aria-expanded", "false")

    # On a laptop nothing is folded away and there is no Menu button.
    laptop = await board.open(browser, LAPTOP)
    await expect(laptop.locator("[data-drawer-toggle]")).to_be_hidden()
    await expect(laptop.locator(".sidebar")).to_be_visible()
    await expect(laptop.locator("[data-question]")).to_be_visible()
    await expect(laptop.locator(".topbar-status a", has_text="List view")).to_be_visible()


async def test_two_fingers_pinch_to_zoom_and_pan_together(browser: Any, server: ServerProcess) -> None:
    phone = await Board(server).open(browser, PHONE)
    fingers = Fingers(phone)
    canvas = await phone.locator("[data-canvas]").bounding_box()
    assert canvas is not None
    x0, y0, zoom0 = await camera(phone)
    mid = (195.0, 450.0)
    under = ((mid[0] - canvas["x"] - x0) / zoom0, (mid[1] - canvas["y"] - y0) / zoom0)
    await fingers.pinch(mid, 100, 200)
    x1, y1, zoom1 = await camera(phone)
    assert zoom1 / zoom0 == pytest.approx(2.0, abs=0.05), (zoom0, zoom1)
    # the board point between the fingers is still between them
    assert (mid[0] - canvas["x"] - x1) / zoom1 == pytest.approx(under[0], abs=1.0)
    assert (mid[1] - canvas["y"] - y1) / zoom1 == pytest.approx(under[1], abs=1.0)
    # two fingers moved together pan the board without zooming it
    await fingers.start((150, 400), (250, 400))
    await fingers.glide([(210, 360), (310, 360)])
    await fingers.end()
    x2, y2, zoom2 = await camera(phone)
    assert zoom2 == pytest.approx(zoom1, abs=0.01)
    assert (x2 - x1, y2 - y1) == (pytest.approx(60, abs=1.0), pytest.approx(-40, abs=1.0))


async def test_one_finger_pans_from_empty_board_and_from_a_note_without_moving_the_note(
    browser: Any, server: ServerProcess
) -> None:
    board = Board(server)
    phone = await board.open(browser, PHONE)
    fingers = Fingers(phone)
    x0, y0, _ = await camera(phone)
    await fingers.swipe((40, 200), (100, 260))  # empty board, above the map
    x1, y1, _ = await camera(phone)
    assert (x1 - x0, y1 - y0) == (pytest.approx(60, abs=1.0), pytest.approx(60, abs=1.0))
    text = "Plain-English policy briefs"
    before = await stored_note(server, phone, board.id, text)
    start = await centre(phone, text)
    await fingers.swipe(start, (start[0] + 50, start[1] - 70))
    x2, y2, _ = await camera(phone)
    assert (x2 - x1, y2 - y1) == (pytest.approx(50, abs=1.0), pytest.approx(-70, abs=1.0))
    moved = await centre(phone, text)
    assert (moved[0] - start[0], moved[1] - start[1]) == (pytest.approx(50, abs=1.0), pytest.approx(-70, abs=1.0))
    await saved(phone)
    after = await stored_note(server, phone, board.id, text)
    assert (after["x"], after["y"], after["version"]) == (before["x"], before["y"], before["version"])


async def test_a_long_press_picks_a_note_up_and_the_finger_carries_it(browser: Any, server: ServerProcess) -> None:
    board = Board(server)
    phone = await board.open(browser, PHONE)
    fingers = Fingers(phone)
    text = "Plain-English policy briefs"
    before = await stored_note(server, phone, board.id, text)
    _, _, zoom = await camera(phone)
    start = await centre(phone, text)
    await fingers.start(start)
    await expect(note(phone, text)).to_have_class(re.compile(r"\blifted\b"))
    await fingers.glide([(start[0] + 80, start[1] + 60)])
    await fingers.end()
    await expect(note(phone, text)).not_to_have_class(re.compile(r"\blifted\b"))
    await saved(phone)
    after = await stored_note(server, phone, board.id, text)
    assert after["x"] - before["x"] == pytest.approx(80 / zoom, abs=2.0)
    assert after["y"] - before["y"] == pytest.approx(60 / zoom, abs=2.0)


async def test_a_tapped_note_offers_edit_link_and_delete_and_delete_can_be_undone(
    browser: Any, server: ServerProcess
) -> None:
    board = Board(server)
    phone = await board.open(browser, PHONE)
    tools = phone.locator(".note-tools")
    await phone.touchscreen.tap(*await centre(phone, "Rapid evidence reviews"))
    await expect(note(phone, "Rapid evidence reviews")).to_be_focused()
    await expect(tools).to_be_visible()
    for name in ("Edit", "Link", "Delete"):
        found = await tools.get_by_role("button", name=name).bounding_box()
        assert found is not None and found["width"] >= MIN_TARGET and found["height"] >= MIN_TARGET, name
    # link: Link, then a tap on the note it leads to
    await tools.get_by_role("button", name="Link").tap()
    await expect(tools).to_be_hidden()
    await phone.touchscreen.tap(*await centre(phone, "Standing evidence network"))
    await saved(phone)
    stored = await server_map(server, phone, board.id)
    ids = {n["text"]: n["id"] for n in stored["notes"]}
    assert (ids["Rapid evidence reviews for ministries"], ids["Standing evidence network"]) in {
        (lk["source"], lk["target"]) for lk in stored["links"]
    }
    # edit
    await phone.touchscreen.tap(*await centre(phone, "Trust between researchers"))
    await tools.get_by_role("button", name="Edit").tap()
    await expect(phone.locator(".note-input")).to_be_focused()
    await phone.keyboard.press("Escape")
    # delete, through the safe delete: a toast says what went, and Undo brings it back
    await phone.touchscreen.tap(*await centre(phone, "Ministries have time"))
    await expect(tools).to_be_visible()
    await tools.get_by_role("button", name="Delete").tap()
    deleted = "Deleted “Ministries have time to read briefs” and 1 link."
    await expect(phone.locator("[data-toast]")).to_contain_text(deleted)
    await expect(note(phone, "Ministries have time")).to_have_count(0)
    await phone.locator(".toast-action").tap()
    await expect(note(phone, "Ministries have time")).to_be_visible(timeout=SETTLE)


async def test_note_tools_and_the_editor_stay_at_least_24_px_at_any_zoom(browser: Any, server: ServerProcess) -> None:
    board = Board(server)
    for size, press in ((PHONE, "tap"), (LAPTOP, "click")):
        page = await board.open(browser, size)
        # the zoom buttons work with a tap on the phone and a click on the laptop, down to the smallest zoom
        zoom = (await camera(page))[2]
        while True:
            await getattr(page.locator("[data-action=zoom-out]"), press)()
            now = (await camera(page))[2]
            if now >= zoom:
                break
            zoom = now
        assert zoom <= 0.2
        await getattr(page.locator("[data-action=zoom-in]"), press)()
        assert (await camera(page))[2] > zoom
        await getattr(page.locator("[data-action=zoom-out]"), press)()
        target = note(page, "Officials trained")
        await target.focus()
        await expect(page.locator(".note-tools")).to_be_visible()
        for name in ("Edit", "Link", "Delete"):
            width, height = await size_of(page, f".note-tools >> role=button[name={name}]")
            assert width >= MIN_TARGET and height >= MIN_TARGET, (size, name, width, height)
        # the corner controls drawn inside a tiny note are not there to be missed
        await expect(target.locator(".note-delete")).to_be_hidden()
        await expect(target.locator(".note-handle")).to_be_hidden()
        await page.keyboard.press("Enter")
        for control in (".note-input", ".note-kind-select"):
            width, height = await size_of(page, control)
            assert width >= MIN_TARGET and height >= MIN_TARGET, (size, control, width, height)
        await page.keyboard.press("Escape")


async def test_the_empty_board_hint_speaks_touch_on_a_touch_screen(browser: Any, server: ServerProcess) -> None:
    with httpx.Client(base_url=server.url) as http:
        made = http.post("/api/workshops", json={"title": "Nothing yet"})
        made.raise_for_status()
        workshop_id, token = made.json()["id"], made.json()["token"]
    hints = {}
    for name, size in (("phone", PHONE), ("laptop", LAPTOP)):
        context = await browser.new_context(**size)
        await context.add_cookies([{"name": f"pw_{workshop_id}", "value": token, "url": server.url}])
        page = await context.new_page()
        await page.goto(f"{server.url}/w/{workshop_id}")
        await expect(page.locator("[data-empty]")).to_be_visible(timeout=SETTLE)
        hints[name] = await page.locator("[data-empty]").inner_text()
        if name == "phone":
            await page.screenshot(path=str(SCREENSHOTS / "phone-empty-board.png"))
            # and the button it names is there, and adds a note
            await page.get_by_role("button", name="Add a note").tap()
            await expect(page.locator(".note-input")).to_be_focused()
    assert hints["phone"].startswith("Tap + Note") and "click" not in hints["phone"].lower(), hints
    assert "Double-click" in hints["laptop"], hints


async def test_a_participant_on_a_phone_joins_adds_edits_moves_links_and_undoes_on_the_board(
    browser: Any, server: ServerProcess
) -> None:
    desk, workshop_id, join_url = await start_workshop(browser, server, "From a phone")
    await add_note(desk, "Services change in practice")
    await expect(desk.locator(".note:not(.pending)")).to_have_count(1)
    phone = await join(browser, join_url, "Pat", **PHONE)
    await expect(note(phone, "Services change in practice")).to_be_visible()
    fingers = Fingers(phone)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # add, with the + Note button and the phone's keyboard
    await phone.get_by_role("button", name="Add a note").tap()
    await expect(phone.locator(".note-input")).to_be_focused()
    await phone.keyboard.type("Practitioners trained")
    await phone.keyboard.press("Enter")
    await expect(note(desk, "Practitioners trained")).to_be_visible(timeout=SETTLE)

    # edit, from the note's tools
    await phone.touchscreen.tap(*await centre(phone, "Practitioners trained"))
    await phone.locator(".note-tools").get_by_role("button", name="Edit").tap()
    editor = phone.locator(".note-input")
    await expect(editor).to_be_focused()
    await phone.screenshot(path=str(SCREENSHOTS / "phone-editing.png"))
    await editor.fill("Practitioners trained in using evidence")
    await phone.keyboard.press("Enter")
    await expect(note(desk, "Practitioners trained in using evidence")).to_be_visible(timeout=SETTLE)

    # move, by a long press and a carry
    text = "Practitioners trained in using evidence"
    before = await stored_note(server, desk, workshop_id, text)
    desk_before = await note(desk, text).bounding_box()
    desk_transform = await note(desk, text).evaluate("(el) => getComputedStyle(el).transform")
    start = await centre(phone, text)
    await fingers.start(start)
    await expect(note(phone, text)).to_have_class(re.compile(r"\blifted\b"))
    await fingers.glide([(start[0], start[1] + 220)])
    await phone.screenshot(path=str(SCREENSHOTS / "phone-carrying.png"))
    await fingers.end()
    await saved(phone)
    after = await stored_note(server, desk, workshop_id, text)
    assert after["y"] > before["y"] + 50 and abs(after["x"] - before["x"]) < 5
    assert desk_before is not None
    await expect(note(desk, text)).not_to_have_css("transform", desk_transform, timeout=SETTLE)

    # link, with the link tool and a tap on the target
    await phone.touchscreen.tap(*await centre(phone, text))
    await phone.locator(".note-tools").get_by_role("button", name="Link").tap()
    await phone.touchscreen.tap(*await centre(phone, "Services change in practice"))
    await expect(desk.locator(".link:not(.pending)")).to_have_count(1, timeout=SETTLE)
    await phone.screenshot(path=str(SCREENSHOTS / "phone-linked.png"))

    # undo the link, with the Undo button on the board
    undo = phone.locator("[data-action=undo]")
    await expect(undo).to_be_visible()
    width, height = await size_of(phone, "[data-action=undo]")
    assert width >= MIN_TARGET and height >= MIN_TARGET
    await undo.tap()
    await expect(desk.locator(".link")).to_have_count(0, timeout=SETTLE)
    await saved(phone)
    stored = await server_map(server, desk, workshop_id)
    assert stored["links"] == []
    assert sorted(n["text"] for n in stored["notes"]) == [
        "Practitioners trained in using evidence",
        "Services change in practice",
    ]


async def test_a_tapped_arrow_shows_its_panel_over_the_board_to_relabel_or_delete_it(
    browser: Any, server: ServerProcess
) -> None:
    board = Board(server)
    phone = await board.open(browser, PHONE)
    panel = phone.locator("[data-link-panel]")
    await expect(panel).to_be_hidden()
    # At the phone's fit a label is a few px tall: spread two fingers over it first, as a person would.
    label = phone.locator(".link-label", has_text="assumed by")
    found = await label.bounding_box()
    assert found is not None
    await Fingers(phone).pinch((found["x"] + found["width"] / 2, found["y"] + found["height"] / 2), 60, 240)
    await label.tap()
    await expect(panel).to_be_visible()  # without opening the drawer
    await expect(phone.locator("[data-drawer-toggle]")).to_have_attribute("aria-expanded", "false")
    await panel.locator("input[name=label]").fill("assumes")
    await panel.get_by_role("button", name="Save", exact=True).tap()
    await expect(phone.locator(".link-label", has_text="assumes")).to_be_visible(timeout=SETTLE)
    await panel.get_by_role("button", name="Delete link").tap()
    await expect(phone.locator("[data-toast]")).to_contain_text("Deleted the link")
    await saved(phone)
    stored = await server_map(server, phone, board.id)
    assert "assumes" not in [lk["label"] for lk in stored["links"]]
