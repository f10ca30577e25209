"""Path analysis for the report: the pathways into each impact, loose notes, and cycles — always bounded.

Counting every path in a dense or cyclic map can take forever, so every enumeration has a cap and the
result says where it was reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

import networkx as nx

MAX_PATHS_PER_IMPACT = 50
MAX_PATH_LENGTH = 12  # notes in one pathway
MAX_CYCLES = 50
MAX_STEPS = 200_000  # search steps per impact
MAX_CYCLE_LENGTH = 12


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


def pathways_into(g: nx.DiGraph, target: str, limit: int = MAX_PATHS_PER_IMPACT) -> Pathways:
    """Simple chains of notes ending at `target`, each starting where nothing leads in (or, in a pure cycle,
    anywhere). Bounded three ways: at most `limit` chains, `MAX_PATH_LENGTH` notes each, `MAX_STEPS` of search."""
    distance = nx.single_source_shortest_path_length(g.reverse(copy=False), target, cutoff=MAX_PATH_LENGTH - 1)
    ancestors = set(distance) - {target}
    result = Pathways(target)
    if not ancestors:
        return result
    starts = sorted(n for n in ancestors if not any(p in ancestors for p in g.predecessors(n))) or sorted(ancestors)
    steps = 0
    for start in starts:
        # Depth-first, only through notes that can still reach the target within the length limit.
        path, on_path = [start], {start}
        stack = [iter(sorted(g.successors(start)))]
        while stack:
            steps += 1
            if steps > MAX_STEPS or len(result.paths) >= limit:
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
    return result


def analyse(g: nx.DiGraph, kinds: dict[str, str]) -> Analysis:
    """`kinds`: note id -> kind name."""
    impacts = [n for n in g.nodes if kinds[n] == "impact"]
    activities = [n for n in g.nodes if kinds[n] == "activity"]
    cycles = list(islice(nx.simple_cycles(g, length_bound=MAX_CYCLE_LENGTH), MAX_CYCLES + 1))
    reach = {a: nx.descendants(g, a) for a in activities}
    return Analysis(
        pathways=[pathways_into(g, i) for i in impacts],
        unlinked=[n for n in g.nodes if g.degree(n) == 0],
        cycles=cycles[:MAX_CYCLES],
        cycles_capped=len(cycles) > MAX_CYCLES,
        impacts_unreached=[i for i in impacts if not any(i in r for r in reach.values())] if activities else impacts,
        activities_stranded=[a for a in activities if not any(i in reach[a] for i in impacts)],
    )
