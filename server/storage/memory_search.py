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
    order: int  # when it was indexed: the SQL stores' item id


class MemorySearchIndex:
    """Not thread-safe on its own: memory storage calls it under its lock."""

    def __init__(self) -> None:
        self.heads: dict[str, int] = {}
        self._documents: dict[str, list[_Indexed]] = {}
        self._indexed = 0

    def replace(self, workshop_id: str, head: int | None, documents: Sequence[SearchDocument]) -> None:
        if head is None:
            self.heads.pop(workshop_id, None)
            self._documents.pop(workshop_id, None)
            return
        self.heads[workshop_id] = head
        # As the SQL stores do: an unchanged item keeps its place in the order indexed; a changed one is new.
        kept = {i.document: i for i in self._documents.get(workshop_id, [])}
        indexed = [kept[d] for d in documents if d in kept]
        for d in documents:
            if d not in kept:
                self._indexed += 1
                indexed.append(_Indexed(d, index_text(d.text).split(), self._indexed))
        self._documents[workshop_id] = indexed

    def search(
        self, query: Query, filters: SearchFilters, limit: int, offset: int, ranked: int, titles: dict[str, str]
    ) -> list[SearchHit]:
        """The page of matches, less those of workshops not in `titles` (id -> title: those that exist)."""
        if not query:
            return []
        hits: list[tuple[int, _Indexed, float]] = []
        for workshop_id, indexed in self._documents.items():
            if filters.workshops is not None and workshop_id not in filters.workshops:
                continue
            for item in indexed:
                if not _passes(item.document, filters):
                    continue
                counts = [occurrences(item.words, term) for term in query.terms]
                if all(counts):
                    hits.append((item.order, item, sum(counts) / math.sqrt(len(item.words) + 1)))
        latest = sorted(hits, key=lambda h: h[0], reverse=True)[:ranked]
        page = sorted(latest, key=lambda h: (h[2], h[0]), reverse=True)[offset : offset + limit]
        return [
            SearchHit(d.workshop_id, titles[d.workshop_id], d.item_kind, d.item_id, d.note_kind, d.text, rank)
            for _, item, rank in page
            if (d := item.document).workshop_id in titles
        ]


def _passes(document: SearchDocument, filters: SearchFilters) -> bool:
    return (
        (filters.item_kinds is None or document.item_kind in filters.item_kinds)
        and (filters.note_kinds is None or document.note_kind in filters.note_kinds)
        and (filters.templates is None or document.template in filters.templates)
        and (filters.since is None or document.at >= filters.since)
        and (filters.until is None or document.at < filters.until)
    )
