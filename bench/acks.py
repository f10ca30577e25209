"""Acknowledged operations per second: N clients on one board, each keeping a window of operations in flight.

Starts the real server (uvicorn subprocess, SQLite in a temporary folder, durable acks) and measures how
many operations per second come back acknowledged (= stored), with ack latency percentiles. It checks that
every acknowledged operation reached every client (each client records the sequence numbers it receives),
and exits non-zero when one did not. In the same run
it measures the baseline that group commit exists to beat: the same events appended to the same kind of
storage one transaction per event, as a server that committed each operation on its own would have to.

    .venv/bin/python -m bench.acks [--clients 20] [--ops 200] [--window 20]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import websockets

from server.board.model import Event
from server.storage.sql import SqlStorage
from server.workshops import create_workshop
from tests.support.client import create_workshop as http_create_workshop
from tests.support.client import join
from tests.support.server import UNLIMITED_FRAMES, ServerProcess

SEQ = re.compile(r'"seq":(\d+)')


@dataclass
class Deliveries:
    """What was acknowledged to anyone, and what reached each client, to check that every ack reached everyone."""

    clients: int
    acked: set[int] = field(default_factory=set)
    seen: dict[str, set[int]] = field(default_factory=dict)
    finished: list[float] = field(default_factory=list)  # when each client had all its own acks
    all_acked: asyncio.Event = field(default_factory=asyncio.Event)

    def missing(self) -> int:
        """(client, acknowledged operation) pairs where the client never received the operation's event."""
        return sum(len(self.acked - seen) for seen in self.seen.values())


async def run_client(
    ws_url: str,
    workshop_id: str,
    token: str,
    name: str,
    ops: int,
    window: int,
    connected: asyncio.Barrier,
    deliveries: Deliveries,
) -> list[float]:
    latencies: list[float] = []
    sent_at: dict[str, float] = {}
    seen = deliveries.seen[name] = set()
    url = f"{ws_url}/api/workshops/{workshop_id}/ws"
    async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"}, compression=None) as ws:
        slots = asyncio.Semaphore(window)
        done = asyncio.Event()

        async def reader() -> None:
            async for raw in ws:
                if '"type":"events"' in raw[:20]:
                    seen.update(int(seq) for seq in SEQ.findall(raw))  # a regex, not a decode: keep the reader cheap
                    continue
                if '"type":"ack"' not in raw[:20]:
                    continue
                now = time.perf_counter()
                for ack in orjson.loads(raw)["acks"]:
                    latencies.append(now - sent_at.pop(ack["cid"]))
                    deliveries.acked.add(ack["seq"])
                    slots.release()
                if len(latencies) == ops:
                    done.set()

        task = asyncio.create_task(reader())
        await connected.wait()  # nobody sends before everyone is there to receive it
        for i in range(ops):
            await slots.acquire()
            cid = f"{name}-{i}"
            note_id = f"{name}n{i // 4:05}"
            if i % 4 == 0:
                frame = {"op": "note.add", "cid": cid, "id": note_id, "kind": "outcome", "text": "idea", "x": 1, "y": 2}
            else:
                frame = {"op": "note.update", "cid": cid, "id": note_id, "text": f"idea, revised {i}"}
            sent_at[cid] = time.perf_counter()
            await ws.send(orjson.dumps(frame).decode())
        await done.wait()
        deliveries.finished.append(time.perf_counter())
        if len(deliveries.finished) == deliveries.clients:
            deliveries.all_acked.set()
        await deliveries.all_acked.wait()
        # Each event goes out before its ack, but may still be on its way to this client: wait for it (bounded).
        deadline = time.perf_counter() + 10
        while not deliveries.acked <= seen and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return latencies


async def measure_server(clients: int, ops: int, window: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        # A closed loop as fast as acks return: lift the per-connection frame limit meant for people.
        server = ServerProcess(f"sqlite:///{folder}/bench.db", extra_env=UNLIMITED_FRAMES)
        server.start(log_path=Path(folder) / "server.log")
        try:
            created = await http_create_workshop(server.url, "Benchmark")
            tokens = [(await join(server.url, created["join_code"], f"c{i}"))["token"] for i in range(clients)]
            connected = asyncio.Barrier(clients)
            deliveries = Deliveries(clients)
            start = time.perf_counter()
            results = await asyncio.gather(
                *(
                    run_client(server.ws_url, created["id"], t, f"c{i}", ops, window, connected, deliveries)
                    for i, t in enumerate(tokens)
                )
            )
            elapsed = max(deliveries.finished) - start
        finally:
            server.stop()
    lat = sorted(x for r in results for x in r)
    return {
        "ops_per_s": len(lat) / elapsed,
        "p50_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[int(0.99 * (len(lat) - 1))],
        "acked": len(deliveries.acked),
        "undelivered": deliveries.missing(),
    }


def measure_one_commit_per_event(events: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        storage = SqlStorage(f"sqlite:///{folder}/baseline.db")
        created = create_workshop(storage, b"k", "Baseline", "?")
        start = time.perf_counter()
        for seq in range(1, events + 1):
            data = {"id": f"n{seq:06}", "text": "idea, revised", "version": 2, "updated_at": 0}
            storage.append(
                created.workshop.id, [Event(seq=seq, op="note.update", by="p", at=0, data=data, cid=f"c{seq}")]
            )
        elapsed = time.perf_counter() - start
        storage.close()
    return {"ops_per_s": events / elapsed, "p50_ms": float("nan"), "p99_ms": float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--ops", type=int, default=200, help="operations per client")
    parser.add_argument("--window", type=int, default=20, help="unacknowledged operations per client")
    args = parser.parse_args()
    total = args.clients * args.ops
    server = asyncio.run(measure_server(args.clients, args.ops, args.window))
    baseline = measure_one_commit_per_event(min(total, 2000))
    print(f"{args.clients} clients x {args.ops} operations, window {args.window}, SQLite, durable acks\n")
    print("| measured | acked ops/s | ack p50 ms | ack p99 ms |")
    print("|---|---:|---:|---:|")
    ops, p50, p99 = server["ops_per_s"], server["p50_ms"], server["p99_ms"]
    print(f"| Pathweaver server (group commit, 30 ticks/s) | {ops:,.0f} | {p50:.1f} | {p99:.1f} |")
    print(f"| baseline: storage alone, one commit per event | {baseline['ops_per_s']:,.0f} | – | – |")
    print(f"\nratio server / one-commit-per-event baseline: {server['ops_per_s'] / baseline['ops_per_s']:.1f}x")
    acked, undelivered = int(server["acked"]), int(server["undelivered"])
    if acked != total or undelivered:
        print(f"\n**FAILED**: {acked:,} of {total:,} operations acknowledged; {undelivered:,} deliveries missing")
        sys.exit(1)
    print(f"every acknowledged operation ({acked:,}) reached all {args.clients} clients")


if __name__ == "__main__":
    main()
