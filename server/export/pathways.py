"""Path analysis for the report: the pathways into each impact, loose notes, and cycles — always bounded.

What a pathway is (its length, the kinds it joins) is server/board/pathways.py, shared with pathway votes.
Counting every path in a dense or cyclic map can take forever, so every enumeration has a cap and the
result says where it was reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx

from server.board.pathways import END_KIND, MAX_PATH_LENGTH, START_KIND

MAX_PATHS_PER_IMPACT = 50
MAX_CYCLES = 50
MAX_STEPS = 100_000  # search steps for one impact
MAX_TOTAL_STEPS = 300_000  # search steps for the whole report: about a second at most
MAX_TOTAL_PATHS = 500  # pathways listed in one report
# Kinds of note that stand beside a pathway rather than on it: what a link rests on, or what else may explain a
# change. They never start or carry a pathway (an assumption is not where a change begins).
BESIDE_PATHWAYS = ("assumption", "evidence", "other-factor", "risk")


@dataclass
class Pathways:
    target: str
    paths: list[list[str]] = field(default_factory=list)
    capped: bool = False


@dataclass
class Analysis:
    pathways: list[Pathways]
    unlinked: list[str]
    cycles: list[list[str]]
    cycles_capped: bool
    impacts_unreached: list[str]  # impacts that no activity reaches
    activities_stranded: list[str]  # activities that reach no impact


def pathways_into(
    g: nx.DiGraph, target: str, limit: int = MAX_PATHS_PER_IMPACT, max_steps: int = MAX_STEPS
) -> tuple[Pathways, int]:
    """Simple chains of notes ending at `target`, each starting where nothing leads in (or, in a pure cycle,
    anywhere). Bounded three ways: at most `limit` chains, `MAX_PATH_LENGTH` notes each, `MAX_STEPS` of search."""
    if limit <= 0 or max_steps <= 0:  # no search left: say so without walking the map
        return Pathways(target, capped=bool(g.pred[target])), 0
    distance = _steps_to(g, target, MAX_PATH_LENGTH - 1)
    ancestors = set(distance) - {target}
    result = Pathways(target)
    if not ancestors:
        return result, 0
    # The graph's own dicts (`_pred`), not its views (`pred`): a view is made on every lookup, and with hundreds
    # of impacts on a large map those lookups were most of the search (2.3 s to 1 s for 5,000 notes).
    starts = sorted(n for n in ancestors if ancestors.isdisjoint(g._pred[n])) or sorted(ancestors)
    steps = 0
    for start in starts:
        # Depth-first, only through notes that can still reach the target within the length limit.
        path, on_path = [start], {start}
        stack = [iter(sorted(g.successors(start)))]
        while stack:
            steps += 1
            if steps > max_steps or len(result.paths) >= limit:
                result.capped = True
                break
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                on_path.discard(path.pop())
                continue
            if nxt == target:
                result.paths.append([*path, target])
                continue
            if nxt in on_path or nxt not in distance or len(path) + distance[nxt] >= MAX_PATH_LENGTH:
                continue
            path.append(nxt)
            on_path.add(nxt)
            stack.append(iter(sorted(g.successors(nxt))))
        if result.capped:
            break
    result.paths.sort(key=lambda p: (len(p), p))
    return result, steps


def _steps_to(g: nx.DiGraph, target: str, cutoff: int) -> dict[str, int]:
    """Note -> the fewest links from it to `target`, for notes at most `cutoff` links away (a breadth-first
    search backwards along the links; what networkx's single_source_shortest_path_length on the reversed graph
    gives, in half the time, which matters with hundreds of impacts on a large map; the graph's own dicts, as above)."""
    distance, frontier, pred = {target: 0}, [target], g._pred
    for depth in range(1, cutoff + 1):
        following = []
        for node in frontier:
            for p in pred[node]:
                if p not in distance:
                    distance[p] = depth
                    following.append(p)
        if not following:
            break
        frontier = following
    return distance


def feedback_loops(g: nx.DiGraph) -> list[list[str]]:
    """One cycle through each group of notes that lead back to each other (at most MAX_CYCLES + 1 of them).

    Listing every cycle can take exponential time; one per strongly connected group shows each loop the map
    has, in time proportional to the map.
    """
    loops = []
    for group in nx.strongly_connected_components(g):
        if len(group) < 2:
            continue
        edges = nx.find_cycle(g.subgraph(group), source=min(group))
        loops.append([u for u, _ in edges])
        if len(loops) > MAX_CYCLES:
            break
    return sorted(loops, key=lambda c: (len(c), c))


def reachable(g: nx.DiGraph, sources: Sequence[str]) -> set[str]:
    """Every note some source leads to (one search from all sources at once)."""
    seen, frontier = set(sources), list(sources)
    while frontier:
        node = frontier.pop()
        for n in g.successors(node):
            if n not in seen:
                seen.add(n)
                frontier.append(n)
    return seen


def analyse(g: nx.DiGraph, kinds: dict[str, str]) -> Analysis:
    """`kinds`: note id -> kind name. Pathways run through the notes of pathway kinds only (not assumptions
    and the like); the search budget is shared out between the impacts, each getting an equal part of what the
    ones before it left, so that on a large map every impact gets pathways, not only the first ones."""
    on_pathways = g.subgraph(n for n in g.nodes if kinds[n] not in BESIDE_PATHWAYS).copy()  # a view is slow to walk
    impacts = [n for n in g.nodes if kinds[n] == END_KIND]
    activities = [n for n in g.nodes if kinds[n] == START_KIND]
    pathways, budget, listed = [], MAX_TOTAL_STEPS, 0
    for i, impact in enumerate(impacts):
        left = len(impacts) - i
        limit = min(MAX_PATHS_PER_IMPACT, max(1, (MAX_TOTAL_PATHS - listed) // left)) if listed < MAX_TOTAL_PATHS else 0
        steps = min(MAX_STEPS, budget // left)
        found, used = pathways_into(on_pathways, impact, limit=limit, max_steps=steps if limit else 0)
        budget, listed = max(budget - used, 0), listed + len(found.paths)
        pathways.append(found)
    cycles = feedback_loops(g)
    downstream_of_activities = reachable(on_pathways, activities)
    upstream_of_impacts = reachable(on_pathways.reverse(copy=False), impacts)
    return Analysis(
        pathways=pathways,
        unlinked=[n for n in g.nodes if g.degree(n) == 0],
        cycles=cycles[:MAX_CYCLES],
        cycles_capped=len(cycles) > MAX_CYCLES,
        impacts_unreached=[i for i in impacts if i not in downstream_of_activities],
        activities_stranded=[a for a in activities if a not in upstream_of_impacts],
    )
