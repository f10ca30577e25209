"""Keeping the search index current, off the live path: the room's commits never wait for it.

`refresh` brings every workshop whose stored head is past its indexed head up to date from the stored board
(storage.load_board), replacing that workshop's items in one transaction, and forgets workshops that are gone.
The server runs it once at start and then every few seconds in the background (`keep_current`), so a search
may miss what changed in the last few seconds; `pathweaver index` runs it on demand.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from server.library.documents import documents_of
from server.storage.base import Storage

log = logging.getLogger(__name__)

BATCH = 50  # workshops asked for at a time
DEFAULT_INTERVAL_SECONDS = 5.0


@dataclass(slots=True)
class IndexReport:
    workshops: int = 0  # indexed (or forgotten) in this pass
    documents: int = 0
    failed: int = 0
    seconds: float = 0.0


def refresh_workshop(storage: Storage, workshop_id: str, report: IndexReport) -> None:
    """Index one workshop as storage holds it now (or forget it, when it is gone)."""
    stored = storage.load_board(workshop_id)
    if stored is None:
        storage.replace_search_documents(workshop_id, None, ())
    else:
        documents = documents_of(stored.board)
        storage.replace_search_documents(workshop_id, stored.board.head, documents)
        report.documents += len(documents)
    report.workshops += 1


def refresh(storage: Storage) -> IndexReport:
    """Bring the whole index up to date; each stale workshop is indexed at most once in a pass (one written
    to all the while is caught by the next)."""
    started = time.perf_counter()
    report = IndexReport()
    done: set[str] = set()
    while True:
        stale = [s for s in storage.stale_for_search(BATCH + len(done)) if s.workshop_id not in done]
        if not stale:
            break
        for workshop in stale:
            done.add(workshop.workshop_id)
            try:
                refresh_workshop(storage, workshop.workshop_id, report)
            except Exception:  # one unreadable board must not stop the others being indexed
                log.exception("could not index workshop %s", workshop.workshop_id)
                report.failed += 1
    report.seconds = time.perf_counter() - started
    return report


async def keep_current(storage: Storage, interval: float = DEFAULT_INTERVAL_SECONDS) -> None:
    """Refresh the index now and then every `interval` seconds, in a worker thread, until cancelled."""
    while True:
        try:
            report = await asyncio.to_thread(refresh, storage)
            if report.workshops:
                log.info(
                    "search index: %d workshops, %d items in %.2f s", report.workshops, report.documents, report.seconds
                )
        except Exception:  # a database blip: try again next time
            log.exception("search index refresh failed")
        await asyncio.sleep(interval)
