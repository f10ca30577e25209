"""Upgrading a database written by an earlier version keeps every guarantee its data carried."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from server import workshops
from server.accounts.records import AccountRecord, OrganisationRecord
from server.board.model import Participant
from server.board.rules import participant_join
from server.room import Room, RoomSettings
from server.storage.sql import MIGRATIONS, SqlStorage, normalize_url
from tests.contract.test_storage import FAC, Script, participant, workshop
from tests.support.databases import BACKENDS, database_url
from tests.unit.test_room import FakeSocket


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


def schema_at(url: str, revision: str) -> sa.Engine:
    engine = sa.create_engine(normalize_url(url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return engine


def old_workshop(engine: sa.Engine) -> Script:
    """A workshop as the version before deleted ids had their own table stored it: deletes only in the event
    log and in snapshots' `deleted` lists."""
    record, board = workshop("w1")
    script = Script(board)
    script.op("note.add", cid="a", id="keep", kind="impact", text="stays", x=0.0, y=0.0)
    script.op("note.add", cid="b", id="goner", kind="impact", text="goes", x=0.0, y=0.0)
    script.op("note.add", cid="c", id="other", kind="impact", text="stays", x=0.0, y=0.0)
    script.op("link.add", cid="d", id="withnote", source="keep", target="goner")
    script.op("link.add", cid="e", id="alone", source="keep", target="other")
    script.op("note.delete", cid="f", id="goner")  # takes `withnote` with it
    script.op("link.delete", cid="g", id="alone")
    snapshot: dict[str, Any] = {**script.board.to_dict(), "deleted": ["goner", "withnote", "alone", "fromsnap"]}
    script.op("note.update", cid="h", id="keep", text="after the snapshot")
    meta = sa.MetaData()
    tables = {name: sa.Table(name, meta, autoload_with=engine) for name in ("workshop", "event", "snapshot")}
    with engine.begin() as conn:
        columns = tables["workshop"].c  # the record has fields later revisions added
        conn.execute(
            sa.insert(tables["workshop"]).values(**{k: getattr(record, k) for k in record.__slots__ if k in columns})
        )
        conn.execute(
            sa.insert(tables["snapshot"]),
            [
                {"workshop_id": "w1", "head": state["head"], "created_at": 1, "state": orjson.dumps(state).decode()}
                for state in (board_at_zero(), snapshot)
            ],
        )
        conn.execute(
            sa.insert(tables["event"]),
            [
                {"workshop_id": "w1", "seq": e.seq, "op": e.op, "by": e.by, "at": e.at, "cid": e.cid,
                 "data": orjson.dumps(e.data).decode()}
                for e in script.take()
            ],
        )  # fmt: skip
    return script


def board_at_zero() -> dict[str, Any]:
    return {**workshop("w1")[1].to_dict(), "deleted": []}


async def answers_after_memory_forgot(storage: SqlStorage) -> dict[str, str]:
    """What a room (holding no recent ids at all) answers about the old deleted ids."""
    stored = storage.load_board("w1")
    assert stored is not None
    room = Room.load("w1", stored, storage, settings=RoomSettings(recent_ids=0))
    sock = FakeSocket(FAC)
    room.join(sock, None)  # an event: the room trims what memory held, storage holds it all
    await room.drain()
    assert room.board.deleted.unsure("goner") and room.board.deleted.unsure("fromsnap")
    frames = [
        {"op": "note.add", "cid": "1", "id": "goner", "kind": "impact", "text": "again", "x": 0, "y": 0},
        {"op": "note.update", "cid": "2", "id": "goner", "text": "late"},
        {"op": "link.update", "cid": "3", "id": "withnote", "label": "late"},
        {"op": "link.add", "cid": "4", "id": "alone", "source": "other", "target": "keep"},
        {"op": "note.add", "cid": "5", "id": "fromsnap", "kind": "impact", "text": "again", "x": 0, "y": 0},
    ]
    for f in frames:
        room.receive(sock, orjson.dumps(f))
    async with asyncio.timeout(10):
        while len(sock.of_type("error")) < len(frames):
            await asyncio.sleep(0.01)
    return {m["cid"]: m["code"] for m in sock.of_type("error")}


@pytest.mark.rule("P10")
async def test_deleted_ids_of_an_old_database_stay_deleted_after_the_upgrade(db_url: str) -> None:
    engine = schema_at(db_url, "0001")
    script = old_workshop(engine)
    engine.dispose()
    storage = SqlStorage(db_url)  # upgrades to the newest schema
    try:
        deleted = {"goner", "withnote", "alone", "fromsnap"}
        assert storage.deleted_among("w1", [*deleted, "keep", "other"]) == deleted
        loaded = storage.load_board("w1")
        assert loaded is not None and loaded.board.to_dict() == script.board.to_dict()
        assert await answers_after_memory_forgot(storage) == {
            "1": "note_exists",
            "2": "note_deleted",
            "3": "link_deleted",
            "4": "note_exists",
            "5": "note_exists",
        }
    finally:
        storage.close()


def test_workshops_of_an_old_database_stay_open_and_get_a_short_code_when_first_shown(db_url: str) -> None:
    engine = schema_at(db_url, "0002")
    old_workshop(engine)
    engine.dispose()
    storage = SqlStorage(db_url)  # upgrades to the newest schema
    try:
        record = storage.workshop("w1")
        assert record is not None and record.joining is True and record.short_code_hash is None
        key = b"k" * 32
        code = workshops.current_short_code(storage, key, "w1")
        found = workshops.find_by_short_code(storage, key, code.lower())
        assert found is not None and found.id == "w1"
        assert workshops.current_short_code(storage, key, "w1") == code  # the same one, shown again
    finally:
        storage.close()


@pytest.mark.rule("P50")
def test_participants_of_an_old_database_keep_their_tokens_and_can_be_removed(db_url: str) -> None:
    engine = schema_at(db_url, "0003")
    script = old_workshop(engine)
    record = participant("p1")
    with engine.begin() as conn:
        table = sa.Table("participant", sa.MetaData(), autoload_with=engine)
        conn.execute(sa.insert(table).values(**{k: getattr(record, k) for k in record.__slots__ if k in table.c}))
    engine.dispose()
    storage = SqlStorage(db_url)  # upgrades to the newest schema
    try:
        assert storage.participant_by_token("tok-p1") == record  # still taking part: removed_at is NULL
        script.change(
            participant_join(Participant(id="p1", name=record.name, colour=record.colour, role="participant"))
        )
        removal = script.op("participant.remove", id="p1")
        storage.append("w1", script.take())
        removed = storage.participant_by_token("tok-p1")
        assert removed is not None and removed.removed_at == removal.at
    finally:
        storage.close()


def test_workshops_and_participants_of_an_old_database_have_no_organisation_and_can_be_claimed(db_url: str) -> None:
    engine = schema_at(db_url, "0004")
    old_workshop(engine)
    record = participant("p1")
    with engine.begin() as conn:
        table = sa.Table("participant", sa.MetaData(), autoload_with=engine)
        conn.execute(sa.insert(table).values(**{k: getattr(record, k) for k in record.__slots__ if k in table.c}))
    engine.dispose()
    storage = SqlStorage(db_url)  # upgrades to the newest schema
    try:
        found = storage.workshop("w1")
        assert found is not None and (found.organisation_id, found.owner_id, found.template) == (None, None, None)
        assert storage.participant_by_token("tok-p1") == record  # no account: account_id is NULL
        storage.add_account(AccountRecord(id="a1", email="a1@example.org", password_hash="h", created_at=1))
        storage.add_organisation(OrganisationRecord(id="o1", name="Centre", created_at=1), "a1")
        assert storage.claim_workshop("w1", "o1", "a1")
        assert [w.id for w in storage.organisation_workshops("o1")] == ["w1"]
    finally:
        storage.close()


def test_the_search_index_migration_downgrades_and_upgrades_again(db_url: str) -> None:
    engine = schema_at(db_url, "head")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
        assert "search_item" not in sa.inspect(conn).get_table_names()
        command.upgrade(config, "head")
        assert {"search_item", "search_state"} <= set(sa.inspect(conn).get_table_names())
    engine.dispose()
