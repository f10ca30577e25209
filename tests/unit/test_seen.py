"""Ids held in bounded memory: exact for recent ids, 'unsure' for old ones until storage settles them."""

from __future__ import annotations

import pytest

from server.board.idfilter import IdFilter
from server.board.seen import SeenIds, Unresolved


def test_a_board_that_is_never_trimmed_answers_everything_itself() -> None:
    seen: SeenIds[str] = SeenIds()
    for i in range(20_000):
        seen.add(f"id{i}", i + 1)
    assert seen.get("id7") == 8
    # Filters have false positives; with every id still held, none of them reaches the rules.
    assert not any(seen.unsure(f"other{i}") or f"other{i}" in seen for i in range(20_000))


def test_trim_keeps_the_newest_and_only_drops_what_storage_holds() -> None:
    seen: SeenIds[str] = SeenIds()
    for seq in range(1, 101):
        seen.add(f"id{seq}", seq)
    seen.trim(keep=10, stored_through=50)
    assert len(seen) == 50, "ids of events not yet stored stay however many there are"
    seen.trim(keep=10, stored_through=100)
    assert len(seen) == 10 and list(seen) == [f"id{seq}" for seq in range(91, 101)]
    assert seen.get("id95") == 95


def test_a_dropped_id_is_unsure_until_settled_then_exact() -> None:
    seen: SeenIds[str] = SeenIds()
    for seq in range(1, 101):
        seen.add(f"id{seq}", seq)
    seen.trim(keep=10, stored_through=100)
    assert seen.unsure("id3")
    with pytest.raises(Unresolved):
        _ = "id3" in seen
    seen.settle("id3", 3)
    assert seen.get("id3") == 3 and not seen.unsure("id3")


class SaysMaybeToAll(IdFilter):
    """The worst a filter can do: every id looks seen."""

    def __contains__(self, item: object) -> bool:
        return True


def test_never_used_answers_last_only_for_the_decision_at_hand() -> None:
    seen: SeenIds[str] = SeenIds()
    seen.use_filter(SaysMaybeToAll())
    assert seen.unsure("fresh"), "the filter cannot tell"
    seen.settle("fresh", None)
    assert "fresh" not in seen and not seen.unsure("fresh")
    seen.forget_answers()
    assert seen.unsure("fresh"), "a never-used id may be used a moment later: ask again next time"
    seen.add("fresh", 101)
    assert seen.get("fresh") == 101


def test_ids_held_when_the_storage_filter_arrives_stay_known() -> None:
    seen: SeenIds[str] = SeenIds()
    seen.add("replayed", 5)
    seen.use_filter(IdFilter())
    seen.trim(keep=0, stored_through=5)
    assert len(seen) == 0 and seen.unsure("replayed"), "dropped, but the filter still has it"
    assert not seen.unsure("never") and "never" not in seen
