"""The Excel workbooks read back in openpyxl, an independent reader: the M&E framework, and the PRSM and Kumu
workbooks in the sheets and columns those tools' import guides name. Text comes back exactly, never as a formula."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from server import export
from tests.support.maps import AWKWARD_TEXTS, MapBuilder, awkward_map, evidence_map

NOW = 1_700_000_000_000


def read(snapshot: dict[str, Any], format_name: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export.export(snapshot, format_name, NOW)))


def rows(sheet: Any) -> list[dict[str, Any]]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_me_framework_has_a_row_per_indicator_with_the_links_into_each_outcome_and_impact() -> None:
    book = read(evidence_map(), "me-xlsx")
    assert book.sheetnames == ["M&E framework"]
    table = rows(book["M&E framework"])
    assert [(r["Level"], r["Outcome or impact"], r["Indicator"]) for r in table] == [
        ("Outcome", "官员更早询问证据", "Requests a month"),
        ("Outcome", "官员更早询问证据", "请求数"),
        ("Impact", "السياسات تستخدم الأدلة 📚", "Policies citing evidence 📄"),
    ]
    first = table[0]
    assert (first["Kind of change"], first["Baseline"], first["Target"], first["Data source"]) == (
        "behaviour",
        "2",
        "=10",
        "Helpdesk log",
    )
    assert first["Links into it"].splitlines() == ["Briefings for officials", '=HYPERLINK("http://x")']
    assert first["Mechanisms"] == "Briefings for officials: Briefs answer the questions officials have 🙂"
    assert "grade: moderate" in first["Evidence"] and "https://doi.org/10.1234/abcd.5" in first["Evidence"]
    assert "contested" in first["Evidence"]
    assert first["Assumptions and risks"] == "Briefings for officials: Officials stay in post"
    assert "وزراء يقرأون" in table[2]["Mechanisms"]


def test_the_me_framework_has_a_frozen_header_set_widths_and_wrapped_text() -> None:
    sheet = read(evidence_map(), "me-xlsx")["M&E framework"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width == 40
    assert sheet["I2"].alignment.wrap_text


@pytest.mark.parametrize("format_name", ["me-xlsx", "prsm-xlsx", "kumu-xlsx"])
def test_text_that_looks_like_a_formula_stays_text(format_name: str) -> None:
    book = read(evidence_map(), format_name)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value[:1] in "=+-@"]
    assert risky, "the map has texts starting with = + - and @"
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)


def test_the_prsm_workbook_has_factors_and_links_as_prsm_reads_them() -> None:
    book = read(awkward_map(), "prsm-xlsx")
    assert book.sheetnames == ["Factors", "Links"]
    factors, links = rows(book["Factors"]), rows(book["Links"])
    assert list(factors[0])[:4] == ["Label", "Description", "x", "y"]
    assert list(links[0])[:4] == ["From", "To", "Label", "Description"]
    labels = [f["Label"] for f in factors]
    assert len(set(labels)) == len(labels)
    assert {" ".join(t.split()) for t in AWKWARD_TEXTS} <= set(labels)
    assert all(lk["From"] in labels and lk["To"] in labels for lk in links)
    assert 'produces "briefs" | summaries' in [lk["Label"] for lk in links]


def test_the_kumu_workbook_has_elements_and_connections_as_kumu_reads_them() -> None:
    book = read(evidence_map(), "kumu-xlsx")
    assert book.sheetnames == ["Elements", "Connections"]
    elements, connections = rows(book["Elements"]), rows(book["Connections"])
    assert list(elements[0])[:3] == ["Label", "Type", "Description"]
    assert list(connections[0])[:2] == ["From", "To"]
    by_label = {e["Label"]: e for e in elements}
    assert by_label["官员更早询问证据"]["Type"] == "Outcome"
    assert by_label["A new minister who likes data"]["Type"] == "Other influencing factor"
    first = next(c for c in connections if c["Description"])
    assert (first["From"], first["To"], first["Evidence grade"]) == (
        "Briefings for officials",
        "官员更早询问证据",
        "moderate",
    )
    assert first["Mean confidence"] == 2.5


def test_two_notes_with_the_same_text_stay_two_and_kumu_labels_never_hold_the_pipe_it_splits_on() -> None:
    m = MapBuilder()
    m.note("note0001", "activity", "Train | coach")
    m.note("note0002", "activity", "Train | coach")
    m.note("note0003", "impact", "Impact")
    m.link("link0001", "note0002", "note0003")
    elements = rows(read(m.snapshot(), "kumu-xlsx")["Elements"])
    assert [e["Label"] for e in elements] == ["Train ¦ coach", "Train ¦ coach (2)", "Impact"]
    assert elements[0]["Description"] == "Train | coach"
    (connection,) = rows(read(m.snapshot(), "kumu-xlsx")["Connections"])
    assert connection["From"] == "Train ¦ coach (2)"
    factors = rows(read(m.snapshot(), "prsm-xlsx")["Factors"])
    assert [f["Label"] for f in factors] == ["Train | coach", "Train | coach (2)", "Impact"]
