"""A plenary-sized workshop, measured against a bare relay in the same run.

Starts the real server (uvicorn subprocess, SQLite, durable acks) and the bare relay (`bench.relay`), then
for each number of clients N and aggregate rate R runs the load generator (`bench.loadgen`, its own
process) against each and records: end-to-end latency (send → seen by other clients), ack latency, deliveries
and frames per second, server CPU (from /proc, also per 100,000 deliveries), server peak RSS, the
generator's own CPU (flagged when saturated), and whether every operation reached every client. For each N
it finds the highest R whose p99 stays at or under 100 ms for both, and their ratio. It also measures how
long a client joining a 2,000-note board waits for it, and the server memory per idle connection.

    .venv/bin/python -m bench.plenary                      # the full run (several minutes)
    .venv/bin/python -m bench.plenary --clients 5 --rates 20 --seconds 1 --quick   # a smoke run

Results go to bench/results/plenary.json and plenary.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
import websockets

from bench.loadgen import BASE_NOTES, MAX_DRAGGERS
from tests.support.client import BoardClient, create_workshop, join
from tests.support.server import LIMITS_LIFTED, ROOT, UNLIMITED_FRAMES, ServerProcess, free_port

RESULTS = ROOT / "bench" / "results"
TICKS = os.sysconf("SC_CLK_TCK")
P99_TARGET_MS = 100.0


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    """Until something accepts connections on the port (a busy machine starts processes slowly)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


_RUNS = itertools.count(1)


def run_load(
    target: str, url: str, tokens: list[str], clients: int, rate: float, seconds: float, server_pid: int
) -> dict[str, Any]:
    cmd = [
        sys.executable,
        "-m",
        "bench.loadgen",
        "--target",
        target,
        "--url",
        url,
        "--tokens",
        ",".join(tokens),
        "--clients",
        str(clients),
        "--rate",
        str(rate),
        "--seconds",
        str(seconds),
        "--tag",
        str(next(_RUNS)),  # each run adds notes under its own ids
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    cpu_start = wall_start = 0.0
    result: dict[str, Any] = {}
    for line in proc.stdout:
        if line.startswith("SEND_START"):
            cpu_start, wall_start = cpu_seconds(server_pid), time.perf_counter()
        elif line.startswith("SEND_END"):
            cpu_end, wall_end = cpu_seconds(server_pid), time.perf_counter()
        elif line.startswith("{"):
            result = orjson.loads(line)
    proc.wait(120)
    if proc.returncode != 0 or not result:
        raise RuntimeError(f"load generator failed ({proc.returncode}) for {target} N={clients} R={rate}")
    wall = wall_end - wall_start
    cpu = cpu_end - cpu_start
    deliveries = result["deliveries"] + result["drag_deliveries"]
    result.update(
        target=target,
        clients=clients,
        rate=rate,
        server_cpu=cpu / wall,
        server_cpu_per_100k=(cpu / deliveries * 100_000) if deliveries else None,
        deliveries_per_s=deliveries / result["send_seconds"],
        frames_per_s=result["frames_received"] / result["send_seconds"],
        server_peak_rss_mib=memory_kib(server_pid, "VmHWM") / 1024,
        generator_saturated=result["generator_cpu"] > 0.9,
    )
    return result


# Everything allowed, as in the open board, but every participant's new note private (rule P38).
PRIVATE_PLAN = [{"name": "On your own", "private": True}]


async def prepare_pathweaver(
    server: ServerProcess, participants: int, plan: list[dict[str, Any]] | None = None
) -> tuple[str, list[str]]:
    created = await create_workshop(server.url, "Plenary benchmark")
    tokens = [(await join(server.url, created["join_code"], f"p{i}"))["token"] for i in range(participants)]
    fac = await BoardClient(server.ws_url, created["id"], created["token"], "setup").connect()
    ids = [f"base{i:04}" for i in range(BASE_NOTES)] + [f"drag{i:04}" for i in range(MAX_DRAGGERS)]
    for note_id in ids:
        await fac.send("note.add", id=note_id, kind="outcome", text=note_id, x=0.0, y=0.0)
    if plan is not None:
        await fac.send("plan.set", phases=plan)
    await fac.wait_for(lambda: not fac.pending, "setup notes stored")
    await fac.disconnect()
    return f"{server.ws_url}/api/workshops/{created['id']}/ws", tokens


async def join_time(server: ServerProcess, notes: int, tries: int = 5) -> float:
    """Median milliseconds from opening a socket to holding a board of `notes` notes."""
    created = await create_workshop(server.url, "Big board")
    fac = await BoardClient(server.ws_url, created["id"], created["token"], "big").connect()
    for i in range(notes):
        await fac.send(
            "note.add",
            id=f"big{i:05}",
            kind="outcome",
            text=f"Note {i} about evidence and policy",
            x=float(i % 50) * 220,
            y=float(i // 50) * 150,
        )
        if i % 500 == 499:
            await fac.wait_for(lambda: not fac.pending, "a batch stored")
    await fac.wait_for(lambda: not fac.pending, "all stored")
    for i in range(notes // 2):
        await fac.send("link.add", id=f"lnk{i:05}", source=f"big{i:05}", target=f"big{i + 1:05}", label="leads to")
    await fac.wait_for(lambda: not fac.pending, "links stored")
    times = []
    url = f"{server.ws_url}/api/workshops/{created['id']}/ws"
    for i in range(tries):
        await fac.do("note.move", id="big00000", x=float(i), y=0.0)  # a changed board: no cached snapshot
        start = time.perf_counter()
        async with websockets.connect(
            url, additional_headers={"Authorization": f"Bearer {created['token']}"}, max_size=2**26, compression=None
        ) as ws:
            while '"type":"snapshot"' not in (await ws.recv())[:20]:
                pass
            times.append((time.perf_counter() - start) * 1000)
    await fac.disconnect()
    return sorted(times)[len(times) // 2]


async def idle_memory(server: ServerProcess, url: str, token: str, connections: int) -> float:
    """Server memory (KiB of RSS) per idle connection."""
    before = memory_kib(server.proc.pid, "VmRSS")  # type: ignore[union-attr]
    sockets = []
    for _ in range(connections):
        sockets.append(
            await websockets.connect(
                url, additional_headers={"Authorization": f"Bearer {token}"}, compression=None, max_size=2**24
            )
        )
    await asyncio.sleep(2)
    after = memory_kib(server.proc.pid, "VmRSS")  # type: ignore[union-attr]
    for ws in sockets:
        await ws.close()
    return (after - before) / connections


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def table(steps: list[dict[str, Any]]) -> str:
    rows = [
        "| system | N | R ops/s | p50 / p99 / max ms | drag p99 ms | ack p50 / p99 ms | deliveries/s | frames/s | "
        "server CPU | CPU s per 100k deliveries | peak RSS MiB | generator CPU | all delivered |",
        "|---|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for s in steps:
        lat, ack = s["latency"], s["ack_latency"]
        rows.append(
            f"| {s['target']} | {s['clients']} | {s['rate']:g} | {fmt(lat['p50'])} / {fmt(lat['p99'])} / "
            f"{fmt(lat['max'])} | {fmt(s['drag_latency']['p99'])} | {fmt(ack['p50'])} / {fmt(ack['p99'])} | "
            f"{s['deliveries_per_s']:,.0f} | {s['frames_per_s']:,.0f} | {s['server_cpu']:.0%} | "
            f"{fmt(s['server_cpu_per_100k'], 2)} | {s['server_peak_rss_mib']:.0f} | {s['generator_cpu']:.0%}"
            f"{' (saturated)' if s['generator_saturated'] else ''} | {'yes' if s['complete'] else '**no**'} |"
        )
    return "\n".join(rows)


def meets_target(step: dict[str, Any]) -> bool:
    p99 = step["latency"]["p99"]
    return step["complete"] and p99 is not None and p99 <= P99_TARGET_MS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="200,500,1000")
    parser.add_argument("--rates", default="50,100,200,300,500,800")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the join-time and idle-memory measurements")
    parser.add_argument("--extras-only", action="store_true", help="only the join-time and idle-memory measurements")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument(
        "--privacy",
        action="store_true",
        help="only: server CPU per delivery in a private phase against an open one (--privacy-clients, --privacy-rate)",
    )
    parser.add_argument("--privacy-clients", type=int, default=200)
    parser.add_argument("--privacy-rate", type=float, default=200)
    args = parser.parse_args()
    if args.privacy:
        privacy_comparison(args)
        return
    client_counts = [int(n) for n in args.clients.split(",")]
    rates = [float(r) for r in args.rates.split(",")]

    steps: list[dict[str, Any]] = []
    extras: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(f"sqlite:///{folder}/plenary.db", extra_env=LIMITS_LIFTED).start(
            log_path=Path(folder) / "server.log"
        )
        relay_port = free_port()
        relay = subprocess.Popen(
            [sys.executable, "-m", "bench.relay", "--port", str(relay_port)], cwd=ROOT, stdout=subprocess.DEVNULL
        )
        wait_for_port(relay_port)
        try:
            pw_url, tokens = asyncio.run(prepare_pathweaver(server, participants=20))
            assert server.proc is not None
            for n in [] if args.extras_only else client_counts:
                for target, url, pid in (
                    ("relay", f"ws://127.0.0.1:{relay_port}/room", relay.pid),
                    ("pathweaver", pw_url, server.proc.pid),
                ):
                    for rate in rates:
                        step = run_load(target, url, tokens, n, rate, args.seconds, pid)
                        steps.append(step)
                        print(table([step]).splitlines()[-1], flush=True)
                        if not meets_target(step):
                            break  # higher rates only get worse
        finally:
            relay.terminate()
            relay.wait(10)
            server.stop()
        if not args.quick:
            # On a fresh server, so that memory freed by the load steps does not hide what connections cost.
            fresh = ServerProcess(f"sqlite:///{folder}/fresh.db", extra_env=UNLIMITED_FRAMES)
            fresh.start(log_path=Path(folder) / "fresh.log")
            try:
                url, tokens = asyncio.run(prepare_pathweaver(fresh, participants=1))
                extras["idle_kib_per_connection"] = asyncio.run(idle_memory(fresh, url, tokens[0], 1000))
                extras["join_2000_notes_ms"] = asyncio.run(join_time(fresh, 2000))
            finally:
                fresh.stop()

    best: dict[int, dict[str, float]] = {}
    for n in client_counts:
        for target in ("relay", "pathweaver"):
            ok = [s["rate"] for s in steps if s["clients"] == n and s["target"] == target and meets_target(s)]
            best.setdefault(n, {})[target] = max(ok, default=0.0)
    lines = [
        f"Machine: {os.cpu_count()} cores, load generator on the same machine; {args.seconds:g} s per step.",
        "",
        table(steps),
        "",
        "| N | relay: highest R with p99 ≤ 100 ms | Pathweaver | ratio Pathweaver / relay |",
        "|---:|---:|---:|---:|",
    ]
    for n, b in best.items():
        ratio = b["pathweaver"] / b["relay"] if b["relay"] else float("nan")
        lines.append(f"| {n} | {b['relay']:g} | {b['pathweaver']:g} | {ratio:.2f} |")
    if extras:
        lines += [
            "",
            f"A client joining a 2,000-note board (1,000 links) holds it after "
            f"{extras['join_2000_notes_ms']:.0f} ms (median of 5).",
            f"Server memory per idle connection (1,000 idle participants): "
            f"{extras['idle_kib_per_connection']:.0f} KiB.",
        ]
    report = "\n".join(lines) + "\n"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "plenary.json").write_bytes(
        orjson.dumps(
            {"steps": steps, "best": {str(n): b for n, b in best.items()}, **extras}, option=orjson.OPT_INDENT_2
        )
    )
    (out / "plenary.md").write_text(report)
    print("\n" + report)


def privacy_comparison(args: argparse.Namespace) -> None:
    """The same load on an open board and in a private phase (every new note private to its author until a
    reveal, so frames differ per recipient): server CPU per 100,000 deliveries, each on a fresh server."""
    steps = []
    with tempfile.TemporaryDirectory() as folder:
        for name, plan in (("open", None), ("private", PRIVATE_PLAN)):
            server = ServerProcess(f"sqlite:///{folder}/{name}.db", extra_env=LIMITS_LIFTED)
            server.start(log_path=Path(folder) / f"{name}.log")
            try:
                url, tokens = asyncio.run(prepare_pathweaver(server, participants=20, plan=plan))
                assert server.proc is not None
                step = run_load(
                    "pathweaver", url, tokens, args.privacy_clients, args.privacy_rate, args.seconds, server.proc.pid
                )
                steps.append({**step, "phase": name})
            finally:
                server.stop()
    lines = [
        f"Machine: {os.cpu_count()} cores, load generator on the same machine; {args.seconds:g} s per step; "
        f"N = {args.privacy_clients}, R = {args.privacy_rate:g} operations/s.",
        "",
        "| phase | deliveries/s | server CPU | CPU s per 100k deliveries | e2e p50 / p99 ms | all delivered |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for s in steps:
        lines.append(
            f"| {s['phase']} | {s['deliveries_per_s']:,.0f} | {s['server_cpu']:.0%} | "
            f"{fmt(s['server_cpu_per_100k'], 2)} | {fmt(s['latency']['p50'])} / {fmt(s['latency']['p99'])} | "
            f"{'yes' if s['complete'] else 'NO'} |"
        )
    report = "\n".join(lines) + "\n"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "privacy.json").write_bytes(orjson.dumps(steps, option=orjson.OPT_INDENT_2))
    (out / "privacy.md").write_text(report)
    print("\n" + report)


if __name__ == "__main__":
    main()
