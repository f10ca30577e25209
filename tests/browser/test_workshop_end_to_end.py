"""A whole workshop, scripted, through a template's plan: a facilitator, a participant on a laptop, one on a
phone, and someone without a device. Private ideation, reveal, merge, cluster, link, vote, close, export —
and at each step, what each person sees. Screenshots of each step go to artifacts/screenshots/workshop-*.png
(the README's walk-through uses them)."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.async_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, join, note
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
HD = {"width": 1920, "height": 1080}


async def write_note(page: Page, text: str) -> None:
    """Add a note the way a person does: the Add note button (+ Note on a phone), type, Enter."""
    sidebar = page.locator("[data-action=add-note]")
    await (sidebar if await sidebar.is_visible() else page.get_by_role("button", name="Add a note")).click()
    await page.keyboard.type(text)
    await page.keyboard.press("Enter")


async def shoot(page: Page, name: str) -> None:
    await page.screenshot(path=str(SCREENSHOTS / f"workshop-{name}.png"))


async def test_a_whole_workshop_from_template_to_exports(browser: Any, server: ServerProcess) -> None:
    context = await browser.new_context(viewport=HD)
    fac = await context.new_page()
    await fac.goto(server.url)
    await fac.fill("#title", "How our evidence reaches policy")
    await fac.check("input[name=template][value=theory-of-change]")
    await fac.click("text=Create workshop")
    await expect(fac.locator(".connection.live")).to_be_visible()
    workshop_id = fac.url.rstrip("/").split("/")[-1]
    join_url = await fac.input_value("[data-join-url]")
    ana = await join(browser, join_url, "Ana")
    pat = await join(browser, join_url, "Pat", **PHONE)
    for page in (fac, ana, pat):
        await expect(page.locator("[data-phase-bar]")).to_contain_text("Name the impacts")

    # 1. Each names impacts on their own; the facilitator writes one for Amal, who has no device.
    await fac.click("[data-action=timer-toggle]")
    await write_note(ana, "Ministers cite our evidence")
    await write_note(pat, "Ministers quote our research")
    await fac.fill("#proxy-name", "Amal")
    await fac.click("[data-proxy-add] button[type=submit]")
    await expect(fac.locator("[data-acting-for-row]")).to_be_visible(timeout=SETTLE)
    await fac.select_option("[data-acting-for]", label="Amal")
    await write_note(fac, "Parents trust the schools more")
    await fac.select_option("[data-acting-for]", label="me")
    for text in ("Ministers cite our evidence", "Ministers quote our research", "Parents trust the schools more"):
        await expect(note(fac, text)).to_be_visible(timeout=SETTLE)
    # A note shows at once; whether it is private, only the server's answer says (rule P38).
    await fac.wait_for_function("() => window.pathweaver.pending.length === 0")
    await expect(fac.locator("[data-action=reveal]")).to_have_text("Reveal 3 private notes")
    assert "Ministers quote our research" not in await ana.content()  # Pat's, before the reveal
    assert "Ministers cite our evidence" not in await pat.content()
    await expect(note(ana, "Ministers cite our evidence")).to_contain_text("private")
    await shoot(fac, "1-private-ideation-facilitator")
    await shoot(pat, "1-private-ideation-phone")
    bar = await pat.locator("[data-phase-bar]").bounding_box()  # the phone keeps most of its screen for the board
    assert bar is not None and bar["height"] <= 844 * 0.2, bar

    # 2. Reveal: everyone sees every impact, with its author.
    await fac.click("[data-action=reveal]")
    for page in (ana, pat):
        await expect(note(page, "Ministers quote our research")).to_be_visible(timeout=SETTLE)
        await expect(note(page, "Parents trust the schools more")).to_be_visible()

    # 3. Merge the two that say the same, and cluster the impacts.
    await note(fac, "Ministers cite our evidence").click(modifiers=["Shift"])
    await note(fac, "Ministers quote our research").click(modifiers=["Shift"])
    await fac.click("[data-tidy=merge]")
    for page in (ana, pat):
        await expect(note(page, "Ministers quote our research")).to_have_count(0, timeout=SETTLE)
    fac.once("dialog", lambda dialog: dialog.accept("What we want to change"))
    await note(fac, "Ministers cite our evidence").click(modifiers=["Shift"])
    await note(fac, "Parents trust the schools more").click(modifiers=["Shift"])
    await fac.click("[data-tidy=cluster]")
    await expect(ana.locator(".cluster-label")).to_have_text("What we want to change", timeout=SETTLE)
    await shoot(ana, "2-revealed-merged-clustered")

    # 4. Work back: the next phase takes outcomes; Ana adds one and links it to the impact.
    await fac.click("[data-action=phase-next]")
    await expect(ana.locator("[data-phase-bar]")).to_contain_text("Work back to outcomes", timeout=SETTLE)
    await ana.select_option("[data-new-kind]", "long-term-outcome")
    await write_note(ana, "Officials ask us for briefings")
    await expect(note(fac, "Officials ask us for briefings")).to_be_visible(timeout=SETTLE)
    await note(ana, "Officials ask us for briefings").focus()
    await ana.keyboard.press("l")
    await note(ana, "Ministers cite our evidence").focus()
    await ana.keyboard.press("l")
    await expect(pat.locator(".link")).to_have_count(1, timeout=SETTLE)

    # 5. Weigh it: a dot vote, cast on the laptop, the phone and for Amal; closed; results on every board.
    for _ in range(3):
        await fac.click("[data-action=phase-next]")
    await expect(pat.locator("[data-phase-bar]")).to_contain_text("Weigh it", timeout=SETTLE)
    await fac.locator("details.vote-setup summary").focus()
    await fac.keyboard.press("Enter")
    await fac.locator("[data-vote-open] [name=budget]").fill("2")
    await fac.locator("[data-vote-open] [name=max_per_item]").fill("2")
    await fac.click("text=Open the vote")
    await expect(pat.locator("[data-vote-bar]")).to_contain_text("2 of 2 dots left", timeout=SETTLE)

    async def dot(page: Page, text: str) -> None:
        note_id = await note(page, text).get_attribute("data-id")
        await page.locator(f".note-dots[data-id='{note_id}'] [data-vote=up]").click()

    await dot(ana, "Ministers cite our evidence")
    await dot(ana, "Ministers cite our evidence")
    await dot(pat, "Parents trust the schools more")
    await fac.select_option("[data-acting-for]", label="Amal")
    await dot(fac, "Parents trust the schools more")
    await expect(fac.locator("[data-vote-bar]")).to_contain_text("Amal has 1 of 2 dots left", timeout=SETTLE)
    await fac.click("[data-action=vote-close]")
    cite = await note(pat, "Ministers cite our evidence").get_attribute("data-id")
    trust = await note(pat, "Parents trust the schools more").get_attribute("data-id")
    for page in (ana, pat, fac):
        await expect(page.locator(f".note-dots[data-id='{cite}'] .note-dots-count")).to_have_text("● 2", timeout=SETTLE)
        await expect(page.locator(f".note-dots[data-id='{trust}'] .note-dots-count")).to_have_text("● 2")
    await shoot(fac, "3-vote-results-facilitator")
    await shoot(pat, "3-vote-results-phone")

    # 6. What the funder and the analyst get: the report ranks the vote; Kumu carries the dots and authors.
    token = {c["name"]: c["value"] for c in await context.cookies()}[f"pw_{workshop_id}"]
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        report = (await http.get(f"/api/workshops/{workshop_id}/export/report-md")).text
        kumu = (await http.get(f"/api/workshops/{workshop_id}/export/kumu")).json()
    assert "## Votes" in report and re.search(r"Ministers cite our evidence: 2 dots", report)
    by_label = {e["label"]: e for e in kumu["elements"]}
    assert by_label["Parents trust the schools more"]["author"] == "Amal"
    assert by_label["Ministers cite our evidence"]["dots"] == 2
    assert len(kumu["connections"]) == 1
