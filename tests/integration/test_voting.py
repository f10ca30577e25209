"""Dot voting over real websockets and HTTP, on SQLite and PostgreSQL (P40): nobody else's dots reach anyone,
in any byte, until the facilitator closes the vote."""

from __future__ import annotations

import orjson
import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import read_map


@pytest.mark.rule("P40")
async def test_dots_stay_with_their_voter_until_the_close_publishes_them(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    for i in range(3):
        await fac.do("note.add", **note(i, kind="impact"))
    await fac.do("vote.open", on="notes", budget=3, max_per_item=3)
    cast = await ana.do("vote.cast", item="note0000", dots=3)
    await ben.do("vote.cast", item="note0001", dots=1)
    for c in (ana, ben, fac):
        await c.wait_head(cast + 1)
    late = await workshop.participant("Late")
    await ben.reconnect()
    # Ana's three dots: in Ana's board only — not in Ben's frames (live or catch-up), the late joiner's
    # snapshot, the facilitator's frames, or the HTTP map anyone else reads.
    assert ana.board.votes[-1].ballots == {ana.me["id"]: {"note0000": 3}}
    for c in (ben, late, fac):
        assert ana.me["id"] not in {p for v in c.board.votes for p in v.ballots}
        for frame in c.frames:
            text = orjson.dumps(frame)
            assert b'"dots":3' not in text and b'"note0000":3' not in text, f"Ana's dots reached {c.name}"
    ben_map = await read_map(workshop.server.url, workshop.id, ben.token)
    assert ben_map["votes"][-1]["ballots"] == {ben.me["id"]: {"note0001": 1}}
    assert (await ben.refused("vote.close"))["code"] == "facilitator_only"
    closed = await fac.do("vote.close")
    for c in (ana, ben, late):
        await c.wait_head(closed)
        vote = c.board.votes[-1]
        assert vote.totals == {"note0000": 3, "note0001": 1}
        assert vote.ballots == {ana.me["id"]: {"note0000": 3}, ben.me["id"]: {"note0001": 1}}
    stored = await read_map(workshop.server.url, workshop.id, ben.token)
    assert stored["votes"][-1]["totals"] == {"note0000": 3, "note0001": 1}
