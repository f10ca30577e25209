"""The room with a socket double and in-memory storage: ordering, group commit, and failure handling."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import orjson
import pytest

from server.board.model import Event, Participant
from server.room import Room, RoomSettings, StorageFailed
from server.storage.base import StoredBoard
from server.storage.memory import MemoryStorage
from server.workshops import create_workshop

ANA = Participant(id="ana", name="Ana", colour="#d62728", role="participant")


class FakeSocket:
    def __init__(self, participant: Participant) -> None:
        self.participant = participant
        self.sent: list[dict[str, Any]] = []
        self.closed: tuple[int, str] | None = None

    def send(self, text: str) -> None:
        self.sent.append(orjson.loads(text))

    def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)

    @property
    def is_open(self) -> bool:
        return self.closed is None

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["type"] == kind]


class CountingStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.appends: list[tuple[int, bool]] = []
        self.fail = False

    def append(self, workshop_id: str, events: Sequence[Event], snapshot: dict[str, Any] | None = None) -> None:
        if self.fail:
            raise OSError("disk full")
        self.appends.append((len(events), snapshot is not None))
        super().append(workshop_id, events, snapshot)


def open_room(storage: CountingStorage, **settings: Any) -> tuple[Room, list[Room]]:
    created = create_workshop(storage, b"k", "T", "Q")
    stored = storage.load_board(created.workshop.id)
    assert stored is not None
    dropped: list[Room] = []
    room = Room.load(created.workshop.id, stored, storage, settings=RoomSettings(**settings), on_broken=dropped.append)
    return room, dropped


def add(i: int) -> bytes:
    return orjson.dumps(
        {"op": "note.add", "cid": f"c{i}", "id": f"note{i:04}", "kind": "impact", "text": "t", "x": 0, "y": 0}
    )


@pytest.mark.rule("P6")
async def test_frames_arriving_together_are_committed_as_one_group_then_acked() -> None:
    storage = CountingStorage()
    room, _ = open_room(storage)
    sock = FakeSocket(ANA)
    room.join(sock, None)
    for i in range(50):
        room.receive(sock, add(i))
    assert sock.of_type("ack") == [], "nothing is acknowledged before it is stored"
    await room.drain()
    assert storage.appends == [(51, False)]  # the participant's join and 50 notes in one transaction
    assert [a["cid"] for m in sock.of_type("ack") for a in m["acks"]] == [f"c{i}" for i in range(50)]
    assert len(sock.of_type("events")) == 1


@pytest.mark.rule("P6")
async def test_a_storage_failure_acknowledges_nothing_and_makes_clients_resync() -> None:
    storage = CountingStorage()
    room, dropped = open_room(storage)
    sock = FakeSocket(ANA)
    room.join(sock, None)
    await room.drain()
    storage.fail = True
    room.receive(sock, add(1))
    await room.drain()
    assert (
        sock.of_type("ack") == []
        and [e for m in sock.of_type("events") for e in m["events"] if e["op"] == "note.add"] == []
    )
    assert sock.of_type("error")[-1]["code"] == "server_error"
    assert sock.closed == (1011, "storage failure")
    assert dropped == [room], "the broken room is dropped so the next client reloads it from storage"
    reloaded = storage.load_board(room.workshop_id)
    assert reloaded is not None and reloaded.board.notes == {}


async def test_a_snapshot_is_stored_every_so_many_events() -> None:
    storage = CountingStorage()
    room, _ = open_room(storage, snapshot_every=10)
    sock = FakeSocket(ANA)
    room.join(sock, None)
    for i in range(25):
        room.receive(sock, add(i))
        await room.drain()
    assert sum(1 for _, snap in storage.appends if snap) == 2
    loaded = storage.load_board(room.workshop_id)
    assert isinstance(loaded, StoredBoard) and loaded.board.to_dict() == room.board.to_dict()


async def test_http_submit_answers_after_commit() -> None:
    storage = CountingStorage()
    room, _ = open_room(storage)
    answer = await room.submit(
        ANA, {"op": "note.add", "cid": "h1", "id": "note0001", "kind": "impact", "text": "t", "x": 0, "y": 0}
    )
    assert answer == {"type": "ack", "cid": "h1", "seq": 2}
    assert storage.events_since(room.workshop_id, 0, 10)[-1].cid == "h1"
    refused = await room.submit(ANA, {"op": "note.update", "cid": "h2", "id": "ghost", "text": "t"})
    assert refused["code"] == "note_missing"


async def test_a_client_that_falls_too_far_behind_is_disconnected() -> None:
    from server.web.ws import CLOSE_TOO_SLOW, SocketConnection

    class StuckSocket:
        closed: tuple[int, str] | None = None

        async def send(self, message: dict[str, Any]) -> None:
            await asyncio.Event().wait()  # the peer never reads

        async def close(self, code: int, reason: str) -> None:
            self.closed = (code, reason)

    ws = StuckSocket()
    conn = SocketConnection(ws, ANA, max_queued=10)  # type: ignore[arg-type]
    for i in range(12):
        conn.send(f"frame {i}")
    assert not conn.is_open
    await conn.finish()
    assert CLOSE_TOO_SLOW == 4008


async def test_a_lone_operation_goes_out_at_once_and_a_burst_waits_for_the_tick() -> None:
    storage = CountingStorage()
    room, _ = open_room(storage, tick=0.2)
    sock = FakeSocket(ANA)
    room.join(sock, None)
    await room.drain()
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0.25)  # the join's tick has passed
    start = loop.time()
    room.receive(sock, add(1))
    await room.drain()
    assert loop.time() - start < 0.1, "the first operation of a tick is not held back"
    for i in range(2, 12):
        room.receive(sock, add(i))
        await asyncio.sleep(0.005)
    await room.drain()
    assert loop.time() - start >= 0.2, "operations right after a publish wait for the next tick"
    assert [n for n, _ in storage.appends][-2:] == [1, 10], "the burst became one commit"
    assert len(sock.of_type("events")) == 3  # the join, the lone note, the burst


BEN = Participant(id="ben", name="Ben", colour="#1f77b4", role="participant")


@pytest.mark.rule("P21")
async def test_a_joiner_gets_its_snapshot_only_once_what_it_shows_is_stored() -> None:
    storage = CountingStorage()
    room, _ = open_room(storage)
    ana = FakeSocket(ANA)
    room.join(ana, None)
    await room.drain()
    room.receive(ana, add(1))  # accepted, not yet stored
    ben = FakeSocket(BEN)
    room.join(ben, None)
    assert ben.sent == [], "nothing is shown before the commit that covers it"
    reading = asyncio.create_task(room.committed_map())
    await asyncio.sleep(0)
    assert not reading.done(), "the map waits for the commit too"
    await room.drain()
    assert [m["type"] for m in ben.sent][:2] == ["welcome", "snapshot"]
    snapshot = ben.of_type("snapshot")[0]["board"]
    assert ben.sent[0]["head"] == snapshot["head"] <= room.committed_head
    assert "note0001" in {n["id"] for n in snapshot["notes"]}
    assert (await reading)["head"] <= room.committed_head


@pytest.mark.rule("P23")
async def test_everyone_waiting_on_a_failed_commit_is_answered_at_once() -> None:
    storage = CountingStorage()
    room, _ = open_room(storage)
    ana = FakeSocket(ANA)
    room.join(ana, None)
    await room.drain()
    storage.fail = True
    room.receive(ana, add(1))
    ben = FakeSocket(BEN)
    room.join(ben, None)  # waits for a commit that will fail
    reading = asyncio.create_task(room.committed_map())
    answer = await asyncio.wait_for(
        room.submit(
            BEN, {"op": "note.add", "cid": "h1", "id": "note0002", "kind": "impact", "text": "t", "x": 0, "y": 0}
        ),
        timeout=5,  # the room's own timeout is 10 s: this answer must come from the failure itself
    )
    assert answer["code"] == "server_error" and "not stored within" not in answer["message"]
    assert ben.closed == (1011, "storage failure") and ben.of_type("snapshot") == []
    with pytest.raises(StorageFailed):
        await reading
    late = await room.submit(
        BEN, {"op": "note.add", "cid": "h2", "id": "note0003", "kind": "impact", "text": "t", "x": 0, "y": 0}
    )
    assert late["code"] == "server_error", "a broken room answers at once instead of hanging"


@pytest.mark.parametrize(
    "frame",
    [
        {"op": []},
        {"op": {}},
        {"op": "note.add", "x": 2**70},
        {"op": "note.add", "text": "\ud800"},
        {"op": "x", "d": []},
    ],
    ids=["op-list", "op-object", "int-beyond-64-bits", "lone-surrogate", "unknown"],
)
async def test_http_submit_refuses_what_it_cannot_read(frame: dict[str, Any]) -> None:
    storage = CountingStorage()
    room, _ = open_room(storage)
    nested: Any = []
    for _ in range(300):
        nested = [nested]
    for candidate in (frame, {"op": "note.add", "text": nested}):
        answer = await room.submit(ANA, candidate)
        assert answer["type"] == "error" and answer["code"] in ("bad_frame", "bad_value", "unknown_op"), answer
    assert room.board.notes == {}
