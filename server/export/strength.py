"""How strong each activity-to-impact pathway is, and what it rests on — for the contribution report and the
documents made from it. Pure: from a map view to plain data.

A chain is only as strong as its weakest link, so a pathway's strength is two numbers taken link by link:

- **grade**: the lowest evidence grade the group gave any of its links, on the scale
  ungraded < none < weak < moderate < strong. A link nobody has graded counts as *ungraded*, the bottom of
  the scale: nothing has been said for it, so the pathway cannot be called stronger than that.
- **confidence**: the lowest, over its links, of the mean of people's confidence (1-5) in that link; None when
  no link along it has been rated. `unrated` counts the links nobody rated (the minimum is over rated links
  only, so read it beside `unrated`).

The weakest links are those at the lowest grade, then the lowest mean confidence (an unrated link comes after
rated ones at its grade). What a pathway rests on: the
assumption notes attached to its links (in pathway order, each once), and its links whose only support is
assumption.

Which chains are pathways is server/board/pathways.py and server/export/pathways.py (one definition); here,
from each activity along a chain to its impact (`from_activities`), at most MAX_PATHS_PER_IMPACT into one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.board import pathways as pathway_rules
from server.export.mapview import MapView
from server.export.pathways import MAX_PATHS_PER_IMPACT, Analysis, analyse

GRADE_SCALE = ("ungraded", "none", "weak", "moderate", "strong")  # weakest first
CONTESTED_SPREAD = 3  # as static/js/evidence_summary.js: two or more ratings from 1 to 4, or 2 to 5


def grade_of(link: dict[str, Any]) -> str:
    return link.get("strength") or "ungraded"


def mean_confidence(link: dict[str, Any]) -> float | None:
    values = list((link.get("confidence") or {}).values())
    return sum(values) / len(values) if values else None


def contested(link: dict[str, Any]) -> bool:
    """Whether people see the link very differently (the board marks it ⚖)."""
    values = list((link.get("confidence") or {}).values())
    return len(values) > 1 and max(values) - min(values) >= CONTESTED_SPREAD


def assumption_only(link: dict[str, Any]) -> bool:
    """Whether nothing but assumption supports the link."""
    support = link.get("support") or []
    return bool(support) and all(s == "assumption" for s in support)


@dataclass
class PathwayStrength:
    notes: list[str]  # note ids, activity first, impact last
    links: list[str]  # link ids along it, in order
    grade: str  # one of GRADE_SCALE
    confidence: float | None
    unrated: int
    weakest: list[str]  # link ids
    assumptions: list[str] = field(default_factory=list)  # note ids
    assumption_only: list[str] = field(default_factory=list)  # link ids


def _weakness(link: dict[str, Any]) -> tuple[int, float]:
    mean = mean_confidence(link)
    return GRADE_SCALE.index(grade_of(link)), 6.0 if mean is None else mean


def strength(notes: list[str], link_between: dict[tuple[str, str], dict[str, Any]]) -> PathwayStrength:
    """The strength of the pathway through `notes`; `link_between[(a, b)]` is the link from a to b."""
    links = [link_between[step] for step in pathway_rules.steps(notes)]
    means = [m for m in (mean_confidence(lk) for lk in links) if m is not None]
    lowest = min(_weakness(lk) for lk in links)
    assumptions: list[str] = []
    for lk in links:
        assumptions.extend(a for a in lk.get("assumptions") or () if a not in assumptions)
    return PathwayStrength(
        notes=list(notes),
        links=[lk["id"] for lk in links],
        grade=GRADE_SCALE[min(GRADE_SCALE.index(grade_of(lk)) for lk in links)],
        confidence=min(means) if means else None,
        unrated=len(links) - len(means),
        weakest=[lk["id"] for lk in links if _weakness(lk) == lowest],
        assumptions=assumptions,
        assumption_only=[lk["id"] for lk in links if assumption_only(lk)],
    )


@dataclass
class ImpactPathways:
    impact: str  # note id
    pathways: list[PathwayStrength]
    capped: bool  # the search limit was reached: more pathways than are listed


def link_between(view: MapView) -> dict[tuple[str, str], dict[str, Any]]:
    return {(lk["source"], lk["target"]): lk for lk in view.links}


def from_activities(view: MapView, chains: list[list[str]]) -> list[list[str]]:
    """The pathways from an activity along the search's chains, each once: a chain starts where nothing leads in
    (an input, or a funder's note, before the activity), and from each activity on it to its end is a pathway,
    as P48 has it and the board lists them (static/js/pathways.js)."""
    found: dict[tuple[str, ...], None] = {}
    for chain in chains:
        for i, note in enumerate(chain[:-1]):
            if view.by_id[note]["kind"] == pathway_rules.START_KIND:
                found.setdefault(tuple(chain[i:]))
    return [list(path) for path in found]


def by_impact(view: MapView, analysis: Analysis | None = None) -> list[ImpactPathways]:
    """Every impact's activity-to-impact pathways with their strength, weakest first (then shortest)."""
    analysis = analysis or analyse(view.graph, {n["id"]: n["kind"] for n in view.notes})
    between = link_between(view)
    result = []
    for found in analysis.pathways:
        strengths = [strength(path, between) for path in from_activities(view, found.paths)]
        strengths.sort(
            key=lambda s: (
                GRADE_SCALE.index(s.grade),
                6.0 if s.confidence is None else s.confidence,
                len(s.notes),
                s.notes,
            )
        )
        listed = strengths[:MAX_PATHS_PER_IMPACT]  # a chain can hold several activities: still the weakest 50
        result.append(ImpactPathways(found.target, listed, found.capped or len(strengths) > len(listed)))
    return result
