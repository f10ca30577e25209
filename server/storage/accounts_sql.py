"""Accounts and organisations over SQL (server/accounts/store.py), mixed into SqlStorage: each method one
transaction, so a check and the change it allows cannot be split by another request."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

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
from server.storage.account_tables import (
    AccountRow,
    AccountSessionRow,
    InvitationRow,
    MembershipRow,
    OrganisationRow,
    PasswordResetRow,
)
from server.storage.base import ParticipantRecord, WorkshopRecord
from server.storage.tables import ParticipantRow, WorkshopRow

_accounts = AccountRow.__table__  # type: ignore[attr-defined]
_sessions = AccountSessionRow.__table__  # type: ignore[attr-defined]
_resets = PasswordResetRow.__table__  # type: ignore[attr-defined]
_organisations = OrganisationRow.__table__  # type: ignore[attr-defined]
_memberships = MembershipRow.__table__  # type: ignore[attr-defined]
_invitations = InvitationRow.__table__  # type: ignore[attr-defined]
_workshops = WorkshopRow.__table__  # type: ignore[attr-defined]
_participants = ParticipantRow.__table__  # type: ignore[attr-defined]


def _fields(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}


class AccountsInSql:
    def _transaction(self, write: bool = False) -> AbstractContextManager[Connection]:
        raise NotImplementedError  # SqlStorage's

    def add_account(self, account: AccountRecord) -> None:
        with self._transaction(write=True) as conn:  # the unique email refuses a second account: Conflict
            conn.execute(insert(_accounts).values(**_fields(account)))

    def account(self, account_id: str) -> AccountRecord | None:
        with self._transaction() as conn:
            row = conn.execute(select(_accounts).where(_accounts.c.id == account_id)).mappings().first()
        return AccountRecord(**row) if row else None

    def account_by_email(self, email: str) -> AccountRecord | None:
        with self._transaction() as conn:
            row = conn.execute(select(_accounts).where(_accounts.c.email == email)).mappings().first()
        return AccountRecord(**row) if row else None

    def set_password(self, account_id: str, password_hash: str, keep_session: str | None) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(update(_accounts).where(_accounts.c.id == account_id).values(password_hash=password_hash))
            _end_sessions(conn, account_id, keep_session)

    def add_session(self, session: SessionRecord) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(
                delete(_sessions).where(
                    _sessions.c.account_id == session.account_id, _sessions.c.expires_at <= session.created_at
                )
            )
            conn.execute(insert(_sessions).values(**_fields(session)))

    def session(self, token_hash: str) -> SessionRecord | None:
        with self._transaction() as conn:
            row = conn.execute(select(_sessions).where(_sessions.c.token_hash == token_hash)).mappings().first()
        return SessionRecord(**row) if row else None

    def end_session(self, token_hash: str) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(delete(_sessions).where(_sessions.c.token_hash == token_hash))

    def end_sessions(self, account_id: str) -> None:
        with self._transaction(write=True) as conn:
            _end_sessions(conn, account_id, None)

    def add_reset(self, reset: ResetRecord) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(insert(_resets).values(**_fields(reset)))

    def use_reset(self, token_hash: str, now: int, password_hash: str) -> str | None:
        with self._transaction(write=True) as conn:
            # Marking it used only if it is still unused is the check: of two racing uses, one updates a row.
            account_id = conn.execute(
                update(_resets)
                .where(_resets.c.token_hash == token_hash, _resets.c.used_at.is_(None), _resets.c.expires_at > now)
                .values(used_at=now)
                .returning(_resets.c.account_id)
            ).scalar()
            if account_id is None:
                return None
            conn.execute(update(_accounts).where(_accounts.c.id == account_id).values(password_hash=password_hash))
            _end_sessions(conn, account_id, None)
            return str(account_id)

    def add_organisation(self, organisation: OrganisationRecord, owner_id: str) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(insert(_organisations).values(**_fields(organisation)))
            conn.execute(
                insert(_memberships).values(
                    organisation_id=organisation.id, account_id=owner_id, role="owner", added_at=organisation.created_at
                )
            )

    def organisation(self, organisation_id: str) -> OrganisationRecord | None:
        with self._transaction() as conn:
            row = conn.execute(select(_organisations).where(_organisations.c.id == organisation_id)).mappings().first()
        return OrganisationRecord(**row) if row else None

    def organisations_of(self, account_id: str) -> list[tuple[OrganisationRecord, str]]:
        with self._transaction() as conn:
            rows = conn.execute(
                select(_organisations, _memberships.c.role)
                .join(_memberships, _memberships.c.organisation_id == _organisations.c.id)
                .where(_memberships.c.account_id == account_id)
                .order_by(_organisations.c.name, _organisations.c.id)
            ).mappings()
            return [(OrganisationRecord(r["id"], r["name"], r["created_at"]), r["role"]) for r in rows]

    def role(self, organisation_id: str, account_id: str) -> str | None:
        with self._transaction() as conn:
            role = conn.execute(
                select(_memberships.c.role).where(
                    _memberships.c.organisation_id == organisation_id, _memberships.c.account_id == account_id
                )
            ).scalar()
        return str(role) if role is not None else None

    def members(self, organisation_id: str) -> list[MemberRecord]:
        with self._transaction() as conn:
            rows = conn.execute(
                select(_memberships, _accounts.c.email)
                .join(_accounts, _accounts.c.id == _memberships.c.account_id)
                .where(_memberships.c.organisation_id == organisation_id)
                .order_by(_accounts.c.email, _accounts.c.id)
            ).mappings()
            return [MemberRecord(**r) for r in rows]

    def set_role(self, organisation_id: str, account_id: str, role: str | None) -> None:
        of_organisation = _memberships.c.organisation_id == organisation_id
        member = (of_organisation, _memberships.c.account_id == account_id)
        with self._transaction(write=True) as conn:
            # Lock the organisation's owner rows (PostgreSQL; SQLite's write transaction holds the whole database)
            # so two owners demoting each other cannot both see the other still there.
            owners = list(
                conn.execute(
                    select(_memberships.c.account_id)
                    .where(of_organisation, _memberships.c.role == "owner")
                    .with_for_update()
                ).scalars()
            )
            if owners == [account_id] and role != "owner":
                raise LastOwner(organisation_id)
            if role is None:
                conn.execute(delete(_memberships).where(*member))
            else:
                conn.execute(update(_memberships).where(*member).values(role=role))

    def add_invitation(self, invitation: InvitationRecord) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(insert(_invitations).values(**_fields(invitation)))

    def invitation(self, token_hash: str) -> InvitationRecord | None:
        with self._transaction() as conn:
            row = conn.execute(select(_invitations).where(_invitations.c.token_hash == token_hash)).mappings().first()
        return InvitationRecord(**row) if row else None

    def use_invitation(self, token_hash: str, account_id: str, now: int) -> InvitationRecord | None:
        with self._transaction(write=True) as conn:
            row = (
                conn.execute(
                    update(_invitations)
                    .where(
                        _invitations.c.token_hash == token_hash,
                        _invitations.c.used_at.is_(None),
                        _invitations.c.expires_at > now,
                    )
                    .values(used_at=now)
                    .returning(*_invitations.c)
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            invitation = InvitationRecord(**row)
            member = (
                _memberships.c.organisation_id == invitation.organisation_id,
                _memberships.c.account_id == account_id,
            )
            held = conn.execute(select(_memberships.c.role).where(*member)).scalar()
            if held is None:
                conn.execute(
                    insert(_memberships).values(
                        organisation_id=invitation.organisation_id,
                        account_id=account_id,
                        role=invitation.role,
                        added_at=now,
                    )
                )
            else:
                conn.execute(update(_memberships).where(*member).values(role=higher(held, invitation.role)))
            return invitation

    def organisation_workshops(self, organisation_id: str) -> list[WorkshopRecord]:
        with self._transaction() as conn:
            rows = conn.execute(
                select(_workshops)
                .where(_workshops.c.organisation_id == organisation_id)
                .order_by(_workshops.c.created_at.desc(), _workshops.c.id)
            ).mappings()
            return [WorkshopRecord(**r) for r in rows]

    def claim_workshop(self, workshop_id: str, organisation_id: str, account_id: str) -> bool:
        with self._transaction(write=True) as conn:
            claimed = conn.execute(
                update(_workshops)
                .where(_workshops.c.id == workshop_id, _workshops.c.organisation_id.is_(None))
                .values(organisation_id=organisation_id, owner_id=account_id)
            )
            return claimed.rowcount == 1

    def account_participant(self, workshop_id: str, account_id: str) -> ParticipantRecord | None:
        with self._transaction() as conn:
            row = (
                conn.execute(
                    select(_participants)
                    .where(_participants.c.workshop_id == workshop_id, _participants.c.account_id == account_id)
                    .order_by(_participants.c.joined_at, _participants.c.id)
                    .limit(1)
                )
                .mappings()
                .first()
            )
        return ParticipantRecord(**row) if row else None


def _end_sessions(conn: Connection, account_id: str, keep: str | None) -> None:
    where = [_sessions.c.account_id == account_id]
    if keep is not None:
        where.append(_sessions.c.token_hash != keep)
    conn.execute(delete(_sessions).where(*where))
