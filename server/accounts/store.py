"""What the accounts need from storage: a sibling of `server.storage.base.Storage`, implemented by the same
stores (in memory and over SQL) and held to its own contract (tests/contract/test_account_storage.py).

Every method that checks and changes together (a last owner, a one-time token) does both in one transaction, so
two requests racing cannot both pass the check.
"""

from __future__ import annotations

from typing import Protocol

from server.accounts.records import (
    AccountRecord,
    InvitationRecord,
    MemberRecord,
    OrganisationRecord,
    ResetRecord,
    SessionRecord,
)
from server.storage.base import ParticipantRecord, WorkshopRecord


class LastOwner(ValueError):
    """The change would leave an organisation without an owner."""


class AccountStorage(Protocol):
    # -- accounts and sessions
    def add_account(self, account: AccountRecord) -> None:
        """Conflict if the email is taken."""

    def account(self, account_id: str) -> AccountRecord | None: ...

    def account_by_email(self, email: str) -> AccountRecord | None: ...

    def set_password(self, account_id: str, password_hash: str, keep_session: str | None) -> None:
        """Replace the password hash and end every session of the account but `keep_session` (a token hash)."""

    def add_session(self, session: SessionRecord) -> None:
        """Store the session, and forget the account's sessions expired by its `created_at`, so they never pile up."""

    def session(self, token_hash: str) -> SessionRecord | None: ...

    def end_session(self, token_hash: str) -> None: ...

    def end_sessions(self, account_id: str) -> None:
        """End every session of the account."""

    # -- password reset
    def add_reset(self, reset: ResetRecord) -> None: ...

    def use_reset(self, token_hash: str, now: int, password_hash: str) -> str | None:
        """If the reset is unused and unexpired: mark it used, set the password and end every session of its
        account, and return the account id; else None and nothing changes."""

    # -- organisations and members
    def add_organisation(self, organisation: OrganisationRecord, owner_id: str) -> None:
        """The organisation, with `owner_id` as its first owner."""

    def organisation(self, organisation_id: str) -> OrganisationRecord | None: ...

    def organisations_of(self, account_id: str) -> list[tuple[OrganisationRecord, str]]:
        """The organisations the account belongs to, with its role in each, by name."""

    def role(self, organisation_id: str, account_id: str) -> str | None: ...

    def members(self, organisation_id: str) -> list[MemberRecord]:
        """By email."""

    def set_role(self, organisation_id: str, account_id: str, role: str | None) -> None:
        """Change a member's role, or remove them (None); LastOwner (and nothing changes) if no owner would be
        left. A non-member is left alone."""

    def add_invitation(self, invitation: InvitationRecord) -> None: ...

    def invitation(self, token_hash: str) -> InvitationRecord | None: ...

    def use_invitation(self, token_hash: str, account_id: str, now: int) -> InvitationRecord | None:
        """If the invitation is unused and unexpired: mark it used and make the account a member with its role
        (a member already keeps the higher of the two roles); else None and nothing changes."""

    # -- workshops of organisations
    def organisation_workshops(self, organisation_id: str) -> list[WorkshopRecord]:
        """Newest first."""

    def claim_workshop(self, workshop_id: str, organisation_id: str, account_id: str) -> bool:
        """Put a workshop that belongs to no organisation into this one; False if it already belongs to one."""

    def account_participant(self, workshop_id: str, account_id: str) -> ParticipantRecord | None:
        """The participant record an account facilitates the workshop as, if it has one."""
