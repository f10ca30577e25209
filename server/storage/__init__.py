"""Storage: chosen by URL scheme; each implementation's driver is imported only when used."""

from __future__ import annotations

from server.storage.base import Storage


def open_storage(url: str) -> Storage:
    """`memory://` for a throwaway in-memory store; `sqlite:///...` or `postgresql://...` for SQL."""
    if url.startswith("memory:"):
        from server.storage.memory import MemoryStorage

        return MemoryStorage()
    if url.startswith(("sqlite", "postgres")):
        from server.storage.sql import SqlStorage

        return SqlStorage(url)
    raise ValueError(
        f"unsupported database URL {without_password(url)!r}: use sqlite:///path, postgresql://... or memory://"
    )


def without_password(url: str) -> str:
    """A database URL fit to print or log: any password in it is masked."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(a database URL that could not be read)"
