"""The HTML report is valid list markup: every list item sits in a list and a list holds only items."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from server import export
from tests.support.maps import MapBuilder, awkward_map, sample_map

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LISTS = {"ul", "ol", "menu"}
# What the HTML standard lets a list hold besides its items ("script-supporting elements").
ALLOWED_IN_LISTS = {"li", "script", "template"}


class ListModel(HTMLParser):
    """Reads a page as a tree and records each place where lists break the HTML content model."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.open[-1] if self.open else None
        if tag == "li" and parent not in LISTS:
            self.problems.append(f"<li> inside <{parent}>, not a list (line {self.getpos()[0]})")
        if parent in LISTS and tag not in ALLOWED_IN_LISTS:
            self.problems.append(f"<{tag}> directly inside <{parent}> (line {self.getpos()[0]})")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert tag in self.open, f"</{tag}> closes nothing (line {self.getpos()[0]})"
        while self.open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] in LISTS and data.strip():
            self.problems.append(f"text {data.strip()[:30]!r} directly inside <{self.open[-1]}>")


def list_problems(html: str) -> list[str]:
    model = ListModel()
    model.feed(html)
    model.close()
    assert model.open == [], f"elements left open: {model.open}"
    return model.problems


def acyclic_map() -> dict[str, Any]:
    m = MapBuilder("No loops", "?")
    m.note("act00001", "activity", "Train officials")
    m.note("imp00001", "impact", "Policy cites evidence")
    m.link("lnk00001", "act00001", "imp00001", "leads to")
    return m.snapshot()


def empty_map() -> dict[str, Any]:
    return MapBuilder("Nothing yet", "?").snapshot()


@pytest.mark.parametrize("make", [acyclic_map, empty_map, sample_map, awkward_map])
def test_the_html_report_is_valid_list_markup(make: Any) -> None:
    html = export.export(make(), "report-html", 1_700_000_000_000).decode()
    assert list_problems(html) == []


def test_the_list_check_finds_a_paragraph_inside_a_list() -> None:
    assert list_problems("<ol><p>None</p></ol><p><li>stray</li></p>") == [
        "<p> directly inside <ol> (line 1)",
        "<li> inside <p>, not a list (line 1)",
    ]


def test_a_map_without_cycles_says_so_outside_any_list() -> None:
    html = export.export(acyclic_map(), "report-html", 1_700_000_000_000).decode()
    cycles = html.split("<h2>Cycles</h2>", 1)[1]
    assert cycles.lstrip().startswith("<p>None: no pathway loops back on itself.</p>")
