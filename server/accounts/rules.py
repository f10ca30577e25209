"""The pure rules of accounts: what an email, a password and an organisation name may be, and what each role
may do. No storage, no clock."""

from __future__ import annotations

import unicodedata

from server.board import characters

MAX_EMAIL = 254  # the longest address SMTP carries
MIN_PASSWORD = 10
MAX_PASSWORD_BYTES = 1000  # checked before hashing: hashing a huge password is work an attacker chooses
MAX_ORGANISATION_NAME = 100

ROLES = ("owner", "editor", "viewer")
_RANK = {"viewer": 0, "editor": 1, "owner": 2}


class AccountProblem(ValueError):
    """Input the accounts refuse, with a message that says what to do."""


def normalise_email(raw: str) -> str:
    """The one spelling an address is stored and looked up under: trimmed, NFKC, lower case."""
    email = unicodedata.normalize("NFKC", raw.strip()).lower()
    local, at, domain = email.rpartition("@")
    if len(email) > MAX_EMAIL or not at or not local or "." not in domain or domain.startswith("."):
        raise AccountProblem("Give an email address like name@example.org.")
    if any(c.isspace() for c in email) or characters.problem(email):
        raise AccountProblem("An email address has no spaces or control characters.")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountProblem(f"Choose a password of at least {MIN_PASSWORD} characters.")
    if len(password.encode("utf-8", "surrogatepass")) > MAX_PASSWORD_BYTES:
        raise AccountProblem(f"A password may be at most {MAX_PASSWORD_BYTES:,} bytes long.")


def organisation_name(raw: str) -> str:
    name = raw.strip()
    if not name or len(name) > MAX_ORGANISATION_NAME or characters.problem(name):
        raise AccountProblem(f"Give the organisation a name of 1 to {MAX_ORGANISATION_NAME} characters.")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountProblem("A member is an owner, an editor or a viewer.")
    return role


def may_read(role: str | None) -> bool:
    """Open the organisation's maps read-only: every member."""
    return role in _RANK


def may_edit(role: str | None) -> bool:
    """Create workshops, facilitate them, claim quick workshops into the organisation: editors and owners."""
    return role is not None and _RANK.get(role, -1) >= _RANK["editor"]


def may_manage(role: str | None) -> bool:
    """Invite, change roles, remove members: owners."""
    return role == "owner"


def higher(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b
