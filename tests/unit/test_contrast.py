"""Text on every note colour, person colour and status badge meets WCAG 2.2 AA contrast (4.5:1 for normal text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.board.model import DEFAULT_KINDS, PARTICIPANT_COLOURS

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text()
NOTE_INK = "#111111"
EDITOR_BADGE_INK = re.search(r"\.note-editor \{[^}]*[^-]color: (#[0-9a-f]{3,6})", CSS)


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize(("name", "label", "colour"), DEFAULT_KINDS)
def test_note_text_on_every_kind_colour(name: str, label: str, colour: str) -> None:
    assert contrast(NOTE_INK, colour) >= 4.5, f"{label} notes"


@pytest.mark.parametrize("colour", PARTICIPANT_COLOURS)
def test_editing_badge_text_on_every_person_colour(colour: str) -> None:
    """The "Ana is editing" badge on a note has the person's colour behind its text."""
    assert EDITOR_BADGE_INK, "no .note-editor text colour"
    ink = EDITOR_BADGE_INK.group(1)
    ink = "#" + "".join(c * 2 for c in ink[1:]) if len(ink) == 4 else ink
    assert contrast(ink, colour) >= 4.5


@pytest.mark.parametrize("state", ["live", "connecting", "offline"])
def test_connection_badges(state: str) -> None:
    rule = re.search(r"\.connection\." + state + r" \{ background: (#[0-9a-f]{6}); color: var\(--(\w+)\)", CSS)
    assert rule, f"no .connection.{state} rule"
    ink = re.search(r"--" + rule.group(2) + r": (#[0-9a-f]{6})", CSS)
    assert ink and contrast(ink.group(1), rule.group(1)) >= 4.5


@pytest.mark.parametrize("variable", ["ink", "muted", "accent", "danger"])
def test_page_text_on_white(variable: str) -> None:
    found = re.search(r"--" + variable + r": (#[0-9a-f]{6})", CSS)
    assert found and contrast(found.group(1), "#ffffff") >= 4.5
