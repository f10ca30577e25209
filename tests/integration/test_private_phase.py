"""Private ideation and reveal over real websockets and HTTP, on SQLite and PostgreSQL (P38).

Privacy is judged on the bytes: everything another participant is sent — frames, the HTTP map, the list page,
exports — is read whole and must not hold a private note's text before the reveal.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import BoardClient, read_map

SECRET = "Ana's secret impact: ministers cite us"
EDITED = "Ana's secret, edited: ministers cite us weekly"
PRIVATE = {"name": "Name the impacts", "prompt": "On your own", "private": True, "kinds": ["impact"]}
TOGETHER = {"name": "Map the pathways"}


def by_id(board: dict[str, Any]) -> dict[str, Any]:
    """A map with notes and links keyed by id: a revealed note comes later in the order of a board that did
    not have it before, and that is the only difference allowed."""
    return {**board, "notes": {n["id"]: n for n in board["notes"]}, "links": {lk["id"]: lk for lk in board["links"]}}


async def everything_ben_can_read(workshop: Workshop, ben: BoardClient) -> bytes:
    """Ben's socket bytes so far, and what he gets from the HTTP map, the list page and an export."""
    headers = {"Authorization": f"Bearer {ben.token}"}
    cookies = {f"pw_{workshop.id}": ben.token}  # the list page reads the token from the cookie the join set
    async with httpx.AsyncClient(base_url=workshop.server.url, headers=headers, cookies=cookies) as http:
        answers = [
            await http.get(f"/api/workshops/{workshop.id}/map"),
            await http.get(f"/w/{workshop.id}/list"),
            await http.get(f"/api/workshops/{workshop.id}/export/json"),
            await http.get(f"/api/workshops/{workshop.id}/export/csv"),
        ]
    for r in answers:
        assert r.status_code == 200, (r.url, r.status_code, r.text[:200])
    return bytes(ben.received) + b"".join(r.content for r in answers)


@pytest.mark.rule("P38")
async def test_private_notes_reach_no_one_else_in_any_byte_until_the_reveal(workshop: Workshop) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    await fac.do("workshop.share_exports", enabled=True)  # so that Ben may read the exports too
    await fac.do("plan.set", phases=[PRIVATE, TOGETHER])
    await ana.do("note.add", **note("secret01", kind="impact", text=SECRET))
    await ana.do("note.update", id="secret01", text=EDITED)
    await ana.do("note.move", id="secret01", x=40.0, y=40.0)
    await ana.send("presence.set", editing="secret01")
    await ana.send("note.drag", id="secret01", x=41.0, y=41.0)
    public = await ben.do("note.add", **note("public01", kind="impact", text="Ben's own, also private"))
    await fac.do("note.add", **note("facnote1", kind="outcome", text="The facilitator's seed"))
    head = fac.board.head
    for c in (ana, ben, fac):
        await c.wait_head(head)
    late = await workshop.participant("Late")  # a snapshot, after the fact
    head = late.board.head  # one more: the late joiner came on the board
    await ben.reconnect()  # catch-up from `since`
    await ben.wait_head(head)

    # Ana and the facilitator see Ana's note; Ben and the late joiner do not, in any byte.
    assert ana.board.notes["secret01"].text == EDITED and fac.board.notes["secret01"].text == EDITED
    for c in (ben, late):
        assert "secret01" not in c.board.notes and c.board.head == head and c.problems == []
        assert "facnote1" in c.board.notes  # the facilitator's own notes are never private
    seen_by_ben = await everything_ben_can_read(workshop, ben)
    for secret in (SECRET, EDITED, "secret01"):
        assert secret.encode() not in seen_by_ben, f"{secret!r} reached Ben before the reveal"
        assert secret.encode() not in bytes(late.received)
    assert b"Ben's own, also private" not in bytes(ana.received), "Ben's note reached Ana"
    assert public in ben.acks.values()

    reveal = await fac.do("notes.reveal")
    for c in (ben, late, ana):
        await c.wait_head(reveal)
        assert c.board.notes["secret01"].text == EDITED and c.board.notes["secret01"].author == ana.me["id"]
        assert c.board.notes["public01"].author == ben.me["id"]
    stored = await read_map(workshop.server.url, workshop.id, ben.token)
    assert by_id(ben.board.to_dict()) == by_id(stored) and all("private" not in n for n in stored["notes"])


@pytest.mark.rule("P38")
async def test_a_private_phase_can_hide_notes_from_the_facilitator_and_reveal_them_without_names(
    workshop: Workshop,
) -> None:
    fac = await workshop.facilitator()
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    await fac.do("plan.set", phases=[{**PRIVATE, "facilitator_sees": False}, TOGETHER])
    await ana.do("note.add", **note("secret01", kind="impact", text=SECRET))
    await ana.do("note.add", **note("secret02", kind="impact", text="Another of Ana's"))
    await ana.do("link.add", id="link0001", source="secret01", target="secret02")  # the phase allows links
    head = ana.board.head
    await fac.wait_head(head)
    assert "secret01" not in fac.board.notes and "link0001" not in fac.board.links
    assert SECRET.encode() not in bytes(fac.received)
    fac_map = await read_map(workshop.server.url, workshop.id, fac.token)
    assert "secret01" not in {n["id"] for n in fac_map["notes"]}
    reveal = await fac.do("notes.reveal", anonymous=True)
    for c in (fac, ben, ana):
        await c.wait_head(reveal)
        assert c.board.notes["secret01"].author == "anonymous" and c.board.links["link0001"].author == "anonymous"
    # nobody's frames after the reveal name Ana as the author of what she wrote in private
    await ben.reconnect()
    assert ben.board.notes["secret01"].author == "anonymous"


@pytest.mark.rule("P38")
async def test_only_the_facilitator_reveals(workshop: Workshop) -> None:
    await workshop.facilitator()
    ana = await workshop.participant("Ana")
    refusal = await ana.refused("notes.reveal")
    assert refusal["code"] == "facilitator_only"
