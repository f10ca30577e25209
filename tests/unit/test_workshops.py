"""Workshop ids and secrets, short join codes, and the joining switch."""

from __future__ import annotations

import pytest

from server import short_codes, workshops
from server.storage.memory import MemoryStorage
from server.workshops import new_id


def test_ids_never_start_like_a_command_line_option() -> None:
    ids = [new_id() for _ in range(5000)]  # with a leading "-" one time in 64, 5,000 ids would hold ~78
    assert all(i[0].isalnum() for i in ids)
    assert all(len(i) == 12 for i in ids) and len(set(ids)) == len(ids)


KEY = b"s" * 32


@pytest.mark.rule("P34")
def test_every_workshop_gets_a_short_code_of_its_own_even_when_the_derived_one_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    storage = MemoryStorage()
    first = workshops.create_workshop(storage, KEY, "First", "")
    taken = workshops.current_short_code(storage, KEY, first.workshop.id)
    real = short_codes.derive
    # the next workshop's first code is the one the first workshop has: it gets its next generation's instead
    monkeypatch.setattr(short_codes, "derive", lambda key, wid, gen: taken if gen == 0 else real(key, wid, gen))
    second = workshops.create_workshop(storage, KEY, "Second", "")
    assert second.workshop.short_generation == 1
    code = workshops.current_short_code(storage, KEY, second.workshop.id)
    assert code != taken
    assert workshops.find_by_short_code(storage, KEY, taken).id == first.workshop.id  # type: ignore[union-attr]
    assert workshops.find_by_short_code(storage, KEY, code).id == second.workshop.id  # type: ignore[union-attr]


def test_a_replaced_short_code_stops_working_and_typing_ignores_case_and_spaces() -> None:
    storage = MemoryStorage()
    created = workshops.create_workshop(storage, KEY, "W", "")
    old = workshops.current_short_code(storage, KEY, created.workshop.id)
    typed = f" {old[:3].lower()} - {old[3:].lower()} "
    assert workshops.find_by_short_code(storage, KEY, typed) is not None
    new = workshops.rotate_short_code(storage, KEY, created.workshop.id)
    assert new != old and workshops.current_short_code(storage, KEY, created.workshop.id) == new
    assert workshops.find_by_short_code(storage, KEY, old) is None
    assert workshops.find_by_short_code(storage, KEY, new) is not None
    assert workshops.find_by_short_code(storage, b"another key", new) is None  # only this server's key opens it


def test_a_workshop_from_before_short_codes_is_given_one_when_it_is_first_shown() -> None:
    storage = MemoryStorage()
    created = workshops.create_workshop(storage, KEY, "Old", "")
    storage._workshops[created.workshop.id].short_code_hash = None  # as migration 0003 leaves it
    code = workshops.current_short_code(storage, KEY, created.workshop.id)
    assert workshops.find_by_short_code(storage, KEY, code) is not None


@pytest.mark.rule("P34")
def test_closed_joining_refuses_participants_but_not_a_facilitator_key() -> None:
    storage = MemoryStorage()
    created = workshops.create_workshop(storage, KEY, "W", "")
    record = created.workshop
    record.joining = False
    with pytest.raises(workshops.JoiningClosed):
        workshops.join(storage, record, "participant", "Late")
    assert workshops.join(storage, record, "facilitator", "Co-facilitator").participant.role == "facilitator"
