"""Who is in the workshop (rule P50): the facilitator renames or removes a person; anyone renames themselves.

A removed person stays in the board's participants, marked `removed`, so that the notes, links and closed
votes they made keep their author's name (the board is the record of the workshop); what goes is their access:
storage revokes their token with the same event (server/storage), the room closes their sockets, and the rules
refuse anything still arriving from them. Dots they have in an open vote are withdrawn, since they can no
longer take part in it, and so is their confidence in links: like an open vote, it is a rating the people taking
part hold and may change at any time, and a mean, a ⚖ contested mark or a group's divergence resting on someone
no longer there would be one nobody in the room can revise. Their endorsements and their group stay, like their
notes: what they said while present. Pure, like server/board/rules.py, which routes these operations here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from server.board import ops
from server.board.change import Change
from server.board.refusals import Refusal, refuse

if TYPE_CHECKING:
    from server.board.model import Board, Participant

# Names as joining takes them: 1-40 characters once trimmed (the participant table's column); someone without
# a device was named by the facilitator within 80 (rule P42) and has no row to fit.
MAX_NAME = 40
MAX_PROXY_NAME = 80
PROXY = "proxy"


def _person(board: Board, person_id: str) -> Participant | Refusal:
    """The participant `person_id` names, still in the workshop; or why not."""
    person = board.participants.get(person_id)
    if person is None:
        return refuse("participant_missing", f"no participant {person_id[:80]!r} in this workshop")
    if person.removed:
        return refuse("bad_value", f"{person.name} was removed from this workshop")
    return person


def _rename(board: Board, op: ops.ParticipantRename, actor: Participant, now: int) -> Change | Refusal:
    if op.id != actor.id and not actor.is_facilitator:
        return refuse("facilitator_only", "only the facilitator renames other people; you may rename yourself")
    person = _person(board, op.id)
    if isinstance(person, Refusal):
        return person
    name = op.name.strip()
    limit = MAX_PROXY_NAME if person.role == PROXY else MAX_NAME
    if not name:
        return refuse("text_empty", "a name must not be empty")
    if len(name) > limit:
        return refuse("text_too_long", f"a name is {len(name)} characters; the limit is {limit}")
    return Change("participant.rename", {"id": person.id, "name": name})


def _remove(board: Board, op: ops.ParticipantRemove, actor: Participant, now: int) -> Change | Refusal:
    if op.id == actor.id:  # so a workshop always keeps the facilitator who is running it
        return refuse("bad_value", "you cannot remove yourself from the workshop you are running")
    person = _person(board, op.id)
    if isinstance(person, Refusal):
        return person
    return Change("participant.remove", {"id": person.id})


def refused_actor(board: Board, actor: Participant) -> Refusal | None:
    """Anything from someone removed — a frame already on its way, a proxy acted for — is refused."""
    known = board.participants.get(actor.id)
    if known is not None and known.removed:
        return refuse("participant_removed", "you were removed from this workshop by the facilitator")
    return None


def apply_rename(board: Board, d: dict[str, Any]) -> None:
    board.participants[d["id"]].name = d["name"]


def apply_remove(board: Board, d: dict[str, Any]) -> None:
    board.participants[d["id"]].removed = True
    if board.votes and board.votes[-1].open:  # their dots leave the open vote with them
        board.votes[-1].ballots.pop(d["id"], None)
    for link in board.links.values():  # and their confidence the links' standing ratings (rule P50)
        link.confidence.pop(d["id"], None)


DECIDERS: dict[type, Callable[..., Change | Refusal]] = {
    ops.ParticipantRename: _rename,
    ops.ParticipantRemove: _remove,
}
