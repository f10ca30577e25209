"""The method's checks (P49), read off a hand-built map whose every flaw is known."""

from __future__ import annotations

import pytest

from server.analysis import checks
from server.board.change import Change
from tests.support.maps import ANA, MapBuilder


def flawed_map() -> MapBuilder:
    m = MapBuilder()
    m.note("act1", "activity", "Monthly briefings 📄")
    m.note("out1", "output", "Policy briefs")
    m.note("ocm1", "outcome", "Officials use evidence")
    m.note("imp1", "impact", "政策采纳证据")
    m.note("imp2", "impact", "Fewer children in care")  # no activity reaches it
    m.note("act2", "activity", "A podcast nobody follows up")  # reaches no impact
    m.note("asm1", "assumption", "Officials have time to read")  # attached to nothing
    m.note("asm2", "assumption", "Ministers listen to officials")
    m.link("lnk1", "act1", "out1")
    m.link("lnk2", "out1", "ocm1")
    m.link("lnk3", "ocm1", "imp1")
    m.link("lnk4", "act1", "imp1")  # skips output and outcome
    m.link("lnk5", "imp1", "act1")  # backwards, and a loop with l4
    m.do(ANA, op="link.evidence", id="lnk2", support=["assumption"])  # assumption alone
    m.do(ANA, op="link.assumption", id="lnk3", note="asm2")
    m.do(ANA, op="note.indicators", id="ocm1", indicators=[{"indicator": "Briefs cited in papers"}])
    return m


def by_check(found: list[checks.Finding]) -> dict[str, list[tuple[list[str], list[str]]]]:
    out: dict[str, list[tuple[list[str], list[str]]]] = {}
    for f in found:
        out.setdefault(f.check, []).append((f.notes, f.links))
    return out


@pytest.mark.rule("P49")
def test_each_check_finds_exactly_the_flaws_the_map_has() -> None:
    found = by_check(checks.run(flawed_map().snapshot()))
    assert found["level_skip"] == [(["act1", "imp1"], ["lnk4"])]
    assert found["backwards"] == [(["imp1", "act1"], ["lnk5"])]
    assert found["impact_unreached"] == [(["imp2"], [])]
    assert found["activity_stranded"] == [(["act2"], [])]
    assert sorted(n for n, _ in found["no_indicator"]) == [["imp1"], ["imp2"]]  # ocm1 has one
    assert found["assumption_only"] == [([], ["lnk2"])]
    assert found["assumption_loose"] == [(["asm1"], [])]  # asm2 props up l3
    [(loop, _)] = found["feedback_loop"]  # one loop for the one group of notes that lead back to each other
    edges = {(lk["source"], lk["target"]) for lk in flawed_map().snapshot()["links"]}
    assert {"act1", "imp1"} <= set(loop) and all(
        (a, b) in edges for a, b in zip(loop, loop[1:] + loop[:1], strict=True)
    )
    shaped = checks.as_json(checks.run(flawed_map().snapshot()))
    assert [c["check"] for c in shaped["checks"]] == list(checks.CHECKS)
    assert {c["check"]: c["count"] for c in shaped["checks"]}["no_indicator"] == 2


@pytest.mark.rule("P49")
def test_lanes_decide_what_runs_backwards() -> None:
    m = MapBuilder()
    m.note("aaaa", "activity", "Train officials")
    m.note("bbbb", "outcome", "Officials use evidence")
    m.link("lnk1", "aaaa", "bbbb")
    assert "backwards" not in by_check(checks.run(m.snapshot()))
    m.do(
        ANA,
        op="lanes.set",
        lanes=[{"label": "Outcomes", "kinds": ["outcome"]}, {"label": "Activities", "kinds": ["activity"]}],
    )
    assert by_check(checks.run(m.snapshot()))["backwards"] == [(["aaaa", "bbbb"], ["lnk1"])]


@pytest.mark.rule("P49")
def test_only_the_facilitator_shows_everyone_the_checks() -> None:
    from server.board import ops
    from server.board.model import Participant
    from server.board.rules import decide

    m = flawed_map()
    ben = Participant(id="ben00001", name="بن", colour="#d62728", role="participant")
    refused = decide(m.board, ops.OP_ADAPTER.validate_python({"op": "workshop.checks", "shown": True}), ben, 1)
    assert not isinstance(refused, Change) and refused.code == "facilitator_only"
    m.do(ANA, op="workshop.checks", shown=True)
    assert m.snapshot()["workshop"]["checks_for_everyone"] is True
