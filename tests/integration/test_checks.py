"""The method's checks over HTTP from a real server (P49): the facilitator's always; a participant's only once
the facilitator shows them, and never about notes the participant may not see; nobody else's at all."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import create_workshop


@pytest.mark.rule("P49")
async def test_checks_reach_the_facilitator_and_everyone_only_once_shown(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    await fac.do("note.add", **note("act1", kind="activity", text="Monthly briefings"))
    await fac.do("note.add", **note("imp1", kind="impact", text="Ministers cite us"))
    await fac.do("link.add", id="lnk1", source="act1", target="imp1")
    ana = await workshop.participant("Ana")
    url = f"/api/workshops/{workshop.id}/checks"
    as_fac = {"Authorization": f"Bearer {workshop.created['token']}"}
    as_ana = {"Authorization": f"Bearer {ana.token}"}
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.get(url, headers=as_fac)
        assert r.status_code == 200
        found = {c["check"]: c for c in r.json()["checks"]}
        assert found["level_skip"]["findings"][0]["links"] == ["lnk1"]
        assert found["no_indicator"]["findings"][0]["notes"] == ["imp1"]
        r = await http.get(url, headers=as_ana)
        assert r.status_code == 403 and r.json()["code"] == "facilitator_only"
        assert (await http.get(url)).status_code == 401
        other = await create_workshop(workshop.server.url, "Someone else's")
        r = await http.get(url, headers={"Authorization": f"Bearer {other['token']}"})
        assert r.status_code in (401, 403), r.status_code  # another workshop's facilitator is no one here

        await fac.do("workshop.checks", shown=True)
        await fac.do("plan.set", phases=[{"name": "On your own", "private": True}])
        bob = await workshop.participant("Bob")
        await bob.do("note.add", **note("imp2", kind="impact", text="Bob's secret impact"))
        r = await http.get(url, headers=as_ana)
        assert r.status_code == 200
        assert "Bob's secret impact" not in r.text and "imp2" not in r.text  # private until revealed (P38)
        r = await http.get(url, headers={"Authorization": f"Bearer {bob.token}"})
        assert "imp2" in r.text  # his own
