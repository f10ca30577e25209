"""Contribution stories (P52): the rules, directly, and their way through the JSON export and back."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from server import export, imports
from server.board import stories
from server.board.model import Board
from server.storage.memory import MemoryStorage
from server.web.list_forms import list_stories
from tests.support.maps import ANA, BEN, MapBuilder
from tests.unit.test_pathway_votes import DIRECT, VIA_GUIDE
from tests.unit.test_phases import BOB
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, new_board, refused, run

NOW = 1_700_000_000_000
STORY = {
    "id": "story001",
    "title": "Ministers use the guide",
    "pathway": VIA_GUIDE,
    "what_changed": "Two ministries cite the guide in their briefs",
    "for_whom": "Policy officials",
    "what_we_did": "Training and a practical guide",
    "how_it_contributed": "Officials trained on the guide reached for it when drafting",
    "evidence": "Interviews with six officials; the briefs themselves",
}


def story_board() -> Board:
    """train → guide → minister (an impact), train → minister, and an `assumption` note standing for another
    factor (the default palette has no `other-factor` kind; a story may name a note of any kind)."""
    board = new_board()
    board.participants[BOB.id] = BOB
    for note_id, kind in [("train001", "activity"), ("guide001", "output"), ("minister", "impact")]:
        add_note(board, note_id, ALICE, kind=kind)
    add_note(board, "factor01", ALICE, kind="assumption", text="A new minister keen on evidence")
    for link_id, source, target in [
        ("l-train-guide", "train001", "guide001"),
        ("l-guide-min", "guide001", "minister"),
        ("l-train-min", "train001", "minister"),
    ]:
        apply_op(board, ALICE, "link.add", id=link_id, source=source, target=target)
    return board


@pytest.mark.rule("P52")
def test_a_story_is_told_along_a_pathway_that_is_a_chain_on_the_board() -> None:
    board = story_board()
    added = apply_op(board, BOB, "story.add", **STORY, other_factors=["factor01"])
    story = board.stories["story001"]
    assert (story.author, story.version, story.other_factors, story.pathway) == ("bob", 1, ["factor01"], VIA_GUIDE)
    assert added.data == story.to_dict() and not stories.broken(board, VIA_GUIDE)
    for bad in [
        "guide001>minister",  # starts at an output, not an activity
        "train001>guide001",  # ends at an output, not an impact
        "minister>train001",  # backwards: no link leads that way
        "train001>nothing0>minister",  # a note not on the board
        "train001>train001>minister",
        "train001",
        "",
        ">".join(["train001"] * 13),
    ]:
        refused(run(board, ALICE, "story.add", **{**STORY, "id": "story002", "pathway": bad}), "bad_value")
    refused(run(board, ALICE, "story.add", **STORY), "note_exists")  # the id is taken
    refused(run(board, ALICE, "story.add", **{**STORY, "id": "x"}), "bad_value")
    gone = {**STORY, "id": "story002", "other_factors": ["gone0001"]}
    refused(run(board, ALICE, "story.add", **gone), "note_missing")
    refused(run(board, ALICE, "story.update", id="story001", pathway="train001>guide001"), "bad_value")
    apply_op(board, ALICE, "story.update", id="story001", pathway=DIRECT)
    assert board.stories["story001"].pathway == DIRECT


@pytest.mark.rule("P52")
def test_a_story_whose_pathway_breaks_stays_and_is_marked_broken() -> None:
    board = story_board()
    apply_op(board, BOB, "story.add", **STORY)
    apply_op(board, ALICE, "link.delete", id="l-guide-min")
    assert "story001" in board.stories and stories.broken(board, VIA_GUIDE)
    apply_op(board, ALICE, "story.update", id="story001", title="Still told", pathway=VIA_GUIDE)  # unchanged: kept
    refused(run(board, ALICE, "story.update", id="story001", pathway=VIA_GUIDE + ">train001"), "bad_value")
    apply_op(board, ALICE, "note.delete", id="guide001")
    assert stories.broken(board, VIA_GUIDE) and board.stories["story001"].title == "Still told"
    assert Board.from_dict(board.to_dict()).stories == board.stories


@pytest.mark.rule("P52")
def test_every_field_of_a_story_is_bounded_and_the_board_holds_a_bounded_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    board = story_board()
    refused(run(board, ALICE, "story.add", **{**STORY, "title": "  "}), "text_empty")
    refused(run(board, ALICE, "story.add", **{**STORY, "title": "t" * 201}), "text_too_long")
    for name in stories.FIELDS:
        refused(run(board, ALICE, "story.add", **{**STORY, name: "x" * 2001}), "text_too_long")
    many = [f"f{i:07d}" for i in range(21)]
    refused(run(board, ALICE, "story.add", **{**STORY, "other_factors": many}), "bad_value")
    refused(run(board, ALICE, "story.add", **{**STORY, "other_factors": ["factor01", "factor01"]}), "bad_value")
    apply_op(board, ALICE, "story.add", **{**STORY, "what_changed": "x" * 2000})
    monkeypatch.setattr(stories, "MAX_STORIES", 1)
    refused(run(board, ALICE, "story.add", **{**STORY, "id": "story002"}), "board_full")
    apply_op(board, FAC, "workshop.lock")
    refused(run(board, ALICE, "story.update", id="story001", title="Locked"), "board_locked")


@pytest.mark.rule("P52")
def test_a_story_update_or_delete_expects_the_version_its_sender_saw() -> None:
    board = story_board()
    apply_op(board, ALICE, "story.add", **STORY)
    apply_op(board, BOB, "story.update", id="story001", evidence="The briefs", expect=1)
    story = board.stories["story001"]
    assert (story.evidence, story.version, story.title) == ("The briefs", 2, STORY["title"])
    refused(run(board, ALICE, "story.update", id="story001", title="Mine", expect=1), "changed_since")
    refused(run(board, ALICE, "story.update", id="story001"), "bad_frame")
    refused(run(board, ALICE, "story.delete", id="story001", expect=1), "changed_since")
    refused(run(board, ALICE, "story.update", id="nowhere1", title="x"), "note_missing")
    apply_op(board, ALICE, "story.delete", id="story001", expect=2)
    assert not board.stories
    refused(run(board, ALICE, "story.delete", id="story001"), "note_missing")


@pytest.mark.rule("P52")
def test_a_story_cannot_name_a_private_note() -> None:
    board = story_board()
    apply_op(board, FAC, "plan.set", phases=[{"name": "On your own", "private": True}])
    add_note(board, "secret01", ALICE, kind="output")
    add_note(board, "secret02", ALICE, kind="assumption")
    apply_op(board, ALICE, "link.add", id="l-train-secret", source="train001", target="secret01")
    apply_op(board, ALICE, "link.add", id="l-secret-min", source="secret01", target="minister")
    refused(run(board, ALICE, "story.add", **{**STORY, "pathway": "train001>secret01>minister"}), "bad_value")
    refused(run(board, ALICE, "story.add", **{**STORY, "other_factors": ["secret02"]}), "bad_value")
    apply_op(board, ALICE, "story.add", **STORY)
    refused(run(board, ALICE, "story.update", id="story001", other_factors=["secret02"]), "bad_value")
    apply_op(board, FAC, "notes.reveal")
    apply_op(board, ALICE, "story.update", id="story001", pathway="train001>secret01>minister")


def imported(document: dict[str, Any]) -> dict[str, Any]:
    storage = MemoryStorage()
    done = imports.import_map(storage, b"k" * 32, imports.read_upload(orjson.dumps(document), "map.json"))
    loaded = storage.load_board(done.created.workshop.id)
    assert loaded is not None
    return loaded.board.to_dict()


def storied_map() -> dict[str, Any]:
    m = MapBuilder()
    m.note("act00001", "activity", "Briefings for officials")
    m.note("out00001", "output", "A guide")
    m.note("imp00001", "impact", "政策采纳证据 📚")
    m.note("fac00001", "assumption", "An election")
    for link_id, source, target in [("lnk00001", "act00001", "out00001"), ("lnk00002", "out00001", "imp00001")]:
        m.do(ANA, op="link.add", id=link_id, source=source, target=target)
    pathway = "act00001>out00001>imp00001"
    m.do(BEN, op="story.add", **{**STORY, "pathway": pathway, "other_factors": ["fac00001"]})
    m.do(ANA, op="story.add", **{**STORY, "id": "story002", "title": "Direct 🚀", "pathway": pathway})
    m.do(ANA, op="story.update", id="story002", for_whom="Ministers «Ø»")
    m.do(ANA, op="link.delete", id="lnk00002")  # both stories' pathway is broken now
    return m.snapshot()


@pytest.mark.rule("P52")
def test_stories_travel_in_the_json_export_and_come_back_on_import_even_when_broken() -> None:
    original = storied_map()
    document = orjson.loads(export.export(original, "json", NOW))
    assert document["stories"] == original["stories"] and len(document["stories"]) == 2
    copy = imported(document)
    assert copy["stories"] == original["stories"]  # authors, times and versions too
    assert imported({k: v for k, v in document.items() if k != "stories"})["stories"] == []  # older files: none
    for bad, message in [
        ("stories", "stories: expected a JSON array"),
        ([{**document["stories"][0], "title": ""}], r"stories\[0\]: text_empty"),
        ([{**document["stories"][0], "pathway": "imp00001>act00001"}], r"stories\[0\]: bad_value"),
        ([{**document["stories"][0], "evidence": 3}], r"stories\[0\]"),
    ]:
        with pytest.raises(imports.ImportProblem, match=message):
            imported({**document, "stories": bad})


@pytest.mark.rule("P52")
def test_the_list_view_shows_each_story_with_its_pathway_by_name_and_whether_it_is_broken() -> None:
    shown = list_stories(storied_map())
    assert [s["title"] for s in shown] == [STORY["title"], "Direct 🚀"]
    first = shown[0]
    assert first["pathway"] == "Briefings for officials → A guide → 政策采纳证据 📚" and first["broken"]
    assert first["other_factors"] == ["An election"]
    assert first["parts"][0] == ("What changed", STORY["what_changed"]) and len(first["parts"]) == 5
