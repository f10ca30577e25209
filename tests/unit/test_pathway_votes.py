"""Dot votes on whole pathways (P48): the rules, directly."""

from __future__ import annotations

import networkx as nx
import pytest

from server.board import pathway_votes, pathways, privacy
from server.board.model import Board
from server.export.pathways import pathways_into
from tests.unit.test_phases import BOB
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, new_board, refused, run

OPEN = {"on": "pathways", "budget": 4, "max_per_item": 3, "title": "Which pathways matter most?"}
# train → guide → ministers (an impact), train → ministers, brief → guide; and an outcome "aware".
VIA_GUIDE = "train001>guide001>minister"
DIRECT = "train001>minister"
FROM_BRIEF = "brief001>guide001>minister"


def pathway_board() -> Board:
    board = new_board()
    board.participants[BOB.id] = BOB
    for note_id, kind in [
        ("train001", "activity"),
        ("brief001", "activity"),
        ("guide001", "output"),
        ("minister", "impact"),
        ("aware001", "outcome"),
    ]:
        add_note(board, note_id, ALICE, kind=kind)
    for link_id, source, target in [
        ("l-train-guide", "train001", "guide001"),
        ("l-guide-min", "guide001", "minister"),
        ("l-train-min", "train001", "minister"),
        ("l-brief-guide", "brief001", "guide001"),
        ("l-train-aware", "train001", "aware001"),
    ]:
        apply_op(board, ALICE, "link.add", id=link_id, source=source, target=target)
    apply_op(board, FAC, "vote.open", **OPEN)
    return board


@pytest.mark.rule("P48")
def test_only_a_chain_of_links_from_an_activity_to_an_impact_takes_dots() -> None:
    board = pathway_board()
    assert board.votes[-1].to_dict()["start"] == "activity" and board.votes[-1].end == "impact"
    for item in (VIA_GUIDE, DIRECT, FROM_BRIEF):
        apply_op(board, ALICE, "vote.cast", item=item, dots=1)
    for bad in [
        "guide001>minister",  # starts at an output
        "train001>aware001",  # ends at an outcome
        "brief001>minister",  # no link joins them
        "minister>train001",  # backwards
        "train001>guide001>train001>minister",  # a note twice
        "train001",  # one note is no pathway
        "train001>nothing0>minister",  # a note not on the board
        "train001>>minister",
        "",
        ">".join(["train001"] * 13),  # longer than any pathway
        "x" * (pathways.MAX_KEY_CHARS + 1),
    ]:
        refused(run(board, BOB, "vote.cast", item=bad, dots=1), "bad_value")
    # The facilitator alone opens one, on kinds from the palette, and kinds narrow only a vote on notes.
    apply_op(board, FAC, "vote.close")
    refused(run(board, ALICE, "vote.open", **OPEN), "facilitator_only")
    refused(run(board, FAC, "vote.open", **OPEN, start="nope"), "bad_value")
    refused(run(board, FAC, "vote.open", **OPEN, start="impact"), "bad_value")  # starts where it ends
    refused(run(board, FAC, "vote.open", **OPEN, kinds=["impact"]), "bad_value")
    refused(run(board, FAC, "vote.open", on="notes", budget=1, max_per_item=1, start="activity"), "bad_value")
    apply_op(board, FAC, "vote.open", **OPEN, start="output", end="impact")  # another method's chain
    apply_op(board, BOB, "vote.cast", item="guide001>minister", dots=1)
    refused(run(board, BOB, "vote.cast", item=VIA_GUIDE, dots=1), "bad_value")


@pytest.mark.rule("P48")
def test_every_pathway_the_report_lists_from_an_activity_is_one_a_vote_accepts() -> None:
    board = pathway_board()
    g = nx.DiGraph([(lk.source, lk.target) for lk in board.links.values()])
    listed, _ = pathways_into(g, "minister")
    assert sorted(pathways.key(p) for p in listed.paths) == sorted([VIA_GUIDE, DIRECT, FROM_BRIEF])
    for path in listed.paths:
        assert pathway_votes.votable(board, board.votes[-1], pathways.key(path)) is None


@pytest.mark.rule("P48")
def test_a_pathway_through_a_private_note_waits_for_the_reveal_and_a_vote_holds_a_bounded_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    board = pathway_board()
    apply_op(board, FAC, "plan.set", phases=[{"name": "On your own", "private": True}])
    add_note(board, "secret01", ALICE, kind="output")
    apply_op(board, ALICE, "link.add", id="l-train-secret", source="train001", target="secret01")
    apply_op(board, ALICE, "link.add", id="l-secret-min", source="secret01", target="minister")
    refused(run(board, ALICE, "vote.cast", item="train001>secret01>minister", dots=1), "bad_value")
    monkeypatch.setattr(pathway_votes, "MAX_PATHWAYS_IN_VOTE", 2)
    apply_op(board, ALICE, "vote.cast", item=VIA_GUIDE, dots=1)
    apply_op(board, BOB, "vote.cast", item=DIRECT, dots=1)
    refused(run(board, BOB, "vote.cast", item=FROM_BRIEF, dots=1), "bad_value")  # a third different pathway
    apply_op(board, BOB, "vote.cast", item=VIA_GUIDE, dots=2)  # more on one already held is fine


@pytest.mark.rule("P48")
def test_dots_on_pathways_keep_to_the_budget_and_nobody_sees_anyone_elses_until_the_close() -> None:
    board = pathway_board()
    cast = apply_op(board, ALICE, "vote.cast", item=VIA_GUIDE, dots=3)
    refused(run(board, ALICE, "vote.cast", item=DIRECT, dots=2), "bad_value")  # 5 > budget 4
    refused(run(board, ALICE, "vote.cast", item=VIA_GUIDE, dots=4), "bad_value")  # over 3 on one pathway
    apply_op(board, ALICE, "vote.cast", item=DIRECT, dots=1)
    apply_op(board, BOB, "vote.cast", item=VIA_GUIDE, dots=2)
    audience = privacy.event_audience(board, "vote.cast", cast.data)
    assert audience is not None and audience.admits(ALICE) and not audience.admits(BOB) and not audience.admits(FAC)
    whole = board.to_dict()
    assert privacy.map_for(whole, BOB)["votes"][-1]["ballots"] == {"bob": {VIA_GUIDE: 2}}
    assert privacy.map_for(whole, FAC)["votes"][-1]["ballots"] == {}
    close = apply_op(board, FAC, "vote.close")
    assert close.data["totals"] == {VIA_GUIDE: 5, DIRECT: 1}
    assert close.data["ballots"] == {"alice": {VIA_GUIDE: 3, DIRECT: 1}, "bob": {VIA_GUIDE: 2}}
    assert Board.from_dict(board.to_dict()).votes == board.votes
    refused(run(board, BOB, "vote.cast", item=DIRECT, dots=1), "bad_value")  # closed


@pytest.mark.rule("P48")
def test_dots_go_back_when_a_link_or_note_on_their_pathway_goes_while_the_vote_is_open() -> None:
    board = pathway_board()
    apply_op(board, ALICE, "vote.cast", item=VIA_GUIDE, dots=2)
    apply_op(board, ALICE, "vote.cast", item=DIRECT, dots=1)
    apply_op(board, BOB, "vote.cast", item=FROM_BRIEF, dots=1)
    apply_op(board, BOB, "vote.cast", item=DIRECT, dots=2)
    apply_op(board, ALICE, "link.delete", id="l-train-aware")  # on no voted pathway: nothing moves
    assert board.votes[-1].ballots == {"alice": {VIA_GUIDE: 2, DIRECT: 1}, "bob": {FROM_BRIEF: 1, DIRECT: 2}}
    apply_op(board, ALICE, "link.delete", id="l-train-guide")
    assert board.votes[-1].ballots == {"alice": {DIRECT: 1}, "bob": {FROM_BRIEF: 1, DIRECT: 2}}
    apply_op(board, ALICE, "vote.cast", item=DIRECT, dots=3)  # the dots came back to spend again
    apply_op(board, BOB, "note.delete", id="brief001")  # a deleted note takes its pathways' dots with it
    assert board.votes[-1].ballots == {"alice": {DIRECT: 3}, "bob": {DIRECT: 2}}
    # A note changed to another kind keeps its pathway's dots, and they can always be taken back.
    apply_op(board, ALICE, "vote.cast", item=DIRECT, dots=2)
    apply_op(board, ALICE, "note.update", id="train001", kind="output")
    refused(run(board, ALICE, "vote.cast", item=DIRECT, dots=3), "bad_value")  # no more on it
    apply_op(board, ALICE, "vote.cast", item=DIRECT, dots=1)
    apply_op(board, ALICE, "note.update", id="train001", kind="activity")
    # A note merged into another is a different pathway: its dots go back.
    add_note(board, "train002", ALICE, kind="activity")
    apply_op(board, ALICE, "notes.merge", into="train002", notes=["train001"])
    assert board.votes[-1].ballots == {"alice": {}, "bob": {}}
    apply_op(board, BOB, "vote.cast", item="train002>minister", dots=1)
    apply_op(board, FAC, "vote.close")
    apply_op(board, ALICE, "link.delete", id="l-train-min")  # once closed, the results stay as they were
    assert board.votes[-1].totals == {"train002>minister": 1}
