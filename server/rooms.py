"""The live rooms of one server process: a room is loaded when its first client arrives and dropped when idle."""

from __future__ import annotations

import asyncio
import logging
import secrets

from server.room import Room, RoomSettings
from server.storage.base import Storage

log = logging.getLogger(__name__)


class Rooms:
    def __init__(self, storage: Storage, settings: RoomSettings | None = None) -> None:
        self.storage = storage
        self.settings = settings or RoomSettings()
        self._rooms: dict[str, Room] = {}
        self._loading: dict[str, asyncio.Lock] = {}
        # Sequence numbers a client holds are trusted for catch-up only within one server process: a log
        # restored from a backup, or changed by another program while the server was down, cannot fool them.
        self.epoch = secrets.token_urlsafe(6)

    def get(self, workshop_id: str) -> Room | None:
        return self._rooms.get(workshop_id)

    async def open(self, workshop_id: str) -> Room | None:
        """The live room for a workshop, loading it from storage if needed; None if there is no such workshop."""
        if (room := self._rooms.get(workshop_id)) is not None:
            return room
        lock = self._loading.setdefault(workshop_id, asyncio.Lock())
        async with lock:
            if (room := self._rooms.get(workshop_id)) is not None:
                return room
            room = await asyncio.to_thread(self._load, workshop_id)
            if room is not None:
                self._rooms[workshop_id] = room
        self._loading.pop(workshop_id, None)
        return room

    def _load(self, workshop_id: str) -> Room | None:
        stored = self.storage.load_board(workshop_id)
        if stored is None:
            return None
        return Room.load(
            workshop_id,
            stored,
            self.storage,
            settings=self.settings,
            on_idle=self._drop,
            on_broken=self._drop,
            epoch=self.epoch,
        )

    def _drop(self, room: Room) -> None:
        if self._rooms.get(room.workshop_id) is room:
            del self._rooms[room.workshop_id]

    def release(self, room: Room) -> None:
        """Called when a client leaves: an idle room is dropped (its state is all in storage)."""
        if room.idle:
            self._drop(room)

    async def drain(self) -> None:
        """Commit everything pending in every room (at shutdown)."""
        for room in list(self._rooms.values()):
            await room.drain()
