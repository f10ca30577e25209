"""Excel workbooks (XLSX): the M&E framework evaluators work from, and the map in the shapes PRSM and Kumu
import. Written by server/export/xlsx.py: every cell is text or a number exactly as typed, never a formula."""

from __future__ import annotations

from typing import Any

from server.board.pathways import END_KIND
from server.export import strength
from server.export.mapview import MapView
from server.export.xlsx import Sheet, workbook

OUTCOME_KINDS = ("outcome", END_KIND)  # the levels an M&E framework has rows for


# The M&E framework ---------------------------------------------------------------------------------------

ME_COLUMNS = (
    ("Level", 12),
    ("Outcome or impact", 40),
    ("Kind of change", 14),
    ("Indicator", 36),
    ("Baseline", 16),
    ("Target", 16),
    ("Data source", 24),
    ("Links into it", 40),
    ("Mechanisms", 48),
    ("Evidence", 40),
    ("Assumptions and risks", 40),
)


def source_text(source: dict[str, Any]) -> str:
    """A cited source as one line: its title, then its DOI as a link, or its web address."""
    address = f"https://doi.org/{source['doi']}" if source.get("doi") else source.get("url") or ""
    return f"{source['title']} {address}".strip() if source.get("title") else address


def evidence_text(link: dict[str, Any]) -> str:
    """A link's grade, confidence, support and sources, in a few words."""
    parts = [f"grade: {strength.grade_of(link)}"]
    mean = strength.mean_confidence(link)
    if mean is not None:
        values = (link.get("confidence") or {}).values()
        parts.append(f"confidence {mean:.1f}/5 from {len(values)} ({min(values)}–{max(values)})")
    if strength.contested(link):
        parts.append("contested")
    if link.get("support"):
        parts.append("support: " + ", ".join(link["support"]))
    parts.extend(source_text(s) for s in link.get("sources") or ())
    return "; ".join(parts)


def me_framework(view: MapView) -> bytes:
    """One row per indicator of each outcome and impact (one row if it has none yet), with the links into it."""
    view = view.for_xml()
    into: dict[str, list[dict[str, Any]]] = {}
    for lk in view.links:
        into.setdefault(lk["target"], []).append(lk)
    rows = []
    levels = [k for k in OUTCOME_KINDS if k in view.kinds]
    for note in sorted(
        (n for n in view.notes if n["kind"] in levels), key=lambda n: levels.index(n["kind"])
    ):  # outcomes, then impacts; each in the order they were made
        links = into.get(note["id"], [])

        def each(text: Any, links: list[dict[str, Any]] = links) -> str:
            return "\n".join(f"{view.by_id[lk['source']]['text']}: {text(lk)}" for lk in links if text(lk))

        shared = [
            "\n".join(view.by_id[lk["source"]]["text"] for lk in links),
            each(lambda lk: lk.get("mechanism", "")),
            each(evidence_text),
            each(lambda lk: "; ".join(view.by_id[a]["text"] for a in lk.get("assumptions") or () if a in view.by_id)),
        ]
        indicators = note.get("indicators") or [{}]
        for ind in indicators:
            rows.append(
                [
                    view.kind_label(note),
                    note["text"],
                    note.get("change") or "",
                    *(ind.get(k, "") for k in ("indicator", "baseline", "target", "source")),
                    *shared,
                ]
            )
    return workbook([Sheet("M&E framework", ME_COLUMNS, rows, wrap=True)])


# PRSM and Kumu ---------------------------------------------------------------------------------------------


def unique_labels(view: MapView, forbidden: str = "") -> dict[str, str]:
    """Note id -> a label no other note has. PRSM and Kumu join links to notes by label, so two notes with the
    same text would become one: the second and later get " (2)", " (3)"… `forbidden` characters become "¦"."""
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for note in view.notes:
        base = " ".join(note["text"].split())
        for ch in forbidden:
            base = base.replace(ch, "¦")
        label, n = base, 1
        while label in taken:
            n += 1
            label = f"{base} ({n})"
        taken.add(label)
        labels[note["id"]] = label
    return labels


def _link_extras(view: MapView, lk: dict[str, Any]) -> list[Any]:
    mean = strength.mean_confidence(lk)
    return [
        lk.get("mechanism", ""),
        strength.grade_of(lk),
        "" if mean is None else round(mean, 2),
        ", ".join(lk.get("support") or ()),
        "\n".join(source_text(s) for s in lk.get("sources") or ()),
        "\n".join(view.by_id[a]["text"] for a in lk.get("assumptions") or () if a in view.by_id),
    ]


LINK_EXTRA_COLUMNS = (
    ("Mechanism", 40),
    ("Evidence grade", 12),
    ("Mean confidence", 12),
    ("Support", 24),
    ("Sources", 40),
    ("Assumptions", 40),
)


def prsm(view: MapView) -> bytes:
    """The workbook PRSM opens (https://prsm.uk). Its help, doc/help/docs/Files.md in github.com/micrology/prsm,
    says: a sheet 'Factors' with a 'Label' column and optionally 'Description', 'Style' (1-9), 'x' and 'y';
    a sheet 'Links' with 'From' and 'To' (text identical to a factor's Label) and optionally 'Label',
    'Description', 'Style'; every other column becomes an attribute in PRSM's Data View."""
    view = view.for_xml()
    labels = unique_labels(view)
    return workbook(
        [
            Sheet(
                "Factors",
                (
                    ("Label", 40),
                    ("Description", 40),
                    ("x", 8),
                    ("y", 8),
                    ("Kind", 12),
                    ("Change", 12),
                    ("Indicators", 40),
                ),
                (
                    [
                        labels[n["id"]],
                        n["text"] if labels[n["id"]] != n["text"] else "",
                        n["x"],
                        n["y"],
                        view.kind_label(n),
                        n.get("change") or "",
                        "\n".join(i["indicator"] for i in n.get("indicators") or ()),
                    ]
                    for n in view.notes
                ),
            ),
            Sheet(
                "Links",
                (("From", 30), ("To", 30), ("Label", 20), ("Description", 40), *LINK_EXTRA_COLUMNS[1:]),
                (
                    [labels[lk["source"]], labels[lk["target"]], lk["label"], *_link_extras(view, lk)]
                    for lk in view.links
                ),
            ),
        ]
    )


def kumu(view: MapView) -> bytes:
    """The workbook Kumu imports. Kumu's guide "Structure your data for Kumu" (docs.kumu.io/guides/import/import)
    says: elements need 'Label' in column A and may have 'Type', 'Description', 'Tags' and any custom field;
    connections need 'From' in column A and 'To' in column B (element labels) and may have 'Type',
    'Description', 'Tags', 'Label', 'Strength'; the sheets are 'Elements' and 'Connections'. A `|` in a cell
    separates values (several 'To's draw several connections), so a `|` in a note's text becomes `¦`."""
    view = view.for_xml()
    labels = unique_labels(view, forbidden="|")
    return workbook(
        [
            Sheet(
                "Elements",
                (("Label", 40), ("Type", 12), ("Description", 40), ("Kind of change", 14), ("Indicators", 40)),
                (
                    [
                        labels[n["id"]],
                        view.kind_label(n),
                        n["text"] if labels[n["id"]] != n["text"] else "",
                        n.get("change") or "",
                        "\n".join(i["indicator"] for i in n.get("indicators") or ()),
                    ]
                    for n in view.notes
                ),
            ),
            Sheet(
                "Connections",
                (("From", 30), ("To", 30), ("Label", 20), ("Description", 40), *LINK_EXTRA_COLUMNS[1:]),
                (
                    [labels[lk["source"]], labels[lk["target"]], lk["label"], *_link_extras(view, lk)]
                    for lk in view.links
                ),
            ),
        ]
    )
