"""What the contribution report says about each impact: its activity-to-impact pathways with their strength,
the links along them with their mechanisms, evidence and sources, what they rest on, the indicators that would
show the change, the other factors that might explain it, and the links people disagree about.

Shared by the Markdown and HTML report (server/export/report.py) and the Word document (server/export/word.py).
Pure: from a map view to plain data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.board import pathways as pathway_names
from server.board.stories import FIELDS as STORY_FIELDS
from server.export import strength
from server.export.mapview import MapView
from server.export.pathways import Analysis

OUTCOME_KIND = "outcome"
OTHER_FACTOR_KIND = "other-factor"  # contribution analysis's alternative explanations (the templates offer it)
SUPPORT_LABELS = {
    "assumption": "assumption",
    "practice": "practice knowledge",
    "testimony": "stakeholder testimony",
    "monitoring": "monitoring data",
    "evaluation": "evaluation",
    "research": "published research",
}


def source_address(source: dict[str, Any]) -> str:
    """Where a cited source is: a DOI as its https://doi.org link, else its web address."""
    return f"https://doi.org/{source['doi']}" if source.get("doi") else str(source.get("url") or "")


@dataclass
class LinkEvidence:
    link: dict[str, Any]
    source: dict[str, Any]  # the note it leads from
    target: dict[str, Any]
    grade: str
    mean: float | None
    low: int | None
    high: int | None
    raters: int
    contested: bool
    assumption_only: bool
    support: list[str]  # readable names
    sources: list[tuple[str, str]]  # (title or address, address)
    assumptions: list[dict[str, Any]]  # notes


@dataclass
class PathwaySummary:
    notes: list[dict[str, Any]]
    strength: strength.PathwayStrength
    weakest: list[LinkEvidence]
    assumptions: list[dict[str, Any]]  # notes
    assumption_only: list[LinkEvidence]


@dataclass
class ImpactContribution:
    impact: dict[str, Any]
    pathways: list[PathwaySummary]
    capped: bool
    links: list[LinkEvidence]  # every link along its pathways, once, in pathway order
    indicators: list[tuple[dict[str, Any], list[dict[str, str]]]]  # (the impact or an outcome on its pathways, …)
    other_factors: list[dict[str, Any]]  # notes
    contested: list[LinkEvidence]


def link_evidence(view: MapView, lk: dict[str, Any]) -> LinkEvidence:
    values = list((lk.get("confidence") or {}).values())
    return LinkEvidence(
        link=lk,
        source=view.by_id[lk["source"]],
        target=view.by_id[lk["target"]],
        grade=strength.grade_of(lk),
        mean=strength.mean_confidence(lk),
        low=min(values) if values else None,
        high=max(values) if values else None,
        raters=len(values),
        contested=strength.contested(lk),
        assumption_only=strength.assumption_only(lk),
        support=[SUPPORT_LABELS.get(s, s) for s in lk.get("support") or ()],
        sources=[(s.get("title") or source_address(s), source_address(s)) for s in lk.get("sources") or ()],
        assumptions=[view.by_id[a] for a in lk.get("assumptions") or () if a in view.by_id],
    )


def by_impact(view: MapView, analysis: Analysis) -> list[ImpactContribution]:
    links_by_id = {lk["id"]: lk for lk in view.links}
    evidence: dict[str, LinkEvidence] = {}

    def of(link_id: str) -> LinkEvidence:
        if link_id not in evidence:
            evidence[link_id] = link_evidence(view, links_by_id[link_id])
        return evidence[link_id]

    g = view.graph
    result = []
    for found in strength.by_impact(view, analysis):
        impact = view.by_id[found.impact]
        link_ids = list(dict.fromkeys(lid for p in found.pathways for lid in p.links))
        on_pathways = list(dict.fromkeys(n for p in found.pathways for n in p.notes))
        outcomes = [n for n in on_pathways if view.by_id[n]["kind"] == OUTCOME_KIND]
        explained = [found.impact, *outcomes]
        others = list(
            dict.fromkeys(
                n
                for note in explained
                for n in (*g.predecessors(note), *g.successors(note))
                if view.by_id[n]["kind"] == OTHER_FACTOR_KIND
            )
        )
        result.append(
            ImpactContribution(
                impact=impact,
                pathways=[
                    PathwaySummary(
                        notes=[view.by_id[n] for n in p.notes],
                        strength=p,
                        weakest=[of(lid) for lid in p.weakest],
                        assumptions=[view.by_id[a] for a in p.assumptions if a in view.by_id],
                        assumption_only=[of(lid) for lid in p.assumption_only],
                    )
                    for p in found.pathways
                ],
                capped=found.capped,
                links=[of(lid) for lid in link_ids],
                indicators=[
                    (view.by_id[n], view.by_id[n]["indicators"])
                    for n in [*outcomes, found.impact]
                    if view.by_id[n].get("indicators")
                ],
                other_factors=[view.by_id[n] for n in others],
                contested=[of(lid) for lid in link_ids if of(lid).contested],
            )
        )
    return result


# What each part of a contribution story is called in the report, in the order it is told (rule P52).
STORY_HEADINGS = {
    "what_changed": "What changed",
    "for_whom": "For whom",
    "what_we_did": "What we did",
    "how_it_contributed": "How it contributed",
    "evidence": "The evidence",
}
assert tuple(STORY_HEADINGS) == STORY_FIELDS


@dataclass
class StorySummary:
    title: str
    pathway: list[str]  # the text of each note along it; "(deleted since)" where a note is gone
    broken: bool  # a note or a link along it was deleted after the story was written
    parts: list[tuple[str, str]]  # (heading, text) of each part the group told
    other_factors: list[str]  # the texts of the notes that may also explain the change
    author: str


def stories(view: MapView) -> list[StorySummary]:
    """The group's contribution stories (rule P52), in the order they were written."""
    pairs = {(lk["source"], lk["target"]) for lk in view.links}
    names = {p["id"]: p["name"] for p in view.snapshot["participants"]}
    out = []
    for story in view.snapshot.get("stories", []):
        notes = pathway_names.notes_of(story["pathway"])
        out.append(
            StorySummary(
                title=story["title"],
                pathway=[view.by_id[n]["text"] if n in view.by_id else "(deleted since)" for n in notes],
                broken=any(n not in view.by_id for n in notes)
                or any(step not in pairs for step in pathway_names.steps(notes)),
                parts=[(STORY_HEADINGS[name], story[name]) for name in STORY_FIELDS if story.get(name)],
                other_factors=[view.by_id[n]["text"] for n in story.get("other_factors", []) if n in view.by_id],
                author=names.get(story.get("author", ""), ""),
            )
        )
    return out
