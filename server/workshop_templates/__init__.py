"""Workshop templates: a palette of kinds, a focal question and a plan of phases for a method people use —
theory of change, logic model, impact pathway, contribution analysis, problem tree, impact story, blank.

Templates are data files (`*.json` beside this module, `docs/templates.md` describes the format, versioned by
`version`). A facilitator can also save a workshop's setup as a template file and start another workshop from
it; such a file is checked exactly as the built-in ones are.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from server.board import characters, lanes
from server.board.model import Board, Kind
from server.board.phases import Phase, check_plan

FORMAT = "pathweaver-template"
VERSION = 1
MAX_TEMPLATE_BYTES = 64 * 1024
MAX_KINDS = 12
KIND_NAME = re.compile(r"[a-z][a-z0-9_-]{0,29}")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
FOLDER = Path(__file__).parent


class TemplateProblem(ValueError):
    """A template file that cannot be used, saying what is wrong with it."""


@dataclass(frozen=True)
class WorkshopTemplate:
    name: str
    title: str
    description: str
    question: str
    kinds: tuple[Kind, ...]
    phases: tuple[Phase, ...] | None  # None: no plan (the open board)
    order: int = 100
    lanes: tuple[lanes.Lane, ...] = ()  # columns laid out on the board, left to right (rule P45)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "question": self.question,
            "kinds": [{"name": k.name, "label": k.label, "colour": k.colour} for k in self.kinds],
            "plan": None if self.phases is None else [p.to_dict() for p in self.phases],
            "lanes": [{"label": lane.label, "kinds": list(lane.kinds)} for lane in self.lanes],
        }


def _text(doc: dict[str, Any], key: str, limit: int, *, required: bool = True) -> str:
    value = doc.get(key, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise TemplateProblem(f'field "{key}": text of {"1" if required else "0"} to {limit} characters')
    if characters.find({key: value}):
        raise TemplateProblem(f'field "{key}": holds characters that cannot be stored')
    return value.strip()


def parse(data: bytes) -> WorkshopTemplate:
    """A template from a file's bytes, checked as a board would check the same setup; TemplateProblem if not."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateProblem(f"a template file is at most {MAX_TEMPLATE_BYTES // 1024} KiB")
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise TemplateProblem("the file is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise TemplateProblem(f'field "format": expected "{FORMAT}"')
    if doc.get("version") != VERSION:
        raise TemplateProblem(
            f'field "version": this Pathweaver reads version {VERSION}, the file has {doc.get("version")!r}'
        )
    raw_kinds = doc.get("kinds")
    if not isinstance(raw_kinds, list) or not 1 <= len(raw_kinds) <= MAX_KINDS:
        raise TemplateProblem(f'field "kinds": 1 to {MAX_KINDS} kinds')
    kinds = []
    for i, k in enumerate(raw_kinds):
        if not isinstance(k, dict):
            raise TemplateProblem(f"kinds[{i}]: expected an object")
        name, colour = k.get("name"), k.get("colour")
        if not isinstance(name, str) or not KIND_NAME.fullmatch(name):
            raise TemplateProblem(f"kinds[{i}]: a name of lower-case letters, digits, - and _ (1-30)")
        if not isinstance(colour, str) or not COLOUR.fullmatch(colour):
            raise TemplateProblem(f"kinds[{i}]: a colour like #1a2b3c")
        kinds.append(Kind(name, _text(k, "label", 40), colour))
    if len({k.name for k in kinds}) != len(kinds):
        raise TemplateProblem('field "kinds": kind names must be unique')
    phases = _phases(doc.get("plan"), {k.name for k in kinds})
    laid_out = _lanes(doc.get("lanes", []), {k.name for k in kinds})
    order = doc.get("order", 100)
    return WorkshopTemplate(
        name=_text(doc, "name", 60),
        title=_text(doc, "title", 120),
        description=_text(doc, "description", 600, required=False),
        question=_text(doc, "question", 1000, required=False),
        kinds=tuple(kinds),
        phases=phases,
        order=order if isinstance(order, int) else 100,
        lanes=laid_out,
    )


def _lanes(raw: Any, kinds: set[str]) -> tuple[lanes.Lane, ...]:
    shape = 'field "lanes": a list of {"label": text, "kinds": [kind names]}'
    if not isinstance(raw, list) or not all(isinstance(lane, dict) for lane in raw):
        raise TemplateProblem(shape)
    specs = [(lane.get("label"), lane.get("kinds")) for lane in raw]
    for label, names in specs:
        if not isinstance(label, str) or not isinstance(names, list) or not all(isinstance(k, str) for k in names):
            raise TemplateProblem(shape)
        if characters.find({"label": label}):
            raise TemplateProblem('field "lanes": labels must be text that can be stored')
    trouble = lanes.problem(specs, kinds)
    if trouble:
        raise TemplateProblem(f'field "lanes": {trouble}')
    return lanes.laid_out(specs)


def _phases(plan: Any, kinds: set[str]) -> tuple[Phase, ...] | None:
    if plan is None:
        return None
    if not isinstance(plan, list):
        raise TemplateProblem('field "plan": a list of phases, or null')
    try:
        phases = [Phase.from_dict(p) for p in plan]
    except (KeyError, TypeError, AttributeError):
        raise TemplateProblem('field "plan": each phase needs at least a "name"') from None
    for p in phases:
        texts = {"name": p.name, "prompt": p.prompt, "kinds": list(p.kinds or ())}
        if not all(isinstance(v, str) for v in (p.name, p.prompt, *(p.kinds or ()))) or characters.find(texts):
            raise TemplateProblem('field "plan": phase names, prompts and kinds must be text that can be stored')
    problem = check_plan(phases, kinds, 0)
    if problem:
        raise TemplateProblem(f'field "plan": {problem}')
    return tuple(phases)


@functools.cache
def built_in() -> tuple[WorkshopTemplate, ...]:
    """The templates that come with Pathweaver, in the order the home page offers them."""
    found = [parse(path.read_bytes()) for path in sorted(FOLDER.glob("*.json"))]
    return tuple(sorted(found, key=lambda t: (t.order, t.title)))


def named(name: str) -> WorkshopTemplate | None:
    return next((t for t in built_in() if t.name == name), None)


def from_board(board: Board, name: str) -> WorkshopTemplate:
    """A workshop's setup — palette, question, plan and lanes, never its notes — as a template to start others
    from."""
    plan = board.plan
    return WorkshopTemplate(
        name=name,
        title=board.workshop.title,
        description=f"The setup of the workshop “{board.workshop.title}”.",
        question=board.workshop.question,
        kinds=board.workshop.kinds,
        phases=plan.phases if plan.changed_at else None,
        lanes=board.lanes,
    )
