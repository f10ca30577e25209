"""Private notes (P38): who may see what, judged by the pure rules in server/board/privacy.py."""

from __future__ import annotations

import pytest

from server.board import privacy
from server.board.model import Board, Event
from tests.unit.test_phases import BOB, planned_board
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, run

PRIVATE = {"name": "On your own", "private": True}


def private_board(**phase: object) -> Board:
    board = planned_board()
    apply_op(board, FAC, "plan.set", phases=[{**PRIVATE, **phase}, {"name": "Together"}])
    return board


@pytest.mark.rule("P38")
def test_notes_written_in_a_private_phase_are_marked_for_their_author_and_the_facilitator() -> None:
    board = private_board()
    assert add_note(board, "a001", ALICE).data["private"] == privacy.AUTHOR_AND_FACILITATOR
    assert "private" not in add_note(board, "f001", FAC).data  # the facilitator's notes are never private
    hidden_board = private_board(facilitator_sees=False)
    assert add_note(hidden_board, "a001", ALICE).data["private"] == privacy.AUTHOR
    open_board = planned_board(current=1)
    assert "private" not in add_note(open_board, "a001", ALICE).data


@pytest.mark.rule("P38")
def test_each_viewer_gets_only_what_they_may_see() -> None:
    board = private_board()
    add_note(board, "a001", ALICE)
    add_note(board, "b001", BOB)
    add_note(board, "f001", FAC)
    link = privacy.event_audience(board, "link.add", {"id": "l1", "source": "a001", "target": "f001"})
    assert link is not None and link.admits(ALICE) and link.admits(FAC) and not link.admits(BOB)
    both = privacy.event_audience(board, "link.add", {"id": "l2", "source": "a001", "target": "b001"})
    assert both is not None and not both.admits(ALICE) and not both.admits(BOB) and both.admits(FAC)
    assert privacy.event_audience(board, "workshop.rename", {"title": "x"}) is None
    whole = board.to_dict()
    assert {n["id"] for n in privacy.map_for(whole, BOB)["notes"]} == {"b001", "f001"}
    assert {n["id"] for n in privacy.map_for(whole, FAC)["notes"]} == {"a001", "b001", "f001"}
    event = {"seq": 9, "op": "note.update", "by": "alice", "at": 5, "data": {"id": "a001", "text": "secret"}}
    audience = privacy.event_audience(board, "note.update", event["data"])
    assert privacy.visible_event(event, audience, ALICE) is event
    assert privacy.visible_event(event, audience, BOB) == {"seq": 9, "op": "private", "by": None, "at": 5, "data": {}}
    # a client applying the placeholder only moves its head
    copy = Board.from_dict(privacy.map_for(whole, BOB))
    copy.apply(Event(seq=copy.head + 1, op="private", by=None, at=5, data={}))
    assert copy.head == whole["head"] + 1 and set(copy.notes) == {"b001", "f001"}


@pytest.mark.rule("P38")
def test_a_reveal_gives_everyone_the_private_notes_whole_named_or_not() -> None:
    board = private_board()
    add_note(board, "a001", ALICE)
    add_note(board, "b001", BOB)
    apply_op(board, ALICE, "note.add", id="a002", kind="impact", text="t", x=0.0, y=0.0)
    apply_op(board, ALICE, "link.add", id="l001", source="a001", target="a002")
    bob_view = Board.from_dict(privacy.map_for(board.to_dict(), BOB))
    reveal = apply_op(board, FAC, "notes.reveal", anonymous=True)
    assert {n["id"] for n in reveal.data["notes"]} == {"a001", "a002", "b001"}
    assert [lk["id"] for lk in reveal.data["links"]] == ["l001"]
    bob_view.head = reveal.seq - 1
    bob_view.apply(reveal)
    for b in (board, bob_view):
        assert all(n.private is None and n.author == privacy.ANONYMOUS for n in b.notes.values() if n.id != "f001")
        assert b.links["l001"].author == privacy.ANONYMOUS and b.pairs[("a001", "a002")] == "l001"
    assert run(board, ALICE, "notes.reveal").code == "facilitator_only"  # type: ignore[union-attr]


@pytest.mark.rule("P38")
def test_a_note_restored_by_its_author_in_a_private_phase_is_private_again() -> None:
    board = planned_board(current=1)  # written in the open
    add_note(board, "a001", ALICE)
    fields = {"id": "a001", "kind": "impact", "text": "t", "x": 0.0, "y": 0.0, "author": "alice"}
    apply_op(board, ALICE, "note.delete", id="a001")
    apply_op(board, FAC, "phase.go", index=0)
    apply_op(board, FAC, "plan.set", phases=[PRIVATE, {"name": "Together"}])
    assert apply_op(board, ALICE, "note.restore", **fields).data["private"] == privacy.AUTHOR_AND_FACILITATOR


@pytest.mark.rule("P38")
def test_notes_written_unseen_at_one_place_are_revealed_side_by_side() -> None:
    """Forty people write at the middle of the same view, and five in the Impacts lane: after the reveal no
    note covers another, the lane's notes are still in their lane, and a note clear of the rest stays put."""
    from server.board.model import Participant
    from server.board.spread import box_of

    board = private_board()
    apply_op(board, FAC, "lanes.set", lanes=[{"label": "Impacts", "kinds": ["impact"]}])
    add_note(board, "f001", FAC, kind="outcome", text="Already on the board", x=100.0, y=100.0)
    people = [Participant(id=f"p{i:03d}", name=f"P{i}", colour="#1f77b4", role="participant") for i in range(45)]
    for i, person in enumerate(people):
        board.participants[person.id] = person
        kind, x = ("impact", 40.0) if i < 5 else ("outcome", 100.0)  # the lane (0-320), or the middle of the view
        add_note(board, f"n{i:03d}", person, kind=kind, text=f"Impact {i} " * (1 + i % 4), x=x, y=100.0)
    add_note(board, "away", people[0], kind="outcome", text="Far off", x=5000.0, y=5000.0)
    reveal = apply_op(board, FAC, "notes.reveal")
    boxes = {n.id: box_of(n.text, n.x, n.y) for n in board.notes.values()}
    for a, box in boxes.items():
        for b, other in boxes.items():
            assert a == b or box.clear_of(other), (a, b)
    for i in range(5):
        note = board.notes[f"n{i:03d}"]
        assert 0 <= note.x and note.x + boxes[note.id].w <= 320, note  # still in the Impacts lane
    assert (board.notes["away"].x, board.notes["away"].y) == (5000.0, 5000.0)
    assert (board.notes["f001"].x, board.notes["f001"].y) == (100.0, 100.0)  # public notes never move
    moved = [n for n in reveal.data["notes"] if n["version"] == reveal.seq]
    assert len(moved) == 45 and all(not n["private"] for n in reveal.data["notes"])
