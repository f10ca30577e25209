"""The phase timer (rule P39): kept by the server, so every screen — and one that reloads or reconnects —
counts down the same time.

The timer is board state, changed only by stored events: a new phase sets it to the phase's time box,
stopped; the facilitator starts, pauses and adds time. What is left is worked out from server times, never
counted on a client, so a phone that slept or a page opened late shows the same minutes as the projector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_SECONDS = 8 * 3600
MAX_ADD_SECONDS = 3600


@dataclass(slots=True)
class Timer:
    seconds: int | None = None  # the time box in force; None: this phase has no timer
    running_since: int | None = None  # server time (ms) it was last started, while it runs
    elapsed_ms: int = 0  # time it ran before `running_since`

    def remaining_ms(self, now: int) -> int | None:
        """How much of the time box is left at server time `now` (negative once it has run out)."""
        if self.seconds is None:
            return None
        running = now - self.running_since if self.running_since is not None else 0
        return self.seconds * 1000 - self.elapsed_ms - running

    def to_dict(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "running_since": self.running_since, "elapsed_ms": self.elapsed_ms}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Timer:
        if d is None:
            return cls()
        return cls(seconds=d["seconds"], running_since=d["running_since"], elapsed_ms=d["elapsed_ms"])


def start(timer: Timer, at: int) -> None:
    if timer.running_since is None:  # starting a running timer changes nothing: two clicks are one
        timer.running_since = at


def pause(timer: Timer, at: int) -> None:
    if timer.running_since is not None:
        timer.elapsed_ms += max(0, at - timer.running_since)
        timer.running_since = None


def add(timer: Timer, seconds: int) -> None:
    timer.seconds = min(MAX_SECONDS, max(0, (timer.seconds or 0) + seconds))


def check_add(timer: Timer, seconds: int) -> str | None:
    """Why `timer.add` of `seconds` cannot be done, or None."""
    if seconds == 0 or abs(seconds) > MAX_ADD_SECONDS:
        return f"add between -{MAX_ADD_SECONDS} and {MAX_ADD_SECONDS} seconds, not 0; got {seconds}"
    total = (timer.seconds or 0) + seconds
    if not 1 <= total <= MAX_SECONDS:
        return f"the time box would be {total} s; it must stay between 1 and {MAX_SECONDS}"
    return None
