"""Restoring deleted notes and links (P31), and operations that expect a version (P32): the rules, directly."""

from __future__ import annotations

from typing import Any

import pytest

from server.board.change import Change
from server.board.model import Board, Event
from server.protocol.codec import decode
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, new_board, refused, run


def restore_fields(board_before: Board, note_id: str) -> dict[str, Any]:
    """What an undoing client sends: the note and its links as it last saw them."""
    n = board_before.notes[note_id]
    links = [
        {"id": lk.id, "source": lk.source, "target": lk.target, "label": lk.label, "author": lk.author}
        for lk in board_before.links.values()
        if note_id in (lk.source, lk.target)
    ]
    return {
        "id": n.id,
        "kind": n.kind,
        "text": n.text,
        "x": n.x,
        "y": n.y,
        "colour": n.colour,
        "author": n.author,
        "created_at": n.created_at,
        "links": links,
    }


def linked_board() -> Board:
    """n001 → n002 (labelled), n003 → n001."""
    board = new_board()
    for i in (1, 2, 3):
        add_note(board, f"n00{i}")
    apply_op(board, ALICE, "link.add", id="l001", source="n001", target="n002", label="leads to")
    apply_op(board, ALICE, "link.add", id="l002", source="n003", target="n001")
    return board


@pytest.mark.rule("P31")
def test_a_restored_note_comes_back_with_its_links_under_the_same_ids() -> None:
    board = linked_board()
    before = Board.from_dict(board.to_dict())
    fields = restore_fields(board, "n001")
    apply_op(board, FAC, "note.delete", id="n001")
    event = apply_op(board, FAC, "note.restore", **fields)
    assert event.op == "note.restore"
    assert sorted(lk["id"] for lk in event.data["links"]) == ["l001", "l002"]
    note = board.notes["n001"]
    assert (note.text, note.kind, note.x, note.y, note.author) == ("text of n001", "impact", 1.0, 2.0, "alice")
    assert note.version == event.seq  # above any version it had
    assert board.links["l001"].label == "leads to" and board.links["l001"].version == event.seq
    assert board.pairs == before.pairs
    assert {k: v for k, v in board.to_dict().items() if k not in ("head", "notes", "links")} == {
        k: v for k, v in before.to_dict().items() if k not in ("head", "notes", "links")
    }
    # The ids stay taken for note.add and link.add, on the board or not.
    refused(run(board, ALICE, "note.add", id="n001", kind="impact", text="x", x=0.0, y=0.0), "note_exists")
    refused(run(board, ALICE, "note.restore", **fields), "note_exists")
    # A board rebuilt from a snapshot holds the same.
    copy = Board.from_dict(board.to_dict())
    assert copy.to_dict() == board.to_dict()


@pytest.mark.rule("P31")
def test_links_that_cannot_come_back_are_left_out() -> None:
    board = linked_board()
    add_note(board, "n004")
    apply_op(board, ALICE, "link.add", id="l004", source="n004", target="n001")
    fields = restore_fields(board, "n001")
    apply_op(board, FAC, "note.delete", id="n001")
    apply_op(board, ALICE, "note.delete", id="n002")  # l001's other end is gone
    apply_op(board, ALICE, "note.delete", id="n004")  # and l004's
    never_used = {"id": "l999", "source": "n001", "target": "n003", "label": ""}
    live_link = {"id": "l005", "source": "n003", "target": "n001", "label": ""}
    fields["links"] += [never_used, live_link, fields["links"][1]]  # a never-deleted id, a duplicate
    event = apply_op(board, FAC, "note.restore", **fields)
    assert [lk["id"] for lk in event.data["links"]] == ["l002"]
    assert set(board.links) == {"l002"}
    # A link whose two notes another link joins meanwhile stays out too.
    apply_op(board, ALICE, "note.delete", id="n001")
    add_note(board, "n005")
    apply_op(board, ALICE, "link.add", id="l006", source="n003", target="n005")
    fields = {**fields, "links": [{"id": "l002", "source": "n003", "target": "n001", "label": ""}]}
    event = apply_op(board, ALICE, "note.restore", **fields)
    assert [lk["id"] for lk in event.data["links"]] == ["l002"]  # n003 → n001 is free
    # A link that does not end at the note is a bad frame, not something left out.
    apply_op(board, ALICE, "note.delete", id="n001")
    stray = {"id": "l006", "source": "n003", "target": "n005", "label": ""}
    refused(run(board, ALICE, "note.restore", **{**fields, "links": [stray]}), "bad_value")


@pytest.mark.rule("P31")
def test_only_ids_this_workshop_deleted_are_restored() -> None:
    board = linked_board()
    fields = restore_fields(board, "n001")
    before = board.to_dict()
    refused(run(board, ALICE, "note.restore", **fields), "note_exists")  # on the board
    refused(run(board, ALICE, "note.restore", **{**fields, "id": "l001", "links": []}), "note_exists")  # a link's
    refused(run(board, ALICE, "note.restore", **{**fields, "id": "other-workshops", "links": []}), "note_missing")
    apply_op(board, FAC, "note.delete", id="n001")
    before = board.to_dict()
    for bad, code in [
        ({"author": "stranger"}, "bad_value"),
        ({"created_at": 10**12 * 9}, "bad_value"),
        ({"kind": "wish"}, "unknown_kind"),
        ({"text": " "}, "text_empty"),
        ({"x": 1e9}, "bad_value"),
        ({"links": [{"id": "l001", "source": "n001", "target": "n002", "label": "x" * 201}]}, "text_too_long"),
        ({"links": [{"id": "l1", "source": "n001", "target": "n002"}]}, "bad_value"),
    ]:
        refused(run(board, ALICE, "note.restore", **{**fields, **bad}), code)
    apply_op(board, FAC, "workshop.lock")
    refused(run(board, ALICE, "note.restore", **fields), "board_locked")
    apply_op(board, FAC, "workshop.unlock")
    assert board.to_dict()["notes"] == before["notes"]
    assert isinstance(run(board, ALICE, "note.restore", **fields), Change)


@pytest.mark.rule("P31")
def test_a_deleted_link_comes_back_when_both_ends_are_there() -> None:
    board = linked_board()
    link = {"id": "l001", "source": "n001", "target": "n002", "label": "leads to", "author": "alice"}
    refused(run(board, ALICE, "link.restore", **link), "note_exists")
    refused(run(board, ALICE, "link.restore", **{**link, "id": "lnever"}), "link_missing")
    apply_op(board, ALICE, "link.delete", id="l001")
    event = apply_op(board, FAC, "link.restore", **link)
    restored = board.links["l001"]
    assert (restored.label, restored.author, restored.version) == ("leads to", "alice", event.seq)
    assert board.pairs[("n001", "n002")] == "l001"
    apply_op(board, ALICE, "link.delete", id="l001")
    apply_op(board, ALICE, "link.add", id="l007", source="n001", target="n002")
    refused(run(board, ALICE, "link.restore", **link), "link_duplicate")
    apply_op(board, ALICE, "note.delete", id="n002")
    refused(run(board, ALICE, "link.restore", **link), "note_deleted")
    refused(run(board, ALICE, "link.restore", **{**link, "target": "n001"}), "link_self")


@pytest.mark.rule("P31")
def test_a_restored_id_can_be_deleted_and_restored_again() -> None:
    board = linked_board()
    fields = restore_fields(board, "n001")
    for _ in range(3):
        event = apply_op(board, ALICE, "note.delete", id="n001")
        assert sorted(event.data["links"]) == ["l001", "l002"]
        apply_op(board, ALICE, "note.restore", **fields)
    assert set(board.links) == {"l001", "l002"}
    refused(run(board, ALICE, "note.update", id="n001", text="x", expect=1), "changed_since")


@pytest.mark.rule("P32")
def test_an_expected_version_that_moved_on_is_refused_and_changes_nothing() -> None:
    board = linked_board()
    apply_op(board, ALICE, "note.update", id="n001", text="mine", expect=1)  # version 1 → 2
    apply_op(board, FAC, "note.update", id="n001", text="Fran's")  # → 3
    apply_op(board, FAC, "link.update", id="l001", label="Fran's label")  # link 1 → 2
    before = board.to_dict()
    for name, fields in [
        ("note.update", {"id": "n001", "text": "undo mine", "expect": 2}),
        ("note.update", {"id": "n001", "kind": "outcome", "expect": 2}),
        ("note.move", {"id": "n001", "x": 9.0, "y": 9.0, "expect": 2}),
        ("note.delete", {"id": "n001", "expect": 2}),
        ("link.update", {"id": "l001", "label": "mine", "expect": 1}),
        ("link.delete", {"id": "l001", "expect": 1}),
    ]:
        refused(run(board, ALICE, name, **fields), "changed_since")
    assert board.to_dict() == before
    refused(decode('{"op": "note.update", "id": "n001", "text": "x", "expect": 0}')[0], "bad_frame")
    # The version as it is now is accepted; each change raises it.
    event = apply_op(board, ALICE, "link.update", id="l001", label="mine", expect=2)
    assert event.data["version"] == 3 == board.links["l001"].version
    apply_op(board, ALICE, "note.move", id="n001", x=5.0, y=5.0, expect=3)
    apply_op(board, ALICE, "note.update", id="n001", text="again", expect=4)
    apply_op(board, ALICE, "link.delete", id="l001", expect=3)
    apply_op(board, ALICE, "note.delete", id="n001", expect=5)


@pytest.mark.rule("P32")
def test_a_delete_expecting_fewer_links_is_refused() -> None:
    board = linked_board()
    before = board.to_dict()
    refused(run(board, ALICE, "note.delete", id="n001", expect=1, expect_links=["l001"]), "changed_since")
    refused(run(board, ALICE, "note.delete", id="n001", expect_links=[]), "changed_since")
    assert board.to_dict() == before
    # Links expected but gone already do not matter: nothing of anyone's is lost by deleting the note.
    apply_op(board, FAC, "link.delete", id="l002")
    event = apply_op(board, ALICE, "note.delete", id="n001", expect=1, expect_links=["l001", "l002"])
    assert event.data["links"] == ["l001"]


@pytest.mark.rule("P32")
def test_links_from_before_link_versions_load_as_version_one() -> None:
    board = linked_board()
    old = board.to_dict()
    for lk in old["links"]:
        del lk["version"]
    copy = Board.from_dict(old)
    assert {lk.version for lk in copy.links.values()} == {1}
    # An old link.update event, stored without a version, still raises it by one when replayed.

    copy.apply(
        Event(seq=copy.head + 1, op="link.update", by="alice", at=0, data={"id": "l001", "label": "x", "updated_at": 0})
    )
    assert copy.links["l001"].version == 2
    apply_op(copy, ALICE, "link.update", id="l001", label="y", expect=2)
