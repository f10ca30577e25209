"""Abuse limits beyond one socket, on the real server: frames per participant and per address, HTTP operations,
joins and join-code guessing, workshop creation, the participant cap, and request body sizes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from tests.integration.conftest import ServerWith, Workshop, note
from tests.support.client import BoardClient, create_workshop, join, read_map


def answered(client: BoardClient, cids: list[str]) -> bool:
    return all(c in client.acks or c in client.errors_by_cid for c in cids)


def rate_limited(client: BoardClient, cids: list[str]) -> list[dict[str, Any]]:
    return [e for c in cids if (e := client.errors_by_cid.get(c)) and e["code"] == "rate_limited"]


@pytest.mark.rule("P26")
async def test_ten_sockets_of_one_participant_are_limited_together(workshop: Workshop) -> None:
    # Each socket stays within its own burst (120), so only the participant's limit (240 at once, then 120 a
    # second) can refuse anything: 1,000 frames sent together are mostly refused.
    flood = await workshop.participant("Flood")
    await flood.do("note.add", **note(1))
    sockets = [flood] + [
        await BoardClient(workshop.server.ws_url, workshop.id, flood.token, f"flood{i}").connect() for i in range(9)
    ]
    workshop.clients.extend(sockets[1:])
    start = time.monotonic()
    cids = {s: [await s.send("note.update", id="note0001", text=f"{s.name} {i}") for i in range(100)] for s in sockets}
    elapsed = time.monotonic() - start
    for s, sent in cids.items():
        await s.wait_for(lambda s=s, sent=sent: answered(s, sent), "every frame answered")
    refused = [e for s, sent in cids.items() for e in rate_limited(s, sent)]
    accepted = sum(c in s.acks for s, sent in cids.items() for c in sent)
    assert accepted + len(refused) == 1000
    assert accepted <= 240 + 120 * (elapsed + 1), f"{accepted} frames accepted in {elapsed:.1f}s"
    assert refused and all("participant" in e["message"] for e in refused), refused[:1]
    calm = await workshop.participant("Calm")
    await calm.do("note.add", **note(2, text="others are still served"))


@pytest.mark.rule("P26")
async def test_frames_from_one_address_are_limited_across_participants(server_with: ServerWith) -> None:
    async with server_with(address_frames_per_second="10", address_frame_burst="50") as server:
        created = await create_workshop(server.url, "One venue")
        people = [
            await BoardClient(
                server.ws_url, created["id"], (await join(server.url, created["join_code"], f"p{i}"))["token"], f"p{i}"
            ).connect()
            for i in range(5)
        ]
        await people[0].do("note.add", **note(1))
        # 5 people x 20 frames: each well within its own connection's and participant's limits, but 100 frames
        # from one address against a burst of 50.
        cids = {
            p: [await p.send("note.update", id="note0001", text=f"{p.name} {i}") for i in range(20)] for p in people
        }
        for p, sent in cids.items():
            await p.wait_for(lambda p=p, sent=sent: answered(p, sent), "every frame answered")
        refused = [e for p, sent in cids.items() for e in rate_limited(p, sent)]
        assert len(refused) >= 40 and all("network address" in e["message"] for e in refused)
        for p in people:
            await p.disconnect()


@pytest.mark.rule("P27")
async def test_one_participant_flooding_over_http_gets_429_while_others_are_served(workshop: Workshop) -> None:
    flood = await workshop.participant("Flood", connect=False)
    calm = await workshop.participant("Calm", connect=False)
    url = f"/api/workshops/{workshop.id}/ops"

    def add(who: BoardClient, i: int) -> dict[str, Any]:
        return {"op": "note.add", "id": f"{who.name.lower()}{i:04}", "kind": "impact", "text": "x", "x": 0, "y": 0}

    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        answers: list[httpx.Response] = []
        stop = asyncio.Event()
        changed = asyncio.Condition()

        async def flooding(lane: int) -> None:
            auth = {"Authorization": f"Bearer {flood.token}"}
            for i in range(lane * 1000, lane * 1000 + 1000):
                if stop.is_set():
                    return
                answers.append(await http.post(url, json=add(flood, i), headers=auth))
                async with changed:
                    changed.notify_all()

        async def until(predicate: Callable[[], bool]) -> None:
            async with changed:
                await asyncio.wait_for(changed.wait_for(predicate), 20)

        start = time.monotonic()
        lanes = [asyncio.create_task(flooding(lane)) for lane in range(4)]
        try:
            await until(lambda: any(r.status_code == 429 for r in answers))
            limited = next(r for r in answers if r.status_code == 429)
            assert limited.json()["code"] == "rate_limited" and "participant" in limited.json()["message"]
            assert int(limited.headers["Retry-After"]) >= 1
            # While the flood is being refused, someone else is served ...
            r = await http.post(url, json=add(calm, 1), headers={"Authorization": f"Bearer {calm.token}"})
            assert r.status_code == 200, r.text
            # ... and the flood goes on being refused after that answer.
            served_at = len(answers)
            await until(lambda: any(r.status_code == 429 for r in answers[served_at:]))
            # The list view's form is the same operation, limited by the same count.
            for _ in range(10):
                list_op = await http.post(
                    f"/w/{workshop.id}/list/op",
                    data={"action": "add", "kind": "impact", "text": "by form"},
                    headers={"Cookie": f"pw_{workshop.id}={flood.token}"},
                )
                if list_op.status_code == 429:
                    break
            assert list_op.status_code == 429 and int(list_op.headers["Retry-After"]) >= 1
        finally:
            stop.set()
            await asyncio.gather(*lanes)
        elapsed = time.monotonic() - start
        accepted = [r.status_code for r in answers].count(200)
        assert accepted <= 20 + 5 * (elapsed + 1), f"{accepted} operations accepted in {elapsed:.1f}s (burst 20, 5/s)"


@pytest.mark.rule("P27")
async def test_guessing_join_codes_is_limited_more_tightly_than_joining(server_with: ServerWith) -> None:
    async with server_with(address_failed_join_burst="10", address_failed_joins_per_second="0.2") as server:
        created = await create_workshop(server.url, "Guarded")
        async with httpx.AsyncClient(base_url=server.url) as http:
            # Joining with a working code: three times the guessing allowance, all let in.
            for i in range(30):
                r = await http.post("/api/join", json={"code": created["join_code"], "name": f"p{i}"})
                assert r.status_code == 200, r.text
            guesses = [await http.post("/api/join", json={"code": f"guess{i:09}", "name": "Eve"}) for i in range(15)]
            assert [r.status_code for r in guesses] == [404] * 10 + [429] * 5
            assert guesses[-1].json()["code"] == "rate_limited" and int(guesses[-1].headers["Retry-After"]) >= 1
            # The join page (which also tells whether a code works) and its form are guarded by the same count.
            assert (await http.get("/j/guess999999999")).status_code == 429
            page = await http.post("/j/guess999999999", data={"name": "Eve"})
            assert page.status_code == 429 and page.headers["Retry-After"]
            # A client cannot pose as another address with X-Forwarded-For unless a trusted proxy is configured.
            spoofed = await http.post(
                "/api/join", json={"code": "guess", "name": "Eve"}, headers={"X-Forwarded-For": "203.0.113.9"}
            )
            assert spoofed.status_code == 429


@pytest.mark.rule("P27")
async def test_creating_workshops_is_limited_per_address(server_with: ServerWith) -> None:
    async with server_with(address_creation_burst="3", address_creations_per_second="0.01") as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            made = [await http.post("/api/workshops", json={"title": f"W{i}"}) for i in range(3)]
            assert [r.status_code for r in made] == [201] * 3
            r = await http.post("/api/workshops", json={"title": "one too many"})
            assert r.status_code == 429 and r.json()["code"] == "rate_limited" and r.headers["Retry-After"]
            page = await http.post("/create", data={"title": "by form"})
            assert page.status_code == 429 and page.headers["Retry-After"]
            upload = await http.post(
                "/api/workshops/import", files={"file": ("notes.csv", b"text,kind\nA,impact\n", "text/csv")}
            )
            assert upload.status_code == 429


@pytest.mark.rule("P27")
async def test_x_forwarded_for_is_believed_from_configured_proxies_only(server_with: ServerWith) -> None:
    async with server_with(trusted_proxies="127.0.0.1", address_failed_join_burst="2") as server:
        async with httpx.AsyncClient(base_url=server.url) as http:

            async def guess(address: str) -> int:
                headers = {"X-Forwarded-For": address}
                return (await http.post("/api/join", json={"code": "nope", "name": "E"}, headers=headers)).status_code

            assert [await guess("198.51.100.1") for _ in range(3)] == [404, 404, 429]
            assert await guess("198.51.100.2") == 404, "another client behind the proxy has its own count"


@pytest.mark.rule("P27")
async def test_two_hundred_people_behind_one_address_all_join_within_a_minute(server_with: ServerWith) -> None:
    async with server_with() as server:  # the default limits
        created = await create_workshop(server.url, "Plenary behind the venue's NAT")
        async with httpx.AsyncClient(base_url=server.url, limits=httpx.Limits(max_connections=20)) as http:
            start = time.monotonic()
            answers = await asyncio.gather(
                *(http.post("/api/join", json={"code": created["join_code"], "name": f"p{i}"}) for i in range(200))
            )
            assert time.monotonic() - start < 60
        assert [r.status_code for r in answers] == [200] * 200
        people = [BoardClient(server.ws_url, created["id"], r.json()["token"], f"p{i}") for i, r in enumerate(answers)]
        for p in people[:50]:
            await p.connect()
        # Everyone adds a note at once: well within the address's frame limit.
        cids = [await p.send("note.add", **note(i)) for i, p in enumerate(people[:50])]
        for p, cid in zip(people[:50], cids, strict=True):
            assert isinstance(await p.wait_settled(cid), int)
            await p.disconnect()


@pytest.mark.rule("P28")
async def test_the_participant_cap_refuses_the_next_joiner(server_with: ServerWith) -> None:
    async with server_with(max_participants="4") as server:
        created = await create_workshop(server.url, "Small room")  # the facilitator is the first of four
        for i in range(3):
            await join(server.url, created["join_code"], f"p{i}")
        async with httpx.AsyncClient(base_url=server.url) as http:
            r = await http.post("/api/join", json={"code": created["join_code"], "name": "one too many"})
            assert r.status_code == 409 and r.json()["code"] == "workshop_full"
            assert "4" in r.json()["message"]
            page = await http.post(f"/j/{created['join_code']}", data={"name": "one too many"})
            assert page.status_code == 409 and "this workshop is full" in page.text
            r = await http.get(
                f"/api/workshops/{created['id']}/map", headers={"Authorization": f"Bearer {created['token']}"}
            )
            assert len(r.json()["participants"]) <= 4


@pytest.mark.rule("P28")
async def test_a_removed_person_holds_no_place_under_the_cap_also_after_a_restart(server_with: ServerWith) -> None:
    async def joins(name: str) -> int:
        async with httpx.AsyncClient(base_url=server.url) as http:
            return (await http.post("/api/join", json={"code": created["join_code"], "name": name})).status_code

    async with server_with(max_participants="3") as server:
        created = await create_workshop(server.url, "Small room")  # the facilitator is the first of three
        await join(server.url, created["join_code"], "Ana")
        ben = await join(server.url, created["join_code"], "Ben")
        assert await joins("Cleo") == 409
        on_board = await BoardClient(server.ws_url, created["id"], ben["token"], "ben").connect()
        fac = await BoardClient(server.ws_url, created["id"], created["token"], "fac").connect()
        await fac.do("participant.remove", id=ben["participant"]["id"])
        await on_board.wait_for(lambda: on_board.close_code is not None, "Ben's socket closed")
        await fac.disconnect()
        server.stop()
        server.start()  # the count comes from storage, which remembers who was removed
        assert await joins("Cleo") == 200, "Ben's place is free"
        assert await joins("Dan") == 409, "the facilitator, Ana and Cleo fill the workshop"
        people = (await read_map(server.url, created["id"], created["token"]))["participants"]
        assert [p.get("removed") for p in people if p["name"] == "Ben"] == [True], "the map still lists him"


@pytest.mark.rule("P29")
async def test_request_bodies_over_the_limit_are_refused_before_they_are_read(workshop: Workshop) -> None:
    big = b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    async with httpx.AsyncClient(base_url=workshop.server.url) as http:
        declared = await http.post("/api/workshops", content=big, headers={"Content-Type": "application/json"})
        assert declared.status_code == 413 and declared.json()["code"] == "body_too_large"

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the server must count as it reads
            for i in range(0, len(big), 65536):
                yield big[i : i + 65536]

        chunked = await http.post("/api/join", content=chunks(), headers={"Content-Type": "application/json"})
        assert chunked.status_code == 413 and chunked.json()["code"] == "body_too_large"
        ops = await http.post(
            f"/api/workshops/{workshop.id}/ops",
            content=big,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {workshop.created['token']}"},
        )
        assert ops.status_code == 413
        upload = await http.post(
            "/api/workshops/import",
            files={"file": ("map.json", b" " * (11 * 1024 * 1024), "application/json")},
        )
        assert upload.status_code == 413 and upload.json()["code"] == "body_too_large"
        # Within the limits, everything works as before.
        assert (await http.post("/api/workshops", json={"title": "A normal workshop"})).status_code == 201
