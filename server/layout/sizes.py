"""How large a note is drawn on the board, estimated from its text by the stylesheet's rules.

The board's notes are as wide as their text between 160 and 240 px, with the text in 20 px type, at most four
lines shown (static/css/app.css). A layout spaces notes by these sizes; each estimate errs on the large side,
so notes laid out by it do not overlap on screen.
"""

from __future__ import annotations

import math
import unicodedata

MIN_WIDTH, MAX_WIDTH = 160.0, 240.0
PADDING_X = 24.0  # padding and border, left and right
PADDING_Y = 20.0  # padding and border, top and bottom
KIND_LINE = 20.0  # the kind's name above the text
TEXT_LINE = 26.0  # 20 px type, line-height 1.3
MAX_LINES = 4
NARROW, WIDE = 12.0, 21.0  # a character's advance, generously: Latin, Arabic …; CJK and emoji


def _advance(ch: str) -> float:
    return WIDE if unicodedata.east_asian_width(ch) in ("W", "F") or ord(ch) >= 0x1F000 else NARROW


def note_size(text: str) -> tuple[float, float]:
    """(width, height) in board pixels of a note showing `text`."""
    inner = MAX_WIDTH - PADDING_X
    lines = 0
    widest = 0.0
    for paragraph in text.splitlines() or [""]:
        width = sum(_advance(ch) for ch in paragraph)
        widest = max(widest, width)
        lines += max(1, math.ceil(width / inner))
    width = min(MAX_WIDTH, max(MIN_WIDTH, widest + PADDING_X))
    return width, PADDING_Y + KIND_LINE + min(lines, MAX_LINES) * TEXT_LINE
