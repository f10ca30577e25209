"""Ids a workshop has used, each with the sequence number that used it, in bounded memory.

A workshop must remember every client operation id it accepted (a resend is acknowledged again, rule P7) and
every id it deleted (never used again, rule P10), for as long as it lives. Holding them all in memory grows
without end, so `SeenIds` holds exactly only the newest (`trim` keeps a bound), and every id in an `IdFilter`.
An id is then either known (held), certainly unseen (the filter says no), or *unsure*: the filter says maybe.
The room settles unsure ids from storage (`settle`) before the board's rules look; a rule that meets an
unsettled id raises `Unresolved`, since answering it by guess would be wrong one way or the other.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

from server.board.idfilter import IdFilter

K = TypeVar("K", bound=Hashable)


class Unresolved(LookupError):
    """An id was looked up that only storage can answer, and the room had not asked storage first."""


class SeenIds(Generic[K]):
    def __init__(self, everything: IdFilter | None = None) -> None:
        self._everything = everything if everything is not None else IdFilter()
        self._held: OrderedDict[K, int] = OrderedDict()  # id -> seq that used it, oldest first
        self._absent: set[K] = set()  # ids storage says were never used: answers for the operation being decided
        # Every id ever added is still held (nothing was trimmed, no filter came from storage): exact alone.
        self._complete = everything is None

    def add(self, key: K, seq: int) -> None:
        """Record a new id, used by event `seq` (0 when the event is long stored)."""
        self._everything.add(key)
        self._held[key] = seq
        self._absent.discard(key)

    def get(self, key: K) -> int | None:
        """The seq that used this id, or None if it was never used; `Unresolved` if only storage knows."""
        seq = self._held.get(key)
        if seq is not None:
            return seq
        if self._complete or key in self._absent or key not in self._everything:
            return None
        raise Unresolved(f"{key!r} may have been used long ago: ask storage first")

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]

    def unsure(self, key: K) -> bool:
        """Only storage can say whether this id was used."""
        return not self._complete and key not in self._held and key not in self._absent and key in self._everything

    def settle(self, key: K, seq: int | None) -> None:
        """Storage's answer for an unsure id: used by `seq` (kept, like any held id), or never used (kept until
        `forget_answers`, since a never-used id may be used a moment later)."""
        if seq is None:
            self._absent.add(key)
        elif key not in self._held:
            self._held[key] = seq

    def forget_answers(self) -> None:
        self._absent.clear()

    def trim(self, keep: int, stored_through: int) -> None:
        """Hold at most `keep` ids, dropping the oldest, but only those whose event is stored (seq at most
        `stored_through`): storage must be able to answer for every id this drops."""
        held = self._held
        while len(held) > keep:
            key, seq = next(iter(held.items()))
            if seq > stored_through:
                return
            del held[key]
            self._complete = False

    def use_filter(self, everything: IdFilter) -> None:
        """Take a filter of every id storage holds (built when a room loads); ids held now are added to it."""
        everything.update(self._held)
        self._everything = everything
        self._complete = False

    def __iter__(self) -> Iterator[K]:
        """The ids held in memory (all of them, on a board no room trims, such as a client's)."""
        return iter(self._held)

    def __len__(self) -> int:
        return len(self._held)
