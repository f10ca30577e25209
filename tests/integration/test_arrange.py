"""Tidying the board: a layout by kind proposed over HTTP, applied as one `notes.arrange` (P35) and undone."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import read_map

KINDS = ["impact", "activity", "outcome", "output", "activity", "impact", "outcome", "assumption"]


@pytest.mark.rule("P35")
async def test_a_proposed_layout_is_applied_in_one_event_and_undone_in_one(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    for i, kind in enumerate(KINDS, start=1):
        await fac.do("note.add", **note(i, kind=kind, x=float(i * 7), y=float(i * 3)))
    await fac.do("link.add", id="link0001", source="note0002", target="note0004")
    token = workshop.created["token"]
    before = await read_map(workshop.server.url, workshop.id, token)
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        url = f"/api/workshops/{workshop.id}/layout?by=kind"
        r = await http.get(url, headers={"Authorization": f"Bearer {ana.token}"})
        assert (r.status_code, r.json()["code"]) == (403, "facilitator_only")
        assert (await http.get(url + "x", headers={"Authorization": f"Bearer {token}"})).status_code == 422
        r = await http.get(url, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        layout = r.json()
    assert layout["columns"] == ["activity", "output", "outcome", "impact", "assumption"]
    x = {p["id"]: p["x"] for p in layout["positions"]}
    kind_of = {n["id"]: n["kind"] for n in before["notes"]}
    lefts = [min(x[i] for i in x if kind_of[i] == k) for k in layout["columns"]]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts)

    moves = [{**p, "expect": 1} for p in layout["positions"]]
    seq = await fac.do("notes.arrange", moves=moves)
    await ana.wait_head(seq)
    after = await read_map(workshop.server.url, workshop.id, token)
    assert after["head"] == before["head"] + 1
    assert {n["id"]: (n["x"], n["y"]) for n in after["notes"]} == {p["id"]: (p["x"], p["y"]) for p in moves}
    assert ana.board is not None and ana.board.to_dict() == after

    refusal = await ana.refused("notes.arrange", moves=[{"id": "note0001", "x": 0.0, "y": 0.0}])
    assert refusal["code"] == "facilitator_only"
    undo = [{"id": n["id"], "x": n["x"], "y": n["y"], "expect": 2} for n in before["notes"]]
    seq = await fac.do("notes.arrange", moves=undo)
    await ana.wait_head(seq)
    back = await read_map(workshop.server.url, workshop.id, token)
    assert {n["id"]: (n["x"], n["y"]) for n in back["notes"]} == {n["id"]: (n["x"], n["y"]) for n in before["notes"]}
