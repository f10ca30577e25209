"""Where the list view puts a note it adds: the first grid cell that no note overlaps."""

from __future__ import annotations

from server.web.pages import CELL_H, CELL_W, NOTE_H, NOTE_W, free_spot


def at(x: float, y: float) -> dict[str, float]:
    return {"x": x, "y": y}


def test_a_new_note_goes_to_the_first_free_cell_and_overlaps_no_note() -> None:
    assert free_spot([]) == (0.0, 0.0)
    assert free_spot([at(0, 0), at(CELL_W, 0)]) == (2.0 * CELL_W, 0.0)
    # A note dragged between cells takes both; a deleted note's cell is used again.
    assert free_spot([at(CELL_W / 2, 0)]) == (2.0 * CELL_W, 0.0)
    assert free_spot([at(CELL_W, 0)]) == (0.0, 0.0)
    crowded = [at(c * CELL_W + 30, r * CELL_H + 30) for r in range(3) for c in range(6)]
    x, y = free_spot(crowded)
    assert all(abs(n["x"] - x) >= NOTE_W or abs(n["y"] - y) >= NOTE_H for n in crowded), (x, y)
    assert free_spot([at(-5000, 10**6)]) == (0.0, 0.0)
