from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.client import BoardClient, create_workshop, join
from tests.support.databases import BACKENDS, database_url
from tests.support.server import ServerProcess


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A real server (uvicorn subprocess) on SQLite and on PostgreSQL, shared by the tests of one module."""
    folder = tmp_path_factory.mktemp("server")
    with database_url(request.param, folder) as url:
        proc = ServerProcess(url).start(log_path=folder / "server.log")
        yield proc
        proc.stop()


ServerWith = Callable[..., Any]


@pytest.fixture(params=BACKENDS)
def server_with(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerWith]:
    """Start a server of this test's own, on SQLite and on PostgreSQL, with the given PATHWEAVER_* settings."""

    @asynccontextmanager
    async def start(**env: str) -> AsyncIterator[ServerProcess]:
        with database_url(request.param, tmp_path) as url:
            extra = {f"PATHWEAVER_{name.upper()}": value for name, value in env.items()}
            proc = ServerProcess(url, extra_env=extra).start(log_path=tmp_path / "server.log")
            try:
                yield proc
            finally:
                proc.stop()

    yield start


class Workshop:
    """A workshop on the test server, with helpers to add people and connect them."""

    def __init__(self, server: ServerProcess, created: dict[str, Any]) -> None:
        self.server = server
        self.created = created
        self.id: str = created["id"]
        self.clients: list[BoardClient] = []

    async def participant(self, name: str, *, facilitator: bool = False, connect: bool = True) -> BoardClient:
        code = self.created["facilitator_key"] if facilitator else self.created["join_code"]
        joined = await join(self.server.url, code, name)
        client = BoardClient(self.server.ws_url, self.id, joined["token"], name)
        self.clients.append(client)
        if connect:
            await client.connect()
        return client

    async def facilitator(self) -> BoardClient:
        client = BoardClient(self.server.ws_url, self.id, self.created["token"], "facilitator")
        self.clients.append(client)
        return await client.connect()

    async def close(self) -> None:
        for c in self.clients:
            await c.disconnect()


@pytest.fixture
async def workshop(server: ServerProcess) -> AsyncIterator[Workshop]:
    w = Workshop(server, await create_workshop(server.url, "Impact of the evidence service"))
    yield w
    await w.close()


def note(i: int | str, **extra: Any) -> dict[str, Any]:
    """Fields for a note.add operation with a readable id."""
    fields: dict[str, Any] = {
        "id": f"note{i:>04}" if isinstance(i, int) else i,
        "kind": "outcome",
        "text": f"note {i}",
        "x": 10.0,
        "y": 20.0,
    }
    fields.update(extra)
    return fields
