"""Diagram text: Graphviz DOT and Mermaid flowcharts, with every label escaped for its language."""

from __future__ import annotations

from server.export.mapview import MapView


def _dot_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\r", "\n")
    return '"' + escaped.replace("\n", "\\n") + '"'


def dot(view: MapView) -> bytes:
    w = view.workshop
    lines = [
        "digraph pathways {",
        f"  label={_dot_string(w['title'] + (chr(10) + w['question'] if w['question'] else ''))};",
        "  labelloc=t;",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans"];',
        '  edge [fontname="DejaVu Sans"];',
    ]
    for n in view.notes:
        lines.append(
            f"  {_dot_string(n['id'])} [label={_dot_string(n['text'])}, fillcolor={_dot_string(view.colour(n))}, "
            f"tooltip={_dot_string(view.kind_label(n))}];"
        )
    for lk in view.links:
        label = f" [label={_dot_string(lk['label'])}]" if lk["label"] else ""
        lines.append(f"  {_dot_string(lk['source'])} -> {_dot_string(lk['target'])}{label};")
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
    return ("\n".join(lines) + "\n").encode()
