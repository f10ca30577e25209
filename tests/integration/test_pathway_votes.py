"""Dot votes on whole pathways over real websockets and HTTP, on SQLite and PostgreSQL (P48): the server checks
every pathway, only the facilitator opens or closes the vote, and nobody else's dots reach anyone until the close."""

from __future__ import annotations

import orjson
import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import read_map

VIA_OUTPUT = "act00001>out00001>imp00001"
DIRECT = "act00001>imp00001"


@pytest.mark.rule("P48")
async def test_dots_on_pathways_stay_with_their_voter_until_the_facilitator_closes_the_vote(
    workshop: Workshop,
) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    for note_id, kind in (("act00001", "activity"), ("out00001", "output"), ("imp00001", "impact")):
        await fac.do("note.add", **note(note_id, kind=kind))
    for link_id, source, target in (
        ("lnk00001", "act00001", "out00001"),
        ("lnk00002", "out00001", "imp00001"),
        ("lnk00003", "act00001", "imp00001"),
    ):
        await fac.do("link.add", id=link_id, source=source, target=target)
    opening = {"on": "pathways", "budget": 3, "max_per_item": 3, "title": "Which pathway matters most?"}
    assert (await ana.refused("vote.open", **opening))["code"] == "facilitator_only"
    await fac.do("vote.open", **opening)
    assert (await ben.refused("vote.cast", item="out00001>imp00001", dots=1))["code"] == "bad_value"
    cast = await ana.do("vote.cast", item=VIA_OUTPUT, dots=3)
    await ben.do("vote.cast", item=DIRECT, dots=1)
    for c in (ana, ben, fac):
        await c.wait_head(cast + 1)
    late = await workshop.participant("Late")
    await ben.reconnect()
    # Ana's three dots on her pathway: in Ana's board only — not in Ben's frames (live or catch-up), the late
    # joiner's snapshot, the facilitator's frames, or the HTTP map anyone else reads.
    assert ana.board.votes[-1].ballots == {ana.me["id"]: {VIA_OUTPUT: 3}}
    for c in (ben, late, fac):
        assert ana.me["id"] not in {p for v in c.board.votes for p in v.ballots}
        for frame in c.frames:
            assert VIA_OUTPUT.encode() not in orjson.dumps(frame), f"Ana's pathway reached {c.name}"
    ben_map = await read_map(workshop.server.url, workshop.id, ben.token)
    assert ben_map["votes"][-1]["ballots"] == {ben.me["id"]: {DIRECT: 1}}
    assert (await ben.refused("vote.close"))["code"] == "facilitator_only"
    closed = await fac.do("vote.close")
    for c in (ana, ben, late, fac):
        await c.wait_head(closed)
        vote = c.board.votes[-1]
        assert vote.on == "pathways" and vote.totals == {VIA_OUTPUT: 3, DIRECT: 1}
        assert vote.ballots == {ana.me["id"]: {VIA_OUTPUT: 3}, ben.me["id"]: {DIRECT: 1}}
    stored = await read_map(workshop.server.url, workshop.id, ben.token)
    assert stored["votes"][-1]["totals"] == {VIA_OUTPUT: 3, DIRECT: 1}
