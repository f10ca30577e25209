"""What the rest of the server needs from storage: one small interface, implemented in memory and over SQL.

All methods are synchronous and may block; the async server calls them from worker threads. `append` is
the hot path: it writes one group of events (and sometimes a board snapshot) in one transaction, and when it
returns, those events are durable.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from server.board.idfilter import IdFilter
from server.board.model import Board, Event
from server.library.text import Query


class Conflict(ValueError):
    """A write that would break the store's guarantees (a sequence gap, a reused id, token or client op id)."""


@dataclass(slots=True)
class WorkshopRecord:
    id: str
    title: str
    question: str
    created_at: int  # milliseconds since the epoch
    facilitator_key_hash: str  # sha256 hex of the facilitator secret
    join_code_hash: str  # sha256 hex of the current participant join code
    join_generation: int = 0  # how many times the join code was replaced; the code is derived from it
    # HMAC (under the server's secret key) of the short code typed at /join; None until one is assigned (workshops
    # made before short codes have theirs assigned when the facilitator first shows it). Unique across workshops.
    short_code_hash: str | None = None
    short_generation: int = 0  # the short code is derived from it as the join code is from join_generation
    joining: bool = True  # whether new participants may join (the `workshop.joining` event sets it)
    organisation_id: str | None = None  # the organisation it belongs to; None for a quick workshop without account
    owner_id: str | None = None  # the account that made it in (or claimed it into) the organisation
    template: str | None = None  # the built-in template it was made from, if any


@dataclass(slots=True)
class ParticipantRecord:
    id: str
    workshop_id: str
    name: str
    colour: str
    role: str  # "facilitator" | "participant"
    token_hash: str  # sha256 hex of the participant's bearer token
    joined_at: int
    last_seen_at: int
    removed_at: int | None = None  # when the facilitator removed them (rule P50): their token no longer works
    account_id: str | None = None  # the account facilitating as this participant (its session opens the board)


@dataclass(slots=True)
class StoredBoard:
    """A workshop's board as storage holds it: the latest snapshot with every later event replayed."""

    board: Board


@dataclass(slots=True)
class IdHistory:
    """Every id a workshop has used, as filters built by streaming storage (never held whole in memory).

    A filter answers "certainly never" at no cost and "maybe" otherwise; storage settles a "maybe" exactly
    (`client_op_seq`, `deleted_among`).
    """

    client_ops: IdFilter  # (participant id, client op id) of every stored event that has one
    deleted: IdFilter  # every deleted note and link id


# What a search result is (server/library/): the workshop's own title and question, a note, a link (its label,
# mechanism and evidence sources) or a contribution story.
ITEM_KINDS = ("workshop", "note", "link", "story")


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One searchable item of a workshop, as the indexer made it from the stored board."""

    workshop_id: str
    item_kind: str  # one of ITEM_KINDS
    item_id: str  # the note, link or story id; the workshop id for the workshop itself
    text: str  # everything searched, as written (snippets are cut from it)
    at: int  # when the workshop was created (ms): the library's date of the map
    note_kind: str | None = None  # a note's kind (palette name)
    template: str | None = None  # the built-in template the workshop's palette is, if it is one


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What the access layer and the person searching narrow results to; None means no narrowing."""

    workshops: frozenset[str] | None = None  # the workshops the searcher may see
    item_kinds: frozenset[str] | None = None
    note_kinds: frozenset[str] | None = None  # notes of these kinds (other items are left out)
    templates: frozenset[str] | None = None
    since: int | None = None  # `at` from (inclusive), ms
    until: int | None = None  # `at` up to (exclusive), ms


@dataclass(frozen=True, slots=True)
class SearchHit:
    workshop_id: str
    workshop_title: str  # as the workshop record has it now
    item_kind: str
    item_id: str
    note_kind: str | None
    text: str  # the item's searched text, whole: server/library/search.py cuts the highlighted snippet
    rank: float  # higher is better; comparable within one result list only


@dataclass(frozen=True, slots=True)
class StaleWorkshop:
    """A workshop whose index is behind what storage holds (`head` None: the workshop is gone)."""

    workshop_id: str
    head: int | None


class Storage(Protocol):
    def create_workshop(self, workshop: WorkshopRecord, board: Board) -> None:
        """Store a new workshop and its empty board (head 0) as its first snapshot."""

    def workshop(self, workshop_id: str) -> WorkshopRecord | None: ...

    def workshop_by_join_code(self, join_code_hash: str) -> WorkshopRecord | None: ...

    def workshop_by_facilitator_key(self, facilitator_key_hash: str) -> WorkshopRecord | None: ...

    def set_join_code(self, workshop_id: str, join_code_hash: str, generation: int) -> None:
        """Replace the workshop's join code (and its generation); the old one stops working."""

    def workshop_by_short_code(self, short_code_hash: str) -> WorkshopRecord | None: ...

    def set_short_code(self, workshop_id: str, short_code_hash: str, generation: int) -> None:
        """Replace the workshop's short code; Conflict (and nothing changes) if another workshop has it."""

    def add_participant(self, participant: ParticipantRecord) -> None: ...

    def participant_by_token(self, token_hash: str) -> ParticipantRecord | None: ...

    def touch_participant(self, participant_id: str, seen_at: int) -> None:
        """Record when the participant was last seen."""

    def participants(self, workshop_id: str) -> list[ParticipantRecord]: ...

    def load_board(self, workshop_id: str) -> StoredBoard | None:
        """The board as of the last stored event, or None for an unknown workshop."""

    def id_history(self, workshop_id: str) -> IdHistory:
        """Filters of every client operation id and every deleted id the workshop has stored."""

    def client_op_seq(self, workshop_id: str, participant_id: str, cid: str) -> int | None:
        """The seq of the stored event this participant's client operation id produced, or None."""

    def deleted_among(self, workshop_id: str, ids: Collection[str]) -> set[str]:
        """Those of `ids` that name a deleted note or link of the workshop."""

    def append(self, workshop_id: str, events: Sequence[Event], snapshot: dict[str, Any] | None = None) -> None:
        """Durably store consecutive events, and optionally a snapshot (`Board.to_dict()`).

        One transaction: all of it is stored or none. Events must continue the workshop's sequence without
        gaps; a (participant, client op id) pair may appear only once per workshop. The snapshot's head is
        at most the last event's seq. A `workshop.rename` event also updates the workshop record's title, and
        `workshop.joining` its `joining`; `note.delete` and `link.delete` events record the ids they delete
        (with the note's links); `participant.rename` updates the participant's record's name, and
        `participant.remove` sets its `removed_at` (the event's time), revoking its token for good (rule P50).
        """

    def events_since(self, workshop_id: str, seq: int, limit: int) -> list[Event]:
        """Up to `limit` events with sequence numbers greater than `seq`, in order."""

    def stale_for_search(self, limit: int) -> list[StaleWorkshop]:
        """Up to `limit` workshops whose stored head is past their indexed head (or never indexed), and indexed
        workshops that no longer exist."""

    def replace_search_documents(self, workshop_id: str, head: int | None, documents: Sequence[SearchDocument]) -> None:
        """In one transaction, make `documents` the workshop's whole index, as of `head`; `head` None forgets it."""

    def search(self, query: Query, filters: SearchFilters, limit: int, offset: int, ranked: int) -> list[SearchHit]:
        """The indexed items holding every term of `query` and passing `filters`: best first (ties: the most
        recently indexed first), `offset` of them skipped, at most `limit`; less any of a workshop that no
        longer exists (until the indexer forgets it).

        Only the `ranked` most recently indexed of the matches are ranked and returned: a word in most of the
        library costs no more than one in `ranked` items (what changed lately comes first in that case)."""

    def close(self) -> None: ...
