"""Contribution stories (rule P52): what a group says changed, for whom, what it did, how that contributed, the
evidence, and the other factors that may explain the change — each told along one pathway of the map.

Contribution analysis asks a group to tell a credible story along a chain of links and to weigh the other
explanations; a story names its pathway (server/board/pathways.py) and the notes of the other factors by id.
The pathway is checked as a chain on the board when the story is written or its pathway changed; if the chain
later breaks (a note or link on it deleted) the story stays, and `broken` says so, for the board and the list.
Pure, like server/board/rules.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from server.board import ops, pathways
from server.board.change import Change
from server.board.existing import ID_PATTERN
from server.board.refusals import Refusal, refuse

if TYPE_CHECKING:
    from server.board.model import Board, Participant

MAX_STORIES = 200
MAX_TITLE = 200
MAX_FIELD = 2000
MAX_OTHER_FACTORS = 20
# The parts of a story besides its title, in the order a reader meets them.
FIELDS = ("what_changed", "for_whom", "what_we_did", "how_it_contributed", "evidence")
# How the board and the list view head each part (templates/board.html, static/js/list_stories.js).
LABELS = {
    "what_changed": "What changed",
    "for_whom": "For whom",
    "what_we_did": "What we did",
    "how_it_contributed": "How it contributed",
    "evidence": "The evidence",
}


@dataclass(slots=True)
class Story:
    id: str
    title: str
    pathway: str  # note ids joined by `>`, from an activity to an impact (server/board/pathways.py)
    what_changed: str
    for_whom: str
    what_we_did: str
    how_it_contributed: str
    evidence: str
    other_factors: list[str] = field(default_factory=list)  # ids of notes that may also explain the change
    author: str = ""
    created_at: int = 0
    updated_at: int = 0
    version: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def from_dict(d: dict[str, Any]) -> Story:
    return Story(**{**d, "other_factors": list(d.get("other_factors", ()))})


def broken(board: Board, pathway: str) -> bool:
    """Whether the pathway is no longer a chain on the board: a note on it gone, or a link between two."""
    notes = pathways.notes_of(pathway)
    return any(n not in board.notes for n in notes) or any(s not in board.pairs for s in pathways.steps(notes))


def _broken_but_sound(board: Board, pathway: str) -> bool:
    """Whether `pathway` is broken on the board but was a pathway once: 2 to 12 different notes, by ids that
    could be notes' ids, and those still on the board at either end of the right kind."""
    notes = pathways.notes_of(pathway)
    if not 2 <= len(notes) <= pathways.MAX_PATH_LENGTH or len(set(notes)) != len(notes):
        return False
    if not all(ID_PATTERN.fullmatch(n) for n in notes) or not broken(board, pathway):
        return False
    for note_id, kind in ((notes[0], pathways.START_KIND), (notes[-1], pathways.END_KIND)):
        note = board.notes.get(note_id)
        if note is not None and note.kind != kind:
            return False
    return not any((note := board.notes.get(n)) is not None and note.private is not None for n in notes)


def _pathway(board: Board, pathway: str) -> Refusal | None:
    if len(pathway) > pathways.MAX_KEY_CHARS:
        return refuse("bad_value", f"a pathway has at most {pathways.MAX_PATH_LENGTH} notes")
    notes = pathways.notes_of(pathway)

    def kind_of(note_id: str) -> str | None:
        note = board.notes.get(note_id)
        return None if note is None else note.kind

    problem = pathways.chain_problem(notes, kind_of, lambda source, target: (source, target) in board.pairs)
    if problem:
        return refuse("bad_value", problem)
    if any(board.notes[n].private is not None for n in notes):  # rule P38: not everyone's to read yet
        return refuse("bad_value", "reveal the private notes on this pathway before telling a story along it")
    return None


def _other_factors(board: Board, note_ids: list[str]) -> Refusal | None:
    if len(note_ids) > MAX_OTHER_FACTORS or len(set(note_ids)) != len(note_ids):
        return refuse("bad_value", f"a story names at most {MAX_OTHER_FACTORS} other factors, each once")
    for note_id in note_ids:
        note = board.notes.get(note_id)
        if note is None:
            return refuse("note_missing", f"no note {note_id[:80]!r} on the board")
        if note.private is not None:
            return refuse("bad_value", "reveal a private note before naming it in a story")
    return None


def _texts(values: dict[str, str]) -> Refusal | None:
    for name, value in values.items():
        limit = MAX_TITLE if name == "title" else MAX_FIELD
        if len(value) > limit:
            return refuse("text_too_long", f"a story's {name.replace('_', ' ')} is at most {limit} characters")
    if "title" in values and not values["title"].strip():
        return refuse("text_empty", "a story needs a title")
    return None


def _add(
    board: Board, op: ops.StoryAdd, actor: Participant, now: int, *, keep_broken: bool = False
) -> Change | Refusal:
    if not ID_PATTERN.fullmatch(op.id):
        return refuse("bad_value", "a story id must be 4-64 characters of A-Z a-z 0-9 _ -")
    if op.id in board.stories:
        return refuse("note_exists", f"story {op.id} is already on the board")
    if len(board.stories) >= MAX_STORIES:
        return refuse("board_full", f"a workshop holds at most {MAX_STORIES} stories")
    texts = {"title": op.title, **{name: getattr(op, name) for name in FIELDS}}
    problem = _texts(texts) or _other_factors(board, op.other_factors)
    if problem is None and not (keep_broken and _broken_but_sound(board, op.pathway)):
        problem = _pathway(board, op.pathway)
    if problem:
        return problem
    story = Story(
        op.id,
        pathway=op.pathway,
        other_factors=list(op.other_factors),
        author=actor.id,
        created_at=now,
        updated_at=now,
        **{name: value.strip() for name, value in texts.items()},
    )
    return Change("story.add", story.to_dict())


def imported(board: Board, op: ops.StoryAdd, actor: Participant, now: int) -> Change | Refusal:
    """A story from an imported map (server/imports.py): checked as `story.add` is, except that a pathway that
    was already broken when the map was exported comes back broken rather than refused."""
    return _add(board, op, actor, now, keep_broken=True)


def _existing(board: Board, story_id: str, expect: int | None) -> Story | Refusal:
    story = board.stories.get(story_id)
    if story is None:
        return refuse("note_missing", f"no story {story_id[:80]!r} on the board")
    if expect is not None and story.version != expect:
        return refuse("changed_since", f"story {story_id} is at version {story.version}, not {expect}")
    return story


def _update(board: Board, op: ops.StoryUpdate, actor: Participant, now: int) -> Change | Refusal:
    story = _existing(board, op.id, op.expect)
    if isinstance(story, Refusal):
        return story
    texts = {name: getattr(op, name) for name in ("title", *FIELDS) if getattr(op, name) is not None}
    problem = _texts(texts)
    if problem is None and op.pathway is not None and op.pathway != story.pathway:
        problem = _pathway(board, op.pathway)  # an unchanged pathway stays, broken or not
    if problem is None and op.other_factors is not None:
        problem = _other_factors(board, op.other_factors)
    if problem:
        return problem
    data: dict[str, Any] = {"id": op.id, **{name: value.strip() for name, value in texts.items()}}
    if op.pathway is not None:
        data["pathway"] = op.pathway
    if op.other_factors is not None:
        data["other_factors"] = list(op.other_factors)
    if len(data) == 1:
        return refuse("bad_frame", "story.update needs a field to change")
    return Change("story.update", {**data, "updated_at": now, "version": story.version + 1})


def _delete(board: Board, op: ops.StoryDelete, actor: Participant, now: int) -> Change | Refusal:
    story = _existing(board, op.id, op.expect)
    if isinstance(story, Refusal):
        return story
    return Change("story.delete", {"id": op.id})


def apply_add(board: Board, d: dict[str, Any]) -> None:
    board.stories[d["id"]] = from_dict(d)


def apply_update(board: Board, d: dict[str, Any]) -> None:
    story = board.stories[d["id"]]
    for name, value in d.items():
        if name != "id":
            setattr(story, name, list(value) if name == "other_factors" else value)


def apply_delete(board: Board, d: dict[str, Any]) -> None:
    del board.stories[d["id"]]


DECIDERS: dict[type, Callable[..., Change | Refusal]] = {
    ops.StoryAdd: _add,
    ops.StoryUpdate: _update,
    ops.StoryDelete: _delete,
}
