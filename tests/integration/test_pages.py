"""The pages' server side: clear messages for bad links and strangers, facilitator-only pieces."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest

from tests.integration.conftest import Workshop
from tests.support.client import create_workshop


async def http_map(workshop: Workshop, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.get(f"/api/workshops/{workshop.id}/map", headers={"Authorization": f"Bearer {token}"})
        return r.json()  # type: ignore[no-any-return]


async def test_a_bad_or_replaced_join_link_explains_itself(workshop: Workshop) -> None:
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.get("/j/not-a-real-code")
        assert r.status_code == 404 and "This join link does not work" in r.text and "Traceback" not in r.text
        r = await http.get(f"/j/{workshop.created['join_code']}")
        assert r.status_code == 200 and "Join the board" in r.text
        await http.post(
            f"/api/workshops/{workshop.id}/join-code", headers={"Authorization": f"Bearer {workshop.created['token']}"}
        )
        r = await http.get(f"/j/{workshop.created['join_code']}")
        assert r.status_code == 404 and "replaced" in r.text


async def test_strangers_and_participants_get_no_facilitator_pieces(workshop: Workshop) -> None:
    ana = await workshop.participant("Ana", connect=False)
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.get(f"/w/{workshop.id}")
        assert r.status_code == 401 and "You have not joined this workshop" in r.text
        cookies = {"Authorization": f"Bearer {ana.token}"}
        r = await http.get(f"/w/{workshop.id}", headers=cookies)
        assert r.status_code == 200 and "data-join-url" not in r.text and 'data-action="lock"' not in r.text
        assert (await http.get(f"/w/{workshop.id}/qr.svg", headers=cookies)).status_code == 403
        assert (await http.get(f"/w/{workshop.id}/show-code", headers=cookies)).status_code == 403
        fac = {"Authorization": f"Bearer {workshop.created['token']}"}
        r = await http.get(f"/w/{workshop.id}/qr.svg", headers=fac)
        assert r.status_code == 200 and ET.fromstring(r.content).tag.endswith("svg")
        r = await http.get(f"/w/{workshop.id}", headers=fac)
        assert workshop.created["join_url"].split("/j/")[1] in r.text and 'data-action="lock"' in r.text


async def test_the_list_view_refuses_what_the_rules_refuse(workshop: Workshop) -> None:
    ana = await workshop.participant("Ana", connect=False)
    cookies = {"Authorization": f"Bearer {ana.token}"}
    async with httpx.AsyncClient(base_url=workshop.server.url, headers=cookies) as http:
        r = await http.post(f"/w/{workshop.id}/list/op", data={"action": "add", "text": "x" * 2001, "kind": "impact"})
        assert r.status_code == 422 and "limit is 2000" in r.text
        r = await http.post(f"/w/{workshop.id}/list/op", data={"action": "add", "text": "<b>A</b>", "kind": "impact"})
        assert r.status_code == 303 and r.headers["location"] == f"/w/{workshop.id}/list"  # then the list again
        r = await http.get(r.headers["location"])
        assert "&lt;b&gt;A&lt;/b&gt;" in r.text and "<b>A</b>" not in r.text
        r = await http.post(f"/w/{workshop.id}/list/op", data={"action": "explode"})
        assert r.status_code == 422 and "unknown operation" in r.text


async def test_the_list_views_forms_relabel_links_and_place_new_notes_apart(workshop: Workshop) -> None:
    """Without scripts the list view's forms do what its scripts do: each post, then the list again."""
    ana = await workshop.participant("Ana", connect=False)
    bearer = {"Authorization": f"Bearer {ana.token}"}
    async with httpx.AsyncClient(base_url=workshop.server.url, headers=bearer) as http:
        for text in ("Train officials", "Officials trained"):
            r = await http.post(f"/w/{workshop.id}/list/op", data={"action": "add", "text": text, "kind": "output"})
            assert r.status_code == 303
        notes = (await http.get(f"/api/workshops/{workshop.id}/map")).json()["notes"]
        assert len({(n["x"], n["y"]) for n in notes}) == 2
        first, second = (n["id"] for n in notes)
        link = {"action": "link", "note": first, "target": second, "label": "produces"}
        assert (await http.post(f"/w/{workshop.id}/list/op", data=link)).status_code == 303
        link_id = (await http.get(f"/api/workshops/{workshop.id}/map")).json()["links"][0]["id"]
        relabel = {"action": "relabel", "link": link_id, "label": "trains"}
        assert (await http.post(f"/w/{workshop.id}/list/op", data=relabel)).status_code == 303
        page = (await http.get(f"/w/{workshop.id}/list")).text
        assert 'class="links-in"' in page and 'value="trains"' in page
        r = await http.post(f"/w/{workshop.id}/list/op", data={"action": "relabel", "link": "nosuchlink", "label": "x"})
        assert r.status_code == 404 and "data-problem" in r.text
        links = (await http.get(f"/api/workshops/{workshop.id}/map")).json()["links"]
        assert [lk["label"] for lk in links] == ["trains"]


@pytest.mark.rule("P43", "P44")
async def test_the_list_views_selection_bar_merges_and_clusters_ticked_notes_and_refuses_bad_posts_plainly(
    workshop: Workshop,
) -> None:
    """Without scripts the ticked notes post with the selection bar's form; bad posts get a 4xx and a message."""
    ana = await workshop.participant("Ana", connect=False)
    bearer = {"Authorization": f"Bearer {ana.token}"}
    op = f"/w/{workshop.id}/list/op"
    async with httpx.AsyncClient(base_url=workshop.server.url, headers=bearer) as http:
        for text in ("Ministers cite us", "Ministers quote us", "Train officials"):
            assert (await http.post(op, data={"action": "add", "text": text, "kind": "impact"})).status_code == 303
        a, b, c = (n["id"] for n in (await http.get(f"/api/workshops/{workshop.id}/map")).json()["notes"])

        r = await http.post(op, data={"action": "cluster", "label": "x" * 201, "chosen": [a, b]})
        assert r.status_code == 422 and "data-problem" in r.text  # too long a name, said on the list page
        r = await http.post(op, data={"action": "merge", "chosen": [a]})
        assert r.status_code == 422 and "Select two or more notes to merge." in r.text
        r = await http.post(op, data={"action": "merge", "chosen": [a, *(f"n{i:05}" for i in range(500))]})
        assert r.status_code == 422  # ids not on the board are dropped, and at most 100 are read
        r = await http.post(op, data={"action": "merge", "chosen": [f"n{i:05}" for i in range(5000)]})
        assert r.status_code == 400  # more fields than a form may have
        assert len((await http.get(f"/api/workshops/{workshop.id}/map")).json()["notes"]) == 3

        r = await http.post(op, data={"action": "merge", "into": b, "chosen": [a, b]})
        assert r.status_code == 303
        r = await http.post(op, data={"action": "cluster", "label": "Policy", "chosen": [b, c]})
        assert r.status_code == 303
        board = (await http.get(f"/api/workshops/{workshop.id}/map")).json()
        assert [n["id"] for n in board["notes"]] == [b, c] and board["notes"][0]["merged"][0]["notes"][0]["id"] == a
        assert [cl["label"] for cl in board["clusters"]] == ["Policy"]
        page = (await http.get(f"/w/{workshop.id}/list")).text
        assert 'data-cluster="' in page and "Cluster: </span><span>Policy (2)" in page

    other = await create_workshop(workshop.server.url, "Another workshop")  # its token reaches nothing here
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.post(
            op, data={"action": "unmerge", "note": b}, headers={"Authorization": f"Bearer {other['token']}"}
        )
        assert r.status_code == 401
    assert (await http_map(workshop, ana.token))["notes"][0]["merged"]  # still merged
