"""The facilitator's shared view, "bring everyone to my view": transient, never stored (docs/protocol.md, P33).

A facilitator panning and zooming sends a view rectangle many times a second, and only the newest matters. So
a room keeps the newest one and sends it to every other connection at most once per tick, as it does drag
positions. A connection admitted while a view is shared gets it in its `welcome`: a late joiner, or a phone
back from a wifi drop, lands on the region everyone else is looking at.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from server.protocol import frames
from server.protocol.codec import encode


class Recipient(Protocol):
    def send(self, text: str) -> None: ...


class SharedView:
    """The view being shared in one room (or None), and the one pending send of it."""

    def __init__(self) -> None:
        self.current: dict[str, Any] | None = None
        self._by: str | None = None
        self._sender: Recipient | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._last_sent = -math.inf

    def share(
        self, sender: Recipient, data: dict[str, Any], recipients: Callable[[], Iterable[Recipient]], tick: float
    ) -> None:
        """Take a `view.share` change; the newest one goes out to everyone but its sender within a tick."""
        self.current, self._by, self._sender = data["view"], data["by"], sender
        if self._timer is None:
            loop = asyncio.get_running_loop()
            delay = max(0.0, self._last_sent + tick - loop.time())
            self._timer = loop.call_later(delay, self._send, recipients)

    def _send(self, recipients: Callable[[], Iterable[Recipient]]) -> None:
        self._timer = None
        self._last_sent = asyncio.get_running_loop().time()
        text = encode(frames.view(self.current, self._by))
        for conn in recipients():
            if conn is not self._sender:
                conn.send(text)
