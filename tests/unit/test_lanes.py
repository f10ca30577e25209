"""Lanes (P45): a template's columns on the board, set by the facilitator, laid out by the server."""

from __future__ import annotations

import pytest

from server.board.lanes import LANE_GAP, LANE_WIDTH
from server.board.model import Board
from tests.unit.test_rules import ALICE, FAC, apply_op, new_board, refused, run

CHAIN = [
    {"label": "Activities", "kinds": ["activity"]},
    {"label": "Outputs", "kinds": ["output"]},
    {"label": "Outcomes and impacts", "kinds": ["outcome", "impact"]},
]


@pytest.mark.rule("P45")
def test_the_facilitator_sets_lanes_that_the_server_lays_out_left_to_right() -> None:
    board = new_board()
    event = apply_op(board, FAC, "lanes.set", lanes=CHAIN)
    assert [(lane.label, lane.kinds, lane.x, lane.width) for lane in board.lanes] == [
        ("Activities", ("activity",), 0.0, LANE_WIDTH),
        ("Outputs", ("output",), LANE_WIDTH + LANE_GAP, LANE_WIDTH),
        ("Outcomes and impacts", ("outcome", "impact"), 2 * (LANE_WIDTH + LANE_GAP), LANE_WIDTH),
    ]
    assert event.data["lanes"][2]["kinds"] == ["outcome", "impact"]
    assert Board.from_dict(board.to_dict()).lanes == board.lanes
    stored = board.to_dict()
    del stored["lanes"]  # a snapshot from before lanes
    assert Board.from_dict(stored).lanes == ()
    apply_op(board, FAC, "lanes.set", lanes=[])  # taken away
    assert board.lanes == ()


@pytest.mark.rule("P45")
def test_lanes_the_board_cannot_hold_are_refused() -> None:
    board = new_board()
    refused(run(board, ALICE, "lanes.set", lanes=CHAIN), "facilitator_only")
    refused(run(board, FAC, "lanes.set", lanes=[{"label": "X", "kinds": ["nowhere"]}]), "bad_value")
    refused(run(board, FAC, "lanes.set", lanes=[{"label": "", "kinds": ["activity"]}]), "bad_value")
    refused(run(board, FAC, "lanes.set", lanes=[{"label": "X", "kinds": []}]), "bad_value")
    twice = [{"label": "A", "kinds": ["activity"]}, {"label": "B", "kinds": ["activity"]}]
    refused(run(board, FAC, "lanes.set", lanes=twice), "bad_value")
    refused(run(board, FAC, "lanes.set", lanes=[{"label": "L" * 61, "kinds": ["activity"]}]), "bad_value")
    assert board.lanes == ()
