"""The bare relay baseline: a minimal websocket server that rebroadcasts every frame to the other clients of
its room (the URL path). No ordering, no storage, no validation — the least a live board server could do.

    python -m bench.relay --port 8765
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

import uvloop
import websockets
from websockets.asyncio.server import ServerConnection, serve

rooms: dict[str, set[ServerConnection]] = defaultdict(set)


async def relay(ws: ServerConnection) -> None:
    room = rooms[ws.request.path if ws.request else "/"]
    room.add(ws)
    try:
        async for message in ws:
            websockets.broadcast([peer for peer in room if peer is not ws], message)
    finally:
        room.discard(ws)


async def main(port: int) -> None:
    options: dict[str, Any] = {"compression": None, "max_size": 2**20, "max_queue": None}
    async with serve(relay, "127.0.0.1", port, **options) as server:
        print(f"relay on ws://127.0.0.1:{port}", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    uvloop.run(main(parser.parse_args().port))
