"""Renaming and removing people (rule P50) on the real server: the removed person's sockets close, and their
token is refused everywhere from then on, also after a restart."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
import websockets

from tests.integration.conftest import ServerWith, Workshop, note
from tests.support.client import BoardClient, create_workshop, join, read_map

REMOVED_CLOSE = 4004


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def socket_refusal(ws_base: str, workshop_id: str, token: str) -> tuple[dict[str, Any], int]:
    """The first frame and the close code a socket opened with `token` gets."""
    url = f"{ws_base}/api/workshops/{workshop_id}/ws"
    async with websockets.connect(url, additional_headers=bearer(token)) as ws:
        frame = orjson.loads(await ws.recv())
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None
        return frame, closed.value.rcvd.code


async def http_refusals(base: str, workshop_id: str, token: str) -> list[tuple[int, str]]:
    """What the HTTP operations, the map, an export, the list and the board page answer a token."""
    answers = []
    async with httpx.AsyncClient(base_url=base, headers=bearer(token)) as http:
        for r in (
            await http.post(f"/api/workshops/{workshop_id}/ops", json={"op": "note.add", **note("late0001")}),
            await http.get(f"/api/workshops/{workshop_id}/map"),
            await http.get(f"/api/workshops/{workshop_id}/export/json"),
        ):
            answers.append((r.status_code, r.json()["code"]))
    async with httpx.AsyncClient(base_url=base, cookies={f"pw_{workshop_id}": token}) as browser:
        for path in (f"/w/{workshop_id}", f"/w/{workshop_id}/list"):
            r = await browser.get(path)
            answers.append((r.status_code, "removed page" if "You were removed" in r.text else r.text[:200]))
    return answers


@pytest.mark.rule("P50")
async def test_a_removed_persons_sockets_close_and_their_token_is_refused_everywhere(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    ana_phone = BoardClient(workshop.server.ws_url, workshop.id, ana.token, "ana-phone")
    workshop.clients.append(ana_phone)
    await ana_phone.connect()
    ben = await workshop.participant("Ben")
    ana_id = ana.me["id"]  # type: ignore[index]
    await ana.do("note.add", **note(1, text="Ministers read our briefings"))
    await fac.do("participant.rename", id=ana_id, name="Ana Obi")
    await ben.wait_for(lambda: ben.board.participants[ana_id].name == "Ana Obi", "the rename")  # type: ignore[union-attr]
    await ana_phone.reconnect()  # the board's name is hers from now on, on every connection
    assert ana_phone.me is not None and ana_phone.me["name"] == "Ana Obi"

    cid = await fac.send("participant.remove", id=ana_id)
    seq = await fac.wait_settled(cid)
    assert isinstance(seq, int)
    for socket in (ana, ana_phone):
        await socket.wait_for(lambda s=socket: s.close_code is not None, "the socket closed")
        assert socket.close_code == REMOVED_CLOSE
        assert socket.errors[-1]["code"] == "participant_removed"
    await ben.wait_for(lambda: ben.board.participants[ana_id].removed, "the removal")  # type: ignore[union-attr]
    await ben.wait_for(lambda: ana_id not in ben.presence, "Ana offline")
    assert ben.board.notes["note0001"].author == ana_id  # type: ignore[union-attr]  # her note stays hers

    frame, code = await socket_refusal(workshop.server.ws_url, workshop.id, ana.token)
    assert (frame["type"], frame["code"], code) == ("error", "participant_removed", REMOVED_CLOSE)
    assert await http_refusals(workshop.server.url, workshop.id, ana.token) == [
        (403, "participant_removed"),
        (403, "participant_removed"),
        (403, "participant_removed"),
        (403, "removed page"),
        (403, "removed page"),
    ]
    board = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    ana_entry = next(p for p in board["participants"] if p["id"] == ana_id)
    assert ana_entry == {**ana_entry, "name": "Ana Obi", "removed": True}
    async with httpx.AsyncClient(base_url=workshop.server.url, cookies={f"pw_{workshop.id}": fac.token}) as browser:
        page = await browser.get(f"/w/{workshop.id}/list")  # her note, still under her name, marked
        assert page.status_code == 200 and "by Ana Obi (removed)" in page.text
    await fac.send("participant.remove", id=ana_id, cid=cid)  # the same operation resent: acknowledged again
    await fac.wait_for(lambda: fac.acks[cid] == seq, "the ack again")
    assert (await fac.refused("participant.remove", id=ana_id))["code"] == "bad_value"  # already removed
    assert (await fac.refused("participant.remove", id="nobody12"))["code"] == "participant_missing"
    assert (await fac.refused("participant.remove", id=fac.me["id"]))["code"] == "bad_value"  # type: ignore[index]
    assert fac.board is not None and fac.board.head == seq  # nothing else changed


@pytest.mark.rule("P50")
async def test_only_the_facilitator_renames_or_removes_others_and_only_in_their_own_workshop(
    workshop: Workshop,
) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    ana_id, ben_id = ana.me["id"], ben.me["id"]  # type: ignore[index]
    assert (await ana.refused("participant.rename", id=ben_id, name="Benny"))["code"] == "facilitator_only"
    assert (await ana.refused("participant.remove", id=ben_id))["code"] == "facilitator_only"
    assert (await ana.refused("participant.rename", id=ana_id, name="x" * 41))["code"] == "text_too_long"
    await ana.do("participant.rename", id=ana_id, name="Ana from the EEF")  # her own name is hers to change
    await fac.wait_for(lambda: fac.board.participants[ana_id].name == "Ana from the EEF", "rename")  # type: ignore[union-attr]

    other = await create_workshop(workshop.server.url, "Another workshop")
    outsider = BoardClient(workshop.server.ws_url, other["id"], other["token"], "outsider")
    workshop.clients.append(outsider)
    await outsider.connect()
    # in their own workshop, this one's people are nobody; here, their key opens nothing
    assert (await outsider.refused("participant.remove", id=ben_id))["code"] == "participant_missing"
    assert (await outsider.refused("participant.rename", id=ben_id, name="Gone"))["code"] == "participant_missing"
    async with httpx.AsyncClient(base_url=workshop.server.url, headers=bearer(other["token"])) as http:
        r = await http.post(f"/api/workshops/{workshop.id}/ops", json={"op": "participant.remove", "id": ben_id})
        assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    async with httpx.AsyncClient(base_url=workshop.server.url, headers=bearer(ana.token)) as http:
        r = await http.post(f"/api/workshops/{workshop.id}/ops", json={"op": "participant.remove", "id": ben_id})
        assert r.status_code == 403 and r.json()["code"] == "facilitator_only"
    await ben.do("note.add", **note(2))  # Ben is still in
    assert not fac.board.participants[ben_id].removed  # type: ignore[union-attr]


@pytest.mark.rule("P50")
async def test_a_removal_holds_after_a_restart(server_with: ServerWith) -> None:
    async with server_with() as server:
        created = await create_workshop(server.url, "Restart test")
        joined = await join(server.url, created["join_code"], "Ana")
        ana = await BoardClient(server.ws_url, created["id"], joined["token"], "ana").connect()  # on the board
        fac = await BoardClient(server.ws_url, created["id"], created["token"], "fac").connect()
        await fac.do("participant.remove", id=joined["participant"]["id"])
        await ana.wait_for(lambda: ana.close_code is not None, "Ana's socket closed")
        await fac.disconnect()
        server.stop()
        server.start()
        frame, code = await socket_refusal(server.ws_url, created["id"], joined["token"])
        assert (frame["code"], code) == ("participant_removed", REMOVED_CLOSE)
        async with httpx.AsyncClient(base_url=server.url, headers=bearer(joined["token"])) as http:
            r = await http.get(f"/api/workshops/{created['id']}/map")
            assert r.status_code == 403 and r.json()["code"] == "participant_removed"
