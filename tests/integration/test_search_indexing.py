"""A running server keeps the library's search index current by itself, off the live path, within its interval."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from server.library.search import search
from server.storage.sql import SqlStorage
from tests.support.client import create_workshop
from tests.support.server import ServerProcess


def wait_until_found(storage: SqlStorage, typed: str, expected: set[str], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while (found := {r.item_id for r in search(storage, typed)}) != expected:
        assert time.monotonic() < deadline, f"{typed!r} found {found}, expected {expected} within {timeout} s"
        time.sleep(0.05)


async def test_the_server_indexes_new_and_deleted_notes_within_its_interval(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'search.db'}"
    server = ServerProcess(db, extra_env={"PATHWEAVER_SEARCH_INDEX_SECONDS": "0.2"}).start(log_path=tmp_path / "log")
    storage = SqlStorage(db)
    try:
        created = await create_workshop(server.url, "Évaluation workshop")
        headers = {"Authorization": f"Bearer {created['token']}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
            ops = f"/api/workshops/{created['id']}/ops"
            note = {"op": "note.add", "id": "note0001", "kind": "impact", "text": "Ministers read the brief"}
            assert (await http.post(ops, json={**note, "x": 0.0, "y": 0.0})).is_success
            wait_until_found(storage, "ministers", {"note0001"})
            wait_until_found(storage, "evaluation", {created["id"]})
            gone = {"op": "note.delete", "id": "note0001"}
            assert (await http.post(ops, json=gone)).is_success
            wait_until_found(storage, "ministers", set())
    finally:
        storage.close()
        server.stop()
