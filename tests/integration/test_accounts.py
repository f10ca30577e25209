"""Accounts and organisations against the real server, from outside: every page, API, export and socket of an
organisation's workshop, tried by a signed-out browser, another organisation's member, a viewer, an editor, a
page on another origin, and stale sessions and links."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
import pytest
import websockets

from server import export
from server.accounts.records import ResetRecord
from server.storage.sql import SqlStorage
from server.workshops import hash_secret
from tests.integration.conftest import ServerWith
from tests.integration.test_security import InlineCode, assert_defended
from tests.support.client import create_workshop
from tests.support.databases import BACKENDS, database_url
from tests.support.server import ROOT, ServerProcess

PASSWORD = "a long enough password"
FOREIGN = "http://evil.example"
_people = itertools.count()


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("accounts")
    with database_url(request.param, folder) as url:
        env = {
            "PATHWEAVER_PASSWORD_HASHING": "cheapest",  # many accounts; the standard cost is measured in unit tests
            "PATHWEAVER_ADDRESS_SIGN_IN_BURST": "10000",
            "PATHWEAVER_ADDRESS_CREATION_BURST": "10000",
            "PATHWEAVER_ADDRESS_FAILED_JOIN_BURST": "10000",
        }
        proc = ServerProcess(url, extra_env=env).start(log_path=folder / "server.log")
        yield proc
        proc.stop()


class Browser:
    """One browser: its cookie jar, and posts that come from the server's own pages (Origin set) unless told."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.http = httpx.AsyncClient(base_url=server.url, follow_redirects=False, timeout=30)
        self.email = ""

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.http.get(path, **kw)

    async def post(self, path: str, data: dict[str, str] | None = None, origin: str | None = None) -> httpx.Response:
        return await self.http.post(path, data=data or {}, headers={"Origin": origin or self.server.url})

    @property
    def session(self) -> str | None:
        return self.http.cookies.get("pw_session")

    async def sign_up(self, organisation: str = "Centre") -> str:
        """Sign up a new account and organisation; the organisation's id."""
        self.email = f"person{next(_people)}@example.org"
        r = await self.post("/signup", {"email": self.email, "password": PASSWORD, "organisation": organisation})
        assert r.status_code == 303, r.text
        return r.headers["location"].removeprefix("/o/")

    async def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        self.email = email
        return await self.post("/signin", {"email": email, "password": password})

    async def create_workshop(self, organisation_id: str, title: str = "Our pathways") -> str:
        r = await self.post(f"/o/{organisation_id}/workshops", {"title": title, "template": "theory-of-change"})
        assert r.status_code == 303, r.text
        return r.headers["location"].removeprefix("/w/")

    async def invite(self, organisation_id: str, email: str, role: str) -> str:
        r = await self.post(f"/o/{organisation_id}/invitations", {"email": email, "role": role})
        assert r.status_code == 200, r.text
        found = re.search(r'value="(http[^"]+/invite/[^"]+)"', r.text)
        assert found, "the invitation link is shown"
        return found.group(1).split(self.server.url, 1)[1]

    async def close(self) -> None:
        await self.http.aclose()


@asynccontextmanager
async def browsers(server: ServerProcess, count: int) -> AsyncIterator[list[Browser]]:
    opened = [Browser(server) for _ in range(count)]
    try:
        yield opened
    finally:
        for b in opened:
            await b.close()


async def member(owner: Browser, organisation_id: str, role: str, browser: Browser) -> None:
    """Make `browser` a new account that joins the organisation with `role` through an invitation link."""
    await browser.sign_up("Their own")
    link = await owner.invite(organisation_id, browser.email, role)
    r = await browser.post(link, {"how": "accept"})
    assert r.status_code == 303 and r.headers["location"] == f"/o/{organisation_id}", r.text


async def socket_answer(server: ServerProcess, workshop_id: str, session: str | None) -> dict[str, Any]:
    """The first frame a socket opened with this session cookie gets: a welcome, or the error it is refused with."""
    headers = {"Origin": server.url}
    if session:
        headers["Cookie"] = f"pw_session={session}"
    async with websockets.connect(f"{server.ws_url}/api/workshops/{workshop_id}/ws", additional_headers=headers) as ws:
        return orjson.loads(await ws.recv())  # type: ignore[no-any-return]


def reads(workshop_id: str) -> list[str]:
    """Every page, API and export that shows an organisation's workshop."""
    return [
        f"/w/{workshop_id}/list",
        f"/api/workshops/{workshop_id}/map",
        *(f"/api/workshops/{workshop_id}/export/{name}" for name in export.FORMATS),
    ]


def facilitator_reads(workshop_id: str) -> list[str]:
    return [
        f"/w/{workshop_id}/show-code",
        f"/w/{workshop_id}/qr.svg",
        f"/api/workshops/{workshop_id}/join-code",
        f"/api/workshops/{workshop_id}/short-code",
        f"/api/workshops/{workshop_id}/template",
        f"/api/workshops/{workshop_id}/layout",
        f"/api/workshops/{workshop_id}/checks",  # until the facilitator shows them to everyone
    ]


NOTE = {"op": "note.add", "id": "note0001", "kind": "impact", "text": "Officials ask for evidence", "x": 0.0, "y": 0.0}


async def change_attempts(b: Browser, workshop_id: str) -> list[httpx.Response]:
    """Every way to change an organisation's workshop: the API, the list view's form, the facilitator's API."""
    ops = await b.http.post(f"/api/workshops/{workshop_id}/ops", json=NOTE, headers={"Origin": b.server.url})
    form = await b.post(f"/w/{workshop_id}/list/op", {"action": "add", "text": "sneaky", "kind": "impact"})
    rotate = await b.post(f"/api/workshops/{workshop_id}/join-code")
    return [ops, form, rotate]


# -- signing up and in --------------------------------------------------------------------------------------


async def test_sign_up_sets_an_httponly_lax_session_cookie_holding_no_password(server: ServerProcess) -> None:
    async with browsers(server, 1) as (b,):
        b.email = "Cookie.Person@Example.org"
        r = await b.post("/signup", {"email": b.email, "password": PASSWORD, "organisation": "Centre"})
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("pw_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Path=/" in cookie and "Secure" not in cookie  # plain http here: Secure comes with https
        assert PASSWORD not in cookie and len(b.session or "") >= 40
        page = await b.get(r.headers["location"])
        assert page.status_code == 200 and "Centre" in page.text and "cookie.person@example.org" in page.text


async def test_sign_in_answers_the_same_for_an_unknown_email_and_a_wrong_password(server: ServerProcess) -> None:
    async with browsers(server, 2) as (owner, other):
        await owner.sign_up()
        wrong = await other.sign_in(owner.email, "not the password at all")
        unknown = await other.sign_in("nobody@example.org", PASSWORD)
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.text == unknown.text and other.session is None
        right = await other.sign_in(owner.email.upper())
        assert right.status_code == 303 and other.session is not None


async def test_sign_in_is_throttled_per_email_after_ten_wrong_passwords(server: ServerProcess) -> None:
    async with browsers(server, 2) as (owner, guesser):
        await owner.sign_up()
        for _ in range(10):
            assert (await guesser.sign_in(owner.email, "a wrong guess!!")).status_code == 401
        refused = await guesser.sign_in(owner.email)  # even the right password, for now
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert guesser.session is None


async def test_passwords_out_of_bounds_are_refused_before_hashing(server: ServerProcess) -> None:
    async with browsers(server, 1) as (b,):
        for password in ("too short", "x" * 1001):
            r = await b.post("/signup", {"email": "bounds@example.org", "password": password, "organisation": "C"})
            assert r.status_code == 422 and b.session is None
        r = await b.post("/signup", {"email": "bounds@example.org", "password": "x" * 5000, "organisation": "C"})
        assert r.status_code == 422  # the form field's own bound


# -- who may do what -------------------------------------------------------------------------------------


@pytest.mark.rule("P53")
async def test_a_signed_out_browser_reaches_no_organisation_page_workshop_or_socket(server: ServerProcess) -> None:
    async with browsers(server, 2) as (owner, stranger):
        organisation = await owner.sign_up()
        workshop = await owner.create_workshop(organisation)
        for path in ("/account", f"/o/{organisation}"):
            r = await stranger.get(path)
            assert r.status_code == 303 and r.headers["location"] == "/signin", path
        for path in (f"/o/{organisation}/workshops", f"/o/{organisation}/invitations", "/account/signout-everywhere"):
            r = await stranger.post(path, {"title": "x", "email": "x@example.org", "role": "owner"})
            assert r.status_code == 303 and r.headers["location"] == "/signin", path
        for path in [f"/w/{workshop}", *reads(workshop), *facilitator_reads(workshop)]:
            assert (await stranger.get(path)).status_code in (401, 403), path
        assert all(r.status_code in (401, 403) for r in await change_attempts(stranger, workshop))
        answer = await socket_answer(server, workshop, None)
        assert answer["type"] == "error" and answer["code"] == "unauthorized"


@pytest.mark.rule("P53")
async def test_another_organisations_member_reaches_nothing_of_this_one(server: ServerProcess) -> None:
    async with browsers(server, 2) as (owner, outsider):
        organisation = await owner.sign_up("Ours")
        workshop = await owner.create_workshop(organisation)
        theirs = await outsider.sign_up("Theirs")
        assert (await outsider.get(f"/o/{organisation}")).status_code == 404
        assert (await outsider.get(f"/o/{theirs}")).status_code == 200
        for path in [f"/w/{workshop}", *reads(workshop), *facilitator_reads(workshop)]:
            assert (await outsider.get(path)).status_code in (401, 403), path
        assert all(r.status_code in (401, 403) for r in await change_attempts(outsider, workshop))
        for path, data in (
            (f"/o/{organisation}/workshops", {"title": "Planted"}),
            (f"/o/{organisation}/invitations", {"email": "me@example.org", "role": "owner"}),
            (f"/o/{organisation}/claim", {"link": "anything"}),
        ):
            assert (await outsider.post(path, data)).status_code == 404, path
        answer = await socket_answer(server, workshop, outsider.session)
        assert answer["type"] == "error" and answer["code"] == "unauthorized"
        listed = await owner.get(f"/o/{organisation}")
        assert "Planted" not in listed.text and outsider.email not in listed.text


@pytest.mark.rule("P53")
async def test_a_viewer_reads_and_exports_the_map_but_changes_nothing(server: ServerProcess) -> None:
    async with browsers(server, 2) as (owner, viewer):
        organisation = await owner.sign_up()
        workshop = await owner.create_workshop(organisation)
        await member(owner, organisation, "viewer", viewer)
        page = await viewer.get(f"/o/{organisation}")
        assert "Open (view only)" in page.text and "Facilitate" not in page.text and "New workshop" not in page.text
        board = await viewer.get(f"/w/{workshop}")
        assert board.status_code == 303 and board.headers["location"] == f"/w/{workshop}/list"
        listed = await viewer.get(f"/w/{workshop}/list")
        assert listed.status_code == 200 and "View only" in listed.text
        assert "/list/op" not in listed.text and "list.js" not in listed.text  # no forms, no socket
        for path in reads(workshop):
            assert (await viewer.get(path)).status_code == 200, path
        for path in facilitator_reads(workshop):
            assert (await viewer.get(path)).status_code == 403, path
        ops, form, rotate = await change_attempts(viewer, workshop)
        assert ops.status_code == 403 and ops.json()["code"] == "read_only"
        assert form.status_code == 403 and rotate.status_code == 403
        answer = await socket_answer(server, workshop, viewer.session)
        assert answer["type"] == "error" and answer["code"] == "unauthorized" and "P53" in answer["message"]
        for path, data in (
            (f"/o/{organisation}/workshops", {"title": "Viewer's"}),
            (f"/o/{organisation}/claim", {"link": "anything"}),
            (f"/o/{organisation}/invitations", {"email": "x@example.org", "role": "viewer"}),
        ):
            assert (await viewer.post(path, data)).status_code == 403, path
        stored = (await owner.get(f"/api/workshops/{workshop}/map")).json()
        assert stored["notes"] == [] and stored["head"] == 0  # nothing the viewer tried got in


@pytest.mark.rule("P53")
async def test_an_editor_facilitates_with_the_session_but_manages_no_members(server: ServerProcess) -> None:
    """Rule P53: the account's session opens the facilitator's socket, as the same participant every time."""
    async with browsers(server, 2) as (owner, editor):
        organisation = await owner.sign_up()
        await member(owner, organisation, "editor", editor)
        workshop = await editor.create_workshop(organisation, "Editor's workshop")
        board = await editor.get(f"/w/{workshop}")
        assert board.status_code == 200 and 'data-role="facilitator"' in board.text
        for path in [*reads(workshop), *facilitator_reads(workshop)]:
            assert (await editor.get(path)).status_code == 200, path
        first = await socket_answer(server, workshop, editor.session)
        again = await socket_answer(server, workshop, editor.session)
        assert first["type"] == "welcome" and first["you"]["role"] == "facilitator"
        assert again["you"]["id"] == first["you"]["id"]
        ops = await editor.http.post(f"/api/workshops/{workshop}/ops", json=NOTE, headers={"Origin": server.url})
        assert ops.status_code == 200, ops.text
        owners_view = await socket_answer(server, workshop, owner.session)
        assert owners_view["you"]["id"] != first["you"]["id"]  # each account is its own facilitator
        listed = await owner.get(f"/o/{organisation}")
        assert "Editor&#39;s workshop" in listed.text and editor.email in listed.text
        members = await owner.get(f"/o/{organisation}")
        owner_id = re.search(rf'data-member="{re.escape(owner.email)}".*?/members/([^"]+)"', members.text, re.S)
        assert owner_id
        for path, data in (
            (f"/o/{organisation}/invitations", {"email": "x@example.org", "role": "viewer"}),
            (f"/o/{organisation}/members/{owner_id.group(1)}", {"role": "remove"}),
        ):
            assert (await editor.post(path, data)).status_code == 403, path
        assert owner.email in (await owner.get(f"/o/{organisation}")).text


@pytest.mark.rule("P53")
async def test_owners_change_roles_and_remove_members_but_not_the_last_owner(server: ServerProcess) -> None:
    async with browsers(server, 2) as (owner, colleague):
        organisation = await owner.sign_up()
        workshop = await owner.create_workshop(organisation)
        await member(owner, organisation, "editor", colleague)
        page = (await owner.get(f"/o/{organisation}")).text

        def account_of(email: str) -> str:
            found = re.search(rf'data-member="{re.escape(email)}".*?/members/([^"]+)"', page, re.S)
            assert found
            return found.group(1)

        own, theirs = account_of(owner.email), account_of(colleague.email)
        last = await owner.post(f"/o/{organisation}/members/{own}", {"role": "viewer"})
        assert last.status_code == 422 and "at least one owner" in last.text
        assert (await owner.post(f"/o/{organisation}/members/{theirs}", {"role": "viewer"})).status_code == 303
        assert (await colleague.get(f"/w/{workshop}")).headers["location"] == f"/w/{workshop}/list"  # now viewer
        assert (await owner.post(f"/o/{organisation}/members/{theirs}", {"role": "remove"})).status_code == 303
        assert (await colleague.get(f"/o/{organisation}")).status_code == 404
        assert (await colleague.get(f"/api/workshops/{workshop}/map")).status_code == 401
        bad = await owner.post(f"/o/{organisation}/members/{own}", {"role": "admin"})
        assert bad.status_code == 422


async def test_an_invitation_link_works_once_and_can_make_the_account(server: ServerProcess) -> None:
    async with browsers(server, 3) as (owner, newcomer, late):
        organisation = await owner.sign_up()
        link = await owner.invite(organisation, "new@example.org", "viewer")
        shown = await newcomer.get(link)
        assert shown.status_code == 200 and "viewer" in shown.text
        made = await newcomer.post(link, {"how": "signup", "email": "newcomer@example.org", "password": PASSWORD})
        assert made.status_code == 303 and made.headers["location"] == f"/o/{organisation}"
        assert (await newcomer.get(f"/o/{organisation}")).status_code == 200
        await late.sign_up()
        assert (await late.get(link)).status_code == 410
        assert (await late.post(link, {"how": "accept"})).status_code == 410
        assert (await late.get(f"/o/{organisation}")).status_code == 404
        assert (await late.get("/invite/" + "x" * 5000)).status_code in (404, 410, 414)


async def test_a_quick_workshop_is_claimed_with_its_facilitator_link_into_one_organisation(
    server: ServerProcess,
) -> None:
    async with browsers(server, 2) as (owner, rival):
        organisation = await owner.sign_up()
        quick = await create_workshop(server.url, "Quick one")
        key_link = quick["facilitator_url"]
        assert (await owner.get(f"/w/{quick['id']}")).status_code == 401  # not the organisation's yet
        wrong = await owner.post(f"/o/{organisation}/claim", {"link": quick["join_url"]})  # the participants' link
        assert wrong.status_code == 422
        claimed = await owner.post(f"/o/{organisation}/claim", {"link": key_link})
        assert claimed.status_code == 303
        assert "Quick one" in (await owner.get(f"/o/{organisation}")).text
        assert (await owner.get(f"/w/{quick['id']}")).status_code == 200
        theirs = await rival.sign_up()
        again = await rival.post(f"/o/{theirs}/claim", {"link": key_link})
        assert again.status_code == 422 and "already" in again.text
        async with httpx.AsyncClient(base_url=server.url) as keyholder:  # the key link keeps working
            joined = await keyholder.post("/api/join", json={"code": quick["facilitator_key"], "name": "Fran"})
            assert joined.status_code == 200 and joined.json()["participant"]["role"] == "facilitator"


@pytest.mark.rule("P53")
async def test_a_page_on_another_origin_cannot_use_the_session_cookie(server: ServerProcess) -> None:
    async with browsers(server, 1) as (owner,):
        organisation = await owner.sign_up()
        workshop = await owner.create_workshop(organisation)
        forms = {
            "/signout": {},
            "/account/signout-everywhere": {},
            "/account/password": {"current": PASSWORD, "new": "hijacked password"},
            "/account/organisations": {"name": "Forged"},
            f"/o/{organisation}/workshops": {"title": "Forged"},
            f"/o/{organisation}/invitations": {"email": "evil@example.org", "role": "owner"},
            f"/o/{organisation}/claim": {"link": "x"},
            f"/w/{workshop}/list/op": {"action": "add", "text": "forged", "kind": "impact"},
        }
        for path, data in forms.items():
            r = await owner.post(path, data, origin=FOREIGN)
            assert r.status_code == 403 and r.json()["code"] == "origin_forbidden", path
        page = await owner.get(f"/o/{organisation}")
        assert page.status_code == 200 and "Forged" not in page.text  # still signed in, nothing changed
        assert (await owner.get("/account")).status_code == 200
        socket = await socket_answer_from(server, workshop, owner.session, FOREIGN)
        assert socket["code"] == "origin_forbidden"


async def socket_answer_from(server: ServerProcess, workshop_id: str, session: str | None, origin: str) -> Any:
    headers = {"Origin": origin, "Cookie": f"pw_session={session}"}
    async with websockets.connect(f"{server.ws_url}/api/workshops/{workshop_id}/ws", additional_headers=headers) as ws:
        return orjson.loads(await ws.recv())


# -- sessions ending, and reset links -------------------------------------------------------------------


@pytest.mark.rule("P53")
async def test_sign_out_everywhere_ends_every_session_and_what_they_opened(server: ServerProcess) -> None:
    async with browsers(server, 2) as (laptop, phone):
        organisation = await laptop.sign_up()
        workshop = await laptop.create_workshop(organisation)
        assert (await phone.sign_in(laptop.email)).status_code == 303
        stale = phone.session
        assert (await laptop.post("/account/signout-everywhere")).status_code == 303
        for b in (laptop, phone):
            assert (await b.get("/account")).status_code == 303
            assert (await b.get(f"/api/workshops/{workshop}/map")).status_code == 401
        assert (await socket_answer(server, workshop, stale))["code"] == "unauthorized"


async def test_signing_out_ends_only_this_session(server: ServerProcess) -> None:
    async with browsers(server, 2) as (laptop, phone):
        await laptop.sign_up()
        await phone.sign_in(laptop.email)
        stale = laptop.session
        assert (await laptop.post("/signout")).status_code == 303
        laptop.http.cookies.set("pw_session", stale or "")  # a copy of the old cookie opens nothing
        assert (await laptop.get("/account")).status_code == 303
        assert (await phone.get("/account")).status_code == 200


async def test_changing_the_password_signs_out_the_other_sessions(server: ServerProcess) -> None:
    async with browsers(server, 2) as (laptop, phone):
        await laptop.sign_up()
        await phone.sign_in(laptop.email)
        wrong = await laptop.post("/account/password", {"current": "not my password", "new": "a new password!"})
        assert wrong.status_code == 422
        done = await laptop.post("/account/password", {"current": PASSWORD, "new": "a new password!"})
        assert done.status_code == 200 and "Password changed" in done.text
        assert (await laptop.get("/account")).status_code == 200
        assert (await phone.get("/account")).status_code == 303
        assert (await phone.sign_in(laptop.email)).status_code == 401
        assert (await phone.sign_in(laptop.email, "a new password!")).status_code == 303


def command(server: ServerProcess, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **server.extra_env}
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args, "--database-url", server.database_url, "--base-url", server.url],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


async def test_a_reset_link_from_the_command_line_works_once_and_signs_out_everywhere(server: ServerProcess) -> None:
    async with browsers(server, 2) as (owner, helper):
        await owner.sign_up()
        done = command(server, "user", "reset-link", owner.email.upper())
        assert done.returncode == 0, done.stderr
        link = done.stdout.strip().split(server.url, 1)[1]
        assert link.startswith("/reset/")
        assert (await helper.get(link)).status_code == 200
        assert (await helper.post(link, {"password": "short"})).status_code == 422  # not used up by a bad password
        assert (await helper.post(link, {"password": "the reset password"})).status_code == 200
        assert (await owner.get("/account")).status_code == 303  # every session ended
        assert (await helper.post(link, {"password": "another password!"})).status_code == 410
        assert (await helper.sign_in(owner.email, "the reset password")).status_code == 303
        unknown = command(server, "user", "reset-link", "nobody@example.org")
        assert unknown.returncode == 1 and "No account" in unknown.stderr


async def test_an_expired_reset_link_does_not_work(server: ServerProcess) -> None:
    async with browsers(server, 1) as (owner,):
        await owner.sign_up()
        store = SqlStorage(server.database_url)
        try:
            account = store.account_by_email(owner.email)
            assert account is not None
            store.add_reset(ResetRecord(hash_secret("an-old-token"), account.id, created_at=1, expires_at=2))
        finally:
            store.close()
        assert (await owner.post("/reset/an-old-token", {"password": "too late for this"})).status_code == 410
        assert (await owner.get("/account")).status_code == 200  # nothing happened


async def test_the_first_owner_is_made_on_the_command_line(server: ServerProcess) -> None:
    async with browsers(server, 1) as (b,):
        done = command(server, "user", "add", "First@Example.org", "--org", "Evidence Network", stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        assert "first@example.org" in done.stdout and "Evidence Network" in done.stdout
        assert (await b.sign_in("first@example.org")).status_code == 303
        assert "Evidence Network" in (await b.get("/account")).text
        again = command(server, "user", "add", "first@example.org", stdin=PASSWORD + "\n")
        assert again.returncode == 1 and "exists" in again.stderr


async def test_closed_sign_up_leaves_only_invitations(server_with: ServerWith) -> None:
    async with server_with(open_sign_up="0", password_hashing="cheapest") as closed:
        async with browsers(closed, 2) as (owner, newcomer):
            assert (await owner.get("/signup")).status_code == 403
            refused = await owner.post("/signup", {"email": "a@example.org", "password": PASSWORD, "organisation": "C"})
            assert refused.status_code == 403 and owner.session is None
            assert "/signup" not in (await owner.get("/signin")).text
            made = command(closed, "user", "add", "owner@example.org", "--org", "Centre", stdin=PASSWORD + "\n")
            assert made.returncode == 0, made.stderr
            await owner.sign_in("owner@example.org")
            organisation = re.search(r'href="/o/([^"]+)"', (await owner.get("/account")).text)
            assert organisation
            link = await owner.invite(organisation.group(1), "new@example.org", "editor")
            joined = await newcomer.post(link, {"how": "signup", "email": "new@example.org", "password": PASSWORD})
            assert joined.status_code == 303 and newcomer.session is not None


async def test_every_account_page_carries_the_browser_defences_and_runs_no_inline_code(server: ServerProcess) -> None:
    async with browsers(server, 3) as (owner, viewer, stranger):
        organisation = await owner.sign_up()
        workshop = await owner.create_workshop(organisation)
        link = await owner.invite(organisation, "someone@example.org", "editor")
        await member(owner, organisation, "viewer", viewer)
        pages = [
            (stranger, "/signup"),
            (stranger, "/signin"),
            (stranger, link),
            (stranger, "/reset/some-token"),
            (stranger, "/invite/not-an-invitation"),
            (owner, "/account"),
            (owner, f"/o/{organisation}"),
            (owner, link),
            (owner, f"/w/{workshop}"),
            (viewer, f"/o/{organisation}"),
            (viewer, f"/w/{workshop}/list"),
            (viewer, "/o/not-an-organisation"),
        ]
        for b, path in pages:
            r = await b.get(path)
            assert r.headers["content-type"].startswith("text/html"), path
            assert_defended(r)
            inline = InlineCode()
            inline.feed(r.text)
            assert inline.found == [], f"{path} has code a strict policy blocks: {inline.found}"


async def test_the_session_cookie_is_secure_over_https_or_when_settings_say_so(server_with: ServerWith) -> None:
    async with server_with(trusted_proxies="127.0.0.1", password_hashing="cheapest") as behind_proxy:
        async with browsers(behind_proxy, 2) as (plain, https):
            r = await plain.post("/signup", {"email": "p@example.org", "password": PASSWORD, "organisation": "C"})
            assert "Secure" not in r.headers["set-cookie"]
            r = await https.http.post(
                "/signup",
                data={"email": "s@example.org", "password": PASSWORD, "organisation": "C"},
                headers={"Origin": behind_proxy.url, "X-Forwarded-Proto": "https"},
            )
            assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
    async with server_with(secure_cookies="1", password_hashing="cheapest") as configured:
        async with browsers(configured, 1) as (b,):
            r = await b.post("/signup", {"email": "c@example.org", "password": PASSWORD, "organisation": "C"})
            assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


@asynccontextmanager
async def open_socket(server: ServerProcess, workshop_id: str, session: str | None) -> AsyncIterator[Any]:
    headers = {"Origin": server.url, "Cookie": f"pw_session={session}"}
    async with websockets.connect(f"{server.ws_url}/api/workshops/{workshop_id}/ws", additional_headers=headers) as ws:
        assert orjson.loads(await ws.recv())["type"] == "welcome"
        yield ws


async def closed_by_server(ws: Any) -> tuple[int | None, list[str]]:
    """Read until the server closes the socket: its close code and the error codes it sent first."""
    errors: list[str] = []
    try:
        async with asyncio.timeout(10):
            async for raw in ws:
                frame = orjson.loads(raw)
                if frame["type"] == "error":
                    errors.append(frame["code"])
    except TimeoutError:
        return None, errors
    except websockets.ConnectionClosed:
        pass  # closed with a code other than 1000
    return ws.close_code, errors


async def still_open(ws: Any) -> bool:
    """Whether the socket still answers: a ping comes back."""
    pong = await ws.ping()
    async with asyncio.timeout(10):
        await pong
    return True


@pytest.mark.rule("P53")
async def test_sockets_opened_by_a_session_close_when_it_ends(server: ServerProcess) -> None:
    async with browsers(server, 2) as (laptop, phone):
        organisation = await laptop.sign_up()
        workshop = await laptop.create_workshop(organisation)
        await phone.sign_in(laptop.email)
        async with (
            open_socket(server, workshop, laptop.session) as here,
            open_socket(server, workshop, phone.session) as there,
        ):
            assert (await laptop.post("/signout")).status_code == 303
            assert await closed_by_server(here) == (4001, ["unauthorized"])
            assert await still_open(there)  # the phone's session goes on
        await laptop.sign_in(laptop.email)
        async with (
            open_socket(server, workshop, laptop.session) as here,
            open_socket(server, workshop, phone.session) as there,
        ):
            done = await laptop.post("/account/password", {"current": PASSWORD, "new": "a new password!"})
            assert done.status_code == 200
            assert await closed_by_server(there) == (4001, ["unauthorized"])  # other sessions end
            assert await still_open(here)  # this one stays signed in
            assert (await laptop.post("/account/signout-everywhere")).status_code == 303
            assert await closed_by_server(here) == (4001, ["unauthorized"])


@pytest.mark.rule("P53")
async def test_a_members_sockets_close_when_they_are_removed_or_made_a_viewer(server: ServerProcess) -> None:
    async with browsers(server, 2) as (owner, editor):
        organisation = await owner.sign_up()
        workshop = await owner.create_workshop(organisation)
        await member(owner, organisation, "editor", editor)
        page = (await owner.get(f"/o/{organisation}")).text
        found = re.search(rf'data-member="{re.escape(editor.email)}".*?/members/([^"]+)"', page, re.S)
        assert found
        async with (
            open_socket(server, workshop, editor.session) as ws,
            open_socket(server, workshop, owner.session) as owners,
        ):
            assert (
                await owner.post(f"/o/{organisation}/members/{found.group(1)}", {"role": "viewer"})
            ).status_code == 303
            assert await closed_by_server(ws) == (4001, ["unauthorized"])
            assert await still_open(owners)
        assert (await socket_answer(server, workshop, editor.session))["code"] == "unauthorized"
