"""A set that answers only "certainly not" or "maybe", in about 1.4 bytes an item, however long the workshop.

A Bloom filter (`rbloom`) has a fixed capacity: past it, false positives climb. `IdFilter` chains them, each
twice the capacity of the one before at half its false-positive rate, so the whole stays under twice the first
rate however many items arrive (a scalable Bloom filter, Almeida et al., 2007). It never forgets an item: no
false negatives, which is what lets a room skip storage for an id it has certainly never seen.

Items are hashed with Python's `hash` (fast, salted per process): a filter lives in one process's memory and is
never stored; it is rebuilt from storage when a room is loaded.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from itertools import islice

from rbloom import Bloom

FIRST_CAPACITY = 4096
FALSE_POSITIVES = 0.005  # the first filter's rate; all of them together stay under twice this


class IdFilter:
    def __init__(self, capacity: int = FIRST_CAPACITY, false_positives: float = FALSE_POSITIVES) -> None:
        self._filters: list[Bloom] = []
        self._room = 0  # items the newest filter takes before the next one is made
        self._next = (max(1, capacity), false_positives)
        self.count = 0

    def _grow(self) -> None:
        capacity, rate = self._next
        self._filters.append(Bloom(capacity, rate))
        self._room = capacity
        self._next = (capacity * 2, rate / 2)

    def add(self, item: Hashable) -> None:
        if self._room == 0:
            self._grow()
        self._filters[-1].add(item)
        self._room -= 1
        self.count += 1

    def update(self, items: Iterable[Hashable]) -> None:
        """Add many items (a stream is read in chunks, never held whole)."""
        stream = iter(items)
        while True:
            if self._room == 0:
                self._grow()
            chunk = list(islice(stream, min(self._room, 4096)))
            if not chunk:
                return
            self._filters[-1].update(chunk)
            self._room -= len(chunk)
            self.count += len(chunk)

    def __contains__(self, item: object) -> bool:
        return any(item in f for f in self._filters)

    @property
    def filters(self) -> int:
        return len(self._filters)

    @property
    def bytes(self) -> int:
        """Memory the filters' bits take."""
        return sum(f.size_in_bits for f in self._filters) // 8
