"""Exports: every format is a pure function from a map snapshot (`Board.to_dict()`) to bytes."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from server.export import subset
from server.export.mapview import MapView


def _module(name: str) -> ModuleType:
    """A format's module, imported the first time that format is asked for: the pictures bring Cairo and
    Pango, the documents python-docx and lxml, which together are most of the server's start-up time."""
    return importlib.import_module(f"server.export.{name}")


@dataclass(frozen=True)
class Format:
    name: str
    title: str  # what the console shows
    extension: str
    media_type: str
    render: Callable[[MapView, int], bytes]  # (map, export time in ms) -> file contents
    # The same without anyone's name, for the formats that can leave names out.
    render_without_names: Callable[[MapView, int], bytes] | None = None


class NamesKept(ValueError):
    """The format cannot leave names out."""


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format(
            "json",
            "Pathweaver JSON (re-importable)",
            "pathweaver.json",
            "application/json",
            lambda v, now: _module("pathweaver_json").export(v, now),
        ),
        Format(
            "csv",
            "CSV for spreadsheets (notes.csv + links.csv, re-importable)",
            "csv.zip",
            "application/zip",
            lambda v, now: _module("spreadsheet").export(v, now),
        ),
        Format("kumu", "Kumu blueprint JSON", "kumu.json", "application/json", lambda v, _: _module("kumu").export(v)),
        Format(
            "graphml",
            "GraphML (yEd, Cytoscape, PRSM)",
            "graphml",
            "application/graphml+xml",
            lambda v, _: _module("graph_files").graphml(v),
        ),
        Format("gexf", "GEXF (Gephi)", "gexf", "application/gexf+xml", lambda v, now: _module("gexf").gexf(v, now)),
        Format(
            "dot", "Graphviz DOT", "dot", "text/vnd.graphviz; charset=utf-8", lambda v, _: _module("diagrams").dot(v)
        ),
        Format(
            "mermaid",
            "Mermaid flowchart",
            "mmd",
            "text/plain; charset=utf-8",
            lambda v, _: _module("diagrams").mermaid(v),
        ),
        Format("svg", "Picture (SVG)", "svg", "image/svg+xml", lambda v, _: _module("picture").svg(v)),
        Format("png", "Picture (PNG)", "png", "image/png", lambda v, _: _module("picture").png(v)),
        Format("pdf", "Picture (PDF)", "pdf", "application/pdf", lambda v, _: _module("picture").pdf(v)),
        Format(
            "report-md",
            "Contribution report (Markdown)",
            "report.md",
            "text/markdown; charset=utf-8",
            lambda v, _: _module("report").markdown(v),
            lambda v, _: _module("report").markdown(v, names=False),
        ),
        Format(
            "report-html",
            "Contribution report (printable page)",
            "report.html",
            "text/html; charset=utf-8",
            lambda v, _: _module("report").html(v),
            lambda v, _: _module("report").html(v, names=False),
        ),
        Format(
            "report-docx",
            "Contribution report (Word)",
            "report.docx",
            DOCX,
            lambda v, _: _module("word").document(v),
        ),
        Format(
            "me-xlsx",
            "M&E framework (Excel): indicators and the links into each outcome and impact",
            "me-framework.xlsx",
            XLSX,
            lambda v, _: _module("workbooks").me_framework(v),
        ),
        Format("prsm-xlsx", "PRSM workbook (Excel)", "prsm.xlsx", XLSX, lambda v, _: _module("workbooks").prsm(v)),
        Format("kumu-xlsx", "Kumu workbook (Excel)", "kumu.xlsx", XLSX, lambda v, _: _module("workbooks").kumu(v)),
    ]
}


def export(
    snapshot: dict[str, Any], format_name: str, now: int, towards: str | None = None, names: bool = True
) -> bytes:
    """The map in one format; with `towards`, only the part of it that leads to that note (an impact); with
    `names` false, without anyone's name (the reports only). Raises KeyError for an unknown format name,
    subset.UnknownNote for a note the map does not have, NamesKept for a format that cannot leave names out."""
    chosen = FORMATS[format_name]
    render = chosen.render if names else chosen.render_without_names
    if render is None:
        raise NamesKept(f"the {format_name} format keeps names; only the reports leave them out")
    if towards is not None:
        snapshot = subset.towards(snapshot, towards)
    return render(MapView(snapshot), now)


def filename(title: str, format_name: str) -> str:
    """A safe download name from the workshop title, e.g. `evidence-to-policy.graphml`."""
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "pathweaver-map"
    return f"{stem}.{FORMATS[format_name].extension}"
