"""A workshop's plan and its closed dot votes travel in every export that can carry them (P40), read back by
independent readers; files of the previous JSON schema still import."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import networkx as nx
import orjson
import pytest

from server import export, imports
from server.export.pathweaver_json import SCHEMA_VERSION
from server.storage.memory import MemoryStorage
from tests.support.maps import ANA, BEN, MapBuilder

NOW = 1_700_000_000_000


def voted_map() -> dict[str, Any]:
    """Three impacts and a link; a closed named vote on impacts (Ana 2 + Ben 1 on one, Ben 1 on another),
    a closed anonymous vote on links, and a plan of two phases."""
    m = MapBuilder()
    m.note("imp00001", "impact", "Ministers cite our evidence 📚")
    m.note("imp00002", "impact", "السياسات القائمة على الأدلة")
    m.note("imp00003", "impact", "政策采纳证据")
    m.link("link0001", "imp00001", "imp00002", "leads to")
    m.do(ANA, op="plan.set", phases=[{"name": "Name the impacts", "private": True}, {"name": "Vote"}], current=1)
    m.do(ANA, op="vote.open", on="notes", budget=3, max_per_item=2, kinds=["impact"], title="Which matter most?")
    m.do(ANA, op="vote.cast", item="imp00001", dots=2)
    m.do(BEN, op="vote.cast", item="imp00001", dots=1)
    m.do(BEN, op="vote.cast", item="imp00002", dots=1)
    m.do(ANA, op="vote.close")
    m.do(ANA, op="vote.open", on="links", budget=1, max_per_item=1, anonymous=True)
    m.do(BEN, op="vote.cast", item="link0001", dots=1)
    m.do(ANA, op="vote.close")
    return m.snapshot()


@pytest.mark.rule("P40")
def test_dots_travel_in_json_csv_kumu_graphml_gexf_and_the_report() -> None:
    snapshot = voted_map()
    doc = json.loads(export.export(snapshot, "json", NOW))
    assert doc["schema_version"] == SCHEMA_VERSION == 4
    assert [v["totals"] for v in doc["votes"]] == [{"imp00001": 3, "imp00002": 1}, {"link0001": 1}]
    assert doc["votes"][1]["ballots"] == {} and doc["plan"]["current"] == 1
    with zipfile.ZipFile(io.BytesIO(export.export(snapshot, "csv", NOW))) as z:
        notes = {r["id"]: r for r in csv.DictReader(io.StringIO(z.read("notes.csv").decode("utf-8-sig")))}
        links = {r["id"]: r for r in csv.DictReader(io.StringIO(z.read("links.csv").decode("utf-8-sig")))}
    assert [notes[i]["dots"] for i in ("imp00001", "imp00002", "imp00003")] == ["3", "1", "0"]
    assert links["link0001"]["dots"] == "1"
    kumu = json.loads(export.export(snapshot, "kumu", NOW))
    assert {e["id"]: e["dots"] for e in kumu["elements"]} == {"imp00001": 3, "imp00002": 1, "imp00003": 0}
    assert kumu["connections"][0]["dots"] == 1
    graph = nx.read_graphml(io.BytesIO(export.export(snapshot, "graphml", NOW)))
    assert graph.nodes["imp00001"]["dots"] == 3 and graph.edges["imp00001", "imp00002"]["dots"] == 1
    gexf = nx.read_gexf(io.BytesIO(export.export(snapshot, "gexf", NOW)))
    assert gexf.nodes["imp00002"]["dots"] == 1
    report = export.export(snapshot, "report-md", NOW).decode()
    votes = report[report.index("## Votes") : report.index("## Cycles")]
    assert "### Which matter most?" in votes
    assert votes.index("1. Ministers cite our evidence 📚: 3 dots") < votes.index(
        "2. السياسات القائمة على الأدلة: 1 dot"
    )
    assert "anonymous" in votes and "Ministers cite our evidence 📚 → السياسات القائمة على الأدلة: 1 dot" in votes
    html = export.export(snapshot, "report-html", NOW).decode()
    assert "<h2>Votes</h2>" in html and "<strong>3</strong> dots" in html


def test_a_file_of_schema_version_1_still_imports() -> None:
    doc = orjson.loads(export.export(voted_map(), "json", NOW))
    old = {k: v for k, v in doc.items() if k not in ("plan", "votes", "clusters", "lanes")} | {"schema_version": 1}
    done = imports.import_map(MemoryStorage(), b"k" * 32, imports.read_upload(orjson.dumps(old), "old.json"))
    assert set(done.board.notes) == {"imp00001", "imp00002", "imp00003"} and set(done.board.links) == {"link0001"}
