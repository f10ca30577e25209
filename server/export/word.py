"""The contribution report as a Word document (DOCX, written with python-docx), since funders' forms are filled
from Word: the same content as the Markdown and HTML report (server/export/contribution.py), with headings,
numbered pathways and tables a reader can copy from."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph

from server.export import contribution
from server.export.mapview import MapView, iso
from server.export.pathways import analyse
from server.export.strength import GRADE_SCALE

ARROW = " → "
MAX_TABLE_ROWS = 2000  # rows in one table: Word slows to a crawl beyond, and the report says what it left out


def _hyperlink(paragraph: Paragraph, text: str, address: str) -> None:
    """A clickable link (python-docx has no call for one: this is the WordprocessingML it would write)."""
    rel = paragraph.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.extend([style, colour, underline])
    run.append(properties)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


class _Writer:
    """Adds paragraphs with a named style. python-docx looks a style up by its name in the whole style sheet on
    every paragraph, which took seconds on a large map: the ids are looked up once here."""

    def __init__(self, document: DocumentObject) -> None:
        self.document = document
        self.ids: dict[str, str] = {}

    def add(self, text: str, style: str | None = None) -> Paragraph:
        paragraph = self.document.add_paragraph(text)
        if style is not None:
            if style not in self.ids:
                self.ids[style] = self.document.styles[style].style_id
            paragraph._p.get_or_add_pPr().style = self.ids[style]
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        return self.add(text, "Title" if level == 0 else f"Heading {level}")


def _chain(notes: list[dict[str, Any]]) -> str:
    return ARROW.join(n["text"] for n in notes)


def _evidence(e: contribution.LinkEvidence) -> str:
    parts = [e.grade, *(["; ".join(e.support)] if e.support else [])]
    if e.raters:
        spread = "1 person" if e.raters == 1 else f"{e.raters} people ({e.low} to {e.high})"
        parts.append(f"confidence {e.mean:.1f} of 5 from {spread}")
    if e.contested:
        parts.append("⚖ contested")
    return "; ".join(parts)


def _table(out: _Writer, headings: list[str], rows: list[list[str]]) -> None:
    document = out.document
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    for row in rows[:MAX_TABLE_ROWS]:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    if len(rows) > MAX_TABLE_ROWS:
        out.add(f"Only the first {MAX_TABLE_ROWS:,} of {len(rows):,} rows are listed.")


def _impact(document: _Writer, c: contribution.ImpactContribution) -> None:
    document.heading(c.impact["text"], level=2)
    if c.impact.get("change"):
        document.add(f"Kind of change: {c.impact['change']}.")
    if not c.pathways:
        document.add("No pathway from an activity leads to this impact yet.")
    for number, p in enumerate(c.pathways, start=1):
        # Numbered in the text: Word's own numbering would run on from one impact's list into the next.
        document.heading(f"{number}. {_chain(p.notes)}", level=4)
        s = p.strength
        confidence = "not rated" if s.confidence is None else f"{s.confidence:.1f} of 5 at the lowest"
        if s.unrated and s.confidence is not None:
            confidence += f" ({s.unrated} link{'' if s.unrated == 1 else 's'} not rated)"
        weakest = "; ".join(e.source["text"] + ARROW + e.target["text"] for e in p.weakest)
        if len(p.weakest) > 1 and len(p.weakest) == len(p.notes) - 1:
            weakest = "all its links alike"
        document.add(f"Strength: evidence {s.grade}, confidence {confidence}. Weakest: {weakest}.")
        rests = [a["text"] for a in p.assumptions] + [
            f"the assumption that “{e.source['text']}” leads to “{e.target['text']}”" for e in p.assumption_only
        ]
        if rests:
            document.add("Rests on: " + "; ".join(rests) + ".")
    if c.capped:
        document.add("Only some pathways are listed: the map has more.")
    if c.links:
        document.heading("Mechanisms and evidence", level=3)
        _table(
            document,
            ["Link", "Mechanism", "Evidence", "Assumptions"],
            [
                [
                    e.source["text"] + ARROW + e.target["text"],
                    e.link.get("mechanism", ""),
                    _evidence(e),
                    "\n".join(a["text"] for a in e.assumptions),
                ]
                for e in c.links
            ],
        )
        cited = [(e, title, address) for e in c.links for title, address in e.sources]
        if cited:
            document.heading("Sources", level=3)
            for e, title, address in cited[:MAX_TABLE_ROWS]:
                paragraph = document.add("", "List Bullet")
                paragraph.add_run(e.source["text"] + ARROW + e.target["text"] + ": ")
                _hyperlink(paragraph, title, address)
    if c.indicators:
        document.heading("Indicators", level=3)
        _table(
            document,
            ["Of", "Indicator", "Baseline", "Target", "Data source"],
            [
                [note["text"], i["indicator"], i["baseline"], i["target"], i["source"]]
                for note, indicators in c.indicators
                for i in indicators
            ],
        )
    if c.other_factors:
        document.heading("Alternative explanations", level=3)
        for n in c.other_factors:
            document.add(n["text"], "List Bullet")
    if c.contested:
        document.heading("Contested links", level=3)
        for e in c.contested:
            text = f"{e.source['text']}{ARROW}{e.target['text']}: confidence from {e.low} to {e.high}"
            document.add(text, "List Bullet")


def document(view: MapView) -> bytes:
    view = view.for_xml()  # Word documents are XML: characters XML cannot carry become U+FFFD
    analysis = analyse(view.graph, {n["id"]: n["kind"] for n in view.notes})
    w = view.workshop
    word = Document()
    word.core_properties.title = w["title"][:255]
    doc = _Writer(word)
    doc.heading(w["title"], level=0)
    doc.add(f"Focal question: {w['question'] or '(none)'}")
    participants = len(view.snapshot["participants"])
    meta = doc.add(
        f"Workshop of {iso(w['created_at'])[:10]} · {participants} participant{'' if participants == 1 else 's'}"
        f" · {len(view.notes)} notes · {len(view.links)} links"
    )
    meta.runs[0].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    doc.heading("Contribution to each impact", level=1)
    doc.add(
        "How strong each pathway from an activity is: a chain is as strong as its weakest link, so a pathway "
        f"takes the lowest evidence grade of its links (on the scale {' < '.join(GRADE_SCALE)}; a link nobody "
        "graded is ungraded) and the lowest of their mean confidence (1–5). Weakest pathways first."
    )
    impacts = contribution.by_impact(view, analysis)
    for c in impacts:
        _impact(doc, c)
    if not impacts:
        doc.add("No notes of kind Impact yet.")
    doc.heading("Contribution stories", level=1)
    # Contribution stories are written on the board in a later version; each will be listed here.
    doc.add("None written yet.")
    doc.heading("Gaps", level=1)
    gaps = [
        ("Impacts that no activity reaches", analysis.impacts_unreached),
        ("Activities that reach no impact", analysis.activities_stranded),
        ("Notes linked to nothing", analysis.unlinked),
    ]
    for title, ids in gaps:
        if ids:
            doc.add(f"{title}:")
            for n in ids[:MAX_TABLE_ROWS]:
                doc.add(view.by_id[n]["text"], "List Bullet")
    if not any(ids for _, ids in gaps):
        doc.add(
            "None: every note is linked, every impact is reached by an activity, and every activity reaches an impact."
        )
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
