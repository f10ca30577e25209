"""Running a workshop from the list view, as from the board: merging duplicates (P43), clusters (P44), dot votes
and the order by dots (P40), notes and dots for someone without a device (P42), and only what the phase allows
(P37, P38) — by keyboard, on a phone and on a projector-sized screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, join, server_map, start_workshop
from tests.browser.test_list_view import PHONE, add, apply, open_list, row
from tests.support.server import ServerProcess

PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}


async def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the keyboard focus."""
    for _ in range(limit):
        if await page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.rule("P43")
async def test_the_list_view_merges_ticked_duplicates_into_the_chosen_note_and_undoes_it_by_keyboard_alone(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Merge from the list")
    await apply(
        server,
        fac,
        workshop_id,
        add("cite0001", "impact", "Ministers cite us"),
        add("quote001", "impact", "Ministers quote our work", 240),
        add("policy01", "impact", "Policy changes", 480),
        {"op": "link.add", "id": "link0001", "source": "cite0001", "target": "policy01"},
    )
    ana = await join(browser, join_url, "Ana")
    await open_list(ana, server, workshop_id)
    bar = ana.locator("[data-selection]")
    await expect(bar).to_be_hidden()  # nothing ticked, nothing to do with a selection

    # Tick both duplicates with Space, choose the second as the one to keep, and merge — keys only.
    await tab_to(ana, "#row-cite0001 input[name=chosen]")
    await ana.keyboard.press("Space")
    await expect(bar).to_be_visible()
    await expect(bar.locator("[data-chosen-count]")).to_have_text("1 note selected")
    await expect(bar.get_by_role("button", name="Merge")).to_be_disabled()
    await tab_to(ana, "#row-quote001 input[name=chosen]")
    await ana.keyboard.press("Space")
    await expect(bar.locator("[data-chosen-count]")).to_have_text("2 notes selected")
    await tab_to(ana, "#merge-into")
    await expect(ana.locator("#merge-into option")).to_have_text(["Ministers cite us", "Ministers quote our work"])
    await ana.keyboard.press("ArrowDown")  # a closed select takes arrow keys as a choice
    await expect(ana.locator("#merge-into")).to_have_value("quote001")
    await ana.keyboard.press("Tab")
    await expect(bar.get_by_role("button", name="Merge")).to_be_focused()
    await ana.keyboard.press("Enter")

    kept = row(ana, "Ministers quote our work")
    await expect(row(ana, "Ministers cite us")).to_have_count(0, timeout=SETTLE)
    await expect(kept.locator(".note-row-meta")).to_have_text("by Facilitator · 1 duplicate merged in")
    await expect(kept.get_by_role("list", name="Leads to").locator(".link-end")).to_have_text(
        "Policy changes"
    )  # the link came along
    await expect(bar).to_be_hidden()
    undo = ana.locator("[data-notice-undo]")
    await expect(undo).to_be_focused()  # the keyboard is not left on a bar that went away
    await expect(ana.locator("[data-notice-text]")).to_have_text("Merged 1 note into “Ministers quote our work”.")
    stored = await server_map(server, fac, workshop_id)
    assert sorted(n["id"] for n in stored["notes"]) == ["policy01", "quote001"]
    assert [(lk["source"], lk["target"]) for lk in stored["links"]] == [("quote001", "policy01")]

    await ana.keyboard.press("Enter")  # Undo the merge
    await expect(row(ana, "Ministers cite us")).to_be_visible(timeout=SETTLE)
    await expect(row(ana, "Ministers quote our work").locator(".note-row-meta")).to_have_text("by Facilitator")
    stored = await server_map(server, fac, workshop_id)
    assert sorted(n["id"] for n in stored["notes"]) == ["cite0001", "policy01", "quote001"]
    assert [(lk["source"], lk["target"]) for lk in stored["links"]] == [("cite0001", "policy01")]


@pytest.mark.rule("P44")
async def test_the_list_view_groups_notes_under_their_cluster_and_makes_renames_and_removes_clusters(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Clusters in the list")
    await apply(
        server,
        fac,
        workshop_id,
        add("cite0001", "impact", "Ministers cite us"),
        add("brief001", "output", "Officials ask for briefs", 240),
        add("train001", "activity", "Train officials", 2000),
        add("press001", "output", "Press coverage", 2240),
        # A frame around the first two, as the board draws one: their middles are inside it, the others' not.
        {
            "op": "cluster.add",
            "id": "clus0001",
            "label": "Policy uses evidence",
            "x": -24,
            "y": -64,
            "width": 488,
            "height": 208,
        },
    )
    ana = await join(browser, join_url, "Ana")
    await open_list(ana, server, workshop_id)
    cluster = ana.locator("section[data-cluster=clus0001]")
    await expect(cluster.get_by_role("heading")).to_have_text("Cluster: Policy uses evidence (2)")
    await expect(cluster.locator(".note-row-text")).to_have_text(["Ministers cite us", "Officials ask for briefs"])
    await expect(row(ana, "Ministers cite us").locator(".note-row-meta")).to_have_text("Impact, by Facilitator")
    await expect(ana.locator("section[data-kind=activity] .note-row-text")).to_have_text(["Train officials"])

    # A new cluster from two ticked notes: a frame drawn around them, and the list regroups at once.
    await row(ana, "Train officials").get_by_label("Select: Train officials").check()
    await row(ana, "Press coverage").get_by_label("Select: Press coverage").check()
    await ana.fill("#cluster-label", "Our own work")
    await ana.keyboard.press("Enter")  # in the name: makes the cluster, not a merge
    own = ana.locator("section.cluster-group", has=ana.get_by_role("heading", name="Cluster: Our own work (2)"))
    await expect(own).to_be_visible(timeout=SETTLE)
    await expect(own.locator(".note-row-text")).to_have_text(["Train officials", "Press coverage"])
    stored = await server_map(server, fac, workshop_id)
    made = next(c for c in stored["clusters"] if c["label"] == "Our own work")
    notes = {n["id"]: n for n in stored["notes"]}
    for nid in ("train001", "press001"):  # each note's middle, at a note's usual size, inside the frame
        cx, cy = notes[nid]["x"] + 100, notes[nid]["y"] + 60
        assert made["x"] < cx < made["x"] + made["width"] and made["y"] < cy < made["y"] + made["height"], made
    # The board frames the same notes: its own reckoning of what moves with the cluster agrees with the list.
    await expect(fac.locator(".cluster-label", has_text="Our own work")).to_be_visible(timeout=SETTLE)

    # Rename it, then remove its frame (its notes stay) and put it back with Undo.
    await own.locator(".cluster-tools summary").click()
    await own.get_by_label("Name of the cluster").fill("Our programme")
    await own.get_by_role("button", name="Rename").click()
    renamed = ana.locator(f"section[data-cluster={made['id']}]")
    await expect(renamed.get_by_role("heading")).to_have_text("Cluster: Our programme (2)", timeout=SETTLE)
    await renamed.locator(".cluster-tools summary").click()
    await renamed.get_by_role("button", name="Remove the frame (its notes stay)").click()
    await expect(renamed).to_have_count(0, timeout=SETTLE)
    await expect(ana.locator("section[data-kind=activity] .note-row-text")).to_have_text(["Train officials"])
    await expect(ana.locator("[data-notice-undo]")).to_be_focused()
    await ana.keyboard.press("Enter")
    back = ana.locator("section.cluster-group", has=ana.get_by_role("heading", name="Cluster: Our programme (2)"))
    await expect(back).to_be_visible(timeout=SETTLE)
    assert sorted(c["label"] for c in (await server_map(server, fac, workshop_id))["clusters"]) == [
        "Our programme",
        "Policy uses evidence",
    ]


@pytest.mark.rule("P40")
async def test_on_a_phone_the_list_view_casts_dots_shows_them_and_sorts_by_them_and_keeps_that_order(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Votes in the list")
    await apply(
        server,
        fac,
        workshop_id,
        add("first001", "impact", "First on the board"),
        add("secnd001", "impact", "Second on the board", 240),
        add("third001", "impact", "Third on the board", 480),
        add("train001", "activity", "Not in the vote", 720),
        {"op": "link.add", "id": "link0001", "source": "first001", "target": "secnd001"},
        {"op": "vote.open", "on": "notes", "budget": 3, "max_per_item": 2, "kinds": ["impact"]},
    )
    phone = await join(browser, join_url, "Pat", **PHONE)
    await open_list(phone, server, workshop_id)
    bar = phone.locator("[data-vote-bar]")
    await expect(bar).to_contain_text("Vote on the Impact notes: you have 3 of 3 dots left (at most 2 on one note).")
    await expect(row(phone, "Not in the vote").locator(".note-row-dots")).to_be_hidden()

    third = row(phone, "Third on the board")
    await third.get_by_role("button", name="Put a dot on “Third on the board”").click()
    await expect(third.locator(".note-row-dots-count")).to_have_text("Your dots: 1", timeout=SETTLE)
    await third.get_by_role("button", name="Put a dot on “Third on the board”").click()
    await expect(third.locator(".note-row-dots-count")).to_have_text("Your dots: 2", timeout=SETTLE)
    await expect(third.get_by_role("button", name="Put a dot on “Third on the board”")).to_be_disabled()
    await row(phone, "Second on the board").get_by_role("button", name="Put a dot on “Second on the board”").click()
    await expect(bar).to_contain_text("you have 0 of 3 dots left", timeout=SETTLE)

    # While the vote is open, "my dots first" orders by this person's own dots.
    impacts = phone.locator("section[data-kind=impact] .note-row-text")
    await expect(impacts).to_have_text(["First on the board", "Second on the board", "Third on the board"])
    await phone.get_by_label("Order").select_option(label="my dots first")
    await expect(impacts).to_have_text(["Third on the board", "Second on the board", "First on the board"])
    assert "order=dots" in phone.url

    # The facilitator's own dots, then the close: everyone's totals, most dots first.
    await apply(
        server,
        fac,
        workshop_id,
        {"op": "vote.cast", "item": "first001", "dots": 1},
        {"op": "vote.cast", "item": "secnd001", "dots": 2},
        {"op": "vote.close"},
    )
    await expect(bar).to_contain_text("closed. Each note shows its dots.", timeout=SETTLE)
    await expect(impacts).to_have_text(["Second on the board", "Third on the board", "First on the board"])
    await expect(row(phone, "Second on the board").locator(".note-row-dots-count")).to_have_text("● 3 dots in the vote")
    await expect(row(phone, "Third on the board").get_by_role("button", name=re.compile("dot"))).to_be_hidden()
    assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    await phone.screenshot(path=str(SCREENSHOTS / "list-votes-390.png"), full_page=True)

    # The order is kept: in the address, and for this person's next visit without it.
    await phone.reload()
    await expect(impacts).to_have_text(["Second on the board", "Third on the board", "First on the board"])
    await phone.goto(f"{server.url}/w/{workshop_id}/list")
    await expect(phone.get_by_label("Order")).to_have_value("dots")
    await expect(impacts).to_have_text(["Second on the board", "Third on the board", "First on the board"])


@pytest.mark.rule("P42")
async def test_the_facilitator_adds_notes_and_dots_for_someone_without_a_device_from_the_list_view(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Everyone counts, listed")
    await apply(server, fac, workshop_id, add("train001", "activity", "Train officials"))
    projector = await browser.new_context(**PROJECTOR)
    await projector.add_cookies(await fac.context.cookies())  # the facilitator, on a projector-sized screen
    fac_list = await projector.new_page()
    await open_list(fac_list, server, workshop_id)
    await expect(fac_list.locator("[data-acting-for-row]")).to_be_hidden()  # nobody to act for yet

    await fac_list.fill("#proxy-name", "Amal")
    await fac_list.keyboard.press("Enter")
    await expect(fac_list.locator("[data-acting-for-row]")).to_be_visible(timeout=SETTLE)
    await fac_list.get_by_label("Notes and dots for").select_option(label="Amal")
    await fac_list.fill("#add-text", "Parents trust the service")
    await fac_list.select_option("#add-kind", "impact")
    await fac_list.click("form[data-add-form] button[type=submit]")
    trust = row(fac_list, "Parents trust the service")
    await expect(trust.locator(".note-row-meta")).to_have_text("by Amal", timeout=SETTLE)

    await apply(server, fac, workshop_id, {"op": "vote.open", "on": "notes", "budget": 2, "max_per_item": 2})
    bar = fac_list.locator("[data-vote-bar]")
    await expect(bar).to_contain_text("Amal has 2 of 2 dots left", timeout=SETTLE)
    await trust.get_by_role("button", name="Put a dot on “Parents trust the service”").click()
    await expect(trust.locator(".note-row-dots-count")).to_have_text("Amal’s dots: 1", timeout=SETTLE)
    await expect(bar).to_contain_text("Amal has 1 of 2 dots left")
    await fac_list.get_by_label("Notes and dots for").select_option(label="me")
    await expect(bar).to_contain_text("open. Results show when you close it.")
    await expect(trust.locator(".note-row-dots-count")).to_have_text("Your dots: 0")
    await fac_list.screenshot(path=str(SCREENSHOTS / "list-proxy-1920.png"))

    stored = await server_map(server, fac, workshop_id)
    amal = next(p for p in stored["participants"] if p["name"] == "Amal")
    trust_id = next(n["id"] for n in stored["notes"] if n["text"] == "Parents trust the service")
    assert next(n for n in stored["notes"] if n["id"] == trust_id)["author"] == amal["id"]
    assert stored["votes"][-1]["ballots"] == {amal["id"]: {trust_id: 1}}


@pytest.mark.rule("P37", "P38")
async def test_the_list_view_offers_only_what_the_phase_allows_marks_private_notes_and_shows_refusals(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Phases in the list")
    phase = {
        "name": "Name the impacts",
        "kinds": ["impact"],
        "link": False,
        "move": False,
        "edit_others": False,
        "private": True,
    }
    await apply(
        server,
        fac,
        workshop_id,
        add("theirs01", "impact", "The facilitator's impact"),
        {"op": "plan.set", "phases": [phase], "current": 0},
    )
    ana = await join(browser, join_url, "Ana")
    await open_list(ana, server, workshop_id)
    await expect(ana.locator("#add-kind option[value=outcome]")).to_be_disabled()
    await expect(ana.locator("#add-kind")).to_have_value("impact")
    await expect(ana.locator("#row-theirs01 details")).to_have_count(0)  # not hers to change, and no linking

    await ana.fill("#add-text", "Schools use our toolkit")
    await ana.click("form[data-add-form] button[type=submit]")
    mine = row(ana, "Schools use our toolkit")
    await expect(mine.locator(".note-row-meta")).to_have_text(
        "by Ana · private until the facilitator reveals it: only its author and the facilitator see it", timeout=SETTLE
    )
    await mine.locator(":scope > details > summary").click()
    await expect(mine.get_by_role("button", name="Save")).to_be_visible()  # her own note she may change
    await expect(mine.get_by_label("Link this note to")).to_be_hidden()
    bob = await join(browser, join_url, "Bob")
    await open_list(bob, server, workshop_id)
    await expect(row(bob, "The facilitator's impact")).to_be_visible()
    await expect(bob.locator(".note-row")).to_have_count(1)  # Ana's private note reaches nobody else

    # Ticked notes: no clustering in a phase where notes stay put; merging someone else's note is not offered.
    await mine.get_by_label("Select: Schools use our toolkit").check()
    await row(ana, "The facilitator's impact").get_by_label("Select: The facilitator's impact").check()
    await expect(ana.locator("#cluster-label")).to_be_hidden()
    await ana.locator("[data-selection]").get_by_role("button", name="Merge").click()
    problem = ana.get_by_role("alert")
    await expect(problem).to_have_text("Not in this phase: only your own notes can be merged.")

    # What the page no longer offers, the server refuses anyway, and the list says so plainly.
    target = (await mine.get_attribute("id") or "").removeprefix("row-")
    await ana.evaluate(
        "(target) => window.pathweaver.send('link.add', {id: 'link0001', source: 'theirs01', target})", target
    )
    await expect(problem).to_have_text(
        "Not in this phase: links cannot be changed in the phase “Name the impacts”.", timeout=SETTLE
    )
    await expect(problem).to_be_in_viewport()


@pytest.mark.rule("P43", "P44")
async def test_without_scripts_the_list_view_merges_and_clusters_ticked_notes_and_reads_as_with_them(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Workshop tools without scripts")
    await apply(
        server,
        fac,
        workshop_id,
        add("cite0001", "impact", "Ministers cite us"),
        add("quote001", "impact", "Ministers quote us", 240),
        add("train001", "activity", "Train officials", 2000),
        add("brief001", "output", "Evidence briefings", 2240),
    )
    plain = await (await browser.new_context(java_script_enabled=False)).new_page()
    await plain.goto(join_url)
    await plain.fill("#name", "Nina")
    await plain.click("text=Join the board")
    await plain.goto(f"{server.url}/w/{workshop_id}/list")

    await plain.get_by_label("Select: Ministers cite us").check()
    await plain.get_by_label("Select: Ministers quote us").check()
    await plain.locator("[data-selection]").get_by_role("button", name="Merge").click()  # into the first ticked
    await expect(row(plain, "Ministers quote us")).to_have_count(0)
    await expect(row(plain, "Ministers cite us").locator(".note-row-meta")).to_have_text(
        "by Facilitator · 1 duplicate merged in"
    )
    await plain.get_by_label("Select: Train officials").check()
    await plain.locator("[data-selection]").get_by_role("button", name="Cluster").click()
    await expect(plain.get_by_role("alert")).to_have_text("Give the cluster a name.")  # and nothing changed
    await plain.get_by_label("Select: Train officials").check()
    await plain.get_by_label("Select: Evidence briefings").check()
    await plain.get_by_label("Cluster named").fill("Our own work")
    await plain.locator("[data-selection]").get_by_role("button", name="Cluster").click()
    own = plain.locator("section.cluster-group")
    await expect(own.get_by_role("heading")).to_have_text("Cluster: Our own work (2)")
    await expect(own.locator(".note-row-meta")).to_have_text(["Activity, by Facilitator", "Output, by Facilitator"])

    # The list drawn by the page's scripts reads exactly as the server's, clusters and all.
    await open_list(fac, server, workshop_id)
    for page in (plain, fac):
        await page.locator(".cluster-tools summary").click()
    await expect(fac.get_by_label("Name of the cluster")).to_have_value("Our own work")
    assert await fac.locator("#list").aria_snapshot() == await plain.locator("#list").aria_snapshot()

    await plain.locator(".cluster-tools").get_by_role("button", name="Remove the frame (its notes stay)").click()
    await expect(plain.locator("section.cluster-group")).to_have_count(0)
    await row(plain, "Ministers cite us").locator(":scope > details > summary").click()
    await row(plain, "Ministers cite us").get_by_role("button", name="Undo the merge").click()
    await expect(row(plain, "Ministers quote us")).to_be_visible()
    stored = await server_map(server, fac, workshop_id)
    assert sorted(n["id"] for n in stored["notes"]) == ["brief001", "cite0001", "quote001", "train001"]
    assert stored["clusters"] == []
