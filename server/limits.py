"""Rate limits and caps that keep one client, one participant or one network address from crowding out the rest.

Every limit is a token bucket: `rate` actions a second on average, up to `burst` at once. Buckets are kept per
key (a connection, a participant id, a client address) in tables that stay bounded in memory: a bucket that has
refilled holds no information and is dropped, and a table never holds more than `max_keys` buckets (past that
the least recently used one is forgotten, which only ever errs towards letting someone through).

The defaults are chosen so that a real workshop is never limited, even when everyone is behind one venue's NAT
address: see `LimitSettings`.
"""

from __future__ import annotations

import math
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

Clock = Callable[[], float]


class TokenBucket:
    """`rate` actions a second on average, up to `burst` at once."""

    __slots__ = ("rate", "burst", "tokens", "at")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst, self.tokens, self.at = rate, burst, burst, now

    def wait(self, now: float) -> float:
        """Seconds until one action is allowed: 0 when it is allowed now."""
        tokens = self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def spend(self) -> None:
        self.tokens -= 1

    def take(self, now: float) -> float:
        """Spend one token if there is one; return 0, or the seconds to wait when there is none."""
        wait = self.wait(now)
        if wait == 0.0:
            self.spend()
        return wait

    def full(self, now: float) -> bool:
        return self.tokens + (now - self.at) * self.rate >= self.burst


class KeyedBuckets:
    """One token bucket per key, bounded in memory (refilled buckets are dropped; at most `max_keys`)."""

    def __init__(self, rate: float, burst: float, max_keys: int = 100_000) -> None:
        self.rate, self.burst, self.max_keys = rate, burst, max_keys
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()  # least recently used first

    def __len__(self) -> int:
        return len(self._buckets)

    def bucket(self, key: str, now: float) -> TokenBucket:
        """The key's bucket (a full one if the key is new or was idle), marked as the most recently used."""
        bucket = self._buckets.get(key)
        if bucket is not None:
            self._buckets.move_to_end(key)
            return bucket
        # The table grows only here, so it is trimmed only here: a key is forgotten once refilled, when it is among
        # the least recently used.
        self._forget_idle(now)
        bucket = self._buckets[key] = TokenBucket(self.rate, self.burst, now)
        return bucket

    def _forget_idle(self, now: float) -> None:
        # Each new key looks at up to two of the oldest: the table shrinks as fast as it grows, without ever being
        # walked whole.
        for _ in range(2):
            if not self._buckets:
                return
            oldest_key, oldest = next(iter(self._buckets.items()))
            if not oldest.full(now) and len(self._buckets) < self.max_keys:
                return
            del self._buckets[oldest_key]


@dataclass(frozen=True, slots=True)
class LimitSettings:
    """Every rate limit and cap, each set by a PATHWEAVER_* variable (the README's settings table lists them).

    The defaults are sized for a plenary of a few hundred people on one venue's wifi, where every phone shares
    one public (NAT) address: per-address limits must let all of them in and let all of them work at once,
    while still stopping one machine from sending as much as it can.
    """

    # Websocket frames, per connection: dragging sends ~30 a second; typing and clicking add a few more.
    frames_per_second: float = 60.0
    frame_burst: float = 120.0
    # ... per participant, across all their connections (a board and a list view open at once are normal).
    participant_frames_per_second: float = 120.0
    participant_frame_burst: float = 240.0
    # ... per client address: 200 people behind one address, a tenth of them dragging at once, is ~600 frames a
    # second; the plenary benchmark's busiest step (200 clients) sends ~800.
    address_frames_per_second: float = 2000.0
    address_frame_burst: float = 4000.0
    # Operations over HTTP (the API and the list view's forms), per participant: a person clicks, a script loops.
    participant_ops_per_second: float = 5.0
    participant_op_burst: float = 20.0
    # ... per address: 200 list-view users behind one address, each clicking now and then.
    address_ops_per_second: float = 50.0
    address_op_burst: float = 200.0
    # Joining, per address: a hall of 200 phones scanning the projector's code within a minute must all get in
    # (the burst takes them at once), and a steady trickle of late-comers after that.
    address_joins_per_second: float = 5.0
    address_join_burst: float = 300.0
    # Join links that open nothing (a mistyped or replaced code), per address, whether the form was shown or
    # sent: in a hall typing the code off the projector some dozens mistype, while guessing a 69-bit code at 30
    # tries a minute is hopeless.
    address_failed_joins_per_second: float = 0.5
    address_failed_join_burst: float = 60.0
    # Short join codes (typed at /join) that open nothing, across the whole server, from every address together:
    # a short code is one of 387 million, so a flood of guesses from many addresses must be slowed where no
    # per-address limit sees it. At 30 a minute a day of guessing tries ~43,000 codes: with 100 workshops open to
    # joining, about one chance in a hundred of finding any. A hall mistyping a code off the projector fits in
    # the burst. While it is spent every short code is refused; join links and QR codes still work.
    failed_short_codes_per_second: float = 0.5
    failed_short_code_burst: float = 100.0
    # Creating or importing workshops, per address: a training day may have a room of facilitators each
    # creating a few.
    address_creations_per_second: float = 0.5
    address_creation_burst: float = 60.0
    # Signing in, per address: each try costs the server one argon2 hash (CPU time and 64 MiB of memory), so a
    # room of facilitators signing in together fits in the burst and a script trying passwords does not.
    address_sign_ins_per_second: float = 1.0
    address_sign_in_burst: float = 30.0
    # Failed sign-ins per email address, from anywhere: guessing one person's password is slowed to one try a
    # minute after ten, while someone who mistypes a few times still gets in.
    account_failed_sign_ins_per_second: float = 1 / 60
    account_failed_sign_in_burst: float = 10.0
    # People per workshop (participants and facilitators who joined with a link).
    max_participants: int = 2000
    # Request bodies other than uploads: the largest legitimate one is an operation (a frame, at most 64 KiB).
    max_body_bytes: int = 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> LimitSettings:
        """Defaults, each replaced by PATHWEAVER_<FIELD NAME IN CAPITALS> when that is set."""
        values: dict[str, float | int] = {}
        for f in fields(cls):
            raw = env.get(f"PATHWEAVER_{f.name.upper()}")
            if raw is not None:
                values[f.name] = int(raw) if f.type == "int" else float(raw)
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Refused:
    """An action over its limit: what to tell the client, and when it may try again."""

    message: str
    retry_after: float

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds, as HTTP's Retry-After wants them (never 0: the client would retry at once)."""
        return max(1, math.ceil(self.retry_after))


class FrameGate:
    """The frame limits of one websocket: its own, its participant's and its address's."""

    def __init__(self, limits: Limits, participant_id: str, address: str) -> None:
        s = limits.settings
        self._limits, self._participant_id, self._address = limits, participant_id, address
        self._own = TokenBucket(s.frames_per_second, s.frame_burst, limits.clock())
        dropped = "; this frame was dropped"
        self._messages = (
            f"over {s.frames_per_second:g} frames a second from this connection{dropped}",
            f"over {s.participant_frames_per_second:g} frames a second from this participant's connections{dropped}",
            f"over {s.address_frames_per_second:g} frames a second from this network address{dropped}",
        )

    def admit(self) -> Refused | None:
        """Count one frame; None if it may be handled, else why it is dropped. A dropped frame costs nothing."""
        limits = self._limits  # every frame comes through here: kept to a few lookups
        now = limits.clock()
        own = self._own
        participant = limits.participant_frames.bucket(self._participant_id, now)
        address = limits.address_frames.bucket(self._address, now)
        if (wait := own.wait(now)) > 0:
            return Refused(self._messages[0], wait)
        if (wait := participant.wait(now)) > 0:
            return Refused(self._messages[1], wait)
        if (wait := address.wait(now)) > 0:
            return Refused(self._messages[2], wait)
        own.tokens -= 1
        participant.tokens -= 1
        address.tokens -= 1
        return None


class Limits:
    """The server's shared limit tables (one per process)."""

    def __init__(self, settings: LimitSettings | None = None, clock: Clock = time.monotonic) -> None:
        s = self.settings = settings or LimitSettings()
        self.clock = clock
        self.participant_frames = KeyedBuckets(s.participant_frames_per_second, s.participant_frame_burst)
        self.address_frames = KeyedBuckets(s.address_frames_per_second, s.address_frame_burst)
        self.participant_ops = KeyedBuckets(s.participant_ops_per_second, s.participant_op_burst)
        self.address_ops = KeyedBuckets(s.address_ops_per_second, s.address_op_burst)
        self.address_joins = KeyedBuckets(s.address_joins_per_second, s.address_join_burst)
        self.address_failed_joins = KeyedBuckets(s.address_failed_joins_per_second, s.address_failed_join_burst)
        self.address_creations = KeyedBuckets(s.address_creations_per_second, s.address_creation_burst)
        self.address_sign_ins = KeyedBuckets(s.address_sign_ins_per_second, s.address_sign_in_burst)
        self.account_failed_sign_ins = KeyedBuckets(
            s.account_failed_sign_ins_per_second, s.account_failed_sign_in_burst
        )
        self.failed_short_codes = TokenBucket(s.failed_short_codes_per_second, s.failed_short_code_burst, clock())

    def frame_gate(self, participant_id: str, address: str) -> FrameGate:
        return FrameGate(self, participant_id, address)

    def operation(self, participant_id: str, address: str) -> Refused | None:
        """One operation over HTTP: limited per participant and per address."""
        s, now = self.settings, self.clock()
        return _spend_one_from_each(
            now,
            (self.participant_ops.bucket(participant_id, now), self.address_ops.bucket(address, now)),
            (
                f"{_rate(s.participant_ops_per_second, 'operations')} from this participant",
                f"{_rate(s.address_ops_per_second, 'operations')} from this network address",
            ),
        )

    def join(self, address: str) -> Refused | None:
        """One attempt to join: refused while the address has made too many attempts, or too many failed ones."""
        s, now = self.settings, self.clock()
        return _spend_one_from_each(
            now,
            (self.address_joins.bucket(address, now),),
            (f"{_rate(s.address_joins_per_second, 'joins')} from this network address",),
            unspent=((self.address_failed_joins.bucket(address, now), self._failed_message),),
        )

    def code_lookup(self, address: str) -> Refused | None:
        """Looking a join code up (showing the join form): refused while the address has too many failed ones."""
        now = self.clock()
        return _spend_one_from_each(
            now, (), (), unspent=((self.address_failed_joins.bucket(address, now), self._failed_message),)
        )

    @property
    def _failed_message(self) -> str:
        rate = _rate(self.settings.address_failed_joins_per_second, "join links that do not work")
        return f"{rate} from this network address"

    def join_failed(self, address: str) -> None:
        """Count a join attempt whose code opened nothing."""
        now = self.clock()
        self.address_failed_joins.bucket(address, now).take(now)

    def short_code(self, address: str) -> Refused | None:
        """One try of a short code: a join, refused while the address has too many failed joins or the whole
        server too many failed short codes."""
        s, now = self.settings, self.clock()
        server_wide = _rate(s.failed_short_codes_per_second, "wrong codes")
        return _spend_one_from_each(
            now,
            (self.address_joins.bucket(address, now),),
            (f"{_rate(s.address_joins_per_second, 'joins')} from this network address",),
            unspent=(
                (self.address_failed_joins.bucket(address, now), self._failed_message),
                (
                    self.failed_short_codes,
                    f"{server_wide} were typed on this server; the join link and QR code still work",
                ),
            ),
        )

    def short_code_failed(self, address: str) -> None:
        """Count a short code that opened nothing: against the address and the whole server."""
        now = self.clock()
        self.address_failed_joins.bucket(address, now).take(now)
        self.failed_short_codes.take(now)

    def creation(self, address: str) -> Refused | None:
        """Creating or importing one workshop: limited per address."""
        s, now = self.settings, self.clock()
        return _spend_one_from_each(
            now,
            (self.address_creations.bucket(address, now),),
            (f"{_rate(s.address_creations_per_second, 'new workshops')} from this network address",),
        )

    def sign_in(self, address: str, email: str) -> Refused | None:
        """One try at signing in: limited per address, and refused while the email has too many failed tries."""
        s, now = self.settings, self.clock()
        return _spend_one_from_each(
            now,
            (self.address_sign_ins.bucket(address, now),),
            (f"{_rate(s.address_sign_ins_per_second, 'sign-ins')} from this network address",),
            unspent=(
                (
                    self.account_failed_sign_ins.bucket(email, now),
                    f"{_rate(s.account_failed_sign_ins_per_second, 'wrong passwords')} for this email address",
                ),
            ),
        )

    def sign_in_failed(self, email: str) -> None:
        """Count a sign-in whose email and password matched no account."""
        now = self.clock()
        self.account_failed_sign_ins.bucket(email, now).take(now)


def _rate(per_second: float, what: str) -> str:
    """Words for a rate: "more than 5 joins a second", or per minute when that reads better."""
    if per_second >= 1:
        return f"more than {per_second:g} {what} a second"
    return f"more than {per_second * 60:g} {what} a minute"


def _spend_one_from_each(
    now: float,
    buckets: tuple[TokenBucket, ...],
    messages: tuple[str, ...],
    unspent: tuple[tuple[TokenBucket, str], ...] = (),
) -> Refused | None:
    """Spend a token from every bucket, or, if any (or any `unspent` one) is empty, none: say which and for how long."""
    for bucket, message in (*unspent, *zip(buckets, messages, strict=True)):
        wait = bucket.wait(now)
        if wait > 0:
            return Refused(message, wait)
    for bucket in buckets:
        bucket.spend()
    return None
