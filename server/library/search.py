"""Searching the library: a typed query and filters in, results with highlighted snippets out.

The access layer decides which workshops a person may search and passes them as `SearchFilters.workshops`;
this module bounds everything else before storage reads it (server/storage/sql_search.py, memory_search.py).
Results lag the live boards by the indexer's interval (server/library/indexer.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from server.library.text import Segment, parse, snippet
from server.storage.base import ITEM_KINDS, SearchFilters, Storage

MAX_LIMIT = 100
MAX_OFFSET = 1000  # deeper pages cost the database more than anyone reads: refine the query instead
MAX_FILTER_VALUES = 10_000
# Matches ranked per query: beyond it, the most recently indexed (server/storage/base.py, Storage.search).
MAX_RANKED = 2_000


class SearchRefused(ValueError):
    """Search arguments out of bounds; the message says what is allowed."""


@dataclass(frozen=True, slots=True)
class Result:
    workshop_id: str
    workshop_title: str
    item_kind: str  # "workshop" | "note" | "link" | "story"
    item_id: str  # the note to open the map at, the link, or the story
    note_kind: str | None
    snippet: tuple[Segment, ...]
    rank: float


def _check(filters: SearchFilters, limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchRefused(f"limit is 1 to {MAX_LIMIT}, not {limit}")
    if not 0 <= offset <= MAX_OFFSET:
        raise SearchRefused(f"offset is 0 to {MAX_OFFSET}, not {offset}")
    if filters.item_kinds is not None and not filters.item_kinds <= set(ITEM_KINDS):
        raise SearchRefused(f"item kinds are {', '.join(ITEM_KINDS)}")
    for name in ("workshops", "item_kinds", "note_kinds", "templates"):
        values = getattr(filters, name)
        if values is not None and (len(values) > MAX_FILTER_VALUES or any(len(v) > 64 for v in values)):
            raise SearchRefused(f"{name.replace('_', ' ')}: at most {MAX_FILTER_VALUES} values of 64 characters")


def search(
    storage: Storage, typed: str, filters: SearchFilters | None = None, limit: int = 20, offset: int = 0
) -> list[Result]:
    """The items matching `typed`, best first; an empty or all-punctuation query finds nothing."""
    filters = filters or SearchFilters()
    _check(filters, limit, offset)
    query = parse(typed)
    if not query:
        return []
    return [
        Result(h.workshop_id, h.workshop_title, h.item_kind, h.item_id, h.note_kind, snippet(h.text, query), h.rank)
        for h in storage.search(query, filters, limit, offset, MAX_RANKED)
    ]
