"""Accounts and organisations as use cases (server/accounts/service.py) on the in-memory store."""

from __future__ import annotations

import time

import pytest

from server.accounts import rules, service
from server.accounts.passwords import Passwords
from server.accounts.rules import AccountProblem
from server.accounts.service import NotAllowed
from server.storage.memory import MemoryStorage

PASSWORD = "correct horse battery"
passwords = Passwords("cheapest")


@pytest.fixture
def store() -> MemoryStorage:
    return MemoryStorage()


def test_emails_are_stored_under_one_spelling() -> None:
    assert rules.normalise_email("  Ada.Lovelace@Example.ORG ") == "ada.lovelace@example.org"
    for bad in ("", "ada", "ada@", "@example.org", "ada@example", "a da@example.org", "a\x00@example.org"):
        with pytest.raises(AccountProblem):
            rules.normalise_email(bad)
    with pytest.raises(AccountProblem):
        rules.normalise_email("a" * 250 + "@example.org")


def test_passwords_have_a_length_between_ten_characters_and_a_thousand_bytes() -> None:
    rules.check_password("x" * 10)
    rules.check_password("x" * 1000)
    for bad in ("x" * 9, "x" * 1001, "é" * 501):
        with pytest.raises(AccountProblem):
            rules.check_password(bad)


def test_what_each_role_may_do() -> None:
    assert [rules.may_read(r) for r in (*rules.ROLES, None)] == [True, True, True, False]
    assert [rules.may_edit(r) for r in (*rules.ROLES, None)] == [True, True, False, False]
    assert [rules.may_manage(r) for r in (*rules.ROLES, None)] == [True, False, False, False]


def test_a_password_is_stored_hashed_with_argon2id(store: MemoryStorage) -> None:
    account = service.create_account(store, passwords, "Ada@example.org", PASSWORD, 1)
    assert account.email == "ada@example.org"
    assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash


def test_sign_up_makes_an_owner_of_a_new_organisation_signed_in(store: MemoryStorage) -> None:
    account, organisation, token = service.sign_up(store, passwords, "ada@example.org", PASSWORD, "Evidence Centre", 1)
    assert store.role(organisation.id, account.id) == "owner"
    me = service.signed_in(store, token, 2)
    assert me is not None and me.account.id == account.id
    assert store.session(token) is None  # stored only as its hash
    with pytest.raises(AccountProblem, match="exists"):
        service.sign_up(store, passwords, "ADA@example.org", PASSWORD, "Another", 1)


def test_sign_in_answers_the_same_for_an_unknown_email_and_a_wrong_password(store: MemoryStorage) -> None:
    service.create_account(store, passwords, "ada@example.org", PASSWORD, 1)
    assert service.sign_in(store, passwords, " ADA@example.org", PASSWORD, 2) is not None
    assert service.sign_in(store, passwords, "ada@example.org", "wrong password", 2) is None
    assert service.sign_in(store, passwords, "bob@example.org", PASSWORD, 2) is None
    assert service.sign_in(store, passwords, "not an email", PASSWORD, 2) is None
    assert service.sign_in(store, passwords, "ada@example.org", "x" * 100_000, 2) is None


def test_an_unknown_email_takes_as_long_as_a_wrong_password() -> None:
    """The decoy hash makes both answers do one argon2 verification (standard cost, where time shows)."""
    standard, store = Passwords(), MemoryStorage()
    store.add_account(
        service.AccountRecord(id="a", email="ada@example.org", password_hash=standard.hash(PASSWORD), created_at=1)
    )

    def timed(email: str) -> float:
        started = time.perf_counter()
        assert service.sign_in(store, standard, email, "wrong password", 2) is None
        return time.perf_counter() - started

    wrong = min(timed("ada@example.org") for _ in range(3))
    unknown = min(timed("bob@example.org") for _ in range(3))
    assert 0.5 < unknown / wrong < 2, (unknown, wrong)


def test_sessions_expire_and_end(store: MemoryStorage) -> None:
    service.create_account(store, passwords, "ada@example.org", PASSWORD, 1)
    first = service.sign_in(store, passwords, "ada@example.org", PASSWORD, 1)
    second = service.sign_in(store, passwords, "ada@example.org", PASSWORD, 1)
    assert service.signed_in(store, first, 1 + service.SESSION_MS - 1) is not None
    assert service.signed_in(store, first, 1 + service.SESSION_MS) is None
    service.sign_out(store, first)
    assert service.signed_in(store, first, 2) is None and service.signed_in(store, second, 2) is not None
    for bad in (None, "", "x" * 1000, "nonsense"):
        assert service.signed_in(store, bad, 2) is None


def test_sign_out_everywhere_ends_every_session(store: MemoryStorage) -> None:
    account = service.create_account(store, passwords, "ada@example.org", PASSWORD, 1)
    tokens = [service.sign_in(store, passwords, "ada@example.org", PASSWORD, 1) for _ in range(3)]
    service.sign_out_everywhere(store, account.id)
    assert all(service.signed_in(store, t, 2) is None for t in tokens)


def test_changing_the_password_keeps_this_session_and_ends_the_others(store: MemoryStorage) -> None:
    service.create_account(store, passwords, "ada@example.org", PASSWORD, 1)
    here, elsewhere = (service.sign_in(store, passwords, "ada@example.org", PASSWORD, 1) for _ in range(2))
    me = service.signed_in(store, here, 2)
    assert me is not None
    with pytest.raises(AccountProblem, match="current password"):
        service.change_password(store, passwords, me, "wrong password", "a new password")
    with pytest.raises(AccountProblem, match="at least"):
        service.change_password(store, passwords, me, PASSWORD, "short")
    service.change_password(store, passwords, me, PASSWORD, "a new password")
    assert service.signed_in(store, here, 3) is not None and service.signed_in(store, elsewhere, 3) is None
    assert service.sign_in(store, passwords, "ada@example.org", "a new password", 3) is not None


def test_a_reset_link_works_once_within_the_hour(store: MemoryStorage) -> None:
    service.create_account(store, passwords, "ada@example.org", PASSWORD, 1)
    session = service.sign_in(store, passwords, "ada@example.org", PASSWORD, 1)
    token = service.reset_token(store, "Ada@example.org", 10)
    late = service.reset_token(store, "ada@example.org", 10)
    assert not service.reset_password(store, passwords, late, "too late now", 10 + service.RESET_MS)
    assert service.reset_password(store, passwords, token, "a fresh password", 20)
    assert service.signed_in(store, session, 21) is None  # every session ended
    assert not service.reset_password(store, passwords, token, "once more please", 22)
    assert service.sign_in(store, passwords, "ada@example.org", "a fresh password", 23) is not None
    with pytest.raises(AccountProblem, match="No account"):
        service.reset_token(store, "bob@example.org", 10)


def test_owners_invite_and_manage_members_but_never_remove_the_last_owner(store: MemoryStorage) -> None:
    owner, organisation, _ = service.sign_up(store, passwords, "owner@example.org", PASSWORD, "Centre", 1)
    editor = service.create_account(store, passwords, "editor@example.org", PASSWORD, 1)
    token = service.invite(store, owner.id, organisation.id, "editor@example.org", "editor", 2)
    assert service.pending_invitation(store, token, 3) is not None
    assert service.accept_invitation(store, token, editor.id, 3) is not None
    assert service.pending_invitation(store, token, 4) is None
    assert store.role(organisation.id, editor.id) == "editor"
    with pytest.raises(NotAllowed):
        service.invite(store, editor.id, organisation.id, "x@example.org", "viewer", 5)
    with pytest.raises(NotAllowed):
        service.change_role(store, editor.id, organisation.id, owner.id, "viewer")
    with pytest.raises(AccountProblem, match="owner"):
        service.change_role(store, owner.id, organisation.id, owner.id, None)
    with pytest.raises(AccountProblem):
        service.change_role(store, owner.id, organisation.id, editor.id, "admin")
    service.change_role(store, owner.id, organisation.id, editor.id, None)
    assert store.role(organisation.id, editor.id) is None
