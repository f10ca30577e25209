"""Joining by short code at /join, guarded against guessing, and the facilitator's switch that closes joining
(rule P34), on the real server."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from server import short_codes
from tests.integration.conftest import ServerWith, Workshop, note
from tests.support.client import BoardClient, create_workshop, read_map


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def short_code_of(base: str, created: dict[str, Any]) -> str:
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.get(f"/api/workshops/{created['id']}/short-code", headers=bearer(created["token"]))
        r.raise_for_status()
        assert r.json()["join_at"].endswith("/join")
        return str(r.json()["short_code"])


def wrong_codes(right: set[str], seed: int = 7) -> list[str]:
    """Well-formed codes that are none of `right` (a guesser's codes)."""
    rng = random.Random(seed)
    codes = ("".join(rng.choice(short_codes.ALPHABET) for _ in range(short_codes.LENGTH)) for _ in range(10_000))
    return [c for c in codes if c not in right]


@pytest.mark.rule("P34")
async def test_a_short_code_typed_in_lower_case_with_spaces_joins_as_a_participant(workshop: Workshop) -> None:
    base = workshop.server.url
    code = await short_code_of(base, workshop.created)
    assert code == workshop.created["short_code"], "creating the workshop gave it"
    typed = f" {code[:3].lower()} - {code[3:].lower()} "
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.post("/join", data={"code": typed, "name": "Ana"})
        assert r.status_code == 303 and r.headers["location"] == f"/w/{workshop.id}"
        token = http.cookies[f"pw_{workshop.id}"]
        # the board is hers, as a participant
        board = await http.get(f"/w/{workshop.id}")
        assert board.status_code == 200 and "data-board" in board.text
        ana = BoardClient(workshop.server.ws_url, workshop.id, token, "Ana")
        workshop.clients.append(ana)
        await ana.connect()
        assert ana.me is not None and (ana.me["name"], ana.me["role"]) == ("Ana", "participant")
        # typing it again on the same device goes straight to the board: nobody new
        again = await http.post("/join", data={"code": code, "name": "Ana again"})
        assert again.status_code == 303 and again.headers["location"] == f"/w/{workshop.id}"
        assert "set-cookie" not in again.headers
    async with httpx.AsyncClient(base_url=base) as http:
        form = await http.get("/join")
        assert form.status_code == 200 and 'action="/join"' in form.text
        short = await http.post("/join", data={"code": code[:5], "name": "Ben"})
        assert short.status_code == 422 and "6 letters and digits" in short.text
        empty = await http.post("/join", data={"code": code, "name": "  "})
        assert empty.status_code == 422 and "1 to 40 characters" in empty.text
        # only the facilitator sees or replaces the code
        r = await http.get(f"/api/workshops/{workshop.id}/short-code", headers=bearer(token))
        assert r.status_code == 403 and r.json()["code"] == "facilitator_only"
        r = await http.post(f"/api/workshops/{workshop.id}/short-code", headers=bearer(token))
        assert r.status_code == 403 and r.json()["code"] == "facilitator_only"


@pytest.mark.rule("P34")
async def test_another_workshops_code_opens_that_workshop_and_not_this_one(workshop: Workshop) -> None:
    base = workshop.server.url
    other = await create_workshop(base, "Another room")
    mine, theirs = await short_code_of(base, workshop.created), await short_code_of(base, other)
    assert mine != theirs
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.post("/join", data={"code": theirs, "name": "Ana"})
        assert r.status_code == 303 and r.headers["location"] == f"/w/{other['id']}"
        token = http.cookies[f"pw_{other['id']}"]
        assert f"pw_{workshop.id}" not in http.cookies
        r = await http.get(f"/api/workshops/{workshop.id}/map", headers=bearer(token))
        assert r.status_code == 401, "a token from the other workshop's code opens nothing here"
    # a replaced code opens nothing; the new one opens this workshop
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.post(f"/api/workshops/{workshop.id}/short-code", headers=bearer(workshop.created["token"]))
        new = r.json()["short_code"]
        assert new != mine and await short_code_of(base, workshop.created) == new
        old = await http.post("/join", data={"code": mine, "name": "Late"})
        assert old.status_code == 404 and "No workshop has the code" in old.text
        r = await http.post("/join", data={"code": new, "name": "Late"})
        assert r.status_code == 303 and r.headers["location"] == f"/w/{workshop.id}"


@pytest.mark.rule("P34")
async def test_guessing_short_codes_is_throttled_per_address_and_across_the_server(server_with: ServerWith) -> None:
    async with server_with(
        trusted_proxies="127.0.0.1",
        address_failed_join_burst="3",
        failed_short_code_burst="8",
        failed_short_codes_per_second="0.01",
    ) as server:
        created = await create_workshop(server.url, "Guarded")
        right = await short_code_of(server.url, created)
        guesses = iter(wrong_codes({right}))
        async with httpx.AsyncClient(base_url=server.url) as http:

            async def try_code(address: str, code: str) -> httpx.Response:
                data = {"code": code, "name": "Eve"}
                return await http.post("/join", data=data, headers={"X-Forwarded-For": address})

            # one address: three wrong codes, then refused whatever it types
            answers = [(await try_code("198.51.100.1", next(guesses))).status_code for _ in range(4)]
            assert answers == [404, 404, 404, 429]
            assert (await try_code("198.51.100.1", right)).status_code == 429
            # many addresses, one guess each: the server's count (8) stops them all, even a right code
            answers = [(await try_code(f"203.0.113.{i}", next(guesses))).status_code for i in range(6)]
            assert answers == [404] * 5 + [429]
            refused = await try_code("192.0.2.77", right)
            assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
            assert "join link" in refused.text
            # the join link still lets people in
            r = await http.post(
                "/api/join",
                json={"code": created["join_code"], "name": "Ana"},
                headers={"X-Forwarded-For": "192.0.2.77"},
            )
            assert r.status_code == 200


@pytest.mark.rule("P34")
async def test_closed_joining_turns_new_people_away_while_those_joined_carry_on(workshop: Workshop) -> None:
    base = workshop.server.url
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    code = await short_code_of(base, workshop.created)
    assert (await ana.refused("workshop.joining", open=False))["code"] == "facilitator_only"
    await fac.do("workshop.joining", open=False)
    await ana.wait_for(lambda: ana.board is not None and not ana.board.workshop.joining, "joining closed")
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.post("/api/join", json={"code": workshop.created["join_code"], "name": "Late"})
        assert r.status_code == 403 and r.json()["code"] == "joining_closed"
        for page in (
            await http.get(f"/j/{workshop.created['join_code']}"),
            await http.post(f"/j/{workshop.created['join_code']}", data={"name": "Late"}),
            await http.post("/join", data={"code": code, "name": "Late"}),
        ):
            assert page.status_code == 403 and "Joining is closed" in page.text
        names = [p["name"] for p in (await read_map(base, workshop.id, workshop.created["token"]))["participants"]]
        assert "Late" not in names
        # those already in carry on, and may reconnect
        await ana.do("note.add", **note(1))
        await ana.reconnect()
        await ana.do("note.update", id="note0001", text="still here")
        # the facilitator key still makes a facilitator
        r = await http.post("/api/join", json={"code": workshop.created["facilitator_key"], "name": "Co-facilitator"})
        assert r.status_code == 200 and r.json()["participant"]["role"] == "facilitator"
        # open again: the link and the code let people in
        await fac.do("workshop.joining", open=True)
        await ana.wait_for(lambda: ana.board is not None and ana.board.workshop.joining, "joining open")
        r = await http.post("/api/join", json={"code": workshop.created["join_code"], "name": "Late"})
        assert r.status_code == 200
        r = await http.post("/join", data={"code": code, "name": "Later"})
        assert r.status_code == 303
