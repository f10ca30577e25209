"""The second half of a workshop from the list view, on a phone: weighing links (P46), endorsing and picking a
group (P51), editing a link's evidence, and dot votes on links (P40) and pathways (P48) — live, in the board's
words, and for confidence and endorsements without scripts too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_board_in_browser import SETTLE, join, server_map, start_workshop
from tests.browser.test_list_view import PHONE, add, apply, open_list, row
from tests.support.server import ServerProcess

TAP = 44  # px: the smallest control a finger should have to press


def link_item(page: Page, note: str) -> Any:
    """The first link leading from the note whose text is `note`, with its evidence."""
    return row(page, note).locator(".link-item").first


async def assert_fits_a_phone(page: Page, controls: Any) -> None:
    """Nothing sticks out sideways, and every one of `controls` is big enough for a finger."""
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    for box in await controls.evaluate_all("els => els.map((e) => e.getBoundingClientRect().toJSON())"):
        assert box["height"] >= TAP and box["width"] >= TAP, box


async def mapped(server: ServerProcess, fac: Page, workshop_id: str) -> tuple[list[str], Any]:
    board = await server_map(server, fac, workshop_id)
    return [p["id"] for p in board["participants"]], board


@pytest.mark.rule("P46", "P51")
async def test_on_a_phone_a_participant_weighs_and_endorses_a_link_and_sees_others_ratings_and_the_contest_arrive(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Weighing links on a phone")
    await apply(
        server,
        fac,
        workshop_id,
        add("train001", "activity", "Train officials"),
        add("cite0001", "impact", "Ministers cite our evidence in policy papers", 300),
        {"op": "link.add", "id": "link0001", "source": "train001", "target": "cite0001", "label": "leads to"},
        {
            "op": "link.evidence",
            "id": "link0001",
            "mechanism": "Trained officials brief ministers with our findings before each bill is drafted",
            "support": ["practice", "monitoring"],
            "sources": [{"url": "https://example.org/a-very-long-address/of/a/report/on/briefings-2024.pdf"}],
            "strength": "weak",
        },
        {
            "op": "note.indicators",
            "id": "cite0001",
            "indicators": [{"indicator": "Citations", "baseline": "2", "target": "10", "source": "Hansard"}],
            "change": "policy",
        },
        {"op": "groups.set", "groups": [{"id": "funders", "label": "Funders"}, {"id": "staff", "label": "Staff"}]},
    )
    pat = await join(browser, join_url, "Pat", **PHONE)
    await open_list(pat, server, workshop_id)
    await pat.get_by_label("Your stakeholder group").select_option(label="Funders")
    await pat.locator("[data-group-form]").get_by_role("button", name="Save").click()

    item = link_item(pat, "Train officials")
    facts = item.locator(".evidence-facts")
    await expect(facts).to_contain_text("Practice knowledge, Monitoring data")
    await expect(facts).to_contain_text("Weak")
    await expect(item.get_by_role("link")).to_have_attribute("rel", "noopener noreferrer nofollow")
    await expect(row(pat, "Ministers cite our evidence in policy papers").locator(".note-facts")).to_contain_text(
        "Kind of changePolicyIndicatorsCitations — from 2 to 10 (Hansard)"
    )
    await item.locator(".confidence-form").get_by_role("button", name="2", exact=True).click()
    await expect(item.locator(".confidence-text")).to_have_text("1 person: mean 2.0 (1×2)", timeout=SETTLE)
    await expect(item.get_by_role("button", name="2", exact=True)).to_have_attribute("aria-pressed", "true")
    await item.get_by_role("button", name="Endorse the link to Ministers cite our evidence in policy papers").click()
    await expect(facts).to_contain_text("Endorsed byPat (Funders)", timeout=SETTLE)
    await expect(item.locator(".endorse-form button")).to_have_attribute("aria-pressed", "true")
    await expect(item.locator(".contested-mark")).to_have_count(0)

    # Someone else's rating arrives while Pat looks: the spread widens and the link is marked contested.
    bo = await join(browser, join_url, "Bo")
    await apply(server, bo, workshop_id, {"op": "confidence.set", "id": "link0001", "value": 5})
    await expect(item.locator(".confidence-text")).to_have_text(
        "2 people: mean 3.5, from 2 to 5 (1×2, 1×5)", timeout=SETTLE
    )
    await expect(item.locator(".contested-mark")).to_have_text("Contested")
    await expect(item.locator(".endorse-form button")).to_be_focused()  # where Pat left it, through the update
    await assert_fits_a_phone(
        pat, pat.locator(".confidence-form button, .endorse-form button, .evidence-tools summary")
    )
    await pat.screenshot(path=str(SCREENSHOTS / "list-evidence-390.png"), full_page=True)
    people, board = await mapped(server, fac, workshop_id)
    pat_id = next(p["id"] for p in board["participants"] if p["name"] == "Pat")
    link = board["links"][0]
    assert link["confidence"][pat_id] == 2 and link["endorsed_by"] == [pat_id]

    # Without scripts the same person reads the same list, and takes their rating and endorsement back.
    plain = await (await browser.new_context(java_script_enabled=False, **PHONE)).new_page()
    await plain.context.add_cookies(await pat.context.cookies())
    await plain.goto(f"{server.url}/w/{workshop_id}/list")
    assert await plain.locator("#list").aria_snapshot() == await pat.locator("#list").aria_snapshot()
    await link_item(plain, "Train officials").get_by_role("button", name="2", exact=True).click()
    await link_item(plain, "Train officials").get_by_role("button", name="Endorsed ✓").click()
    await expect(link_item(plain, "Train officials").locator(".confidence-text")).to_have_text(
        "1 person: mean 5.0 (1×5)"
    )
    await expect(item.locator(".confidence-text")).to_have_text("1 person: mean 5.0 (1×5)", timeout=SETTLE)  # live
    await expect(item.locator(".endorse-form button")).to_have_attribute("aria-pressed", "false")
    await row(plain, "Train officials").get_by_role("button", name="Endorse : Train officials").click()
    await expect(row(pat, "Train officials").locator(".note-facts")).to_have_text(
        "Endorsed byPat (Funders)", timeout=SETTLE
    )


@pytest.mark.rule("P46")
async def test_the_facilitator_edits_a_links_mechanism_grade_and_assumption_from_the_list_and_the_board_shows_it(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, _ = await start_workshop(browser, server, "Evidence edited from the list")
    await apply(
        server,
        fac,
        workshop_id,
        add("brief001", "output", "Monthly briefings"),
        add("use00001", "outcome", "Officials use evidence", 300),
        add("time0001", "assumption", "Officials have time to read", 600),
        {"op": "link.add", "id": "link0001", "source": "brief001", "target": "use00001"},
    )
    phone = await (await browser.new_context(**PHONE)).new_page()
    await phone.context.add_cookies(await fac.context.cookies())  # the facilitator, on their phone
    await open_list(phone, server, workshop_id)
    item = link_item(phone, "Monthly briefings")
    await item.locator(".evidence-tools summary").click()
    await item.get_by_label("How it leads there (mechanism)").fill("Briefings reach officials as they draft")
    await item.get_by_label("Published research").check()
    await item.get_by_label("Sources, one a line").fill("10.1234/briefings.2024 Trial of policy briefings")
    await item.get_by_label("The group’s grade of the evidence").select_option(label="Strong")
    await assert_fits_a_phone(phone, item.locator(".support-choices input + *").locator("xpath=.."))
    await phone.screenshot(path=str(SCREENSHOTS / "list-evidence-edit-390.png"), full_page=True)
    await item.get_by_role("button", name="Save the evidence").click()
    facts = item.locator(".evidence-facts")
    await expect(facts).to_contain_text("HowBriefings reach officials as they draft", timeout=SETTLE)
    await expect(facts).to_contain_text("EvidenceStrong")
    await expect(item.get_by_role("link", name="Trial of policy briefings")).to_have_attribute(
        "href", "https://doi.org/10.1234/briefings.2024"
    )
    await item.locator(".evidence-tools summary").click()
    await item.get_by_label("It rests on the assumption").select_option(label="Officials have time to read")
    await item.get_by_role("button", name="Attach").click()
    await expect(facts).to_contain_text("Rests onOfficials have time to read", timeout=SETTLE)

    # The board, open beside it, shows the grade on the arrow and the mechanism in the link's panel.
    await expect(fac.locator(".link[data-evidence*='evidence strong']")).to_have_count(1, timeout=SETTLE)
    await expect(fac.locator(".link[data-evidence*='rests on 1 assumption']")).to_have_count(1)
    await fac.locator(".link-hit").first.dispatch_event("pointerdown", {"button": 0})
    await expect(fac.locator("#link-mechanism")).to_have_value("Briefings reach officials as they draft")
    await expect(fac.locator(".source-list a")).to_have_text("Trial of policy briefings")
    link = (await server_map(server, fac, workshop_id))["links"][0]
    assert link["support"] == ["research"] and link["strength"] == "strong" and link["assumptions"] == ["time0001"]


@pytest.mark.rule("P40", "P48")
async def test_on_a_phone_the_list_view_puts_dots_on_links_and_on_pathways_and_they_count(
    browser: Any, server: ServerProcess
) -> None:
    fac, workshop_id, join_url = await start_workshop(browser, server, "Votes on links and pathways")
    await apply(
        server,
        fac,
        workshop_id,
        add("train001", "activity", "Train officials"),
        add("brief001", "output", "Monthly briefings", 300),
        add("cite0001", "impact", "Ministers cite us", 600),
        {"op": "link.add", "id": "link0001", "source": "train001", "target": "brief001"},
        {"op": "link.add", "id": "link0002", "source": "brief001", "target": "cite0001"},
        {"op": "vote.open", "on": "links", "budget": 3, "max_per_item": 2},
    )
    pat = await join(browser, join_url, "Pat", **PHONE)
    await open_list(pat, server, workshop_id)
    item = link_item(pat, "Monthly briefings")
    more = item.get_by_role("button", name="Put a dot on the link to “Ministers cite us”")
    await more.click()
    await expect(item.locator(".note-row-dots-count")).to_have_text("Your dots: 1", timeout=SETTLE)
    await more.click()
    await expect(item.locator(".note-row-dots-count")).to_have_text("Your dots: 2", timeout=SETTLE)
    await expect(more).to_be_disabled()  # at most 2 on one link
    await expect(pat.locator("[data-vote-bar]")).to_contain_text("you have 1 of 3 dots left (at most 2 on one link)")
    await assert_fits_a_phone(pat, item.locator(".note-row-dots button:visible"))
    await pat.screenshot(path=str(SCREENSHOTS / "list-link-vote-390.png"), full_page=True)
    await apply(server, fac, workshop_id, {"op": "vote.close"})
    await expect(item.locator(".note-row-dots-count")).to_have_text("● 2 dots in the vote", timeout=SETTLE)
    assert (await server_map(server, fac, workshop_id))["votes"][-1]["totals"] == {"link0002": 2}

    await apply(server, fac, workshop_id, {"op": "vote.open", "on": "pathways", "budget": 2, "max_per_item": 2})
    pathway = pat.locator("[data-list-pathways] li")
    await expect(pathway).to_have_count(1, timeout=SETTLE)
    await expect(pathway.locator(".pathway-name")).to_have_text(
        "Train officials → Monthly briefings → Ministers cite us"
    )
    await pathway.get_by_role(
        "button", name="Put a dot on the pathway “Train officials → Monthly briefings → Min"
    ).click()
    await expect(pathway.locator(".note-row-dots-count")).to_have_text("Your dots: 1", timeout=SETTLE)
    await assert_fits_a_phone(pat, pathway.locator(".note-row-dots button:visible"))
    await pat.screenshot(path=str(SCREENSHOTS / "list-pathway-vote-390.png"), full_page=True)
    await apply(server, fac, workshop_id, {"op": "vote.close"})
    await expect(pathway.locator(".note-row-dots-count")).to_have_text("● 1 dot in the vote", timeout=SETTLE)
    assert (await server_map(server, fac, workshop_id))["votes"][-1]["totals"] == {"train001>brief001>cite0001": 1}
