"""Merging duplicate notes (P43): links, dots and authorship carried over, and a merge undone."""

from __future__ import annotations

import pytest

from server.board.model import Board
from tests.unit.test_phases import BOB, planned_board
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, refused, run


def duplicates() -> Board:
    """a001 (Alice) and b001 (Bob) say the same; both lead to o001; x001 leads to b001; a001 → b001 too."""
    board = planned_board(current=1)
    add_note(board, "a001", ALICE, text="Ministers cite us")
    add_note(board, "b001", BOB, text="Ministers quote our work")
    add_note(board, "o001", ALICE, kind="outcome")
    add_note(board, "x001", BOB, kind="activity")
    for lid, s, t in (
        ("lk01", "a001", "o001"),
        ("lk02", "b001", "o001"),
        ("lk03", "x001", "b001"),
        ("lk04", "a001", "b001"),
    ):
        apply_op(board, ALICE, "link.add", id=lid, source=s, target=t)
    return board


@pytest.mark.rule("P43")
def test_a_merge_carries_links_dots_and_authorship_to_the_note_merged_into() -> None:
    board = duplicates()
    apply_op(board, FAC, "vote.open", on="notes", budget=3, max_per_item=3)
    apply_op(board, BOB, "vote.cast", item="b001", dots=2)
    apply_op(board, ALICE, "vote.cast", item="a001", dots=1)
    merge = apply_op(board, FAC, "notes.merge", into="a001", notes=["b001"])
    assert "b001" not in board.notes and "b001" in board.deleted
    assert {(lk.source, lk.target) for lk in board.links.values()} == {("a001", "o001"), ("x001", "a001")}
    assert sorted(merge.data["dropped"]) == ["lk02", "lk04"]  # a duplicate of l1, and a link to itself
    assert board.notes["a001"].merged[0]["notes"][0]["author"] == BOB.id  # whose idea it was, kept
    assert board.votes[-1].ballots == {BOB.id: {"a001": 2}, ALICE.id: {"a001": 1}}
    assert Board.from_dict(board.to_dict()).notes["a001"].merged == board.notes["a001"].merged


@pytest.mark.rule("P43")
def test_unmerge_puts_the_notes_and_their_links_back_as_they_were() -> None:
    board = duplicates()
    before = {lid: (lk.source, lk.target, lk.label) for lid, lk in board.links.items()}
    apply_op(board, FAC, "notes.merge", into="a001", notes=["b001"])
    undo = apply_op(board, FAC, "notes.unmerge", id="a001")
    assert board.notes["b001"].text == "Ministers quote our work" and board.notes["b001"].author == BOB.id
    assert {lid: (lk.source, lk.target, lk.label) for lid, lk in board.links.items()} == before
    assert board.notes["b001"].version == undo.seq and board.notes["a001"].merged == []
    assert {v: k for k, v in board.pairs.items()} == {lid: (s, t) for lid, (s, t, _) in before.items()}
    refused(run(board, FAC, "notes.unmerge", id="a001"), "bad_value")  # nothing left to undo


@pytest.mark.rule("P43")
def test_an_unmerge_expecting_an_older_version_undoes_nothing() -> None:
    board = duplicates()
    merge = apply_op(board, FAC, "notes.merge", into="a001", notes=["b001"])
    apply_op(board, ALICE, "note.update", id="a001", text="Ministers cite and quote us")
    refused(run(board, FAC, "notes.unmerge", id="a001", expect=merge.seq), "changed_since")
    assert "b001" not in board.notes  # still merged
    apply_op(board, FAC, "notes.unmerge", id="a001", expect=board.notes["a001"].version)
    assert "b001" in board.notes


@pytest.mark.rule("P43")
def test_what_cannot_be_merged() -> None:
    board = duplicates()
    refused(run(board, FAC, "notes.merge", into="a001", notes=[]), "bad_value")
    refused(run(board, FAC, "notes.merge", into="a001", notes=["a001"]), "bad_value")
    refused(run(board, FAC, "notes.merge", into="a001", notes=["gone0001"]), "note_missing")
    refused(run(board, FAC, "notes.merge", into="a001", notes=["b001"], expect=99), "changed_since")
    apply_op(board, FAC, "plan.set", phases=[{"name": "Own notes only", "edit_others": False}])
    refused(run(board, ALICE, "notes.merge", into="a001", notes=["b001"]), "phase_forbids")  # Bob's note
