"""Diagram text: Graphviz DOT and Mermaid flowcharts, with every label escaped for its language."""

from __future__ import annotations

import textwrap

from server.export.mapview import MapView
from server.export.pathways import BESIDE_PATHWAYS


def _dot_string(text: str) -> str:
    """A DOT quoted string showing `text` as it is: backslashes (which start Graphviz's escapes such as \\N),
    quotes and ampersands (which start HTML entities such as &amp;) escaped, line breaks as \\n."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n")
    return '"' + escaped.replace("\n", "\\n") + '"'


# Graphviz's engines by the size of the map. `dot` draws the pathway as layers (activities to impacts), but its
# time grows steeply with crossings: a 100-note map with 200 labelled links takes it half a minute, a 200-note
# one more than ten. Above DOT_MAX_NOTES the file asks for `sfdp`, which lays out thousands of notes by force.
DOT_MAX_NOTES = 100
DOT_LIMITED_FROM = 40  # from here dot is told to stop improving crossings early (mclimit, nslimit)
NOTE_LINE = 30  # characters on a line of a note's label
NOTE_LINES = 10  # lines a note's label shows; the full text is its tooltip
LINK_LINE = 24
# Where a kind of note goes, left to right, when the map uses these names (the templates' kinds); kinds used
# beside a pathway (assumptions, evidence, other factors) are not ranked. Other kinds are ranked by how their
# links run: kinds whose notes lead to others come before the kinds they lead to.
PATHWAY_ORDER = (
    "situation",
    "problem",
    "cause",
    "activity",
    "output",
    "knowledge",
    "attitudes",
    "skills",
    "practice",
    "outcome",
    "change",
    "impact",
    "effect",
)


def _lines(text: str, width: int, max_lines: int | None = None) -> str:
    """`text` wrapped at spaces to lines of about `width` characters (a word longer than that is broken), its
    own line breaks kept; at most `max_lines`, the last cut with …"""
    wrapped = [
        line
        for paragraph in text.splitlines() or [""]
        for line in textwrap.wrap(paragraph, width, break_long_words=True, break_on_hyphens=False) or [""]
    ]
    if max_lines is not None and len(wrapped) > max_lines:
        wrapped = wrapped[:max_lines]
        wrapped[-1] = wrapped[-1][: width - 1] + "…"
    return "\n".join(wrapped)


def kind_ranks(view: MapView) -> list[str]:
    """The kinds the map uses that form its pathway, in order from where pathways start to where they end."""
    used = {n["kind"] for n in view.notes} - set(BESIDE_PATHWAYS)
    known = [k for k in PATHWAY_ORDER if k in used]
    others = used - set(known)
    if not others:
        return known
    flow: dict[str, list[int]] = {k: [0, 0] for k in used}  # links out to, and in from, other kinds
    for lk in view.links:
        source, target = view.by_id[lk["source"]]["kind"], view.by_id[lk["target"]]["kind"]
        if source != target and source in flow and target in flow:
            flow[source][0] += 1
            flow[target][1] += 1
    position = {k: flow[k][1] / (flow[k][0] + flow[k][1]) if sum(flow[k]) else None for k in used}
    for i, k in enumerate(known):  # known kinds keep their order, spread between 0 and 1
        position[k] = (i + 0.5) / len(known)
    placed = [k for k in used if position[k] is not None]
    return sorted(placed, key=lambda k: (position[k], k))


def dot(view: MapView) -> bytes:
    w = view.workshop
    notes = len(view.notes)
    engine = "dot" if notes <= DOT_MAX_NOTES else "sfdp"
    if engine == "dot":
        why = f"dot: it draws the pathway in layers, kinds left to right ({notes:,} notes)"
    else:
        why = f"sfdp: dot would take too long for {notes:,} notes (above {DOT_MAX_NOTES}); kinds are not ranked"
    lines = [
        f"// Pathweaver map: {notes:,} notes, {len(view.links):,} links. Layout engine: {why}.",
        "// `layout` below chooses it; render with e.g.  dot -Tsvg map.dot -o map.svg",
        "digraph pathways {",
        f"  label={_dot_string(w['title'] + (chr(10) + w['question'] if w['question'] else ''))};",
        "  labelloc=t;",
        '  fontname="DejaVu Sans";',
        f"  layout={engine};",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans"];',
        '  edge [fontname="DejaVu Sans", fontsize=11];',
    ]
    if engine == "dot" and notes > DOT_LIMITED_FROM:
        lines.append("  mclimit=0.2; nslimit=2; nslimit1=2;  // fewer passes over crossings: seconds, not minutes")
    if engine == "sfdp":
        lines.append("  overlap=prism; outputorder=edgesfirst;")
    for n in view.notes:
        lines.append(
            f"  {_dot_string(n['id'])} [label={_dot_string(_lines(n['text'], NOTE_LINE, NOTE_LINES))}, "
            f"fillcolor={_dot_string(view.colour(n))}, "
            f"tooltip={_dot_string(view.kind_label(n) + ': ' + n['text'])}];"
        )
    for lk in view.links:
        label = f" [label={_dot_string(_lines(lk['label'], LINK_LINE))}]" if lk["label"] else ""
        lines.append(f"  {_dot_string(lk['source'])} -> {_dot_string(lk['target'])}{label};")
    if engine == "dot":
        ranks = kind_ranks(view)
        by_kind: dict[str, list[str]] = {k: [] for k in ranks}
        for n in view.notes:
            if n["kind"] in by_kind:
                by_kind[n["kind"]].append(_dot_string(n["id"]))
        for kind in ranks:
            lines.append(f"  {{ rank=same; {'; '.join(by_kind[kind])}; }}  // {kind}")
        # Invisible links between the ranks keep them in the pathway's order even where no link joins them.
        firsts = [by_kind[k][0] for k in ranks]
        for a, b in zip(firsts, firsts[1:], strict=False):
            lines.append(f"  {a} -> {b} [style=invis, weight=0];")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode()


_MERMAID_ENTITIES = {
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "#": "#35;",
    "&": "#amp;",
    "|": "#124;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "`": "#96;",
}


def _mermaid_text(text: str) -> str:
    escaped = "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in text)
    return '"' + escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br/>") + '"'


# Mermaid's own defaults (mermaid.initialize: maxTextSize, maxEdges), which GitHub and most viewers keep: a
# larger diagram is not drawn, only an error.
MERMAID_MAX_TEXT = 50_000
MERMAID_MAX_EDGES = 500
LISTED_IMPACTS = 30


def mermaid(view: MapView) -> bytes:
    # Mermaid ids must be plain words, so notes get n0, n1 … in reading order; the text carries the meaning.
    ids = {n["id"]: f"n{i}" for i, n in enumerate(view.notes)}
    lines = ["flowchart LR"]
    for name, kind in view.kinds.items():
        lines.append(f"  classDef k_{name.replace('-', '_')} fill:{kind['colour']},stroke:#333,color:#111")
    for n in view.notes:
        lines.append(f"  {ids[n['id']]}[{_mermaid_text(n['text'])}]:::k_{n['kind'].replace('-', '_')}")
    for lk in view.links:
        label = f"|{_mermaid_text(lk['label'])}|" if lk["label"] else ""
        lines.append(f"  {ids[lk['source']]} -->{label} {ids[lk['target']]}")
    text = "\n".join(lines) + "\n"
    if len(text) > MERMAID_MAX_TEXT or len(view.links) > MERMAID_MAX_EDGES:
        text = lines[0] + "\n" + "\n".join(_mermaid_warning(view, len(text))) + "\n" + text.split("\n", 1)[1]
    return text.encode()


def _mermaid_warning(view: MapView, size: int) -> list[str]:
    """Comment lines saying the diagram is over Mermaid's default limits, and how to export one impact's part."""
    impacts = [n for n in view.notes if n["kind"] == "impact"]
    lines = [
        f"  %% WARNING: {size:,} characters and {len(view.links):,} links, over Mermaid's default limits",
        f"  %% (maxTextSize {MERMAID_MAX_TEXT:,}, maxEdges {MERMAID_MAX_EDGES}): GitHub and most viewers will not",
        "  %% draw it. Raise those limits where you can, or export one impact's pathways at a time:",
        "  %% GET /api/workshops/{workshop id}/export/mermaid?impact={note id}",
        "  %% or: pathweaver export {workshop id} -f mermaid --impact {note id}",
    ]
    if impacts:
        lines.append(f"  %% The map's impacts ({len(impacts):,}), note id then text:")
        for n in impacts[:LISTED_IMPACTS]:
            words = " ".join(n["text"].split())
            lines.append(f"  %%   {n['id']}  {words[:70] + ('…' if len(words) > 70 else '')}")
        if len(impacts) > LISTED_IMPACTS:
            lines.append(f"  %%   … and {len(impacts) - LISTED_IMPACTS:,} more (the JSON or CSV export lists them all)")
    return lines
