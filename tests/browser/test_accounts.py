"""Accounts in a real browser on a phone-sized screen (390×844): an owner signs up, creates and facilitates a
workshop with no key in any address, invites a colleague as viewer, and the viewer reads the map but cannot
change it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("accounts-browser")
    env = {"PATHWEAVER_PASSWORD_HASHING": "cheapest"}
    proc = ServerProcess(f"sqlite:///{folder / 'pathweaver.db'}", extra_env=env).start(log_path=folder / "server.log")
    yield proc
    proc.stop()


async def no_sideways_scroll(page: Any) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide on a 390 px screen"


async def test_sign_up_create_invite_a_viewer_who_reads_the_map_and_cannot_edit(
    browser: Any, server: ServerProcess
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    owner = await browser.new_page(**PHONE)
    await owner.goto(f"{server.url}/")
    await owner.click("text=Create an account")
    await owner.fill("#email", "owner@example.org")
    await owner.fill("#password", PASSWORD)
    await owner.fill("#organisation", "Centre for Evidence in Practice")
    await owner.screenshot(path=str(SCREENSHOTS / "accounts-sign-up.png"), full_page=True)
    await owner.click("button:has-text('Create account')")
    await expect(owner.locator("h1")).to_have_text("Centre for Evidence in Practice")

    await owner.fill("#title", "Evidence into policy, 2027")
    await owner.select_option("#template", "theory-of-change")
    await owner.click("button:has-text('Create and facilitate')")
    await owner.wait_for_url(re.compile(r"/w/[^/]+$"))
    workshop_id = owner.url.rsplit("/", 1)[1]
    assert "/j/" not in owner.url  # no key in the address: the session opened it (rule P53)
    await expect(owner.locator(".connection.live").first).to_be_attached()
    await owner.goto(f"{server.url}/w/{workshop_id}/list")
    await expect(owner.locator(".connection.live")).to_be_visible()
    await owner.fill("#add-text", "Officials ask for evidence earlier")
    await owner.click("form:has(#add-text) button[type=submit]")
    await expect(owner.locator(".note-row-text", has_text="Officials ask for evidence earlier")).to_be_visible()

    await owner.goto(f"{server.url}/account")
    await owner.screenshot(path=str(SCREENSHOTS / "accounts-account.png"), full_page=True)
    await no_sideways_scroll(owner)
    await owner.click("text=Centre for Evidence in Practice")
    await owner.fill("#invite-email", "viewer@example.org")
    await owner.select_option("#invite-role", "viewer")
    await owner.click("button:has-text('Make invitation link')")
    invitation = await owner.locator("[data-invitation-url]").input_value()
    assert "/invite/" in invitation
    await expect(owner.locator("[data-workshops]")).to_contain_text("Evidence into policy, 2027")
    await owner.screenshot(path=str(SCREENSHOTS / "accounts-organisation-owner.png"), full_page=True)
    await no_sideways_scroll(owner)

    viewer = await browser.new_page(**PHONE)
    await viewer.goto(invitation)
    await expect(viewer.locator("h1")).to_contain_text("Centre for Evidence in Practice")
    await viewer.fill("#signup-password", PASSWORD)
    await viewer.screenshot(path=str(SCREENSHOTS / "accounts-invitation.png"), full_page=True)
    await viewer.click("button:has-text('Create account and join')")
    await expect(viewer.locator(".role-badge").first).to_have_text("viewer")
    await expect(viewer.locator("text=Facilitate")).to_have_count(0)
    await expect(viewer.locator("text=New workshop")).to_have_count(0)
    await viewer.screenshot(path=str(SCREENSHOTS / "accounts-organisation-viewer.png"), full_page=True)
    await no_sideways_scroll(viewer)

    await viewer.click("text=Open (view only)")
    await expect(viewer.locator("[data-read-only-banner]")).to_be_visible()
    await expect(viewer.locator(".note-row-text", has_text="Officials ask for evidence earlier")).to_be_visible()
    await expect(viewer.locator("#add-text")).to_have_count(0)
    await expect(viewer.locator("form[action$='/list/op']")).to_have_count(0)
    await viewer.screenshot(path=str(SCREENSHOTS / "accounts-viewer-list.png"), full_page=True)
    await no_sideways_scroll(viewer)
    await viewer.goto(f"{server.url}/w/{workshop_id}")  # the board sends a viewer to the list view
    await viewer.wait_for_url(f"{server.url}/w/{workshop_id}/list")

    note = {"op": "note.add", "id": "planted1", "kind": "impact", "text": "planted", "x": 0.0, "y": 0.0}
    tried = await viewer.request.post(
        f"{server.url}/api/workshops/{workshop_id}/ops", data=note, headers={"Origin": server.url}
    )
    assert tried.status == 403 and (await tried.json())["code"] == "read_only"
    exported = await viewer.request.get(f"{server.url}/api/workshops/{workshop_id}/export/json")
    assert exported.status == 200 and "Officials ask for evidence earlier" in await exported.text()
    assert "planted" not in await exported.text()
