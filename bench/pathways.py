"""How long GET /api/workshops/{id}/pathways (rule P54) takes on a large map, from a real server.

The generated map (tests/support/maps.py) is imported as a JSON export (without evidence on its links: with it,
5,000 notes are more JSON values than an import may hold; grades change the order, not the search), and the
endpoint is asked: on a map it has not seen (the search), on the same map again (kept), and on the same map for
the ten weakest pathways of each impact, as the board's panel asks; then a link's confidence changes, and
again. Each is timed from the client, request to parsed answer.

    .venv/bin/python -m bench.pathways [--notes 5000] [--links 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from server import export
from tests.support.client import BoardClient
from tests.support.maps import generated_map
from tests.support.server import ServerProcess


async def timed(http: httpx.AsyncClient, url: str, token: str, **params: int) -> tuple[float, int, int]:
    """(seconds, pathways listed, bytes)."""
    start = time.perf_counter()
    r = await http.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
    r.raise_for_status()
    listed = sum(len(i["pathways"]) for i in r.json()["impacts"])
    return time.perf_counter() - start, listed, len(r.content)


async def run(notes: int, links: int, repeat: int) -> str:
    snapshot = generated_map(notes, links)
    data = export.export(snapshot, "json", 0)
    rows = [
        f"map: {notes:,} notes, {links:,} links; best of {repeat}\n",
        "| request | seconds | pathways listed | KiB |",
        "|---|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(f"sqlite:///{Path(folder) / 'bench.db'}").start()
        try:
            async with httpx.AsyncClient(base_url=server.url, timeout=120) as http:
                r = await http.post("/api/workshops/import", files={"file": ("map.pathweaver.json", data)})
                assert r.status_code == 201, r.text
                created = r.json()
                url, token = f"/api/workshops/{created['id']}/pathways", created["token"]
                client = await BoardClient(server.ws_url, created["id"], token, "bench").connect()
                link_id = snapshot["links"][0]["id"]
                results: dict[str, list[tuple[float, int, int]]] = {"new": [], "kept": [], "ten": []}
                for value in range(1, repeat + 1):
                    await client.do("confidence.set", id=link_id, value=value)  # a map the server has not seen
                    results["new"].append(await timed(http, url, token))
                    results["kept"].append(await timed(http, url, token))
                    results["ten"].append(await timed(http, url, token, per_impact=10))
                await client.disconnect()
        finally:
            server.stop()
    for name, label in [
        ("new", "a map not seen before (the search)"),
        ("kept", "the same map again (kept)"),
        ("ten", "the same map, ten per impact (the board's panel)"),
    ]:
        seconds, listed, size = min(results[name])
        rows.append(f"| {label} | {seconds:.3f} | {listed} | {size / 1024:,.0f} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--links", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(asyncio.run(run(args.notes, args.links, args.repeat)))


if __name__ == "__main__":
    main()
