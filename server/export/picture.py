"""The board as the group laid it out: SVG (built as XML, so all text is escaped), and PNG and PDF from it."""

from __future__ import annotations

import math
import textwrap
import xml.etree.ElementTree as ET

from server.export.mapview import MapView

NOTE_WIDTH = 200
NOTE_HEIGHT = 120
MARGIN = 40
HEADER = 90
FONT = "DejaVu Sans, Arial, sans-serif"
LINE_HEIGHT = 16
CHARS_PER_LINE = 22
MAX_LINES = 6


def _wrap(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, CHARS_PER_LINE, break_long_words=True) or [""])
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: CHARS_PER_LINE - 1] + "…"
    return lines


def _border_point(cx: float, cy: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the line from the centre (cx, cy) towards (tx, ty) leaves a note's rectangle."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(
        (NOTE_WIDTH / 2) / abs(dx) if dx else math.inf,
        (NOTE_HEIGHT / 2) / abs(dy) if dy else math.inf,
    )
    return cx + dx * scale, cy + dy * scale


def svg(view: MapView) -> bytes:
    notes = view.notes
    min_x = min((n["x"] for n in notes), default=0.0)
    min_y = min((n["y"] for n in notes), default=0.0)
    max_x = max((n["x"] for n in notes), default=0.0) + NOTE_WIDTH
    max_y = max((n["y"] for n in notes), default=0.0) + NOTE_HEIGHT
    width = max(max_x - min_x + 2 * MARGIN, 640)
    height = max_y - min_y + 2 * MARGIN + HEADER
    ox, oy = MARGIN - min_x, MARGIN + HEADER - min_y  # board coordinates -> picture coordinates

    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": f"{width:.0f}",
            "height": f"{height:.0f}",
            "viewBox": f"0 0 {width:.0f} {height:.0f}",
            "font-family": FONT,
        },
    )
    ET.SubElement(root, "title").text = view.workshop["title"]
    defs = ET.SubElement(root, "defs")
    marker = ET.SubElement(
        defs,
        "marker",
        {
            "id": "arrow",
            "viewBox": "0 0 10 10",
            "refX": "10",
            "refY": "5",
            "markerWidth": "8",
            "markerHeight": "8",
            "orient": "auto-start-reverse",
        },
    )
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": "#444"})
    ET.SubElement(root, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
    header = ET.SubElement(
        root, "text", {"x": str(MARGIN), "y": str(MARGIN), "font-size": "24", "font-weight": "bold", "fill": "#111"}
    )
    header.text = view.workshop["title"]
    question = ET.SubElement(root, "text", {"x": str(MARGIN), "y": str(MARGIN + 30), "font-size": "16", "fill": "#333"})
    question.text = view.workshop["question"]

    arrows = ET.SubElement(root, "g", {"class": "links"})
    labels = ET.Element("g", {"class": "link-labels"})  # drawn last, so no note hides a label
    for lk in view.links:
        s, t = view.by_id[lk["source"]], view.by_id[lk["target"]]
        scx, scy = s["x"] + ox + NOTE_WIDTH / 2, s["y"] + oy + NOTE_HEIGHT / 2
        tcx, tcy = t["x"] + ox + NOTE_WIDTH / 2, t["y"] + oy + NOTE_HEIGHT / 2
        x1, y1 = _border_point(scx, scy, tcx, tcy)
        x2, y2 = _border_point(tcx, tcy, scx, scy)
        group = ET.SubElement(arrows, "g", {"class": "link", "data-id": lk["id"]})
        ET.SubElement(
            group,
            "line",
            {
                "x1": f"{x1:.1f}",
                "y1": f"{y1:.1f}",
                "x2": f"{x2:.1f}",
                "y2": f"{y2:.1f}",
                "stroke": "#444",
                "stroke-width": "2",
                "marker-end": "url(#arrow)",
            },
        )
        if lk["label"]:
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            one_line = " ".join(lk["label"].split())
            shown = one_line if len(one_line) <= 40 else one_line[:39] + "…"
            half = len(shown) * 3.6 + 5  # about half the label's width at 12px
            ET.SubElement(
                group,
                "rect",
                {
                    "x": f"{mx - half:.1f}",
                    "y": f"{my - 10:.1f}",
                    "width": f"{2 * half:.1f}",
                    "height": "18",
                    "rx": "4",
                    "fill": "#ffffff",
                    "fill-opacity": "0.9",
                },
            )
            label = ET.SubElement(
                group,
                "text",
                {
                    "x": f"{mx:.1f}",
                    "y": f"{my + 4:.1f}",
                    "font-size": "12",
                    "fill": "#222",
                    "text-anchor": "middle",
                },
            )
            label.text = shown

    cards = ET.SubElement(root, "g", {"class": "notes"})
    for n in notes:
        x, y = n["x"] + ox, n["y"] + oy
        group = ET.SubElement(cards, "g", {"class": "note", "data-id": n["id"], "data-kind": n["kind"]})
        ET.SubElement(group, "title").text = n["text"]
        ET.SubElement(
            group,
            "rect",
            {
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "width": str(NOTE_WIDTH),
                "height": str(NOTE_HEIGHT),
                "rx": "8",
                "fill": view.colour(n),
                "stroke": "#555",
                "stroke-width": "1",
            },
        )
        kind = ET.SubElement(
            group,
            "text",
            {"x": f"{x + 10:.1f}", "y": f"{y + 18:.1f}", "font-size": "11", "font-weight": "bold", "fill": "#222"},
        )
        kind.text = view.kind_label(n).upper()
        body = ET.SubElement(
            group, "text", {"x": f"{x + 10:.1f}", "y": f"{y + 38:.1f}", "font-size": "13", "fill": "#111"}
        )
        for i, line in enumerate(_wrap(n["text"])):
            span = ET.SubElement(body, "tspan", {"x": f"{x + 10:.1f}", "dy": "0" if i == 0 else str(LINE_HEIGHT)})
            span.text = line
    root.append(labels)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def png(view: MapView) -> bytes:
    import cairosvg

    return bytes(cairosvg.svg2png(bytestring=svg(view)))


def pdf(view: MapView) -> bytes:
    import cairosvg

    return bytes(cairosvg.svg2pdf(bytestring=svg(view)))
