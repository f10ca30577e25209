"""The live rooms of a server: loaded when someone arrives, dropped (and their memory freed) when idle."""

from __future__ import annotations

import gc
import weakref

from server.rooms import Rooms
from server.storage.memory import MemoryStorage
from server.workshops import create_workshop
from tests.unit.test_room import ANA, FakeSocket, add


async def test_a_room_with_no_connections_and_nothing_pending_is_dropped_and_its_memory_released() -> None:
    storage = MemoryStorage()
    workshop_id = create_workshop(storage, b"k", "T", "Q").workshop.id
    rooms = Rooms(storage)
    room = await rooms.open(workshop_id)
    assert room is not None and await rooms.open(workshop_id) is room
    sock = FakeSocket(ANA)
    room.join(sock, None)
    room.receive(sock, add(1))
    rooms.release(room)
    assert rooms.get(workshop_id) is room, "kept while someone is connected"
    room.leave(sock)
    rooms.release(room)
    assert rooms.get(workshop_id) is room, "kept while changes wait to be stored"
    await room.drain()
    assert rooms.get(workshop_id) is None, "dropped once everything is stored"
    gone = [weakref.ref(part) for part in (room.recall, room.recent)]  # (a slotted room has no weak references)
    del room
    gc.collect()
    assert [ref() for ref in gone] == [None, None], "nothing holds on to a dropped room"
    again = await rooms.open(workshop_id)
    assert again is not None and "note0001" in again.board.notes, "the next visitor loads it from storage"
