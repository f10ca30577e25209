"""Browser-facing defences over HTTP, against the real server: security headers on every response, sandboxed
downloads, changes refused from other origins, and only the server's own names answered."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import websockets

from server import export
from server.web.security import DOCS_POLICY, DOWNLOAD_POLICY, PAGE_POLICY
from tests.integration.conftest import Workshop, note
from tests.support.server import ServerProcess

FOREIGN = "http://evil.example"


def assert_defended(r: httpx.Response, policy: str = PAGE_POLICY) -> None:
    where = f"{r.request.method} {r.request.url.path} ({r.status_code})"
    assert r.headers.get("content-security-policy") == policy, where
    assert r.headers.get("x-frame-options") == "DENY", where
    assert r.headers.get("x-content-type-options") == "nosniff", where
    assert r.headers.get("referrer-policy") == "same-origin", where


class InlineCode(HTMLParser):
    """Collects what a strict Content-Security-Policy would block in a page: inline scripts, style attributes
    and elements, event handler attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self._in_script = "src" not in named
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            handler = name.startswith("on") and name != "open"  # <details open> is the one "on…" that is not
            if name == "style" or handler or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=...>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]}")


async def test_every_response_carries_the_browser_defences(workshop: Workshop) -> None:
    fac = {"Cookie": f"pw_{workshop.id}={workshop.created['token']}"}
    join_code = workshop.created["join_code"]
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        await http.post(f"/w/{workshop.id}/list/op", headers=fac, data={"action": "add", "text": "A", "kind": "impact"})
        pages = [
            ("/", {}),
            (f"/j/{join_code}", {}),
            ("/j/not-a-code", {}),
            (f"/w/{workshop.id}", fac),
            (f"/w/{workshop.id}", {}),  # the stranger's 401 page
            (f"/w/{workshop.id}/list", fac),
            (f"/w/{workshop.id}/show-code", fac),
        ]
        for path, headers in pages:
            r = await http.get(path, headers=headers)
            assert r.headers["content-type"].startswith("text/html")
            assert_defended(r)
            inline = InlineCode()
            inline.feed(r.text)
            assert inline.found == [], f"{path} has code a strict policy blocks: {inline.found}"
        for path, headers in [
            (f"/w/{workshop.id}/qr.svg", fac),
            ("/static/js/board.js", {}),
            ("/static/css/app.css", {}),
            ("/static/vendor/htmx-4.0.1/htmx.min.js", {}),
            ("/api/health", {}),
            (f"/api/workshops/{workshop.id}/map", fac),
            (f"/api/workshops/{workshop.id}/map", {}),  # a 401
            ("/no/such/page", {}),
            ("/openapi.json", {}),
        ]:
            assert_defended(await http.get(path, headers=headers))
        assert_defended(await http.post("/create", data={"title": "Redirected"}))  # a 303
        assert_defended(await http.post("/api/workshops", json={"title": ""}))  # a 422
        assert_defended(await http.get("/docs"), DOCS_POLICY)


async def test_downloads_are_sandboxed(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    await fac.do("note.add", **note(1, kind="impact", text="<script>alert(1)</script>"))
    auth = {"Authorization": f"Bearer {workshop.created['token']}"}
    async with httpx.AsyncClient(base_url=workshop.server.url, headers=auth, timeout=30) as http:
        for name in export.FORMATS:
            r = await http.get(f"/api/workshops/{workshop.id}/export/{name}")
            assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
            assert_defended(r, DOWNLOAD_POLICY)
    assert "sandbox" in DOWNLOAD_POLICY.split("; ") and "default-src 'none'" in DOWNLOAD_POLICY


async def _state(http: httpx.AsyncClient, workshop: Workshop) -> tuple[Any, ...]:
    auth = {"Authorization": f"Bearer {workshop.created['token']}"}
    board = (await http.get(f"/api/workshops/{workshop.id}/map", headers=auth)).json()
    code = (await http.get(f"/api/workshops/{workshop.id}/join-code", headers=auth)).json()["join_code"]
    short = (await http.get(f"/api/workshops/{workshop.id}/short-code", headers=auth)).json()["short_code"]
    return (
        sorted(n["text"] for n in board["notes"]),
        board["workshop"]["locked"],
        len(board["participants"]),
        code,
        short,
    )


@pytest.mark.rule("P30")
async def test_changes_from_another_origin_are_refused_and_change_nothing(workshop: Workshop) -> None:
    cookie = {"Cookie": f"pw_{workshop.id}={workshop.created['token']}"}
    code = workshop.created["join_code"]
    csv = ("notes.csv", io.BytesIO(b"text,kind\nForged,impact\n"), "text/csv")
    changes: list[tuple[str, dict[str, Any]]] = [
        (f"/w/{workshop.id}/list/op", {"data": {"action": "add", "text": "Forged", "kind": "impact"}}),
        (f"/api/workshops/{workshop.id}/join-code", {}),
        (f"/api/workshops/{workshop.id}/ops", {"json": {"op": "workshop.lock", "cid": "forged"}}),
        (f"/j/{code}", {"data": {"name": "Forged"}}),
        ("/api/join", {"json": {"code": code, "name": "Forged"}}),
        (f"/api/workshops/{workshop.id}/short-code", {}),
        ("/join", {"data": {"code": "BCD FGH", "name": "Forged"}}),
        ("/create", {"data": {"title": "Forged"}}),
        ("/api/workshops", {"json": {"title": "Forged"}}),
        ("/import", {"files": {"file": csv}}),
        ("/api/workshops/import", {"files": {"file": csv}}),
    ]
    forgeries = [
        {"Origin": FOREIGN},
        {"Origin": "null"},  # a sandboxed frame, or a page that sends no referrer
        {"Origin": workshop.server.url.replace("127.0.0.1", "localhost")},  # same machine, another origin
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # another port on the same host is the same site
    ]
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        before = await _state(http, workshop)
        for path, body in changes:
            for forged in forgeries:
                csv[1].seek(0)
                r = await http.post(path, headers={**cookie, **forged}, **body)
                assert r.status_code == 403 and r.json()["code"] == "origin_forbidden", (path, forged, r.text)
                assert "set-cookie" not in r.headers
        assert await _state(http, workshop) == before
        # the same changes from the server's own pages go through, and programs (no Origin, a bearer token) too
        own = {**cookie, "Origin": workshop.server.url, "Sec-Fetch-Site": "same-origin"}
        r = await http.post(changes[0][0], headers=own, **changes[0][1])
        assert r.status_code == 303  # stored; the list follows
        r = await http.post(changes[1][0], headers=own)
        assert r.status_code == 200
        bearer = {"Authorization": f"Bearer {workshop.created['token']}"}
        r = await http.post(changes[2][0], headers=bearer, json={"cid": "program", "op": "note.add", **note(9)})
        assert r.status_code == 200
        texts, locked, _, new_code, _ = await _state(http, workshop)
        assert texts == sorted([*before[0], "Forged", "note 9"]) and not locked and new_code != before[3]


@pytest.mark.rule("P30")
async def test_a_name_the_server_does_not_answer_to_is_refused(workshop: Workshop) -> None:
    """A page on a domain re-pointed at this server (DNS rebinding) sends that domain as Host."""
    rebound = {"Host": f"rebound.example:{workshop.server.port}"}
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        for method, path in (("GET", "/"), ("GET", f"/j/{workshop.created['join_code']}"), ("POST", "/api/workshops")):
            r = await http.request(method, path, headers=rebound, json={"title": "Rebound"})
            assert r.status_code == 403 and r.json()["code"] == "host_forbidden", (method, path)
            assert "set-cookie" not in r.headers
        for host in (f"localhost:{workshop.server.port}", f"[::1]:{workshop.server.port}", "192.0.2.7:8000"):
            assert (await http.get("/api/health", headers={"Host": host})).status_code == 200, host
    url = f"ws://rebound.example:{workshop.server.port}/api/workshops/{workshop.id}/ws"
    auth = {"Authorization": f"Bearer {workshop.created['token']}"}
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url, additional_headers=auth, host="127.0.0.1", port=workshop.server.port)
    assert refused.value.response.status_code == 403
    url = f"ws://localhost:{workshop.server.port}/api/workshops/{workshop.id}/ws"
    async with websockets.connect(url, additional_headers=auth, host="127.0.0.1", port=workshop.server.port) as ws:
        assert orjson.loads(await ws.recv())["type"] == "welcome"


@pytest.mark.rule("P30")
async def test_configured_names_and_origins_are_served(tmp_path: Path) -> None:
    proc = ServerProcess(
        f"sqlite:///{tmp_path / 'pathweaver.db'}",
        extra_env={
            "PATHWEAVER_ALLOWED_HOSTS": "board.example, *.venue.example",
            "PATHWEAVER_ALLOWED_ORIGINS": "https://map.example.org",
        },
    ).start(log_path=tmp_path / "server.log")
    try:
        async with httpx.AsyncClient(base_url=proc.url) as http:
            for host, status in {
                "board.example": 200,
                "room1.venue.example:8000": 200,
                "map.example.org": 200,
                "venue.example.evil": 403,
                "board.example.evil": 403,
            }.items():
                assert (await http.get("/", headers={"Host": host})).status_code == status, host
            r = await http.post("/api/workshops", headers={"Origin": "https://map.example.org"}, json={"title": "T"})
            assert r.status_code == 201
            r = await http.post("/api/workshops", headers={"Origin": "https://other.example.org"}, json={"title": "T"})
            assert r.status_code == 403 and r.json()["code"] == "origin_forbidden"
    finally:
        proc.stop()
