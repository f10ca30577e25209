"""Dot voting (P40): the rules, directly."""

from __future__ import annotations

import pytest

from server.board import privacy
from server.board.model import Board
from tests.unit.test_phases import BOB, planned_board
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, refused, run

OPEN = {"on": "notes", "budget": 3, "max_per_item": 2, "kinds": ["impact"], "title": "Which matter most?"}


def voting_board() -> Board:
    board = planned_board(current=1)
    for i, kind in enumerate(("impact", "impact", "outcome")):
        add_note(board, f"n00{i}", ALICE, kind=kind)
    apply_op(board, FAC, "vote.open", **OPEN)
    return board


@pytest.mark.rule("P40")
def test_each_person_spends_their_dots_within_the_budget_and_the_limit_per_item() -> None:
    board = voting_board()
    apply_op(board, ALICE, "vote.cast", item="n000", dots=2)
    refused(run(board, ALICE, "vote.cast", item="n001", dots=2), "bad_value")  # 4 > budget 3
    apply_op(board, ALICE, "vote.cast", item="n001", dots=1)
    refused(run(board, ALICE, "vote.cast", item="n000", dots=3), "bad_value")  # over 2 on one item
    refused(run(board, ALICE, "vote.cast", item="n002", dots=1), "bad_value")  # an outcome: not in this vote
    refused(run(board, ALICE, "vote.cast", item="nothing", dots=1), "bad_value")
    apply_op(board, ALICE, "vote.cast", item="n000", dots=0)  # taken back
    apply_op(board, ALICE, "vote.cast", item="n001", dots=2)
    apply_op(board, BOB, "vote.cast", item="n001", dots=2)
    assert board.votes[-1].ballots == {"alice": {"n001": 2}, "bob": {"n001": 2}}
    refused(run(board, ALICE, "vote.open", **OPEN), "facilitator_only")
    refused(run(board, FAC, "vote.open", **OPEN), "bad_value")  # one open vote at a time
    apply_op(board, ALICE, "note.delete", id="n001")  # dots on a deleted note go back
    assert board.votes[-1].ballots == {"alice": {}, "bob": {}}


@pytest.mark.rule("P40")
def test_nobody_sees_anyone_elses_dots_until_the_vote_closes() -> None:
    board = voting_board()
    cast = apply_op(board, ALICE, "vote.cast", item="n000", dots=2)
    apply_op(board, BOB, "vote.cast", item="n001", dots=1)
    audience = privacy.event_audience(board, "vote.cast", cast.data)
    assert audience is not None and audience.admits(ALICE) and not audience.admits(BOB) and not audience.admits(FAC)
    whole = board.to_dict()
    assert privacy.map_for(whole, BOB)["votes"][-1]["ballots"] == {"bob": {"n001": 1}}
    assert privacy.map_for(whole, FAC)["votes"][-1]["ballots"] == {}
    close = apply_op(board, FAC, "vote.close")
    assert close.data["totals"] == {"n000": 2, "n001": 1}
    assert close.data["ballots"] == {"alice": {"n000": 2}, "bob": {"n001": 1}}  # a named vote
    closed = privacy.map_for(board.to_dict(), BOB)["votes"][-1]
    assert closed["totals"] == {"n000": 2, "n001": 1} and closed["ballots"]["alice"] == {"n000": 2}
    refused(run(board, ALICE, "vote.cast", item="n000", dots=1), "bad_value")  # closed


@pytest.mark.rule("P40")
def test_an_anonymous_vote_publishes_totals_and_keeps_no_ballots() -> None:
    board = planned_board(current=1)
    add_note(board, "n000", ALICE)
    apply_op(board, FAC, "vote.open", on="notes", budget=5, max_per_item=5, anonymous=True)
    apply_op(board, ALICE, "vote.cast", item="n000", dots=4)
    apply_op(board, BOB, "vote.cast", item="n000", dots=1)
    close = apply_op(board, FAC, "vote.close")
    assert close.data["totals"] == {"n000": 5} and close.data["ballots"] == {}
    assert board.votes[-1].ballots == {}  # nothing left that could say who gave what
    assert Board.from_dict(board.to_dict()).votes == board.votes
