"""Exported pictures (SVG, PNG, PDF): labels in free space, arrows apart and at borders, a legend, and text in
any script — checked on the geometry, and on the PNG and the PDF as pixels."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from server import export
from server.export import picture_cairo, picture_routes
from server.export.mapview import MapView
from server.export.picture_layout import Box, Layout, Rect, layout
from tests.support.maps import MapBuilder, generated_map, sample_map

SVG = "{http://www.w3.org/2000/svg}"
ARABIC = "تدريب المسؤولين على استخدام الأدلة"
CHINESE = "培训了120名官员 📚"


def world_map() -> dict[str, Any]:
    """A small map in Arabic, Chinese and English with emoji, two notes linked both ways, labels everywhere."""
    m = MapBuilder("خريطة الأثر · 影响路径 🌍", "كيف تصل الأدلة إلى السياسات؟")
    m.note("n0001", "activity", ARABIC, x=0.0, y=0.0)
    m.note("n0002", "output", CHINESE, x=320.0, y=0.0)
    m.note("n0003", "outcome", "Officials ask for evidence earlier 🙂 — and say so in meetings", x=640.0, y=0.0)
    m.note("n0004", "impact", "السياسات تستشهد بالأدلة 政策引用证据", x=640.0, y=240.0)
    m.link("l0001", "n0001", "n0002", "ينتج")
    m.link("l0002", "n0002", "n0003", "导致 leads to")
    m.link("l0003", "n0003", "n0002", "feeds back 🔁")
    m.link("l0004", "n0003", "n0004", "يساهم في")
    m.link("l0005", "n0001", "n0004", "a long label across the middle of the map")
    return m.snapshot()


def crowded_map() -> dict[str, Any]:
    """150 notes packed in rows 20 px apart, 300 links, most labelled: little free space for labels."""
    return generated_map(150, 300, seed=5)


def on_border(b: Box, x: float, y: float) -> bool:
    inside = b.x - 0.5 <= x <= b.x + b.w + 0.5 and b.y - 0.5 <= y <= b.y + b.h + 0.5
    edge = min(abs(x - b.x), abs(x - b.x - b.w), abs(y - b.y), abs(y - b.y - b.h))
    return inside and edge < 0.5


def test_no_label_covers_a_note_or_another_label_on_a_crowded_map() -> None:
    lay = layout(MapView(crowded_map()))
    labels = [a.label_box for a in lay.arrows if a.label]
    assert len(labels) > 150 and all(labels)
    for i, r in enumerate(labels):
        assert r is not None and r.y >= 0 and r.x >= 0
        assert not any(r.overlaps(b.rect) for b in lay.boxes), f"label {i} is over a note"
        assert not any(r.overlaps(o) for o in labels[i + 1 :] if o), f"label {i} is over another label"
    for a in lay.arrows:  # a label moved away from its arrow is tied to it by a leader line
        mx, my = a.point(0.5)
        box = a.label_box
        if box and math.hypot(box.x + box.w / 2 - mx, box.y + box.h / 2 - my) > box.w / 2 + 40:
            assert a.leader() is not None


def test_arrows_between_the_same_notes_bend_apart_and_end_at_borders() -> None:
    lay = layout(MapView(world_map()))
    boxes = {b.id: b for b in lay.boxes}
    arrows = {a.id: a for a in lay.arrows}
    there, back = arrows["l0002"], arrows["l0003"]
    assert there.curved and back.curved and not arrows["l0001"].curved
    assert math.dist(there.point(0.5), back.point(0.5)) > 30, "the two arrows are drawn apart"
    ends = {"l0001": ("n0001", "n0002"), "l0002": ("n0002", "n0003"), "l0003": ("n0003", "n0002")}
    for link_id, (source, target) in ends.items():
        a = arrows[link_id]
        assert on_border(boxes[source], a.x1, a.y1) and on_border(boxes[target], a.x2, a.y2), link_id


def kinds_used(snapshot: dict[str, Any]) -> list[str]:
    used = {n["kind"] for n in snapshot["notes"]}
    return [k["label"] for k in snapshot["workshop"]["kinds"] if k["name"] in used]


@pytest.mark.parametrize("make", [world_map, sample_map])
def test_every_picture_has_a_legend_of_the_kinds_used(make: Any) -> None:
    snapshot = make()
    labels = kinds_used(snapshot)
    root = ET.fromstring(export.export(snapshot, "svg", 0))
    legend = root.findall(f".//{SVG}g[@class='legend-kind']")
    assert [g.find(f"{SVG}text").text for g in legend] == labels  # type: ignore[union-attr]
    colours = {k["label"]: k["colour"] for k in snapshot["workshop"]["kinds"]}
    assert [g.find(f"{SVG}rect").get("fill") for g in legend] == [colours[k] for k in labels]  # type: ignore[union-attr]
    text = PdfReader(io.BytesIO(export.export(snapshot, "pdf", 0))).pages[0].extract_text()
    for label in labels:
        assert label in text
    lay = layout(MapView(snapshot))
    image = Image.open(io.BytesIO(export.export(snapshot, "png", 0))).convert("RGB")
    for item in lay.legend:  # each swatch is filled with its kind's colour
        r, g, b = image.getpixel((int(item.x + 7), int(item.y - 4)))  # type: ignore[misc]
        assert f"#{r:02x}{g:02x}{b:02x}" == item.colour


def test_svg_carries_text_as_text_in_its_direction() -> None:
    root = ET.fromstring(export.export(world_map(), "svg", 0))
    notes = {g.get("data-id"): g for g in root.findall(f".//{SVG}g[@class='note']")}
    arabic = [t for t in notes["n0001"].iter(f"{SVG}text") if t.get("direction") == "rtl"]
    assert len(arabic) == 1 and " ".join(s.text or "" for s in arabic[0]) == ARABIC  # logical order, not reversed
    chinese = [t for t in notes["n0002"].iter(f"{SVG}text") if t.get("direction") is None and len(t)]
    assert " ".join(s.text or "" for s in chinese[0]) == CHINESE
    labels = root.findall(f".//{SVG}g[@class='link-label']")
    assert {lb.find(f"{SVG}text").get("direction") for lb in labels} == {None, "rtl"}  # type: ignore[union-attr]


def assert_labels_clear_of_notes(
    image: Image.Image, lay: Layout, scale: float, left: float = 0.0, top: float = 0.0
) -> None:
    """In the pixels (picture units times `scale`, shifted by `left` and `top` pixels): every label is drawn
    (ink inside its box) and no note shows through it; every note's text is drawn, in its own box."""
    fills = {tuple(int(b.fill[i : i + 2], 16) for i in (1, 3, 5)) for b in lay.boxes}

    def pixels(r: Rect) -> list[tuple[int, int, int]]:
        box = (
            math.ceil(left + r.x * scale) + 1,
            math.ceil(top + r.y * scale) + 1,
            int(left + (r.x + r.w) * scale) - 1,
            int(top + (r.y + r.h) * scale) - 1,
        )
        return list(image.crop(box).get_flattened_data())  # type: ignore[arg-type]

    for a in lay.arrows:
        assert a.label_box is not None
        inside = pixels(a.label_box)
        assert not fills & set(inside), f"a note shows under the label {a.label!r}"
        assert sum(1 for p in inside if max(p) < 120) > 10, f"the label {a.label!r} is drawn"
    for b in lay.boxes:
        body = pixels(Rect(b.x + 4, b.y + 22, b.w - 8, b.h - 26))
        assert sum(1 for p in body if max(p) < 120) > 20, f"the text of {b.id} is drawn"
    emoji = pixels(next(b for b in lay.boxes if b.id == "n0002").rect)
    assert any(max(p) - min(p) > 60 and p not in fills for p in emoji), "the emoji is drawn in colour"


@pytest.mark.skipif(picture_cairo.pangocairocffi is None, reason="Pango (pangocairocffi) is not installed")
def test_png_and_pdf_print_labels_clear_of_note_text_in_any_script(tmp_path: Path) -> None:
    snapshot = world_map()
    lay = layout(MapView(snapshot))
    png = Image.open(io.BytesIO(export.export(snapshot, "png", 0))).convert("RGB")
    assert png.size == (math.ceil(lay.width), math.ceil(lay.height))
    assert_labels_clear_of_notes(png, lay, 1.0)
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF is not rasterized")
    (tmp_path / "map.pdf").write_bytes(export.export(snapshot, "pdf", 0))
    subprocess.run(["pdftoppm", "-png", "-r", "144", "-singlefile", "map.pdf", "page"], cwd=tmp_path, check=True)
    page = Image.open(tmp_path / "page.png").convert("RGB")
    (placed,) = picture_cairo.pdf_pages(lay)  # one A4 page, the picture scaled to fit
    assert_labels_clear_of_notes(page, lay, 2.0 * placed.scale, 2.0 * placed.left, 2.0 * placed.top)  # 144 dpi


def test_without_pango_pictures_are_still_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(picture_cairo, "pangocairocffi", None)
    monkeypatch.setattr(picture_cairo, "pangocffi", None)
    snapshot = sample_map()
    image = Image.open(io.BytesIO(export.export(snapshot, "png", 0)))
    assert image.width > 600
    assert "Officials ask for" in PdfReader(io.BytesIO(export.export(snapshot, "pdf", 0))).pages[0].extract_text()


A4_SIZES = {(595, 842), (842, 595)}
A3_SIZES = {(842, 1191), (1191, 842)}


def page_sizes(reader: PdfReader) -> list[tuple[int, int]]:
    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]


def test_a_small_map_prints_on_one_a4_page() -> None:
    reader = PdfReader(io.BytesIO(export.export(sample_map(), "pdf", 0)))
    assert len(reader.pages) == 1 and set(page_sizes(reader)) <= A4_SIZES
    assert "Plain-English policy briefs" in reader.pages[0].extract_text()


def test_a_large_map_prints_as_an_overview_and_a3_tiles_that_together_show_every_note() -> None:
    snapshot = generated_map(400, 800)
    lay = layout(MapView(snapshot))
    assert lay.width > 3 * 1191, "one page would need the text too small to read"
    reader = PdfReader(io.BytesIO(export.export(snapshot, "pdf", 0)))
    assert len(reader.pages) > 2 and set(page_sizes(reader)) <= A3_SIZES
    overview = reader.pages[0].extract_text()
    assert "Generated map" in overview and f"pages 2 to {len(reader.pages)}" in overview
    assert "A1 · p. 2" in overview
    tiles = [page.extract_text() for page in reader.pages[1:]]
    assert tiles[0].startswith(f"A1 · page 2 of {len(reader.pages)}")
    every_tile = " ".join(" ".join(text.split()) for text in tiles)
    for note in snapshot["notes"]:  # each note's first words are on some tile (the rest may wrap or be cut)
        assert " ".join(note["text"].split()[:2]) in every_tile, note["id"]


def test_tiles_are_drawn_at_a_readable_size_and_overlap_their_neighbours() -> None:
    pages = picture_cairo.pdf_pages(layout(MapView(generated_map(400, 800))))
    tiles = pages[1:]
    assert all(t.scale * 13 >= 8 for t in tiles), "note text at 8 pt or more"
    by_name = {t.name: t for t in tiles}
    a1, a2 = by_name["A1"], by_name["A2"]
    assert a1.region.x + a1.region.w - a2.region.x == picture_cairo.TILE_OVERLAP
    for t in tiles:  # the part drawn fits inside the page's margins
        right, bottom = t.to_page(t.region.x + t.region.w, t.region.y + t.region.h)
        assert right <= t.width - picture_cairo.PAGE_MARGIN + 0.01
        assert bottom <= t.height - picture_cairo.PAGE_MARGIN + 0.01


def test_the_png_encoder_writes_the_pixels_cairo_drew() -> None:
    """Read back by Pillow, the PNG holds exactly the pixels Cairo's own PNG writer would have written."""
    import cairocffi as cairo

    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, 37, 23)  # an odd width: rows are padded in memory
    ctx = cairo.Context(surface)
    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    for i, colour in enumerate([(0.9, 0.1, 0.2), (0.1, 0.8, 0.3), (0.2, 0.3, 0.95)]):
        ctx.set_source_rgb(*colour)
        ctx.arc(8 + i * 10, 11, 7, 0, 2 * math.pi)
        ctx.fill()
    surface.flush()
    cairos = io.BytesIO()
    surface.write_to_png(cairos)
    ours = picture_cairo._encode_png(
        bytes(surface.get_data()), surface.get_width(), surface.get_height(), surface.get_stride()
    )
    mine, theirs = Image.open(io.BytesIO(ours)), Image.open(cairos).convert("RGB")
    assert mine.mode == "RGB" and mine.size == (37, 23)
    assert list(mine.get_flattened_data()) == list(theirs.get_flattened_data())  # type: ignore[attr-defined]


def test_a_large_map_png_is_an_overview_without_placing_link_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    from server.export import picture_layout

    def no_labels(*_: Any) -> None:
        raise AssertionError("link labels are not placed for an overview")

    snapshot = generated_map(2000, 4000)
    monkeypatch.setattr(picture_layout, "_place_label", no_labels)
    image = Image.open(io.BytesIO(export.export(snapshot, "png", 0))).convert("RGB")
    assert image.width * image.height <= picture_cairo.MAX_PNG_PIXELS + image.width + image.height  # sides rounded up
    colours = {c for _, c in image.getcolors(maxcolors=10_000_000)}  # type: ignore[union-attr]
    kinds = {tuple(int(k["colour"][i : i + 2], 16) for i in (1, 3, 5)) for k in snapshot["workshop"]["kinds"]}
    assert kinds <= colours, "every kind's notes are drawn in its colour"
    arrows = tuple(int(picture_cairo.HAIRLINE[i : i + 2], 16) for i in (1, 3, 5))
    assert arrows in colours, "the arrows are drawn"


def test_a_small_map_png_keeps_its_link_labels() -> None:
    snapshot = sample_map()
    lay = layout(MapView(snapshot))
    assert picture_cairo.png_scale(lay) >= picture_cairo.OVERVIEW_SCALE
    image = Image.open(io.BytesIO(export.export(snapshot, "png", 0))).convert("RGB")
    for a in lay.arrows:  # the label's box is drawn: its white inside framed by grey
        assert a.label_box is not None
        assert image.getpixel((int(a.label_box.x), int(a.label_box.y + a.label_box.h / 2))) != (255, 255, 255)


def drawn_segments(svg: bytes) -> dict[tuple[str, str], list[tuple[float, float, float, float]]]:
    """Each drawn arrow's path in the SVG, by (layer, link id), as straight segments (a curve as eight of them):
    layer "links" is drawn before the notes, "links-over" after them."""
    root = ET.fromstring(svg)
    paths = {}
    for layer in root.findall(f"{SVG}g"):
        if layer.get("class") not in ("links", "links-over"):
            continue
        for group in layer.findall(f"{SVG}g[@class='link']"):
            words = group.find(f"{SVG}path").get("d", "").split()  # type: ignore[union-attr]
            points: list[tuple[float, float]] = []
            k = 0
            while k < len(words):
                if words[k] in ("M", "L"):
                    points.append((float(words[k + 1]), float(words[k + 2])))
                    k += 3
                elif words[k] == "Q":
                    (sx, sy), cx, cy, tx, ty = points[-1], *map(float, words[k + 1 : k + 5])
                    for n in range(1, 9):
                        t, u = n / 8, 1 - n / 8
                        points.append(
                            (u * u * sx + 2 * u * t * cx + t * t * tx, u * u * sy + 2 * u * t * cy + t * t * ty)
                        )
                    k += 5
                else:
                    raise AssertionError(f"unexpected path command {words[k]!r}")
            segments = [(*points[n], *points[n + 1]) for n in range(len(points) - 1)]
            paths[(str(layer.get("class")), group.get("data-id", ""))] = segments
    return paths


def layers_in_order(svg: bytes) -> list[str]:
    return [str(g.get("class")) for g in ET.fromstring(svg).findall(f"{SVG}g")]


def crossings(snapshot: dict[str, Any], svg: bytes | None = None) -> dict[str, list[tuple[str, str]]]:
    """(link, note) for every drawn arrow segment through the inside of a note that is not the link's end, by
    the layer the arrow is drawn in. The notes are found through a grid, so that a map of thousands is quick."""
    lay = layout(MapView(snapshot))
    ends = {lk["id"]: (lk["source"], lk["target"]) for lk in snapshot["links"]}
    cell = 200.0
    grid: dict[tuple[int, int], list[Box]] = {}
    for b in lay.boxes:
        for i in range(math.floor(b.x / cell), math.floor((b.x + b.w) / cell) + 1):
            for j in range(math.floor(b.y / cell), math.floor((b.y + b.h) / cell) + 1):
                grid.setdefault((i, j), []).append(b)
    found: dict[str, list[tuple[str, str]]] = {"links": [], "links-over": []}
    drawn = drawn_segments(svg if svg is not None else export.export(snapshot, "svg", 0))
    for (layer, link_id), segments in drawn.items():
        crossed = set()
        for x1, y1, x2, y2 in segments:
            near = {
                id(b): b
                for i in range(math.floor(min(x1, x2) / cell), math.floor(max(x1, x2) / cell) + 1)
                for j in range(math.floor(min(y1, y2) / cell), math.floor(max(y1, y2) / cell) + 1)
                for b in grid.get((i, j), ())
            }
            for b in near.values():
                inside = Rect(b.x + 1.5, b.y + 1.5, b.w - 3, b.h - 3)  # the SVG rounds to a tenth
                if b.id not in ends[link_id] and segment_enters((x1, y1, x2, y2), inside):
                    crossed.add(b.id)
        found[layer] += [(link_id, note) for note in sorted(crossed)]
    return found


def crossed_notes(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    """(link, note) for every drawn arrow segment through a note that is not the link's end, in any layer."""
    found = crossings(snapshot)
    return found["links"] + found["links-over"]


def segment_enters(segment: tuple[float, float, float, float], r: Rect) -> bool:
    """Whether a segment passes through the inside of a rectangle (clipped to it, Liang–Barsky)."""
    x1, y1, x2, y2 = segment
    low, high, dx, dy = 0.0, 1.0, x2 - x1, y2 - y1
    for p, q in ((-dx, x1 - r.x), (dx, r.x + r.w - x1), (-dy, y1 - r.y), (dy, r.y + r.h - y1)):
        if p == 0:
            if q <= 0:
                return False
            continue
        low, high = (max(low, q / p), high) if p < 0 else (low, min(high, q / p))
        if low >= high:
            return False
    return True


def assert_no_arrow_behind_a_note(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    """Every arrow segment through a note other than its ends is in the layer drawn after the notes; returns
    those crossings."""
    svg = export.export(snapshot, "svg", 0)
    found = crossings(snapshot, svg)
    assert found["links"] == [], "arrows drawn under notes they cross"
    order = layers_in_order(svg)
    assert order.index("links") < order.index("notes") < order.index("links-over")
    return found["links-over"]


@pytest.mark.parametrize("seed", [3, 5, 11])
def test_no_arrow_passes_behind_a_note_on_generated_maps(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_no_arrow_behind_a_note(generated_map(120, 200, seed=seed))
    # A bigger map, with routing's bound for a picture made small enough that it is reached: the arrows it
    # leaves straight go over the notes.
    monkeypatch.setattr(picture_routes, "budget", lambda crossing: 300)
    snapshot = generated_map(600, 1200, seed=seed)
    assert any(a.over for a in layout(MapView(snapshot)).arrows), "the bound is reached"
    assert assert_no_arrow_behind_a_note(snapshot), "some arrows cross notes, over them"


def test_an_arrow_goes_around_a_note_between_its_ends() -> None:
    m = MapBuilder()
    m.note("n0001", "activity", "Train officials", x=0.0, y=0.0)
    m.note("n0002", "output", "Officials trained", x=300.0, y=0.0)
    m.note("n0003", "outcome", "Officials ask for evidence", x=600.0, y=0.0)
    m.link("l0001", "n0001", "n0002", "leads to")
    m.link("l0002", "n0002", "n0003", "leads to")
    m.link("l0003", "n0001", "n0003", "also leads to")
    snapshot = m.snapshot()
    straight = [
        (lk["source"], lk["target"]) for lk in snapshot["links"] if lk["id"] == "l0003"
    ]  # drawn straight, it would run under n0002
    assert straight == [("n0001", "n0003")]
    assert crossed_notes(snapshot) == []
    arrow = next(a for a in layout(MapView(snapshot)).arrows if a.id == "l0003")
    assert arrow.via, "the arrow is bent around the note in its way"
    lay = layout(MapView(snapshot))
    for a in lay.arrows:  # its label stays in free space
        assert a.label_box is not None and not any(a.label_box.overlaps(b.rect) for b in lay.boxes)


def a_note_between_two_linked_notes() -> dict[str, Any]:
    """A → C, straight through the lower part of note B (below its text), which sits between them."""
    m = MapBuilder()
    m.note("n0001", "activity", "Train officials", x=0.0, y=20.0)
    m.note("n0002", "output", "Briefs", x=300.0, y=0.0)
    m.note("n0003", "outcome", "Officials ask for evidence", x=600.0, y=20.0)
    m.link("l0001", "n0001", "n0003")
    return m.snapshot()


@pytest.mark.parametrize("make", ["png", "pdf"])
def test_an_arrow_left_across_a_note_is_drawn_over_it(
    make: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(picture_routes, "budget", lambda crossing: 0)  # no route: the arrow stays straight
    snapshot = a_note_between_two_linked_notes()
    lay = layout(MapView(snapshot))
    (arrow,) = lay.arrows
    note = next(b for b in lay.boxes if b.id == "n0002")
    assert arrow.over and not arrow.via
    x = note.x + note.w / 2
    y = arrow.y1 + (arrow.y2 - arrow.y1) * (x - arrow.x1) / (arrow.x2 - arrow.x1)
    assert note.y + note.h / 2 < y < note.y + note.h - 4, "the arrow crosses the note below its text"
    scale = 1.0
    if make == "png":
        image = Image.open(io.BytesIO(export.export(snapshot, "png", 0))).convert("RGB")
    else:
        if shutil.which("pdftoppm") is None:
            pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF is not rasterized")
        (tmp_path / "map.pdf").write_bytes(export.export(snapshot, "pdf", 0))
        subprocess.run(["pdftoppm", "-png", "-r", "144", "-singlefile", "map.pdf", "page"], cwd=tmp_path, check=True)
        image = Image.open(tmp_path / "page.png").convert("RGB")
        (page,) = picture_cairo.pdf_pages(lay)
        x, y = page.to_page(x, y)
        scale = 2.0  # 144 dpi: two pixels a point
    fill = image.getpixel((round(x * scale), round((y - 8) * scale)))  # the note, clear of the arrow
    darkest = min(
        (image.getpixel((round(x * scale), round(y * scale) + dy)) for dy in range(-2, 3)), key=lambda p: sum(p)
    )
    colour = tuple(int(note.fill[k : k + 2], 16) for k in (1, 3, 5))
    assert all(abs(a - b) <= 8 for a, b in zip(fill, colour, strict=True)), f"the note's fill beside the arrow: {fill}"
    assert sum(darkest) < sum(fill) - 150, f"the arrow shows over the note: {darkest} on {fill}"


@pytest.mark.parametrize(("seed", "reach"), [(1, 2), (2, 3), (3, 4)])
def test_a_workshop_sized_map_has_every_arrow_in_the_way_of_a_note_routed_around_it(seed: int, reach: int) -> None:
    snapshot = generated_map(300, 600, seed=seed, reach=reach)  # links between notes near each other
    arrows = layout(MapView(snapshot), place_labels=False).arrows
    assert sum(1 for a in arrows if a.via) > 100, "many arrows had a note in their way"
    assert [a.id for a in arrows if a.over] == [], "every one of them is routed around it"
    assert crossed_notes(snapshot) == []
