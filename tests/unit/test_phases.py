"""A workshop's plan of phases (P36) and what each phase lets participants do (P37): the rules, directly."""

from __future__ import annotations

from typing import Any

import pytest

from server.board.model import Board, Participant
from server.board.phases import OPEN_PHASE, Plan
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, new_board, refused, run

NOW = 5000  # the time tests.unit.test_rules.run decides at
BOB = Participant(id="bob", name="Bob", colour="#1e7b34", role="participant")

IDEATION = {
    "name": "Name the impacts",
    "prompt": "What impact do we want? One per note.",
    "seconds": 600,
    "kinds": ["impact"],
    "link": False,
    "move": False,
    "edit_others": False,
}
MAPPING = {"name": "Map the pathways", "prompt": "How was each impact reached?"}


def planned_board(current: int = 0) -> Board:
    board = new_board()
    board.participants[BOB.id] = BOB
    apply_op(board, FAC, "plan.set", phases=[IDEATION, MAPPING], current=current)
    return board


@pytest.mark.rule("P36")
def test_a_board_without_a_plan_has_one_open_phase_and_old_snapshots_load_that_way() -> None:
    board = new_board()
    assert board.plan == Plan() and board.plan.phase == OPEN_PHASE
    stored = board.to_dict()
    del stored["plan"]  # a snapshot stored before workshops had plans
    assert Board.from_dict(stored).plan == Plan()
    add_note(board, "n001")  # and it allows everything, as the board always did
    apply_op(board, ALICE, "note.update", id="n001", kind="outcome")


@pytest.mark.rule("P36")
def test_the_facilitator_sets_the_plan_and_moves_the_room_back_and_forth() -> None:
    board = new_board()
    event = apply_op(board, FAC, "plan.set", phases=[IDEATION, MAPPING])
    assert event.data["current"] == 0 and event.data["started_at"] == NOW
    assert [p.name for p in board.plan.phases] == ["Name the impacts", "Map the pathways"]
    assert board.plan.phase.kinds == ("impact",) and board.plan.phase.seconds == 600
    forward = apply_op(board, FAC, "phase.go", index=1)
    assert forward.data == {"index": 1, "from": 0, "started_at": NOW}
    assert board.plan.current == 1 and board.plan.changed_at == NOW
    apply_op(board, FAC, "phase.go", index=0)
    assert board.plan.phase.name == "Name the impacts"
    # a late joiner's snapshot holds the plan and the current phase
    assert Board.from_dict(board.to_dict()).plan == board.plan


@pytest.mark.rule("P36")
def test_only_the_facilitator_changes_the_plan_and_only_to_a_plan_the_board_can_hold() -> None:
    board = new_board()
    head = board.head
    refused(run(board, ALICE, "plan.set", phases=[MAPPING]), "facilitator_only")
    refused(run(board, ALICE, "phase.go", index=0), "facilitator_only")
    bad_plans: list[dict[str, Any]] = [
        {"phases": []},
        {"phases": [MAPPING] * 31},
        {"phases": [{"name": "  "}]},
        {"phases": [{"name": "x" * 81}]},
        {"phases": [{"name": "a", "prompt": "p" * 1001}]},
        {"phases": [{"name": "a", "seconds": 0}]},
        {"phases": [{"name": "a", "seconds": 8 * 3600 + 1}]},
        {"phases": [{"name": "a", "kinds": ["no-such-kind"]}]},
        {"phases": [MAPPING], "current": 1},
        {"phases": [MAPPING], "current": -1},
    ]
    for fields in bad_plans:
        refused(run(board, FAC, "plan.set", **fields), "bad_value")
    refused(run(board, FAC, "phase.go", index=1), "bad_value")  # the open plan has one phase
    assert board.plan == Plan() and board.head == head


@pytest.mark.rule("P37")
def test_a_phase_limits_what_participants_add_link_move_and_change() -> None:
    board = new_board()
    add_note(board, "mine", ALICE, kind="impact")
    add_note(board, "bobs", BOB, kind="impact")
    add_note(board, "third", BOB, kind="outcome")
    apply_op(board, FAC, "plan.set", phases=[IDEATION, MAPPING])
    refused(run(board, ALICE, "note.add", id="n010", kind="outcome", text="t", x=0.0, y=0.0), "phase_forbids")
    apply_op(board, ALICE, "note.add", id="n011", kind="impact", text="t", x=0.0, y=0.0)
    refused(run(board, ALICE, "link.add", id="l001", source="mine", target="bobs"), "phase_forbids")
    refused(run(board, ALICE, "note.move", id="mine", x=5.0, y=5.0), "phase_forbids")
    refused(run(board, ALICE, "note.drag", id="mine", x=5.0, y=5.0), "phase_forbids")
    refused(run(board, ALICE, "note.update", id="bobs", text="mine now"), "phase_forbids")
    refused(run(board, ALICE, "note.delete", id="bobs"), "phase_forbids")
    refused(run(board, ALICE, "note.update", id="mine", kind="outcome"), "phase_forbids")  # a kind it does not take
    apply_op(board, ALICE, "note.update", id="mine", text="my own words")  # their own note, same kind
    apply_op(board, ALICE, "note.delete", id="n011")
    # the facilitator is never held back
    apply_op(board, FAC, "link.add", id="l002", source="mine", target="bobs")
    apply_op(board, FAC, "note.move", id="bobs", x=9.0, y=9.0)
    apply_op(board, FAC, "note.add", id="n012", kind="outcome", text="t", x=0.0, y=0.0)
    refused(run(board, ALICE, "link.update", id="l002", label="x"), "phase_forbids")
    refused(run(board, ALICE, "link.delete", id="l002"), "phase_forbids")
    # the next phase opens everything up
    apply_op(board, FAC, "phase.go", index=1)
    apply_op(board, ALICE, "note.add", id="n013", kind="outcome", text="t", x=0.0, y=0.0)
    apply_op(board, ALICE, "link.add", id="l003", source="n013", target="third")
    apply_op(board, ALICE, "note.move", id="bobs", x=1.0, y=1.0)
    apply_op(board, ALICE, "note.update", id="bobs", text="edited together")
