"""The facilitator's shared view over real websockets, on SQLite and PostgreSQL (P33)."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import read_map

REGION = {"x": 100.0, "y": -50.0, "width": 1600.0, "height": 900.0}


def region(i: int) -> dict[str, float]:
    return {**REGION, "x": float(i)}


@pytest.mark.rule("P33")
async def test_a_shared_view_reaches_the_others_coalesced_and_is_not_stored(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    await fac.do("note.add", **note(1))
    head = fac.board.head
    for i in range(50):
        await fac.send("view.share", view=region(i))
    for client in (ana, ben):
        await client.wait_for(lambda c=client: any(v["view"] == region(49) for v in c.views), "the newest view")
        assert len(client.views) < 50, "intermediate views were not coalesced"
        assert all(v["by"] == fac.me["id"] for v in client.views)
    assert fac.views == [], "the sharer's own screen is not sent its view back"
    await fac.send("view.share", view=None)
    await ana.wait_for(lambda: ana.views[-1]["view"] is None, "the end of sharing")
    # nothing numbered, stored or acknowledged
    seq = await fac.do("note.move", id="note0001", x=5.0, y=5.0)
    assert seq == head + 1, "shared views must not be numbered or stored"
    assert not fac.errors and fac.acks.keys() == fac.sent.keys()
    stored = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    assert stored["head"] == seq and "view" not in stored["workshop"]


@pytest.mark.rule("P33")
async def test_a_late_joiner_gets_the_shared_view_in_its_welcome(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    assert ana.welcome_view is None
    await fac.send("view.share", view=REGION)
    await ana.wait_for(lambda: ana.views, "the shared view")
    late = await workshop.participant("Late")
    assert late.welcome_view == REGION
    await ana.reconnect()  # back from a wifi drop: still following
    assert ana.welcome_view == REGION
    await fac.do("workshop.lock")
    await fac.send("view.share", view=region(7))  # the lock does not stop the facilitator sharing
    await late.wait_for(lambda: late.views and late.views[-1]["view"] == region(7), "the view shared while locked")
    await fac.disconnect()  # the facilitator's wifi drops: the view stays shared until they end it
    dropped = await workshop.participant("During the drop")
    assert dropped.welcome_view == region(7)
    await fac.connect()
    await fac.send("view.share", view=None)
    await late.wait_for(lambda: late.views[-1]["view"] is None, "the end of sharing")
    after = await workshop.participant("After")
    assert after.welcome_view is None


@pytest.mark.rule("P33")
async def test_participants_cannot_share_a_view_and_bad_regions_are_refused(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    cid = await ana.send("view.share", cid="share-by-ana", view=REGION)
    await ana.wait_for(lambda: cid in ana.errors_by_cid, "the refusal")
    assert ana.errors_by_cid[cid]["code"] == "facilitator_only"
    bad = [
        {**REGION, "width": 0},
        {**REGION, "height": -1.0},
        {**REGION, "x": 1e300},
        {"x": 0.0, "y": 0.0, "width": 10.0},
        {**REGION, "zoom": 2.0},
    ]
    for i, view in enumerate(bad):
        await fac.send("view.share", cid=f"bad-view-{i}", view=view)
    await fac.wait_for(lambda: all(f"bad-view-{i}" in fac.errors_by_cid for i in range(len(bad))), "the refusals")
    codes = [fac.errors_by_cid[f"bad-view-{i}"]["code"] for i in range(len(bad))]
    assert codes == ["bad_value", "bad_value", "bad_value", "bad_frame", "bad_frame"]
    await fac.send("view.share", view=REGION)  # and a good one still goes through, after all that
    await ana.wait_for(lambda: ana.views, "the good view")
    assert [v["view"] for v in ana.views] == [REGION], "a refused view was sent on"
