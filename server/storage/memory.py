"""Storage in memory, for tests and throwaway servers: the same behaviour as SQL, kept in dicts.

Everything is copied in and out, so callers can never change what is stored by holding on to an object.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Collection, Sequence
from typing import Any

from server.board.idfilter import IdFilter
from server.board.model import Board, Event, deleted_by
from server.library.text import Query
from server.storage.accounts_memory import AccountsInMemory
from server.storage.base import (
    Conflict,
    IdHistory,
    ParticipantRecord,
    SearchDocument,
    SearchFilters,
    SearchHit,
    StaleWorkshop,
    StoredBoard,
    WorkshopRecord,
)
from server.storage.memory_search import MemorySearchIndex


class MemoryStorage(AccountsInMemory):
    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._workshops: dict[str, WorkshopRecord] = {}
        self._participants: dict[str, ParticipantRecord] = {}
        self._events: dict[str, list[Event]] = {}
        self._snapshot: dict[str, dict[str, Any]] = {}
        self._client_ops: dict[str, dict[tuple[str | None, str], int]] = {}  # (by, cid) -> seq, per workshop
        self._deleted: dict[str, set[str]] = {}
        self._search = MemorySearchIndex()

    def create_workshop(self, workshop: WorkshopRecord, board: Board) -> None:
        with self._lock:
            if workshop.id in self._workshops:
                raise Conflict(f"workshop {workshop.id} exists")
            if workshop.short_code_hash and self._find_unlocked(short_code_hash=workshop.short_code_hash):
                raise Conflict("short code hash already in use")
            self._workshops[workshop.id] = copy.deepcopy(workshop)
            self._events[workshop.id] = []
            self._client_ops[workshop.id] = {}
            self._deleted[workshop.id] = set()
            self._snapshot[workshop.id] = board.to_dict()

    def _find(self, **match: Any) -> WorkshopRecord | None:
        with self._lock:
            return copy.deepcopy(self._find_unlocked(**match))

    def _find_unlocked(self, **match: Any) -> WorkshopRecord | None:
        return next((w for w in self._workshops.values() if all(getattr(w, k) == v for k, v in match.items())), None)

    def workshop(self, workshop_id: str) -> WorkshopRecord | None:
        return self._find(id=workshop_id)

    def workshop_by_join_code(self, join_code_hash: str) -> WorkshopRecord | None:
        return self._find(join_code_hash=join_code_hash)

    def workshop_by_facilitator_key(self, facilitator_key_hash: str) -> WorkshopRecord | None:
        return self._find(facilitator_key_hash=facilitator_key_hash)

    def set_join_code(self, workshop_id: str, join_code_hash: str, generation: int) -> None:
        with self._lock:
            self._workshops[workshop_id].join_code_hash = join_code_hash
            self._workshops[workshop_id].join_generation = generation

    def workshop_by_short_code(self, short_code_hash: str) -> WorkshopRecord | None:
        return self._find(short_code_hash=short_code_hash)

    def set_short_code(self, workshop_id: str, short_code_hash: str, generation: int) -> None:
        with self._lock:
            if any(w.short_code_hash == short_code_hash for w in self._workshops.values() if w.id != workshop_id):
                raise Conflict("short code hash already in use")
            self._workshops[workshop_id].short_code_hash = short_code_hash
            self._workshops[workshop_id].short_generation = generation

    def add_participant(self, participant: ParticipantRecord) -> None:
        with self._lock:
            if any(p.token_hash == participant.token_hash for p in self._participants.values()):
                raise Conflict("token hash already in use")
            self._participants[participant.id] = copy.deepcopy(participant)

    def participant_by_token(self, token_hash: str) -> ParticipantRecord | None:
        with self._lock:
            found = next((p for p in self._participants.values() if p.token_hash == token_hash), None)
            return copy.deepcopy(found)

    def touch_participant(self, participant_id: str, seen_at: int) -> None:
        with self._lock:
            self._participants[participant_id].last_seen_at = seen_at

    def participants(self, workshop_id: str) -> list[ParticipantRecord]:
        with self._lock:
            found = [p for p in self._participants.values() if p.workshop_id == workshop_id]
            return copy.deepcopy(sorted(found, key=lambda p: (p.joined_at, p.id)))

    def load_board(self, workshop_id: str) -> StoredBoard | None:
        with self._lock:
            if workshop_id not in self._workshops:
                return None
            board = Board.from_dict(copy.deepcopy(self._snapshot[workshop_id]))
            events = copy.deepcopy([e for e in self._events[workshop_id] if e.seq > board.head])
        for e in events:
            board.apply(e)
        return StoredBoard(board=board)

    def id_history(self, workshop_id: str) -> IdHistory:
        with self._lock:
            client_ops, deleted = IdFilter(), IdFilter()
            client_ops.update(self._client_ops.get(workshop_id, {}))
            deleted.update(self._deleted.get(workshop_id, ()))
        return IdHistory(client_ops=client_ops, deleted=deleted)

    def client_op_seq(self, workshop_id: str, participant_id: str, cid: str) -> int | None:
        with self._lock:
            return self._client_ops.get(workshop_id, {}).get((participant_id, cid))

    def deleted_among(self, workshop_id: str, ids: Collection[str]) -> set[str]:
        with self._lock:
            return set(ids) & self._deleted.get(workshop_id, set())

    def append(self, workshop_id: str, events: Sequence[Event], snapshot: dict[str, Any] | None = None) -> None:
        with self._lock:
            log = self._events[workshop_id]
            client_ops = self._client_ops[workshop_id]
            head = log[-1].seq if log else 0
            new_ops: dict[tuple[str | None, str], int] = {}
            for e in events:
                if e.seq != head + 1:
                    raise Conflict(f"workshop {workshop_id} is at event {head}; cannot append event {e.seq}")
                if e.cid is not None:
                    if (e.by, e.cid) in client_ops or (e.by, e.cid) in new_ops:
                        raise Conflict(f"client op {e.cid} of {e.by} is already stored")
                    new_ops[(e.by, e.cid)] = e.seq
                head = e.seq
            log.extend(copy.deepcopy(list(events)))
            client_ops.update(new_ops)
            for e in events:
                if e.op == "workshop.rename" and "title" in e.data:
                    self._workshops[workshop_id].title = e.data["title"]
                if e.op == "workshop.joining":
                    self._workshops[workshop_id].joining = e.data["open"]
                person = self._participants.get(e.data.get("id", "")) if e.op.startswith("participant.") else None
                if person is not None and person.workshop_id == workshop_id:  # proxies have no record (P42)
                    if e.op == "participant.rename":
                        person.name = e.data["name"]
                    elif e.op == "participant.remove":
                        person.removed_at = e.at
                self._deleted[workshop_id].update(deleted_by(e.op, e.data))
            if snapshot is not None:
                self._snapshot[workshop_id] = copy.deepcopy(snapshot)

    def events_since(self, workshop_id: str, seq: int, limit: int) -> list[Event]:
        with self._lock:
            return copy.deepcopy([e for e in self._events.get(workshop_id, []) if e.seq > seq][:limit])

    def stale_for_search(self, limit: int) -> list[StaleWorkshop]:
        with self._lock:
            heads = {w: (log[-1].seq if log else 0) for w, log in self._events.items()}
            stale = [
                StaleWorkshop(w, head) for w, head in sorted(heads.items()) if self._search.heads.get(w, -1) < head
            ]
            gone = [StaleWorkshop(w, None) for w in sorted(self._search.heads) if w not in heads]
        return (stale + gone)[:limit]

    def replace_search_documents(self, workshop_id: str, head: int | None, documents: Sequence[SearchDocument]) -> None:
        with self._lock:
            self._search.replace(workshop_id, head, documents)

    def search(self, query: Query, filters: SearchFilters, limit: int, offset: int, ranked: int) -> list[SearchHit]:
        with self._lock:
            titles = {w.id: w.title for w in self._workshops.values()}
            return self._search.search(query, filters, limit, offset, ranked, titles)

    def close(self) -> None:
        pass
