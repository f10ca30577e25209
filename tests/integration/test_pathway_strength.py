"""How strong each pathway is, over HTTP from a real server (P54): weakest first, following the group's grades
and confidence as they change; the facilitator's always, a participant's only once the checks are shown, never
through notes the participant may not see, and nobody else's at all."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import BoardClient, create_workshop


async def two_pathways(fac: BoardClient) -> None:
    """Upper: act1 → out1 → imp1 (links upp1, upp2); lower: act2 → out2 → imp1 (low1, low2)."""
    for note_id, kind in [("act1", "activity"), ("act2", "activity"), ("out1", "output"), ("out2", "output")]:
        await fac.do("note.add", **note(note_id, kind=kind, text=f"{kind} {note_id}"))
    await fac.do("note.add", **note("imp1", kind="impact", text="Ministers cite us"))
    for link_id, source, target in [("upp1", "act1", "out1"), ("upp2", "out1", "imp1")]:
        await fac.do("link.add", id=link_id, source=source, target=target)
    for link_id, source, target in [("low1", "act2", "out2"), ("low2", "out2", "imp1")]:
        await fac.do("link.add", id=link_id, source=source, target=target)


async def pathways(http: httpx.AsyncClient, workshop: Workshop, token: str) -> list[dict[str, Any]]:
    r = await http.get(f"/api/workshops/{workshop.id}/pathways", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    (impact,) = r.json()["impacts"]
    assert impact["impact"] == "imp1"
    return impact["pathways"]  # type: ignore[no-any-return]


@pytest.mark.rule("P54")
async def test_pathways_come_weakest_first_and_follow_grades_and_confidence_as_they_change(
    workshop: Workshop,
) -> None:
    fac = await workshop.facilitator()
    await two_pathways(fac)
    for link_id, grade in [("upp1", "strong"), ("upp2", "moderate"), ("low1", "strong"), ("low2", "weak")]:
        await fac.do("link.evidence", id=link_id, strength=grade)
    ana = await workshop.participant("Ana")
    await fac.do("confidence.set", id="low2", value=2)
    await ana.do("confidence.set", id="low2", value=5)  # 2 and 5: the group sees it very differently
    token = workshop.created["token"]
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        lower, upper = await pathways(http, workshop, token)
        assert lower["notes"] == ["act2", "out2", "imp1"] and lower["links"] == ["low1", "low2"]
        assert (lower["grade"], lower["confidence"], lower["unrated"]) == ("weak", 3.5, 1)
        assert lower["weakest"] == ["low2"] and lower["contested"] == ["low2"]
        assert (upper["grade"], upper["confidence"], upper["unrated"]) == ("moderate", None, 2)

        await fac.do("link.evidence", id="low2", strength="strong")  # the lower pathway's evidence came in
        await fac.do("link.evidence", id="upp2", strength="none")
        first, second = await pathways(http, workshop, token)
        assert first["notes"] == ["act1", "out1", "imp1"] and first["grade"] == "none" and first["weakest"] == ["upp2"]
        assert second["grade"] == "strong"

        await fac.do("link.evidence", id="upp2", strength="strong")  # both strong: the lower confidence is weaker
        first, _ = await pathways(http, workshop, token)
        assert first["notes"] == ["act2", "out2", "imp1"]  # confidence 3.5, where the upper has none rated
        await fac.do("confidence.set", id="upp1", value=1)
        first, second = await pathways(http, workshop, token)
        assert first["notes"] == ["act1", "out1", "imp1"] and (first["confidence"], first["weakest"]) == (1, ["upp1"])
        assert second["confidence"] == 3.5

        url, auth = f"/api/workshops/{workshop.id}/pathways", {"Authorization": f"Bearer {token}"}
        (impact,) = (await http.get(url, params={"per_impact": 1}, headers=auth)).json()["impacts"]
        assert impact["count"] == 2 and [p["notes"] for p in impact["pathways"]] == [first["notes"]]  # the weakest
        for bad in ("0", "51", "many"):
            r = await http.get(url, params={"per_impact": bad}, headers=auth)
            assert 400 <= r.status_code < 500 and r.json()["code"], (bad, r.status_code)


@pytest.mark.rule("P54")
async def test_pathways_reach_a_participant_only_once_shown_and_never_through_notes_they_may_not_see(
    workshop: Workshop,
) -> None:
    fac = await workshop.facilitator()
    await two_pathways(fac)
    ana = await workshop.participant("Ana")
    url = f"/api/workshops/{workshop.id}/pathways"
    as_ana = {"Authorization": f"Bearer {ana.token}"}
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.get(url, headers=as_ana)
        assert r.status_code == 403 and r.json()["code"] == "facilitator_only"
        assert (await http.get(url)).status_code == 401
        other = await create_workshop(workshop.server.url, "Someone else's")
        r = await http.get(url, headers={"Authorization": f"Bearer {other['token']}"})
        assert r.status_code in (401, 403), r.status_code  # another workshop's facilitator is no one here
        assert "act1" not in r.text

        await fac.do("workshop.checks", shown=True)
        assert len(await pathways(http, workshop, ana.token)) == 2
        await fac.do("plan.set", phases=[{"name": "On your own", "private": True}])
        bob = await workshop.participant("Bob")
        await bob.do("note.add", **note("act9", kind="activity", text="Bob's secret activity"))
        await bob.do("link.add", id="sec1", source="act9", target="out1")
        r = await http.get(url, headers=as_ana)
        assert r.status_code == 200
        for secret in ("act9", "sec1", "Bob's secret"):
            assert secret not in r.text  # private until revealed (P38)
        bobs = await pathways(http, workshop, bob.token)
        assert ["act9", "out1", "imp1"] in [p["notes"] for p in bobs]  # his own

        await fac.do("workshop.checks", shown=False)
        assert (await http.get(url, headers=as_ana)).status_code == 403
