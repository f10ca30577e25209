"""A long, steady workshop: does the server's memory stay flat once the board stops growing?

Starts the real server (uvicorn subprocess, SQLite in a temporary folder unless `--database-url` says
otherwise) and, in its own process, a load generator: P participants, each on their own websocket and
keeping their own copy of the board, send R stored operations a second in all (adds, edits, moves, links,
deletes), with adds and deletes balanced so the board holds at about `--notes` notes once it has grown there.
Every `--reconnect-every` seconds a tenth of the clients drop their socket, reconnect with `since` and
resend what was not yet acknowledged, as a real client does. Prints the server's resident memory every
`--sample-every` seconds, then whether it stayed within 10 % once the board stopped growing, and whether
every client's board equals the map the server stored. Exits non-zero when a client's board differs or an
operation was never answered.

    .venv/bin/python -m bench.soak                          # 30 minutes, 50 participants, 100 ops/s, ~1,000 notes
    .venv/bin/python -m bench.soak --seconds 5 --participants 4 --rate 20 --notes 30 --sample-every 1   # smoke
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import websockets

from bench.plenary import memory_kib
from server.board.model import Board, Event
from tests.support.client import create_workshop, join
from tests.support.server import ROOT, ServerProcess

FLAT_WITHIN = 0.10  # memory may vary this much once the board stopped growing
PARTS = {"anon": "RssAnon", "file": "RssFile", "shmem": "RssShmem"}  # fields of /proc/PID/status
SETTLE_SECONDS = 60.0  # after the board reaches its size, caches (catch-up window, snapshots) fill: then compare


def digest(board: dict[str, Any]) -> str:
    """A fingerprint of a board snapshot: equal boards, equal fingerprints."""
    return hashlib.sha256(orjson.dumps(board, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


# -- the load generator (its own process) -------------------------------------------------------------------


@dataclass
class SoakClient:
    """One participant: a socket, its own board built from what it receives, and its unanswered operations."""

    index: int
    url: str
    token: str
    board: Board | None = None
    ws: Any = None
    reader: asyncio.Task[None] | None = None
    pending: dict[str, str] = field(default_factory=dict)  # cid -> frame, until acked or refused
    sent: int = 0
    acked: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def connect(self) -> None:
        since = f"?since={self.board.head}" if self.board is not None else ""
        self.ready.clear()
        self.ws = await websockets.connect(
            self.url + since,
            additional_headers={"Authorization": f"Bearer {self.token}"},
            compression=None,
            max_size=2**26,
            max_queue=None,
            open_timeout=60,
        )
        self.reader = asyncio.create_task(self._read(self.ws))
        for raw in list(self.pending.values()):  # what the last connection left unanswered: resend (rule P7)
            await self.ws.send(raw)

    async def disconnect(self) -> None:
        self.ready.clear()
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait([self.reader], timeout=10)

    async def _read(self, ws: Any) -> None:
        try:
            async for raw in ws:
                self._handle(orjson.loads(raw))
        except websockets.ConnectionClosed:
            pass

    def _handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "snapshot":
            self.board = Board.from_dict(frame["board"])
        elif kind == "events":
            assert self.board is not None
            for e in frame["events"]:
                if e["seq"] <= self.board.head:
                    continue
                if e["seq"] != self.board.head + 1:
                    self.problems.append(f"gap: event {e['seq']} after head {self.board.head}")
                    continue
                self.board.apply(Event(seq=e["seq"], op=e["op"], by=e["by"], at=e["at"], data=e["data"]))
        elif kind == "ack":
            for a in frame["acks"]:
                if self.pending.pop(a["cid"], None) is not None:
                    self.acked += 1
        elif kind == "error":
            self.refused[frame["code"]] = self.refused.get(frame["code"], 0) + 1
            if frame.get("cid"):
                self.pending.pop(frame["cid"], None)
        if self.board is not None and kind in ("snapshot", "events", "welcome"):
            self.ready.set()

    async def send(self, frame: dict[str, Any]) -> None:
        self.sent += 1
        frame["cid"] = f"s{self.index}-{self.sent}"
        raw = orjson.dumps(frame).decode()
        self.pending[frame["cid"]] = raw
        await self.ws.send(raw)


def next_op(rng: random.Random, board: Board, target_notes: int, tag: str) -> dict[str, Any]:
    """A workshop-like operation chosen from what this client sees; adds and deletes balance at the target."""
    notes = list(board.notes)
    # Three in ten operations add or delete a note: all adds while the board grows, then as many deletes as
    # adds (more deletes when it overshoots: deletes racing each other are refused, adds never are).
    adds = 0.30 if len(notes) < target_notes else 0.15 if len(notes) < 1.05 * target_notes else 0.05
    roll = rng.random()
    new_id = f"{tag}{rng.getrandbits(48):012x}"
    if not notes or roll < adds:
        return {"op": "note.add", "id": new_id, "kind": "outcome", "text": "an idea", "x": rng.uniform(0, 4000), "y": 0}
    if roll < 0.30:
        return {"op": "note.delete", "id": rng.choice(notes)}
    if roll < 0.60:
        return {"op": "note.update", "id": rng.choice(notes), "text": f"revised {rng.random():.6f}"}
    if roll < 0.80:
        return {"op": "note.move", "id": rng.choice(notes), "x": rng.uniform(0, 4000), "y": rng.uniform(0, 3000)}
    links = list(board.links)
    if roll < 0.90 or not links:
        return {"op": "link.add", "id": "l" + new_id, "source": rng.choice(notes), "target": rng.choice(notes)}
    if roll < 0.95:
        return {"op": "link.update", "id": rng.choice(links), "label": f"because {rng.random():.4f}"}
    return {"op": "link.delete", "id": rng.choice(links)}


def progress(clients: list[SoakClient], started: float) -> dict[str, Any]:
    boards = [c.board for c in clients if c.board is not None]
    largest = max(boards, key=lambda b: b.head) if boards else None
    return {
        "t": round(time.monotonic() - started, 1),
        "head": largest.head if largest else 0,
        "notes": len(largest.notes) if largest else 0,
        "links": len(largest.links) if largest else 0,
        "sent": sum(c.sent for c in clients),
        "acked": sum(c.acked for c in clients),
    }


async def generate(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    clients = [SoakClient(i, args.url, token) for i, token in enumerate(args.tokens.split(","))]
    for c in clients:
        await c.connect()
    await asyncio.gather(*(asyncio.wait_for(c.ready.wait(), 60) for c in clients))
    started = time.monotonic()
    sent = 0
    reconnecting: set[int] = set()
    next_reconnect = started + args.reconnect_every
    next_report = started + args.report_every
    turn = 0

    async def reconnect(client: SoakClient) -> None:
        await client.disconnect()
        await client.connect()
        reconnecting.discard(client.index)

    tasks: set[asyncio.Task[None]] = set()
    print(orjson.dumps({"progress": progress(clients, started)}).decode(), flush=True)
    while (now := time.monotonic()) - started < args.seconds:
        while sent < args.rate * (now - started):
            client = clients[rng.randrange(len(clients))]
            if client.index in reconnecting or client.board is None or not client.ready.is_set():
                continue  # offline for a moment: someone else acts (a tenth of the room at most is away)
            await client.send(next_op(rng, client.board, args.notes, f"c{client.index}x"))
            sent += 1
        if now >= next_reconnect:
            next_reconnect += args.reconnect_every
            share = max(1, round(len(clients) * args.reconnect_share))
            for _ in range(share):
                client = clients[turn % len(clients)]
                turn += 1
                if client.index not in reconnecting:
                    reconnecting.add(client.index)
                    task = asyncio.create_task(reconnect(client))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
        if now >= next_report:
            next_report += args.report_every
            print(orjson.dumps({"progress": progress(clients, started)}).decode(), flush=True)
        await asyncio.sleep(0.01)
    await asyncio.gather(*tasks)
    # Quiet: wait (bounded) until every operation is answered and every client holds the same head.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        heads = {c.board.head for c in clients if c.board is not None}
        if not any(c.pending for c in clients) and len(heads) == 1:
            break
        await asyncio.sleep(0.1)
    result = {
        "progress": progress(clients, started),
        "unanswered": sum(len(c.pending) for c in clients),
        "refused": {code: sum(c.refused.get(code, 0) for c in clients) for c in clients for code in c.refused},
        "problems": [p for c in clients for p in c.problems][:10],
        "boards": [digest(c.board.to_dict()) if c.board else None for c in clients],
        "heads": [c.board.head if c.board else None for c in clients],
    }
    for c in clients:
        await c.disconnect()
    return result


# -- the run: server, generator, memory samples -------------------------------------------------------------


async def prepare(server: ServerProcess, participants: int) -> tuple[str, str, list[str]]:
    created = await create_workshop(server.url, "Soak")
    tokens = [(await join(server.url, created["join_code"], f"p{i}"))["token"] for i in range(participants)]
    return created["id"], f"{server.ws_url}/api/workshops/{created['id']}/ws", tokens


def stored_board(database_url: str, workshop_id: str) -> dict[str, Any]:
    from server.storage import open_storage

    storage = open_storage(database_url)
    try:
        stored = storage.load_board(workshop_id)
        assert stored is not None
        return stored.board.to_dict()
    finally:
        storage.close()


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02}"


def soak(args: argparse.Namespace, folder: str) -> int:
    database_url = args.database_url or f"sqlite:///{folder}/soak.db"
    server = ServerProcess(database_url).start(log_path=Path(folder) / "server.log")
    assert server.proc is not None
    pid = server.proc.pid
    try:
        workshop_id, url, tokens = asyncio.run(prepare(server, args.participants))
        command = [
            sys.executable,
            "-m",
            "bench.soak",
            "--generate",
            "--url",
            url,
            "--tokens",
            ",".join(tokens),
            *("--seconds", str(args.seconds), "--rate", str(args.rate), "--notes", str(args.notes)),
            *("--reconnect-every", str(args.reconnect_every), "--reconnect-share", str(args.reconnect_share)),
            *("--report-every", str(min(5.0, args.sample_every)), "--seed", str(args.seed)),
        ]
        generator = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        latest: dict[str, Any] = {}
        result: dict[str, Any] = {}

        def follow() -> None:
            assert generator.stdout is not None
            for line in generator.stdout:
                message = orjson.loads(line)
                latest.update(message["progress"])
                if "boards" in message:
                    result.update(message)

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()
        samples: list[dict[str, Any]] = []
        full_at: float | None = None
        start = time.monotonic()
        print(
            f"{'time':>6} {'server RSS MiB':>15} {'anon':>7} {'file':>6} {'shmem':>6} "
            f"{'notes':>6} {'links':>6} {'head':>9} {'acked':>9}",
            flush=True,
        )
        while generator.poll() is None:
            elapsed = time.monotonic() - start
            sample = {
                "t": elapsed,
                "rss_mib": memory_kib(pid, "VmRSS") / 1024,
                # Where it is: the heap (anonymous), mapped files (libraries, SQLite's mmap), shared memory (WAL index).
                **{part: memory_kib(pid, field) / 1024 for part, field in PARTS.items()},
                **{k: latest.get(k, 0) for k in ("notes", "links", "head", "acked")},
            }
            samples.append(sample)
            if full_at is None and sample["notes"] >= 0.95 * args.notes:
                full_at = elapsed
            print(
                f"{minutes(elapsed):>6} {sample['rss_mib']:>15.1f} {sample['anon']:>7.1f} {sample['file']:>6.1f} "
                f"{sample['shmem']:>6.1f} {sample['notes']:>6} {sample['links']:>6} "
                f"{sample['head']:>9,} {sample['acked']:>9,}",
                flush=True,
            )
            deadline = time.monotonic() + args.sample_every
            while generator.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
        reader.join(30)
        if generator.returncode != 0 or not result:
            print(f"the load generator failed ({generator.returncode})", file=sys.stderr)
            return 2
        final = {"t": time.monotonic() - start, "rss_mib": memory_kib(pid, "VmRSS") / 1024, **result["progress"]}
        samples.append(final)
    finally:
        server.stop()  # a clean stop: every accepted change is committed
    stored = stored_board(database_url, workshop_id)
    equal = all(d == digest(stored) for d in result["boards"])
    print()
    print(
        f"{args.participants} participants, {args.rate:g} stored ops/s for {minutes(args.seconds)}, board held at "
        f"~{args.notes:,} notes, {args.reconnect_share:.0%} of clients reconnecting every {args.reconnect_every:g} s"
    )
    print(
        f"sent {final['sent']:,}, acknowledged {final['acked']:,}, refused {sum(result['refused'].values()):,} "
        f"{result['refused'] or ''}, unanswered {result['unanswered']}; stored head {stored['head']:,}, "
        f"{len(stored['notes']):,} notes, {len(stored['links']):,} links"
    )
    settled = [s for s in samples if full_at is not None and s["t"] >= full_at + min(SETTLE_SECONDS, args.seconds / 4)]
    if len(settled) >= 2:
        base, last = settled[0], settled[-1]
        growth = (last["rss_mib"] - base["rss_mib"]) / base["rss_mib"]
        ops = max(1, last["head"] - base["head"])
        per_op = (last["rss_mib"] - base["rss_mib"]) * 1024 * 1024 / ops
        peak = max(s["rss_mib"] for s in settled)
        print(
            f"memory once the board stopped growing: {base['rss_mib']:.1f} MiB at {minutes(base['t'])} -> "
            f"{last['rss_mib']:.1f} MiB at {minutes(last['t'])} (peak {peak:.1f}), {growth:+.1%}, "
            f"{per_op:+,.0f} bytes per stored operation over {ops:,} operations"
        )
        print(f"memory flat within {FLAT_WITHIN:.0%}: {'yes' if abs(growth) <= FLAT_WITHIN else 'no'}")
    else:
        print("memory flat: not measured (the board did not reach its size long enough before the end)")
    if result["problems"]:
        print(f"client problems: {result['problems']}")
    print(f"every client equals the stored map: {'yes' if equal and not result['problems'] else 'no'}")
    print(f"every operation answered: {'yes' if result['unanswered'] == 0 else 'no'}")
    return 0 if equal and not result["problems"] and result["unanswered"] == 0 else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1800)
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--rate", type=float, default=100, help="stored operations a second, all clients together")
    parser.add_argument("--notes", type=int, default=1000, help="the board grows to about this many notes, then holds")
    parser.add_argument("--reconnect-every", type=float, default=10)
    parser.add_argument("--reconnect-share", type=float, default=0.1)
    parser.add_argument("--sample-every", type=float, default=30)
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    parser.add_argument("--report-every", type=float, default=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        result = asyncio.run(generate(args))
        sys.stdout.write(orjson.dumps(result).decode() + "\n")
        return
    with tempfile.TemporaryDirectory() as folder:
        sys.exit(soak(args, folder))


if __name__ == "__main__":
    main()
