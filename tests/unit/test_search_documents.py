"""What of a board is searchable (server/library/documents.py): visible items only, with their kinds."""

from __future__ import annotations

from server.board.model import Kind
from server.library.documents import template_of
from server.workshop_templates import built_in
from tests.support.maps import MapBuilder


def test_every_built_in_template_is_known_by_its_palette() -> None:
    for template in built_in():
        board = MapBuilder(kinds=template.kinds).board
        assert template_of(board) == template.name
    assert template_of(MapBuilder(kinds=(Kind("mine", "Mine", "#ffffff"),)).board) is None
