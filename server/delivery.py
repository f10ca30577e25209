"""Who is sent what (rule P38): each connection gets the room's events, drags and presence cut to what its
participant may see.

Most of the time nobody's view differs: then a frame is encoded once and the same bytes go to everyone, as
before private notes existed. When private notes are about, connections are grouped by what they may see —
their author, the facilitators, everyone else — and each group's frame is encoded once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from server.board.model import Participant
from server.board.privacy import Audience, placeholder
from server.protocol import frames
from server.protocol.codec import encode


class Recipient(Protocol):
    participant: Participant

    def send(self, text: str) -> None: ...


def send_events(
    recipients: Iterable[Recipient],
    events: list[dict[str, Any]],
    audiences: list[Audience | None],
    drags: list[dict[str, Any]],
    drag_audiences: list[Audience | None],
) -> None:
    """One `events` frame (or a `drags` frame when no events) to each recipient, with what it may not see left out:
    events as placeholders, drags dropped."""
    private = [i for i, a in enumerate(audiences) if a is not None]
    private_drags = [i for i, a in enumerate(drag_audiences) if a is not None]
    if not private and not private_drags:  # the common case: one encoding for everyone
        text = _frame(events, drags)
        if text is not None:
            for r in recipients:
                r.send(text)
        return
    encoded: dict[tuple[tuple[bool, ...], tuple[bool, ...]], str | None] = {}
    for r in recipients:
        viewer = r.participant
        sees = tuple(_admits(audiences[i], viewer) for i in private)
        sees_drags = tuple(_admits(drag_audiences[i], viewer) for i in private_drags)
        key = (sees, sees_drags)
        if key not in encoded:
            seen = list(events)
            for i, ok in zip(private, sees, strict=True):
                if not ok:
                    seen[i] = placeholder(events[i])
            hidden_drags = {i for i, ok in zip(private_drags, sees_drags, strict=True) if not ok}
            encoded[key] = _frame(seen, [d for i, d in enumerate(drags) if i not in hidden_drags])
        text = encoded[key]
        if text is not None:
            r.send(text)


def send_presence(
    recipients: Iterable[Recipient], participant_id: str, online: bool, editing: str | None, audience: Audience | None
) -> None:
    """Someone came, went or started editing: those who may not see the note they edit are told only that they
    are online."""
    whole = encode(frames.presence(participant_id, online, editing))
    cut = whole if audience is None else encode(frames.presence(participant_id, online, None))
    for r in recipients:
        r.send(whole if _admits(audience, r.participant) else cut)


def _admits(audience: Audience | None, viewer: Participant) -> bool:
    return audience is None or audience.admits(viewer)


def _frame(events: list[dict[str, Any]], drags: list[dict[str, Any]]) -> str | None:
    if events:
        return encode(frames.events(events, drags))
    if drags:
        return encode(frames.drags(drags))
    return None
