"""The load generator: N websocket clients in one room sending a workshop-like mix at an aggregate rate.

Runs as its own process (so its CPU is not the server's). The mix: ~70% drags of a few notes being moved at
once (every 15th position of a drag is its final `note.move`), 20% text edits, 10% adds (notes and links).
Every operation carries its send time (in the text, the label, or — for positions — in x), so receivers can
measure latency without a lookup. Most clients only count what they receive (a substring count, cheap);
`--observers` of them decode every frame and record latencies. Prints one JSON line of results.

    python -m bench.loadgen --target pathweaver --url ws://... --clients 200 --rate 300 --seconds 5 ...
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
import uvloop
import websockets

DRAGGERS = 5  # at least this many notes are dragged at once; more at high rates (people drag ~30 positions/s)
MAX_DRAGGERS = 40
DRAG_RATE = 30
MOVE_EVERY = 15  # a drag ends in a stored note.move this often
BASE_NOTES = 20
WRAP = 1_000_000.0  # positions carry the send time in ms modulo this (coordinates stay within limits)


def now_ms() -> float:
    return time.time() * 1000


@dataclass
class Client:
    index: int
    observer: bool
    ws: Any = None
    frames: int = 0
    events: int = 0  # stored events seen (pathweaver) or frames relayed (relay)
    drags: int = 0
    latencies: list[float] = field(default_factory=list)
    drag_latencies: list[float] = field(default_factory=list)
    ack_latencies: list[float] = field(default_factory=list)
    errors: int = 0
    sent_stored: int = 0
    sent: int = 0


def _latency_from_op(op: dict[str, Any], now: float) -> tuple[str, float] | None:
    name = op.get("op")
    data = op.get("data", op)
    if name in ("note.drag", "note.move"):
        return ("drag" if name == "note.drag" else "event"), (now % WRAP - data["x"]) % WRAP
    stamp = data.get("text") or data.get("label") or ""
    if stamp.startswith("t"):
        return "event", now - float(stamp[1:])
    return None


async def read(client: Client, target: str) -> None:
    async for raw in client.ws:
        client.frames += 1
        head = raw[:16]
        if target == "relay":
            client.events += 1
            if client.observer:
                found = _latency_from_op(orjson.loads(raw), now_ms())
                if found:
                    (client.drag_latencies if found[0] == "drag" else client.latencies).append(found[1])
            continue
        if '"type":"events"' in head:
            events = raw.count('"seq":')
            client.events += events
            # Drag positions of the same tick ride in the events frame; each event and each drag has one "by".
            client.drags += raw.count('"by":') - events
            if client.observer:
                now = now_ms()
                frame = orjson.loads(raw)
                for event in frame["events"]:
                    found = _latency_from_op(event, now)
                    if found:
                        client.latencies.append(found[1])
                client.drag_latencies.extend((now % WRAP - d["x"]) % WRAP for d in frame.get("drags", ()))
        elif '"type":"drags"' in head:
            client.drags += raw.count('"by":')
            if client.observer:
                now = now_ms()
                client.drag_latencies.extend((now % WRAP - d["x"]) % WRAP for d in orjson.loads(raw)["drags"])
        elif '"type":"ack"' in head:
            now = now_ms()
            for ack in orjson.loads(raw)["acks"]:
                client.ack_latencies.append(now - float(ack["cid"].rsplit("-", 1)[1]))
        elif '"type":"error"' in head:
            client.errors += 1


def make_op(rng: random.Random, clients: list[Client], counters: dict[str, int]) -> tuple[Client, dict[str, Any], bool]:
    """(sender, frame, whether the server stores it)."""
    ts = now_ms()
    roll = rng.random()
    if roll < 0.70:
        sender = clients[counters["drag"] % min(counters["draggers"], len(clients))]
        counters["drag"] += 1
        final = counters["drag"] % MOVE_EVERY == 0
        frame = {"op": "note.move" if final else "note.drag", "id": f"drag{sender.index:04}", "x": ts % WRAP, "y": 0.0}
        stored = final
    elif roll < 0.90:
        sender = rng.choice(clients)
        frame = {"op": "note.update", "id": f"base{rng.randrange(BASE_NOTES):04}", "text": f"t{ts:.3f}"}
        stored = True
    else:
        # A link joins the note added just before, from the same connection, so it always arrives after it.
        counters["add"] += 1
        sender = rng.choice(clients) if counters["add"] % 2 else clients[counters["last_add_owner"]]
        note_id = f"add{counters['tag']}-{sender.index:04}x{counters['add']:06}"
        if counters["add"] % 2:
            frame = {"op": "note.add", "id": note_id, "kind": "outcome", "text": f"t{ts:.3f}", "x": 0.0, "y": 0.0}
        else:
            frame = {
                "op": "link.add",
                "id": "l" + note_id,
                "source": f"base{rng.randrange(BASE_NOTES):04}",
                "target": f"add{counters['tag']}-{counters['last_add_owner']:04}x{counters['add'] - 1:06}",
                "label": f"t{ts:.3f}",
            }
        if counters["add"] % 2:
            counters["last_add_owner"] = sender.index
        stored = True
    if stored:
        frame["cid"] = f"{sender.index}.{sender.sent}-{ts:.3f}"
    return sender, frame, stored


async def run(args: argparse.Namespace) -> dict[str, Any]:
    tokens = args.tokens.split(",") if args.tokens else [""]
    clients = [Client(i, observer=i % max(1, args.clients // args.observers) == 0) for i in range(args.clients)]
    for c in clients:
        headers = {"Authorization": f"Bearer {tokens[c.index % len(tokens)]}"} if args.target == "pathweaver" else {}
        c.ws = await websockets.connect(
            args.url, additional_headers=headers, compression=None, max_size=2**24, max_queue=None, open_timeout=30
        )
    readers = [asyncio.create_task(read(c, args.target)) for c in clients]
    await asyncio.sleep(1.0)  # let welcome/snapshot traffic settle
    for c in clients:
        c.frames = c.events = c.drags = 0
        c.latencies.clear()
        c.drag_latencies.clear()
    rng = random.Random(args.seed)
    draggers = min(MAX_DRAGGERS, max(DRAGGERS, math.ceil(args.rate * 0.7 / DRAG_RATE)))
    counters = {"drag": 0, "add": 0, "last_add_owner": 0, "tag": args.tag, "draggers": draggers}
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    print("SEND_START", flush=True)
    start = time.perf_counter()
    sent_total = stored_total = 0
    interval = 0.01
    while (elapsed := time.perf_counter() - start) < args.seconds:
        while sent_total < args.rate * elapsed:  # keep to the rate however the event loop's timers fire
            sender, frame, stored = make_op(rng, clients, counters)
            sender.sent += 1
            sent_total += 1
            if stored:
                sender.sent_stored += 1
                stored_total += 1
            await sender.ws.send(orjson.dumps(frame).decode())
        next_tick = start + (int(elapsed / interval) + 1) * interval
        await asyncio.sleep(max(0.0, next_tick - time.perf_counter()))
    send_seconds = time.perf_counter() - start
    print("SEND_END", flush=True)
    # Wait (bounded) for everything to arrive everywhere.
    expected = stored_total if args.target == "pathweaver" else None
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        if args.target == "pathweaver":
            done = all(c.events >= expected for c in clients) and all(
                len(c.ack_latencies) >= c.sent_stored for c in clients
            )
        else:
            done = all(c.events >= sent_total - c.sent for c in clients)
        if done:
            break
        await asyncio.sleep(0.05)
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    for c in clients:
        await c.ws.close()
    for r in readers:
        r.cancel()
    generator_cpu = (usage1.ru_utime + usage1.ru_stime - usage0.ru_utime - usage0.ru_stime) / (
        time.perf_counter() - start
    )
    if args.target == "pathweaver":
        complete = all(c.events == expected for c in clients)
    else:
        complete = all(c.events == sent_total - c.sent for c in clients)
    latencies = sorted(x for c in clients for x in c.latencies)
    drag_latencies = sorted(x for c in clients for x in c.drag_latencies)
    acks = sorted(x for c in clients for x in c.ack_latencies)
    return {
        "sent": sent_total,
        "stored_sent": stored_total,
        "send_seconds": send_seconds,
        "frames_received": sum(c.frames for c in clients),
        "deliveries": sum(c.events for c in clients),
        "drag_deliveries": sum(c.drags for c in clients),
        "complete": complete,
        "errors": sum(c.errors for c in clients),
        "latency": summary(latencies),
        "drag_latency": summary(drag_latencies),
        "ack_latency": summary(acks),
        "generator_cpu": generator_cpu,
    }


def summary(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p99": None, "max": None, "n": 0}
    return {
        "p50": values[len(values) // 2],
        "p99": values[min(len(values) - 1, int(len(values) * 0.99))],
        "max": values[-1],
        "n": len(values),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=["pathweaver", "relay"], required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--tokens", default="")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--observers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tag", type=int, default=0, help="makes this run's note ids differ from earlier runs'")
    args = parser.parse_args()
    result = uvloop.run(run(args))
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
