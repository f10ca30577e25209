"""Private notes (rule P38): who may see a note written in a private phase, and each person's view of the board.

In a private phase ("each on your own: name the impacts you seek") a participant's new notes reach only them,
and the facilitator if the phase says so, until the facilitator reveals them. Hiding them in the browser
would not be private: everything another person is sent — events, snapshots, catch-up, the HTTP map, the
list page, exports, presence and drags — is cut to what they may see, here, on the server. Someone who may
not see an event gets a placeholder in its place (`private`, with only its `seq` and time), so their board's
sequence has no gap and they learn no more than that something private happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from server.board import spread, voting
from server.board.model import Board, Note, Participant, link_dict

AUTHOR = "author"  # a private note's `private`: only its author sees it
AUTHOR_AND_FACILITATOR = "author_facilitator"  # its author and the workshop's facilitators
ANONYMOUS = "anonymous"  # the author of a note revealed without names


@dataclass(frozen=True, slots=True)
class Audience:
    """The people who may see something private: these participants, and facilitators when `facilitators`."""

    participants: frozenset[str]
    facilitators: bool

    def admits(self, viewer: Participant) -> bool:
        return viewer.id in self.participants or (self.facilitators and viewer.is_facilitator)


def private_marking(phase_private: bool, facilitator_sees: bool, actor: Participant) -> str | None:
    """What a new note's `private` is: set in a private phase for everyone's notes but the facilitator's."""
    if not phase_private or actor.is_facilitator:
        return None
    return AUTHOR_AND_FACILITATOR if facilitator_sees else AUTHOR


def _of(private: str | None, author: str) -> Audience | None:
    if private is None:
        return None
    return Audience(frozenset({author}), private == AUTHOR_AND_FACILITATOR)


def note_audience(note: Note | None) -> Audience | None:
    """Who may see a note; None when everyone may."""
    return None if note is None else _of(note.private, note.author)


def _narrowest(a: Audience | None, b: Audience | None) -> Audience | None:
    """Who may see something that touches two notes (a link): those who may see both."""
    if a is None or b is None:
        return a or b
    return Audience(a.participants & b.participants, a.facilitators and b.facilitators)


def event_audience(board: Board, op: str, data: dict[str, Any]) -> Audience | None:
    """Who may see an event, judged on the board *before* it is applied; None when everyone may."""
    if op == "vote.cast":  # a person's dots are theirs alone until the vote closes (rule P40)
        voter = board.participants.get(data["participant"])
        # ... and the facilitator's, who casts them for someone without a device (rule P42)
        return Audience(frozenset({data["participant"]}), facilitators=voter is not None and voter.role == "proxy")
    if op in ("note.add", "note.restore"):
        return _of(data.get("private"), data["author"])
    if op in ("note.update", "note.move", "note.delete", "note.drag", "note.indicators"):
        return note_audience(board.notes.get(data["id"]))
    if op in ("link.add", "link.restore"):
        return _narrowest(
            note_audience(board.notes.get(data["source"])), note_audience(board.notes.get(data["target"]))
        )
    if op in ("link.update", "link.delete", "link.evidence", "link.assumption", "confidence.set"):
        link = board.links.get(data["id"])
        if link is None:
            return None
        return _narrowest(note_audience(board.notes.get(link.source)), note_audience(board.notes.get(link.target)))
    return None


def placeholder(event: dict[str, Any]) -> dict[str, Any]:
    """What someone who may not see an event gets in its place: its number and time, nothing of what or who."""
    return {"seq": event["seq"], "op": "private", "by": None, "at": event["at"], "data": {}}


def hidden_from(notes: Iterable[dict[str, Any]], viewer: Participant) -> frozenset[str]:
    """The ids of the notes (as `Board.to_dict` gives them) that `viewer` may not see."""
    return frozenset(
        n["id"] for n in notes if (a := _of(n.get("private"), n["author"])) is not None and not a.admits(viewer)
    )


def visible_map(board: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    """A map (`Board.to_dict`) without the notes in `hidden` and the links that touch them."""
    if not hidden:
        return board
    return {
        **board,
        "notes": [n for n in board["notes"] if n["id"] not in hidden],
        "links": [lk for lk in board["links"] if lk["source"] not in hidden and lk["target"] not in hidden],
    }


def map_for(board: dict[str, Any], viewer: Participant, hidden: frozenset[str] | None = None) -> dict[str, Any]:
    """A map (`Board.to_dict`) as `viewer` may see it: private notes and others' dots in an open vote left out.

    `hidden`, when the caller has it already, is `hidden_from` of the map's notes for this viewer."""
    seen = visible_map(board, hidden_from(board["notes"], viewer) if hidden is None else hidden)
    proxies = frozenset(p["id"] for p in seen["participants"] if p["role"] == "proxy")
    votes = voting.for_viewer(seen["votes"], viewer, proxies if viewer.is_facilitator else frozenset())
    return seen if votes is seen["votes"] else {**seen, "votes": votes}


def reveal_data(board: Board, anonymous: bool) -> dict[str, Any]:
    """A `notes.reveal` event's data: every private note, and every link touching one, as everyone will see them.

    Those who could not see them get them whole from this event; named or without names, as asked; those that
    would cover another note, moved to the nearest free place (server/board/spread.py).
    """
    revealed = sorted((n for n in board.notes.values() if n.private is not None), key=lambda n: n.created_at)
    ids = {n.id for n in revealed}
    links = [lk for lk in board.links.values() if lk.source in ids or lk.target in ids]
    # Written unseen by each other, often at the same place: none may land on another.
    fixed = [spread.box_of(n.text, n.x, n.y) for n in board.notes.values() if n.private is None]
    moving = [(n.id, n.kind, spread.box_of(n.text, n.x, n.y)) for n in revealed]
    moved = spread.spread(fixed, moving, board.lanes)
    notes = []
    for n in revealed:
        note = _public(asdict(n), anonymous)
        if n.id in moved:
            note["x"], note["y"] = moved[n.id]
            note["version"] = board.head + 1
        notes.append(note)
    return {
        "notes": notes,
        "links": [_public(link_dict(lk), anonymous, note=False) for lk in links],
        "anonymous": anonymous,
    }


def _public(item: dict[str, Any], anonymous: bool, note: bool = True) -> dict[str, Any]:
    if note:
        item["private"] = None
    if anonymous:
        item["author"] = ANONYMOUS
    return item


def visible_event(event: dict[str, Any], audience: Audience | None, viewer: Participant) -> dict[str, Any]:
    """An event as `viewer` is sent it: whole, or as a placeholder."""
    return event if audience is None or audience.admits(viewer) else placeholder(event)
