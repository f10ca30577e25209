"""A workshop's plan of phases (P36) and what each phase lets participants do (P37): the rules, directly."""

from __future__ import annotations

from typing import Any

import pytest

from server.board import ops
from server.board.change import Change
from server.board.model import Board, Event, Participant
from server.board.phases import OPEN_PHASE, Plan
from server.board.refusals import Refusal
from server.board.rules import decide
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, commit, new_board, op, refused, run

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


@pytest.mark.rule("P39")
def test_the_timer_is_the_phase_time_box_counted_in_server_time() -> None:
    board = new_board()
    apply_op(board, FAC, "plan.set", phases=[IDEATION, MAPPING])
    t = board.plan.timer
    assert (t.seconds, t.running_since, t.remaining_ms(10_000)) == (600, None, 600_000)  # set, not running
    commit_at(board, FAC, "timer.start", 10_000)
    assert board.plan.timer.remaining_ms(70_000) == 540_000
    commit_at(board, FAC, "timer.start", 20_000)  # a second start (two clicks) changes nothing
    assert board.plan.timer.remaining_ms(70_000) == 540_000
    commit_at(board, FAC, "timer.pause", 70_000)
    assert board.plan.timer.remaining_ms(999_000) == 540_000  # paused: the clock does not count
    apply_op(board, FAC, "timer.add", seconds=60)
    assert board.plan.timer.remaining_ms(999_000) == 600_000
    commit_at(board, FAC, "timer.start", 100_000)
    assert board.plan.timer.remaining_ms(800_000) == -100_000  # run out: below zero, the page says so
    assert Board.from_dict(board.to_dict()).plan.timer == board.plan.timer  # a late joiner's snapshot
    apply_op(board, FAC, "phase.go", index=1)  # a new phase: its own time box (none), stopped
    assert board.plan.timer.seconds is None and board.plan.timer.remaining_ms(1) is None


@pytest.mark.rule("P39")
def test_only_the_facilitator_runs_the_timer_and_only_within_bounds() -> None:
    board = new_board()
    refused(run(board, FAC, "timer.start"), "bad_value")  # no time box to count down
    apply_op(board, FAC, "timer.add", seconds=300)  # a time box for a phase planned without one
    assert board.plan.timer.seconds == 300
    refused(run(board, ALICE, "timer.start"), "facilitator_only")
    refused(run(board, ALICE, "timer.add", seconds=60), "facilitator_only")
    for seconds in (0, 3601, -3601, -300):
        refused(run(board, FAC, "timer.add", seconds=seconds), "bad_value")


def commit_at(board: Board, actor: Participant, name: str, now: int) -> None:
    """Decide and apply an operation at server time `now`."""
    change = decide(board, op(name), actor, now)
    assert isinstance(change, Change), change
    board.apply(Event(seq=board.head + 1, op=change.op, by=actor.id, at=now, data=change.data))


@pytest.mark.rule("P42")
def test_the_facilitator_adds_notes_and_dots_for_someone_without_a_device() -> None:
    board = new_board()
    join = commit(board, proxy(board, FAC, "  Amal (no phone)  "), FAC)
    amal = join.data["id"]
    assert board.participants[amal].name == "Amal (no phone)" and board.participants[amal].role == "proxy"
    added = apply_op(board, FAC, "note.add", id="n001", kind="impact", text="t", x=0.0, y=0.0, on_behalf_of=amal)
    assert added.data["author"] == amal and added.by == FAC.id  # theirs, entered by the facilitator
    add_note(board, "n005", ALICE)
    apply_op(board, FAC, "vote.open", on="notes", budget=2, max_per_item=2)
    apply_op(board, FAC, "vote.cast", item="n001", dots=2, on_behalf_of=amal)
    assert board.votes[-1].ballots == {amal: {"n001": 2}}
    refused(run(board, FAC, "vote.cast", item="n005", dots=1, on_behalf_of=amal), "bad_value")  # their budget
    # the phase holds them to it like anyone else: a proxy is a participant
    apply_op(board, FAC, "plan.set", phases=[IDEATION])
    refused(
        run(board, FAC, "note.add", id="n002", kind="outcome", text="t", x=0.0, y=0.0, on_behalf_of=amal),
        "phase_forbids",
    )
    note = run(board, FAC, "note.add", id="n003", kind="impact", text="t", x=0.0, y=0.0, on_behalf_of=ALICE.id)
    refused(note, "bad_value")  # Alice has a device: nobody acts for her
    refused(
        run(board, ALICE, "note.add", id="n004", kind="impact", text="t", x=0.0, y=0.0, on_behalf_of=amal),
        "facilitator_only",
    )
    refused(proxy(board, ALICE, "Sneaky"), "facilitator_only")
    refused(proxy(board, FAC, "   "), "bad_value")


def proxy(board: Board, actor: Participant, person: str) -> Change | Refusal:
    """Decide a `participant.proxy` (its field is `name`, which the helpers above take for the op's name)."""
    return decide(board, ops.OP_ADAPTER.validate_python({"op": "participant.proxy", "name": person}), actor, NOW)
