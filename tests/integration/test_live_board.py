"""The live board over real websockets against a real uvicorn server."""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import read_map


@pytest.mark.rule("P3")
async def test_first_frames_are_welcome_then_snapshot(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    assert [f["type"] for f in fac.frames[:2]] == ["welcome", "snapshot"]
    welcome = fac.frames[0]
    assert welcome["you"]["role"] == "facilitator" and welcome["protocol"] == 1
    board = fac.frames[1]["board"]
    assert board["workshop"]["title"] == "Impact of the evidence service"
    assert [k["name"] for k in board["workshop"]["kinds"]] == ["impact", "outcome", "output", "activity", "assumption"]


@pytest.mark.rule("P5", "P8")
async def test_two_clients_see_each_others_changes(workshop: Workshop) -> None:
    a = await workshop.participant("Ana")
    b = await workshop.participant("Ben")
    await a.do("note.add", **note(1, kind="impact", text="Policy cites our evidence"))
    await b.do("note.add", **note(2, kind="activity", text="Run evidence briefings"))
    await b.do("link.add", id="link0001", source="note0002", target="note0001", label="contributes to")
    await a.do("note.update", id="note0002", text="Run monthly evidence briefings")
    await a.do("note.move", id="note0001", x=400.0, y=50.0)
    head = b.board.head if b.board else 0
    await a.wait_head(head)
    await b.wait_head(a.board.head if a.board else 0)
    assert a.board.to_dict() == b.board.to_dict()
    assert b.board.notes["note0002"].text == "Run monthly evidence briefings"
    assert (a.board.notes["note0001"].x, a.board.notes["note0001"].y) == (400.0, 50.0)
    assert b.board.links["link0001"].label == "contributes to"
    assert not a.problems and not b.problems


@pytest.mark.rule("P5", "P8")
async def test_twenty_clients_see_every_change_in_the_same_order(workshop: Workshop) -> None:
    clients = [await workshop.participant(f"p{i}") for i in range(20)]
    start = clients[-1].board.head  # everyone has joined
    for c in clients:
        await c.wait_head(start)

    async def work(i: int) -> None:
        c = clients[i]
        for j in range(5):
            await c.send("note.add", **note(f"n{i:02}x{j:02}", text=f"{c.name} {j}"))

    await asyncio.gather(*(work(i) for i in range(20)))
    expected = start + 100
    for c in clients:
        await c.wait_head(expected)
    orders = {tuple(c.board.notes) for c in clients}
    assert len(orders) == 1, "clients disagree on the order of notes"
    for c in clients:
        assert c.problems == []
        assert c.seen_seqs[-100:] == list(range(start + 1, expected + 1))
    server_map = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    assert server_map == clients[0].board.to_dict()


@pytest.mark.rule("P6")
async def test_ack_carries_cid_and_sequence_number(workshop: Workshop) -> None:
    a = await workshop.participant("Ana")
    cid = await a.send("note.add", **note(1))
    seq = await a.wait_settled(cid)
    assert isinstance(seq, int)
    await a.wait_head(seq)
    ack_frame = next(f for f in a.frames if f["type"] == "ack")
    assert ack_frame["acks"] == [{"cid": cid, "seq": seq}]
    # The event frame with that sequence number arrives before the ack.
    kinds = [f["type"] for f in a.frames]
    event_index = next(
        i for i, f in enumerate(a.frames) if f["type"] == "events" and any(e["seq"] == seq for e in f["events"])
    )
    assert event_index < kinds.index("ack")


@pytest.mark.rule("P7")
async def test_resent_operation_is_acknowledged_again_and_applied_once(workshop: Workshop) -> None:
    a = await workshop.participant("Ana")
    b = await workshop.participant("Ben")
    seq = await a.do("note.add", cid="same-op", **note(1))
    await a.send("note.add", cid="same-op", **note(1))
    await a.wait_for(lambda: sum(1 for f in a.frames if f["type"] == "ack") == 2, "second ack")
    acks = [x for f in a.frames if f["type"] == "ack" for x in f["acks"]]
    assert acks == [{"cid": "same-op", "seq": seq}, {"cid": "same-op", "seq": seq}]
    # and after reconnecting, the resend is still recognised
    await a.reconnect()
    await a.send("note.update", cid="same-op", id="note0001", text="different payload, same id")
    await a.wait_for(lambda: sum(1 for f in a.frames if f["type"] == "ack") == 3, "third ack")
    await b.do("note.add", **note(2))
    assert a.board.notes["note0001"].text == "note 1" and a.errors == []
    assert b.board.head == a.board.head or await a.wait_head(b.board.head) is None
    assert [e for e in b.seen_seqs if e == seq] == [seq]


@pytest.mark.rule("P4")
async def test_reconnect_gets_exactly_the_missed_events(workshop: Workshop) -> None:
    a = await workshop.participant("Ana")
    b = await workshop.participant("Ben")
    await a.do("note.add", **note(1))
    await b.wait_head(a.board.head)
    seen_before = b.board.head
    await b.disconnect()
    for i in range(2, 7):
        await a.do("note.add", **note(i))
    frames_before = len(b.frames)
    await b.connect(since=seen_before)
    await b.wait_head(a.board.head)
    new = b.frames[frames_before:]
    assert [f["type"] for f in new[:2]] == ["welcome", "events"]
    caught_up = [e["seq"] for e in new[1]["events"]]
    assert caught_up == list(range(seen_before + 1, a.board.head + 1))
    await a.do("note.add", **note(7))
    await b.wait_head(a.board.head)
    assert b.board.to_dict() == a.board.to_dict()
    assert b.problems == []


@pytest.mark.rule("P4")
async def test_reconnect_with_an_impossible_head_gets_a_snapshot(workshop: Workshop) -> None:
    a = await workshop.participant("Ana")
    await a.do("note.add", **note(1))
    frames_before = len(a.frames)
    await a.disconnect()
    await a.connect(since=a.board.head + 1000)
    await a.wait_for(lambda: len(a.frames) >= frames_before + 2, "two frames after connecting")
    assert [f["type"] for f in a.frames[frames_before : frames_before + 2]] == ["welcome", "snapshot"]


@pytest.mark.rule("P12")
async def test_drags_are_relayed_coalesced_and_not_stored(workshop: Workshop) -> None:
    a = await workshop.participant("Ana")
    b = await workshop.participant("Ben")
    await a.do("note.add", **note(1))
    head = a.board.head
    for i in range(50):
        await a.send("note.drag", id="note0001", x=float(i), y=float(i))
    await b.wait_for(lambda: any(d["x"] == 49.0 for d in b.drags), "the last drag position")
    assert len(b.drags) < 50, "intermediate positions were not coalesced"
    assert all(d["by"] == a.me["id"] for d in b.drags)
    seq = await a.do("note.move", id="note0001", x=49.0, y=49.0)
    assert seq == head + 1, "drags must not be numbered or stored"
    await b.wait_head(seq)
    assert (b.board.notes["note0001"].x, b.board.notes["note0001"].y) == (49.0, 49.0)


@pytest.mark.rule("P16")
async def test_presence_join_leave_and_editing(workshop: Workshop) -> None:
    a = await workshop.participant("Ana")
    b = await workshop.participant("Ben")
    await a.wait_for(lambda: b.me["id"] in a.presence, "Ben online")
    assert a.me["id"] in {p["id"] for p in b.frames[0]["online"]}
    await a.do("note.add", **note(1))
    await b.send("presence.set", editing="note0001")
    await a.wait_for(lambda: a.presence.get(b.me["id"], {}).get("editing") == "note0001", "Ben editing note 1")
    await b.disconnect()
    await a.wait_for(lambda: b.me["id"] not in a.presence, "Ben offline")
    assert a.board.participants[b.me["id"]].name == "Ben"
