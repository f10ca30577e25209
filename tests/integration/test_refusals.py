"""Bad input and role rules over the wire: a clear error, nothing changed, the connection kept."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import orjson
import pytest
import websockets

from tests.integration.conftest import Workshop, note
from tests.support.client import BoardClient, create_workshop, read_map
from tests.support.server import ServerProcess


async def assert_unchanged_and_alive(workshop: Workshop, client: BoardClient, before: dict) -> None:
    assert await read_map(workshop.server.url, workshop.id, workshop.created["token"]) == before
    seq = await client.do("note.add", **note("alive01", text="still connected"))
    assert seq == before["head"] + 1


@pytest.mark.rule("P15")
@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("this is not json", "malformed_json"),
        ("[]", "malformed_json"),
        ('{"op": "note.teleport", "cid": "c1"}', "unknown_op"),
        ('{"op": "note.add", "cid": "c1", "id": "note9", "kind": "impact", "text": 5, "x": 0, "y": 0}', "bad_frame"),
        (
            '{"op": "note.add", "cid": "c1", "id": "note9999", "kind": "impact", "text": "'
            + "x" * 2001
            + '", "x": 0, "y": 0}',
            "text_too_long",
        ),
        (
            '{"op": "note.add", "cid": "c1", "id": "note9999", "kind": "impact", "text": "'
            + "x" * 70000
            + '", "x": 0, "y": 0}',
            "frame_too_large",
        ),
        (
            '{"op": "link.add", "cid": "c1", "id": "link9999", "source": "note0001", "target": "missing1"}',
            "note_missing",
        ),
        ('{"op": "link.add", "cid": "c1", "id": "link9999", "source": "note0001", "target": "note0001"}', "link_self"),
        (
            '{"op": "link.add", "cid": "c1", "id": "link9999", "source": "note0001", "target": "note0002"}',
            "link_duplicate",
        ),
        ('{"op": "note.update", "cid": "c1", "id": "nope0001", "text": "x"}', "note_missing"),
        ('{"op": "workshop.lock", "cid": "c1"}', "facilitator_only"),
        ('{"op": "workshop.rename", "cid": "c1", "title": "Hijacked"}', "facilitator_only"),
    ],
)
async def test_bad_frame_gets_error_and_changes_nothing(workshop: Workshop, raw: str, code: str) -> None:
    a = await workshop.participant("Ana")
    await a.do("note.add", **note(1))
    await a.do("note.add", **note(2))
    await a.do("link.add", id="link0001", source="note0001", target="note0002")
    before = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    await a.send_raw(raw)
    await a.wait_for(lambda: a.errors, "an error frame")
    error = a.errors[-1]
    assert error["code"] == code and error["message"]
    if '"cid"' in raw and code != "malformed_json":
        assert error["cid"] == "c1"
    await assert_unchanged_and_alive(workshop, a, before)


@pytest.mark.rule("P14")
async def test_locked_board_refuses_participant_edits_on_the_wire(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    a = await workshop.participant("Ana")
    await a.do("note.add", **note(1))
    await a.do("note.add", **note(2))
    await a.do("link.add", id="link0001", source="note0001", target="note0002")
    await fac.do("workshop.lock")
    await a.wait_for(lambda: a.board.workshop.locked, "lock event")
    before = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    for op, fields in [
        ("note.add", note(3)),
        ("note.update", {"id": "note0001", "text": "x"}),
        ("note.delete", {"id": "note0001"}),
        ("note.move", {"id": "note0001", "x": 1.0, "y": 1.0}),
        ("link.add", {"id": "link0002", "source": "note0002", "target": "note0001"}),
        ("link.update", {"id": "link0001", "label": "leads to"}),
        ("link.delete", {"id": "link0001"}),
    ]:
        error = await a.refused(op, **fields)
        assert error["code"] == "board_locked", f"{op}: {error}"
    assert await read_map(workshop.server.url, workshop.id, workshop.created["token"]) == before
    await fac.do("note.update", id="note0001", text="facilitator may still edit")
    await fac.do("workshop.unlock")
    await a.do("note.update", id="note0001", text="unlocked again")


@pytest.mark.rule("P13", "P18")
async def test_facilitator_renames_and_participant_cannot(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    a = await workshop.participant("Ana")
    assert (await a.refused("workshop.rename", title="Mine now"))["code"] == "facilitator_only"
    await fac.do("workshop.rename", title="Pathways to policy change", question="How did our evidence reach policy?")
    await a.wait_for(lambda: a.board.workshop.title == "Pathways to policy change", "rename")
    assert a.board.workshop.question == "How did our evidence reach policy?"


@pytest.mark.rule("P1")
async def test_no_token_wrong_token_and_other_workshops_token_are_refused(workshop: Workshop) -> None:
    other = await create_workshop(workshop.server.url, "Another workshop")
    url = f"{workshop.server.ws_url}/api/workshops/{workshop.id}/ws"
    for headers in (
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Bearer {other['token']}"},
        {"Cookie": f"pw_{workshop.id}={other['token']}"},
    ):
        async with websockets.connect(url, additional_headers=headers) as ws:
            frame = orjson.loads(await ws.recv())
            assert frame["type"] == "error" and frame["code"] == "unauthorized"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 4001
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.get(f"/api/workshops/{workshop.id}/map", headers={"Authorization": f"Bearer {other['token']}"})
        assert r.status_code == 401 and r.json()["code"] == "unauthorized"
        r = await http.get(f"/api/workshops/{workshop.id}/map")
        assert r.status_code == 401


@pytest.mark.rule("P1")
async def test_cookie_authenticates_a_browser_socket(workshop: Workshop) -> None:
    url = f"{workshop.server.ws_url}/api/workshops/{workshop.id}/ws"
    async with websockets.connect(
        url, additional_headers={"Cookie": f"pw_{workshop.id}={workshop.created['token']}"}
    ) as ws:
        assert orjson.loads(await ws.recv())["type"] == "welcome"


@pytest.mark.rule("P2")
async def test_foreign_origin_is_refused(workshop: Workshop) -> None:
    url = f"{workshop.server.ws_url}/api/workshops/{workshop.id}/ws"
    headers = {"Authorization": f"Bearer {workshop.created['token']}"}
    async with websockets.connect(url, additional_headers=headers, origin="http://evil.example") as ws:
        frame = orjson.loads(await ws.recv())
        assert frame["code"] == "origin_forbidden"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd.code == 4003
    async with websockets.connect(url, additional_headers=headers, origin=workshop.server.url) as ws:
        assert orjson.loads(await ws.recv())["type"] == "welcome"


async def test_join_with_bad_or_rotated_code(workshop: Workshop) -> None:
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.post("/api/join", json={"code": "nonsense-code", "name": "Eve"})
        assert r.status_code == 404 and r.json()["code"] == "unknown_code"
        r = await http.post("/api/join", json={"code": workshop.created["join_code"], "name": ""})
        assert r.status_code == 422
        r = await http.post("/api/join", json={"code": workshop.created["join_code"], "name": "x" * 41})
        assert r.status_code == 422
        a = await workshop.participant("Ana", connect=False)
        r = await http.post(f"/api/workshops/{workshop.id}/join-code", headers={"Authorization": f"Bearer {a.token}"})
        assert r.status_code == 403 and r.json()["code"] == "facilitator_only"
        r = await http.post(
            f"/api/workshops/{workshop.id}/join-code", headers={"Authorization": f"Bearer {workshop.created['token']}"}
        )
        assert r.status_code == 200
        new_code = r.json()["join_code"]
        assert new_code != workshop.created["join_code"]
        r = await http.post("/api/join", json={"code": workshop.created["join_code"], "name": "Late"})
        assert r.status_code == 404
        r = await http.post("/api/join", json={"code": new_code, "name": "On time"})
        assert r.status_code == 200 and r.json()["participant"]["role"] == "participant"
        # Already-joined participants keep their tokens after a rotation.
        r = await http.get(f"/api/workshops/{workshop.id}/map", headers={"Authorization": f"Bearer {a.token}"})
        assert r.status_code == 200


async def test_server_survives_garbage_and_keeps_serving(workshop: Workshop) -> None:
    url = f"{workshop.server.ws_url}/api/workshops/{workshop.id}/ws"
    headers = {"Authorization": f"Bearer {workshop.created['token']}"}
    async with websockets.connect(url, additional_headers=headers) as ws:
        for raw in [b"\x00\xff\xfe binary junk", "", "{}" * 1000, '{"op":null}', "9" * 5000]:
            await ws.send(raw)
        errors = 0
        while errors < 5:
            frame = orjson.loads(await ws.recv())
            errors += frame["type"] == "error"
    a = await workshop.participant("Ana")
    await a.do("note.add", **note(1))


async def test_operations_over_http_follow_the_same_rules(workshop: Workshop) -> None:
    a = await workshop.participant("Ana")
    headers = {"Authorization": f"Bearer {a.token}"}
    url = f"/api/workshops/{workshop.id}/ops"
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        r = await http.post(
            url,
            json={"op": "note.add", "id": "note0001", "kind": "impact", "text": "by form", "x": 0, "y": 0},
            headers=headers,
        )
        assert r.status_code == 200
        seq = r.json()["seq"]
        await a.wait_head(seq)
        assert a.board.notes["note0001"].text == "by form"
        r = await http.post(url, json={"op": "note.update", "id": "ghost001", "text": "x"}, headers=headers)
        assert (r.status_code, r.json()["code"]) == (404, "note_missing")
        r = await http.post(url, json={"op": "workshop.lock"}, headers=headers)
        assert (r.status_code, r.json()["code"]) == (403, "facilitator_only")
        r = await http.post(
            url, json={"op": "note.add", "id": "note0002", "kind": "impact", "text": "x", "x": 0, "y": 0}
        )
        assert r.status_code == 401
        r = await http.post(
            url,
            json={"op": "note.add", "cid": "same", "id": "note0003", "kind": "impact", "text": "once", "x": 0, "y": 0},
            headers=headers,
        )
        again = await http.post(
            url,
            json={"op": "note.add", "cid": "same", "id": "note0003", "kind": "impact", "text": "once", "x": 0, "y": 0},
            headers=headers,
        )
        assert r.json()["seq"] == again.json()["seq"]


async def test_openapi_schema_describes_the_api(workshop: Workshop) -> None:
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        schema = (await http.get("/openapi.json")).json()
    paths = schema["paths"]
    for path, method in [
        ("/api/workshops", "post"),
        ("/api/join", "post"),
        ("/api/workshops/{workshop_id}/map", "get"),
        ("/api/workshops/{workshop_id}/ops", "post"),
        ("/api/workshops/{workshop_id}/join-code", "post"),
    ]:
        assert method in paths[path], f"{method.upper()} {path} missing from the schema"
    assert paths["/api/join"]["post"]["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Problem"
    )


async def test_the_frame_limit_is_configurable(tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite:///{tmp_path / 'small.db'}", extra_env={"PATHWEAVER_MAX_FRAME_BYTES": "300"})
    server.start(log_path=tmp_path / "server.log")
    try:
        created = await create_workshop(server.url, "Small frames")
        client = await BoardClient(server.ws_url, created["id"], created["token"], "small").connect()
        error = await client.refused("note.add", **note(1, text="x" * 400))
        assert error["code"] == "frame_too_large" and "300" in error["message"]
        await client.do("note.add", **note(2, text="short"))
        await client.disconnect()
    finally:
        server.stop()


@pytest.mark.rule("P20")
async def test_a_flooding_client_is_slowed_not_served_first(workshop: Workshop) -> None:
    flood = await workshop.participant("Flood")
    calm = await workshop.participant("Calm")
    await flood.do("note.add", **note(1))
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    sent: list[str] = []

    async def keep_flooding() -> None:
        while not stop.is_set():
            sent.append(await flood.send("note.update", id="note0001", text=f"spam {len(sent)}"))
            await asyncio.sleep(0.001)  # ~1,000 frames a second: far over the limit, yet read as fast as answered

    def refused(cids: list[str]) -> int:
        return sum(flood.errors_by_cid.get(c, {}).get("code") == "rate_limited" for c in cids)

    started = loop.time()
    flooding = asyncio.create_task(keep_flooding())
    try:
        await flood.wait_for(lambda: refused(sent) >= 50, "the flood being refused")
        asked = loop.time()
        await calm.do("note.add", **note(2, text="others are still served"))
        served_in = loop.time() - asked
        after = len(sent)
        # frames the flooder sent after the calm client was served are still being refused: it never paused
        await flood.wait_for(lambda: refused(sent[after:]) >= 50, "the flood going on after the calm client's ack")
        assert not flooding.done()
    finally:
        stop.set()
        await flooding
    assert served_in < 1.0, f"the calm client waited {served_in:.2f} s behind the flood"
    await flood.wait_for(lambda: all(c in flood.acks or c in flood.errors_by_cid for c in sent), "every frame answered")
    elapsed = loop.time() - started  # the server handled every flood frame within this time
    accepted = [c for c in sent if c in flood.acks]
    assert refused(sent) == len(sent) - len(accepted), "a flood frame was refused for another reason"
    # at most the burst, then the steady rate: 120 + 60 a second
    assert len(accepted) <= 120 + 60 * elapsed, f"{len(accepted)} of {len(sent)} accepted in {elapsed:.2f} s"
    # once the flood stops, the bucket refills and the connection's frames are accepted again
    deadline = loop.time() + 5
    while isinstance(
        answer := await flood.wait_settled(await flood.send("note.update", id="note0001", text="later")), dict
    ):
        assert answer["code"] == "rate_limited" and loop.time() < deadline, answer
        await asyncio.sleep(1 / 60)  # one token's worth of refill
