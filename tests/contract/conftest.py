"""Every storage implementation, behind one fixture: memory, SQLite, and PostgreSQL when it can be reached."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.storage.base import Storage
from server.storage.memory import MemoryStorage
from server.storage.sql import SqlStorage
from tests.support.databases import BACKENDS, database_url


@pytest.fixture(params=["memory", *BACKENDS])
def storage_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Storage]]:
    """A callable that opens (or re-opens) the same store, so tests can check what survives a reopen."""
    opened: list[Storage] = []
    memory = MemoryStorage()
    with database_url("sqlite" if request.param == "memory" else request.param, tmp_path) as url:

        def open_store() -> Storage:
            store: Storage = memory if request.param == "memory" else SqlStorage(url)
            opened.append(store)
            return store

        yield open_store
        for store in opened:
            store.close()


@pytest.fixture
def storage(storage_factory: Callable[[], Storage]) -> Storage:
    return storage_factory()
