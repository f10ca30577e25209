"""Nothing acknowledged is lost: SIGKILL the server mid-stream, restart it, check every acked operation."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets

from server.board.model import Event
from server.storage import open_storage
from tests.support.client import BoardClient, create_workshop, join, read_map
from tests.support.databases import BACKENDS, database_url
from tests.support.server import UNLIMITED_FRAMES, ServerProcess


async def stream(client: BoardClient, stop: asyncio.Event, sent: dict[str, tuple[str, int]]) -> None:
    """Add notes and keep rewriting their text with a rising counter, without waiting for acks, until `stop`."""
    i = 0
    while not stop.is_set():
        note_id = f"{client.name}n{i:04}"
        try:
            for n in range(4):
                cid = client.new_cid()
                sent[cid] = (note_id, n)  # before sending: a send the kill interrupts may still have gone out
                if n == 0:
                    text = f"{client.name} 0"
                    await client.send("note.add", cid=cid, id=note_id, kind="outcome", text=text, x=float(i), y=0.0)
                else:
                    await client.send("note.update", cid=cid, id=note_id, text=f"{client.name} {n}")
        except websockets.ConnectionClosed:
            if stop.is_set():
                return  # the server was killed under us, as the test intends
            raise
        i += 1
        await asyncio.sleep(0.002)


RESEND_RUN = 150  # fewer than the frames a room holds for one connection while storage settles ids


def stored_events(db_url: str, workshop_id: str) -> list[Event]:
    """Every event the database holds for the workshop, in order."""
    storage = open_storage(db_url)
    try:
        return storage.events_since(workshop_id, 0, limit=1_000_000)
    finally:
        storage.close()


def content(op: str, data: dict[str, Any]) -> tuple[str, str, str | None]:
    """What identifies one of `stream`'s operations in the event it became: every text it writes is unique."""
    return op, data["id"], data.get("text")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.mark.rule("P6", "P17")
async def test_acknowledged_operations_survive_sigkill(db_url: str, tmp_path: Path) -> None:
    # A scripted stream far faster than people type: lift the per-connection frame limit.
    server = ServerProcess(db_url, extra_env=UNLIMITED_FRAMES).start(log_path=tmp_path / "server.log")
    try:
        created = await create_workshop(server.url, "Crash test")
        clients = []
        for i in range(4):
            joined = await join(server.url, created["join_code"], f"p{i}")
            clients.append(await BoardClient(server.ws_url, created["id"], joined["token"], f"p{i}").connect())
        stop = asyncio.Event()
        sent: dict[str, tuple[str, int]] = {}
        tasks = [asyncio.create_task(stream(c, stop, sent)) for c in clients]
        await clients[0].wait_for(
            lambda: len(clients[0].acks) >= 40 and any(c.pending for c in clients), "a stream of acks, more in flight"
        )
        # Sent but not yet acknowledged when the server dies: nothing runs between this line and the kill.
        in_flight = {c.name: list(c.pending) for c in clients}
        server.kill()
        stop.set()
        await asyncio.gather(*tasks)
        assert sum(map(len, in_flight.values())) > 0, "operations must be in flight at the kill"
        for c in clients:
            assert c.errors == [], f"{c.name} was refused: {c.errors[:3]}"
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

        # Reconnect with the same tokens and resend every operation ever sent, acknowledged or not, in order — in
        # runs a room may hold while storage settles their ids (RoomSettings.max_held_frames), as thousands of
        # resends at once are refused with rate_limited by design.
        for c in clients:
            await c.connect(since=c.board.head)
            c.acks.clear()
        for c in clients:
            resends = list(c.sent.items())
            for start in range(0, len(resends), RESEND_RUN):
                run = resends[start : start + RESEND_RUN]
                for _, raw in run:
                    await c.send_raw(raw)
                cids = {cid for cid, _ in run}
                await c.wait_for(lambda c=c, cids=cids: c.errors or cids <= c.acks.keys(), f"{c.name}'s resends")
            assert c.errors == [], f"{c.name}'s resends were refused: {c.errors[:3]}"
            assert c.sent.keys() <= c.acks.keys()
        final = await read_map(server.url, created["id"], created["token"])
        for c in clients:
            await c.wait_head(final["head"])
            assert c.problems == []
            assert c.board.to_dict() == final
        # Each operation became exactly one event, and its resend was acknowledged with that event's seq: the
        # original one when it was acknowledged (or stored unacknowledged) before the kill, a new one otherwise.
        # The stored log, not the frames the clients kept: a kill between commit and broadcast leaves events no
        # client was sent (a reconnect after the restart gets a snapshot for them, rule P22).
        log = stored_events(db_url, created["id"])
        assert [e.seq for e in log] == list(range(1, final["head"] + 1)), "the stored log has a gap"
        for c in clients:
            for f in c.frames:
                for e in f["events"] if f["type"] == "events" else ():
                    stored_event = log[e["seq"] - 1]
                    assert (e["op"], e["data"]) == (stored_event.op, stored_event.data), f"event {e['seq']} differs"
        seqs_of: dict[tuple[str, str, str | None], list[int]] = {}
        for e in log:
            if e.op.startswith("note."):
                seqs_of.setdefault(content(e.op, e.data), []).append(e.seq)
        stored_unacked = 0
        for c in clients:
            for cid in c.sent:
                note_id, n = sent[cid]
                op = "note.update" if n else "note.add"
                key = content(op, {"id": note_id, "text": f"{c.name} {n}"})
                assert seqs_of.get(key) == [c.acks[cid]], f"{c.name} {op} {key}: events {seqs_of.get(key)}"
                if cid in acked[c.name]:
                    assert c.acks[cid] == acked[c.name][cid], f"{cid} acknowledged again with a new seq"
                elif c.acks[cid] <= stored["head"]:
                    stored_unacked += 1
        print(f"in flight at the kill: {sum(map(len, in_flight.values()))}, of which stored: {stored_unacked}")
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
