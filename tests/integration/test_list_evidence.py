"""The list view's evidence, endorsement and group forms without scripts (rules P46, P51): each posts the
operation the board sends, decided by the same rules, and a refusal is said plainly on the list page."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.conftest import Workshop
from tests.integration.test_pages import http_map
from tests.support.client import create_workshop


async def _op(http: httpx.AsyncClient, workshop: Workshop, token: str, frame: dict[str, object]) -> None:
    r = await http.post(
        f"/api/workshops/{workshop.id}/ops",
        json={"cid": f"c{id(frame)}", **frame},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text


@pytest.mark.rule("P46", "P51")
async def test_the_list_views_forms_weigh_endorse_edit_evidence_and_pick_a_group_and_refuse_plainly(
    workshop: Workshop,
) -> None:
    facilitator = workshop.created["token"]
    ana = await workshop.participant("Ana")
    bo = await workshop.participant("Bo")
    op = f"/w/{workshop.id}/list/op"
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        for frame in (
            {"op": "note.add", "id": "train001", "kind": "activity", "text": "Train officials", "x": 0, "y": 0},
            {"op": "note.add", "id": "cite0001", "kind": "impact", "text": "Ministers cite us", "x": 300, "y": 0},
            {"op": "note.add", "id": "trust001", "kind": "assumption", "text": "Officials stay", "x": 0, "y": 300},
            {"op": "link.add", "id": "link0001", "source": "train001", "target": "cite0001"},
            {"op": "groups.set", "groups": [{"id": "funders", "label": "Funders"}, {"id": "staff", "label": "Staff"}]},
        ):
            await _op(http, workshop, facilitator, frame)
        people = {p["name"]: p["id"] for p in (await http_map(workshop, facilitator))["participants"]}
        ana_id, bo_id = people["Ana"], people["Bo"]

        http.headers["Authorization"] = f"Bearer {ana.token}"
        for form in (
            {"action": "confidence", "link": "link0001", "value": "2"},
            {"action": "endorse", "item": "link0001", "on": "true"},
            {"action": "endorse", "item": "cite0001", "on": "true"},
            {"action": "group", "group": "funders"},
            {"action": "assumption", "link": "link0001", "note": "trust001"},
            {
                "action": "evidence",
                "link": "link0001",
                "mechanism": " Trained officials brief ministers ",
                "support": ["monitoring", "practice"],
                "sources": "https://example.org/study A study\n10.1234/abcd\n\n",
                "strength": "moderate",
            },
        ):
            r = await http.post(op, data=form)
            assert r.status_code == 303, (form, r.text)
        http.headers["Authorization"] = f"Bearer {bo.token}"
        assert (await http.post(op, data={"action": "confidence", "link": "link0001", "value": "5"})).status_code == 303

        board = await http_map(workshop, ana.token)
        link = board["links"][0]
        assert link["confidence"] == {ana_id: 2, bo_id: 5}
        assert link["endorsed_by"] == [ana_id] and board["notes"][1]["endorsed_by"] == [ana_id]
        assert link["mechanism"] == "Trained officials brief ministers" and link["support"] == [
            "practice",
            "monitoring",
        ]
        assert [(s["url"], s["doi"], s["title"]) for s in link["sources"]] == [
            ("https://example.org/study", None, "A study"),
            (None, "10.1234/abcd", ""),
        ]
        assert link["strength"] == "moderate" and link["assumptions"] == ["trust001"]
        assert next(p for p in board["participants"] if p["id"] == ana_id)["group"] == "funders"

        page = (await http.get(f"/w/{workshop.id}/list")).text  # in the board's words (evidence_summary.js)
        assert "2 people: mean 3.5, from 2 to 5 (1×2, 1×5)" in page and "Contested" in page
        assert "Practice knowledge, Monitoring data" in page and "Ana (Funders)" in page
        assert 'href="https://doi.org/10.1234/abcd" target="_blank" rel="noopener noreferrer nofollow"' in page

        # Taking back: a pressed confidence posts no value, an endorsement `on` false.
        assert (await http.post(op, data={"action": "confidence", "link": "link0001", "value": ""})).status_code == 303
        assert bo_id not in (await http_map(workshop, ana.token))["links"][0]["confidence"]

        # Refusals, plainly: someone else's group is the facilitator's to set; bad values; a deleted link.
        r = await http.post(op, data={"action": "group", "group": "staff", "participant": ana_id})
        assert r.status_code == 403 and "data-problem" in r.text and "facilitator" in r.text
        r = await http.post(op, data={"action": "confidence", "link": "link0001", "value": "9"})
        assert r.status_code == 422 and "Choose a confidence from 1 to 5." in r.text
        r = await http.post(op, data={"action": "evidence", "link": "link0001", "sources": "javascript:alert(1)"})
        assert r.status_code == 422 and "neither a web address" in r.text
        r = await http.post(op, data={"action": "evidence", "link": "link0001", "support": ["hearsay"]})
        assert r.status_code == 422
        r = await http.post(op, data={"action": "endorse", "item": "link0001", "on": "false"})
        assert r.status_code == 422  # Bo never endorsed it
        r = await http.post(op, data={"action": "confidence", "link": "nolink01", "value": "3"})
        assert r.status_code == 404
        assert (await http_map(workshop, ana.token))["links"][0]["strength"] == "moderate"  # nothing changed

    other = await create_workshop(workshop.server.url, "Another workshop")  # its token reaches nothing here
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.post(
            op,
            data={"action": "confidence", "link": "link0001", "value": "1"},
            headers={"Authorization": f"Bearer {other['token']}"},
        )
        assert r.status_code == 401
    assert (await http_map(workshop, ana.token))["links"][0]["confidence"] == {ana_id: 2}
