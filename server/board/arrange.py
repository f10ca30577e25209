"""Moving many notes as one change (rule P35): a tidy-up by the facilitator, undone in one step.

`notes.arrange` carries where each note goes. Every note is checked as a `note.move` would be; one refusal
refuses the whole batch, so a tidy-up is applied entirely or not at all, as one event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.board import ops
from server.board.model import Board
from server.board.refusals import Refusal, refuse


def event_data(
    board: Board, op: ops.NotesArrange, check: Callable[[ops.ArrangedNote], Refusal | None], now: int
) -> dict[str, Any] | Refusal:
    """The event's data — each note's new position and version — or the first refusal among its moves.

    `check` is how one note's move is judged (the note exists, the position is allowed, the expected version).
    """
    seen: set[str] = set()
    positions = []
    for move in op.moves:
        if move.id in seen:
            return refuse("bad_value", f"note {move.id[:80]!r} is moved twice in one notes.arrange")
        seen.add(move.id)
        problem = check(move)
        if problem:
            return problem
        if board.notes[move.id].private is not None:  # its id and place would reach everyone (rule P38)
            return refuse("bad_value", "reveal private notes before arranging them")
        version = board.notes[move.id].version + 1
        positions.append({"id": move.id, "x": move.x, "y": move.y, "version": version})
    return {"positions": positions, "updated_at": now}
