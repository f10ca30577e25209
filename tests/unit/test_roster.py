"""Renaming and removing people (P50): the pure rules, with no server."""

from __future__ import annotations

import orjson
import pytest

from server.board import ops
from server.board.change import Change
from server.board.model import Board, Participant
from server.board.refusals import Refusal
from server.board.rules import decide, participant_join
from server.export import export
from server.export.mapview import MapView
from tests.unit.test_phases import proxy
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, commit, new_board, refused, run

BOB = Participant(id="bob", name="Bob", colour="#1e7b34", role="participant")
CO_FAC = Participant(id="fac2", name="Gus", colour="#7b52ab", role="facilitator")


def rename(board: Board, actor: Participant, person: str, name: str) -> Change | Refusal:
    """Decide a `participant.rename` (its `name` field would clash with the helpers' op name)."""
    frame = {"op": "participant.rename", "id": person, "name": name}
    return decide(board, ops.OP_ADAPTER.validate_python(frame), actor, 5000)


def participant_fields(pid: str) -> dict[str, str]:
    p = {q.id: q for q in (FAC, ALICE, BOB, CO_FAC)}[pid]
    return {"id": p.id, "name": p.name, "colour": p.colour, "role": p.role}


def people_board() -> Board:
    board = new_board()
    for p in (BOB, CO_FAC):
        commit(board, participant_join(p), p)
    return board


@pytest.mark.rule("P50")
def test_the_facilitator_renames_anyone_and_each_person_themselves() -> None:
    board = people_board()
    amal = commit(board, proxy(board, FAC, "Amal"), FAC).data["id"]
    event = commit(board, rename(board, FAC, "alice", "  Alice Obi  "), FAC)
    assert event.data == {"id": "alice", "name": "Alice Obi"} and board.participants["alice"].name == "Alice Obi"
    commit(board, rename(board, FAC, amal, "Amal " + "k" * 70), FAC)  # a proxy keeps its own bound (P42)
    commit(board, rename(board, BOB, "bob", "Robert"), BOB)  # anyone may rename themselves
    assert board.participants["bob"].name == "Robert"
    refused(rename(board, BOB, "alice", "Not Alice"), "facilitator_only")
    refused(rename(board, FAC, "alice", "   "), "text_empty")
    refused(rename(board, FAC, "alice", "x" * 41), "text_too_long")  # as joining takes names
    refused(rename(board, FAC, amal, "x" * 81), "text_too_long")
    refused(rename(board, FAC, "nobody", "Who"), "participant_missing")
    assert Board.from_dict(board.to_dict()).participants == board.participants


@pytest.mark.rule("P50")
def test_a_removed_person_keeps_their_notes_loses_their_dots_and_can_do_nothing_more() -> None:
    board = people_board()
    add_note(board, "n001", BOB)
    add_note(board, "n002", ALICE)
    apply_op(board, FAC, "vote.open", on="notes", budget=3, max_per_item=2)
    apply_op(board, BOB, "vote.cast", item="n002", dots=2)
    apply_op(board, ALICE, "vote.cast", item="n001", dots=1)
    removal = apply_op(board, FAC, "participant.remove", id="bob")
    assert removal.data == {"id": "bob"} and board.participants["bob"].removed
    assert board.notes["n001"].author == "bob"  # what they made stays theirs
    assert board.votes[-1].ballots == {"alice": {"n001": 1}}  # their dots leave the open vote
    refused(run(board, BOB, "note.add", id="n003", kind="impact", text="t", x=0.0, y=0.0), "participant_removed")
    refused(run(board, BOB, "presence.set", editing=None), "participant_removed")
    refused(run(board, FAC, "participant.remove", id="bob"), "bad_value")  # once is enough: nothing changes
    refused(rename(board, FAC, "bob", "Bobby"), "bad_value")
    refused(run(board, FAC, "participant.remove", id="fac"), "bad_value")  # never yourself
    refused(run(board, FAC, "participant.remove", id="nobody1"), "participant_missing")
    refused(run(board, ALICE, "participant.remove", id="fac"), "facilitator_only")
    apply_op(board, CO_FAC, "participant.remove", id="fac")  # another facilitator may: one is always left
    restored = Board.from_dict(board.to_dict())
    assert restored.participants["bob"].removed and "removed" not in board.to_dict()["participants"][1]  # Alice
    assert MapView(board.to_dict()).names["bob"] == "Bob (removed)"  # exports name them, marked removed
    kumu = orjson.loads(export(board.to_dict(), "kumu", 0))
    assert {e["author"] for e in kumu["elements"]} == {"Bob (removed)", "Alice"}
    people = orjson.loads(export(board.to_dict(), "json", 0))["participants"]
    assert [p for p in people if p.get("removed")] == [
        {**participant_fields(i), "removed": True} for i in ("fac", "bob")
    ]


@pytest.mark.rule("P50")
def test_someone_without_a_device_is_removed_and_no_longer_acted_for() -> None:
    board = people_board()
    amal = commit(board, proxy(board, FAC, "Amal"), FAC).data["id"]
    apply_op(board, FAC, "note.add", id="n001", kind="impact", text="t", x=0.0, y=0.0, on_behalf_of=amal)
    apply_op(board, FAC, "participant.remove", id=amal)
    note = run(board, FAC, "note.add", id="n002", kind="impact", text="t", x=0.0, y=0.0, on_behalf_of=amal)
    refused(note, "bad_value")
    assert board.notes["n001"].author == amal
