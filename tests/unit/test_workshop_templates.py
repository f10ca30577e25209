"""Workshop templates: the built-in ones are valid, files are checked like a board's own setup, and a
workshop's setup saved as a template starts another the same way."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from server import workshop_templates
from server.board.model import Board
from server.storage.memory import MemoryStorage
from server.workshops import create_workshop

EXPECTED = [
    "theory-of-change",
    "logic-model",
    "impact-pathway",
    "contribution-analysis",
    "problem-tree",
    "impact-story",
    "blank",
]


def test_every_method_has_a_valid_template_in_a_sensible_order() -> None:
    found = workshop_templates.built_in()
    assert [t.name for t in found] == EXPECTED
    toc = workshop_templates.named("theory-of-change")
    assert toc is not None and toc.phases is not None and toc.phases[0].private
    assert [k.name for k in toc.kinds][:3] == ["impact", "long-term-outcome", "short-term-outcome"]
    ca = workshop_templates.named("contribution-analysis")
    assert ca is not None and "other-factor" in {k.name for k in ca.kinds}
    assert workshop_templates.named("blank").phases is None  # type: ignore[union-attr]


def template_file(**changes: Any) -> bytes:
    doc = workshop_templates.named("logic-model").to_dict()  # type: ignore[union-attr]
    doc.update(changes)
    return orjson.dumps(doc)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "not valid JSON"),
        (template_file(format="kumu"), '"format"'),
        (template_file(version=9), '"version"'),
        (template_file(kinds=[]), '"kinds"'),
        (template_file(kinds=[{"name": "Bad Name", "label": "x", "colour": "#ffffff"}]), "kinds[0]"),
        (template_file(kinds=[{"name": "a", "label": "x", "colour": "red"}]), "kinds[0]"),
        (template_file(kinds=[{"name": "a", "label": "x", "colour": "#ffffff"}] * 2), "unique"),
        (template_file(plan=[{"name": "One", "kinds": ["nowhere"]}]), "palette"),
        (template_file(plan=[{"prompt": "no name"}]), '"plan"'),
        (template_file(title="\x00"), "cannot be stored"),
        (template_file(lanes=[{"label": "Inputs", "kinds": ["nowhere"]}]), "palette"),
        (template_file(lanes=[{"label": "A", "kinds": ["input"]}, {"label": "B", "kinds": ["input"]}]), "one lane"),
        (template_file(lanes=[{"label": " ", "kinds": ["input"]}]), "label"),
        (template_file(lanes="columns"), '"lanes"'),
        (b" " * (workshop_templates.MAX_TEMPLATE_BYTES + 1), "KiB"),
    ],
)
def test_a_bad_template_file_is_refused_saying_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(workshop_templates.TemplateProblem, match=message.replace("[", r"\[")):
        workshop_templates.parse(data)


def test_a_workshops_setup_saved_as_a_template_starts_another_the_same_way() -> None:
    storage = MemoryStorage()
    toc = workshop_templates.named("theory-of-change")
    assert toc is not None
    created = create_workshop(storage, b"k" * 32, "Ours", toc.question, toc.kinds, toc.phases, toc.lanes)
    stored = storage.load_board(created.workshop.id)
    assert stored is not None
    board: Board = stored.board
    assert board.plan.phases == toc.phases and board.plan.timer.seconds == toc.phases[0].seconds  # type: ignore[index]
    saved = workshop_templates.from_board(board, "ours").to_dict()
    again = workshop_templates.parse(orjson.dumps(saved))
    assert (again.kinds, again.phases, again.question) == (toc.kinds, toc.phases, toc.question)
    assert again.lanes == toc.lanes == board.lanes and [lane.label for lane in board.lanes][0] == "Activities"
    assert "notes" not in saved
