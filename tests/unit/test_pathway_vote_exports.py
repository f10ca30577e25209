"""A closed vote on pathways (P48) travels in the JSON export and back in through its import, in the CSV zip,
and in the report, each pathway named by its notes "A → B → C"."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import orjson
import pytest

from server import export, imports
from server.storage.memory import MemoryStorage
from tests.support.maps import ANA, BEN, MapBuilder

NOW = 1_700_000_000_000
VIA_BRIEF = "act00001>out00001>imp00001"
DIRECT = "act00001>imp00001"


def pathway_voted_map() -> dict[str, Any]:
    """Training → policy brief → ministers cite our evidence, and training → ministers directly; a closed named
    vote on pathways (Ana 2 + Ben 1 via the brief, Ben 1 directly); then the brief is deleted."""
    m = MapBuilder()
    m.note("act00001", "activity", "Train officials 📚")
    m.note("out00001", "output", "Policy brief")
    m.note("imp00001", "impact", "السياسات القائمة على الأدلة")
    m.link("lnk00001", "act00001", "out00001")
    m.link("lnk00002", "out00001", "imp00001")
    m.link("lnk00003", "act00001", "imp00001")
    m.do(ANA, op="vote.open", on="pathways", budget=3, max_per_item=2, title="Which pathways matter most?")
    m.do(ANA, op="vote.cast", item=VIA_BRIEF, dots=2)
    m.do(BEN, op="vote.cast", item=VIA_BRIEF, dots=1)
    m.do(BEN, op="vote.cast", item=DIRECT, dots=1)
    m.do(ANA, op="vote.close")
    return m.snapshot()


@pytest.mark.rule("P48")
def test_a_pathway_vote_travels_in_json_and_back_in_csv_and_the_report() -> None:
    snapshot = pathway_voted_map()
    data = export.export(snapshot, "json", NOW)
    vote = json.loads(data)["votes"][-1]
    assert (vote["on"], vote["start"], vote["end"]) == ("pathways", "activity", "impact")
    assert vote["totals"] == {VIA_BRIEF: 3, DIRECT: 1}
    done = imports.import_map(MemoryStorage(), b"k" * 32, imports.read_upload(data, "map.pathweaver.json"))
    back = done.board.votes[-1]
    assert (back.on, back.start, back.end, back.totals) == ("pathways", "activity", "impact", vote["totals"])
    assert back.ballots == {ANA.id: {VIA_BRIEF: 2}, BEN.id: {VIA_BRIEF: 1, DIRECT: 1}} and not back.open
    with zipfile.ZipFile(io.BytesIO(export.export(snapshot, "csv", NOW))) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("pathway_votes.csv").decode("utf-8-sig"))))
    assert [(r["rank"], r["pathway"], r["notes"], r["dots"]) for r in rows] == [
        ("1", "Train officials 📚 → Policy brief → السياسات القائمة على الأدلة", VIA_BRIEF, "3"),
        ("2", "Train officials 📚 → السياسات القائمة على الأدلة", DIRECT, "1"),
    ]
    assert rows[0]["title"] == "Which pathways matter most?"
    report = export.export(snapshot, "report-md", NOW).decode()
    votes = report[report.index("## Votes") : report.index("## Cycles")]
    assert "at most 2 on one pathway from Activity to Impact" in votes
    assert "1. Train officials 📚 → Policy brief → السياسات القائمة على الأدلة: 3 dots" in votes
    assert "2. Train officials 📚 → السياسات القائمة على الأدلة: 1 dot" in votes
    html = export.export(snapshot, "report-html", NOW).decode()
    assert "Train officials 📚 → Policy brief → السياسات القائمة على الأدلة: <strong>3</strong> dots" in html


@pytest.mark.rule("P48")
def test_a_pathway_whose_note_was_deleted_after_the_close_is_still_named_and_bad_imported_votes_are_refused() -> None:
    snapshot = pathway_voted_map()
    snapshot["notes"] = [n for n in snapshot["notes"] if n["id"] != "out00001"]
    snapshot["links"] = [lk for lk in snapshot["links"] if "out00001" not in (lk["source"], lk["target"])]
    report = export.export(snapshot, "report-md", NOW).decode()
    assert "Train officials 📚 → (deleted since) → السياسات القائمة على الأدلة: 3 dots" in report
    doc = orjson.loads(export.export(snapshot, "json", NOW))
    for bad in [
        {"on": "everything"},
        {"budget": 0},
        {"start": "nope"},
        {"start": ["activity"]},
        {"on": "notes", "kinds": [["impact"]]},
        {"totals": {VIA_BRIEF: -1}},
        {"totals": {"act00001>" * 20 + "imp00001": 1}},
        {"ballots": {"someone-unknown": {DIRECT: 1}}},
        {"closed_at": None},
    ]:
        doc["votes"] = [{**doc["votes"][-1], **bad}]
        with pytest.raises(imports.ImportProblem, match=r"votes\[0\]"):
            imports.import_map(MemoryStorage(), b"k" * 32, imports.read_upload(orjson.dumps(doc), "bad.json"))
