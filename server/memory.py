"""Keep a long-running server's memory flat: fewer malloc arenas, and freed memory handed back to the system.

Python's own heap stays flat over a long workshop (tracemalloc shows it), yet the process grew by about
0.4 MiB a minute (bench/soak.py). The rest is glibc's allocator: every thread that stores or reads a board
(the thread pool SQLite calls run in) may get its own arena, and freed memory scattered through many arenas
is seldom returned. Capping the arenas and trimming now and then keeps resident memory near what is used.
Elsewhere than glibc (macOS, musl) both are no-ops.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
from contextlib import suppress
from typing import Any

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # mallopt parameter, from glibc's malloc.h
ARENAS = 2  # one for the event loop, one shared by the worker threads
TRIM_EVERY_SECONDS = 60.0


def _glibc() -> Any | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas, unless MALLOC_ARENA_MAX already says how many; call before threads start."""
    libc = _glibc()
    if libc is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


def trim() -> bool:
    """Hand memory malloc holds but nothing uses back to the system; true when some was released."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


async def trim_periodically(every: float = TRIM_EVERY_SECONDS) -> None:
    """Trim once a minute for as long as the server runs (a trim takes about a millisecond)."""
    if _glibc() is None:
        return
    while True:
        await asyncio.sleep(every)
        with suppress(OSError):
            trim()
