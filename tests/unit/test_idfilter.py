"""The growing Bloom filter: it never forgets an id, and stays selective however many it holds."""

from __future__ import annotations

from server.board.idfilter import IdFilter


def test_it_grows_past_its_first_capacity_and_never_forgets() -> None:
    ids = IdFilter(capacity=1000)
    ids.update(f"note-{i}" for i in range(50_000))
    for i in range(50_000, 60_000):
        ids.add(("participant", f"cid-{i}"))
    assert ids.count == 60_000 and ids.filters >= 6, "each filter holds twice the one before"
    assert all(f"note-{i}" in ids for i in range(50_000)), "no false negatives"
    assert all(("participant", f"cid-{i}") in ids for i in range(50_000, 60_000))


def test_false_positives_stay_rare_as_it_grows() -> None:
    ids = IdFilter(capacity=1000, false_positives=0.005)
    ids.update(f"seen-{i}" for i in range(100_000))
    wrong = sum(f"never-{i}" in ids for i in range(100_000))
    assert wrong < 100_000 * 0.02, f"{wrong} of 100,000 unseen ids look seen"
    assert ids.bytes < 100_000 * 3, "a few bytes an id, not the id itself"


def test_an_empty_filter_has_seen_nothing() -> None:
    ids = IdFilter()
    assert "anything" not in ids and ids.count == 0 and ids.bytes == 0
    ids.update([])
    assert ids.count == 0
