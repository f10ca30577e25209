"""Account and organisation use cases, shared by the web pages and the command line.

Tokens (sessions, password resets, invitations) are 32 random bytes, shown once and stored as SHA-256 hashes,
like the facilitator key: with that much randomness a fast hash is enough, and a leaked database opens nothing.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from server import workshops
from server.accounts import rules
from server.accounts.passwords import Passwords
from server.accounts.records import AccountRecord, InvitationRecord, OrganisationRecord, ResetRecord, SessionRecord
from server.accounts.rules import AccountProblem
from server.accounts.store import AccountStorage, LastOwner
from server.board.model import Participant
from server.storage.base import Conflict, Storage, WorkshopRecord
from server.workshop_templates import WorkshopTemplate

SESSION_MS = 30 * 24 * 3600 * 1000  # a session lasts 30 days from sign-in
RESET_MS = 3600 * 1000  # a reset link works for an hour, once
INVITATION_MS = 7 * 24 * 3600 * 1000  # an invitation link works for a week, once
MAX_TOKEN = 100  # longer than any token made here: refused before it is hashed


class NotAllowed(Exception):
    """The account's role does not allow this (or it is no member): what to ask for instead."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    account: AccountRecord
    session: SessionRecord


def _token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, workshops.hash_secret(token)


def _hashed(token: str | None) -> str | None:
    if not token or len(token) > MAX_TOKEN:
        return None
    return workshops.hash_secret(token)


# -- accounts ---------------------------------------------------------------------------------------------


def create_account(store: AccountStorage, passwords: Passwords, email: str, password: str, now: int) -> AccountRecord:
    email = rules.normalise_email(email)
    rules.check_password(password)
    account = AccountRecord(id=workshops.new_id(), email=email, password_hash=passwords.hash(password), created_at=now)
    try:
        store.add_account(account)
    except Conflict:
        raise AccountProblem("An account with this email exists already: sign in instead.") from None
    return account


def sign_up(
    store: AccountStorage, passwords: Passwords, email: str, password: str, organisation: str, now: int
) -> tuple[AccountRecord, OrganisationRecord, str]:
    """A new account, its first organisation (it is the owner) and a session token."""
    name = rules.organisation_name(organisation)
    account = create_account(store, passwords, email, password, now)
    created = create_organisation(store, account.id, name, now)
    return account, created, start_session(store, account.id, now)


def create_organisation(store: AccountStorage, owner_id: str, name: str, now: int) -> OrganisationRecord:
    organisation = OrganisationRecord(id=workshops.new_id(), name=rules.organisation_name(name), created_at=now)
    store.add_organisation(organisation, owner_id)
    return organisation


def start_session(store: AccountStorage, account_id: str, now: int) -> str:
    token, token_hash = _token()
    store.add_session(SessionRecord(token_hash, account_id, created_at=now, expires_at=now + SESSION_MS))
    return token


def sign_in(store: AccountStorage, passwords: Passwords, email: str, password: str, now: int) -> str | None:
    """A session token, or None: for an unknown email exactly as for a wrong password, after the same work."""
    try:
        account = store.account_by_email(rules.normalise_email(email))
    except AccountProblem:
        account = None
    if len(password.encode("utf-8", "surrogatepass")) > rules.MAX_PASSWORD_BYTES:
        password = ""  # never hashed at length; still checked, so the answer takes as long
    if not passwords.matches(account.password_hash if account else None, password) or account is None:
        return None
    if passwords.outdated(account.password_hash):
        store.set_password(account.id, passwords.hash(password), keep_session=None)
    return start_session(store, account.id, now)


def signed_in(store: AccountStorage, token: str | None, now: int) -> SignedIn | None:
    """The account a session cookie speaks for, if the session exists and has not expired."""
    token_hash = _hashed(token)
    session = store.session(token_hash) if token_hash else None
    if session is None or session.expires_at <= now:
        return None
    account = store.account(session.account_id)
    return SignedIn(account, session) if account else None


def sign_out(store: AccountStorage, token: str | None) -> str | None:
    """End the session; its hash (its sockets close too)."""
    if token_hash := _hashed(token):
        store.end_session(token_hash)
    return token_hash


def sign_out_everywhere(store: AccountStorage, account_id: str) -> None:
    store.end_sessions(account_id)


def change_password(store: AccountStorage, passwords: Passwords, me: SignedIn, current: str, new: str) -> None:
    """Set a new password; every other session of the account ends (this one stays signed in)."""
    if len(current.encode("utf-8", "surrogatepass")) > rules.MAX_PASSWORD_BYTES or not passwords.matches(
        me.account.password_hash, current
    ):
        raise AccountProblem("The current password is not right.")
    rules.check_password(new)
    store.set_password(me.account.id, passwords.hash(new), keep_session=me.session.token_hash)


def reset_token(store: AccountStorage, email: str, now: int) -> str:
    """A one-time password reset token for the account (the command line prints its link)."""
    account = store.account_by_email(rules.normalise_email(email))
    if account is None:
        raise AccountProblem(f"No account has the email {email!r}.")
    token, token_hash = _token()
    store.add_reset(ResetRecord(token_hash, account.id, created_at=now, expires_at=now + RESET_MS))
    return token


def reset_password(store: AccountStorage, passwords: Passwords, token: str, password: str, now: int) -> str | None:
    """Use a reset token: the new password, every session ended; the account's id. None for a used, expired or
    unknown token."""
    token_hash = _hashed(token)
    rules.check_password(password)
    return store.use_reset(token_hash, now, passwords.hash(password)) if token_hash else None


# -- organisations and members ----------------------------------------------------------------------------


def role_in(store: AccountStorage, organisation_id: str, account_id: str) -> str | None:
    return store.role(organisation_id, account_id)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def invite(store: AccountStorage, actor_id: str, organisation_id: str, email: str, role: str, now: int) -> str:
    """A one-time invitation token (owners only): whoever opens its link and signs in joins with `role`."""
    _require(rules.may_manage(store.role(organisation_id, actor_id)), "Only the organisation's owners invite people.")
    invitation = InvitationRecord(
        token_hash="",
        organisation_id=organisation_id,
        email=rules.normalise_email(email),
        role=rules.check_role(role),
        invited_by=actor_id,
        created_at=now,
        expires_at=now + INVITATION_MS,
    )
    token, invitation.token_hash = _token()
    store.add_invitation(invitation)
    return token


def pending_invitation(store: AccountStorage, token: str, now: int) -> InvitationRecord | None:
    token_hash = _hashed(token)
    found = store.invitation(token_hash) if token_hash else None
    if found is None or found.used_at is not None or found.expires_at <= now:
        return None
    return found


def accept_invitation(store: AccountStorage, token: str, account_id: str, now: int) -> InvitationRecord | None:
    token_hash = _hashed(token)
    return store.use_invitation(token_hash, account_id, now) if token_hash else None


def change_role(store: AccountStorage, actor_id: str, organisation_id: str, member_id: str, role: str | None) -> None:
    """Give a member another role, or remove them (None). Owners only; never the last owner."""
    _require(rules.may_manage(store.role(organisation_id, actor_id)), "Only the organisation's owners change members.")
    if role is not None:
        rules.check_role(role)
    try:
        store.set_role(organisation_id, member_id, role)
    except LastOwner:
        raise AccountProblem("An organisation keeps at least one owner: make someone else owner first.") from None


# -- workshops of organisations ---------------------------------------------------------------------------


def workshop_role(store: AccountStorage, workshop: WorkshopRecord, account_id: str) -> str | None:
    """The account's role over a workshop: its role in the organisation the workshop belongs to."""
    if workshop.organisation_id is None:
        return None
    return store.role(workshop.organisation_id, account_id)


def claim(
    storage: Storage, store: AccountStorage, account_id: str, organisation_id: str, facilitator_key: str
) -> WorkshopRecord:
    """Put a quick workshop (made without an account) into the organisation: its facilitator key proves the
    right to it, an editor's or owner's role the right to add to the organisation."""
    _require(rules.may_edit(store.role(organisation_id, account_id)), "Only editors and owners add workshops.")
    found = workshops.find_by_code(storage, facilitator_key)
    if found is None or found[1] != "facilitator":
        raise AccountProblem("That is not a workshop's facilitator link or key.")
    workshop = found[0]
    if not store.claim_workshop(workshop.id, organisation_id, account_id):
        raise AccountProblem("That workshop belongs to an organisation already.")
    workshop.organisation_id, workshop.owner_id = organisation_id, account_id
    return workshop


# Finding an account's participant record and adding it happen together, so two first visits make one.
_facilitating = threading.Lock()


def facilitator(
    storage: Storage, store: AccountStorage, workshop: WorkshopRecord, account: AccountRecord
) -> Participant:
    """The participant an editor or owner facilitates the workshop as: the same one on every visit, made on the
    first. Its token is never handed out: the account's session is what opens it."""
    with _facilitating:
        record = store.account_participant(workshop.id, account.id)
        if record is None:
            name = account.email.split("@", 1)[0][:40] or "Facilitator"
            record = workshops.join(storage, workshop, "facilitator", name, account_id=account.id).participant
    if record.removed_at is not None:  # rule P50 holds for accounts too
        raise NotAllowed("A facilitator removed you from this workshop.")
    return Participant(id=record.id, name=record.name, colour=record.colour, role=record.role)


VIEWER_COLOUR = "#6b7280"


@dataclass(frozen=True, slots=True)
class MemberAccess:
    """A member's way onto an organisation's workshop: as whom, and through which account, session and
    organisation (so that its sockets can be closed when any of them ends)."""

    participant: Participant
    account_id: str
    session_hash: str
    organisation_id: str


def member_access(
    storage: Storage, store: AccountStorage, workshop_id: str, session_token: str | None, now: int
) -> MemberAccess | None:
    """Whom a signed-in member is on an organisation's workshop: an editor or owner its facilitator; a viewer a
    reader who is never stored and may change nothing (role "viewer"); anyone else no one."""
    me = signed_in(store, session_token, now)
    workshop = storage.workshop(workshop_id) if me else None
    if me is None or workshop is None or workshop.organisation_id is None:
        return None
    role = workshop_role(store, workshop, me.account.id)
    if rules.may_edit(role):
        try:
            person = facilitator(storage, store, workshop, me.account)
        except NotAllowed:
            return None
    elif rules.may_read(role):
        name = me.account.email.split("@", 1)[0][:40]
        person = Participant(id=f"viewer-{me.account.id}", name=name, colour=VIEWER_COLOUR, role="viewer")
    else:
        return None
    return MemberAccess(person, me.account.id, me.session.token_hash, workshop.organisation_id)


def member_participant(
    storage: Storage, store: AccountStorage, workshop_id: str, session_token: str | None, now: int
) -> Participant | None:
    access = member_access(storage, store, workshop_id, session_token, now)
    return access.participant if access else None


def create_workshop_in(
    storage: Storage,
    store: AccountStorage,
    secret_key: bytes,
    account_id: str,
    organisation_id: str,
    title: str,
    question: str,
    template: WorkshopTemplate,
) -> WorkshopRecord:
    """A new workshop of the organisation, made from a template by one of its editors or owners, who facilitate
    it with their session (no facilitator key needed, though it has one)."""
    _require(rules.may_edit(store.role(organisation_id, account_id)), "Only editors and owners create workshops.")
    created = workshops.create_workshop(
        storage,
        secret_key,
        title,
        question or template.question,
        template.kinds,
        template.phases,
        template.lanes,
        template=template.name,
    )
    store.claim_workshop(created.workshop.id, organisation_id, account_id)
    created.workshop.organisation_id, created.workshop.owner_id = organisation_id, account_id
    return created.workshop
