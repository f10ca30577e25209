"""Another site against the board, in a real browser: it cannot frame the board, its forms cannot change the
board with the victim's cookies, and a name re-pointed at the server gets nothing. The server's own pages run
under their policy: injected inline code does not run, and people's colours still show."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ARGS, CHROMIUM
from tests.browser.test_board_in_browser import SETTLE, add_note, server_map, start_workshop
from tests.support.server import ServerProcess


class ForeignSite:
    """A tiny web server on another port of the same host: another origin, but the same site, so the browser
    sends the victim's SameSite=Lax cookies along with its requests — the strongest such attacker."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path, "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def foreign_site() -> Iterator[ForeignSite]:
    site = ForeignSite()
    yield site
    site.stop()


async def join_code(server: ServerProcess, page: Page, workshop_id: str) -> str:
    token = {c["name"]: c["value"] for c in await page.context.cookies()}[f"pw_{workshop_id}"]
    async with httpx.AsyncClient(base_url=server.url) as http:
        r = await http.get(f"/api/workshops/{workshop_id}/join-code", headers={"Authorization": f"Bearer {token}"})
        return str(r.json()["join_code"])


async def test_another_site_cannot_frame_the_board(
    browser: Any, server: ServerProcess, foreign_site: ForeignSite
) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Not in a frame")
    board_url = f"{server.url}/w/{workshop_id}"
    foreign_site.pages["/frame.html"] = (
        f'<iframe id="board" src="{board_url}" width="1000" height="700" '
        'onload="document.body.dataset.loaded = 1"></iframe>'
    )
    page = await fac.context.new_page()  # the facilitator's own browser, signed in
    async with page.expect_response(board_url) as response:
        await page.goto(f"{foreign_site.url}/frame.html")
    answer = await response.value
    assert answer.status == 200 and f"pw_{workshop_id}=" in (await answer.request.all_headers()).get("cookie", "")
    await page.wait_for_selector("body[data-loaded]", state="attached")
    (frame,) = page.main_frame.child_frames
    assert frame.url != board_url  # the browser refused to show it (an error page stands in its place)
    assert await frame.locator("[data-board], [data-action=lock]").count() == 0


@pytest.mark.rule("P30")
async def test_another_sites_forms_cannot_change_the_board_with_the_victims_cookies(
    browser: Any, server: ServerProcess, foreign_site: ForeignSite
) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Forged forms")
    await add_note(fac, "The real note")
    await expect(fac.locator(".note:not(.pending)")).to_have_count(1)
    before, code = await server_map(server, fac, workshop_id), await join_code(server, fac, workshop_id)
    foreign_site.pages["/forms.html"] = f"""
        <form id="add" method="post" action="{server.url}/w/{workshop_id}/list/op">
          <input name="action" value="add"><input name="kind" value="impact"><input name="text" value="Forged">
        </form>
        <form id="rotate" method="post" action="{server.url}/api/workshops/{workshop_id}/join-code"></form>"""
    page = await fac.context.new_page()
    for form, path in (("add", f"/w/{workshop_id}/list/op"), ("rotate", f"/api/workshops/{workshop_id}/join-code")):
        await page.goto(f"{foreign_site.url}/forms.html")
        async with page.expect_response(f"{server.url}{path}") as response:
            await page.evaluate(f"document.getElementById('{form}').submit()")
        answer = await response.value
        assert f"pw_{workshop_id}=" in (await answer.request.all_headers()).get("cookie", ""), "no cookie: no attack"
        assert answer.status == 403 and (await answer.json())["code"] == "origin_forbidden", form
    after = await server_map(server, fac, workshop_id)
    assert after["notes"] == before["notes"] and after["head"] == before["head"]
    assert await join_code(server, fac, workshop_id) == code
    await expect(fac.locator(".note")).to_have_count(1)


async def test_a_page_on_a_name_re_pointed_at_the_server_gets_nothing(server: ServerProcess) -> None:
    """DNS rebinding: the browser resolves the attacker's name to the server's address (here by a resolver
    rule), so the attacker's page and the server share an origin — only the Host header tells them apart."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        rules = "--host-resolver-rules=MAP rebound.example 127.0.0.1"
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=[*ARGS, rules])
        try:
            page = await chromium.new_page()
            answer = await page.goto(f"http://rebound.example:{server.port}/")
            assert answer is not None and answer.status == 403
            assert (await answer.json())["code"] == "host_forbidden"
            created = await page.evaluate(
                """() => fetch("/api/workshops", {method: "POST", headers: {"Content-Type": "application/json"},
                                                   body: JSON.stringify({title: "Rebound"})}).then((r) => r.status)"""
            )
            assert created == 403
        finally:
            await chromium.close()


async def test_injected_inline_code_does_not_run(browser: Any, server: ServerProcess) -> None:
    fac, _, _ = await start_workshop(browser, server, "Nothing inline")
    # What a page would hold if escaping ever failed somewhere: an inline script and an inline event handler.
    await fac.evaluate("""() => {
        const div = document.createElement("div");
        div.innerHTML = '<img src="/missing.png" onerror="window.__ran = 1">';
        document.body.append(div);
        const script = document.createElement("script");
        script.textContent = "window.__ran = 2";
        document.body.append(script);
    }""")
    deadline = time.monotonic() + SETTLE / 1000
    while len(browser.violations) < 2:
        assert time.monotonic() < deadline, f"violations reported: {browser.violations}"
        await asyncio.sleep(0.02)
    assert await fac.evaluate("window.__ran") is None
    assert {v["directive"] for v in browser.violations} == {"script-src-elem", "script-src-attr"}
    browser.violations.clear()  # they were the point of this test


async def test_colours_show_under_the_policy(browser: Any, server: ServerProcess) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Colours")
    await add_note(fac, "An impact")
    await expect(fac.locator(".note:not(.pending)")).to_have_count(1)
    kinds = {k["name"]: k["colour"] for k in (await server_map(server, fac, workshop_id))["workshop"]["kinds"]}

    def rgb(colour: str) -> str:
        return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))

    swatches = await fac.locator(".legend .swatch").evaluate_all(
        "els => els.map((el) => getComputedStyle(el).backgroundColor)"
    )
    assert swatches == [rgb(c) for c in kinds.values()]
    await fac.goto(f"{server.url}/w/{workshop_id}/list")
    row = fac.locator(".note-row").filter(has=fac.locator(".note-row-text", has_text="An impact"))
    kind = (await server_map(server, fac, workshop_id))["notes"][0]["kind"]
    await expect(row).to_have_css("border-left-color", rgb(kinds[kind]))
    # and after htmx swaps the list in again
    await fac.fill("#add-text", "Another impact")
    await fac.click("form:has(#add-text) button[type=submit]")
    added = fac.locator(".note-row").filter(has=fac.locator(".note-row-text", has_text="Another impact"))
    await expect(added).to_have_css("border-left-color", rgb(kinds[kind]))
