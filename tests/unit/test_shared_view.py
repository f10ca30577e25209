"""The facilitator's shared view (P33): the rule, and a room relaying it with a socket double."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from server.board.change import Change
from server.board.model import Participant
from server.board.refusals import Refusal
from tests.unit.test_room import CountingStorage, FakeSocket, open_room
from tests.unit.test_rules import ALICE, FAC, apply_op, new_board, run

REGION = {"x": -120.5, "y": 40.0, "width": 1600.0, "height": 900.0}


@pytest.mark.rule("P33")
def test_only_the_facilitator_shares_a_view_and_only_a_real_region() -> None:
    board = new_board()
    before = board.to_dict()
    shared = run(board, FAC, "view.share", view=REGION)
    assert shared == Change("view.share", {"view": REGION, "by": FAC.id})
    assert run(board, FAC, "view.share", view=None) == Change("view.share", {"view": None, "by": FAC.id})
    refused = run(board, ALICE, "view.share", view=REGION)
    assert isinstance(refused, Refusal) and refused.code == "facilitator_only"
    for bad in (
        {**REGION, "width": 0.0},
        {**REGION, "height": -5.0},
        {**REGION, "x": float("nan")},
        {**REGION, "y": 2_000_000.0},
        {**REGION, "width": float("inf")},
        {**REGION, "height": 3_000_000.0},
    ):
        answer = run(board, FAC, "view.share", view=bad)
        assert isinstance(answer, Refusal) and answer.code == "bad_value", bad
    apply_op(board, FAC, "workshop.lock")
    assert isinstance(run(board, FAC, "view.share", view=REGION), Change), "the lock does not stop the facilitator"
    assert board.head == before["head"] + 1, "only the lock was stored"


FRAN = Participant(id="fran", name="Fran", colour="#1f77b4", role="facilitator")
BEN = Participant(id="ben", name="Ben", colour="#2ca02c", role="participant")


def share(region: dict[str, Any] | None) -> bytes:
    return orjson.dumps({"op": "view.share", "view": region})


async def until(predicate: Any, what: str, timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.005)

    try:
        await asyncio.wait_for(poll(), timeout)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


@pytest.mark.rule("P33")
async def test_the_newest_view_goes_to_everyone_but_its_sender_once_per_tick() -> None:
    storage = CountingStorage()
    room, _ = open_room(storage, tick=0.2)
    fran, ben, fran_projector = FakeSocket(FRAN), FakeSocket(BEN), FakeSocket(FRAN)
    for sock in (fran, ben, fran_projector):
        room.join(sock, None)
    await room.drain()
    loop = asyncio.get_running_loop()
    for i in range(20):
        room.receive(fran, share({**REGION, "x": float(i)}))
    await until(lambda: ben.of_type("view"), "the first shared view")
    first_at = loop.time()
    assert ben.of_type("view") == [{"type": "view", "view": {**REGION, "x": 19.0}, "by": "fran"}]
    # the facilitator's other screen (a projector) follows too; the screen that shared does not get it back
    assert fran_projector.of_type("view") == ben.of_type("view") and fran.of_type("view") == []
    room.receive(fran, share({**REGION, "x": 100.0}))
    room.receive(fran, share({**REGION, "x": 101.0}))
    await until(lambda: len(ben.of_type("view")) == 2, "the next view")
    assert loop.time() - first_at >= 0.15, "a second view went out within the same tick"
    assert ben.of_type("view")[1]["view"]["x"] == 101.0
    # never stored or acknowledged
    assert storage.appends == [(2, False)] and ben.of_type("ack") == [] and fran.of_type("ack") == []
    # a joiner is welcomed with the view being shared; after it stops, with none
    late = FakeSocket(Participant(id="cat", name="Cat", colour="#9467bd", role="participant"))
    room.join(late, None)
    await room.drain()
    assert late.of_type("welcome")[0]["view"] == {**REGION, "x": 101.0}
    room.receive(fran, share(None))
    await until(lambda: len(ben.of_type("view")) == 3, "the end of sharing")
    assert ben.of_type("view")[2] == {"type": "view", "view": None, "by": "fran"}
    again = FakeSocket(BEN)
    room.join(again, None)
    assert again.of_type("welcome")[0]["view"] is None
