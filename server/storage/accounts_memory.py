"""Accounts and organisations in memory (server/accounts/store.py), mixed into MemoryStorage: the same
behaviour as SQL, under the same lock as the workshops it shares records with."""

from __future__ import annotations

import copy
import threading

from server.accounts.records import (
    AccountRecord,
    InvitationRecord,
    MemberRecord,
    OrganisationRecord,
    ResetRecord,
    SessionRecord,
)
from server.accounts.rules import higher
from server.accounts.store import LastOwner
from server.storage.base import Conflict, ParticipantRecord, WorkshopRecord


class AccountsInMemory:
    _lock: threading.Lock
    _workshops: dict[str, WorkshopRecord]
    _participants: dict[str, ParticipantRecord]

    def __init__(self) -> None:
        self._accounts: dict[str, AccountRecord] = {}
        self._sessions: dict[str, SessionRecord] = {}
        self._resets: dict[str, ResetRecord] = {}
        self._organisations: dict[str, OrganisationRecord] = {}
        self._roles: dict[tuple[str, str], tuple[str, int]] = {}  # (organisation, account) -> (role, added_at)
        self._invitations: dict[str, InvitationRecord] = {}

    def add_account(self, account: AccountRecord) -> None:
        with self._lock:
            if account.id in self._accounts or any(a.email == account.email for a in self._accounts.values()):
                raise Conflict("email already in use")
            self._accounts[account.id] = copy.copy(account)

    def account(self, account_id: str) -> AccountRecord | None:
        with self._lock:
            return copy.copy(self._accounts.get(account_id))

    def account_by_email(self, email: str) -> AccountRecord | None:
        with self._lock:
            return copy.copy(next((a for a in self._accounts.values() if a.email == email), None))

    def set_password(self, account_id: str, password_hash: str, keep_session: str | None) -> None:
        with self._lock:
            self._accounts[account_id].password_hash = password_hash
            self._end_sessions(account_id, keep=keep_session)

    def add_session(self, session: SessionRecord) -> None:
        with self._lock:
            if session.token_hash in self._sessions:
                raise Conflict("session token hash already in use")
            expired = [
                h
                for h, s in self._sessions.items()
                if s.account_id == session.account_id and s.expires_at <= session.created_at
            ]
            for token_hash in expired:
                del self._sessions[token_hash]
            self._sessions[session.token_hash] = copy.copy(session)

    def session(self, token_hash: str) -> SessionRecord | None:
        with self._lock:
            return copy.copy(self._sessions.get(token_hash))

    def end_session(self, token_hash: str) -> None:
        with self._lock:
            self._sessions.pop(token_hash, None)

    def end_sessions(self, account_id: str) -> None:
        with self._lock:
            self._end_sessions(account_id, keep=None)

    def _end_sessions(self, account_id: str, keep: str | None) -> None:
        for token_hash in [h for h, s in self._sessions.items() if s.account_id == account_id and h != keep]:
            del self._sessions[token_hash]

    def add_reset(self, reset: ResetRecord) -> None:
        with self._lock:
            self._resets[reset.token_hash] = copy.copy(reset)

    def use_reset(self, token_hash: str, now: int, password_hash: str) -> str | None:
        with self._lock:
            reset = self._resets.get(token_hash)
            if reset is None or reset.used_at is not None or reset.expires_at <= now:
                return None
            reset.used_at = now
            self._accounts[reset.account_id].password_hash = password_hash
            self._end_sessions(reset.account_id, keep=None)
            return reset.account_id

    def add_organisation(self, organisation: OrganisationRecord, owner_id: str) -> None:
        with self._lock:
            if organisation.id in self._organisations or owner_id not in self._accounts:
                raise Conflict("organisation id in use, or no such owner")
            self._organisations[organisation.id] = copy.copy(organisation)
            self._roles[(organisation.id, owner_id)] = ("owner", organisation.created_at)

    def organisation(self, organisation_id: str) -> OrganisationRecord | None:
        with self._lock:
            return copy.copy(self._organisations.get(organisation_id))

    def organisations_of(self, account_id: str) -> list[tuple[OrganisationRecord, str]]:
        with self._lock:
            found = [
                (copy.copy(self._organisations[org]), role)
                for (org, account), (role, _) in self._roles.items()
                if account == account_id
            ]
        return sorted(found, key=lambda pair: (pair[0].name, pair[0].id))

    def role(self, organisation_id: str, account_id: str) -> str | None:
        with self._lock:
            held = self._roles.get((organisation_id, account_id))
            return held[0] if held else None

    def members(self, organisation_id: str) -> list[MemberRecord]:
        with self._lock:
            found = [
                MemberRecord(org, account, self._accounts[account].email, role, added_at)
                for (org, account), (role, added_at) in self._roles.items()
                if org == organisation_id
            ]
        return sorted(found, key=lambda m: (m.email, m.account_id))

    def set_role(self, organisation_id: str, account_id: str, role: str | None) -> None:
        with self._lock:
            key = (organisation_id, account_id)
            if key not in self._roles:
                return
            owners = [a for (org, a), (r, _) in self._roles.items() if org == organisation_id and r == "owner"]
            if owners == [account_id] and role != "owner":
                raise LastOwner(organisation_id)
            if role is None:
                del self._roles[key]
            else:
                self._roles[key] = (role, self._roles[key][1])

    def add_invitation(self, invitation: InvitationRecord) -> None:
        with self._lock:
            self._invitations[invitation.token_hash] = copy.copy(invitation)

    def invitation(self, token_hash: str) -> InvitationRecord | None:
        with self._lock:
            return copy.copy(self._invitations.get(token_hash))

    def use_invitation(self, token_hash: str, account_id: str, now: int) -> InvitationRecord | None:
        with self._lock:
            invitation = self._invitations.get(token_hash)
            if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
                return None
            invitation.used_at = now
            key = (invitation.organisation_id, account_id)
            if key in self._roles:
                self._roles[key] = (higher(self._roles[key][0], invitation.role), self._roles[key][1])
            else:
                self._roles[key] = (invitation.role, now)
            return copy.copy(invitation)

    def organisation_workshops(self, organisation_id: str) -> list[WorkshopRecord]:
        with self._lock:
            found = [copy.copy(w) for w in self._workshops.values() if w.organisation_id == organisation_id]
        return sorted(found, key=lambda w: (-w.created_at, w.id))

    def claim_workshop(self, workshop_id: str, organisation_id: str, account_id: str) -> bool:
        with self._lock:
            workshop = self._workshops.get(workshop_id)
            if workshop is None or workshop.organisation_id is not None:
                return False
            workshop.organisation_id, workshop.owner_id = organisation_id, account_id
            return True

    def account_participant(self, workshop_id: str, account_id: str) -> ParticipantRecord | None:
        with self._lock:
            found = [
                p for p in self._participants.values() if p.workshop_id == workshop_id and p.account_id == account_id
            ]
            return copy.copy(min(found, key=lambda p: (p.joined_at, p.id), default=None))
