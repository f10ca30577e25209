"""The list view's forms without scripts: where a note it adds goes (the first grid cell no note overlaps), the
operations its selection bar asks for (P43, P44), and its groups — each cluster's notes, then each kind's."""

from __future__ import annotations

from typing import Any

import pytest

from server.board.clusters import frame_around, notes_inside
from server.web.list_forms import CELL_H, CELL_W, NOTE_H, NOTE_W, ListFormProblem, free_spot, list_frame, list_groups


def at(x: float, y: float) -> dict[str, float]:
    return {"x": x, "y": y}


def test_a_new_note_goes_to_the_first_free_cell_and_overlaps_no_note() -> None:
    assert free_spot([]) == (0.0, 0.0)
    assert free_spot([at(0, 0), at(CELL_W, 0)]) == (2.0 * CELL_W, 0.0)
    # A note dragged between cells takes both; a deleted note's cell is used again.
    assert free_spot([at(CELL_W / 2, 0)]) == (2.0 * CELL_W, 0.0)
    assert free_spot([at(CELL_W, 0)]) == (0.0, 0.0)
    crowded = [at(c * CELL_W + 30, r * CELL_H + 30) for r in range(3) for c in range(6)]
    x, y = free_spot(crowded)
    assert all(abs(n["x"] - x) >= NOTE_W or abs(n["y"] - y) >= NOTE_H for n in crowded), (x, y)
    assert free_spot([at(-5000, 10**6)]) == (0.0, 0.0)


def note(note_id: str, kind: str, x: float, y: float, **extra: Any) -> dict[str, Any]:
    return {"id": note_id, "kind": kind, "text": note_id, "x": x, "y": y, **extra}


KINDS = [{"name": "impact", "label": "Impact"}, {"name": "activity", "label": "Activity"}]


def test_a_cluster_holds_the_notes_whose_middle_is_inside_its_frame_and_a_frame_drawn_around_notes_holds_them() -> None:
    notes = [note("a", "impact", 0, 0), note("b", "impact", 300, 0), note("far", "impact", 900, 0)]
    frame = frame_around(notes[:2])
    assert frame == {"x": -24.0, "y": -64.0, "width": 548.0, "height": 208.0}
    assert notes_inside(frame, notes) == ["a", "b"]
    edge = {"x": 100, "y": 60, "width": 1, "height": 1}  # exactly on a note's middle counts as inside
    assert notes_inside(edge, notes) == ["a"]
    assert notes_inside(frame, [note("p", "impact", 0, 0, private="author")]) == []  # private notes stay put


def test_the_list_groups_notes_under_the_first_cluster_holding_them_then_by_kind() -> None:
    board = {
        "workshop": {"kinds": KINDS},
        "notes": [note("a", "impact", 0, 0), note("b", "activity", 0, 200), note("c", "impact", 2000, 0)],
        "clusters": [
            {"id": "one", "x": -24, "y": -64, "width": 300, "height": 400},
            {"id": "two", "x": -50, "y": -50, "width": 400, "height": 300},  # overlaps "one": a stays there
            {"id": "empty", "x": 5000, "y": 5000, "width": 10, "height": 10},
        ],
    }
    groups = [
        (g.get("cluster", g.get("kind"))["id" if "cluster" in g else "name"], [n["id"] for n in g["notes"]])
        for g in list_groups(board)
    ]
    assert groups == [("one", ["a", "b"]), ("two", []), ("empty", []), ("impact", ["c"]), ("activity", [])]


def test_the_selection_bar_merges_into_the_chosen_note_or_the_first_and_frames_a_named_cluster() -> None:
    board = {"notes": [note("a", "impact", 0, 0), note("b", "impact", 300, 0), note("c", "impact", 600, 0)]}
    merge = {"action": "merge", "into": "b"}
    assert list_frame(merge, board, ["a", "b", "gone"]) == {"op": "notes.merge", "into": "b", "notes": ["a"]}
    assert list_frame({"action": "merge", "into": ""}, board, ["c", "a"])["into"] == "c"
    cluster = list_frame({"action": "cluster", "label": "  Ours "}, board, ["a", "b"])
    assert cluster["op"] == "cluster.add" and cluster["label"] == "Ours"
    assert {k: cluster[k] for k in ("x", "y", "width", "height")} == frame_around(board["notes"][:2])
    for form, chosen, problem in [
        (merge, ["a"], "Select two or more notes to merge."),
        ({"action": "cluster", "label": "Ours"}, [], "Select the notes to put in the cluster."),
        ({"action": "cluster", "label": " "}, ["a"], "Give the cluster a name."),
    ]:
        with pytest.raises(ListFormProblem, match=problem):
            list_frame(form, board, chosen)
    assert list_frame({"action": "unmerge", "note": "a"}, board) == {"op": "notes.unmerge", "id": "a"}
    assert list_frame({"action": "cluster-rename", "cluster": "k", "label": " New "}, board) == {
        "op": "cluster.update",
        "id": "k",
        "label": "New",
    }
    assert list_frame({"action": "cluster-delete", "cluster": "k"}, board) == {"op": "cluster.delete", "id": "k"}
