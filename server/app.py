"""The application: one storage, one set of live rooms, the HTTP API and the websocket endpoint."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from server import memory
from server.accounts.passwords import Passwords
from server.accounts.store import AccountStorage
from server.config import Settings
from server.library import indexer
from server.room import RoomSettings
from server.rooms import Rooms
from server.storage import open_storage
from server.web import (
    account_pages,
    checks,
    errors,
    exports,
    http,
    layout,
    pages,
    pathways,
    short_code_pages,
    throttle,
    ws,
)
from server.web.account_sockets import AccountSockets
from server.web.deps import Services
from server.web.security import BrowserDefences


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        storage = open_storage(settings.database_url)
        rooms = Rooms(
            storage,
            RoomSettings(max_frame_bytes=settings.max_frame_bytes, recent_ids=settings.recent_ids),
        )
        app.state.account_sockets = AccountSockets()
        app.state.services = Services(
            settings=settings,
            storage=storage,
            rooms=rooms,
            secret_key=settings.secret_key(),
            accounts=cast(AccountStorage, storage),  # every store keeps accounts too (server/storage/accounts_*.py)
            passwords=Passwords(settings.password_hashing),
        )
        # Everything loaded so far lives as long as the process: keep the collector from walking it again and
        # again (a full collection over a large heap is a pause every connected client feels).
        gc.collect()
        gc.freeze()
        # Young collections rarely, old ones more rarely still: with 1,000 sockets open, the default thresholds
        # made full collections the main source of 100+ ms delivery stalls (bench/plenary.py, N=1,000).
        gc.set_threshold(20_000, 20, 100)
        trimming = asyncio.create_task(memory.trim_periodically())
        indexing = asyncio.create_task(indexer.keep_current(storage, settings.search_index_seconds))
        try:
            yield
        finally:
            trimming.cancel()
            indexing.cancel()
            await rooms.drain()
            storage.close()

    app = FastAPI(title="Pathweaver", version="0.1.0", lifespan=lifespan)

    errors.install(app)
    throttle.install(app, settings)
    app.include_router(http.router)
    app.include_router(exports.router)
    app.include_router(layout.router)
    app.include_router(checks.router)
    app.include_router(pathways.router)
    app.include_router(ws.router)
    app.include_router(pages.router)
    app.include_router(short_code_pages.router)
    app.include_router(account_pages.router)
    app.mount("/static", StaticFiles(directory=pages.ROOT / "static"), name="static")
    app.add_middleware(
        BrowserDefences, settings=settings, docs_paths=(app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url)
    )
    return app
