"""PNG and PDF pictures of the map, drawn with Cairo from the layout in picture_layout.py.

Text is laid out by Pango when it is there (pangocairocffi): Arabic joined and right to left, Chinese and
emoji from fallback fonts, lines wrapped and cut with an ellipsis to fit their box. Without Pango, Cairo's
own text drawing is used (Latin scripts look right; others may not).
"""

from __future__ import annotations

import io
import math
import struct
import sys
import warnings
import zlib
from dataclasses import dataclass
from typing import Any

from server.export.picture_layout import LABEL_PAD, LINE_HEIGHT, MARGIN, Arrow, Box, Layout, LegendItem, Rect

FONT_FAMILY = "DejaVu Sans"
INK, ARROW, BORDER = "#111111", "#444444", "#555555"
OVER_WIDTH, OVER_ALPHA = 1.5, 0.6  # an arrow drawn over the notes it crosses: thin and see-through, text reads
HAIRLINE = "#8a8a8a"  # an arrow one pixel wide, as light as a 2 px arrow drawn at a quarter of its size
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

    def __init__(self, ctx: Any, keep: bool = False) -> None:
        self.ctx = ctx
        self.layouts: dict[tuple[float, bool, bool], Any] = {}  # one Pango layout per style, reused
        self.fonts: dict[tuple[float, bool], Any] = {}
        # With `keep`, a laid out text is kept for when it is drawn again: a PDF draws a note on every tile it
        # is on, and on the overview, and Pango laying out thousands of notes again was much of its time.
        self.kept: dict[tuple[str, float, float, bool, bool, int], Any] | None = {} if keep else None

    def _font(self, size: float, bold: bool) -> Any:
        """One font description per style, for every layout of that style."""
        assert pangocffi is not None
        if (size, bold) in self.fonts:
            return self.fonts[(size, bold)]
        font = self.fonts[(size, bold)] = pangocffi.FontDescription()
        font.family = FONT_FAMILY  # fontconfig falls back, character by character, to fonts for other scripts
        font.size = pangocffi.units_from_double(size * 0.75)  # Pango sizes are in points, at 96 dpi for Cairo
        font.weight = pangocffi.Weight.BOLD if bold else pangocffi.Weight.NORMAL
        return font

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
        key = (value, width, size, bold, centre, max_lines)
        if self.kept is not None and (kept := self.kept.get(key)) is not None:
            ctx.move_to(x, top)
            pangocairocffi.show_layout(ctx, kept)
            return
        layout = None if self.kept is not None else self.layouts.get((size, bold, centre))
        if layout is None:
            layout = pangocairocffi.create_layout(ctx)
            if self.kept is None:
                self.layouts[(size, bold, centre)] = layout
            else:
                self.kept[key] = layout
            layout.font_description = self._font(size, bold)
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
    """The whole picture in picture coordinates: white ground, header, then the map."""
    write = _Writer(ctx)
    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    _header(ctx, write, lay)
    _map(ctx, write, lay.arrows, lay.boxes)


def _header(ctx: Any, write: _Writer, lay: Layout) -> None:
    write.text(lay.title, MARGIN, MARGIN - 22, lay.width - 2 * MARGIN, 24, bold=True)
    write.text(lay.question, MARGIN, MARGIN + 14, lay.width - 2 * MARGIN, 16, colour="#333333")
    _legend(ctx, write, lay.legend)


def _legend(ctx: Any, write: _Writer, legend: list[LegendItem]) -> None:
    for item in legend:
        _rounded(ctx, item.x, item.y - 11, 14, 14, 3)
        ctx.set_source_rgb(*_rgb(item.colour))
        ctx.fill_preserve()
        ctx.set_source_rgb(*_rgb(BORDER))
        ctx.set_line_width(1)
        ctx.stroke()
        write.text(item.label, item.x + 20, item.y - 13, 300, 13)


def _angle(a: Arrow) -> float:
    """The arrow's direction where it meets its target."""
    if a.via:
        return math.atan2(a.y2 - a.via[-1][1], a.x2 - a.via[-1][0])
    if a.curved:
        return math.atan2(a.y2 - a.cy, a.x2 - a.cx)
    return math.atan2(a.y2 - a.y1, a.x2 - a.x1)


def _clipped(x1: float, y1: float, x2: float, y2: float, r: Rect) -> tuple[float, float, float, float] | None:
    """The part of a segment inside a rectangle (Liang–Barsky), None when there is none."""
    low, high, dx, dy = 0.0, 1.0, x2 - x1, y2 - y1
    for p, q in ((-dx, x1 - r.x), (dx, r.x + r.w - x1), (-dy, y1 - r.y), (dy, r.y + r.h - y1)):
        if p == 0:
            if q < 0:
                return None
            continue
        low, high = (max(low, q / p), high) if p < 0 else (low, min(high, q / p))
        if low > high:
            return None
    return x1 + low * dx, y1 + low * dy, x1 + high * dx, y1 + high * dy


def _arrow_line(ctx: Any, a: Arrow, within: Rect | None = None) -> None:
    """The arrow's line, stopping short of its head; a straight or bent one only where it is `within`: Cairo's
    PDF surface pays for every coordinate of a long line drawn on a tile that shows a little of it."""
    angle = _angle(a)
    end_x, end_y = a.x2 - 9 * math.cos(angle), a.y2 - 9 * math.sin(angle)
    if within is not None and not a.curved:
        points = [(a.x1, a.y1), *a.via, (end_x, end_y)]
        for k in range(len(points) - 1):
            if part := _clipped(*points[k], *points[k + 1], within):
                ctx.move_to(part[0], part[1])
                ctx.line_to(part[2], part[3])
        return
    ctx.move_to(a.x1, a.y1)
    if a.via:
        for x, y in a.via:
            ctx.line_to(x, y)
        ctx.line_to(end_x, end_y)
    elif a.curved:  # the quadratic as a cubic
        c1 = (a.x1 + 2 / 3 * (a.cx - a.x1), a.y1 + 2 / 3 * (a.cy - a.y1))
        c2 = (end_x + 2 / 3 * (a.cx - end_x), end_y + 2 / 3 * (a.cy - end_y))
        ctx.curve_to(*c1, *c2, end_x, end_y)
    else:
        ctx.line_to(end_x, end_y)


def _arrow_head(ctx: Any, a: Arrow) -> None:
    angle = _angle(a)
    ctx.move_to(a.x2, a.y2)
    for side in (-1, 1):
        ctx.line_to(a.x2 - 10 * math.cos(angle + side * 0.45), a.y2 - 10 * math.sin(angle + side * 0.45))
    ctx.close_path()


def _arrows(
    ctx: Any, arrows: list[Arrow], width: float, colour: str, alpha: float, heads: set[int] | None, within: Rect | None
) -> None:
    """Lines in one path, then heads in another (`heads`: by `id()`, when not all are drawn)."""
    if not arrows:
        return
    ctx.set_line_width(width)
    ctx.set_source_rgba(*_rgb(colour), alpha)
    for a in arrows:
        _arrow_line(ctx, a, within)
    ctx.stroke()
    for a in arrows:
        if heads is None or id(a) in heads:
            _arrow_head(ctx, a)
    ctx.fill()


def _map(
    ctx: Any,
    write: _Writer,
    arrows: list[Arrow],
    boxes: list[Box],
    labelled: list[Arrow] | None = None,
    text: bool = True,
    hairline: float | None = None,
    heads: set[int] | None = None,
    within: Rect | None = None,
) -> None:
    """Arrows, then notes over them, then the arrows that cross notes (`Arrow.over`), then the labels of
    `labelled` (all of `arrows` when None) over everything: they sit in free space. `hairline`: the width of a
    pixel, when arrows are drawn one pixel wide (the caller turns antialiasing off) and kinds' names are left out
    (a large map's overview). `heads`: the arrows (by `id()`) whose heads are drawn, when not all (a tile draws
    the heads that point into it)."""
    wanted = {id(a.label_box) for a in labelled or ()}
    under = [a for a in arrows if not a.over]
    if hairline is None:
        # One path for all the lines, one for all the heads and one for all the leaders: each drawing operation
        # costs Cairo's PDF surface as much again when it writes the page, and a tile of a large map has
        # thousands of arrows.
        _arrows(ctx, under, 2, ARROW, 1.0, heads, within)
        if text:
            ctx.save()
            ctx.set_source_rgb(0.53, 0.53, 0.53)
            ctx.set_line_width(1)
            ctx.set_dash([3, 3])
            for a in arrows:
                if (labelled is None or id(a.label_box) in wanted) and (leader := a.leader()):
                    ctx.move_to(leader[0], leader[1])
                    ctx.line_to(leader[2], leader[3])
            ctx.stroke()
            ctx.restore()
    else:  # one path for all the lines and one for all the heads: without antialiasing, much the quickest
        _arrows(ctx, under, hairline, HAIRLINE, 1.0, None, None)
    ctx.set_line_width(1 if hairline is None else hairline)
    for b in boxes:
        _rounded(ctx, b.x, b.y, b.w, b.h, 8)
        ctx.set_source_rgb(*_rgb(b.fill))
        ctx.fill_preserve()
        ctx.set_source_rgb(*_rgb(BORDER))
        ctx.stroke()
        if text and hairline is None:
            write.text(b.kind_label, b.x + 10, b.y + 5, b.w - 20, 11, bold=True, colour="#222222")
        if text:
            write.text(b.text, b.x + 10, b.y + 25, b.w - 20, 13, lines=b.lines, max_lines=len(b.lines))
    # Arrows across notes other than their ends, over the notes: under one they would show a step through it.
    over = [a for a in arrows if a.over]
    if hairline is None:
        _arrows(ctx, over, OVER_WIDTH, ARROW, OVER_ALPHA, heads, within)
    else:
        _arrows(ctx, over, hairline, HAIRLINE, OVER_ALPHA, None, None)
    if not text:
        return
    for a in arrows if labelled is None else labelled:  # last, in free space: no note hides a label, nor it a note
        if a.label and a.label_box:
            r = a.label_box
            _rounded(ctx, r.x, r.y, r.w, r.h, 4)
            ctx.set_source_rgb(1, 1, 1)
            ctx.fill_preserve()
            ctx.set_source_rgb(0.73, 0.73, 0.73)
            ctx.stroke()
            write.text(a.label, r.x + LABEL_PAD, r.y + 2, r.w - 2 * LABEL_PAD, 12, colour="#222222", centre=True)


# Below this scale a PNG is an overview of a large map: its 10,000 arrows are drawn as one-pixel lines without
# antialiasing (antialiased strokes thinner than a pixel cost Cairo several times as much, and look no better),
# and the kinds' names over the notes, a few pixels tall, are left to the colours and the legend.
OVERVIEW_SCALE = 0.5
PNG_COMPRESSION = 2  # zlib level: most of the size of level 9 in a fraction of the time (a map is mostly white)


def png_scale(lay: Layout) -> float:
    """The scale a PNG of this layout is drawn at: 1, or less to keep it within MAX_PNG_PIXELS."""
    return min(1.0, math.sqrt(MAX_PNG_PIXELS / (lay.width * lay.height)))


def png(lay: Layout) -> bytes:
    import cairocffi as cairo

    scale = png_scale(lay)
    width, height = math.ceil(lay.width * scale), math.ceil(lay.height * scale)
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, width, height)
    ctx = cairo.Context(surface)
    ctx.scale(scale, scale)
    if scale < OVERVIEW_SCALE:
        write = _Writer(ctx)
        ctx.set_source_rgb(1, 1, 1)
        ctx.paint()
        _header(ctx, write, lay)
        ctx.set_antialias(cairo.ANTIALIAS_NONE)  # shapes only: text keeps its own antialiasing
        _map(ctx, write, lay.arrows, lay.boxes, hairline=1 / scale)
    else:
        _draw(ctx, lay)
    surface.flush()
    return _encode_png(surface.get_data(), width, height, surface.get_stride())


def _encode_png(pixels: Any, width: int, height: int, stride: int) -> bytes:
    """Cairo's RGB24 pixels (32 bits each, native byte order, rows `stride` bytes apart) as an RGB PNG, a band
    of rows at a time so that it never holds another copy of the picture. Cairo's own writer compresses at
    zlib's default level, which takes seconds on a picture of 12 megapixels."""
    red, green, blue = (2, 1, 0) if sys.byteorder == "little" else (1, 2, 3)
    source = memoryview(pixels).cast("B")
    compressor = zlib.compressobj(PNG_COMPRESSION)
    parts, line = [], width * 3
    band = max(1, (1 << 20) // line)  # rows converted at once: about a megabyte
    for top in range(0, height, band):
        rows = min(band, height - top)
        block = bytes(source[top * stride : (top + rows) * stride])
        if stride != width * 4:
            block = b"".join(block[r * stride : r * stride + width * 4] for r in range(rows))
        rgb = bytearray(rows * line)
        rgb[0::3], rgb[1::3], rgb[2::3] = block[red::4], block[green::4], block[blue::4]
        parts.append(compressor.compress(b"".join(b"\x00" + rgb[r * line : (r + 1) * line] for r in range(rows))))
    parts.append(compressor.flush())

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace; rows: filter none
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


# Paper in points (1/72 inch), portrait; the picture's units are CSS pixels, drawn as points at scale 1.
A4 = (595.28, 841.89)
A3 = (841.89, 1190.55)
PAGE_MARGIN = 28.0  # what office printers leave blank, and a little more
PAGE_HEADER = 30.0  # a tile's title line: the map's title, the tile's name and its neighbours
# The smallest scale a page is drawn at: note text (13 px) at 8 pt, which reads on paper at arm's length.
READABLE_SCALE = 8 / 13
TILE_OVERLAP = 60.0  # picture units shown on both of two neighbouring tiles, so a note cut by one is whole on the other


@dataclass(frozen=True)
class Page:
    """One page of the PDF: its paper, and the part of the picture (`region`, picture units) drawn at `scale`
    with its top left corner at (`left`, `top`) on the paper. `name` is a tile's grid name (row letter, column
    number), empty for the overview and for a map on one page."""

    width: float
    height: float
    region: Rect
    scale: float
    left: float
    top: float
    name: str = ""
    neighbours: tuple[tuple[str, str], ...] = ()  # (direction arrow, tile name) of the tiles around this one

    def to_page(self, x: float, y: float) -> tuple[float, float]:
        """Where a point of the picture lands on this page, in points."""
        return self.left + (x - self.region.x) * self.scale, self.top + (y - self.region.y) * self.scale


def _papers(paper: tuple[float, float]) -> list[tuple[float, float]]:
    return [(paper[1], paper[0]), paper]  # landscape first: maps are mostly wider than tall


def _fit(region: Rect, width: float, height: float, header: float) -> float:
    return min(1.0, (width - 2 * PAGE_MARGIN) / region.w, (height - 2 * PAGE_MARGIN - header) / region.h)


def _placed(region: Rect, width: float, height: float, header: float, **more: Any) -> Page:
    scale = _fit(region, width, height, header)
    left = (width - region.w * scale) / 2
    top = PAGE_MARGIN + header + (height - 2 * PAGE_MARGIN - header - region.h * scale) / 2
    return Page(width, height, region, scale, left, top, **more)


def _tile_name(row: int, column: int) -> str:
    letters = ""
    row += 1
    while row:
        row, rest = divmod(row - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{column + 1}"


def _extent(lay: Layout) -> Rect:
    """The map's part of the picture (below its header): every note and label, with a little room."""
    rects = [b.rect for b in lay.boxes] + [a.label_box for a in lay.arrows if a.label_box]
    if not rects:
        return Rect(0, 0, lay.width, lay.height)
    x0 = min(r.x for r in rects) - 12
    y0 = min(r.y for r in rects) - 12
    x1 = max(r.x + r.w for r in rects) + 12
    y1 = max(r.y + r.h for r in rects) + 12
    return Rect(x0, y0, x1 - x0, y1 - y0)


def _arrow_rect(a: Arrow) -> Rect:
    xs, ys = [x for x, _ in a.points], [y for _, y in a.points]
    x0, y0 = min(xs) - 12, min(ys) - 12
    return Rect(x0, y0, max(xs) + 12 - x0, max(ys) + 12 - y0)


def pdf_pages(lay: Layout) -> list[Page]:
    """The pages of the PDF: the whole picture on one A4 page, else on one A3 page, when it is readable there;
    else an overview page of the whole map with a grid, followed by A3 tiles of the map at a readable scale
    (only tiles with something on them), each named by its row letter and column number."""
    whole = Rect(0, 0, lay.width, lay.height)
    for paper in (A4, A3):
        fits = [_placed(whole, w, h, 0.0) for w, h in _papers(paper)]
        best = max(fits, key=lambda page: page.scale)
        if best.scale >= READABLE_SCALE:
            return [best]
    region = _extent(lay)
    occupied = [b.rect for b in lay.boxes] + [a.label_box for a in lay.arrows if a.label_box]
    occupied += [_arrow_rect(a) for a in lay.arrows]
    grids = []
    for width, height in _papers(A3):
        step_x = (width - 2 * PAGE_MARGIN) / READABLE_SCALE - TILE_OVERLAP
        step_y = (height - 2 * PAGE_MARGIN - PAGE_HEADER) / READABLE_SCALE - TILE_OVERLAP
        columns = max(1, math.ceil((region.w - TILE_OVERLAP) / step_x))
        rows = max(1, math.ceil((region.h - TILE_OVERLAP) / step_y))
        grids.append((rows * columns, width, height, step_x, step_y, rows, columns))
    _, width, height, step_x, step_y, rows, columns = min(grids)
    used: set[tuple[int, int]] = set()
    for r in occupied:
        first_column = max(0, math.floor((r.x - region.x - TILE_OVERLAP) / step_x))
        last_column = min(columns - 1, math.floor((r.x + r.w - region.x) / step_x))
        first_row = max(0, math.floor((r.y - region.y - TILE_OVERLAP) / step_y))
        last_row = min(rows - 1, math.floor((r.y + r.h - region.y) / step_y))
        used.update((i, j) for i in range(first_row, last_row + 1) for j in range(first_column, last_column + 1))
    tiles = []
    for i, j in sorted(used):
        tile = Rect(region.x + j * step_x, region.y + i * step_y, step_x + TILE_OVERLAP, step_y + TILE_OVERLAP)
        around = [("←", i, j - 1), ("→", i, j + 1), ("↑", i - 1, j), ("↓", i + 1, j)]
        neighbours = tuple((arrow, _tile_name(r, c)) for arrow, r, c in around if (r, c) in used)
        page = Page(
            width, height, tile, READABLE_SCALE, PAGE_MARGIN, PAGE_MARGIN + PAGE_HEADER, _tile_name(i, j), neighbours
        )
        tiles.append(page)
    overview_width, overview_height = max(
        _papers(A3), key=lambda paper: _fit(region, paper[0], paper[1], OVERVIEW_HEADER)
    )
    overview = _placed(region, overview_width, overview_height, OVERVIEW_HEADER)
    return [overview, *tiles]


OVERVIEW_HEADER = 92.0  # the title, the question, the legend of kinds and a line on how to read the tiles


def pdf(lay: Layout) -> bytes:
    import cairocffi as cairo

    pages = pdf_pages(lay)
    out = io.BytesIO()
    surface = cairo.PDFSurface(out, pages[0].width, pages[0].height)
    surface.set_metadata(cairo.PDF_METADATA_TITLE, lay.title)
    ctx = cairo.Context(surface)
    write = _Writer(ctx, keep=True)
    if len(pages) == 1:
        page = pages[0]
        ctx.translate(page.left, page.top)
        ctx.scale(page.scale, page.scale)
        _draw(ctx, lay)
        surface.finish()
        return out.getvalue()
    tiles = pages[1:]
    numbers = {tile.name: n for n, tile in enumerate(tiles, start=2)}
    _overview(ctx, write, lay, pages[0], tiles, numbers)
    for tile, contents in zip(tiles, _contents(lay, tiles), strict=True):
        surface.show_page()
        surface.set_size(tile.width, tile.height)
        _tile(ctx, write, lay, tile, contents, numbers, len(pages))
    surface.finish()
    return out.getvalue()


def _crosses(a: Arrow, bounds: Rect, r: Rect) -> bool:
    """Whether an arrow (within `bounds`) passes through a rectangle: exactly for a straight one (clipping the
    segment to it), by its bounding box for a curved one."""
    if not bounds.overlaps(r):
        return False
    if a.curved or a.via:
        return True
    low, high = 0.0, 1.0
    dx, dy = a.x2 - a.x1, a.y2 - a.y1
    for p, q in ((-dx, a.x1 - r.x), (dx, r.x + r.w - a.x1), (-dy, a.y1 - r.y), (dy, r.y + r.h - a.y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


@dataclass
class _Contents:
    arrows: list[Arrow]
    boxes: list[Box]
    labelled: list[Arrow]
    heads: set[int]  # id() of the arrows whose heads are on the tile


def _contents(lay: Layout, tiles: list[Page]) -> list[_Contents]:
    """What each tile shows, found through a grid of the tiles so that each item is tested against the few
    tiles it may be on, in drawing order."""
    contents = [_Contents([], [], [], set()) for _ in tiles]
    if not tiles:
        return contents
    step_x = tiles[0].region.w - TILE_OVERLAP
    step_y = tiles[0].region.h - TILE_OVERLAP
    origin_x = min(t.region.x for t in tiles)
    origin_y = min(t.region.y for t in tiles)
    grid = {
        (round((t.region.y - origin_y) / step_y), round((t.region.x - origin_x) / step_x)): i
        for i, t in enumerate(tiles)
    }

    def near(r: Rect) -> list[int]:
        rows = range(
            math.floor((r.y - origin_y - TILE_OVERLAP) / step_y), math.floor((r.y + r.h - origin_y) / step_y) + 1
        )
        columns = range(
            math.floor((r.x - origin_x - TILE_OVERLAP) / step_x), math.floor((r.x + r.w - origin_x) / step_x) + 1
        )
        return [grid[(i, j)] for i in rows for j in columns if (i, j) in grid]

    for a in lay.arrows:
        bounds = _arrow_rect(a)
        for i in near(bounds):
            region = tiles[i].region
            if _crosses(a, bounds, region):
                contents[i].arrows.append(a)
                if (
                    region.x - 12 <= a.x2 <= region.x + region.w + 12
                    and region.y - 12 <= a.y2 <= region.y + region.h + 12
                ):
                    contents[i].heads.add(id(a))
        if a.label and a.label_box:
            for i in near(a.label_box):
                if a.label_box.overlaps(tiles[i].region):
                    contents[i].labelled.append(a)
    for b in lay.boxes:
        rect = b.rect
        for i in near(rect):
            if rect.overlaps(tiles[i].region):
                contents[i].boxes.append(b)
    return contents


def _overview(ctx: Any, write: _Writer, lay: Layout, page: Page, tiles: list[Page], numbers: dict[str, int]) -> None:
    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    inner = page.width - 2 * PAGE_MARGIN
    write.text(lay.title, PAGE_MARGIN, PAGE_MARGIN - 4, inner, 20, bold=True)
    write.text(lay.question, PAGE_MARGIN, PAGE_MARGIN + 22, inner, 13, colour="#333333")
    shift = PAGE_MARGIN - min((item.x for item in lay.legend), default=0)
    legend = [
        LegendItem(i.kind, i.label, i.colour, i.x + shift, i.y - MARGIN - 52 + PAGE_MARGIN + 56) for i in lay.legend
    ]
    _legend(ctx, write, legend[:12])
    write.text(
        f"The whole map; pages 2 to {len(tiles) + 1} show it in parts, named by row and column as on this grid.",
        PAGE_MARGIN,
        PAGE_MARGIN + 66,
        inner,
        11,
        colour="#333333",
    )
    ctx.save()
    ctx.rectangle(page.left, page.top, page.region.w * page.scale, page.region.h * page.scale)
    ctx.clip()
    ctx.translate(page.left - page.region.x * page.scale, page.top - page.region.y * page.scale)
    ctx.scale(page.scale, page.scale)
    readable = page.scale * 13 >= 5  # text too small to read is left out, and heads too small to see
    _map(ctx, write, lay.arrows, lay.boxes, text=readable, heads=None if page.scale * 10 >= 1.5 else set())
    ctx.restore()
    ctx.set_line_width(0.75)
    for tile in tiles:
        x, y = page.to_page(tile.region.x, tile.region.y)
        w, h = (tile.region.w - TILE_OVERLAP) * page.scale, (tile.region.h - TILE_OVERLAP) * page.scale
        ctx.rectangle(x, y, w, h)
        ctx.set_source_rgba(0.1, 0.3, 0.8, 0.8)
        ctx.stroke()
        name = f"{tile.name} · p. {numbers[tile.name]}"
        size = max(5.0, min(18.0, (w - 8) / (0.66 * len(name)), h / 3))
        _rounded(ctx, x + 2, y + 2, min(w - 4, 0.66 * size * len(name) + 6), size * 1.4, 2)
        ctx.set_source_rgba(1, 1, 1, 0.85)  # the tile's name stays readable over the notes under it
        ctx.fill()
        write.text(name, x + 5, y + 2, w - 8, size, bold=True, colour="#1a4dcc")


def _tile(
    ctx: Any, write: _Writer, lay: Layout, tile: Page, contents: _Contents, numbers: dict[str, int], total: int
) -> None:
    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    inner = tile.width - 2 * PAGE_MARGIN
    around = "   ".join(f"{arrow} {name} p. {numbers[name]}" for arrow, name in tile.neighbours)
    write.text(
        f"{tile.name} · page {numbers[tile.name]} of {total}   {around}",
        PAGE_MARGIN,
        PAGE_MARGIN - 6,
        inner,
        10,
        bold=True,
    )
    write.text(lay.title, PAGE_MARGIN, PAGE_MARGIN + 8, inner, 9, colour="#555555")
    ctx.save()
    visible = Rect(tile.region.x, tile.region.y, tile.region.w, tile.region.h)
    ctx.rectangle(tile.left, tile.top, visible.w * tile.scale, visible.h * tile.scale)
    ctx.clip()
    ctx.translate(tile.left - visible.x * tile.scale, tile.top - visible.y * tile.scale)
    ctx.scale(tile.scale, tile.scale)
    around_tile = Rect(visible.x - 20, visible.y - 20, visible.w + 40, visible.h + 40)
    _map(ctx, write, contents.arrows, contents.boxes, contents.labelled, heads=contents.heads, within=around_tile)
    ctx.restore()
