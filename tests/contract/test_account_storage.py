"""One contract for the accounts' storage (`server.accounts.store.AccountStorage`), on memory, SQLite and
PostgreSQL: the same stores that keep the workshops keep the accounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest

from server.accounts.records import AccountRecord, InvitationRecord, OrganisationRecord, ResetRecord, SessionRecord
from server.accounts.store import AccountStorage, LastOwner
from server.storage.base import Conflict, Storage
from tests.contract.test_storage import participant, workshop


def accounts(store: Storage) -> AccountStorage:
    return cast(AccountStorage, store)


def account(aid: str, email: str | None = None) -> AccountRecord:
    return AccountRecord(id=aid, email=email or f"{aid}@example.org", password_hash=f"hash-{aid}", created_at=1)


def session(token_hash: str, aid: str, expires_at: int = 1000) -> SessionRecord:
    return SessionRecord(token_hash=token_hash, account_id=aid, created_at=1, expires_at=expires_at)


def organisation_with(store: AccountStorage, *aids: str, oid: str = "o1") -> None:
    for aid in aids:
        if store.account(aid) is None:
            store.add_account(account(aid))
    store.add_organisation(OrganisationRecord(id=oid, name=f"Org {oid}", created_at=5), aids[0])


def invitation(token_hash: str, role: str = "editor", expires_at: int = 1000, oid: str = "o1") -> InvitationRecord:
    return InvitationRecord(
        token_hash=token_hash,
        organisation_id=oid,
        email="new@example.org",
        role=role,
        invited_by="owner",
        created_at=1,
        expires_at=expires_at,
    )


def test_an_account_is_found_by_id_and_email_and_survives_a_reopen(storage_factory: Callable[[], Storage]) -> None:
    store = accounts(storage_factory())
    store.add_account(account("a1"))
    assert accounts(storage_factory()).account_by_email("a1@example.org") == account("a1")
    assert store.account("a1") == account("a1")
    assert store.account("nobody") is None and store.account_by_email("nobody@example.org") is None


def test_a_second_account_with_the_same_email_is_a_conflict(storage: Storage) -> None:
    store = accounts(storage)
    store.add_account(account("a1", "same@example.org"))
    with pytest.raises(Conflict):
        store.add_account(account("a2", "same@example.org"))
    assert store.account("a2") is None


def test_sessions_end_one_at_a_time_or_all_together(storage: Storage) -> None:
    store = accounts(storage)
    store.add_account(account("a1"))
    store.add_account(account("a2"))
    for token_hash, aid in (("s1", "a1"), ("s2", "a1"), ("s3", "a2")):
        store.add_session(session(token_hash, aid))
    assert store.session("s1") == session("s1", "a1")
    store.end_session("s1")
    assert store.session("s1") is None and store.session("s2") is not None
    store.add_session(session("s4", "a1"))
    store.end_sessions("a1")
    assert store.session("s2") is None and store.session("s4") is None
    assert store.session("s3") is not None  # another account's session is untouched


def test_a_new_session_clears_the_accounts_expired_ones(storage: Storage) -> None:
    store = accounts(storage)
    store.add_account(account("a1"))
    store.add_account(account("a2"))
    store.add_session(session("old", "a1", expires_at=50))
    store.add_session(session("theirs", "a2", expires_at=50))
    store.add_session(SessionRecord(token_hash="new", account_id="a1", created_at=60, expires_at=1000))
    assert store.session("old") is None and store.session("new") is not None
    assert store.session("theirs") is not None  # another account's, left for its own next sign-in


def test_a_new_password_ends_every_session_but_the_one_kept(storage: Storage) -> None:
    store = accounts(storage)
    store.add_account(account("a1"))
    for token_hash in ("s1", "s2", "s3"):
        store.add_session(session(token_hash, "a1"))
    store.set_password("a1", "new-hash", keep_session="s2")
    assert store.account("a1").password_hash == "new-hash"  # type: ignore[union-attr]
    assert [store.session(h) is not None for h in ("s1", "s2", "s3")] == [False, True, False]


def test_a_reset_works_once_before_it_expires_and_ends_every_session(storage: Storage) -> None:
    store = accounts(storage)
    store.add_account(account("a1"))
    store.add_session(session("s1", "a1"))
    store.add_reset(ResetRecord(token_hash="r1", account_id="a1", created_at=1, expires_at=100))
    store.add_reset(ResetRecord(token_hash="r2", account_id="a1", created_at=1, expires_at=100))
    assert store.use_reset("r2", 100, "too-late") is None  # expired at 100
    assert store.use_reset("unknown", 50, "nope") is None
    assert store.use_reset("r1", 50, "after-reset") == "a1"
    assert store.account("a1").password_hash == "after-reset"  # type: ignore[union-attr]
    assert store.session("s1") is None
    assert store.use_reset("r1", 51, "again") is None  # used
    assert store.account("a1").password_hash == "after-reset"  # type: ignore[union-attr]


def test_an_organisation_starts_with_its_owner(storage: Storage) -> None:
    store = accounts(storage)
    organisation_with(store, "owner")
    assert store.organisation("o1") == OrganisationRecord(id="o1", name="Org o1", created_at=5)
    assert store.role("o1", "owner") == "owner"
    assert [(o.id, role) for o, role in store.organisations_of("owner")] == [("o1", "owner")]
    assert [(m.email, m.role) for m in store.members("o1")] == [("owner@example.org", "owner")]
    assert store.organisation("nope") is None and store.role("o1", "stranger") is None


def test_an_invitation_makes_a_member_once_before_it_expires(storage: Storage) -> None:
    store = accounts(storage)
    organisation_with(store, "owner")
    store.add_account(account("new"))
    store.add_invitation(invitation("i1", role="viewer"))
    store.add_invitation(invitation("i2", expires_at=10))
    assert store.invitation("i1") == invitation("i1", role="viewer")
    assert store.use_invitation("i2", "new", 10) is None and store.role("o1", "new") is None
    used = store.use_invitation("i1", "new", 5)
    assert used is not None and used.role == "viewer" and used.used_at == 5
    assert store.role("o1", "new") == "viewer"
    assert store.use_invitation("i1", "new", 6) is None
    assert store.invitation("i1").used_at == 5  # type: ignore[union-attr]


def test_an_invitation_never_lowers_a_members_role(storage: Storage) -> None:
    store = accounts(storage)
    organisation_with(store, "owner")
    store.add_invitation(invitation("i1", role="viewer"))
    assert store.use_invitation("i1", "owner", 5) is not None
    assert store.role("o1", "owner") == "owner"


def test_roles_change_and_members_leave_but_never_the_last_owner(storage: Storage) -> None:
    store = accounts(storage)
    organisation_with(store, "owner", "second")
    store.add_invitation(invitation("i1", role="editor"))
    store.use_invitation("i1", "second", 2)
    with pytest.raises(LastOwner):
        store.set_role("o1", "owner", "editor")
    with pytest.raises(LastOwner):
        store.set_role("o1", "owner", None)
    assert store.role("o1", "owner") == "owner"
    store.set_role("o1", "second", "owner")
    store.set_role("o1", "owner", None)  # another owner is left
    assert store.role("o1", "owner") is None and store.role("o1", "second") == "owner"
    assert store.organisations_of("owner") == []
    store.set_role("o1", "stranger", "viewer")  # not a member: nothing happens
    assert store.role("o1", "stranger") is None


def test_workshops_belong_to_an_organisation_by_claim_once(storage: Storage) -> None:
    store = accounts(storage)
    organisation_with(store, "owner")
    organisation_with(store, "other", oid="o2")
    for wid, created_at in (("w1", 1), ("w2", 2), ("w3", 3)):
        record, board = workshop(wid)
        record.created_at = created_at
        storage.create_workshop(record, board)
    assert storage.workshop("w1").organisation_id is None  # type: ignore[union-attr]
    assert store.claim_workshop("w1", "o1", "owner") and store.claim_workshop("w3", "o1", "owner")
    assert not store.claim_workshop("w1", "o2", "other")  # it belongs to o1 already
    assert not store.claim_workshop("missing", "o2", "other")
    assert [w.id for w in store.organisation_workshops("o1")] == ["w3", "w1"]  # newest first
    assert store.organisation_workshops("o2") == []
    claimed = storage.workshop("w1")
    assert claimed is not None and (claimed.organisation_id, claimed.owner_id) == ("o1", "owner")


def test_a_workshop_made_in_an_organisation_keeps_it_and_its_template(storage: Storage) -> None:
    store = accounts(storage)
    organisation_with(store, "owner")
    record, board = workshop("w1")
    record.organisation_id, record.owner_id, record.template = "o1", "owner", "theory-of-change"
    storage.create_workshop(record, board)
    assert storage.workshop("w1") == record
    assert store.organisation_workshops("o1") == [record]


def test_an_accounts_participant_is_found_per_workshop(storage: Storage) -> None:
    store = accounts(storage)
    store.add_account(account("a1"))
    for wid in ("w1", "w2"):
        storage.create_workshop(*workshop(wid))
    mine: Any = participant("p1")
    mine.account_id = "a1"
    storage.add_participant(mine)
    storage.add_participant(participant("p2"))
    assert store.account_participant("w1", "a1") == mine
    assert storage.participant_by_token("tok-p1") == mine
    assert store.account_participant("w2", "a1") is None
