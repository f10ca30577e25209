"""Short join codes: what they are made of, how typed codes are read, and what storage holds of them."""

from __future__ import annotations

import hashlib

import pytest

from server import short_codes

KEY = b"k" * 32


def test_codes_are_six_unambiguous_symbols_with_no_vowels() -> None:
    assert len(short_codes.ALPHABET) == len(set(short_codes.ALPHABET)) == 27
    assert not set(short_codes.ALPHABET) & set("AEIOUY01L")
    codes = {short_codes.derive(KEY, f"w{i}", 0) for i in range(2000)}
    assert len(codes) == 2000  # 387 million codes: 2,000 workshops do not collide
    assert all(len(c) == 6 and set(c) <= set(short_codes.ALPHABET) for c in codes)
    assert short_codes.derive(KEY, "w1", 0) == short_codes.derive(KEY, "w1", 0)  # shown again and again
    assert short_codes.derive(KEY, "w1", 1) != short_codes.derive(KEY, "w1", 0)  # replaced by a new generation
    assert short_codes.derive(b"other key", "w1", 0) != short_codes.derive(KEY, "w1", 0)
    assert short_codes.spaced("BCD234") == "BCD 234"


@pytest.mark.rule("P34")
@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("BCD234", "BCD234"),
        ("bcd 234", "BCD234"),
        ("  b-c-d 2 3 4 ", "BCD234"),
        ("bcd–234", "BCD234"),  # an en dash, as phones autocorrect
        ("Bcd.234", "BCD234"),
        ("BCD23", None),  # too short
        ("BCD2345", None),  # too long
        ("BCE234", None),  # a vowel: never in a code
        ("BCD 23O", None),  # a letter O for a zero: neither is in a code
        ("x" * 1000, None),
        ("", None),
    ],
)
def test_typed_codes_ignore_case_spaces_and_dashes(typed: str, read: str | None) -> None:
    assert short_codes.normalize(typed) == read


@pytest.mark.rule("P34")
def test_storage_holds_an_hmac_under_the_secret_key_never_a_plain_hash() -> None:
    code = short_codes.derive(KEY, "w1", 0)
    held = short_codes.digest(KEY, code)
    assert code not in held and held != hashlib.sha256(code.encode()).hexdigest()
    assert short_codes.digest(b"another key", code) != held  # without the key, the code cannot be tried offline
