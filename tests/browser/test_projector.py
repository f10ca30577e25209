"""The board in a room: a 25-note map read from the back on a 1080p projector, arrows and labels that stay
legible, presentation mode, and everyone following the facilitator's view (P33)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from server import export
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, join
from tests.support.maps import projector_map
from tests.support.server import ServerProcess

HD = {"width": 1920, "height": 1080}
READABLE_PX = 14  # the smallest note text, in screen pixels, that the back of a room can read on a 1080p projector
LONG_NOTE = "Practitioners change what they do"

# The board as the person sees it, measured from the page: the camera (from the world layer's transform), each
# note's box on screen, each arrow's ends on screen, each label's box.
CAMERA = """() => {
  const m = new DOMMatrix(getComputedStyle(document.querySelector("[data-world]")).transform);
  const c = document.querySelector("[data-canvas]");
  return {zoom: m.a, x: -m.e / m.a, y: -m.f / m.a, width: c.clientWidth / m.a, height: c.clientHeight / m.a};
}"""
TEXT_SIZES = """() => [...document.querySelectorAll(".note .note-text")].map((t) => ({
  text: t.textContent,
  // what the screen shows: the font size times the scale the board is drawn at
  px: parseFloat(getComputedStyle(t).fontSize) * t.getBoundingClientRect().width / t.offsetWidth,
}))"""
NOTE_BOXES = """() => Object.fromEntries([...document.querySelectorAll("[data-notes] .note")].map((n) => {
  const r = n.getBoundingClientRect();
  return [n.dataset.id, {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width}];
}))"""
ARROWS = """() => {
  const links = window.pathweaver.view().links;
  return [...document.querySelectorAll(".link")].map((g) => {
    const path = g.querySelector(".link-line"), m = path.getScreenCTM(), length = path.getTotalLength();
    const screen = (p) => { const q = new DOMPoint(p.x, p.y).matrixTransform(m); return {x: q.x, y: q.y}; };
    const link = links.get(g.dataset.id);
    return {id: g.dataset.id, source: link.source, target: link.target, d: path.getAttribute("d"),
            start: screen(path.getPointAtLength(0)), middle: screen(path.getPointAtLength(length / 2)),
            end: screen(path.getPointAtLength(length))};
  });
}"""
LABELS = """() => [...document.querySelectorAll(".link-label:not([hidden])")].map((l) => {
  const r = l.getBoundingClientRect();
  return {id: l.dataset.id, text: l.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          px: parseFloat(getComputedStyle(l).fontSize) * r.width / l.offsetWidth};
})"""


def distance_to_border(point: dict[str, float], box: dict[str, float]) -> float:
    """How far a point is from a box's border (inside or out)."""
    x, y = point["x"], point["y"]
    if box["left"] <= x <= box["right"] and box["top"] <= y <= box["bottom"]:
        return min(x - box["left"], box["right"] - x, y - box["top"], box["bottom"] - y)
    dx = max(box["left"] - x, 0.0, x - box["right"])
    dy = max(box["top"] - y, 0.0, y - box["bottom"])
    return float((dx * dx + dy * dy) ** 0.5)


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


async def open_projector_map(
    browser: Any, server: ServerProcess, tmp_path: Path, viewport: dict[str, int], sent: list[str] | None = None
) -> Page:
    """The facilitator imports the 25-note map (the importer becomes its facilitator) and sees it fitted; the
    frames their board sends go into `sent`."""
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    if sent is not None:
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(str(payload))))
    path = tmp_path / "room.pathweaver.json"
    path.write_bytes(export.export(projector_map(), "json", 0))
    await page.goto(server.url)
    await page.set_input_files("#file", str(path))
    await page.click("text=Import as a new workshop")
    await expect(page.locator("[data-notes] .note")).to_have_count(25)
    await expect(page.locator(".link")).to_have_count(len(projector_map()["links"]))
    await page.click("[data-action=fit]")  # with the mouse: the zoom buttons are not swallowed by the canvas
    return page


async def next_frames(page: Page) -> None:
    """Until the board has drawn twice more (a fit waits for the frame after a change of size)."""
    await page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


async def assert_readable(page: Page, what: str) -> float:
    """Every note's text is at least READABLE_PX on screen and the whole map is in view; returns the smallest."""
    sizes = await page.evaluate(TEXT_SIZES)
    assert len(sizes) == 25
    smallest = min(sizes, key=lambda s: s["px"])
    assert smallest["px"] >= READABLE_PX, f"{what}: {smallest['text']!r} is drawn at {smallest['px']:.1f} px"
    canvas = await page.locator("[data-canvas]").bounding_box()
    assert canvas is not None
    for note_id, box in (await page.evaluate(NOTE_BOXES)).items():
        inside = canvas["x"] - 1 <= box["left"] and box["right"] <= canvas["x"] + canvas["width"] + 1
        inside = inside and canvas["y"] - 1 <= box["top"] and box["bottom"] <= canvas["y"] + canvas["height"] + 1
        assert inside, f"{what}: note {note_id} is not in view at fit"
    return float(smallest["px"])


async def test_a_25_note_map_at_fit_is_readable_on_a_1080p_screen_and_projector(
    browser: Any, server: ServerProcess, tmp_path: Path
) -> None:
    page = await open_projector_map(browser, server, tmp_path, HD)
    await assert_readable(page, "1920x1080 with the sidebar")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "projector-board-1920.png"))
    await page.click("[data-action=present]")
    await expect(page.locator(".sidebar")).to_be_hidden()
    await page.wait_for_function("document.querySelector('[data-canvas]').clientWidth === 1920")
    await next_frames(page)
    presented = await assert_readable(page, "1920x1080 presentation")
    await page.screenshot(path=str(SCREENSHOTS / "projector-present-1920.png"))
    # a facilitator can show one cluster larger still: Z on a note zooms to it and the notes it links with
    before = (await page.evaluate(CAMERA))["zoom"]
    await page.locator(".note", has_text=LONG_NOTE).focus()
    await page.keyboard.press("z")
    assert (await page.evaluate(CAMERA))["zoom"] > before
    boxes = await page.evaluate(NOTE_BOXES)
    canvas = await page.locator("[data-canvas]").bounding_box()
    assert canvas is not None
    for neighbour in ("note-c4", "note-o5", "note-i2"):
        assert canvas["x"] <= boxes[neighbour]["left"] and boxes[neighbour]["right"] <= canvas["x"] + canvas["width"]
    sizes = await page.evaluate(TEXT_SIZES)
    assert next(s["px"] for s in sizes if s["text"].startswith(LONG_NOTE)) > presented


async def test_notes_fit_their_text_and_long_text_ends_with_an_ellipsis_until_focused(
    browser: Any, server: ServerProcess, tmp_path: Path
) -> None:
    page = await open_projector_map(browser, server, tmp_path, HD)
    widths = {i: b["width"] for i, b in (await page.evaluate(NOTE_BOXES)).items()}
    zoom = (await page.evaluate(CAMERA))["zoom"]
    assert round(widths["note-o1"] / zoom) == 160, "a short note is as narrow as notes get"
    assert round(widths["note-c4"] / zoom) == 240, "a long note is as wide as notes get"
    long_text = page.locator(".note", has_text=LONG_NOTE).locator(".note-text")
    clamp = "(t) => ({clamp: getComputedStyle(t).webkitLineClamp, hidden: t.scrollHeight - t.clientHeight})"
    at_rest = await long_text.evaluate(clamp)
    assert at_rest["clamp"] == "4" and at_rest["hidden"] > 10, f"the long text is not cut with an ellipsis: {at_rest}"
    arrows_before = {a["id"]: a["d"] for a in await page.evaluate(ARROWS)}
    await page.locator(".note", has_text=LONG_NOTE).focus()
    focused = await long_text.evaluate(clamp)
    assert focused["hidden"] <= 1, f"the whole text does not show on focus: {focused}"
    assert {a["id"]: a["d"] for a in await page.evaluate(ARROWS)} == arrows_before, "arrows moved on focus"
    await page.evaluate("document.activeElement.blur()")
    await page.mouse.move(5, 1075)
    assert (await long_text.evaluate(clamp))["hidden"] > 10
    await long_text.hover()
    assert (await long_text.evaluate(clamp))["hidden"] <= 1, "the whole text does not show on hover"


async def test_arrows_end_on_note_borders_and_two_way_links_are_apart(
    browser: Any, server: ServerProcess, tmp_path: Path
) -> None:
    page = await open_projector_map(browser, server, tmp_path, HD)

    async def assert_on_borders() -> None:
        boxes = await page.evaluate(NOTE_BOXES)
        for arrow in await page.evaluate(ARROWS):
            for end, note_id in (("start", arrow["source"]), ("end", arrow["target"])):
                gap = distance_to_border(arrow[end], boxes[note_id])
                assert gap <= 2, f"{arrow['id']} {end}s {gap:.1f} px from the border of {note_id}"

    await assert_on_borders()
    arrows = {(a["source"], a["target"]): a for a in await page.evaluate(ARROWS)}
    there, back = arrows[("note-c2", "note-c3")], arrows[("note-c3", "note-c2")]
    assert there["d"] != back["d"]
    apart = math.dist((there["middle"]["x"], there["middle"]["y"]), (back["middle"]["x"], back["middle"]["y"]))
    assert apart >= 15, f"the two arrows between the same notes are only {apart:.1f} px apart"
    # a note's size follows its text: longer text, a wider note, and its arrows still end on its border
    before = (await page.evaluate(NOTE_BOXES))["note-o1"]["width"]
    await page.locator(".note", has_text="Policy briefs").dblclick()
    await page.keyboard.press("Control+a")
    await page.keyboard.type("Policy briefs, two pages each, for every spending round")
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "(w) => document.querySelector('[data-id=note-o1]').getBoundingClientRect().width > w + 20", arg=before
    )
    await next_frames(page)
    await assert_on_borders()


async def test_link_labels_cover_no_note_and_are_painted_above_notes(
    browser: Any, server: ServerProcess, tmp_path: Path
) -> None:
    page = await open_projector_map(browser, server, tmp_path, HD)
    labels = await page.evaluate(LABELS)
    assert len(labels) == sum(1 for link in projector_map()["links"] if link["label"])
    boxes = await page.evaluate(NOTE_BOXES)
    for label in labels:
        covered = [i for i, box in boxes.items() if overlap(label, box)]
        assert not covered, f"the label {label['text']!r} covers {covered}"
        others = [o["text"] for o in labels if o is not label and overlap(label, o)]
        assert not others, f"the label {label['text']!r} covers the labels {others}"
    # and were one ever over a note (no room anywhere along its arrow), it is drawn above the note
    on_top = await page.evaluate("""() => {
        const note = document.querySelector("[data-notes] [data-id=note-c1]");
        const at = window.pathweaver.view().notes.get("note-c1");
        const label = [...document.querySelectorAll(".link-label")].find((l) => l.textContent === "informs");
        const x = at.x + note.offsetWidth / 2, y = at.y + note.offsetHeight / 2;
        label.style.transform = `translate(${x}px, ${y}px) translate(-50%, -50%)`;
        const r = label.getBoundingClientRect();
        const under = document.elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return {top: under[0]?.closest(".link-label")?.textContent, note: under.some((e) => e === note)};
    }""")
    assert on_top == {"top": "informs", "note": True}, f"a note hides the label: {on_top}"


async def test_presentation_mode_shows_the_question_join_code_and_count_and_nothing_else(
    browser: Any, server: ServerProcess, tmp_path: Path
) -> None:
    fac = await open_projector_map(browser, server, tmp_path, HD)
    join_url = await fac.input_value("[data-join-url]")
    ana = await join(browser, join_url, "Ana")
    await expect(fac.locator("[data-online-count]")).to_have_text("2", timeout=SETTLE)
    await fac.click("[data-action=present]")
    presenter = fac.locator("[data-presenter]")
    await expect(presenter).to_be_visible()
    for chrome in (".topbar", ".sidebar", ".zoom-controls"):
        await expect(fac.locator(chrome)).to_be_hidden()
    await expect(presenter.locator("[data-presenter-question]")).to_have_text(
        "How does our evidence reach policy and practice?"
    )
    question = presenter.locator("[data-presenter-question]")
    font_px = await question.evaluate("(h) => parseFloat(getComputedStyle(h).fontSize)")
    assert font_px >= 40, f"the focal question is only {font_px} px on a projector"
    # the code people type: the short code where the server offers one, else the join link's own
    host = server.url.split("://")[1]
    short = fac.locator("[data-short-code]")
    if await short.count():
        code = await short.get_attribute("data-short-code")
        assert code is not None
        code, address = f"{code[: len(code) // 2]} {code[len(code) // 2 :]}", f"{host}/join"
    else:
        code, address = join_url.rsplit("/", 1)[1], f"{host}/j/"
    await expect(presenter.locator("[data-presenter-code]")).to_have_text(code)
    await expect(presenter.locator("[data-presenter-address]")).to_have_text(address)
    assert await presenter.locator("img").evaluate("(img) => img.complete && img.naturalWidth > 50")
    await expect(presenter.locator("[data-presenter-count]")).to_have_text("2 people online")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await fac.screenshot(path=str(SCREENSHOTS / "projector-present-1920.png"))
    await ana.context.close()
    await expect(presenter.locator("[data-presenter-count]")).to_have_text("1 person online", timeout=SETTLE)
    # its address opens it directly, on the projector's own screen
    assert fac.url.endswith("?present=1")
    projector = await fac.context.new_page()
    await projector.set_viewport_size(HD)
    await projector.goto(fac.url)
    await expect(projector.locator("[data-presenter]")).to_be_visible()
    await expect(projector.locator(".sidebar")).to_be_hidden()
    await projector.close()
    # leave with the button, come back with P, leave with Escape
    await presenter.locator("[data-action=present]").click()
    await expect(fac.locator(".sidebar")).to_be_visible()
    assert "present" not in fac.url
    await fac.evaluate("document.activeElement.blur()")
    await fac.keyboard.press("p")
    await expect(presenter).to_be_visible()
    await fac.keyboard.press("Escape")
    await expect(presenter).to_be_hidden()
    # typing a P into a field is typing, not a shortcut
    await fac.fill("#rename-title", "")
    await fac.locator("#rename-title").press("p")
    await expect(presenter).to_be_hidden()


async def camera_of(page: Page) -> dict[str, float]:
    return await page.evaluate(CAMERA)  # type: ignore[no-any-return]


def shows(follower: dict[str, float], shared: dict[str, float]) -> bool:
    """Whether a follower's screen shows the shared region, centred and as large as its screen allows."""
    centred = abs(follower["x"] + follower["width"] / 2 - (shared["x"] + shared["width"] / 2)) < 2
    centred = centred and abs(follower["y"] + follower["height"] / 2 - (shared["y"] + shared["height"] / 2)) < 2
    holds = follower["width"] >= shared["width"] - 1 and follower["height"] >= shared["height"] - 1
    tight = abs(follower["width"] - shared["width"]) < 1 or abs(follower["height"] - shared["height"]) < 1
    return centred and holds and tight


async def following(page: Page, fac: Page) -> None:
    """Wait until `page` shows what the facilitator's screen shows."""
    for _ in range(100):
        shared = await camera_of(fac)
        if shows(await camera_of(page), shared):
            return
        await page.wait_for_timeout(30)
    raise AssertionError(f"{await camera_of(page)} does not show the facilitator's {await camera_of(fac)}")


async def pan_empty_canvas(page: Page, dx: float, dy: float) -> None:
    """Drag the board by a spot with no note, label or control on it."""
    spot = await page.evaluate("""() => {
        const r = document.querySelector("[data-canvas]").getBoundingClientRect();
        for (let y = r.top + 60; y < r.bottom - 60; y += 17) for (let x = r.left + 20; x < r.right - 20; x += 23) {
            const el = document.elementFromPoint(x, y);
            if (el && !el.closest(".note, .link, .link-label, button, .follow-chip")) return {x, y};
        }
        return null;
    }""")
    assert spot is not None
    await page.mouse.move(spot["x"], spot["y"])
    await page.mouse.down()
    await page.mouse.move(spot["x"] + dx, spot["y"] + dy, steps=6)
    await page.mouse.up()


@pytest.mark.rule("P33")
async def test_everyone_follows_the_facilitators_view_until_they_move(
    browser: Any, server: ServerProcess, tmp_path: Path
) -> None:
    sent: list[str] = []
    fac = await open_projector_map(browser, server, tmp_path, HD, sent)
    join_url = await fac.input_value("[data-join-url]")
    ana = await join(browser, join_url, "Ana")  # a laptop, 1280x800
    await expect(ana.locator("[data-follow-chip]")).to_be_hidden()
    await fac.click("[data-action=share-view]")
    await expect(fac.locator("[data-follow-chip]")).to_contain_text("Everyone is following your view")
    await following(ana, fac)
    await expect(ana.locator("[data-follow-chip]")).to_contain_text("Following the facilitator's view")
    # the facilitator zooms in on one cluster: Ana's board goes there too
    await fac.locator(".note", has_text=LONG_NOTE).focus()
    await fac.keyboard.press("z")
    await following(ana, fac)
    # a phone joining now lands on the same region, and keeps to it
    phone = await join(browser, join_url, "Pat", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    await following(phone, fac)
    await fac.click("[data-action=zoom-out]")
    await following(ana, fac)
    await following(phone, fac)
    # Ana looks elsewhere: she stops following, and says how to come back
    await pan_empty_canvas(ana, 150, 90)
    await expect(ana.locator("[data-action=follow-back]")).to_be_visible()
    mine = await camera_of(ana)
    await fac.click("[data-action=zoom-out]")
    await following(phone, fac)
    assert await camera_of(ana) == mine, "Ana's board was pulled back after she moved it"
    await ana.click("[data-action=follow-back]")
    await following(ana, fac)
    await expect(ana.locator("[data-action=follow-back]")).to_be_hidden()
    await ana.screenshot(path=str(SCREENSHOTS / "projector-following-1280.png"))
    await phone.screenshot(path=str(SCREENSHOTS / "projector-following-390.png"))
    # the facilitator stops: nobody is pulled along any more
    await fac.click("[data-action=share-view]")
    await expect(ana.locator("[data-follow-chip]")).to_be_hidden(timeout=SETTLE)
    await expect(phone.locator("[data-follow-chip]")).to_be_hidden(timeout=SETTLE)
    assert '"view":null' in sent[-1].replace(" ", "")
    stopped = len(sent)
    mine = await camera_of(ana)
    await fac.click("[data-action=zoom-in]")
    await fac.evaluate("document.activeElement.blur()")
    await fac.keyboard.press("n")  # a change after the zoom, so that anything the zoom sent is there before it
    await fac.keyboard.type("After sharing")
    await fac.keyboard.press("Enter")
    await expect(ana.locator(".note", has_text="After sharing")).to_be_visible(timeout=SETTLE)
    assert not [f for f in sent[stopped:] if "view.share" in f], "the facilitator's view still goes out"
    assert await camera_of(ana) == mine
