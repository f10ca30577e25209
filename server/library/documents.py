"""What of a board is searchable: the workshop's title and question, its notes, links and contribution stories.

Only what every participant of the workshop may read is indexed: a note written in a private phase and not yet
revealed is only its author's (rule P38, server/board/privacy.py), so it stays out, and so does every link that
touches one. Deleted notes and links are not on the board, so they are not here either. Pure.
"""

from __future__ import annotations

from functools import cache

from server.board import stories
from server.board.model import Board
from server.storage.base import SearchDocument
from server.workshop_templates import built_in


@cache
def _palettes() -> dict[frozenset[str], str]:
    return {frozenset(k.name for k in t.kinds): t.name for t in built_in()}


def template_of(board: Board) -> str | None:
    """The built-in template a workshop was made from, known by its palette of kinds (each template's differs);
    None for a palette of its own."""
    return _palettes().get(frozenset(board.workshop.kind_names()))


def documents_of(board: Board) -> list[SearchDocument]:
    """Every searchable item of the board, as everyone in the workshop may see it."""
    info = board.workshop
    template = template_of(board)

    def item(kind: str, item_id: str, parts: list[str], note_kind: str | None = None) -> SearchDocument:
        text = "\n".join(p for p in parts if p)
        return SearchDocument(info.id, kind, item_id, text, info.created_at, note_kind=note_kind, template=template)

    found = [item("workshop", info.id, [info.title, info.question])]
    hidden = {n.id for n in board.notes.values() if n.private is not None}
    found.extend(item("note", n.id, [n.text], n.kind) for n in board.notes.values() if n.id not in hidden)
    for link in board.links.values():
        if link.source not in hidden and link.target not in hidden:
            sources = [str(s.get("title", "")) for s in link.sources]
            found.append(item("link", link.id, [link.label, link.mechanism, *sources]))
    found.extend(
        item("story", s.id, [s.title, *(getattr(s, name) for name in stories.FIELDS)]) for s in board.stories.values()
    )
    return found
