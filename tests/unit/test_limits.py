"""Token buckets and the limit tables, on a clock the test moves by hand."""

from __future__ import annotations

import pytest

from server.limits import KeyedBuckets, Limits, LimitSettings, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_its_rate_and_says_how_long_to_wait() -> None:
    bucket = TokenBucket(rate=2.0, burst=3.0, now=0.0)
    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(0.0) == 0.5  # one token comes back every half second
    assert bucket.take(0.25) == 0.25
    assert bucket.take(0.5) == 0.0
    assert bucket.take(10.0) == 0.0 and bucket.tokens == 2.0  # never more than the burst


def test_idle_keys_are_forgotten_so_the_table_stays_small() -> None:
    table = KeyedBuckets(rate=1.0, burst=2.0)
    for i in range(1000):
        table.bucket(f"client{i}", now=float(i)).take(float(i))
    # Every bucket refills within two seconds: only the last few are still worth keeping.
    assert len(table) <= 3


def test_a_table_never_holds_more_than_its_maximum() -> None:
    table = KeyedBuckets(rate=0.001, burst=1.0, max_keys=100)
    for i in range(10_000):
        table.bucket(f"client{i}", now=0.0).take(0.0)  # every bucket empty: none refills
    assert len(table) <= 100


def test_an_active_key_keeps_its_count_while_others_come_and_go() -> None:
    table = KeyedBuckets(rate=1.0, burst=2.0)
    hot = table.bucket("hot", 0.0)
    hot.take(0.0), hot.take(0.0)
    for i in range(50):
        table.bucket(f"passer{i}", 0.0)
    assert table.bucket("hot", 0.0).take(0.0) > 0, "the flooding key is still empty"


@pytest.mark.rule("P26")
def test_frames_are_counted_per_connection_participant_and_address() -> None:
    clock = Clock()
    limits = Limits(
        LimitSettings(
            frames_per_second=1,
            frame_burst=5,
            participant_frames_per_second=1,
            participant_frame_burst=8,
            address_frames_per_second=1,
            address_frame_burst=12,
        ),
        clock,
    )
    one = limits.frame_gate("ana", "192.0.2.1")
    assert [one.admit() for _ in range(5)] == [None] * 5
    refused = one.admit()
    assert refused is not None and "this connection" in refused.message
    two = limits.frame_gate("ana", "192.0.2.1")  # Ana's second tab
    assert [two.admit() for _ in range(3)] == [None] * 3
    refused = two.admit()
    assert refused is not None and "participant" in refused.message and refused.retry_after > 0
    bea = limits.frame_gate("bea", "192.0.2.1")  # someone else on the same network
    assert [bea.admit() for _ in range(4)] == [None] * 4
    refused = bea.admit()
    assert refused is not None and "network address" in refused.message
    elsewhere = limits.frame_gate("cai", "198.51.100.7")
    assert elsewhere.admit() is None
    clock.now += 10
    assert one.admit() is None and bea.admit() is None


@pytest.mark.rule("P26")
def test_a_refused_frame_costs_nothing_elsewhere() -> None:
    clock = Clock()
    limits = Limits(LimitSettings(frames_per_second=1, frame_burst=1, participant_frame_burst=2), clock)
    busy = limits.frame_gate("ana", "192.0.2.1")
    assert busy.admit() is None
    assert all(busy.admit() is not None for _ in range(100))  # refused by the connection's own limit
    assert limits.frame_gate("ana", "192.0.2.1").admit() is None, "the participant's budget was not spent"


@pytest.mark.rule("P27")
def test_failed_joins_are_limited_more_tightly_and_block_further_attempts() -> None:
    clock = Clock()
    limits = Limits(LimitSettings(address_join_burst=100, address_failed_join_burst=3), clock)
    for _ in range(3):
        assert limits.join("192.0.2.1") is None
        limits.join_failed("192.0.2.1")
    refused = limits.join("192.0.2.1")
    assert refused is not None and "do not work" in refused.message
    assert limits.code_lookup("192.0.2.1") is not None
    assert limits.join("198.51.100.7") is None
    clock.now += 60
    assert limits.join("192.0.2.1") is None


@pytest.mark.rule("P34")
def test_wrong_short_codes_are_limited_per_address_and_across_the_whole_server() -> None:
    clock = Clock()
    settings = LimitSettings(address_failed_join_burst=3, failed_short_code_burst=10, failed_short_codes_per_second=1)
    limits = Limits(settings, clock)
    # one address: stopped by its own count of failures
    for _ in range(3):
        assert limits.short_code("192.0.2.1") is None
        limits.short_code_failed("192.0.2.1")
    refused = limits.short_code("192.0.2.1")
    assert refused is not None and "network address" in refused.message
    # many addresses, a few guesses each: no address is over its own limit, the server's count stops them all
    for i in range(7):
        assert limits.short_code(f"198.51.100.{i}") is None
        limits.short_code_failed(f"198.51.100.{i}")
    refused = limits.short_code("203.0.113.1")  # an address that never guessed
    assert refused is not None and "this server" in refused.message and refused.retry_after_seconds == 1
    assert limits.join("203.0.113.1") is None, "join links still work"
    clock.now += 2  # the server's count refills at its rate
    assert limits.short_code("203.0.113.1") is None
    # right codes spend no failure: a hall typing the right code all get in
    clock.now += 60
    assert all(limits.short_code("192.0.2.50") is None for _ in range(50))


@pytest.mark.rule("P27")
def test_retry_after_is_a_whole_number_of_seconds_never_zero() -> None:
    clock = Clock()
    limits = Limits(LimitSettings(address_creation_burst=1, address_creations_per_second=4), clock)
    assert limits.creation("192.0.2.1") is None
    refused = limits.creation("192.0.2.1")
    assert refused is not None and refused.retry_after == 0.25 and refused.retry_after_seconds == 1


def test_every_limit_is_read_from_its_environment_variable() -> None:
    settings = LimitSettings.from_env(
        {"PATHWEAVER_ADDRESS_JOIN_BURST": "7", "PATHWEAVER_MAX_PARTICIPANTS": "9", "PATHWEAVER_FRAME_BURST": "3.5"}
    )
    assert settings.address_join_burst == 7.0 and settings.max_participants == 9 and settings.frame_burst == 3.5
    assert settings.address_joins_per_second == LimitSettings().address_joins_per_second
