"""Evidence on links (P46) and indicators on outcomes and impacts (P47), judged by server/board/evidence.py."""

from __future__ import annotations

import pytest

from server.board.model import Board
from server.board.change import Change
from tests.unit.test_phases import BOB, planned_board, proxy
from tests.unit.test_rules import ALICE, FAC, add_note, apply_op, commit, refused, run


def pathway() -> Board:
    """Briefings (activity) → officials use evidence (outcome), and an assumption beside them."""
    board = planned_board(current=1)
    add_note(board, "act1", ALICE, kind="activity", text="Monthly briefings")
    add_note(board, "out1", BOB, kind="outcome", text="Officials use evidence")
    add_note(board, "asm1", ALICE, kind="assumption", text="Officials have time to read")
    apply_op(board, ALICE, "link.add", id="lnk1", source="act1", target="out1")
    return board


@pytest.mark.rule("P46")
def test_a_link_carries_its_mechanism_support_sources_grade_confidence_and_assumptions() -> None:
    board = pathway()
    event = apply_op(
        board,
        BOB,
        "link.evidence",
        id="lnk1",
        mechanism="Briefings put findings in front of officials when they draft",
        support=["research", "testimony"],
        sources=[{"doi": "10.1234/abcd.5", "title": "A trial"}, {"url": "https://example.org/report?id=7"}],
        strength="moderate",
    )
    link = board.links["lnk1"]
    assert link.support == ["testimony", "research"] and link.strength == "moderate"  # support in one order
    assert link.sources[1] == {"url": "https://example.org/report?id=7", "doi": None, "title": ""}
    assert link.version == event.data["version"] == 2
    apply_op(board, ALICE, "confidence.set", id="lnk1", value=4)
    apply_op(board, BOB, "confidence.set", id="lnk1", value=2)
    apply_op(board, BOB, "confidence.set", id="lnk1", value=None)  # taken back
    assert link.confidence == {ALICE.id: 4}
    apply_op(board, ALICE, "link.assumption", id="lnk1", note="asm1")
    assert link.assumptions == ["asm1"] and link.version == 3
    apply_op(board, FAC, "link.evidence", id="lnk1", strength=None)  # no longer graded; the rest as it was
    assert link.strength is None and link.mechanism.startswith("Briefings")
    again = Board.from_dict(board.to_dict())
    assert again.links["lnk1"] == link
    apply_op(board, ALICE, "note.delete", id="asm1")
    assert link.assumptions == []  # a deleted note props up nothing
    plain = Board.from_dict(pathway().to_dict()).to_dict()["links"][0]
    assert "mechanism" not in plain and "confidence" not in plain  # a link without evidence is as it was


@pytest.mark.rule("P46")
def test_evidence_the_board_cannot_hold_is_refused() -> None:
    board = pathway()
    refused(run(board, BOB, "link.evidence", id="lnk1", mechanism="x" * 1001), "text_too_long")
    refused(run(board, BOB, "link.evidence", id="lnk1", support=["rumour"]), "bad_value")
    refused(run(board, BOB, "link.evidence", id="lnk1", support=["research", "research"]), "bad_value")
    for source in (
        {"url": "javascript:alert(1)"},
        {"url": "https://exa mple.org"},
        {"url": "https://"},
        {"doi": "doi:10.1/x"},
        {"url": "https://example.org", "doi": "10.1234/x"},
        {},
        {"url": "https://example.org", "title": "t" * 301},
    ):
        refused(run(board, BOB, "link.evidence", id="lnk1", sources=[source]), "bad_value")
    refused(run(board, BOB, "link.evidence", id="lnk1"), "bad_frame")
    refused(run(board, BOB, "link.evidence", id="nolink", mechanism="m"), "link_missing")
    refused(run(board, BOB, "link.evidence", id="lnk1", mechanism="m", expect=9), "changed_since")
    refused(run(board, BOB, "link.assumption", id="lnk1", note="act1"), "bad_value")  # one of its own ends
    refused(run(board, BOB, "link.assumption", id="lnk1", note="asm1", attached=False), "bad_value")
    refused(run(board, BOB, "link.assumption", id="lnk1", note="gone"), "note_missing")
    apply_op(board, FAC, "plan.set", phases=[{"name": "Look, do not link", "link": False}])
    refused(run(board, BOB, "link.evidence", id="lnk1", mechanism="m"), "phase_forbids")
    apply_op(board, BOB, "confidence.set", id="lnk1", value=5)  # weighing is not linking
    apply_op(board, FAC, "workshop.lock")
    refused(run(board, BOB, "confidence.set", id="lnk1", value=1), "board_locked")


@pytest.mark.rule("P46")
def test_the_facilitator_gives_confidence_for_someone_without_a_device() -> None:
    board = pathway()
    added = proxy(board, FAC, "Amal")
    assert isinstance(added, Change)
    commit(board, added, FAC)
    amal = added.data["id"]
    apply_op(board, FAC, "confidence.set", id="lnk1", value=3, on_behalf_of=amal)
    assert board.links["lnk1"].confidence == {amal: 3}
    refused(run(board, ALICE, "confidence.set", id="lnk1", value=3, on_behalf_of=amal), "facilitator_only")


@pytest.mark.rule("P47")
def test_outcomes_and_impacts_carry_indicators_and_the_kind_of_change() -> None:
    board = pathway()
    rows = [
        {
            "indicator": "Briefs cited in policy papers",
            "baseline": "2 a year",
            "target": "10 a year",
            "source": "Hansard",
        }
    ]
    apply_op(board, ALICE, "note.indicators", id="out1", indicators=rows, change="behaviour")
    note = board.notes["out1"]
    assert note.indicators == rows and note.change == "behaviour" and note.version == 2
    apply_op(board, ALICE, "note.indicators", id="out1", change=None)
    assert note.change is None and note.indicators == rows
    assert Board.from_dict(board.to_dict()).notes["out1"] == note
    refused(run(board, ALICE, "note.indicators", id="out1", indicators=[{"indicator": " "}]), "text_empty")
    refused(run(board, ALICE, "note.indicators", id="out1", indicators=[{"indicator": "x" * 301}]), "text_too_long")
    with pytest.raises(ValueError, match="at most 10"):  # bounded before it is read: a bad frame
        run(board, ALICE, "note.indicators", id="out1", indicators=rows * 11)
    refused(run(board, ALICE, "note.indicators", id="out1"), "bad_frame")
    refused(run(board, ALICE, "note.indicators", id="nowhere", change="policy"), "note_missing")
