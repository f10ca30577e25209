"""PNG and PDF pictures of the map, drawn with Cairo from the layout in picture_layout.py.

Text is laid out by Pango when it is there (pangocairocffi): Arabic joined and right to left, Chinese and
emoji from fallback fonts, lines wrapped and cut with an ellipsis to fit their box. Without Pango, Cairo's
own text drawing is used (Latin scripts look right; others may not).
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

from server.export.picture_layout import LABEL_PAD, LINE_HEIGHT, MARGIN, Layout

FONT_FAMILY = "DejaVu Sans"
INK, ARROW, BORDER = "#111111", "#444444", "#555555"
MAX_PNG_PIXELS = 12_000_000  # a bigger board is scaled down: no one reads a 100-megapixel picture

try:
    with warnings.catch_warnings():  # the bindings read their C definitions from files they leave open
        warnings.simplefilter("ignore", ResourceWarning)
        import pangocairocffi
        import pangocffi
        from pangocairocffi import ffi_build as _ffi_build

    for _name in ("c_definitions_cairo_file", "c_definitions_pangocairo_file"):  # read at import, never closed
        getattr(getattr(_ffi_build, _name, None), "close", lambda: None)()
except (ImportError, OSError):  # the package, or the Pango library it loads, is missing
    pangocairocffi = None
    pangocffi = None


def _rgb(colour: str) -> tuple[float, float, float]:
    return int(colour[1:3], 16) / 255, int(colour[3:5], 16) / 255, int(colour[5:7], 16) / 255


class _Writer:
    """Draws text in a box: with Pango (shaped, bidirectional, wrapped) or with Cairo's toy text."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.layouts: dict[tuple[float, bool, bool], Any] = {}  # one Pango layout per style, reused

    def text(
        self,
        value: str,
        x: float,
        top: float,
        width: float,
        size: float,
        *,
        bold: bool = False,
        colour: str = INK,
        lines: list[str] | None = None,
        max_lines: int = 1,
        centre: bool = False,
    ) -> None:
        """`value` from `top` in a box `width` wide; `lines` are its lines pre-wrapped, for the fallback."""
        ctx = self.ctx
        ctx.set_source_rgb(*_rgb(colour))
        if pangocairocffi is None or pangocffi is None:
            import cairocffi as cairo

            ctx.select_font_face(
                FONT_FAMILY, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL
            )
            ctx.set_font_size(size)
            for i, line in enumerate(lines if lines is not None else [value]):
                offset = (width - ctx.text_extents(line)[4]) / 2 if centre else 0
                ctx.move_to(x + offset, top + size + i * LINE_HEIGHT)
                ctx.show_text(line)
            return
        layout = self.layouts.get((size, bold, centre))
        if layout is None:
            layout = self.layouts[(size, bold, centre)] = pangocairocffi.create_layout(ctx)
            font = pangocffi.FontDescription()
            font.family = FONT_FAMILY  # fontconfig falls back, character by character, to fonts for other scripts
            font.size = pangocffi.units_from_double(size * 0.75)  # Pango sizes are in points, at 96 dpi for Cairo
            font.weight = pangocffi.Weight.BOLD if bold else pangocffi.Weight.NORMAL
            layout.font_description = font
            layout.wrap = pangocffi.WrapMode.WORD_CHAR
            layout.ellipsize = pangocffi.EllipsizeMode.END
            if centre:
                layout.alignment = pangocffi.Alignment.CENTER
        layout.width = pangocffi.units_from_double(width)
        layout.height = -max_lines  # at most this many lines, the last cut with …
        layout.text = value
        ctx.move_to(x, top)
        pangocairocffi.show_layout(ctx, layout)


def _rounded(ctx: Any, x: float, y: float, w: float, h: float, r: float) -> None:
    ctx.new_sub_path()
    ctx.arc(x + w - r, y + r, r, -math.pi / 2, 0)
    ctx.arc(x + w - r, y + h - r, r, 0, math.pi / 2)
    ctx.arc(x + r, y + h - r, r, math.pi / 2, math.pi)
    ctx.arc(x + r, y + r, r, math.pi, 3 * math.pi / 2)
    ctx.close_path()


def _draw(ctx: Any, lay: Layout) -> None:
    write = _Writer(ctx)
    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    write.text(lay.title, MARGIN, MARGIN - 22, lay.width - 2 * MARGIN, 24, bold=True)
    write.text(lay.question, MARGIN, MARGIN + 14, lay.width - 2 * MARGIN, 16, colour="#333333")
    for item in lay.legend:
        _rounded(ctx, item.x, item.y - 11, 14, 14, 3)
        ctx.set_source_rgb(*_rgb(item.colour))
        ctx.fill_preserve()
        ctx.set_source_rgb(*_rgb(BORDER))
        ctx.set_line_width(1)
        ctx.stroke()
        write.text(item.label, item.x + 20, item.y - 13, 300, 13)
    ctx.set_line_width(2)
    for a in lay.arrows:
        ctx.set_source_rgb(*_rgb(ARROW))
        tx, ty = a.x2 - a.cx, a.y2 - a.cy
        if not a.curved:
            tx, ty = a.x2 - a.x1, a.y2 - a.y1
        angle = math.atan2(ty, tx)
        end_x, end_y = a.x2 - 9 * math.cos(angle), a.y2 - 9 * math.sin(angle)
        ctx.move_to(a.x1, a.y1)
        if a.curved:  # the quadratic as a cubic
            c1 = (a.x1 + 2 / 3 * (a.cx - a.x1), a.y1 + 2 / 3 * (a.cy - a.y1))
            c2 = (end_x + 2 / 3 * (a.cx - end_x), end_y + 2 / 3 * (a.cy - end_y))
            ctx.curve_to(*c1, *c2, end_x, end_y)
        else:
            ctx.line_to(end_x, end_y)
        ctx.stroke()
        ctx.move_to(a.x2, a.y2)
        for side in (-1, 1):
            ctx.line_to(a.x2 - 10 * math.cos(angle + side * 0.45), a.y2 - 10 * math.sin(angle + side * 0.45))
        ctx.close_path()
        ctx.fill()
        if leader := a.leader():
            ctx.save()
            ctx.set_source_rgb(0.53, 0.53, 0.53)
            ctx.set_line_width(1)
            ctx.set_dash([3, 3])
            ctx.move_to(leader[0], leader[1])
            ctx.line_to(leader[2], leader[3])
            ctx.stroke()
            ctx.restore()
    ctx.set_line_width(1)
    for b in lay.boxes:
        _rounded(ctx, b.x, b.y, b.w, b.h, 8)
        ctx.set_source_rgb(*_rgb(b.fill))
        ctx.fill_preserve()
        ctx.set_source_rgb(*_rgb(BORDER))
        ctx.stroke()
        write.text(b.kind_label, b.x + 10, b.y + 5, b.w - 20, 11, bold=True, colour="#222222")
        write.text(b.text, b.x + 10, b.y + 25, b.w - 20, 13, lines=b.lines, max_lines=len(b.lines))
    for a in lay.arrows:  # last, in free space: no note hides a label, nor a label a note
        if a.label and a.label_box:
            r = a.label_box
            _rounded(ctx, r.x, r.y, r.w, r.h, 4)
            ctx.set_source_rgb(1, 1, 1)
            ctx.fill_preserve()
            ctx.set_source_rgb(0.73, 0.73, 0.73)
            ctx.stroke()
            write.text(a.label, r.x + LABEL_PAD, r.y + 2, r.w - 2 * LABEL_PAD, 12, colour="#222222", centre=True)


def png(lay: Layout) -> bytes:
    import cairocffi as cairo

    scale = min(1.0, math.sqrt(MAX_PNG_PIXELS / (lay.width * lay.height)))
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, math.ceil(lay.width * scale), math.ceil(lay.height * scale))
    ctx = cairo.Context(surface)
    ctx.scale(scale, scale)
    _draw(ctx, lay)
    out = io.BytesIO()
    surface.write_to_png(out)
    return out.getvalue()


def pdf(lay: Layout) -> bytes:
    import cairocffi as cairo

    out = io.BytesIO()
    surface = cairo.PDFSurface(out, lay.width, lay.height)
    surface.set_metadata(cairo.PDF_METADATA_TITLE, lay.title)
    _draw(cairo.Context(surface), lay)
    surface.finish()
    return out.getvalue()
