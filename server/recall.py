"""Settling from storage what a room no longer holds in memory, without reordering anyone's frames.

A room holds the newest client operation ids and deleted ids exactly, and all of them in filters (`SeenIds`),
so almost every operation is decided from memory at once. An operation naming an id that only a filter *may*
have seen — a resend of an operation from long ago, an edit of a note deleted long ago, or, now and then, a new
id the filter confuses with an old one — first needs storage's exact answer. The lookup runs in a worker
thread, so the event loop never waits on it. Meanwhile later frames of *that* connection wait in a bounded
queue, then are handled in their order (a client sends `note.add X` then `link.add X→Y`); other connections
go on.

Exactness while lookups run: a lookup sees storage as it was when it started, so nothing that storage did not
hold by then may be dropped from memory until the lookup is done (`trim` keeps to that floor).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from server.board import ops
from server.board.model import Board, Participant
from server.board.refusals import refuse
from server.board.rules import unsure_ids
from server.board.seen import SeenIds
from server.protocol import frames
from server.protocol.codec import encode
from server.storage.base import Storage

log = logging.getLogger(__name__)

ClientOpKey = tuple[str, str]  # (participant id, client op id)


class Sender(Protocol):
    participant: Participant

    def send(self, text: str) -> None: ...

    @property
    def is_open(self) -> bool: ...


C = TypeVar("C", bound=Sender)


@dataclass(frozen=True, slots=True)
class _Question:
    client_op: ClientOpKey | None  # was this client op id stored, and as which seq?
    ids: tuple[str, ...]  # which of these ids were deleted?


@dataclass(frozen=True, slots=True)
class _Answer:
    seq: int | None
    deleted: set[str]


class Recall(Generic[C]):
    """One room's lookups: which connections wait for storage, and what they sent meanwhile."""

    def __init__(
        self,
        workshop_id: str,
        storage: Storage,
        board: Board,
        client_ops: SeenIds[ClientOpKey],
        handle: Callable[[C, ops.AnyOp], None],
        stored_through: Callable[[], int],
        on_settled: Callable[[], None],
        max_held: int,
    ) -> None:
        self._workshop_id = workshop_id
        self._storage = storage
        self._board = board
        self._client_ops = client_ops
        self._handle = handle  # decides one operation, all of whose ids memory can answer
        self._stored_through = stored_through  # the highest seq storage holds
        self._on_settled = on_settled  # called when no connection waits any more
        self._max_held = max_held
        self._held: dict[C, deque[ops.AnyOp]] = {}  # a connection with a lookup running -> its frames since
        self._starts: list[int] = []  # `stored_through` at the start of each lookup running
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def busy(self) -> bool:
        return bool(self._held)

    def admit(self, conn: C, op: ops.AnyOp) -> None:
        """Handle the operation now if memory can answer for its ids; otherwise look them up first."""
        held = self._held.get(conn)
        if held is not None:  # this connection waits for an earlier frame: keep the order
            if len(held) >= self._max_held:
                refusal = refuse("rate_limited", f"{len(held)} frames already wait for an earlier one; resend later")
                conn.send(encode(frames.error(refusal, op.cid)))
            else:
                held.append(op)
            return
        question = self._question(conn, op)
        if question is None:
            self._handle(conn, op)
            return
        self._held[conn] = deque()
        task = asyncio.get_running_loop().create_task(self._settle(conn, op, question))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def trim(self, keep: int) -> None:
        """Hold at most `keep` recent ids of each kind, dropping only what every running lookup can see."""
        through = min([self._stored_through(), *self._starts])
        self._client_ops.trim(keep, through)
        self._board.deleted.trim(keep, through)

    def _question(self, conn: C, op: ops.AnyOp) -> _Question | None:
        """What storage must answer before `op` can be decided, or None when memory knows enough."""
        client_op = None
        if op.cid is not None and op.op not in ops.TRANSIENT_OPS:
            key = (conn.participant.id, op.cid)
            if self._client_ops.unsure(key):
                client_op = key
            elif self._client_ops.get(key) is not None:
                return None  # a resend, answered from memory: nothing is decided
        ids = tuple(unsure_ids(self._board, op))
        return _Question(client_op, ids) if client_op is not None or ids else None

    def _ask(self, question: _Question) -> _Answer:
        """Storage's answer (in a worker thread)."""
        seq = None
        if question.client_op is not None:
            seq = self._storage.client_op_seq(self._workshop_id, *question.client_op)
        deleted = self._storage.deleted_among(self._workshop_id, question.ids) if question.ids else set()
        return _Answer(seq, deleted)

    async def _settle(self, conn: C, op: ops.AnyOp, question: _Question) -> None:
        try:
            while True:
                start = self._stored_through()
                self._starts.append(start)
                try:
                    answer = await asyncio.to_thread(self._ask, question)
                except Exception:
                    log.exception("looking up %s in %s failed", question, self._workshop_id)
                    self._refuse_waiting(conn, op)
                    return
                finally:
                    self._starts.remove(start)
                if not conn.is_open:
                    return  # gone: what it sent meanwhile goes with it (a client resends what was not acked)
                self._decide(conn, op, question, answer)
                following = self._next_needing_storage(conn)
                if following is None:
                    return
                op, question = following
        finally:
            del self._held[conn]
            if not self._held:
                self._on_settled()

    def _decide(self, conn: C, op: ops.AnyOp, question: _Question, answer: _Answer) -> None:
        if question.client_op is not None:
            self._client_ops.settle(question.client_op, answer.seq)
        for item_id in question.ids:
            self._board.deleted.settle(item_id, 0 if item_id in answer.deleted else None)
        try:
            self._handle(conn, op)
        finally:  # "never used" holds only for this decision: the id may be used a moment later
            self._client_ops.forget_answers()
            self._board.deleted.forget_answers()

    def _next_needing_storage(self, conn: C) -> tuple[ops.AnyOp, _Question] | None:
        """Handle the connection's waiting frames in order, up to the next one that needs storage."""
        held = self._held[conn]
        while held:
            op = held.popleft()
            question = self._question(conn, op)
            if question is not None:
                return op, question
            self._handle(conn, op)
        return None

    def _refuse_waiting(self, conn: C, op: ops.AnyOp) -> None:
        """Storage could not answer: refuse this frame and those waiting behind it; the client may resend."""
        refusal = refuse("server_error", "the server could not check this operation against its history; resend it")
        for waiting in (op, *self._held[conn]):
            conn.send(encode(frames.error(refusal, waiting.cid)))
