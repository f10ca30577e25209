"""What a pathway is, once for the whole server: the report lists them (server/export/pathways.py) and the
facilitator can open a dot vote on them (server/board/pathway_votes.py, rule P48).

A pathway is a simple chain of linked notes — each note links to the next, no note twice — of at most
MAX_PATH_LENGTH notes, from a note where change starts (an activity, by default) to an impact. It is named by
its notes' ids in order, joined by `>`: note ids are letters, digits, `_` and `-` only, so the name splits back
exactly, and it reads the same in a ballot, an export and a test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

MAX_PATH_LENGTH = 12  # notes in one pathway
START_KIND = "activity"  # where pathways start, unless a vote names another kind
END_KIND = "impact"  # where pathways end, unless a vote names another kind
SEPARATOR = ">"
MAX_KEY_CHARS = MAX_PATH_LENGTH * 65  # 12 ids of at most 64 characters and their separators


def key(notes: Sequence[str]) -> str:
    """The name of the pathway through `notes`, in order."""
    return SEPARATOR.join(notes)


def notes_of(pathway: str) -> list[str]:
    """The note ids of a pathway's name, in order."""
    return pathway.split(SEPARATOR)


def steps(notes: Sequence[str]) -> list[tuple[str, str]]:
    """The (source, target) of each link along a chain of notes."""
    return list(zip(notes, notes[1:], strict=False))


def chain_problem(
    notes: Sequence[str],
    kind_of: Callable[[str], str | None],
    joined: Callable[[str, str], bool],
    start: str = START_KIND,
    end: str = END_KIND,
) -> str | None:
    """Why `notes` is not a pathway from a `start` note to an `end` note, or None. `kind_of` gives a note's kind
    (None: no such note); `joined(a, b)`: whether a link leads from a to b."""
    if not 2 <= len(notes) <= MAX_PATH_LENGTH:
        return f"a pathway has 2 to {MAX_PATH_LENGTH} notes, not {len(notes)}"
    if len(set(notes)) != len(notes):
        return "a pathway passes through each note once"
    for note in notes:
        if kind_of(note) is None:
            return f"no note {note[:80]!r} on the board"
    if kind_of(notes[0]) != start:
        return f"a pathway here starts at a note of kind {start!r}"
    if kind_of(notes[-1]) != end:
        return f"a pathway here ends at a note of kind {end!r}"
    for source, target in steps(notes):
        if not joined(source, target):
            return f"no link leads from {source[:80]!r} to {target[:80]!r}"
    return None
