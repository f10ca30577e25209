"""Clusters (P44): named frames that move the notes in them with them."""

from __future__ import annotations

import pytest

from server.board.model import Board
from tests.unit.test_phases import planned_board
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, refused, run

FRAME = {"id": "clu00001", "label": "Policy use", "x": 0.0, "y": 0.0, "width": 500.0, "height": 300.0}


@pytest.mark.rule("P44")
def test_a_cluster_moves_the_notes_in_it_and_keeps_its_name() -> None:
    board = planned_board(current=1)
    add_note(board, "n001", ALICE)  # at (1, 2)
    add_note(board, "n002", ALICE, x=900.0)
    add = apply_op(board, ALICE, "cluster.add", **FRAME)
    assert add.data["author"] == ALICE.id and board.clusters["clu00001"].label == "Policy use"
    move = apply_op(board, ALICE, "cluster.update", id="clu00001", x=100.0, y=50.0, notes=["n001", "gone0001"])
    assert move.data["moved"] == [{"id": "n001", "x": 101.0, "y": 52.0, "version": move.seq}]
    assert (board.notes["n001"].x, board.notes["n001"].y) == (101.0, 52.0) and board.notes["n002"].x == 900.0
    apply_op(board, FAC, "cluster.update", id="clu00001", label="How policy uses evidence", width=800.0)
    assert board.clusters["clu00001"].label == "How policy uses evidence" and board.notes["n001"].x == 101.0
    assert Board.from_dict(board.to_dict()).clusters == board.clusters
    refused(run(board, ALICE, "cluster.delete", id="clu00001", expect=add.seq), "changed_since")  # renamed since
    apply_op(board, ALICE, "cluster.delete", id="clu00001", expect=board.clusters["clu00001"].version)
    assert not board.clusters and "n001" in board.notes  # the notes stay
    refused(run(board, ALICE, "cluster.add", **FRAME), "note_exists")  # its id is never used again
    refused(run(board, ALICE, "note.add", id="clu00001", kind="impact", text="t", x=0.0, y=0.0), "note_exists")


@pytest.mark.rule("P44")
def test_bad_clusters_are_refused() -> None:
    board = planned_board(current=1)
    refused(run(board, ALICE, "cluster.add", **{**FRAME, "label": " "}), "text_empty")
    refused(run(board, ALICE, "cluster.add", **{**FRAME, "width": 0.0}), "bad_value")
    refused(run(board, ALICE, "cluster.add", **{**FRAME, "x": float("inf")}), "bad_value")
    refused(run(board, ALICE, "cluster.add", **{**FRAME, "id": "x"}), "bad_value")
    refused(run(board, ALICE, "cluster.update", id="nowhere1", x=1.0), "note_missing")
    apply_op(board, FAC, "plan.set", phases=[{"name": "Still", "move": False}])
    refused(run(board, ALICE, "cluster.add", **FRAME), "phase_forbids")
