"""Whether an operation's note or link is there to act on, and at the version its sender saw (rule P32): the
one way every rule module answers `note_missing`, `note_deleted`, `link_missing`, `link_deleted` and
`changed_since`. Pure, like server/board/rules.py."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from server.board.refusals import Refusal, refuse

if TYPE_CHECKING:
    from server.board.model import Board, Link, Note

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{4,64}")


def existing_note(board: Board, note_id: str) -> Refusal | None:
    if note_id in board.notes:
        return None
    if ID_PATTERN.fullmatch(note_id) and note_id in board.deleted:  # no ill-formed id was ever stored
        return refuse("note_deleted", f"note {note_id} was deleted")
    return refuse("note_missing", f"no note {note_id[:80]!r} in this workshop")


def existing_link(board: Board, link_id: str) -> Refusal | None:
    if link_id in board.links:
        return None
    if ID_PATTERN.fullmatch(link_id) and link_id in board.deleted:  # no ill-formed id was ever stored
        return refuse("link_deleted", f"link {link_id} was deleted")
    return refuse("link_missing", f"no link {link_id[:80]!r} in this workshop")


def expected_version(item: Note | Link, expect: int | None, what: str) -> Refusal | None:
    """The version the sender last saw, if it said (rule P32): anything else means someone changed it since."""
    if expect is not None and item.version != expect:
        return refuse(
            "changed_since", f"{what} {item.id} is at version {item.version}, not {expect}: it was changed since"
        )
    return None
