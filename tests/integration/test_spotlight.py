"""The facilitator's spotlight over real websockets (P41): transient, to everyone, in late joiners' welcome."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import read_map


@pytest.mark.rule("P41")
async def test_a_spotlight_reaches_everyone_at_once_and_is_never_stored(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    seq = await fac.do("note.add", **note(1, kind="impact"))
    await ana.wait_head(seq)
    await fac.send("note.spotlight", id="note0001")
    for c in (ana, fac):
        await c.wait_for(
            lambda c=c: any(f["type"] == "spotlight" and f["spotlight"] for f in c.frames), f"{c.name}: the spotlight"
        )
    spot = next(f for f in ana.frames if f["type"] == "spotlight")["spotlight"]
    assert spot == {"id": "note0001", "by": fac.me["id"]}
    late = await workshop.participant("Late")
    welcome = next(f for f in late.frames if f["type"] == "welcome")
    assert welcome["spotlight"] == spot
    await fac.send("note.spotlight", id=None)
    await ana.wait_for(lambda: ana.frames[-1] == {"type": "spotlight", "spotlight": None}, "the spotlight ended")
    stored = await read_map(workshop.server.url, workshop.id, fac.token)
    assert stored["head"] == late.board.head and "spotlight" not in stored["workshop"]  # nothing stored


@pytest.mark.rule("P41")
async def test_only_the_facilitator_spotlights_and_only_a_note_everyone_may_see(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    await fac.do("plan.set", phases=[{"name": "Alone", "private": True}])
    await ana.do("note.add", **note("secret01", kind="impact"))
    assert (await ana.refused("note.spotlight", id="secret01"))["code"] == "facilitator_only"
    assert (await fac.refused("note.spotlight", id="secret01"))["code"] == "bad_value"
    assert (await fac.refused("note.spotlight", id="nowhere1"))["code"] == "note_missing"
    assert not any(f["type"] == "spotlight" for f in ana.frames)
