"""Evidence travels in the JSON export (schema 4) and comes back on import: mechanisms, support, sources, grades,
each participant's own confidence and the assumptions links rest on; indicators and the kind of change on notes.
Files of schema 3, which had none of these, still import."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from server import export, imports
from server.storage.memory import MemoryStorage
from tests.support.maps import BEN, MapBuilder

NOW = 1_700_000_000_000


def evidenced_map() -> dict[str, Any]:
    m = MapBuilder()
    m.note("act00001", "activity", "Briefings for officials")
    m.note("out00001", "outcome", "官员更早询问证据")
    m.note("imp00001", "impact", "السياسات تستخدم الأدلة 📚")
    m.note("ass00001", "assumption", "Officials stay in post")
    m.link("lnk00001", "act00001", "out00001", "leads to")
    m.link("lnk00002", "out00001", "imp00001")
    m.do(
        op="link.evidence",
        id="lnk00001",
        mechanism="Briefs answer their questions 🙂",
        support=["testimony", "research"],
        sources=[{"doi": "10.1234/abcd.5", "title": "Review"}, {"url": "https://example.org/x"}],
        strength="moderate",
    )
    m.do(op="confidence.set", id="lnk00001", value=4)
    m.do(BEN, op="confidence.set", id="lnk00001", value=1)
    m.do(op="link.assumption", id="lnk00001", note="ass00001")
    m.do(op="link.evidence", id="lnk00002", support=["assumption"])
    m.do(
        op="note.indicators",
        id="out00001",
        indicators=[{"indicator": "Requests a month", "baseline": "2", "target": "=10", "source": "Helpdesk log"}],
        change="behaviour",
    )
    return m.snapshot()


def imported(document: dict[str, Any]) -> dict[str, Any]:
    storage = MemoryStorage()
    done = imports.import_map(storage, b"k" * 32, imports.read_upload(orjson.dumps(document), "map.json"))
    loaded = storage.load_board(done.created.workshop.id)
    assert loaded is not None
    return loaded.board.to_dict()


EVIDENCE = ("mechanism", "support", "sources", "strength", "confidence", "assumptions", "version", "updated_at")


@pytest.mark.rule("P46")
def test_link_evidence_and_each_persons_confidence_come_back_from_the_json_export() -> None:
    original = evidenced_map()
    document = orjson.loads(export.export(original, "json", NOW))
    assert document["schema_version"] == 4
    copy = imported(document)
    before = {lk["id"]: {k: lk.get(k) for k in EVIDENCE} for lk in original["links"]}
    after = {lk["id"]: {k: lk.get(k) for k in EVIDENCE} for lk in copy["links"]}
    assert after == before
    assert after["lnk00001"]["confidence"] == {"ana00001": 4, "ben00001": 1}


@pytest.mark.rule("P47")
def test_indicators_and_the_kind_of_change_come_back_from_the_json_export() -> None:
    original = evidenced_map()
    copy = imported(orjson.loads(export.export(original, "json", NOW)))
    note = next(n for n in copy["notes"] if n["id"] == "out00001")
    assert note["indicators"] == [
        {"indicator": "Requests a month", "baseline": "2", "target": "=10", "source": "Helpdesk log"}
    ]
    assert note["change"] == "behaviour"


def test_a_confidence_from_someone_the_file_does_not_name_is_refused() -> None:
    document = orjson.loads(export.export(evidenced_map(), "json", NOW))
    document["links"][0]["confidence"] = {"stranger1": 5}
    with pytest.raises(imports.ImportProblem, match="confidence.stranger1: .*not one of the file.s people"):
        imported(document)


def test_evidence_in_a_file_is_checked_like_a_live_link() -> None:
    document = orjson.loads(export.export(evidenced_map(), "json", NOW))
    document["links"][0]["sources"] = [{"url": "javascript:alert(1)"}]
    with pytest.raises(imports.ImportProblem, match="links\\[0\\].evidence: bad_value: .*not a web address"):
        imported(document)
    document = orjson.loads(export.export(evidenced_map(), "json", NOW))
    document["links"][0]["confidence"] = {"ana00001": 9}
    with pytest.raises(imports.ImportProblem, match="links\\[0\\].confidence.ana00001"):
        imported(document)


def test_a_file_of_schema_version_3_still_imports() -> None:
    document = orjson.loads(export.export(evidenced_map(), "json", NOW))
    for item in document["notes"] + document["links"]:
        for name in ("indicators", "change", *EVIDENCE[:6]):
            item.pop(name, None)
    copy = imported(document | {"schema_version": 3})
    assert len(copy["links"]) == 2 and all("mechanism" not in lk for lk in copy["links"])
