"""One live workshop: it orders operations, applies the board's rules, commits in groups, then broadcasts.

Everything a room does to its board happens synchronously on the event loop, so the order in which the
room handles frames *is* the server order. Accepted changes become numbered events at once; a single flush
task writes them to storage in groups (one transaction per group, however many arrived while the previous
group was being written) and only after that commit tells the senders (acks) and everyone (one `events`
frame, serialized once). Sockets are seen only through `Connection`.

The board in memory runs ahead of storage by the group being written. Nothing from that part is ever shown:
a joiner's snapshot waits for the commit that covers it, and the HTTP map and exports likewise
(`committed_map`). So whatever a client holds is in the log, and a crash can only lose what nobody saw.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from server import delivery, people, submission
from server.board import ops, privacy
from server.board.change import Change
from server.board.model import Board, Event, Participant
from server.board.refusals import Refusal, refuse
from server.board.rules import decide, participant_join
from server.board.seen import SeenIds
from server.clock import now_ms
from server.protocol import frames
from server.protocol.codec import MAX_FRAME_BYTES, decode, encode
from server.recall import ClientOpKey, Recall
from server.shared_view import SharedView
from server.storage.base import Storage, StoredBoard

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1


class Connection(Protocol):
    """What a room needs of a client's socket. `send` queues and never blocks."""

    participant: Participant

    def send(self, text: str) -> None: ...

    def close(self, code: int, reason: str) -> None: ...

    @property
    def is_open(self) -> bool: ...


@dataclass(slots=True)
class RoomSettings:
    catchup_events: int = 5000  # how far back a reconnecting client gets events rather than a snapshot
    snapshot_every: int = 1000  # store a board snapshot after this many events, so loading replays few
    # Changes and drag positions go out at most once per tick: a burst of operations becomes one commit and one
    # frame per client, while a lone operation goes out at once (the first of a tick is never held back).
    tick: float = 1 / 30
    max_frame_bytes: int = MAX_FRAME_BYTES
    # Client operation ids and deleted ids held exactly in memory (each kind); older ones are settled from
    # storage when they come up again (server/recall.py). A resend comes within moments of the original.
    recent_ids: int = 10_000
    # Frames of one connection that may wait while storage settles an earlier one of its frames.
    max_held_frames: int = 200


class StorageFailed(RuntimeError):
    """The room could not store changes: it is being dropped and will reload from storage."""


@dataclass(slots=True)
class _Pending:
    event: Event
    sender: Connection | None
    audience: privacy.Audience | None  # who may see it (rule P38); None: everyone


@dataclass(slots=True)
class _Joiner:
    """A connection waiting for the commit that covers the snapshot it will be given."""

    conn: Connection
    head: int
    snapshot: str


@dataclass(slots=True)
class Room:
    workshop_id: str
    board: Board
    storage: Storage
    settings: RoomSettings = field(default_factory=RoomSettings)
    clock: Callable[[], int] = now_ms
    on_broken: Callable[[Room], None] = lambda room: None
    on_idle: Callable[[Room], None] = lambda room: None
    client_ops: SeenIds[ClientOpKey] = field(default_factory=SeenIds)
    recall: Recall[Connection] = field(init=False)
    connections: set[Connection] = field(default_factory=set)
    committed_head: int = 0
    recent: deque[dict[str, Any]] = field(default_factory=deque)
    _pending: list[_Pending] = field(default_factory=list)
    _pending_snapshot: dict[str, Any] | None = None
    _late_acks: list[tuple[Connection, str, int]] = field(default_factory=list)
    _last_snapshot_head: int = 0
    _flush_task: asyncio.Task[None] | None = None
    _drags: dict[str, dict[str, Any]] = field(default_factory=dict)
    _last_publish: float = -1.0
    # The board at one head as a map, its private notes, whether an open vote has ballots, and the snapshot
    # frame per view: (notes hidden from the viewer, the viewer while ballots are secret) — one entry, for
    # everyone, unless private notes or dots are about.
    _snapshot_cache: (
        tuple[int, dict[str, Any], list[dict[str, Any]], bool, dict[tuple[frozenset[str], str], str]] | None
    ) = None
    _audiences: dict[int, privacy.Audience] = field(default_factory=dict)  # of the private events in `recent`
    _editing: dict[str, str | None] = field(default_factory=dict)
    _online: dict[str, int] = field(default_factory=dict)
    shared_view: SharedView = field(default_factory=SharedView)
    spotlight: dict[str, Any] | None = None  # the note the facilitator put in front of everyone (P41)
    broken: bool = False
    _joining: list[_Joiner] = field(default_factory=list)
    _head_waiters: list[tuple[int, asyncio.Future[None]]] = field(default_factory=list)
    # Names the server process that serves the room (see `Rooms`): a client reconnecting with a `since` from
    # another epoch gets a snapshot, since the log may have changed under it while no server was watching.
    epoch: str = field(default_factory=lambda: secrets.token_urlsafe(6))

    def __post_init__(self) -> None:
        self.recall = Recall(
            self.workshop_id,
            self.storage,
            self.board,
            self.client_ops,
            self._handle,
            lambda: self.committed_head,
            lambda: self.on_idle(self) if self.idle else None,
            self.settings.max_held_frames,
        )

    @classmethod
    def load(cls, workshop_id: str, stored: StoredBoard, storage: Storage, **kwargs: Any) -> Room:
        """A room over a stored board; recent events are kept in memory for reconnect catch-up, and filters of
        every client operation id and deleted id, streamed from storage (never the ids themselves)."""
        room = cls(workshop_id=workshop_id, board=stored.board, storage=storage, **kwargs)
        history = storage.id_history(workshop_id)
        room.client_ops.use_filter(history.client_ops)
        room.board.deleted.use_filter(history.deleted)
        room.committed_head = room._last_snapshot_head = stored.board.head
        room.recent = deque(maxlen=room.settings.catchup_events)
        start = max(0, stored.board.head - room.settings.catchup_events)
        room.recent.extend(e.to_wire() for e in storage.events_since(workshop_id, start, room.settings.catchup_events))
        return room

    # -- joining and leaving -------------------------------------------------------------------------------

    def join(self, conn: Connection, since: int | None, epoch: str | None = None) -> None:
        """Admit a connection: welcome, then exactly the events it missed (or a snapshot), then live events.

        Only committed state is shown: a snapshot that holds changes still being stored is sent once they are.
        """
        if self.broken:
            conn.close(1011, "storage failure")
            return
        if people.turned_away(self.board, conn):  # removed while storage revokes the token (rule P50)
            return
        self.introduce(conn.participant)
        catchup = self._catchup(since, epoch, conn.participant)
        if catchup is not None:
            self._admit(conn, self.committed_head, [encode(frames.events(catchup))] if catchup else [])
        elif self.board.head <= self.committed_head:
            self._admit(conn, self.board.head, [self._snapshot_frame(conn.participant)])
        else:
            self._joining.append(_Joiner(conn, self.board.head, self._snapshot_frame(conn.participant)))

    def _admit(self, conn: Connection, head: int, first: list[str]) -> None:
        """Welcome a connection at a committed `head`, send what brings it there, and add it to the room."""
        me = conn.participant
        view = self.shared_view.current  # a late joiner follows the facilitator's shared view too (P33)
        presence = self._presence_list(me)
        welcome = frames.welcome(PROTOCOL_VERSION, me, head, presence, self.epoch, view, self.clock(), self.spotlight)
        conn.send(encode(welcome))
        for text in first:
            conn.send(text)
        self.connections.add(conn)
        self._online[me.id] = self._online.get(me.id, 0) + 1
        if self._online[me.id] == 1:
            self._editing[me.id] = None
            self._broadcast(encode(frames.presence(me.id, True, None)))

    def _admit_joiners(self) -> None:
        """Joiners whose snapshot is now stored are admitted (before the broadcast that continues from it)."""
        waiting, self._joining = self._joining, []
        for joiner in waiting:
            if joiner.head <= self.committed_head:
                self._admit(joiner.conn, joiner.head, [joiner.snapshot])
            else:
                self._joining.append(joiner)

    async def committed_map(
        self, viewer: Participant | None = None, timeout: float = 10.0, *, shared: bool = False
    ) -> dict[str, Any]:
        """The map as `Board.to_dict` gives it, once everything in it is stored (raises StorageFailed); cut to what
        `viewer` may see when given (rule P38). `shared`: the map this head's snapshot frames are made from, not a
        copy of its own — for readers that change nothing in it, asked by many people after each change (the
        checks, the pathways: a 5,000-note map takes half a second to make, with the room waiting)."""
        view = self._board_at_head() if shared else self.board.to_dict()
        if viewer is not None:
            view = privacy.map_for(view, viewer)
        if view["head"] > self.committed_head:
            if self.broken:
                raise StorageFailed("the room could not store its changes")
            stored: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._head_waiters.append((view["head"], stored))
            try:
                await asyncio.wait_for(asyncio.shield(stored), timeout)
            except TimeoutError:
                raise StorageFailed(f"changes up to {view['head']} were not stored within {timeout:g} s") from None
        return view

    def _board_at_head(self) -> dict[str, Any]:
        """The board as a map at its head, made once per head (read only: snapshot frames are made from it)."""
        if self._snapshot_cache is None or self._snapshot_cache[0] != self.board.head:
            board = self.board.to_dict()
            private_notes = [n for n in board["notes"] if n.get("private")]
            ballots = any(v["closed_at"] is None and v["ballots"] for v in board["votes"])
            self._snapshot_cache = (self.board.head, board, private_notes, ballots, {})
        return self._snapshot_cache[1]

    def _snapshot_frame(self, viewer: Participant) -> str:
        """The board as `viewer` may see it, as a frame, encoded once per head and per view: a hall full of
        people joining at once costs one (a few in a private phase; one each while dots are being cast)."""
        board = self._board_at_head()
        assert self._snapshot_cache is not None
        _, _, private_notes, ballots, frames_by_view = self._snapshot_cache
        view = (privacy.hidden_from(private_notes, viewer), viewer.id if ballots else "")
        if view not in frames_by_view:
            frames_by_view[view] = encode(frames.snapshot(privacy.map_for(board, viewer, view[0])))
        return frames_by_view[view]

    def introduce(self, me: Participant) -> None:
        """Put a participant on the board (a numbered event) the first time they connect or act; then, named by it."""
        known = self.board.participants.get(me.id)
        me.name = known.name if known is not None else me.name  # a rename (P50) not yet in the token's record
        if known is None or (known.colour, known.role) != (me.colour, me.role):
            self._accept(participant_join(me), me.id)

    def _catchup(self, since: int | None, epoch: str | None, viewer: Participant) -> list[dict[str, Any]] | None:
        """Committed events after `since`, or None when only a snapshot can bring the client up to date.

        A client's `since` counts only in this room's epoch: from another, its head may name changes this
        log does not have (or different ones under the same numbers).
        """
        if since is None or epoch != self.epoch or since < 0 or since > self.committed_head:
            return None
        if since == self.committed_head:
            return []  # anything newer is still being committed and will arrive as a live broadcast
        oldest = self.recent[0]["seq"] if self.recent else self.committed_head + 1
        if since + 1 < oldest:
            return None
        audiences = self._audiences
        return [privacy.visible_event(e, audiences.get(e["seq"]), viewer) for e in self.recent if e["seq"] > since]

    def leave(self, conn: Connection) -> None:
        self._joining = [j for j in self._joining if j.conn is not conn]
        if conn not in self.connections:
            return
        self.connections.discard(conn)
        pid = conn.participant.id
        self._online[pid] -= 1
        if self._online[pid] == 0:
            del self._online[pid]
            self._editing.pop(pid, None)
            self._broadcast(encode(frames.presence(pid, False, None)))

    def _presence_list(self, viewer: Participant) -> list[dict[str, Any]]:
        """Who is online and what they edit, where `viewer` may see the note (rule P38)."""
        presence = []
        for pid in self._online:
            editing = self._editing.get(pid)
            audience = privacy.note_audience(self.board.notes.get(editing)) if editing else None
            presence.append({"id": pid, "editing": editing if audience is None or audience.admits(viewer) else None})
        return presence

    @property
    def idle(self) -> bool:
        return (
            not self.connections
            and not self._joining
            and not self._pending
            and self._flush_task is None
            and not self.recall.busy
        )

    # -- operations ----------------------------------------------------------------------------------------

    def receive(self, conn: Connection, raw: str | bytes) -> None:
        """Handle one frame from a client. Never raises for anything the client sent."""
        if self.broken:
            conn.close(1011, "storage failure")
            return
        op, cid = decode(raw, self.settings.max_frame_bytes)
        if isinstance(op, Refusal):
            conn.send(encode(frames.error(op, cid)))
            return
        self.recall.admit(conn, op)  # handled now, or once storage has settled the ids memory no longer holds

    def _handle(self, conn: Connection, op: ops.AnyOp) -> None:
        """Decide one operation whose ids memory can answer for, and act on the result."""
        if self.broken:  # it broke while storage settled this operation's ids
            conn.close(1011, "storage failure")
            return
        actor = conn.participant
        if op.cid is not None and op.op not in ops.TRANSIENT_OPS:
            seq = self.client_ops.get((actor.id, op.cid))
            if seq is not None:  # a resend: acknowledge again, apply nothing
                if seq <= self.committed_head:
                    conn.send(encode(frames.acks([(op.cid, seq)])))
                else:
                    self._late_acks.append((conn, op.cid, seq))
                return
        change = decide(self.board, op, actor, self.clock())
        if isinstance(change, Refusal):
            conn.send(encode(frames.error(change, op.cid)))
            return
        if change.op == "note.drag":
            self._drags[change.data["id"]] = change.data  # a newer position of the same note replaces the older one
            self._schedule()
        elif change.op == "presence.set":
            editing = change.data["editing"]
            self._editing[actor.id] = editing
            audience = privacy.note_audience(self.board.notes.get(editing)) if editing else None
            delivery.send_presence(self.connections, actor.id, True, editing, audience)
        elif change.op == "note.spotlight":
            self.spotlight = change.data if change.data["id"] is not None else None
            self._broadcast(encode(frames.spotlight(self.spotlight)))
        elif change.op == "view.share":
            self.shared_view.share(conn, change.data, lambda: self.connections, self.settings.tick)
        else:
            self._accept(change, actor.id, conn, op.cid)

    def _accept(self, change: Change, by: str, sender: Connection | None = None, cid: str | None = None) -> None:
        event = Event(seq=self.board.head + 1, op=change.op, by=by, at=self.clock(), data=change.data, cid=cid)
        audience = privacy.event_audience(self.board, change.op, change.data)  # judged before the change
        self.board.apply(event)
        if cid is not None:
            self.client_ops.add((by, cid), event.seq)
        self.recall.trim(self.settings.recent_ids)
        if change.op in ("note.move", "note.delete"):
            self._drags.pop(change.data["id"], None)  # a stored position supersedes any queued drag
        for moved in change.data.get("positions", ()) if change.op == "notes.arrange" else ():
            self._drags.pop(moved["id"], None)
        self._pending.append(_Pending(event, sender, audience))
        if self.board.head - self._last_snapshot_head >= self.settings.snapshot_every:
            self._pending_snapshot = self.board.to_dict()
            self._last_snapshot_head = self.board.head
        self._schedule()

    def _schedule(self) -> None:
        if self._flush_task is None:
            self._flush_task = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        """Once per tick: commit the pending events as one group, then send them and the newest drag positions
        to everyone in one frame, and the acks to their senders."""
        loop = asyncio.get_running_loop()
        try:
            while self._pending or self._drags:
                # Wait out the rest of the tick; whatever arrives meanwhile joins this group.
                await asyncio.sleep(max(0.0, self._last_publish + self.settings.tick - loop.time()))
                batch, self._pending = self._pending, []
                snapshot, self._pending_snapshot = self._pending_snapshot, None
                if batch:
                    events = [p.event for p in batch]
                    try:
                        await asyncio.to_thread(self.storage.append, self.workshop_id, events, snapshot)
                    except Exception:
                        log.exception(
                            "storing events %d..%d of %s failed", events[0].seq, events[-1].seq, self.workshop_id
                        )
                        self._break(batch)
                        return
                    self.committed_head = events[-1].seq
                drags, self._drags = list(self._drags.values()), {}
                self._publish(batch, drags)
                self._last_publish = loop.time()
        finally:
            self._flush_task = None
            if self.idle:
                self.on_idle(self)

    def _publish(self, batch: list[_Pending], drags: list[dict[str, Any]]) -> None:
        wire = [p.event.to_wire() for p in batch]
        self.recent.extend(wire)
        self._remember_audiences(batch)
        self._admit_joiners()
        still_waiting = []
        for head, stored in self._head_waiters:
            if head > self.committed_head:
                still_waiting.append((head, stored))
            elif not stored.done():
                stored.set_result(None)
        self._head_waiters = still_waiting
        drag_audiences = [privacy.note_audience(self.board.notes.get(d["id"])) for d in drags]
        delivery.send_events(self.connections, wire, [p.audience for p in batch], drags, drag_audiences)
        people.dismiss_removed(self.connections, wire)
        acks: dict[Connection, list[tuple[str, int]]] = {}
        for p in batch:
            if p.sender is not None and p.event.cid is not None:
                acks.setdefault(p.sender, []).append((p.event.cid, p.event.seq))
        still_late = []
        for conn, cid, seq in self._late_acks:
            if seq <= self.committed_head:
                acks.setdefault(conn, []).append((cid, seq))
            else:
                still_late.append((conn, cid, seq))
        self._late_acks = still_late
        for conn, items in acks.items():
            if conn.is_open:
                conn.send(encode(frames.acks(items)))

    def _remember_audiences(self, batch: list[_Pending]) -> None:
        """Keep who may see each private event for as long as catch-up may send it (`recent`)."""
        for p in batch:
            if p.audience is not None:
                self._audiences[p.event.seq] = p.audience
        oldest = self.recent[0]["seq"] if self.recent else 0
        while self._audiences and next(iter(self._audiences)) < oldest:  # in seq order: oldest first
            del self._audiences[next(iter(self._audiences))]

    def _break(self, failed: list[_Pending]) -> None:
        """Storage failed: the board in memory is ahead of what is stored, so drop it and make everyone resync.

        Everyone waiting on this room hears at once: connections and joiners are closed, senders of operations
        that will now never be stored (HTTP ones included) get `server_error`, readers of the map fail.
        """
        self.broken = True
        message = encode(frames.error(refuse("server_error", "the server could not store changes; reconnecting"), None))
        waiting = [j.conn for j in self._joining]
        senders = [p.sender for p in (*failed, *self._pending) if p.sender is not None]
        senders += [conn for conn, _, _ in self._late_acks]
        for conn in dict.fromkeys([*self.connections, *waiting, *senders]):
            conn.send(message)
            conn.close(1011, "storage failure")
        for _, stored in self._head_waiters:
            if not stored.done():
                stored.set_exception(StorageFailed("the room could not store its changes"))
        self.connections.clear()
        self._joining, self._pending, self._late_acks, self._head_waiters = [], [], [], []
        self.on_broken(self)

    # -- transient traffic ---------------------------------------------------------------------------------

    def _broadcast(self, text: str) -> None:
        for conn in self.connections:
            conn.send(text)

    async def submit(self, participant: Participant, frame: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Handle one operation that arrived outside a websocket (HTTP); return its `ack` or `error` message."""
        return await submission.submit(self, participant, frame, timeout)

    async def drain(self) -> None:
        """Wait until every accepted event is committed (used at shutdown)."""
        while self._flush_task is not None:
            await asyncio.shield(self._flush_task)
