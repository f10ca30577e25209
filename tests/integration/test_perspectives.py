"""Stakeholder groups and endorsements over real websockets and HTTP (P51): each person sets their own group,
only the facilitator names the groups or sets anyone else's, and endorsements reach everyone."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import read_map

GROUPS = [{"id": "funders", "label": "Funders"}, {"id": "practice", "label": "Practitioners"}]


@pytest.mark.rule("P51")
async def test_a_participant_sets_only_their_own_group_and_cannot_name_the_groups(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    assert (await ana.refused("groups.set", groups=GROUPS))["code"] == "facilitator_only"
    await fac.do("groups.set", groups=GROUPS)
    assert (await ana.refused("participant.group", participant=ben.me["id"], group="funders"))[
        "code"
    ] == "facilitator_only"
    assert (await ana.refused("participant.group", group="villains"))["code"] == "bad_value"
    await ana.do("participant.group", group="funders")
    last = await fac.do("participant.group", participant=ben.me["id"], group="practice")
    for c in (fac, ana, ben):
        await c.wait_head(last)
        assert c.board is not None
        assert [g.id for g in c.board.groups] == ["funders", "practice"]
        assert c.board.participants[ana.me["id"]].group == "funders"
        assert c.board.participants[ben.me["id"]].group == "practice"
    stored = await read_map(workshop.server.url, workshop.id, ben.token)
    assert {p["name"]: p.get("group") for p in stored["participants"]}["Ana"] == "funders"


@pytest.mark.rule("P51")
async def test_endorsements_reach_everyone(workshop: Workshop) -> None:
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    await ana.do("note.add", **note(1))
    await ana.do("note.add", **note(2))
    await ana.do("link.add", id="link0001", source="note0001", target="note0002")
    await ben.do("endorse", id="note0001", on=True)
    last = await ben.do("endorse", id="link0001", on=True)
    await ana.wait_head(last)
    assert ana.board is not None
    assert ana.board.notes["note0001"].endorsed_by == [ben.me["id"]]
    assert ana.board.links["link0001"].endorsed_by == [ben.me["id"]]
    assert (await ben.refused("endorse", id="note0001", on=True))["code"] == "bad_value"
    last = await ben.do("endorse", id="note0001", on=False)
    await ana.wait_head(last)
    assert ana.board.notes["note0001"].endorsed_by == []
    stored = await read_map(workshop.server.url, workshop.id, ana.token)
    assert [lk.get("endorsed_by") for lk in stored["links"]] == [[ben.me["id"]]]


@pytest.mark.rule("P51")
async def test_the_join_page_offers_the_groups_and_puts_the_newcomer_in_one(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    await fac.do("groups.set", groups=GROUPS)
    page = f"/j/{workshop.created['join_code']}"
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.get(page)
        assert r.status_code == 200 and 'value="practice">Practitioners' in r.text
        r = await http.post(page, data={"name": "Sneaky", "group": "villains"})
        assert r.status_code == 422 and "Choose one of the groups" in r.text
        r = await http.post(page, data={"name": "Cleo", "group": "practice"})
        assert r.status_code == 303
        r = await http.post(page, data={"name": "Dev"})  # a group is optional
        assert r.status_code == 303

    def groups() -> dict[str, str | None]:
        return {p.name: p.group for p in fac.board.participants.values()} if fac.board else {}

    # Cleo is on the board in her group before she even opens it; Dev, in none, comes when he connects
    await fac.wait_for(lambda: groups().get("Cleo") == "practice", "Cleo in the practitioners")
    assert "Sneaky" not in groups()
