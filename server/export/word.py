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
from docx.oxml.table import CT_Tbl
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph

from server.export import contribution
from server.export.mapview import MapView, iso
from server.export.pathways import analyse
from server.export.strength import GRADE_SCALE

ARROW = " → "
MAX_TABLE_ROWS = 2000  # rows in one table: Word slows to a crawl beyond, and the report says what it left out


def _run(text: str, bold: bool = False) -> Any:
    """A w:r holding `text`, each line break a w:br (what python-docx's run.text writes, without its clearing)."""
    run = OxmlElement("w:r")
    if bold:
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:b"))
        run.append(properties)
    for i, line in enumerate(text.split("\n")):
        if i:
            run.append(OxmlElement("w:br"))
        t = OxmlElement("w:t")
        t.text = line
        t.set(qn("xml:space"), "preserve")
        run.append(t)
    return run


class _Writer:
    """Adds paragraphs and links to a document at the speed a large map needs. python-docx looks a paragraph
    style up by name in the whole style sheet, finds the end of the body by scanning it, and numbers a new link
    by scanning every link there is — each for every paragraph, which took many seconds on a 5,000-note map.
    Here each is done once."""

    def __init__(self, document: DocumentObject) -> None:
        self.document = document
        self.end = document.element.body.sectPr  # paragraphs go before the section's properties, which end the body
        self.style_ids: dict[str, str] = {}
        self.link_ids: dict[str, str] = {}
        self.width: Any = None

    def add(self, text: str, style: str | None = None) -> Paragraph:
        p = OxmlElement("w:p")
        self.end.addprevious(p)
        paragraph = Paragraph(p, self.document._body)
        if style is not None:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            properties, style_id = OxmlElement("w:pPr"), OxmlElement("w:pStyle")
            style_id.set(qn("w:val"), self.style_ids[style])
            properties.append(style_id)
            p.insert(0, properties)
        if text:
            p.append(_run(text))
        return paragraph

    def table(self, headings: list[str], rows: list[list[str]]) -> None:
        """A "Table Grid" table: a bold header row, then `rows`, as built by python-docx's add_table, without
        its look-ups of the page width and the style on every call."""
        if self.width is None:
            self.width = self.document._block_width
            self.style_ids["Table Grid"] = self.document.styles["Table Grid"].style_id
        tbl = CT_Tbl.new_tbl(0, len(headings), self.width)
        tbl.tblStyle_val = self.style_ids["Table Grid"]
        self.end.addprevious(tbl)
        for index, row in enumerate([headings, *rows]):
            tr = tbl.add_tr()
            for value in row:
                if value:  # a new cell holds one empty paragraph, as Word requires
                    tr.add_tc().p_lst[0].append(_run(value, bold=index == 0))
                else:
                    tr.add_tc()

    def heading(self, text: str, level: int) -> Paragraph:
        return self.add(text, "Title" if level == 0 else f"Heading {level}")

    def hyperlink(self, paragraph: Paragraph, text: str, address: str) -> None:
        """A clickable link (python-docx has no call for one: this is the WordprocessingML it would write)."""
        if address not in self.link_ids:
            self.link_ids[address] = f"rIdLink{len(self.link_ids) + 1}"
            paragraph.part.rels.add_relationship(
                RELATIONSHIP_TYPE.HYPERLINK, address, self.link_ids[address], is_external=True
            )
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), self.link_ids[address])
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
    out.table(headings, rows[:MAX_TABLE_ROWS])
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
                document.hyperlink(paragraph, title, address)
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
    told = contribution.stories(view)
    for story in told:
        doc.heading(story.title, level=2)
        along = " → ".join(story.pathway)
        doc.add(f"Along the pathway: {along}" + (" (a step of it was deleted since)" if story.broken else ""))
        for heading, text in story.parts:
            doc.add(f"{heading}: {text}")
        if story.other_factors:
            doc.add("Other factors that may explain it: " + "; ".join(story.other_factors))
    if not told:
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
