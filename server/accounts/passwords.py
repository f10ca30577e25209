"""Password hashing with argon2id (argon2-cffi): a salt per password, parameters stored in the hash, and a
check that takes as long for an unknown email as for a wrong password."""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import CHEAPEST, RFC_9106_LOW_MEMORY

# "cheapest" exists for tests, which hash many passwords; a server uses the RFC 9106 low-memory profile.
PROFILES = {"standard": RFC_9106_LOW_MEMORY, "cheapest": CHEAPEST}


class Passwords:
    def __init__(self, profile: str = "standard") -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown password hashing profile {profile!r}: use one of {', '.join(PROFILES)}")
        self._hasher = argon2.PasswordHasher.from_parameters(PROFILES[profile])
        # Checked against when the email is unknown, so that answer takes as long as a wrong password's.
        self._decoy = self._hasher.hash("a password nobody has")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def matches(self, password_hash: str | None, password: str) -> bool:
        """Whether the password is the one hashed; with no hash (no such account) the same work, then False."""
        try:
            self._hasher.verify(password_hash or self._decoy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return password_hash is not None

    def outdated(self, password_hash: str) -> bool:
        """Whether the hash was made with other parameters (rehash it at the next sign-in)."""
        return self._hasher.check_needs_rehash(password_hash)
