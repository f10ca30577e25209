"""Operations that arrive outside a websocket (HTTP, the list view's forms): the same path as a frame, one answer.

The operation is decoded, decided, ordered and committed exactly as a websocket frame is; the caller gets its
`ack` once the change is stored, or its `error`.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING, Any

import orjson

from server.board import ops
from server.board.model import Participant

if TYPE_CHECKING:
    from server.room import Room


class Reply:
    """A one-shot `Connection` that waits for the answer to a single operation."""

    def __init__(self, participant: Participant) -> None:
        self.participant = participant
        self.answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

    def send(self, text: str) -> None:
        message = orjson.loads(text)
        if message["type"] == "ack":
            message = {**message["acks"][0], "type": "ack"}
        if not self.answer.done():
            self.answer.set_result(message)

    def close(self, code: int, reason: str) -> None:
        if not self.answer.done():
            self.answer.set_result({"type": "error", "code": "server_error", "message": reason, "cid": None})

    @property
    def is_open(self) -> bool:
        return not self.answer.done()


async def submit(room: Room, participant: Participant, frame: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    """Handle one operation that arrived outside a websocket (HTTP); return its `ack` or `error` message.

    The operation goes through exactly the same path as a websocket frame: decoding, rules, ordering,
    group commit; the answer comes only once the change is stored.
    """

    def refused(code: str, message: str) -> dict[str, Any]:
        return {"type": "error", "code": code, "message": message, "cid": None}

    if not isinstance(frame.get("op"), str):
        return refused("bad_frame", 'the operation needs an "op" string naming it')
    if frame["op"] in ops.TRANSIENT_OPS:
        return refused("bad_frame", "transient operations need a websocket")
    if not frame.get("cid"):  # the answer is matched by cid: give one to operations that came without
        frame = {**frame, "cid": f"submit-{secrets.token_urlsafe(9)}"}
    try:
        raw = orjson.dumps(frame)  # the websocket's own path from here on
    except (TypeError, orjson.JSONEncodeError) as exc:
        return refused("bad_value", f"the operation cannot be read: {exc}")
    reply = Reply(participant)
    if not room.broken:
        room.introduce(participant)
    room.receive(reply, raw)
    try:
        return await asyncio.wait_for(reply.answer, timeout)
    except TimeoutError:
        message = f"the change was not stored within {timeout:g} s; send it again (same cid) to find out"
        return {"type": "error", "code": "server_error", "message": message, "cid": frame["cid"]}
