"""The plan of phases over real websockets, on SQLite and PostgreSQL (P36, P37)."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import read_map

IDEATION = {"name": "Name the impacts", "prompt": "One impact per note", "kinds": ["impact"], "link": False}
MAPPING = {"name": "Map the pathways", "prompt": "How was each reached?"}


@pytest.mark.rule("P36")
async def test_phase_changes_are_stored_events_everyone_follows_and_late_joiners_land_in(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    seq = await fac.do("plan.set", phases=[IDEATION, MAPPING])
    await ana.wait_head(seq)
    assert ana.board.plan.phase.name == "Name the impacts"
    go = await fac.do("phase.go", index=1)
    await ana.wait_head(go)
    assert ana.board.plan.current == 1
    late = await workshop.participant("Late")
    assert late.board.plan.current == 1 and late.board.plan.phase.name == "Map the pathways"
    stored = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    assert stored["plan"]["current"] == 1 and [p["name"] for p in stored["plan"]["phases"]] == [
        "Name the impacts",
        "Map the pathways",
    ]
    refusal = await ana.refused("phase.go", index=0)
    assert refusal["code"] == "facilitator_only"


@pytest.mark.rule("P37")
async def test_the_server_holds_participants_to_what_the_phase_allows(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    await fac.do("plan.set", phases=[IDEATION, MAPPING])
    await ana.do("note.add", **note(1, kind="impact"))
    refusal = await ana.refused("note.add", **note(2, kind="outcome"))
    assert refusal["code"] == "phase_forbids" and "impact" in refusal["message"]
    await fac.do("note.add", **note(3, kind="outcome"))  # the facilitator is not held back
    refusal = await ana.refused("link.add", id="link0001", source="note0001", target="note0003")
    assert refusal["code"] == "phase_forbids"
    await fac.do("phase.go", index=1)
    await ana.do("link.add", id="link0001", source="note0001", target="note0003")
    await ana.do("note.add", **note(2, kind="outcome"))


@pytest.mark.rule("P39")
async def test_the_timer_reads_the_same_on_every_screen_and_after_a_reconnect(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    await fac.do("plan.set", phases=[{**IDEATION, "seconds": 600}, MAPPING])
    started = await fac.do("timer.start")
    await ana.wait_head(started)
    assert ana.board.plan.timer.running_since is not None
    await ana.reconnect()  # a phone that slept: the same timer, and the server's clock to count it by
    welcome = [f for f in ana.frames if f["type"] == "welcome"][-1]
    left = ana.board.plan.timer.remaining_ms(welcome["now"])
    assert left is not None and 590_000 < left <= 600_000
    paused = await fac.do("timer.pause")
    await fac.do("timer.add", seconds=60)
    late = await workshop.participant("Late")
    timer = late.board.plan.timer
    assert timer.running_since is None and timer.seconds == 660 and late.board.head > paused
    assert (await late.refused("timer.start"))["code"] == "facilitator_only"
