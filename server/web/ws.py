"""The websocket endpoint: check the origin and token, then hand frames to the workshop's room.

Each socket gets one writer task draining a queue, so a room never waits on a slow client, and one client's
failed send never affects another. A client that falls too far behind is disconnected; it reconnects and
catches up from its last sequence number.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, WebSocket
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from server import people
from server.board.model import Participant
from server.board.refusals import refuse
from server.clock import now_ms
from server.protocol import frames
from server.protocol.codec import encode, peek_cid
from server.web import throttle
from server.web.account_sockets import account_sockets
from server.web.deps import READ_ONLY_MESSAGE, Services, bearer_token, workshop_access
from server.web.security import change_allowed
from server.workshops import was_removed

log = logging.getLogger(__name__)
router = APIRouter()

CLOSE_UNAUTHORIZED = 4001
CLOSE_FORBIDDEN_ORIGIN = 4003
CLOSE_TOO_SLOW = 4008
CLOSE_REMOVED = people.CLOSE_REMOVED
_CLOSE = object()


class SocketConnection:
    """A room's view of one websocket: queued sends drained by a writer task."""

    def __init__(self, ws: WebSocket, participant: Participant, max_queued: int) -> None:
        self.ws = ws
        self.participant = participant
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._max_queued = max_queued
        self._open = True
        self._writer = asyncio.get_running_loop().create_task(self._write())

    @property
    def is_open(self) -> bool:
        return self._open

    def send(self, text: str) -> None:
        if not self._open:
            return
        if self._queue.qsize() >= self._max_queued:
            self.close(CLOSE_TOO_SLOW, "client too slow; reconnect to catch up")
            return
        self._queue.put_nowait(text)

    def close(self, code: int, reason: str) -> None:
        if self._open:
            self._open = False
            self._queue.put_nowait((_CLOSE, code, reason))

    async def _write(self) -> None:
        try:
            while True:
                item = await self._queue.get()
                if isinstance(item, tuple):
                    await self.ws.close(item[1], item[2])
                    return
                await self.ws.send({"type": "websocket.send", "text": item})
        except Exception:  # the peer is gone; the read loop sees it too and cleans up
            self._open = False

    async def finish(self) -> None:
        self._open = False
        self._writer.cancel()
        try:
            await self._writer
        except asyncio.CancelledError:
            pass


async def _refuse(ws: WebSocket, code: str, message: str, close_code: int) -> None:
    await ws.accept()
    await ws.send_text(encode(frames.error(refuse(code, message), None)))
    await ws.close(close_code, code)


@router.websocket("/api/workshops/{workshop_id}/ws")
async def board_socket(ws: WebSocket, workshop_id: str) -> None:
    svc: Services = ws.app.state.services
    raw_since = ws.query_params.get("since", "")
    # A client that cannot say where it was gets the whole board, which is always correct. ASCII digits only:
    # str.isdigit also accepts "²" and other digits int() refuses.
    since = int(raw_since) if raw_since.isascii() and raw_since.isdigit() and len(raw_since) < 16 else None
    if not change_allowed(ws.headers, svc.settings.allowed_origins):
        await _refuse(
            ws,
            "origin_forbidden",
            f"origin {ws.headers.get('origin')!r} may not open this socket",
            CLOSE_FORBIDDEN_ORIGIN,
        )
        return
    token = bearer_token(ws, workshop_id)
    # A participant token, or an editor's or owner's account session (rule P53); a viewer reads over HTTP only.
    participant, access = await workshop_access(ws, svc, workshop_id)
    if participant is not None and participant.role == "viewer":
        await _refuse(ws, "unauthorized", f"{READ_ONLY_MESSAGE} (rule P53)", CLOSE_UNAUTHORIZED)
        return
    if participant is None and await run_in_threadpool(was_removed, svc.storage, workshop_id, token):
        await _refuse(ws, "participant_removed", people.REMOVED_MESSAGE, CLOSE_REMOVED)
        return
    room = await svc.rooms.open(workshop_id) if participant else None
    if participant is None or room is None:
        await _refuse(
            ws, "unauthorized", "no valid participant token for this workshop: join it first", CLOSE_UNAUTHORIZED
        )
        return
    await ws.accept()
    conn = SocketConnection(ws, participant, svc.settings.max_queued_frames)
    gate = throttle.limits(ws).frame_gate(participant.id, throttle.client_address(ws))
    room.join(conn, since, ws.query_params.get("epoch"))
    if access is not None:  # closes when the session or the membership that opened it ends
        account_sockets(ws).add(access, conn)
    await run_in_threadpool(svc.storage.touch_participant, participant.id, now_ms())
    try:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            data = message.get("text")
            raw = data if data is not None else message.get("bytes") or b""
            if (refused := gate.admit()) is not None:
                conn.send(encode(frames.error(refuse("rate_limited", refused.message), peek_cid(raw))))
                continue
            room.receive(conn, raw)
    except (WebSocketDisconnect, RuntimeError):
        # RuntimeError: a failed send from the writer task already marked the socket disconnected.
        pass
    finally:
        account_sockets(ws).discard(conn)
        room.leave(conn)
        await conn.finish()
        svc.rooms.release(room)
        await run_in_threadpool(svc.storage.touch_participant, participant.id, now_ms())
