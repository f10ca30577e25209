"""Contribution stories over real websockets and HTTP, on SQLite and PostgreSQL (P52): a participant's story
reaches everyone and is stored; the server checks its pathway; another workshop's token reaches none of it."""

from __future__ import annotations

import orjson
import pytest
import websockets

from tests.integration.conftest import Workshop, note
from tests.support.client import create_workshop, read_map

VIA_OUTPUT = "act00001>out00001>imp00001"
STORY = {
    "id": "story001",
    "title": "Officials use the guide",
    "pathway": VIA_OUTPUT,
    "what_changed": "Two ministries cite the guide",
    "for_whom": "Policy officials",
    "what_we_did": "Briefings and a guide",
    "how_it_contributed": "Officials reached for the guide when drafting",
    "evidence": "Six interviews",
    "other_factors": ["fac00001"],
}


@pytest.mark.rule("P52")
async def test_a_participants_story_reaches_everyone_and_another_workshops_token_reaches_none_of_it(
    workshop: Workshop,
) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    for note_id, kind in (("act00001", "activity"), ("out00001", "output"), ("imp00001", "impact")):
        await fac.do("note.add", **note(note_id, kind=kind))
    await fac.do("note.add", **note("fac00001", kind="assumption"))
    await fac.do("link.add", id="lnk00001", source="act00001", target="out00001")
    await fac.do("link.add", id="lnk00002", source="out00001", target="imp00001")
    assert (await ana.refused("story.add", **{**STORY, "pathway": "out00001>imp00001"}))["code"] == "bad_value"
    unstorable = {**STORY, "id": "story009", "evidence": "six\x0binterviews"}
    assert (await ana.refused("story.add", **unstorable))["code"] == "bad_value"
    added = await ana.do("story.add", **STORY)
    await ben.wait_head(added)
    told = ben.board.stories["story001"]
    assert (told.title, told.pathway, told.author, told.other_factors) == (
        STORY["title"],
        VIA_OUTPUT,
        ana.me["id"],
        ["fac00001"],
    )
    changed = await ben.do("story.update", id="story001", evidence="Six interviews and the briefs", expect=1)
    assert (await ana.refused("story.update", id="story001", title="Mine", expect=1))["code"] == "changed_since"
    await ana.wait_head(changed)
    assert ana.board.stories["story001"].evidence == "Six interviews and the briefs"
    stored = await read_map(workshop.server.url, workshop.id, ben.token)
    assert [s["version"] for s in stored["stories"]] == [2]

    other = Workshop(workshop.server, await create_workshop(workshop.server.url, "Another workshop"))
    try:
        stranger = await other.participant("Stranger")
        for op, fields in (("story.update", {"title": "Taken over"}), ("story.delete", {})):
            assert (await stranger.refused(op, id="story001", **fields))["code"] == "note_missing"
        url = f"{workshop.server.ws_url}/api/workshops/{workshop.id}/ws"
        async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {stranger.token}"}) as ws:
            frame = orjson.loads(await ws.recv())
            assert frame["type"] == "error" and frame["code"] == "unauthorized"
    finally:
        await other.close()

    deleted = await fac.do("story.delete", id="story001", expect=2)
    for c in (ana, ben):
        await c.wait_head(deleted)
        assert not c.board.stories
    assert (await read_map(workshop.server.url, workshop.id, ana.token))["stories"] == []
