"""Checks that know the method (rule P49): where a theory of change or impact map breaks its own logic.

Each check reads the map as a person would: an activity linked straight to an impact skips the steps between;
an impact leading back to an activity runs backwards; an impact no activity reaches, or an activity that
reaches no impact, is a pathway not yet thought through; an outcome or impact without an indicator cannot be
evaluated; a link resting on assumption alone is the weakest kind of claim; an assumption attached to nothing
props nothing up; a feedback loop is worth knowing about (information, not an error).

A kind's level (its step along the chain) is its lane's place when the board has lanes (rule P45), else a
kind's usual place in a theory of change or logic model; kinds with no level (assumptions, other factors)
are never level skips or backwards.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from server.board.pathways import END_KIND, START_KIND
from server.export.pathways import feedback_loops, reachable

MAX_FINDINGS = 500  # per check: a huge messy map gets the first ones and a count
INDICATED_KINDS = ("outcome", "impact")  # kinds whose name holds one of these want an indicator

# Where a kind usually sits along the chain, for boards without lanes.
USUAL_LEVELS: dict[str, int] = {
    "input": 0,
    "activity": 1,
    "output": 2,
    "short-term-outcome": 3,
    "outcome": 3,
    "knowledge": 3,
    "attitudes": 3,
    "skills": 3,
    "practice": 4,
    "change": 4,
    "long-term-outcome": 4,
    "impact": 5,
}


@dataclass
class Finding:
    check: str  # one of CHECKS
    severity: str  # "warning" | "info"
    message: str
    notes: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


# Every check, its severity and what it is called, in the order the panel lists them.
CHECKS: dict[str, tuple[str, str]] = {
    "backwards": ("warning", "Links that run backwards"),
    "level_skip": ("warning", "Links that skip steps"),
    "impact_unreached": ("warning", "Impacts no activity reaches"),
    "activity_stranded": ("warning", "Activities that reach no impact"),
    "no_indicator": ("info", "Outcomes and impacts without an indicator"),
    "assumption_only": ("info", "Links resting on assumption alone"),
    "assumption_loose": ("info", "Assumptions attached to nothing"),
    "feedback_loop": ("info", "Feedback loops"),
}


def levels(snapshot: Mapping[str, Any]) -> dict[str, int]:
    """Each kind's step along the chain: its lane's place, or its usual place."""
    lanes = snapshot.get("lanes") or ()
    if lanes:
        return {kind: i for i, lane in enumerate(lanes) for kind in lane["kinds"]}
    palette = [k["name"] for k in snapshot["workshop"]["kinds"] if k["name"] in USUAL_LEVELS]
    steps = sorted({USUAL_LEVELS[k] for k in palette})  # only the steps this palette has: none is skipped
    return {k: steps.index(USUAL_LEVELS[k]) for k in palette}


def _short(text: str, limit: int = 60) -> str:
    line = text.split("\n", 1)[0].strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def run(snapshot: Mapping[str, Any]) -> list[Finding]:
    """Every finding on the map, check by check."""
    notes = {n["id"]: n for n in snapshot["notes"]}
    links: Sequence[Mapping[str, Any]] = snapshot["links"]
    level = levels(snapshot)
    labels = {k["name"]: k["label"] for k in snapshot["workshop"]["kinds"]}
    found: dict[str, list[Finding]] = {check: [] for check in CHECKS}

    def add(check: str, message: str, notes_: Sequence[str] = (), links_: Sequence[str] = ()) -> None:
        if len(found[check]) < MAX_FINDINGS:
            found[check].append(Finding(check, CHECKS[check][0], message, list(notes_), list(links_)))

    def name(note_id: str) -> str:
        n = notes[note_id]
        return f"{labels.get(n['kind'], n['kind'])} “{_short(n['text'])}”"

    g = nx.DiGraph()
    g.add_nodes_from(notes)
    for lk in links:
        g.add_edge(lk["source"], lk["target"])
        a, b = notes[lk["source"]], notes[lk["target"]]
        la, lb = level.get(a["kind"]), level.get(b["kind"])
        if la is not None and lb is not None:
            if lb < la:
                add("backwards", f"{name(a['id'])} leads back to {name(b['id'])}", [a["id"], b["id"]], [lk["id"]])
            elif lb - la >= 2:
                add("level_skip", f"{name(a['id'])} leads straight to {name(b['id'])}", [a["id"], b["id"]], [lk["id"]])
        support = lk.get("support") or []
        if support and all(s == "assumption" for s in support):
            add("assumption_only", f"{name(a['id'])} → {name(b['id'])} rests on assumption alone", links_=[lk["id"]])

    impacts = [n for n in notes if notes[n]["kind"] == END_KIND]
    activities = [n for n in notes if notes[n]["kind"] == START_KIND]
    downstream = reachable(g, activities)
    upstream = reachable(g.reverse(copy=False), impacts)
    for i in impacts:
        if i not in downstream:
            add("impact_unreached", f"No activity leads to {name(i)}", [i])
    for a in activities:
        if a not in upstream:
            add("activity_stranded", f"{name(a)} leads to no impact", [a])
    for n in notes.values():
        if any(word in n["kind"] for word in INDICATED_KINDS) and not n.get("indicators"):
            add("no_indicator", f"{name(n['id'])} has no indicator", [n["id"]])
    propping = {a for lk in links for a in lk.get("assumptions") or ()}
    for n in notes.values():
        if n["kind"] == "assumption" and n["id"] not in propping and g.degree(n["id"]) == 0:
            add("assumption_loose", f"{name(n['id'])} is attached to no link", [n["id"]])
    for loop in feedback_loops(g):
        add("feedback_loop", " → ".join(name(n) for n in [*loop, loop[0]]), loop)
    return [f for check in CHECKS for f in found[check]]


def as_json(findings: Sequence[Finding]) -> dict[str, Any]:
    """The findings as the board's checks panel reads them: each check with its title, count and findings."""
    by_check: dict[str, list[dict[str, Any]]] = {check: [] for check in CHECKS}
    for f in findings:
        by_check[f.check].append(asdict(f))
    return {
        "checks": [
            {
                "check": check,
                "severity": severity,
                "title": title,
                "count": len(by_check[check]),
                "findings": by_check[check],
            }
            for check, (severity, title) in CHECKS.items()
        ]
    }
