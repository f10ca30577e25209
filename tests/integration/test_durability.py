"""Nothing acknowledged is lost: SIGKILL the server mid-stream, restart it, check every acked operation."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.client import BoardClient, create_workshop, join, read_map
from tests.support.databases import BACKENDS, database_url
from tests.support.server import ServerProcess


async def stream(client: BoardClient, stop: asyncio.Event, sent: dict[str, tuple[str, int]]) -> None:
    """Add notes and keep rewriting their text with a rising counter, without waiting for acks."""
    i = 0
    while not stop.is_set():
        note_id = f"{client.name}n{i:04}"
        try:
            cid = await client.send("note.add", id=note_id, kind="outcome", text=f"{client.name} 0", x=float(i), y=0.0)
            sent[cid] = (note_id, 0)
            for n in range(1, 4):
                cid = await client.send("note.update", id=note_id, text=f"{client.name} {n}")
                sent[cid] = (note_id, n)
        except Exception:
            return  # the server died under us
        i += 1
        await asyncio.sleep(0.002)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.mark.rule("P6", "P17")
async def test_acknowledged_operations_survive_sigkill(db_url: str, tmp_path: Path) -> None:
    server = ServerProcess(db_url).start(log_path=tmp_path / "server.log")
    try:
        created = await create_workshop(server.url, "Crash test")
        clients = []
        for i in range(4):
            joined = await join(server.url, created["join_code"], f"p{i}")
            clients.append(await BoardClient(server.ws_url, created["id"], joined["token"], f"p{i}").connect())
        stop = asyncio.Event()
        sent: dict[str, tuple[str, int]] = {}
        tasks = [asyncio.create_task(stream(c, stop, sent)) for c in clients]
        await clients[0].wait_for(lambda: len(clients[0].acks) >= 40, "a stream of acks")
        server.kill()
        stop.set()
        await asyncio.gather(*tasks)
        acked = {c.name: dict(c.acks) for c in clients}
        for c in clients:
            await c.disconnect()
        assert sum(map(len, acked.values())) >= 40

        server.start(log_path=tmp_path / "server-after.log")
        stored = await read_map(server.url, created["id"], created["token"])
        notes = {n["id"]: n for n in stored["notes"]}
        max_acked = max(seq for a in acked.values() for seq in a.values())
        assert stored["head"] >= max_acked
        # every acked add is there, and every note's text is at least as new as its last acked update
        newest_acked: dict[str, int] = {}
        for a in acked.values():
            for cid in a:
                note_id, n = sent[cid]
                newest_acked[note_id] = max(newest_acked.get(note_id, 0), n)
        for note_id, n in newest_acked.items():
            assert note_id in notes, f"acknowledged note {note_id} lost"
            assert int(notes[note_id]["text"].split()[-1]) >= n, f"acknowledged edit {n} of {note_id} lost"
        # events are broadcast only after they are stored, so every note any client saw added must be there
        seen_adds = {
            e["data"]["id"]
            for c in clients
            for f in c.frames
            if f["type"] == "events"
            for e in f["events"]
            if e["op"] == "note.add"
        }
        assert seen_adds and seen_adds <= set(notes), f"lost: {sorted(seen_adds - set(notes))[:5]}"

        # reconnect with the same tokens, resend what was unacknowledged, and converge
        for c in clients:
            await c.connect(since=c.board.head)
            await c.resend_pending()
        for c in clients:
            await c.wait_for(lambda c=c: not c.pending, f"{c.name}'s resends answered")
        final = await read_map(server.url, created["id"], created["token"])
        for c in clients:
            await c.wait_head(final["head"])
            assert c.problems == []
            assert c.board.to_dict() == final
        # the sequence continues where it left off
        seq = await clients[0].do("note.add", id="afterrestart", kind="impact", text="after", x=0.0, y=0.0)
        assert seq == final["head"] + 1
        for c in clients:
            await c.disconnect()
    finally:
        server.stop()


@pytest.mark.rule("P17")
async def test_restart_keeps_workshops_tokens_notes_links_and_sequence(db_url: str, tmp_path: Path) -> None:
    server = ServerProcess(db_url).start(log_path=tmp_path / "server.log")
    try:
        created = await create_workshop(server.url, "Restart test", question="What changed?")
        joined = await join(server.url, created["join_code"], "Ana")
        ana = await BoardClient(server.ws_url, created["id"], joined["token"], "ana").connect()
        await ana.do("note.add", id="note0001", kind="impact", text="Policy changed", x=1.0, y=2.0)
        await ana.do("note.add", id="note0002", kind="activity", text="Briefings", x=3.0, y=4.0)
        await ana.do("link.add", id="link0001", source="note0002", target="note0001", label="leads to")
        before = await read_map(server.url, created["id"], created["token"])
        await ana.disconnect()
        server.stop()
        server.start(log_path=tmp_path / "server2.log")
        assert await read_map(server.url, created["id"], joined["token"]) == before
        await ana.connect(since=before["head"])
        seq = await ana.do("note.update", id="note0001", text="Policy changed, 2024")
        assert seq == before["head"] + 1
        fac = await BoardClient(server.ws_url, created["id"], created["token"], "fac").connect()
        assert fac.board.links["link0001"].label == "leads to"
        await fac.disconnect()
        await ana.disconnect()
    finally:
        server.stop()
