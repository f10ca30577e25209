"""A workshop's setup — its plan, lanes and clusters — travels in the JSON export (schema 3) and comes back on
import; files of schema 2, which had no clusters or lanes, still import."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from server import export, imports
from server.storage.memory import MemoryStorage
from tests.support.maps import ANA, MapBuilder

NOW = 1_700_000_000_000


def set_up_map() -> dict[str, Any]:
    m = MapBuilder()
    m.note("act00001", "activity", "Briefings for officials", x=40.0, y=60.0)
    m.note("imp00001", "impact", "政策采纳证据 📚", x=1500.0, y=60.0)
    m.do(
        ANA,
        op="lanes.set",
        lanes=[{"label": "Activities", "kinds": ["activity"]}, {"label": "الأثر", "kinds": ["impact"]}],
    )
    m.do(ANA, op="cluster.add", id="clu00001", label="Briefings 🗂", x=0.0, y=0.0, width=400.0, height=300.0)
    m.do(ANA, op="plan.set", phases=[{"name": "Name the impacts", "private": True}, {"name": "Map"}], current=1)
    return m.snapshot()


def imported(document: dict[str, Any]) -> dict[str, Any]:
    storage = MemoryStorage()
    done = imports.import_map(storage, b"k" * 32, imports.read_upload(orjson.dumps(document), "map.json"))
    loaded = storage.load_board(done.created.workshop.id)
    assert loaded is not None
    return loaded.board.to_dict()


@pytest.mark.rule("P45")
def test_plan_lanes_and_clusters_come_back_from_the_json_export() -> None:
    original = set_up_map()
    document = orjson.loads(export.export(original, "json", NOW))
    assert document["schema_version"] == 4
    assert document["lanes"] == [
        {"label": "Activities", "kinds": ["activity"]},
        {"label": "الأثر", "kinds": ["impact"]},
    ]
    copy = imported(document)
    assert copy["lanes"] == original["lanes"]
    assert [{k: c[k] for k in ("id", "label", "x", "y", "width", "height")} for c in copy["clusters"]] == [
        {"id": "clu00001", "label": "Briefings 🗂", "x": 0.0, "y": 0.0, "width": 400.0, "height": 300.0}
    ]
    assert copy["plan"]["phases"] == original["plan"]["phases"] and copy["plan"]["current"] == 1


def test_a_file_of_schema_version_2_still_imports() -> None:
    document = orjson.loads(export.export(set_up_map(), "json", NOW))
    older = {k: v for k, v in document.items() if k not in ("clusters", "lanes")} | {"schema_version": 2}
    copy = imported(older)
    assert copy["lanes"] == [] and copy["clusters"] == [] and len(copy["plan"]["phases"]) == 2


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"lanes": [{"label": "X", "kinds": ["nowhere"]}]}, "lanes: bad_value"),
        ({"clusters": [{"id": "c", "label": "x", "x": 0, "y": 0, "width": 1, "height": 1}]}, "clusters[0]: bad_value"),
        ({"clusters": "frames"}, "clusters: expected a JSON array"),
        ({"plan": {"phases": [{"name": ""}], "current": 0, "changed_at": 1}}, "plan: bad_value"),
    ],
)
def test_a_setup_the_board_cannot_hold_refuses_the_import(setup: dict[str, Any], message: str) -> None:
    document = orjson.loads(export.export(set_up_map(), "json", NOW)) | setup
    with pytest.raises(imports.ImportProblem, match=message.replace("[", r"\[")):
        imported(document)


def test_someone_without_a_device_comes_back_with_their_notes() -> None:
    """A proxy (P42) of the exported map — a name up to 80 characters — is a participant of the import."""
    from server.board.plan_rules import PROXY

    m = MapBuilder()
    long_name = "Amal ‘who came by bus’ from the parents’ council of the northern district 🚌"
    m.do(ANA, op="participant.proxy", name=long_name)
    amal = next(p for p in m.board.participants.values() if p.role == PROXY)
    m.do(
        ANA,
        op="note.add",
        id="imp00001",
        kind="impact",
        text="Parents trust the schools",
        x=0.0,
        y=0.0,
        on_behalf_of=amal.id,
    )
    copy = imported(orjson.loads(export.export(m.snapshot(), "json", NOW)))
    assert {"id": amal.id, "name": long_name, "colour": amal.colour, "role": PROXY} in copy["participants"]
    assert copy["notes"][0]["author"] == amal.id
