"""How strong each activity-to-impact pathway is, live (rule P54): the contribution report's own strengths
(server/export/strength.py, one definition), as the board's Pathways panel and the list view read them.

A large map is costly to search (about a second for 5,000 notes and hundreds of impacts) and every open panel
asks again after each change, so the answer is kept for the last few maps by what it depends on: the notes'
kinds (and when they were made) and the links with their grades, confidence, support and assumptions. Moving
a note, editing its text or voting changes none of that, and people who see the same map share one answer.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import networkx as nx
import orjson

from server.export import strength
from server.export.mapview import MapView
from server.export.pathways import MAX_PATHS_PER_IMPACT, analyse

MAX_PER_IMPACT = MAX_PATHS_PER_IMPACT  # pathways listed into one impact, as the contribution report lists them
KEPT = 8  # answers kept: a few people's differing views (private notes, rule P38) of the latest maps
_kept: OrderedDict[bytes, dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


def _depends_on(snapshot: Mapping[str, Any]) -> bytes:
    notes = sorted((n["id"], n["kind"], n["created_at"]) for n in snapshot["notes"])  # made: the impacts' order
    links = sorted(
        (
            lk["id"],
            lk["source"],
            lk["target"],
            lk.get("strength"),
            sorted((lk.get("confidence") or {}).items()),
            lk.get("support") or [],
            lk.get("assumptions") or [],
        )
        for lk in snapshot["links"]
    )
    return hashlib.blake2b(orjson.dumps([notes, links]), digest_size=16).digest()


def _work_out(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    view = MapView(dict(snapshot))
    kinds = {n["id"]: n["kind"] for n in view.notes}  # in the order the notes were made: the impacts' order
    # The bare graph: the pathway search needs no more, and the exports' graph (view.graph) takes longer to build.
    g = nx.DiGraph()
    g.add_nodes_from(kinds)
    g.add_edges_from((lk["source"], lk["target"]) for lk in snapshot["links"])
    links = {lk["id"]: lk for lk in snapshot["links"]}
    impacts = []
    for found in strength.by_impact(view, analyse(g, kinds)):
        pathways = [
            {**asdict(p), "contested": [lk for lk in p.links if strength.contested(links[lk])]} for p in found.pathways
        ]
        impacts.append({"impact": found.impact, "capped": found.capped, "count": len(pathways), "pathways": pathways})
    return {"impacts": impacts}


def run(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """Each impact's pathways from an activity, weakest first, with their strength and what they rest on."""
    key = _depends_on(snapshot)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    answer = _work_out(snapshot)
    with _lock:
        _kept[key] = answer
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return answer
