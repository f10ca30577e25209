"""Workshop use cases shared by the HTTP API and the command line: create, join, rotate, authenticate.

Secrets (facilitator keys, participant tokens) are random, shown once, and stored only as SHA-256 hashes:
with 256 bits of randomness a fast hash is enough, and a leaked database reveals none. The join code must be
shown again whenever the facilitator asks (it goes on the projector), so it is derived instead: an HMAC of
the workshop id and a generation number under the server's secret key. The database holds only its hash and
generation; rotating the code bumps the generation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass

from server import short_codes
from server.board.lanes import Lane
from server.board.model import DEFAULT_KINDS, PARTICIPANT_COLOURS, Board, Kind, Participant, WorkshopInfo
from server.board.phases import Phase, Plan
from server.board.timer import Timer
from server.clock import now_ms
from server.storage.base import Conflict, ParticipantRecord, Storage, WorkshopRecord

# Tries at a free short code before giving up: with 387 million codes a second try is already rare.
_SHORT_CODE_TRIES = 20

# Join codes are typed from a projector: no 0/o, 1/l/i. 14 of 31 symbols is about 69 bits.
_JOIN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_JOIN_LENGTH = 14


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def derive_join_code(secret_key: bytes, workshop_id: str, generation: int) -> str:
    digest = hmac.new(secret_key, f"join:{workshop_id}:{generation}".encode(), hashlib.sha256).digest()
    number, symbols = int.from_bytes(digest, "big"), []
    for _ in range(_JOIN_LENGTH):
        number, index = divmod(number, len(_JOIN_ALPHABET))
        symbols.append(_JOIN_ALPHABET[index])
    return "".join(symbols)


def new_id() -> str:
    """A random id (72 bits) that starts with a letter or digit, so it never reads as an option on a command
    line (`pathweaver export -x…` would)."""
    while not (value := secrets.token_urlsafe(9))[0].isalnum():
        pass
    return value


@dataclass(frozen=True, slots=True)
class CreatedWorkshop:
    workshop: WorkshopRecord
    facilitator_key: str  # shown once: the facilitator link carries it
    join_code: str  # shown once per rotation: the participant join link carries it
    short_code: str  # what people type at /join (shown again whenever the facilitator asks)


@dataclass(frozen=True, slots=True)
class Joined:
    participant: ParticipantRecord
    token: str  # shown once: the bearer's cookie


def create_workshop(
    storage: Storage,
    secret_key: bytes,
    title: str,
    question: str,
    kinds: tuple[Kind, ...] | None = None,
    phases: tuple[Phase, ...] | None = None,
    lanes: tuple[Lane, ...] = (),
    template: str | None = None,
) -> CreatedWorkshop:
    """Create a workshop with an empty board (and the plan of phases and the lanes a template brings, if any);
    return it with its freshly made secrets."""
    facilitator_key = secrets.token_urlsafe(32)
    workshop_id = new_id()
    join_code = derive_join_code(secret_key, workshop_id, 0)
    now = now_ms()
    record = WorkshopRecord(
        id=workshop_id,
        title=title,
        question=question,
        created_at=now,
        facilitator_key_hash=hash_secret(facilitator_key),
        join_code_hash=hash_secret(join_code),
        join_generation=0,
        template=template,
    )
    info = WorkshopInfo(
        id=record.id,
        title=title,
        question=question,
        kinds=kinds or tuple(Kind(*k) for k in DEFAULT_KINDS),
        locked=False,
        created_at=now,
    )
    for generation in range(_SHORT_CODE_TRIES):
        short_code = short_codes.derive(secret_key, workshop_id, generation)
        record.short_code_hash, record.short_generation = short_codes.digest(secret_key, short_code), generation
        if storage.workshop_by_short_code(record.short_code_hash) is None:
            break
    board = Board(workshop=info, lanes=lanes)
    if phases:  # the room starts in the template's first phase, its timer set and stopped (rules P36, P39)
        board.plan = Plan(phases=phases, current=0, changed_at=now, timer=Timer(seconds=phases[0].seconds))
    storage.create_workshop(record, board)
    return CreatedWorkshop(record, facilitator_key, join_code, short_code)


def find_by_code(storage: Storage, code: str) -> tuple[WorkshopRecord, str] | None:
    """The workshop a join code or facilitator key opens, and the role it grants."""
    code = code.strip()
    if not code or len(code) > 100:
        return None
    digest = hash_secret(code)
    if (workshop := storage.workshop_by_join_code(digest)) is not None:
        return workshop, "participant"
    if (workshop := storage.workshop_by_facilitator_key(digest)) is not None:
        return workshop, "facilitator"
    return None


def find_by_short_code(storage: Storage, secret_key: bytes, typed: str) -> WorkshopRecord | None:
    """The workshop a typed short code opens (as participant); None for a code no workshop has."""
    code = short_codes.normalize(typed)
    if code is None:
        return None
    return storage.workshop_by_short_code(short_codes.digest(secret_key, code))


def current_short_code(storage: Storage, secret_key: bytes, workshop_id: str) -> str:
    """The short code in force now; a workshop without a working one (made before short codes, or under another
    secret key) is given one first."""
    record = storage.workshop(workshop_id)
    assert record is not None, workshop_id
    code = short_codes.derive(secret_key, workshop_id, record.short_generation)
    if record.short_code_hash == short_codes.digest(secret_key, code):
        return code
    return _assign_short_code(storage, secret_key, workshop_id, record.short_generation)


def rotate_short_code(storage: Storage, secret_key: bytes, workshop_id: str) -> str:
    """Give the workshop a new short code; the old one stops working."""
    record = storage.workshop(workshop_id)
    assert record is not None, workshop_id
    return _assign_short_code(storage, secret_key, workshop_id, record.short_generation + 1)


def _assign_short_code(storage: Storage, secret_key: bytes, workshop_id: str, generation: int) -> str:
    for tried in range(_SHORT_CODE_TRIES):
        code = short_codes.derive(secret_key, workshop_id, generation + tried)
        try:
            storage.set_short_code(workshop_id, short_codes.digest(secret_key, code), generation + tried)
        except Conflict:
            continue  # another workshop has this one: the next generation gives another
        return code
    raise Conflict(f"no free short code for workshop {workshop_id} in {_SHORT_CODE_TRIES} tries")


class JoiningClosed(Exception):
    """The facilitator has closed joining: no new participants."""

    def __init__(self) -> None:
        super().__init__("the facilitator has closed joining: this workshop takes no new participants for now")


class WorkshopFull(Exception):
    """The workshop has as many participants as it may have."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"this workshop is full (it has its limit of {limit:,} people)")
        self.limit = limit


# Counting the participants and adding one happen together, so that joins racing for the last place cannot
# both get it (one server process serves a database).
_joining = threading.Lock()


def join(
    storage: Storage,
    workshop: WorkshopRecord,
    role: str,
    name: str,
    max_participants: int | None = None,
    account_id: str | None = None,
) -> Joined:
    """Make a new participant (no account: a random bearer token identifies them); WorkshopFull at the cap,
    JoiningClosed when the facilitator has closed joining (facilitators, holding the facilitator key, still may)."""
    if role == "participant" and not workshop.joining:
        raise JoiningClosed()
    with _joining:
        everyone = storage.participants(workshop.id)
        # A removed person holds no place (rule P28): the cap is on the people who can still take part.
        present = sum(1 for p in everyone if p.removed_at is None)
        if max_participants is not None and present >= max_participants:
            raise WorkshopFull(max_participants)
        # Colours go round in the order people joined, removed people included, as they always have.
        return _add_participant(storage, workshop, role, name, len(everyone), account_id)


def _add_participant(
    storage: Storage, workshop: WorkshopRecord, role: str, name: str, count: int, account_id: str | None
) -> Joined:
    token = secrets.token_urlsafe(32)
    now = now_ms()
    record = ParticipantRecord(
        id=new_id(),
        workshop_id=workshop.id,
        name=name,
        colour=PARTICIPANT_COLOURS[count % len(PARTICIPANT_COLOURS)],
        role=role,
        token_hash=hash_secret(token),
        joined_at=now,
        last_seen_at=now,
        account_id=account_id,
    )
    storage.add_participant(record)
    return Joined(record, token)


def rotate_join_code(storage: Storage, secret_key: bytes, workshop_id: str) -> str:
    """Give the workshop a new join code; links with the old one stop working."""
    record = storage.workshop(workshop_id)
    assert record is not None, workshop_id
    generation = record.join_generation + 1
    code = derive_join_code(secret_key, workshop_id, generation)
    storage.set_join_code(workshop_id, hash_secret(code), generation)
    return code


def current_join_code(storage: Storage, secret_key: bytes, workshop_id: str) -> str:
    """The join code in force now (the facilitator shows it again and again)."""
    record = storage.workshop(workshop_id)
    assert record is not None, workshop_id
    return derive_join_code(secret_key, workshop_id, record.join_generation)


def authenticate(storage: Storage, workshop_id: str, token: str | None) -> Participant | None:
    """The participant a token belongs to, if it belongs to this workshop; otherwise None."""
    if not token or len(token) > 200:
        return None
    record = storage.participant_by_token(hash_secret(token))
    if record is None or record.workshop_id != workshop_id or record.removed_at is not None:
        return None
    return Participant(id=record.id, name=record.name, colour=record.colour, role=record.role)


def was_removed(storage: Storage, workshop_id: str, token: str | None) -> bool:
    """Whether a token `authenticate` refuses belonged to someone the facilitator removed from this workshop (rule
    P50): they are told so, rather than to join first."""
    if not token or len(token) > 200:
        return False
    record = storage.participant_by_token(hash_secret(token))
    return record is not None and record.workshop_id == workshop_id and record.removed_at is not None
