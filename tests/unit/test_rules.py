"""The board's rules, tested directly: no server, no storage, no event loop."""

from __future__ import annotations

from typing import Any

import pytest

from server.board import ops
from server.board.change import Change
from server.board.model import DEFAULT_KINDS, Board, Event, Kind, Participant, WorkshopInfo
from server.board.refusals import CODES, Refusal
from server.board.rules import MAX_TEXT, decide, participant_join

FAC = Participant(id="fac", name="Fran", colour="#1f77b4", role="facilitator")
ALICE = Participant(id="alice", name="Alice", colour="#d62728", role="participant")


def new_board() -> Board:
    info = WorkshopInfo(
        id="w1", title="T", question="Q?", kinds=tuple(Kind(*k) for k in DEFAULT_KINDS), locked=False, created_at=0
    )
    board = Board(workshop=info)
    for p in (FAC, ALICE):
        commit(board, participant_join(p), p)
    return board


def commit(board: Board, change: Change | Refusal, actor: Participant) -> Event:
    assert isinstance(change, Change), change
    event = Event(seq=board.head + 1, op=change.op, by=actor.id, at=1000 + board.head, data=change.data)
    board.apply(event)
    return event


def op(name: str, **fields: Any) -> ops.AnyOp:
    return ops.OP_ADAPTER.validate_python({"op": name, **fields})


def run(board: Board, actor: Participant, name: str, **fields: Any) -> Change | Refusal:
    return decide(board, op(name, **fields), actor, 5000)


def apply_op(board: Board, actor: Participant, name: str, **fields: Any) -> Event:
    return commit(board, run(board, actor, name, **fields), actor)


def add_note(board: Board, note_id: str, actor: Participant = ALICE, **extra: Any) -> Event:
    fields = {"id": note_id, "kind": "impact", "text": f"text of {note_id}", "x": 1.0, "y": 2.0, **extra}
    return apply_op(board, actor, "note.add", **fields)


def refused(result: Change | Refusal, code: str) -> None:
    assert isinstance(result, Refusal), f"expected refusal {code}, got {result}"
    assert result.code == code, result
    assert result.code in CODES


def test_note_add_records_author_time_and_version() -> None:
    board = new_board()
    add_note(board, "n001")
    note = board.notes["n001"]
    assert (note.author, note.created_at, note.updated_at, note.version, note.kind) == (
        "alice",
        5000,
        5000,
        1,
        "impact",
    )


@pytest.mark.rule("P9")
def test_last_writer_wins_in_server_order() -> None:
    board = new_board()
    add_note(board, "n001")
    apply_op(board, ALICE, "note.update", id="n001", text="from alice")
    apply_op(board, FAC, "note.update", id="n001", text="from fran")
    assert board.notes["n001"].text == "from fran"
    assert board.notes["n001"].version == 3


@pytest.mark.rule("P10")
def test_update_move_and_link_to_a_deleted_note_are_refused() -> None:
    board = new_board()
    add_note(board, "n001")
    add_note(board, "n002")
    apply_op(board, FAC, "note.delete", id="n001")
    before = board.to_dict()
    refused(run(board, ALICE, "note.update", id="n001", text="late edit"), "note_deleted")
    refused(run(board, ALICE, "note.move", id="n001", x=0.0, y=0.0), "note_deleted")
    refused(run(board, ALICE, "link.add", id="l001", source="n002", target="n001"), "note_deleted")
    refused(run(board, ALICE, "note.add", id="n001", kind="impact", text="again", x=0.0, y=0.0), "note_exists")
    assert board.to_dict() == before


@pytest.mark.rule("P11")
def test_link_rules() -> None:
    board = new_board()
    add_note(board, "n001")
    add_note(board, "n002")
    refused(run(board, ALICE, "link.add", id="l001", source="n001", target="n001"), "link_self")
    refused(run(board, ALICE, "link.add", id="l001", source="n001", target="nope"), "note_missing")
    apply_op(board, ALICE, "link.add", id="l001", source="n001", target="n002", label="leads to")
    refused(run(board, ALICE, "link.add", id="l002", source="n001", target="n002"), "link_duplicate")
    apply_op(board, ALICE, "link.add", id="l002", source="n002", target="n001")  # the other direction is a new pair
    event = apply_op(board, ALICE, "note.delete", id="n001")
    assert sorted(event.data["links"]) == ["l001", "l002"]
    assert board.links == {} and board.pairs == {}
    refused(run(board, ALICE, "link.update", id="l001", label="x"), "link_deleted")
    refused(run(board, ALICE, "link.delete", id="zzzz"), "link_missing")


@pytest.mark.rule("P15")
@pytest.mark.parametrize(
    ("name", "fields", "code"),
    [
        ("note.add", {"id": "n9", "kind": "impact", "text": "x", "x": 0.0, "y": 0.0}, "bad_value"),  # id too short
        ("note.add", {"id": "n999", "kind": "wish", "text": "x", "x": 0.0, "y": 0.0}, "unknown_kind"),
        (
            "note.add",
            {"id": "n999", "kind": "impact", "text": "x" * (MAX_TEXT + 1), "x": 0.0, "y": 0.0},
            "text_too_long",
        ),
        ("note.add", {"id": "n999", "kind": "impact", "text": "   ", "x": 0.0, "y": 0.0}, "text_empty"),
        ("note.add", {"id": "n999", "kind": "impact", "text": "x", "x": 1e9, "y": 0.0}, "bad_value"),
        ("note.add", {"id": "n999", "kind": "impact", "text": "x", "x": 0.0, "y": 0.0, "colour": "red"}, "bad_value"),
        ("note.update", {"id": "n001"}, "bad_frame"),
        ("note.update", {"id": "n001", "text": "y" * (MAX_TEXT + 1)}, "text_too_long"),
        ("link.add", {"id": "l001", "source": "n001", "target": "n002", "label": "z" * 201}, "text_too_long"),
        ("note.update", {"id": "ghost", "text": "boo"}, "note_missing"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(name: str, fields: dict[str, Any], code: str) -> None:
    board = new_board()
    add_note(board, "n001")
    add_note(board, "n002")
    before = board.to_dict()
    refused(run(board, ALICE, name, **fields), code)
    assert board.to_dict() == before


@pytest.mark.rule("P13")
@pytest.mark.parametrize(
    ("name", "fields"), [("workshop.lock", {}), ("workshop.unlock", {}), ("workshop.rename", {"title": "Mine"})]
)
def test_facilitator_only_operations(name: str, fields: dict[str, Any]) -> None:
    board = new_board()
    before = board.to_dict()
    refused(run(board, ALICE, name, **fields), "facilitator_only")
    assert board.to_dict() == before
    assert isinstance(run(board, FAC, name, **fields), Change)


@pytest.mark.rule("P14")
def test_locked_board_refuses_participants_but_not_the_facilitator() -> None:
    board = new_board()
    add_note(board, "n001")
    apply_op(board, FAC, "workshop.lock")
    before = board.to_dict()
    for name, fields in [
        ("note.add", {"id": "n002", "kind": "impact", "text": "x", "x": 0.0, "y": 0.0}),
        ("note.update", {"id": "n001", "text": "y"}),
        ("note.move", {"id": "n001", "x": 5.0, "y": 5.0}),
        ("note.drag", {"id": "n001", "x": 5.0, "y": 5.0}),
        ("note.delete", {"id": "n001"}),
    ]:
        refused(run(board, ALICE, name, **fields), "board_locked")
    assert board.to_dict() == before
    assert isinstance(run(board, ALICE, "presence.set", editing="n001"), Change)
    add_note(board, "n003", FAC)
    apply_op(board, FAC, "workshop.unlock")
    add_note(board, "n004", ALICE)


@pytest.mark.rule("P18")
def test_rename_changes_title_and_question() -> None:
    board = new_board()
    apply_op(board, FAC, "workshop.rename", title="New title", question="How does change happen?")
    assert (board.workshop.title, board.workshop.question) == ("New title", "How does change happen?")
    refused(run(board, FAC, "workshop.rename"), "bad_frame")
    refused(run(board, FAC, "workshop.rename", title=" "), "text_empty")


def test_apply_refuses_out_of_order_events() -> None:
    board = new_board()
    with pytest.raises(ValueError, match="expected"):
        board.apply(Event(seq=board.head + 2, op="workshop.lock", by="fac", at=0, data={"locked": True}))


def test_snapshot_round_trip_keeps_pairs_and_leaves_deleted_ids_to_storage() -> None:
    board = new_board()
    add_note(board, "n001")
    add_note(board, "n002")
    apply_op(board, ALICE, "link.add", id="l001", source="n001", target="n002")
    apply_op(board, ALICE, "note.delete", id="n002")
    add_note(board, "n003")
    apply_op(board, ALICE, "link.add", id="l002", source="n001", target="n003")
    snapshot = board.to_dict()
    assert "deleted" not in snapshot, "deleted ids are stored apart, not in every snapshot"
    copy = Board.from_dict(snapshot)
    assert copy.to_dict() == snapshot
    refused(run(copy, ALICE, "link.add", id="l003", source="n001", target="n003"), "link_duplicate")


@pytest.mark.rule("P10")
def test_a_snapshot_from_before_deleted_ids_had_their_own_table_still_refuses_them() -> None:
    board = new_board()
    add_note(board, "n003")
    old_snapshot = {**board.to_dict(), "deleted": ["n002", "l001"]}
    copy = Board.from_dict(old_snapshot)
    refused(run(copy, ALICE, "note.update", id="n002", text="x"), "note_deleted")
    refused(run(copy, ALICE, "link.update", id="l001", label="x"), "link_deleted")
    refused(run(copy, ALICE, "note.add", id="n002", kind="impact", text="again", x=0.0, y=0.0), "note_exists")


@pytest.mark.rule("P34")
def test_the_facilitator_closes_and_opens_joining_for_everyone_to_see() -> None:
    board = new_board()
    assert board.workshop.joining and board.to_dict()["workshop"]["joining"] is True
    refused(run(board, ALICE, "workshop.joining", open=False), "facilitator_only")
    assert board.workshop.joining
    event = apply_op(board, FAC, "workshop.joining", open=False)
    assert (event.op, event.data) == ("workshop.joining", {"open": False})
    assert not board.workshop.joining and Board.from_dict(board.to_dict()).workshop.joining is False
    add_note(board, "n001", ALICE)  # those already in carry on
    apply_op(board, FAC, "workshop.joining", open=True)
    assert board.workshop.joining
    with pytest.raises(ValueError):
        op("workshop.joining", open="no")  # a boolean, nothing else
    # boards stored before the switch existed were open
    stored = board.to_dict()
    del stored["workshop"]["joining"]
    assert Board.from_dict(stored).workshop.joining is True
