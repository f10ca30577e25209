"""Moving many notes as one change (P35), tested on the rules directly."""

from __future__ import annotations

import pydantic
import pytest

from server.board import ops
from server.board.model import Board
from server.board.rules import Change
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, new_board, op, refused, run


def three_notes() -> Board:
    board = new_board()
    for i in (1, 2, 3):
        add_note(board, f"n00{i}", x=float(i), y=float(i))
    return board


@pytest.mark.rule("P35")
def test_an_arrangement_moves_every_note_in_one_event_and_back_in_another() -> None:
    board = three_notes()
    head = board.head
    event = apply_op(
        board,
        FAC,
        "notes.arrange",
        moves=[{"id": "n001", "x": 100.0, "y": 0.0, "expect": 1}, {"id": "n002", "x": 400.0, "y": 50.0}],
    )
    assert board.head == head + 1 and event.op == "notes.arrange"
    assert event.data == {
        "positions": [
            {"id": "n001", "x": 100.0, "y": 0.0, "version": 2},
            {"id": "n002", "x": 400.0, "y": 50.0, "version": 2},
        ],
        "updated_at": 5000,
    }
    assert [(n.x, n.y, n.version, n.updated_at) for n in board.notes.values()] == [
        (100.0, 0.0, 2, 5000),
        (400.0, 50.0, 2, 5000),
        (3.0, 3.0, 1, 5000),
    ]
    # Undoing is one more batch, to the positions before, expecting the versions the arrangement left.
    apply_op(
        board,
        FAC,
        "notes.arrange",
        moves=[{"id": "n001", "x": 1.0, "y": 1.0, "expect": 2}, {"id": "n002", "x": 2.0, "y": 2.0, "expect": 2}],
    )
    assert [(n.x, n.y) for n in board.notes.values()] == [(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]
    assert Board.from_dict(board.to_dict()).to_dict() == board.to_dict()


@pytest.mark.rule("P35")
def test_one_bad_move_refuses_the_whole_arrangement() -> None:
    board = three_notes()
    apply_op(board, ALICE, "note.delete", id="n003")
    apply_op(board, ALICE, "note.move", id="n002", x=9.0, y=9.0)  # n002 is at version 2 now
    before = board.to_dict()
    good = {"id": "n001", "x": 50.0, "y": 50.0}
    cases = {
        "note_deleted": {"id": "n003", "x": 0.0, "y": 0.0},
        "note_missing": {"id": "n999", "x": 0.0, "y": 0.0},
        "bad_value": {"id": "n002", "x": 2e6, "y": 0.0},
        "changed_since": {"id": "n002", "x": 0.0, "y": 0.0, "expect": 1},
    }
    for code, move in cases.items():
        refused(run(board, FAC, "notes.arrange", moves=[good, move]), code)
    refused(run(board, FAC, "notes.arrange", moves=[good, {**good, "x": 60.0}]), "bad_value")  # one note twice
    assert board.to_dict() == before  # nothing moved, not even the good one


@pytest.mark.rule("P35")
def test_only_the_facilitator_arranges_and_only_a_bounded_batch() -> None:
    board = three_notes()
    refused(run(board, ALICE, "notes.arrange", moves=[{"id": "n001", "x": 0.0, "y": 0.0}]), "facilitator_only")
    apply_op(board, FAC, "workshop.lock")
    assert isinstance(run(board, FAC, "notes.arrange", moves=[{"id": "n001", "x": 0.0, "y": 0.0}]), Change)
    with pytest.raises(pydantic.ValidationError):
        op("notes.arrange", moves=[])
    too_many = [{"id": f"n{i:04d}", "x": 0.0, "y": 0.0} for i in range(ops.MAX_ARRANGED + 1)]
    with pytest.raises(pydantic.ValidationError):
        op("notes.arrange", moves=too_many)
