"""Stakeholder groups, each person's group and endorsements (P51), judged by server/board/perspectives.py."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from server import export, imports
from server.board import ops
from server.board.model import Board, Participant
from server.board.rules import decide, participant_join
from server.export import strength
from server.storage.memory import MemoryStorage
from tests.support.maps import ANA, BEN, MapBuilder
from tests.unit.test_privacy import private_board
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, commit, new_board, refused, run

BOB = Participant(id="bob", name="Bob", colour="#1e7b34", role="participant")
GRACE = {"op": "participant.proxy", "name": "Grace"}
GROUPS = [{"id": "funders", "label": "Funders", "colour": "#1f77b4"}, {"id": "practice", "label": " Practitioners "}]


def grouped_board() -> Board:
    board = new_board()
    commit(board, participant_join(BOB), BOB)
    apply_op(board, FAC, "groups.set", groups=GROUPS)
    return board


@pytest.mark.rule("P51")
def test_the_facilitator_names_the_groups_and_a_snapshot_keeps_them() -> None:
    board = grouped_board()
    assert [(g.id, g.label, g.colour) for g in board.groups] == [
        ("funders", "Funders", "#1f77b4"),
        ("practice", "Practitioners", None),  # the label is trimmed
    ]
    assert Board.from_dict(board.to_dict()).groups == board.groups
    assert "groups" not in new_board().to_dict()  # a board without groups reads as before
    refused(run(board, ALICE, "groups.set", groups=[]), "facilitator_only")


@pytest.mark.rule("P51")
def test_groups_the_board_cannot_hold_are_refused() -> None:
    board = new_board()
    many = [{"id": f"g{i}", "label": f"Group {i}"} for i in range(12)]
    apply_op(board, FAC, "groups.set", groups=many)  # twelve is the most
    for bad in (
        [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}],  # one id twice
        [{"id": "a", "label": "  "}],
        [{"id": "a", "label": "x" * 61}],
        [{"id": "a b", "label": "A"}],
        [{"id": "a", "label": "A", "colour": "red"}],
    ):
        refused(run(board, FAC, "groups.set", groups=bad), "bad_value")


@pytest.mark.rule("P51")
def test_a_participant_sets_only_their_own_group_and_the_facilitator_anyones() -> None:
    board = grouped_board()
    apply_op(board, ALICE, "participant.group", group="funders")
    assert board.participants[ALICE.id].group == "funders"
    refused(run(board, ALICE, "participant.group", participant=BOB.id, group="funders"), "facilitator_only")
    refused(run(board, ALICE, "participant.group", group="nobody"), "bad_value")
    apply_op(board, FAC, "participant.group", participant=BOB.id, group="practice")
    refused(run(board, FAC, "participant.group", participant="ghost", group="practice"), "bad_value")
    apply_op(board, ALICE, "participant.group", group=None)  # in no group
    assert board.participants[ALICE.id].group is None and board.participants[BOB.id].group == "practice"
    commit(board, participant_join(Participant("bob", "Robert", "#1e7b34", "participant")), BOB)
    assert board.participants[BOB.id].group == "practice"  # a new name keeps the group
    again = Board.from_dict(board.to_dict())
    assert again.participants[BOB.id].group == "practice"
    apply_op(board, FAC, "groups.set", groups=GROUPS[:1])  # their group is taken away: they are in none
    assert board.participants[BOB.id].group is None


@pytest.mark.rule("P51")
def test_the_facilitator_sets_the_group_of_someone_without_a_device() -> None:
    board = grouped_board()
    proxy = commit(board, decide(board, ops.OP_ADAPTER.validate_python(GRACE), FAC, 5000), FAC)
    apply_op(board, FAC, "participant.group", participant=proxy.data["id"], group="practice")
    assert board.participants[proxy.data["id"]].group == "practice"
    apply_op(board, FAC, "endorse", id=add_note(board, "n001", FAC).data["id"], on=True, on_behalf_of=proxy.data["id"])
    assert board.notes["n001"].endorsed_by == [proxy.data["id"]]


@pytest.mark.rule("P51")
def test_endorsements_are_kept_on_notes_and_links_and_withdrawn() -> None:
    board = grouped_board()
    add_note(board, "n001", ALICE)
    add_note(board, "n002", BOB)
    apply_op(board, ALICE, "link.add", id="l001", source="n001", target="n002")
    apply_op(board, BOB, "endorse", id="n001", on=True)
    apply_op(board, ALICE, "endorse", id="n001", on=True)
    apply_op(board, BOB, "endorse", id="l001", on=True)
    assert board.notes["n001"].endorsed_by == [BOB.id, ALICE.id] and board.links["l001"].endorsed_by == [BOB.id]
    refused(run(board, BOB, "endorse", id="n001", on=True), "bad_value")  # once each
    apply_op(board, BOB, "endorse", id="n001", on=False)
    refused(run(board, BOB, "endorse", id="n001", on=False), "bad_value")
    assert board.notes["n001"].endorsed_by == [ALICE.id]
    snapshot = board.to_dict()
    assert Board.from_dict(snapshot).links["l001"].endorsed_by == [BOB.id]
    assert "endorsed_by" not in next(n for n in snapshot["notes"] if n["id"] == "n002")  # none: omitted
    refused(run(board, BOB, "endorse", id="nope", on=True), "note_missing")
    apply_op(board, ALICE, "note.delete", id="n002")
    refused(run(board, BOB, "endorse", id="n002", on=True), "note_deleted")


@pytest.mark.rule("P50", "P51")
def test_a_removed_persons_endorsements_and_group_stay_and_their_confidence_in_links_goes() -> None:
    board = grouped_board()
    apply_op(board, ALICE, "participant.group", group="funders")
    apply_op(board, BOB, "participant.group", group="practice")
    add_note(board, "n001", ALICE)
    add_note(board, "n002", BOB)
    apply_op(board, ALICE, "link.add", id="l001", source="n001", target="n002")
    apply_op(board, BOB, "endorse", id="n001", on=True)
    apply_op(board, BOB, "endorse", id="l001", on=True)
    apply_op(board, ALICE, "confidence.set", id="l001", value=1)
    apply_op(board, BOB, "confidence.set", id="l001", value=5)
    assert strength.contested(board.to_dict()["links"][0])
    apply_op(board, FAC, "participant.remove", id=BOB.id)
    # What Bob said while present stays, as his notes do: his endorsements, and the group he spoke for.
    assert board.notes["n001"].endorsed_by == [BOB.id] and board.links["l001"].endorsed_by == [BOB.id]
    assert board.participants[BOB.id].group == "practice"
    # His rating does not: nobody can revise it any more, so no mean, spread or group's divergence rests on it.
    link = board.to_dict()["links"][0]
    assert link["confidence"] == {ALICE.id: 1} and strength.mean_confidence(link) == 1
    assert not strength.contested(link)
    assert Board.from_dict(board.to_dict()).links["l001"].confidence == {ALICE.id: 1}


@pytest.mark.rule("P51")
def test_a_private_note_and_its_links_are_not_endorsed() -> None:
    board = private_board()
    add_note(board, "a001", ALICE)
    refused(run(board, ALICE, "endorse", id="a001", on=True), "bad_value")
    refused(run(board, FAC, "endorse", id="a001", on=True), "bad_value")


def perspectives_map() -> dict[str, Any]:
    m = MapBuilder()
    m.note("act00001", "activity", "Briefings for officials")
    m.note("imp00001", "impact", "政策采纳证据 📚")
    m.link("lnk00001", "act00001", "imp00001")
    groups = [{"id": "funders", "label": "Funders 💶"}, {"id": "practice", "label": "ممارسون"}]
    m.do(ANA, op="groups.set", groups=groups)
    m.do(BEN, op="participant.group", group="practice")
    m.do(BEN, op="endorse", id="act00001", on=True)
    m.do(ANA, op="endorse", id="lnk00001", on=True)
    m.do(BEN, op="endorse", id="lnk00001", on=True)
    return m.snapshot()


def imported(document: dict[str, Any]) -> dict[str, Any]:
    storage = MemoryStorage()
    done = imports.import_map(storage, b"k" * 32, imports.read_upload(orjson.dumps(document), "map.json"))
    loaded = storage.load_board(done.created.workshop.id)
    assert loaded is not None
    return loaded.board.to_dict()


@pytest.mark.rule("P51")
def test_groups_members_and_endorsements_travel_in_json_and_come_back_on_import() -> None:
    original = perspectives_map()
    document = orjson.loads(export.export(original, "json", 1_700_000_100_000))
    assert document["groups"] == original["groups"]
    assert {p["id"]: p.get("group") for p in document["participants"]} == {ANA.id: None, BEN.id: "practice"}
    assert document["links"][0]["endorsed_by"] == [ANA.id, BEN.id]
    copy = imported(document)
    assert copy["groups"] == original["groups"]
    assert {p["id"]: p.get("group") for p in copy["participants"]}[BEN.id] == "practice"
    assert {n["id"]: n.get("endorsed_by") for n in copy["notes"]} == {"act00001": [BEN.id], "imp00001": None}
    assert copy["links"][0]["endorsed_by"] == [ANA.id, BEN.id]


@pytest.mark.rule("P51")
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"groups": [{"id": "a", "label": ""}]}, "groups: bad_value"),
        ({"groups": "funders"}, "groups: "),
        ({"participants": "group"}, r"participants\[1\].group: bad_value"),
        ({"links": "stranger"}, r"links\[0\].endorsed_by: expected ids"),
    ],
)
def test_groups_or_endorsements_the_board_cannot_hold_refuse_the_import(change: dict[str, Any], message: str) -> None:
    document = orjson.loads(export.export(perspectives_map(), "json", 1_700_000_100_000))
    if change.get("participants") == "group":
        document["participants"][1]["group"] = "villains"
    elif change.get("links") == "stranger":
        document["links"][0]["endorsed_by"] = ["nobody01"]
    else:
        document |= change
    with pytest.raises(imports.ImportProblem, match=message):
        imported(document)
