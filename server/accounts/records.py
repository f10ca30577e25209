"""What storage keeps about accounts and organisations. Secrets are stored only as hashes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class AccountRecord:
    id: str
    email: str  # normalised (rules.normalise_email); unique
    password_hash: str  # argon2id, with its parameters and salt
    created_at: int  # milliseconds since the epoch


@dataclass(slots=True)
class SessionRecord:
    token_hash: str  # sha256 hex of the cookie's random token
    account_id: str
    created_at: int
    expires_at: int


@dataclass(slots=True)
class OrganisationRecord:
    id: str
    name: str
    created_at: int


@dataclass(slots=True)
class MemberRecord:
    organisation_id: str
    account_id: str
    email: str
    role: str  # "owner" | "editor" | "viewer"
    added_at: int


@dataclass(slots=True)
class InvitationRecord:
    token_hash: str  # sha256 hex of the one-time token in the invitation link
    organisation_id: str
    email: str  # who it was meant for, as the owner typed it (normalised); shown, not enforced
    role: str
    invited_by: str  # account id
    created_at: int
    expires_at: int
    used_at: int | None = None


@dataclass(slots=True)
class ResetRecord:
    token_hash: str  # sha256 hex of the one-time token in the reset link
    account_id: str
    created_at: int
    expires_at: int
    used_at: int | None = None
