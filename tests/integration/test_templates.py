"""Templates over HTTP: a workshop created from one has its kinds, question and plan; a facilitator saves a
workshop's setup as a template file, and a new workshop starts from that file."""

from __future__ import annotations

import httpx

from tests.support.client import BoardClient, create_workshop, read_map
from tests.support.server import ServerProcess


async def test_a_workshop_from_a_template_and_a_template_from_a_workshop(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        listed = (await http.get("/api/templates")).json()
        assert "theory-of-change" in [t["name"] for t in listed]
        refused = await http.post("/api/workshops", json={"title": "x", "template": "no-such"})
        assert refused.status_code == 422 and refused.json()["code"] == "bad_value"
    created = await create_workshop(server.url, "From a template", template="contribution-analysis")
    board = await read_map(server.url, created["id"], created["token"])
    assert "other-factor" in [k["name"] for k in board["workshop"]["kinds"]]
    assert board["workshop"]["question"].startswith("What changed")
    assert [p["name"] for p in board["plan"]["phases"]][:2] == ["The change", "Our pathway"]
    fac = await BoardClient(server.ws_url, created["id"], created["token"], "fac").connect()
    await fac.do("phase.go", index=2)
    await fac.disconnect()

    headers = {"Authorization": f"Bearer {created['token']}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
        saved = await http.get(f"/api/workshops/{created['id']}/template")
        assert saved.status_code == 200 and "attachment" in saved.headers["content-disposition"]
        assert saved.json()["format"] == "pathweaver-template" and "notes" not in saved.json()
    async with httpx.AsyncClient(base_url=server.url, follow_redirects=False) as http:
        started = await http.post("/import", files={"file": ("ours.template.json", saved.content)})
    assert started.status_code == 303
    new_id = started.headers["location"].rsplit("/", 1)[-1]
    token = started.cookies[f"pw_{new_id}"]
    again = await read_map(server.url, new_id, token)
    assert again["plan"]["phases"] == board["plan"]["phases"] and again["plan"]["current"] == 0
    assert again["workshop"]["kinds"] == board["workshop"]["kinds"] and again["notes"] == []
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        participant = await http.post("/api/join", json={"code": created["join_code"], "name": "Ana"})
        ana = participant.json()["token"]
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {ana}"}) as http:
        assert (await http.get(f"/api/workshops/{created['id']}/template")).status_code == 403
