"""The search index of memory storage: each workshop's documents with their folded words, scanned in full.

Matching is server/library/text.py's, the same rules the SQL stores' indexes follow; the rank is a plain
count of matches over the length of the text (SQLite's bm25 and PostgreSQL's ts_rank differ in detail).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from server.library.text import Query, index_text, occurrences
from server.storage.base import SearchDocument, SearchFilters, SearchHit


@dataclass(frozen=True, slots=True)
class _Indexed:
    document: SearchDocument
    words: list[str]


class MemorySearchIndex:
    """Not thread-safe on its own: memory storage calls it under its lock."""

    def __init__(self) -> None:
        self.heads: dict[str, int] = {}
        self._documents: dict[str, list[_Indexed]] = {}

    def replace(self, workshop_id: str, head: int | None, documents: Sequence[SearchDocument]) -> None:
        if head is None:
            self.heads.pop(workshop_id, None)
            self._documents.pop(workshop_id, None)
            return
        self.heads[workshop_id] = head
        self._documents[workshop_id] = [_Indexed(d, index_text(d.text).split()) for d in documents]

    def search(self, query: Query, filters: SearchFilters, limit: int, offset: int) -> list[SearchHit]:
        if not query:
            return []
        hits: list[SearchHit] = []
        for workshop_id, indexed in self._documents.items():
            if filters.workshops is not None and workshop_id not in filters.workshops:
                continue
            for item in indexed:
                if not _passes(item.document, filters):
                    continue
                counts = [occurrences(item.words, term) for term in query.terms]
                if all(counts):
                    d = item.document
                    rank = sum(counts) / math.sqrt(len(item.words) + 1)
                    hits.append(SearchHit(d.workshop_id, d.item_kind, d.item_id, d.note_kind, d.text, rank))
        hits.sort(key=lambda h: (-h.rank, h.workshop_id, h.item_kind, h.item_id))
        return hits[offset : offset + limit]


def _passes(document: SearchDocument, filters: SearchFilters) -> bool:
    return (
        (filters.item_kinds is None or document.item_kind in filters.item_kinds)
        and (filters.note_kinds is None or document.note_kind in filters.note_kinds)
        and (filters.templates is None or document.template in filters.templates)
        and (filters.since is None or document.at >= filters.since)
        and (filters.until is None or document.at < filters.until)
    )
