"""One contract for every storage: what `server.storage.base.Storage` promises, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from server.board import ops
from server.board.change import Change
from server.board.model import DEFAULT_KINDS, Board, Event, Kind, Participant, WorkshopInfo
from server.board.rules import decide, participant_join
from server.storage.base import Conflict, ParticipantRecord, Storage, WorkshopRecord

FAC = Participant(id="fac1", name="Fran", colour="#1f77b4", role="facilitator")


def workshop(wid: str = "w1") -> tuple[WorkshopRecord, Board]:
    record = WorkshopRecord(
        id=wid,
        title=f"Workshop {wid}",
        question="What changed?",
        created_at=1,
        facilitator_key_hash=f"fk-{wid}",
        join_code_hash=f"jc-{wid}",
        join_generation=0,
    )
    info = WorkshopInfo(
        id=wid,
        title=record.title,
        question=record.question,
        kinds=tuple(Kind(*k) for k in DEFAULT_KINDS),
        locked=False,
        created_at=1,
    )
    return record, Board(workshop=info)


def participant(pid: str, wid: str = "w1", role: str = "participant") -> ParticipantRecord:
    return ParticipantRecord(
        id=pid,
        workshop_id=wid,
        name=f"name {pid}",
        colour="#d62728",
        role=role,
        token_hash=f"tok-{pid}",
        joined_at=10,
        last_seen_at=10,
    )


class Script:
    """Builds real events with the board's rules, applying them to a reference board as it goes."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.pending: list[Event] = []

    def change(self, change: Change, cid: str | None = None) -> Event:
        event = Event(
            seq=self.board.head + 1, op=change.op, by=FAC.id, at=100 + self.board.head, data=change.data, cid=cid
        )
        self.board.apply(event)
        self.pending.append(event)
        return event

    def op(self, name: str, cid: str | None = None, **fields: Any) -> Event:
        change = decide(self.board, ops.OP_ADAPTER.validate_python({"op": name, **fields}), FAC, 100)
        assert isinstance(change, Change), change
        return self.change(change, cid)

    def take(self) -> list[Event]:
        out, self.pending = self.pending, []
        return out


def populated(storage: Storage, wid: str = "w1", notes: int = 3) -> Script:
    record, board = workshop(wid)
    storage.create_workshop(record, board)
    script = Script(Board.from_dict(board.to_dict()))
    script.change(participant_join(FAC))
    for i in range(notes):
        script.op(
            "note.add",
            cid=f"add{i}",
            id=f"{wid}n{i:03}",
            kind="impact",
            text=f"note {i} 🌱 «ünïcode»",
            x=float(i),
            y=0.0,
        )
    storage.append(wid, script.take())
    return script


def test_create_and_find_workshops(storage: Storage) -> None:
    record, board = workshop()
    storage.create_workshop(record, board)
    assert storage.workshop("w1") == record
    assert storage.workshop_by_join_code("jc-w1") == record
    assert storage.workshop_by_facilitator_key("fk-w1") == record
    assert storage.workshop("nope") is None and storage.workshop_by_join_code("fk-w1") is None


def test_rotating_the_join_code_replaces_the_old_one(storage: Storage) -> None:
    record, board = workshop()
    storage.create_workshop(record, board)
    storage.set_join_code("w1", "jc-new", 1)
    assert storage.workshop_by_join_code("jc-w1") is None
    found = storage.workshop_by_join_code("jc-new")
    assert found is not None and found.join_generation == 1


def test_participants(storage: Storage) -> None:
    record, board = workshop()
    storage.create_workshop(record, board)
    storage.add_participant(participant("p1", role="facilitator"))
    storage.add_participant(participant("p2"))
    assert storage.participant_by_token("tok-p2") == participant("p2")
    assert storage.participant_by_token("tok-zz") is None
    storage.touch_participant("p2", 99)
    assert storage.participant_by_token("tok-p2").last_seen_at == 99  # type: ignore[union-attr]
    assert [p.id for p in storage.participants("w1")] == ["p1", "p2"]
    duplicate_token = participant("p3")
    duplicate_token.token_hash = "tok-p1"
    with pytest.raises(Conflict):
        storage.add_participant(duplicate_token)


def test_load_replays_to_the_same_board(storage: Storage) -> None:
    script = populated(storage)
    script.op("link.add", id="l001", source="w1n000", target="w1n001", label="leads to")
    script.op("note.update", cid="upd", id="w1n000", text="changed")
    script.op("note.delete", id="w1n001")
    script.op("workshop.lock")
    storage.append("w1", script.take())
    loaded = storage.load_board("w1")
    assert loaded is not None
    assert loaded.board.to_dict() == script.board.to_dict()
    assert storage.load_board("nope") is None


def test_client_op_ids_are_found_by_participant_and_cid(storage: Storage) -> None:
    script = populated(storage)
    script.op("note.update", cid="upd", id="w1n000", text="changed")
    storage.append("w1", script.take())
    populated(storage, "w2", notes=1)  # the same cids in another workshop
    assert [storage.client_op_seq("w1", "fac1", cid) for cid in ("add0", "add2", "upd")] == [2, 4, 5]
    assert storage.client_op_seq("w1", "fac1", "never") is None
    assert storage.client_op_seq("w1", "someone-else", "add0") is None
    assert storage.client_op_seq("w2", "fac1", "add0") == 2 and storage.client_op_seq("w2", "fac1", "upd") is None
    history = storage.id_history("w1")
    assert all(("fac1", cid) in history.client_ops for cid in ("add0", "add1", "add2", "upd"))
    assert history.client_ops.count == 4


def test_deleted_ids_are_stored_with_the_events_that_delete_them(storage: Storage) -> None:
    script = populated(storage, notes=4)
    script.op("link.add", id="l001", source="w1n000", target="w1n001")
    script.op("link.add", id="l002", source="w1n002", target="w1n001")
    script.op("link.add", id="l003", source="w1n002", target="w1n003")
    script.op("note.delete", id="w1n001")  # takes l001 and l002 with it
    script.op("link.delete", id="l003")
    storage.append("w1", script.take())
    populated(storage, "w2", notes=2)
    asked = ["w1n000", "w1n001", "w1n002", "l001", "l002", "l003", "nothing"]
    assert storage.deleted_among("w1", asked) == {"w1n001", "l001", "l002", "l003"}
    assert storage.deleted_among("w2", asked) == set() and storage.deleted_among("w1", []) == set()
    history = storage.id_history("w1")
    assert all(i in history.deleted for i in ("w1n001", "l001", "l002", "l003"))
    assert history.deleted.count == 4


def test_merged_notes_and_deleted_clusters_stay_taken_in_storage(storage: Storage) -> None:
    """A merge deletes the notes it folds in and the links it drops (P43), a cluster can be deleted (P44): their
    ids stay taken after a restart too (P10), as a deleted note's do."""
    script = populated(storage, notes=3)
    script.op("link.add", id="l001", source="w1n000", target="w1n001")
    script.op("link.add", id="l002", source="w1n001", target="w1n000")
    script.op("notes.merge", into="w1n000", notes=["w1n001", "w1n002"])  # l001 and l002 would join w1n000 to itself
    script.op("cluster.add", id="clu1", label="Frame", x=0.0, y=0.0, width=10.0, height=10.0)
    script.op("cluster.delete", id="clu1")
    storage.append("w1", script.take())
    assert storage.deleted_among("w1", ["w1n000", "w1n001", "w1n002", "l001", "l002", "clu1"]) == {
        "w1n001",
        "w1n002",
        "l001",
        "l002",
        "clu1",
    }


def test_a_failed_append_stores_no_deleted_ids(storage: Storage) -> None:
    script = populated(storage)
    script.op("note.delete", id="w1n000")
    script.op("note.update", cid="add0", id="w1n001", text="reuses a stored cid")
    with pytest.raises(Conflict):
        storage.append("w1", script.take())
    assert storage.deleted_among("w1", ["w1n000"]) == set()


def test_id_history_of_a_long_log_is_streamed_into_filters_without_false_negatives(storage: Storage) -> None:
    script = populated(storage, notes=0)
    for batch in range(3):
        for i in range(2000):
            n = batch * 2000 + i
            script.op("note.add", cid=f"c{n}", id=f"n{n:05}", kind="outcome", text="x", x=0.0, y=0.0)
            if n % 2:
                script.op("note.delete", cid=f"d{n}", id=f"n{n:05}")
        storage.append("w1", script.take())
    history = storage.id_history("w1")
    assert all(("fac1", f"c{n}") in history.client_ops for n in range(6000))
    assert all(f"n{n:05}" in history.deleted for n in range(1, 6000, 2))
    assert history.client_ops.count == 9000 and history.deleted.count == 3000
    never = sum(f"n{n:05}" in history.deleted for n in range(0, 6000, 2))
    assert never < 6000 * 0.05, f"{never} of 3,000 live ids look deleted: the filter is far too small"


def test_snapshot_then_later_events(storage: Storage) -> None:
    script = populated(storage)
    script.op("note.move", id="w1n000", x=5.0, y=6.0)
    snapshot = script.board.to_dict()
    script.op("note.update", id="w1n000", text="after the snapshot")
    storage.append("w1", script.take(), snapshot=snapshot)
    for i in range(3):  # more snapshots than are kept
        script.op("note.move", id="w1n001", x=float(i), y=0.0)
        storage.append("w1", script.take(), snapshot=script.board.to_dict())
    script.op("note.update", id="w1n002", text="tail")
    storage.append("w1", script.take())
    loaded = storage.load_board("w1")
    assert loaded is not None and loaded.board.to_dict() == script.board.to_dict()


def test_events_since_in_order_with_limit(storage: Storage) -> None:
    populated(storage, notes=10)
    events = storage.events_since("w1", 3, 4)
    assert [e.seq for e in events] == [4, 5, 6, 7]
    assert events[0].op == "note.add" and events[0].cid == "add2" and events[0].data["text"] == "note 2 🌱 «ünïcode»"
    assert storage.events_since("w1", 11, 10) == []


def test_gaps_and_repeats_are_refused(storage: Storage) -> None:
    script = populated(storage)
    head = script.board.head
    event = script.op("note.update", id="w1n000", text="x")
    late = Event(seq=event.seq + 1, op=event.op, by=event.by, at=event.at, data=event.data)
    with pytest.raises(Conflict):
        storage.append("w1", [late])  # skips a number
    with pytest.raises(Conflict):
        storage.append("w1", [Event(seq=head, op=event.op, by=event.by, at=event.at, data=event.data)])
    assert [e.seq for e in storage.events_since("w1", 0, 100)] == list(range(1, head + 1))


def test_a_repeated_client_op_rolls_back_the_whole_group(storage: Storage) -> None:
    script = populated(storage)
    head = script.board.head
    script.op("note.update", cid="fresh", id="w1n000", text="first")
    script.op("note.update", cid="add0", id="w1n001", text="reuses a stored cid")
    with pytest.raises(Conflict):
        storage.append("w1", script.take())
    assert [e.seq for e in storage.events_since("w1", 0, 100)] == list(range(1, head + 1))
    loaded = storage.load_board("w1")
    assert loaded is not None and loaded.board.notes["w1n000"].text == "note 0 🌱 «ünïcode»"


def test_rename_updates_the_workshop_title(storage: Storage) -> None:
    script = populated(storage)
    script.op("workshop.rename", title="Pathways to practice")
    storage.append("w1", script.take())
    assert storage.workshop("w1").title == "Pathways to practice"  # type: ignore[union-attr]


@pytest.mark.rule("P34")
def test_short_codes_are_unique_across_workshops_and_replaceable(storage: Storage) -> None:
    populated(storage, "w1", notes=0)
    populated(storage, "w2", notes=0)
    storage.set_short_code("w1", "sc-1", 0)
    storage.set_short_code("w2", "sc-2", 0)
    with pytest.raises(Conflict):
        storage.set_short_code("w2", "sc-1", 1)  # w1 has it
    assert storage.workshop_by_short_code("sc-2").id == "w2"  # type: ignore[union-attr]
    storage.set_short_code("w1", "sc-3", 1)
    assert storage.workshop_by_short_code("sc-1") is None
    found = storage.workshop_by_short_code("sc-3")
    assert found is not None and (found.id, found.short_generation) == ("w1", 1)
    storage.set_short_code("w2", "sc-1", 1)  # free again
    assert storage.workshop_by_short_code("sc-1").id == "w2"  # type: ignore[union-attr]


@pytest.mark.rule("P34")
def test_the_joining_switch_updates_the_workshop_record(storage: Storage) -> None:
    script = populated(storage)
    assert storage.workshop("w1").joining is True  # type: ignore[union-attr]
    script.op("workshop.joining", open=False)
    storage.append("w1", script.take())
    assert storage.workshop("w1").joining is False  # type: ignore[union-attr]
    script.op("workshop.joining", open=True)
    storage.append("w1", script.take())
    assert storage.workshop("w1").joining is True  # type: ignore[union-attr]


def test_workshops_are_isolated(storage: Storage) -> None:
    populated(storage, "w1", notes=2)
    populated(storage, "w2", notes=5)
    w1, w2 = storage.load_board("w1"), storage.load_board("w2")
    assert w1 is not None and w2 is not None
    assert sorted(w1.board.notes) == ["w1n000", "w1n001"] and len(w2.board.notes) == 5
    assert all(e.data.get("id", "").startswith(("w2", "fac")) for e in storage.events_since("w2", 0, 100))


def test_a_large_group_in_one_append(storage: Storage) -> None:
    script = populated(storage, notes=0)
    for i in range(2000):
        script.op("note.add", cid=f"c{i}", id=f"big{i:05}", kind="outcome", text="x" * 200, x=float(i), y=0.0)
    storage.append("w1", script.take())
    loaded = storage.load_board("w1")
    assert loaded is not None and len(loaded.board.notes) == 2000 and loaded.board.head == 2001


def test_everything_survives_reopening(storage_factory: Callable[[], Storage]) -> None:
    first = storage_factory()
    script = populated(first)
    first.add_participant(participant("p1"))
    expected = script.board.to_dict()
    first.close()
    second = storage_factory()
    loaded = second.load_board("w1")
    assert loaded is not None and loaded.board.to_dict() == expected
    assert second.participant_by_token("tok-p1") is not None


def named(script: Script, op: str, **fields: Any) -> Event:
    """An operation with a `name` field (which `Script.op` takes for the operation's name)."""
    change = decide(script.board, ops.OP_ADAPTER.validate_python({"op": op, **fields}), FAC, 100)
    assert isinstance(change, Change), change
    return script.change(change)


@pytest.mark.rule("P50")
def test_renaming_and_removing_a_participant_updates_their_record_for_good(
    storage_factory: Callable[[], Storage],
) -> None:
    first = storage_factory()
    script = populated(first)
    first.add_participant(participant("p1"))
    first.add_participant(participant("p2"))
    for p in ("p1", "p2"):
        script.change(participant_join(Participant(id=p, name=f"name {p}", colour="#d62728", role="participant")))
    amal = named(script, "participant.proxy", name="Amal").data["id"]  # no record: the events alone hold them
    first.append("w1", script.take())
    named(script, "participant.rename", id="p1", name="Priya")
    named(script, "participant.rename", id=amal, name="Amal B")
    removal = script.op("participant.remove", id="p2")
    script.op("participant.remove", id=amal)
    first.append("w1", script.take())
    first.close()
    second = storage_factory()  # it holds after reopening: the token stays revoked
    p1, p2 = second.participant_by_token("tok-p1"), second.participant_by_token("tok-p2")
    assert p1 is not None and (p1.name, p1.removed_at) == ("Priya", None)
    assert p2 is not None and (p2.name, p2.removed_at) == ("name p2", removal.at)
    assert [(p.id, p.removed_at) for p in second.participants("w1")] == [("p1", None), ("p2", removal.at)]
    loaded = second.load_board("w1")
    assert loaded is not None and loaded.board.to_dict() == script.board.to_dict()
    assert loaded.board.participants["p2"].removed and loaded.board.participants[amal].name == "Amal B"
