"""Storage over SQL: SQLite (the embedded default) and PostgreSQL, with every dialect quirk in this module.

Writes of the event log use SQLAlchemy Core bulk inserts: one statement for a whole group of events, which
is several times faster than an ORM object per row. The schema is Alembic's, upgraded on open.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from server.board.idfilter import FIRST_CAPACITY, IdFilter
from server.board.model import Board, Event, deleted_by
from server.clock import now_ms
from server.library.text import Query
from server.storage import sql_search
from server.storage.accounts_sql import AccountsInSql
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
from server.storage.tables import EventRow, ParticipantRow, SnapshotRow, TombstoneRow, WorkshopRow

MIGRATIONS = Path(__file__).with_name("migrations")
SNAPSHOTS_KEPT = 2

_workshops = WorkshopRow.__table__  # type: ignore[attr-defined]
_participants = ParticipantRow.__table__  # type: ignore[attr-defined]
_events = EventRow.__table__  # type: ignore[attr-defined]
_snapshots = SnapshotRow.__table__  # type: ignore[attr-defined]
_tombstones = TombstoneRow.__table__  # type: ignore[attr-defined]
# A whole history is read a few thousand rows at a time (a server-side cursor on PostgreSQL), never held whole.
_STREAM = {"yield_per": 5000}


def normalize_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun below, so writers can take the lock up front
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: durable across a process crash
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that reads and then writes can fail at once with "database is locked" when
        # another writer got in between; BEGIN IMMEDIATE waits for the write lock instead.
        write = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class SqlStorage(AccountsInSql):
    def __init__(self, url: str) -> None:
        url = normalize_url(url)
        if url.startswith("sqlite"):
            self.engine = _sqlite_engine(url)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        self._migrate()

    def _migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._transaction(write=True) as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(write=write)
                with conn.begin():
                    yield conn
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc

    def close(self) -> None:
        self.engine.dispose()

    # -- workshops and participants --------------------------------------------------------------------

    def create_workshop(self, workshop: WorkshopRecord, board: Board) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(insert(_workshops).values(**_fields(workshop)))
            conn.execute(
                insert(_snapshots).values(
                    workshop_id=workshop.id,
                    head=board.head,
                    created_at=now_ms(),
                    state=orjson.dumps(board.to_dict()).decode(),
                )
            )

    def _one_workshop(self, where: Any) -> WorkshopRecord | None:
        with self._transaction() as conn:
            row = conn.execute(select(_workshops).where(where)).mappings().first()
        return WorkshopRecord(**row) if row else None

    def workshop(self, workshop_id: str) -> WorkshopRecord | None:
        return self._one_workshop(_workshops.c.id == workshop_id)

    def workshop_by_join_code(self, join_code_hash: str) -> WorkshopRecord | None:
        return self._one_workshop(_workshops.c.join_code_hash == join_code_hash)

    def workshop_by_facilitator_key(self, facilitator_key_hash: str) -> WorkshopRecord | None:
        return self._one_workshop(_workshops.c.facilitator_key_hash == facilitator_key_hash)

    def set_join_code(self, workshop_id: str, join_code_hash: str, generation: int) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(
                update(_workshops)
                .where(_workshops.c.id == workshop_id)
                .values(join_code_hash=join_code_hash, join_generation=generation)
            )

    def workshop_by_short_code(self, short_code_hash: str) -> WorkshopRecord | None:
        return self._one_workshop(_workshops.c.short_code_hash == short_code_hash)

    def set_short_code(self, workshop_id: str, short_code_hash: str, generation: int) -> None:
        with self._transaction(write=True) as conn:  # the unique index refuses another workshop's code: Conflict
            conn.execute(
                update(_workshops)
                .where(_workshops.c.id == workshop_id)
                .values(short_code_hash=short_code_hash, short_generation=generation)
            )

    def add_participant(self, participant: ParticipantRecord) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(insert(_participants).values(**_fields(participant)))

    def participant_by_token(self, token_hash: str) -> ParticipantRecord | None:
        with self._transaction() as conn:
            row = conn.execute(select(_participants).where(_participants.c.token_hash == token_hash)).mappings().first()
        return ParticipantRecord(**row) if row else None

    def touch_participant(self, participant_id: str, seen_at: int) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(update(_participants).where(_participants.c.id == participant_id).values(last_seen_at=seen_at))

    def participants(self, workshop_id: str) -> list[ParticipantRecord]:
        with self._transaction() as conn:
            rows = (
                conn.execute(
                    select(_participants)
                    .where(_participants.c.workshop_id == workshop_id)
                    .order_by(_participants.c.joined_at, _participants.c.id)
                )
                .mappings()
                .all()
            )
        return [ParticipantRecord(**r) for r in rows]

    # -- the board -------------------------------------------------------------------------------------

    def load_board(self, workshop_id: str) -> StoredBoard | None:
        with self._transaction() as conn:
            snap = conn.execute(
                select(_snapshots.c.state)
                .where(_snapshots.c.workshop_id == workshop_id)
                .order_by(_snapshots.c.head.desc())
                .limit(1)
            ).scalar()
            if snap is None:
                return None
            board = Board.from_dict(orjson.loads(snap))
            for row in conn.execute(
                select(_events)
                .where(_events.c.workshop_id == workshop_id, _events.c.seq > board.head)
                .order_by(_events.c.seq)
            ).mappings():
                board.apply(_event(row))
        return StoredBoard(board=board)

    def id_history(self, workshop_id: str) -> IdHistory:
        with self._transaction() as conn:
            has_cid = (_events.c.workshop_id == workshop_id, _events.c.cid.is_not(None))
            client_ops = _filter_for(conn.execute(select(func.count()).where(*has_cid)).scalar() or 0)
            rows = conn.execute(select(_events.c.by, _events.c.cid).where(*has_cid), execution_options=_STREAM)
            client_ops.update((by, cid) for by, cid in rows)
            of_workshop = _tombstones.c.workshop_id == workshop_id
            deleted = _filter_for(conn.execute(select(func.count()).where(of_workshop)).scalar() or 0)
            rows = conn.execute(select(_tombstones.c.id).where(of_workshop), execution_options=_STREAM)
            deleted.update(item_id for (item_id,) in rows)
        return IdHistory(client_ops=client_ops, deleted=deleted)

    def client_op_seq(self, workshop_id: str, participant_id: str, cid: str) -> int | None:
        with self._transaction() as conn:
            seq = conn.execute(
                select(_events.c.seq).where(
                    _events.c.workshop_id == workshop_id, _events.c.by == participant_id, _events.c.cid == cid
                )
            ).scalar()
        return int(seq) if seq is not None else None

    def deleted_among(self, workshop_id: str, ids: Collection[str]) -> set[str]:
        if not ids:
            return set()
        with self._transaction() as conn:
            rows = conn.execute(
                select(_tombstones.c.id).where(_tombstones.c.workshop_id == workshop_id, _tombstones.c.id.in_(ids))
            )
            return {item_id for (item_id,) in rows}

    def append(self, workshop_id: str, events: Sequence[Event], snapshot: dict[str, Any] | None = None) -> None:
        if not events and snapshot is None:
            return
        for before, after in zip(events, events[1:], strict=False):
            if after.seq != before.seq + 1:
                raise Conflict(f"events must be consecutive: {before.seq} is followed by {after.seq}")
        with self._transaction(write=True) as conn:
            head = (
                conn.execute(select(func.max(_events.c.seq)).where(_events.c.workshop_id == workshop_id)).scalar() or 0
            )
            if events and events[0].seq != head + 1:
                raise Conflict(f"workshop {workshop_id} is at event {head}; cannot append event {events[0].seq}")
            if events:
                conn.execute(
                    insert(_events),
                    [
                        {
                            "workshop_id": workshop_id,
                            "seq": e.seq,
                            "op": e.op,
                            "by": e.by,
                            "at": e.at,
                            "cid": e.cid,
                            "data": orjson.dumps(e.data).decode(),
                        }
                        for e in events
                    ],
                )
            for e in events:
                if e.op == "workshop.rename" and "title" in e.data:
                    conn.execute(update(_workshops).where(_workshops.c.id == workshop_id).values(title=e.data["title"]))
                if e.op == "workshop.joining":
                    conn.execute(
                        update(_workshops).where(_workshops.c.id == workshop_id).values(joining=e.data["open"])
                    )
                if e.op in ("participant.rename", "participant.remove"):  # proxies have no row: nothing to update
                    person = (_participants.c.id == e.data["id"], _participants.c.workshop_id == workshop_id)
                    values = {"name": e.data["name"]} if e.op == "participant.rename" else {"removed_at": e.at}
                    conn.execute(update(_participants).where(*person).values(**values))
            deleted = sorted({i for e in events for i in deleted_by(e.op, e.data)})
            if deleted:  # an id restored (rule P31) and deleted again has its row already
                of_workshop = _tombstones.c.workshop_id == workshop_id
                known = set(
                    conn.execute(select(_tombstones.c.id).where(of_workshop, _tombstones.c.id.in_(deleted))).scalars()
                )
                new = [{"workshop_id": workshop_id, "id": i} for i in deleted if i not in known]
                if new:
                    conn.execute(insert(_tombstones), new)
            if snapshot is not None:
                self._store_snapshot(conn, workshop_id, snapshot)

    def _store_snapshot(self, conn: Connection, workshop_id: str, snapshot: dict[str, Any]) -> None:
        conn.execute(
            insert(_snapshots).values(
                workshop_id=workshop_id,
                head=snapshot["head"],
                created_at=now_ms(),
                state=orjson.dumps(snapshot).decode(),
            )
        )
        kept = (
            select(_snapshots.c.head)
            .where(_snapshots.c.workshop_id == workshop_id)
            .order_by(_snapshots.c.head.desc())
            .limit(SNAPSHOTS_KEPT)
        )
        conn.execute(
            delete(_snapshots).where(
                _snapshots.c.workshop_id == workshop_id, _snapshots.c.head.not_in(kept.scalar_subquery())
            )
        )

    def events_since(self, workshop_id: str, seq: int, limit: int) -> list[Event]:
        with self._transaction() as conn:
            rows = (
                conn.execute(
                    select(_events)
                    .where(_events.c.workshop_id == workshop_id, _events.c.seq > seq)
                    .order_by(_events.c.seq)
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        return [_event(r) for r in rows]

    # -- the library's search index (server/storage/sql_search.py) --------------------------------------

    def stale_for_search(self, limit: int) -> list[StaleWorkshop]:
        with self._transaction() as conn:
            return sql_search.stale(conn, limit)

    def replace_search_documents(self, workshop_id: str, head: int | None, documents: Sequence[SearchDocument]) -> None:
        with self._transaction(write=True) as conn:
            sql_search.replace(conn, workshop_id, head, documents)

    def search(self, query: Query, filters: SearchFilters, limit: int, offset: int, ranked: int) -> list[SearchHit]:
        with self._transaction() as conn:
            return sql_search.search(conn, query, filters, limit, offset, ranked)


def _filter_for(count: int) -> IdFilter:
    """A filter with room for what storage holds and as much again before it needs to grow."""
    return IdFilter(capacity=max(FIRST_CAPACITY, 2 * count))


def _event(row: Any) -> Event:
    return Event(
        seq=row["seq"], op=row["op"], by=row["by"], at=row["at"], data=orjson.loads(row["data"]), cid=row["cid"]
    )


def _fields(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}
