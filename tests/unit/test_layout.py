"""The layout by kind (server/layout): columns in theory-of-change order, notes spaced by their sizes."""

from __future__ import annotations

import random
import shutil
from typing import Any

import pytest

from server.layout import kinds
from server.layout.sizes import note_size

PALETTE = ["impact", "outcome", "output", "activity", "assumption"]


def crowded_map(count: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    notes = [
        {
            "id": f"n{i:04d}",
            "kind": rng.choice(PALETTE),
            "text": " ".join(
                rng.choice(["evidence", "policy", "briefing", "政策", "أدلة", "🙂"]) for _ in range(rng.randint(1, 25))
            ),
            "x": rng.uniform(0, 3000),
            "y": rng.uniform(0, 2000),
        }
        for i in range(count)
    ]
    links = [{"source": f"n{rng.randrange(count):04d}", "target": f"n{rng.randrange(count):04d}"} for _ in range(count)]
    return {
        "notes": notes,
        "links": [lk for lk in links if lk["source"] != lk["target"]],
        "workshop": {"kinds": [{"name": k} for k in PALETTE]},
    }


def check(snapshot: dict[str, Any], placed: list[kinds.Placed]) -> None:
    notes = {n["id"]: n for n in snapshot["notes"]}
    assert sorted(p.id for p in placed) == sorted(notes)
    boxes = [(p.x, p.y, *note_size(notes[p.id]["text"])) for p in placed]
    for i, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, "two notes overlap"
    # Every column holds one kind, and the kinds run activity → output → outcome → impact → assumption.
    order = ["activity", "output", "outcome", "impact", "assumption"]
    rightmost = {k: max((p.x for p in placed if notes[p.id]["kind"] == k), default=None) for k in order}
    leftmost = {k: min((p.x for p in placed if notes[p.id]["kind"] == k), default=None) for k in order}
    used = [k for k in order if rightmost[k] is not None]
    for a, b in zip(used, used[1:], strict=False):
        assert rightmost[a] < leftmost[b], f"{a} notes reach into the {b} column"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
@pytest.mark.parametrize("count", [5, 40, 300])
def test_graphviz_lays_out_columns_by_kind_without_overlaps(count: int) -> None:
    snapshot = crowded_map(count)
    placed, engine = kinds.by_kind(snapshot)
    assert engine == "graphviz"
    check(snapshot, placed)


def test_without_graphviz_the_columns_are_stacked() -> None:
    snapshot = crowded_map(60)
    placed, engine = kinds.by_kind(snapshot, use_dot=False)
    assert engine == "columns"
    check(snapshot, placed)


def test_the_map_stays_where_it_was_and_kinds_outside_the_palette_come_last() -> None:
    snapshot = crowded_map(12)
    snapshot["notes"][0]["kind"] = "retired"
    placed, _ = kinds.by_kind(snapshot)
    assert min(p.x for p in placed) == round(min(n["x"] for n in snapshot["notes"]))
    assert min(p.y for p in placed) == round(min(n["y"] for n in snapshot["notes"]))
    x = {p.id: p.x for p in placed}
    assert x["n0000"] == max(x.values())
    assert kinds.column_kinds(["impact", "custom", "activity"], ["zeta", "impact"]) == [
        "activity",
        "impact",
        "custom",
        "zeta",
    ]


def test_a_note_is_as_large_as_its_text_within_the_boards_limits() -> None:
    assert note_size("ok") == (160.0, 66.0)
    wide, tall = note_size("a fairly long sentence that wraps " * 10)
    assert wide == 240.0 and tall == note_size("x" * 5000)[1]  # at most four lines show
    assert note_size("政策" * 4)[0] > note_size("ab" * 4)[0]


@pytest.mark.rule("P45")
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_a_board_with_lanes_is_tidied_into_its_lanes() -> None:
    from server.workshop_templates import named

    template = named("theory-of-change")
    assert template is not None
    palette = [k.name for k in template.kinds]
    rng = random.Random(11)
    notes = [
        {"id": f"n{i:03d}", "kind": rng.choice(palette), "text": "evidence " * rng.randint(1, 12), "x": 0.0, "y": 0.0}
        for i in range(60)
    ]
    notes = [{**n, "x": rng.uniform(-500, 3000), "y": rng.uniform(-500, 2000)} for n in notes]
    snapshot = {
        "notes": notes,
        "links": [],
        "workshop": {"kinds": [{"name": k} for k in palette]},
        "lanes": [lane.to_dict() for lane in template.lanes],
    }
    placed, _ = kinds.by_kind(snapshot)
    kind = {n["id"]: n["kind"] for n in notes}
    lanes = {k: lane for lane in template.lanes for k in lane.kinds}
    last_right = max(lane.x + lane.width for lane in template.lanes)
    for p in placed:
        width = note_size(next(n["text"] for n in notes if n["id"] == p.id))[0]
        lane = lanes.get(kind[p.id])
        if lane is not None:  # inside its lane, whole
            assert lane.x <= p.x and p.x + width <= lane.x + lane.width, (kind[p.id], p)
        else:  # preconditions and assumptions: beside the lanes, never in one
            assert p.x >= last_right, (kind[p.id], p)
    boxes = [(p.x, p.y, *note_size(next(n["text"] for n in notes if n["id"] == p.id))) for p in placed]
    for i, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, "two notes overlap"
