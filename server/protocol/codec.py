"""Turning websocket frames into operations and server messages into frames.

Decoding is strict and size-limited: every way a frame can be wrong becomes a `Refusal` with a stable code,
and nothing about a bad frame reaches the board. Encoding happens once per message, whatever the number of
recipients.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from pydantic import ValidationError

from server.board import characters, ops
from server.board.refusals import Refusal, refuse

MAX_FRAME_BYTES = 64 * 1024
_CID = re.compile(r'"cid"\s*:\s*"([^"\\]{1,64})"')


def decode(raw: str | bytes, max_bytes: int = MAX_FRAME_BYTES) -> tuple[ops.AnyOp | Refusal, str | None]:
    """Parse one client frame: (operation or refusal, the frame's client op id if one could be read)."""
    size = len(raw.encode(errors="surrogatepass") if isinstance(raw, str) else raw)
    if size > max_bytes:
        return refuse("frame_too_large", f"frame is {size} bytes; the limit is {max_bytes}"), peek_cid(raw)
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if is_unpaired_surrogate(exc):
            return refuse("bad_value", f"a string holds an unpaired surrogate, which cannot be stored: {exc}"), (
                peek_cid(raw)
            )
        return refuse("malformed_json", f"frame is not valid JSON: {exc}"), None
    if not isinstance(obj, dict):
        return refuse("malformed_json", f"frame must be a JSON object, got {type(obj).__name__}"), None
    cid = obj.get("cid") if isinstance(obj.get("cid"), str) else None
    if _may_hold_unstorable(raw) and (found := characters.find(obj)) is not None:
        return refuse("bad_value", characters.describe(*found)), (
            cid if cid is not None and not characters.problem(cid) else None
        )
    name = obj.get("op")
    if not isinstance(name, str):
        return refuse("bad_frame", 'frame needs an "op" string naming the operation'), cid
    if name not in ops.OP_NAMES:
        return refuse("unknown_op", f"unknown operation {name[:60]!r}; known: {', '.join(sorted(ops.OP_NAMES))}"), cid
    try:
        return ops.OP_ADAPTER.validate_python(obj), cid
    except ValidationError as exc:
        return refuse("bad_frame", _describe(name, exc)), cid


def _may_hold_unstorable(raw: str | bytes) -> bool:
    """Whether a parsed frame needs the walk over its strings. JSON strings cannot hold raw control characters
    (the parser refuses them), so only an escape or a raw U+FFFE/U+FFFF can put an unstorable one there."""
    if isinstance(raw, bytes):
        return b"\\" in raw or b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw
    return "\\" in raw or "\ufffe" in raw or "\uffff" in raw


def is_unpaired_surrogate(exc: orjson.JSONDecodeError) -> bool:
    """Whether orjson refused a `\\ud800`-style escape with no partner: valid JSON grammar, but text that no one
    can store or encode, so a `bad_value` rather than `malformed_json`. (Bytes that are not UTF-8 are malformed.)"""
    return "surrogate in string" in str(exc)


def peek_cid(raw: str | bytes) -> str | None:
    """The client op id of a frame that will not be parsed, so its sender can still drop that one operation."""
    head = raw[:512].decode(errors="replace") if isinstance(raw, bytes) else raw[:512]
    found = _CID.search(head)
    return found.group(1) if found and not characters.problem(found.group(1)) else None


def _describe(name: str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False)[:3]:
        field = ".".join(str(p) for p in err["loc"][1:]) or "(frame)"
        parts.append(f"{field}: {err['msg']}")
    return f"{name}: " + "; ".join(parts)


def encode(message: dict[str, Any]) -> str:
    """Serialize one server message. Call once per message, then send the same text to every recipient."""
    return orjson.dumps(message).decode()
