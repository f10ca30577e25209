"""Nobody is shown a change that is not stored: joiners, the HTTP map and exports wait for the commit, a
reconnect from another epoch gets a snapshot, and a failed commit answers everyone at once.

The database is held from outside the server — its write lock taken, or inserts made to fail by a
trigger — so the window between accepting a change and storing it can be held open on demand."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.support.client import BoardClient, create_workshop, join, read_map
from tests.support.databases import BACKENDS, database_url
from tests.support.server import ServerProcess


@contextmanager
def write_lock(url: str) -> Iterator[None]:
    """Hold the database's write lock: the server's next commit waits until it is released."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn, conn.begin() as tx:
            conn.execute(sa.text("LOCK TABLE event IN SHARE ROW EXCLUSIVE MODE"))  # readers go on, inserts wait
            yield
            tx.rollback()
    finally:
        engine.dispose()


@contextmanager
def failing_inserts(url: str) -> Iterator[None]:
    """Make every insert into the event log fail, as a full disk or a lost database would."""
    engine = sa.create_engine(url)
    statements = (
        ["CREATE TRIGGER fail_insert BEFORE INSERT ON event BEGIN SELECT RAISE(ABORT, 'disk full'); END"]
        if url.startswith("sqlite")
        else [
            "CREATE FUNCTION fail_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ "
            "LANGUAGE plpgsql",
            "CREATE TRIGGER fail_insert BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION fail_insert()",
        ]
    )
    undo = ["DROP TRIGGER fail_insert"] if url.startswith("sqlite") else ["DROP TRIGGER fail_insert ON event"]
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
        yield
        with engine.begin() as conn:
            for statement in undo:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
async def server(db_url: str, tmp_path: Path) -> AsyncIterator[ServerProcess]:
    proc = ServerProcess(db_url).start(log_path=tmp_path / "server.log")
    yield proc
    proc.stop()


async def accepted_in_memory(client: BoardClient, note_id: str) -> str:
    """Send a note and prove the server has accepted it (in memory) without waiting for its commit: a
    transient `presence.set` naming the note is refused unless the note exists, and is echoed at once."""
    cid = await client.send("note.add", id=note_id, kind="impact", text="not stored yet", x=0.0, y=0.0)
    await client.send("presence.set", editing=note_id)
    await client.wait_for(
        lambda: client.presence.get(client.me["id"], {}).get("editing") == note_id or client.errors,
        f"presence naming {note_id}",
    )
    assert client.errors == [], client.errors
    assert cid not in client.acks, "acknowledged before its commit"
    return cid


async def until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Wait for a condition nothing announces (polled), failing after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


def mentions(client: BoardClient, note_id: str) -> bool:
    """Has any snapshot or events frame this client received carried the note?"""
    for frame in client.frames:
        if frame["type"] == "snapshot" and any(n["id"] == note_id for n in frame["board"]["notes"]):
            return True
        if frame["type"] == "events" and any(e["data"].get("id") == note_id for e in frame["events"]):
            return True
    return False


@pytest.mark.rule("P21", "P22")
async def test_a_joiner_served_during_a_commit_that_never_lands_ends_equal_to_the_stored_map(
    server: ServerProcess, db_url: str, tmp_path: Path
) -> None:
    created = await create_workshop(server.url, "Crash while joining")
    fac = await BoardClient(server.ws_url, created["id"], created["token"], "fac").connect()
    await fac.do("note.add", id="stored01", kind="activity", text="stored", x=0.0, y=0.0)
    ana = BoardClient(
        server.ws_url, created["id"], (await join(server.url, created["join_code"], "Ana"))["token"], "ana"
    )
    ben = BoardClient(
        server.ws_url, created["id"], (await join(server.url, created["join_code"], "Ben"))["token"], "ben"
    )
    await ben.connect()  # ben has a board and an epoch; he drops and comes back below, as phones do
    await ben.disconnect()
    with write_lock(db_url):
        await accepted_in_memory(fac, "ghost001")
        await ben.connect(since=ben.board.head)  # what he missed is committed: he is served at once
        joining = asyncio.create_task(ana.connect())  # a first join needs a snapshot, which holds ghost001
        await until(lambda: ana.ws is not None, "the joiner's handshake")
        # the server joins a socket right after its handshake; answering the facilitator again proves it ran
        await fac.send("presence.set", editing=None)
        await fac.wait_for(lambda: fac.presence.get(fac.me["id"], {}).get("editing") is None, "presence cleared")
        server.kill()  # the commit that would have stored ghost001 never happens
        await asyncio.gather(joining, return_exceptions=True)
    for client in (ana, ben, fac):
        assert not mentions(client, "ghost001"), f"{client.name} was shown a note that was never stored"
    assert ana.board is None, "the joiner got a board before the commit it needed"
    await fac.disconnect()
    await ben.disconnect()

    server.start(log_path=tmp_path / "server-after.log")
    fac = await BoardClient(server.ws_url, created["id"], created["token"], "fac2").connect()
    for i in range(5):  # the sequence numbers the lost change would have had now belong to other changes
        await fac.do("note.add", id=f"after{i:03}", kind="outcome", text=f"after {i}", x=float(i), y=0.0)
    await ana.connect(since=ana.board.head if ana.board else None)
    await ben.connect(since=ben.board.head)
    stored = await read_map(server.url, created["id"], created["token"])
    for client in (ana, ben):
        await client.wait_head(stored["head"])
        assert client.board.to_dict() == stored
        assert "ghost001" not in client.board.notes
        await client.disconnect()
    await fac.disconnect()


@pytest.mark.rule("P21")
async def test_map_and_exports_wait_for_the_commit_of_what_they_show(server: ServerProcess, db_url: str) -> None:
    created = await create_workshop(server.url, "Map during a commit")
    fac = await BoardClient(server.ws_url, created["id"], created["token"], "fac").connect()
    headers = {"Authorization": f"Bearer {created['token']}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as http:
        with write_lock(db_url):
            cid = await accepted_in_memory(fac, "pending1")
            reads = [
                asyncio.create_task(http.get(f"/api/workshops/{created['id']}/map")),
                asyncio.create_task(http.get(f"/api/workshops/{created['id']}/export/json")),
            ]
            done, _ = await asyncio.wait(reads, timeout=1.0)
            assert not done, "the map was served while the change it shows was not stored"
        answers = [await r for r in reads]
    assert [a.status_code for a in answers] == [200, 200]
    shown: Any = answers[0].json()
    assert "pending1" in {n["id"] for n in shown["notes"]}
    assert await fac.wait_settled(cid) <= shown["head"]
    assert "pending1" in answers[1].text
    await fac.disconnect()


@pytest.mark.rule("P22")
async def test_since_from_another_epoch_gets_a_snapshot(server: ServerProcess, tmp_path: Path) -> None:
    created = await create_workshop(server.url, "Epochs")
    fac = await BoardClient(server.ws_url, created["id"], created["token"], "fac").connect()
    await fac.do("note.add", id="epoch001", kind="impact", text="one", x=0.0, y=0.0)
    first_epoch, head = fac.epoch, fac.board.head
    frames_before = len(fac.frames)
    await fac.reconnect()  # same epoch: only what was missed (nothing), no snapshot
    assert fac.epoch == first_epoch
    assert "snapshot" not in [f["type"] for f in fac.frames[frames_before:]]
    await fac.disconnect()
    server.stop()
    server.start(log_path=tmp_path / "server-2.log")
    frames_before = len(fac.frames)
    await fac.connect(since=head, epoch=first_epoch)
    await fac.wait_for(lambda: len(fac.frames) >= frames_before + 2, "the frame after welcome")
    after = [f["type"] for f in fac.frames[frames_before:]]
    assert fac.epoch != first_epoch
    assert after[:2] == ["welcome", "snapshot"], after
    await fac.disconnect()


@pytest.mark.rule("P23")
async def test_a_failed_commit_answers_http_and_websocket_senders_at_once(server: ServerProcess, db_url: str) -> None:
    created = await create_workshop(server.url, "Failing storage")
    fac = await BoardClient(server.ws_url, created["id"], created["token"], "fac").connect()
    headers = {"Authorization": f"Bearer {created['token']}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as http:
        with failing_inserts(db_url):
            answer = await asyncio.wait_for(
                http.post(
                    f"/api/workshops/{created['id']}/ops",
                    json={"op": "note.add", "id": "lost0001", "kind": "impact", "text": "x", "x": 0.0, "y": 0.0},
                ),
                timeout=5.0,  # the room's own wait is 10 s: an answer before that is the failure's, not a timeout
            )
            await fac.wait_for(lambda: fac.close_code is not None, "the socket closed")
        assert answer.status_code == 503, answer.text
        assert answer.json()["code"] == "server_error"
        assert "not stored within" not in answer.json()["message"]
        assert fac.close_code == 1011
        assert any(e["code"] == "server_error" for e in fac.errors)
        # storage works again: the room reloads and the lost change is not there
        ok = await http.post(
            f"/api/workshops/{created['id']}/ops",
            json={"op": "note.add", "id": "kept0001", "kind": "impact", "text": "y", "x": 0.0, "y": 0.0},
        )
        assert ok.status_code == 200, ok.text
        stored = (await http.get(f"/api/workshops/{created['id']}/map")).json()
    assert {n["id"] for n in stored["notes"]} == {"kept0001"}
