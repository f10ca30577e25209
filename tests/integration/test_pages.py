"""The pages' server side: clear messages for bad links and strangers, facilitator-only pieces."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx

from tests.integration.conftest import Workshop


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
