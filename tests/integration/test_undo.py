"""Undo over the wire, on both databases: restoring deleted notes and links (P31), expected versions (P32)."""

from __future__ import annotations

from typing import Any

import pytest

from server.storage.sql import SqlStorage
from tests.integration.conftest import Workshop, note
from tests.support.client import BoardClient, create_workshop, read_map


async def linked_notes(client: BoardClient) -> None:
    """note0001 → note0002 (labelled) and note0003 → note0001."""
    for i in (1, 2, 3):
        await client.do("note.add", **note(i))
    await client.do("link.add", id="link0001", source="note0001", target="note0002", label="leads to")
    await client.do("link.add", id="link0002", source="note0003", target="note0001")


def as_restore(server_map: dict[str, Any], note_id: str) -> dict[str, Any]:
    """The fields an undoing client sends to bring a note back: as it last saw the note and its links."""
    n = next(n for n in server_map["notes"] if n["id"] == note_id)
    links = [
        {k: lk[k] for k in ("id", "source", "target", "label", "author", "created_at")}
        for lk in server_map["links"]
        if note_id in (lk["source"], lk["target"])
    ]
    fields = {k: n[k] for k in ("id", "kind", "text", "x", "y", "colour", "author", "created_at")}
    return {**fields, "links": links}


def stored_events(workshop: Workshop, since: int) -> list[Any]:
    storage = SqlStorage(workshop.server.database_url)
    try:
        return storage.events_since(workshop.id, since, 100)
    finally:
        storage.close()


def stored_map(workshop: Workshop) -> dict[str, Any]:
    storage = SqlStorage(workshop.server.database_url)
    try:
        loaded = storage.load_board(workshop.id)
        assert loaded is not None
        return loaded.board.to_dict()
    finally:
        storage.close()


@pytest.mark.rule("P31")
async def test_restore_brings_a_note_and_its_links_back_with_the_same_ids(workshop: Workshop) -> None:
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    await linked_notes(ana)
    before = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    await ana.do("note.delete", id="note0001")
    seq = await ana.do("note.restore", **as_restore(before, "note0001"))
    await ben.wait_head(seq)

    after = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    assert after["head"] == before["head"] + 2  # the delete, and one event that brings back all three
    [event] = stored_events(workshop, seq - 1)
    assert event.op == "note.restore" and sorted(lk["id"] for lk in event.data["links"]) == ["link0001", "link0002"]

    def content(m: dict[str, Any]) -> dict[str, Any]:
        strip = ("updated_at", "version")
        return {
            "notes": sorted(({k: v for k, v in n.items() if k not in strip} for n in m["notes"]), key=str),
            "links": sorted(({k: v for k, v in lk.items() if k not in strip} for lk in m["links"]), key=str),
        }

    assert content(after) == content(before)
    assert ben.board is not None and ben.board.to_dict() == after  # everyone applied the same event
    assert stored_map(workshop) == after  # and storage replays it to the same board
    # The restored note is an ordinary note again; its id is still never taken by a new note.
    await ben.do("note.update", id="note0001", text="back, and edited", expect=seq)
    refusal = await ben.refused("note.add", **note(1))
    assert refusal["code"] == "note_exists"
    # Undo, redo, undo: deleted again and restored again, stored each time.
    await ana.do("note.delete", id="note0001")
    seq = await ana.do("note.restore", **as_restore(before, "note0001"))
    await ben.wait_head(seq)
    assert stored_map(workshop) == await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    assert ben.board is not None and set(ben.board.links) == {"link0001", "link0002"}


@pytest.mark.rule("P31")
async def test_restoring_a_live_id_or_another_workshops_id_is_refused(workshop: Workshop) -> None:
    ana = await workshop.participant("Ana")
    await linked_notes(ana)
    snapshot = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    fields = as_restore(snapshot, "note0001")

    other = Workshop(workshop.server, await create_workshop(workshop.server.url, "Another workshop"))
    try:
        bob = await other.participant("Bob")
        await bob.do("note.add", **note("elsewhere1"))
        await bob.do("note.delete", id="elsewhere1")
    finally:
        await other.close()

    before = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
    assert (await ana.refused("note.restore", **fields))["code"] == "note_exists"  # on the board
    foreign = {**fields, "id": "elsewhere1", "links": []}  # deleted, but in another workshop
    assert (await ana.refused("note.restore", **foreign))["code"] == "note_missing"
    link = {"id": "link0001", "source": "note0001", "target": "note0002", "label": "leads to"}
    assert (await ana.refused("link.restore", **link))["code"] == "note_exists"
    assert (await ana.refused("link.restore", **{**link, "id": "elsewhere1"}))["code"] == "link_missing"
    assert await read_map(workshop.server.url, workshop.id, workshop.created["token"]) == before

    # A link comes back only to notes that are there: restore what can be, leave out the rest.
    await ana.do("note.delete", id="note0001")
    await ana.do("note.delete", id="note0002")
    seq = await ana.do("note.restore", **fields)
    [event] = stored_events(workshop, seq - 1)
    assert [lk["id"] for lk in event.data["links"]] == ["link0002"]


@pytest.mark.rule("P32")
async def test_a_conflicting_undo_is_refused_and_changes_nothing(workshop: Workshop) -> None:
    ana = await workshop.participant("Ana")
    ben = await workshop.participant("Ben")
    await linked_notes(ana)
    seq = await ana.do("note.update", id="note0001", text="Ana's words", expect=1)
    await ben.wait_head(seq)
    version = ben.board.notes["note0001"].version if ben.board else 0
    await ben.do("note.update", id="note0001", text="Ben's words")
    await ben.do("link.update", id="link0001", label="Ben's label")
    await ana.wait_head(seq + 2)
    before = await read_map(workshop.server.url, workshop.id, workshop.created["token"])

    # Ana undoes her edit, her move, her label and her note against the versions she left them at.
    for name, fields in [
        ("note.update", {"id": "note0001", "text": "note 1", "expect": version}),
        ("note.move", {"id": "note0001", "x": 0.0, "y": 0.0, "expect": version}),
        ("note.delete", {"id": "note0001", "expect": version, "expect_links": ["link0001", "link0002"]}),
        ("link.update", {"id": "link0001", "label": "", "expect": 1}),
        ("link.delete", {"id": "link0001", "expect": 1}),
    ]:
        refusal = await ana.refused(name, **fields)
        assert refusal["code"] == "changed_since", refusal
    assert await read_map(workshop.server.url, workshop.id, workshop.created["token"]) == before
    assert stored_map(workshop) == before
    # Ben's words stay; Ana's own later change on a note nobody else touched is undone.
    assert next(n for n in before["notes"] if n["id"] == "note0001")["text"] == "Ben's words"
    await ana.do("note.move", id="note0003", x=50.0, y=50.0, expect=1)
    await ana.do("note.move", id="note0003", x=10.0, y=20.0, expect=2)
