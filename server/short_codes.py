"""Short join codes: six characters read off a projector and typed at `<host>/join`, from the back of a room.

The alphabet has no vowels (so no code spells a word) and none of the characters people confuse (0/O, 1/I/L,
U/V/Y); typed codes ignore case, spaces and dashes. 27 symbols, 6 long: 387 million codes, about 28.5 bits.
That is too few to keep in storage as a plain hash (every code could be hashed in seconds), so storage holds an
HMAC under the server's secret key: a leaked database reveals no code. Guessing them online is slowed per address
and across the whole server (server/limits.py), and the facilitator can close joining altogether.

A workshop's code is derived, like its join link, from its id and a generation under the secret key, so the
facilitator's screens can show it again and again; replacing it bumps the generation.
"""

from __future__ import annotations

import hashlib
import hmac

ALPHABET = "BCDFGHJKMNPQRSTVWXZ23456789"
LENGTH = 6
# What people may type between the symbols: spaces and dashes of every kind, dots.
_SEPARATORS = str.maketrans("", "", " \t\r\n\u00a0\u2009\u202f-\u2010\u2011\u2012\u2013\u2014\u2212._")
_MAX_TYPED = 40


def derive(secret_key: bytes, workshop_id: str, generation: int) -> str:
    """The workshop's short code at this generation."""
    digest = hmac.new(secret_key, f"short:{workshop_id}:{generation}".encode(), hashlib.sha256).digest()
    number, symbols = int.from_bytes(digest, "big"), []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        symbols.append(ALPHABET[index])
    return "".join(symbols)


def normalize(typed: str) -> str | None:
    """The code someone typed, in capitals without separators; None when it cannot be a short code."""
    if len(typed) > _MAX_TYPED:
        return None
    code = typed.translate(_SEPARATORS).upper()
    if len(code) != LENGTH or any(symbol not in ALPHABET for symbol in code):
        return None
    return code


def digest(secret_key: bytes, code: str) -> str:
    """What storage holds for a (normalized) code: an HMAC under the secret key, never the code itself."""
    return hmac.new(secret_key, f"short-code:{code}".encode(), hashlib.sha256).hexdigest()


def spaced(code: str) -> str:
    """The code as shown: two groups of three ("BCD 234"), easier to read out and to type."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"
