"""The messages the server sends, as plain dicts ready for `codec.encode`. docs/protocol.md describes each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from server.board.model import Participant
from server.board.refusals import Refusal


def welcome(
    protocol: int,
    you: Participant,
    head: int,
    online: list[dict[str, Any]],
    epoch: str,
    view: dict[str, Any] | None = None,
    now: int = 0,
    spotlight: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "type": "welcome",
        "protocol": protocol,
        "you": {"id": you.id, "name": you.name, "colour": you.colour, "role": you.role},
        "head": head,
        "epoch": epoch,
        "online": online,
        "view": view,
        "now": now,  # the server's clock (ms), so that clients count down the phase timer in its time (P39)
        "spotlight": spotlight,  # the note the facilitator has put in front of everyone, or None (P41)
    }


def snapshot(board: dict[str, Any]) -> dict[str, Any]:
    return {"type": "snapshot", "board": board}


def events(wire_events: list[dict[str, Any]], drag_positions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Stored events, and the drag positions of the same tick when there are any (one frame, not two)."""
    if drag_positions:
        return {"type": "events", "events": wire_events, "drags": drag_positions}
    return {"type": "events", "events": wire_events}


def acks(items: Iterable[tuple[str, int]]) -> dict[str, Any]:
    return {"type": "ack", "acks": [{"cid": cid, "seq": seq} for cid, seq in items]}


def error(refusal: Refusal, cid: str | None) -> dict[str, Any]:
    return {"type": "error", "code": refusal.code, "message": refusal.message, "cid": cid}


def drags(positions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "drags", "drags": positions}


def presence(participant_id: str, online: bool, editing: str | None) -> dict[str, Any]:
    return {"type": "presence", "id": participant_id, "online": online, "editing": editing}


def view(region: dict[str, Any] | None, by: str | None) -> dict[str, Any]:
    """The facilitator's shared view (a board rectangle), or None when sharing ended."""
    return {"type": "view", "view": region, "by": by}


def spotlight(current: dict[str, Any] | None) -> dict[str, Any]:
    """The note in the spotlight (`{id, by}`), or None when it ended."""
    return {"type": "spotlight", "spotlight": current}
