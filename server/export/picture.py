"""The board as the group laid it out: SVG, PNG and PDF, all drawn from one layout.

SVG is built as XML (so every piece of user text is escaped); PNG and PDF are drawn with Cairo directly,
which is many times faster than rendering the SVG for a large board.
"""

from __future__ import annotations

import io
import math
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from server.export.mapview import MapView

NOTE_WIDTH = 200
NOTE_HEIGHT = 120
MARGIN = 40
HEADER = 90
FONT_FAMILY = "DejaVu Sans"
LINE_HEIGHT = 16
CHARS_PER_LINE = 22
MAX_LINES = 6
LABEL_CHARS = 40
MAX_PNG_PIXELS = 12_000_000  # a bigger board is scaled down: no one reads a 100-megapixel picture
INK, ARROW, BORDER = "#111111", "#444444", "#555555"


@dataclass(frozen=True)
class Box:
    id: str
    kind: str
    x: float
    y: float
    fill: str
    kind_label: str
    text: str
    lines: list[str]


@dataclass(frozen=True)
class Arrow:
    id: str
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class Layout:
    title: str
    question: str
    width: float
    height: float
    boxes: list[Box]
    arrows: list[Arrow]


def _wrap(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, CHARS_PER_LINE, break_long_words=True) or [""])
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: CHARS_PER_LINE - 1] + "…"
    return lines


def _border_point(cx: float, cy: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the line from a note's centre (cx, cy) towards (tx, ty) leaves the note."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((NOTE_WIDTH / 2) / abs(dx) if dx else math.inf, (NOTE_HEIGHT / 2) / abs(dy) if dy else math.inf)
    return cx + dx * scale, cy + dy * scale


def layout(view: MapView) -> Layout:
    # Text the SVG (XML) or Cairo (valid UTF-8 without noncharacters) cannot carry becomes U+FFFD.
    view = view.for_xml()
    notes = view.notes
    min_x = min((n["x"] for n in notes), default=0.0)
    min_y = min((n["y"] for n in notes), default=0.0)
    max_x = max((n["x"] for n in notes), default=0.0) + NOTE_WIDTH
    max_y = max((n["y"] for n in notes), default=0.0) + NOTE_HEIGHT
    ox, oy = MARGIN - min_x, MARGIN + HEADER - min_y  # board coordinates -> picture coordinates
    boxes = [
        Box(
            n["id"],
            n["kind"],
            n["x"] + ox,
            n["y"] + oy,
            view.colour(n),
            view.kind_label(n).upper(),
            n["text"],
            _wrap(n["text"]),
        )
        for n in notes
    ]
    centre = {b.id: (b.x + NOTE_WIDTH / 2, b.y + NOTE_HEIGHT / 2) for b in boxes}
    arrows = []
    for lk in view.links:
        (sx, sy), (tx, ty) = centre[lk["source"]], centre[lk["target"]]
        x1, y1 = _border_point(sx, sy, tx, ty)
        x2, y2 = _border_point(tx, ty, sx, sy)
        label = " ".join(lk["label"].split())
        arrows.append(Arrow(lk["id"], x1, y1, x2, y2, label if len(label) <= LABEL_CHARS else label[:39] + "…"))
    return Layout(
        title=view.workshop["title"],
        question=view.workshop["question"],
        width=max(max_x - min_x + 2 * MARGIN, 640),
        height=max_y - min_y + 2 * MARGIN + HEADER,
        boxes=boxes,
        arrows=arrows,
    )


def _label_half_width(label: str) -> float:
    return len(label) * 3.6 + 5  # about half the label's width at 12px


# -- SVG ---------------------------------------------------------------------------------------------------


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: Any) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()})
    element.text = text
    return element


def svg(view: MapView) -> bytes:
    lay = layout(view)
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": f"{lay.width:.0f}",
            "height": f"{lay.height:.0f}",
            "viewBox": f"0 0 {lay.width:.0f} {lay.height:.0f}",
            "font-family": f"{FONT_FAMILY}, Arial, sans-serif",
        },
    )
    _el(root, "title", lay.title)
    marker = _el(
        _el(root, "defs"),
        "marker",
        id="arrow",
        viewBox="0 0 10 10",
        refX=10,
        refY=5,
        markerWidth=8,
        markerHeight=8,
        orient="auto-start-reverse",
    )
    _el(marker, "path", d="M 0 0 L 10 5 L 0 10 z", fill=ARROW)
    _el(root, "rect", width="100%", height="100%", fill="#ffffff")
    _el(root, "text", lay.title, x=MARGIN, y=MARGIN, font_size=24, font_weight="bold", fill=INK)
    _el(root, "text", lay.question, x=MARGIN, y=MARGIN + 30, font_size=16, fill="#333333")
    links = _el(root, "g", class_="links")
    for a in lay.arrows:
        _el(
            _el(links, "g", class_="link", data_id=a.id),
            "line",
            x1=f"{a.x1:.1f}",
            y1=f"{a.y1:.1f}",
            x2=f"{a.x2:.1f}",
            y2=f"{a.y2:.1f}",
            stroke=ARROW,
            stroke_width=2,
            marker_end="url(#arrow)",
        )
    notes = _el(root, "g", class_="notes")
    for b in lay.boxes:
        group = _el(notes, "g", class_="note", data_id=b.id, data_kind=b.kind)
        _el(group, "title", b.text)
        _el(
            group,
            "rect",
            x=f"{b.x:.1f}",
            y=f"{b.y:.1f}",
            width=NOTE_WIDTH,
            height=NOTE_HEIGHT,
            rx=8,
            fill=b.fill,
            stroke=BORDER,
            stroke_width=1,
        )
        _el(
            group,
            "text",
            b.kind_label,
            x=f"{b.x + 10:.1f}",
            y=f"{b.y + 18:.1f}",
            font_size=11,
            font_weight="bold",
            fill="#222222",
        )
        body = _el(group, "text", x=f"{b.x + 10:.1f}", y=f"{b.y + 38:.1f}", font_size=13, fill=INK)
        for i, line in enumerate(b.lines):
            _el(body, "tspan", line, x=f"{b.x + 10:.1f}", dy=0 if i == 0 else LINE_HEIGHT)
    labels = _el(root, "g", class_="link-labels")  # drawn last, so no note hides a label
    for a in lay.arrows:
        if a.label:
            mx, my, half = (a.x1 + a.x2) / 2, (a.y1 + a.y2) / 2, _label_half_width(a.label)
            _el(
                labels,
                "rect",
                x=f"{mx - half:.1f}",
                y=f"{my - 10:.1f}",
                width=f"{2 * half:.1f}",
                height=18,
                rx=4,
                fill="#ffffff",
                fill_opacity=0.9,
            )
            _el(
                labels,
                "text",
                a.label,
                x=f"{mx:.1f}",
                y=f"{my + 4:.1f}",
                font_size=12,
                fill="#222222",
                text_anchor="middle",
            )
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


# -- PNG and PDF (Cairo) -----------------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[float, float, float]:
    return int(colour[1:3], 16) / 255, int(colour[3:5], 16) / 255, int(colour[5:7], 16) / 255


def _draw(ctx: Any, lay: Layout) -> None:
    import cairocffi as cairo

    def font(size: float, bold: bool = False) -> None:
        ctx.select_font_face(
            FONT_FAMILY, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL
        )
        ctx.set_font_size(size)

    def text(x: float, y: float, value: str, colour: str = INK) -> None:
        ctx.set_source_rgb(*_rgb(colour))
        ctx.move_to(x, y)
        ctx.show_text(value)

    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    font(24, bold=True)
    text(MARGIN, MARGIN, lay.title)
    font(16)
    text(MARGIN, MARGIN + 30, lay.question, "#333333")
    ctx.set_line_width(2)
    for a in lay.arrows:
        ctx.set_source_rgb(*_rgb(ARROW))
        angle = math.atan2(a.y2 - a.y1, a.x2 - a.x1)
        tip_back = 9
        ctx.move_to(a.x1, a.y1)
        ctx.line_to(a.x2 - tip_back * math.cos(angle), a.y2 - tip_back * math.sin(angle))
        ctx.stroke()
        ctx.move_to(a.x2, a.y2)
        for side in (-1, 1):
            ctx.line_to(a.x2 - 10 * math.cos(angle + side * 0.45), a.y2 - 10 * math.sin(angle + side * 0.45))
        ctx.close_path()
        ctx.fill()
    ctx.set_line_width(1)
    for b in lay.boxes:
        r = 8
        ctx.new_sub_path()
        ctx.arc(b.x + NOTE_WIDTH - r, b.y + r, r, -math.pi / 2, 0)
        ctx.arc(b.x + NOTE_WIDTH - r, b.y + NOTE_HEIGHT - r, r, 0, math.pi / 2)
        ctx.arc(b.x + r, b.y + NOTE_HEIGHT - r, r, math.pi / 2, math.pi)
        ctx.arc(b.x + r, b.y + r, r, math.pi, 3 * math.pi / 2)
        ctx.close_path()
        ctx.set_source_rgb(*_rgb(b.fill))
        ctx.fill_preserve()
        ctx.set_source_rgb(*_rgb(BORDER))
        ctx.stroke()
        font(11, bold=True)
        text(b.x + 10, b.y + 18, b.kind_label, "#222222")
        font(13)
        for i, line in enumerate(b.lines):
            text(b.x + 10, b.y + 38 + i * LINE_HEIGHT, line)
    font(12)
    for a in lay.arrows:
        if a.label:
            mx, my, half = (a.x1 + a.x2) / 2, (a.y1 + a.y2) / 2, _label_half_width(a.label)
            ctx.set_source_rgba(1, 1, 1, 0.9)
            ctx.rectangle(mx - half, my - 10, 2 * half, 18)
            ctx.fill()
            width = ctx.text_extents(a.label)[4]
            text(mx - width / 2, my + 4, a.label, "#222222")


def png(view: MapView) -> bytes:
    import cairocffi as cairo

    lay = layout(view)
    scale = min(1.0, math.sqrt(MAX_PNG_PIXELS / (lay.width * lay.height)))
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, math.ceil(lay.width * scale), math.ceil(lay.height * scale))
    ctx = cairo.Context(surface)
    ctx.scale(scale, scale)
    _draw(ctx, lay)
    out = io.BytesIO()
    surface.write_to_png(out)
    return out.getvalue()


def pdf(view: MapView) -> bytes:
    import cairocffi as cairo

    lay = layout(view)
    out = io.BytesIO()
    surface = cairo.PDFSurface(out, lay.width, lay.height)
    surface.set_metadata(cairo.PDF_METADATA_TITLE, lay.title)
    _draw(cairo.Context(surface), lay)
    surface.finish()
    return out.getvalue()
