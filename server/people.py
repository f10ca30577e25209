"""Seeing a removed person out (rule P50): their open sockets get one error frame saying why, then are closed.

The rules (server/board/roster.py) decide the removal and storage revokes the token with the event; this is
what the room does with the connections still open once that event is stored, and with one that opens while it
is being stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from server.board.model import Board
from server.board.refusals import refuse
from server.protocol import frames
from server.protocol.codec import encode

if TYPE_CHECKING:
    from server.room import Connection

CLOSE_REMOVED = 4004  # a websocket close code: the facilitator removed this participant; do not reconnect
REMOVED_MESSAGE = "the facilitator removed you from this workshop; what you added stays on the board"


def turned_away(board: Board, conn: Connection) -> bool:
    """Whether a connection that opens is someone the board already holds as removed: it is dismissed."""
    known = board.participants.get(conn.participant.id)
    if known is not None and known.removed:
        dismiss(conn)
        return True
    return False


def dismiss(conn: Connection) -> None:
    """Tell one connection its participant was removed, and close it."""
    conn.send(encode(frames.error(refuse("participant_removed", REMOVED_MESSAGE), None)))
    conn.close(CLOSE_REMOVED, "participant removed")


def dismiss_removed(connections: Iterable[Connection], wire: list[dict[str, Any]]) -> None:
    """Close the connections of everyone a stored `participant.remove` event in `wire` names."""
    removed = {e["data"]["id"] for e in wire if e["op"] == "participant.remove"}
    if removed:
        for conn in [c for c in connections if c.participant.id in removed]:
            dismiss(conn)
