"""A room settling old ids from storage: one connection's frames wait in order, others go on, nothing is guessed.

The room runs with in-memory storage whose lookups can be held at a gate, so a test decides when storage
answers. Rooms here hold very few recent ids (`recent_ids`), so old ones are quickly left to storage.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Collection
from typing import Any

import orjson
import pytest

from server.board.idfilter import IdFilter
from server.board.model import Participant
from server.room import Room
from tests.unit.test_room import ANA, CountingStorage, FakeSocket, open_room

BOB = Participant(id="bob", name="Bob", colour="#2ca02c", role="participant")


class GatedStorage(CountingStorage):
    """Storage whose lookups read at once but answer only when the test opens their gate (when `gated`)."""

    def __init__(self) -> None:
        super().__init__()
        self.gated = False
        self.gates: list[threading.Event] = []
        self.lookups: list[tuple[str, Any]] = []
        self.lookups_fail = False

    def _answer(self, kind: str, question: Any, read: Callable[[], Any]) -> Any:
        self.lookups.append((kind, question))
        if self.lookups_fail:
            raise OSError("storage unreachable")
        answer = read()  # storage as it is now, however late the answer arrives
        if self.gated:
            gate = threading.Event()
            self.gates.append(gate)
            assert gate.wait(10), "a test forgot to open a gate"
        return answer

    def client_op_seq(self, workshop_id: str, participant_id: str, cid: str) -> int | None:
        read = lambda: super(GatedStorage, self).client_op_seq(workshop_id, participant_id, cid)  # noqa: E731
        return self._answer("client_op", cid, read)  # type: ignore[no-any-return]

    def deleted_among(self, workshop_id: str, ids: Collection[str]) -> set[str]:
        read = lambda: super(GatedStorage, self).deleted_among(workshop_id, ids)  # noqa: E731
        return self._answer("deleted", tuple(ids), read)  # type: ignore[no-any-return]


class SaysMaybeToAll(IdFilter):
    """The worst a filter can do: every id looks seen, so every operation asks storage."""

    def __contains__(self, item: object) -> bool:
        return True


def frame(op: str, cid: str | None = None, **fields: Any) -> bytes:
    return orjson.dumps({"op": op, **({"cid": cid} if cid else {}), **fields})


def note(note_id: str, cid: str | None = None) -> bytes:
    return frame("note.add", cid, id=note_id, kind="impact", text="t", x=0, y=0)


async def until(predicate: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


def acks(sock: FakeSocket) -> dict[str, int]:
    return {a["cid"]: a["seq"] for m in sock.of_type("ack") for a in m["acks"]}


def errors(sock: FakeSocket) -> dict[str | None, str]:
    return {m["cid"]: m["code"] for m in sock.of_type("error")}


async def room_with_history(storage: GatedStorage, notes: int = 10, **settings: Any) -> tuple[Room, FakeSocket]:
    """A room where Ana has added `notes` notes (cids c0, c1, ...), all stored, most no longer held in memory."""
    room, _ = open_room(storage, **{"recent_ids": 2, **settings})
    ana = FakeSocket(ANA)
    room.join(ana, None)
    for i in range(notes):
        room.receive(ana, note(f"note{i:04}", f"c{i}"))
    await room.drain()
    room.receive(ana, note("last", "last"))  # trims, now that everything before it is stored
    await room.drain()
    assert room.client_ops.unsure(("ana", "c0")), "the oldest cids are left to storage"
    return room, ana


@pytest.mark.rule("P7")
async def test_a_resend_from_long_ago_gets_its_original_seq_and_the_frames_behind_it_keep_their_order() -> None:
    storage = GatedStorage()
    room, ana = await room_with_history(storage)
    original = acks(ana)["c0"]
    bob = FakeSocket(BOB)
    room.join(bob, None)
    await room.drain()
    storage.gated = True
    room.receive(ana, note("ghost", "c0"))  # the same cid, other fields: still applied once, as its original
    room.receive(ana, note("xnote", "x1"))
    room.receive(ana, frame("link.add", "x2", id="xlink", source="xnote", target="note0001"))
    room.receive(bob, note("bobnote"))  # another connection does not wait for Ana's lookup
    await until(lambda: storage.gates, "the lookup to start")
    assert "bobnote" in room.board.notes and "xnote" not in room.board.notes
    storage.gates[0].set()
    storage.gated = False
    await until(lambda: {"c0", "x1", "x2"} <= acks(ana).keys(), "Ana's answers")
    assert acks(ana)["c0"] == original and "ghost" not in room.board.notes
    assert acks(ana)["x1"] < acks(ana)["x2"], "the link was decided after the note it needs"
    assert room.board.links["xlink"].source == "xnote" and errors(ana) == {}
    assert not room.recall.busy


async def test_a_waiting_connection_cannot_pile_up_frames() -> None:
    storage = GatedStorage()
    room, ana = await room_with_history(storage, max_held_frames=3)
    storage.gated = True
    room.receive(ana, note("ghost", "c0"))
    for i in range(5):
        room.receive(ana, note(f"more{i}", f"m{i}"))
    assert errors(ana) == {"m3": "rate_limited", "m4": "rate_limited"}
    await until(lambda: storage.gates, "the lookup")
    storage.gated = False
    storage.gates[0].set()
    await until(lambda: {"m0", "m1", "m2"} <= acks(ana).keys(), "the held frames' acks")
    assert acks(ana)["m0"] < acks(ana)["m1"] < acks(ana)["m2"]


@pytest.mark.rule("P10")
async def test_an_id_deleted_long_ago_stays_taken_and_deleted() -> None:
    storage = GatedStorage()
    room, ana = await room_with_history(storage)
    for i in range(6):  # delete notes until the first deletion is no longer held in memory
        room.receive(ana, frame("note.delete", f"d{i}", id=f"note{i:04}"))
        await room.drain()
    room.receive(ana, note("after", "after"))
    await room.drain()
    assert room.board.deleted.unsure("note0000")
    room.receive(ana, note("note0000", "again"))
    room.receive(ana, frame("note.update", "late", id="note0000", text="late edit"))
    room.receive(ana, frame("link.add", "tolink", id="link0001", source="note0009", target="note0000"))
    await until(lambda: {"again", "late", "tolink"} <= errors(ana).keys(), "three refusals")
    assert errors(ana) == {"again": "note_exists", "late": "note_deleted", "tolink": "note_deleted"}
    assert ("deleted", ("note0000",)) in storage.lookups


async def test_new_ids_a_filter_mistakes_for_old_ones_are_settled_by_storage_and_accepted() -> None:
    storage = GatedStorage()
    room, ana = await room_with_history(storage, notes=2)
    room.client_ops.use_filter(SaysMaybeToAll())
    room.board.deleted.use_filter(SaysMaybeToAll())
    room.receive(ana, note("fresh1", "f1"))
    room.receive(ana, frame("note.update", "f2", id="fresh1", text="edited"))
    await until(lambda: {"f1", "f2"} <= acks(ana).keys(), "both acks")
    assert room.board.notes["fresh1"].text == "edited" and errors(ana) == {}
    assert ("client_op", "f1") in storage.lookups and ("deleted", ("fresh1",)) in storage.lookups


@pytest.mark.rule("P7")
async def test_the_same_new_cid_on_two_connections_while_storage_lags_is_applied_once() -> None:
    """Both lookups read storage before the first copy is stored; memory must still hold it for the second."""
    storage = GatedStorage()
    room, ana = await room_with_history(storage, notes=2, recent_ids=0)
    room.client_ops.use_filter(SaysMaybeToAll())  # every cid needs storage
    second_tab = FakeSocket(ANA)
    room.join(second_tab, None)
    await room.drain()
    storage.gated = True
    room.receive(ana, note("twice", "same"))
    room.receive(second_tab, note("twice", "same"))
    await until(lambda: len(storage.gates) == 2, "both lookups to have read storage")
    storage.gated = False
    storage.gates[0].set()
    await until(lambda: "same" in acks(ana), "the first copy stored")
    room.receive(ana, note("padding"))  # stored: memory may now drop old ids, but not that one
    await room.drain()
    assert "padding" in room.board.notes
    storage.gates[1].set()
    await until(lambda: "same" in acks(second_tab) or room.broken, "the second copy answered")
    assert not room.broken, "the second copy was stored again: storage refused the group"
    assert acks(second_tab)["same"] == acks(ana)["same"]
    assert [e.cid for e in storage.events_since(room.workshop_id, 0, 100)].count("same") == 1


async def test_when_storage_cannot_answer_the_waiting_frames_are_refused_and_the_connection_goes_on() -> None:
    storage = GatedStorage()
    room, ana = await room_with_history(storage)
    storage.lookups_fail = True
    room.receive(ana, note("ghost", "c0"))
    room.receive(ana, note("behind", "behind"))
    await until(lambda: {"c0", "behind"} <= errors(ana).keys(), "both refused")
    assert set(errors(ana).values()) == {"server_error"} and ana.closed is None
    storage.lookups_fail = False
    room.receive(ana, note("later", "later"))
    await until(lambda: "later" in acks(ana), "a later frame accepted")


async def test_a_connection_that_leaves_while_waiting_takes_its_frames_with_it() -> None:
    storage = GatedStorage()
    room, ana = await room_with_history(storage)
    idle: list[Room] = []
    room.on_idle = idle.append
    storage.gated = True
    room.receive(ana, note("ghost", "c0"))
    room.receive(ana, note("behind", "behind"))
    await until(lambda: storage.gates, "the lookup")
    room.leave(ana)
    ana.close(1000, "gone")
    assert not room.idle, "a room with a lookup running is not idle"
    storage.gates[0].set()
    await until(lambda: idle == [room], "the room to report idle")
    assert "behind" not in room.board.notes


async def test_a_room_holds_a_bounded_number_of_ids_however_long_the_workshop() -> None:
    storage = GatedStorage()
    room, _ = open_room(storage, recent_ids=50)
    ana = FakeSocket(ANA)
    room.join(ana, None)
    for i in range(1000):
        room.receive(ana, note(f"note{i:04}", f"add{i}"))
        room.receive(ana, frame("note.delete", f"del{i}", id=f"note{i:04}"))
        if i % 100 == 99:
            await room.drain()
    await room.drain()
    room.receive(ana, note("last", "last"))
    await room.drain()
    assert len(acks(ana)) == 2001 and errors(ana) == {}
    assert len(room.client_ops) <= 51 and len(room.board.deleted) <= 51, "only the newest ids stay in memory"
    assert room.client_ops.unsure(("ana", "add0")) and room.board.deleted.unsure("note0000"), "the rest: storage"
    snapshot = storage._snapshot[room.workshop_id]  # the newest stored snapshot, as stored
    assert snapshot["head"] >= 2000 and "deleted" not in snapshot, "snapshots no longer carry every deleted id"


async def test_an_http_operation_waiting_on_storage_when_the_room_breaks_is_answered_at_once() -> None:
    storage = GatedStorage()
    room, ana = await room_with_history(storage)
    storage.gated = True
    resent = {"op": "note.add", "cid": "c0", "id": "ghost", "kind": "impact", "text": "t", "x": 0, "y": 0}
    answer = asyncio.create_task(room.submit(ANA, resent))
    await until(lambda: storage.gates, "the lookup")
    storage.fail = True
    room.receive(ana, note("breaks", "breaks"))  # its commit fails: the room breaks
    await until(lambda: room.broken, "the room to break")
    storage.gates[0].set()
    assert (await asyncio.wait_for(answer, 2))["code"] == "server_error"
