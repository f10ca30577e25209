"""The contribution report, as Markdown (to paste into a funder's form) and as a printable HTML page: the notes,
the pathways into each impact, and for each impact how strong its pathways are and what they rest on
(server/export/contribution.py), the gaps, votes and cycles. The Word document (server/export/word.py) says the
same."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader

from server.board.model import IMPORTER_ID
from server.board.pathways import MAX_PATH_LENGTH
from server.export import contribution
from server.export.mapview import MapView, iso
from server.export.pathways import BESIDE_PATHWAYS, MAX_PATHS_PER_IMPACT, Analysis, analyse
from server.export.strength import GRADE_SCALE

SHORT_TEXT = 80  # characters of a note's text in a pathway; the list of notes by kind has it in full


@dataclass
class Step:
    note: dict[str, Any]
    kind: str
    label: str  # the label of the link leaving this note along the pathway ("" at the end)
    ref: str  # the note's name in the report, e.g. "Outcome 3": tells apart two notes that say the same
    short: str  # its text, cut to SHORT_TEXT characters


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def _content(view: MapView, names: bool = True) -> dict[str, Any]:
    g = view.graph
    analysis: Analysis = analyse(g, {n["id"]: n["kind"] for n in view.notes})
    edge_label = {(lk["source"], lk["target"]): lk["label"] for lk in view.links}
    by_kind = [(kind["label"], [n for n in view.notes if n["kind"] == name]) for name, kind in view.kinds.items()]
    by_kind += [
        (kind, [n for n in view.notes if n["kind"] == kind])
        for kind in sorted({n["kind"] for n in view.notes} - set(view.kinds))
    ]
    refs = {n["id"]: f"{label} {i}" for label, notes in by_kind for i, n in enumerate(notes, start=1)}

    def steps(path: list[str]) -> list[Step]:
        return [
            Step(
                view.by_id[n],
                view.kind_label(view.by_id[n]),
                edge_label.get((n, path[i + 1]), "") if i + 1 < len(path) else "",
                refs[n],
                shorten(view.by_id[n]["text"]),
            )
            for i, n in enumerate(path)
        ]

    def beside(paths: list[list[str]]) -> list[dict[str, Any]]:
        """Assumptions (and the like) linked to a note on these pathways: what they rest on."""
        on = {n for path in paths for n in path}
        found = {
            other
            for n in on
            for other in (*g.predecessors(n), *g.successors(n))
            if view.by_id[other]["kind"] in BESIDE_PATHWAYS
        }
        return [n for n in view.notes if n["id"] in found]

    # Who took part: everyone who joined, not the placeholder an import credits unattributed notes to.
    people = [p for p in view.snapshot["participants"] if p["id"] != IMPORTER_ID]
    written = sorted(n["created_at"] for n in [*view.notes, *view.links])
    # The dates the map was written on (kept through an import), else the day the workshop was made.
    first = iso(written[0])[:10] if written else iso(view.workshop["created_at"])[:10]
    last = iso(written[-1])[:10] if written else first
    return {
        "w": view.workshop,
        "created": f"on {first}" if first == last else f"from {first} to {last}",
        "participants": len(people),
        "note_count": len(view.notes),
        "link_count": len(view.links),
        "by_kind": [(label, notes) for label, notes in by_kind if notes],
        "pathways": [
            (view.by_id[p.target], [steps(path) for path in p.paths], p.capped, beside(p.paths))
            for p in analysis.pathways
        ],
        "unlinked": [view.by_id[n] for n in analysis.unlinked],
        "cycles": [steps([*c, c[0]]) for c in analysis.cycles],
        "cycles_capped": analysis.cycles_capped,
        "votes": [(vote, view.ranked(vote), iso(vote["closed_at"])[:10]) for vote in view.closed_votes],
        "impacts_unreached": [view.by_id[n] for n in analysis.impacts_unreached],
        "activities_stranded": [view.by_id[n] for n in analysis.activities_stranded],
        "author": view.author if names else lambda _: "",
        "kind_label": view.kind_label,
        "ref": refs.get,
        "max_paths": MAX_PATHS_PER_IMPACT,
        "max_length": MAX_PATH_LENGTH,
        "contribution": contribution.by_impact(view, analysis),
        "stories": contribution.stories(view),
        "grades": GRADE_SCALE,
        "link_address": link_address,
    }


def link_address(address: str) -> str:
    """A web address as a Markdown link destination: in angle brackets, with the characters that would end it
    percent-encoded (a DOI may hold parentheses)."""
    return "<" + quote(address, safe=":/?#[]@!$&'()*+,;=%~") + ">"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


@functools.lru_cache(maxsize=4096)  # the same notes recur along many pathways
def md(text: str) -> str:
    """Note text as one line of Markdown that shows exactly what was typed."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    # A leading + - or "1." would start a nested list inside the list item it is printed in.
    return re.sub(r"^(\d+)\.", r"\1\\.", re.sub(r"^([+-])", r"\\\1", escaped))


_TEMPLATES = FileSystemLoader(Path(__file__).with_name("templates"))
# Markdown is not HTML: it is escaped by the `md` filter instead.
_markdown_env = Environment(
    loader=_TEMPLATES, autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True
)
_markdown_env.filters["md"] = md
_html_env = Environment(loader=_TEMPLATES, autoescape=True, trim_blocks=True, lstrip_blocks=True)
for _env in (_markdown_env, _html_env):  # a long note is written out once, in the notes by kind
    _env.filters["short"] = shorten


_markdown_template = _markdown_env.get_template("report.md.j2")
_html_template = _html_env.get_template("report.html.j2")


def markdown(view: MapView, names: bool = True) -> bytes:
    return _markdown_template.render(**_content(view, names)).encode()


def html(view: MapView, names: bool = True) -> bytes:
    # HTML forbids the same control characters XML does (a browser shows them as boxes, or drops them).
    return _html_template.render(**_content(view.for_xml(), names)).encode()
