"""A long workshop: ids older than what a room holds in memory are answered from storage, before and after a
restart, on SQLite and PostgreSQL. The server here holds only 5 recent ids of each kind (PATHWEAVER_RECENT_IDS),
so a few dozen operations push the ones under test out of memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from tests.integration.conftest import Workshop, note
from tests.support.client import BoardClient, read_map
from tests.support.databases import BACKENDS, database_url
from tests.support.server import ServerProcess

RECENT_IDS = 5


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A real server that keeps very few recent ids in memory (overrides the shared fixture of this name)."""
    folder = tmp_path_factory.mktemp("server")
    with database_url(request.param, folder) as url:
        proc = ServerProcess(url, extra_env={"PATHWEAVER_RECENT_IDS": str(RECENT_IDS)})
        proc.start(log_path=folder / "server.log")
        yield proc
        proc.stop()


async def busy_work(client: BoardClient, tag: str, count: int = 4 * RECENT_IDS) -> None:
    """Enough stored operations, deletions among them, that earlier ids leave the room's memory."""
    for i in range(count):
        await client.do("note.add", **note(f"{tag}{i:03}"))
        await client.do("note.delete", id=f"{tag}{i:03}")


async def resend(client: BoardClient, cid: str, op: str, **fields: Any) -> int | dict[str, Any]:
    """Send a frame with a cid the client used before (its answer replaces the one recorded)."""
    client.acks.pop(cid, None)
    await client.send_raw(orjson.dumps({"op": op, "cid": cid, **fields}).decode())
    return await client.wait_settled(cid)


@pytest.mark.rule("P7")
async def test_a_resend_from_long_ago_gets_its_original_seq_and_changes_nothing(workshop: Workshop) -> None:
    ana = await workshop.participant("Ana")
    cid = await ana.send("note.add", **note("early"))
    original = await ana.wait_settled(cid)
    await busy_work(ana, "busy")
    before = await read_map(workshop.server.url, workshop.id, ana.token)
    answer = await resend(ana, cid, "note.add", **note("other", text="a different operation under an old cid"))
    assert answer == original
    after = await read_map(workshop.server.url, workshop.id, ana.token)
    assert after == before and "other" not in {n["id"] for n in after["notes"]}


@pytest.mark.rule("P10")
async def test_ids_deleted_long_ago_are_never_used_again(workshop: Workshop) -> None:
    ana = await workshop.participant("Ana")
    await ana.do("note.add", **note("gone"))
    await ana.do("note.add", **note("kept"))
    await ana.do("note.add", **note("target"))
    await ana.do("link.add", id="gonelink", source="kept", target="target")
    await ana.do("note.delete", id="gone")
    await ana.do("link.delete", id="gonelink")
    await busy_work(ana, "busy")
    head = ana.board.head if ana.board else 0
    assert (await ana.refused("note.add", **note("gone")))["code"] == "note_exists"
    assert (await ana.refused("note.update", id="gone", text="late edit"))["code"] == "note_deleted"
    assert (await ana.refused("link.add", id="newlink", source="kept", target="gone"))["code"] == "note_deleted"
    assert (await ana.refused("link.add", id="gonelink", source="kept", target="target"))["code"] == "note_exists"
    assert (await ana.refused("link.update", id="gonelink", label="late"))["code"] == "link_deleted"
    assert (await read_map(workshop.server.url, workshop.id, ana.token))["head"] == head


@pytest.mark.rule("P7", "P10")
async def test_a_restart_keeps_old_client_ops_and_deleted_ids(workshop: Workshop) -> None:
    ana = await workshop.participant("Ana")
    cid = await ana.send("note.add", **note("first"))
    original = await ana.wait_settled(cid)
    await ana.do("note.delete", id="first")
    await busy_work(ana, "busy")
    await ana.disconnect()
    workshop.server.stop()
    workshop.server.start()
    await ana.connect()
    head = ana.board.head if ana.board else 0
    assert await resend(ana, cid, "note.add", **note("first")) == original
    assert (await ana.refused("note.add", **note("first")))["code"] == "note_exists"
    assert (await ana.refused("note.move", id="first", x=1.0, y=1.0))["code"] == "note_deleted"
    assert (await read_map(workshop.server.url, workshop.id, ana.token))["head"] == head
    await ana.do("note.add", **note("fresh"))  # and new ids are still welcome
