"""The board as the group laid it out: SVG, PNG and PDF, all drawn from one layout (picture_layout.py).

SVG is built as a tree of elements and written as XML, every piece of user text escaped (by hand rather than
through ElementTree, which spent more than half of a large map's export on its generality), and carries its
text as text, with the direction of its script (Arabic and Hebrew right to left); PNG and PDF are drawn with Cairo
(picture_cairo.py), which is many times faster than rendering the SVG for a large board.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from server.export import picture_cairo
from server.export.mapview import MapView
from server.export.picture_layout import LABEL_HEIGHT, LINE_HEIGHT, MARGIN, Arrow, layout

FONT_FAMILY = "DejaVu Sans"
INK, ARROW, BORDER = "#111111", "#444444", "#555555"
UNDER_STYLE: dict[str, Any] = {"fill": "none", "stroke": ARROW, "stroke_width": 2, "marker_end": "url(#arrow)"}
OVER_STYLE: dict[str, Any] = {**UNDER_STYLE, "stroke_width": 1.5, "stroke_opacity": 0.6}


def rtl(text: str) -> bool:
    """Whether text reads right to left: its first strongly directional character is Arabic or Hebrew."""
    for ch in text:
        direction = unicodedata.bidirectional(ch)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


class _Element:
    """An SVG element: its tag, attributes (in order), text and children."""

    __slots__ = ("tag", "attrs", "text", "children")

    def __init__(self, tag: str, attrs: dict[str, str], text: str | None = None) -> None:
        self.tag, self.attrs, self.text = tag, attrs, text
        self.children: list[_Element] = []

    def write(self, out: list[str]) -> None:
        out.append(f"<{self.tag}")
        for key, value in self.attrs.items():
            out.append(f' {key}="{_escape_attribute(value)}"')
        if not self.text and not self.children:
            out.append(" />")
            return
        out.append(">")
        if self.text:
            out.append(_escape_text(self.text))
        for child in self.children:
            child.write(out)
        out.append(f"</{self.tag}>")


def _escape_text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _escape_attribute(value: str) -> str:
    value = _escape_text(value)
    for raw, escaped in (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;")):
        if raw in value:
            value = value.replace(raw, escaped)
    return value


@cache
def _attribute_name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def _el(parent: _Element, tag: str, text: str | None = None, **attrs: Any) -> _Element:
    element = _Element(tag, {_attribute_name(k): str(v) for k, v in attrs.items()}, text)
    parent.children.append(element)
    return element


def _text(parent: _Element, value: str, left: float, right: float, y: float, **attrs: Any) -> _Element:
    """A line of text between `left` and `right`, starting from the side its script starts from."""
    if rtl(value):
        return _el(parent, "text", value, x=f"{right:.1f}", y=f"{y:.1f}", direction="rtl", **attrs)
    return _el(parent, "text", value, x=f"{left:.1f}", y=f"{y:.1f}", **attrs)


def _path(a: Arrow) -> str:
    if a.via:
        return "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in a.points)
    if a.curved:
        return f"M {a.x1:.1f} {a.y1:.1f} Q {a.cx:.1f} {a.cy:.1f} {a.x2:.1f} {a.y2:.1f}"
    return f"M {a.x1:.1f} {a.y1:.1f} L {a.x2:.1f} {a.y2:.1f}"


def svg(view: MapView) -> bytes:
    lay = layout(view)
    root = _Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": f"{lay.width:.0f}",
            "height": f"{lay.height:.0f}",
            "viewBox": f"0 0 {lay.width:.0f} {lay.height:.0f}",
            "font-family": f"{FONT_FAMILY}, 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans CJK SC', "
            "'WenQuanYi Micro Hei', 'Noto Color Emoji', Arial, sans-serif",
        },
    )
    _text(root, lay.title, MARGIN, lay.width - MARGIN, MARGIN, font_size=24, font_weight="bold", fill=INK)
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
    root.children.insert(0, _Element("rect", {"width": "100%", "height": "100%", "fill": "#ffffff"}))
    _text(root, lay.question, MARGIN, lay.width - MARGIN, MARGIN + 30, font_size=16, fill="#333333")
    legend = _el(root, "g", class_="legend")
    for item in lay.legend:
        entry = _el(legend, "g", class_="legend-kind", data_kind=item.kind)
        _el(
            entry,
            "rect",
            x=f"{item.x:.1f}",
            y=f"{item.y - 11:.1f}",
            width=14,
            height=14,
            rx=3,
            fill=item.colour,
            stroke=BORDER,
        )
        _el(entry, "text", item.label, x=f"{item.x + 20:.1f}", y=f"{item.y:.1f}", font_size=13, fill=INK)
    links = _el(root, "g", class_="links")
    for a in lay.arrows:
        if not a.over:
            _el(_el(links, "g", class_="link", data_id=a.id), "path", d=_path(a), **UNDER_STYLE)
        if leader := a.leader():
            x1, y1, x2, y2 = leader
            _el(
                links,
                "line",
                x1=f"{x1:.1f}",
                y1=f"{y1:.1f}",
                x2=f"{x2:.1f}",
                y2=f"{y2:.1f}",
                stroke="#888888",
                stroke_dasharray="3 3",
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
            width=f"{b.w:.0f}",
            height=f"{b.h:.0f}",
            rx=8,
            fill=b.fill,
            stroke=BORDER,
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
        right = rtl(b.text)
        body = _el(
            group,
            "text",
            x=f"{b.x + (b.w - 10 if right else 10):.1f}",
            y=f"{b.y + 38:.1f}",
            font_size=13,
            fill=INK,
            **({"direction": "rtl"} if right else {}),
        )
        for i, line in enumerate(b.lines):
            _el(body, "tspan", line, x=f"{b.x + (b.w - 10 if right else 10):.1f}", dy=0 if i == 0 else LINE_HEIGHT)
    # Arrows that cross a note other than their ends (no way around it was found) go over the notes, thin and
    # half transparent so that the note's text still reads through them: under a note they would show a step
    # through it that is not there.
    over = _el(root, "g", class_="links-over")
    for a in lay.arrows:
        if a.over:
            _el(_el(over, "g", class_="link", data_id=a.id), "path", d=_path(a), **OVER_STYLE)
    labels = _el(root, "g", class_="link-labels")  # drawn last, in free space: no note hides a label, nor it a note
    for a in lay.arrows:
        if a.label and a.label_box:
            r = a.label_box
            group = _el(labels, "g", class_="link-label", data_id=a.id)
            _el(
                group,
                "rect",
                x=f"{r.x:.1f}",
                y=f"{r.y:.1f}",
                width=f"{r.w:.1f}",
                height=LABEL_HEIGHT,
                rx=4,
                fill="#ffffff",
                stroke="#bbbbbb",
            )
            _el(
                group,
                "text",
                a.label,
                x=f"{r.x + r.w / 2:.1f}",
                y=f"{r.y + 13:.1f}",
                font_size=12,
                fill="#222222",
                text_anchor="middle",
                **({"direction": "rtl"} if rtl(a.label) else {}),
            )
    out = ["<?xml version='1.0' encoding='utf-8'?>\n"]
    root.write(out)
    return "".join(out).encode("utf-8")


def png(view: MapView) -> bytes:
    # A map too large for its text to be read in the picture is drawn as an overview (picture_cairo.png), without
    # link labels: placing thousands of labels is most of the work, for text a pixel or two tall. The SVG and the
    # PDF's tiles carry every label.
    overview = layout(view, place_labels=False)
    if picture_cairo.png_scale(overview) < picture_cairo.OVERVIEW_SCALE:
        return picture_cairo.png(overview)
    return picture_cairo.png(layout(view))


def pdf(view: MapView) -> bytes:
    return picture_cairo.pdf(layout(view))
