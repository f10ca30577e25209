"""Characters no text on a board may hold, and the one place that says which.

PostgreSQL cannot store U+0000 in text, and XML 1.0 — the SVG, GraphML and GEXF exports — cannot carry the
other C0 controls (TAB, LF and CR aside), U+FFFE, U+FFFF or a lone surrogate (which is not even UTF-8). Text
from clients is refused at the edge when it holds one (`find`, `storable`); text stored before that rule
existed is cleaned where it is written to XML (`for_xml`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic_core import PydanticCustomError

# The complement of XML 1.0's `Char` production within the Basic Multilingual Plane.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
# The pydantic error type that HTTP bodies and form fields report, so it can answer `bad_value`.
ERROR_TYPE = "unstorable_text"


def problem(text: str) -> str | None:
    """What is wrong with `text` ("U+000B at character 5"), or None when it can be stored."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X} at character {found.start() + 1}"


def find(value: Any) -> tuple[str, str] | None:
    """The first string anywhere in a decoded JSON value (keys included) that cannot be stored: (where, what).

    `where` names the field as a path, e.g. `kinds[2].label` ("" for a string on its own). Walks without
    recursion, depth first in document order, holding one iterator for each container it is inside: what it
    holds grows with the nesting a JSON parser accepted, never with the length of a list (an import's file may
    hold a million values).
    """
    stack: list[tuple[str, bool, Iterator[tuple[Any, Any]]]] = []  # (path, a dict's?, its children)
    where, item = "", value
    while True:
        if isinstance(item, str):
            if (what := problem(item)) is not None:
                return where, what
        elif isinstance(item, dict):
            stack.append((where, True, iter(item.items())))
        elif isinstance(item, list | tuple):
            stack.append((where, False, enumerate(item)))
        while stack:
            parent, is_dict, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                continue
            key, item = child
            if not is_dict:
                where = f"{parent}[{key}]"
            elif isinstance(key, str) and (what := problem(key)) is not None:
                return f"{parent} key {_shown(key)}".lstrip(), what
            else:
                where = f"{parent}.{key}" if parent else str(key)
            break
        else:
            return None


def describe(where: str, what: str) -> str:
    """The message a refusal carries: the field, the character, and why."""
    field = f"{where}: " if where else ""
    return (
        f"{field}{what} cannot be stored (NUL, other control characters except tab and line ends, "
        "U+FFFE, U+FFFF and unpaired surrogates are refused)"
    )


def storable(value: Any) -> Any:
    """A pydantic validator: the value unchanged, or an `unstorable_text` error naming the field and character."""
    found = find(value)
    if found is not None:
        raise PydanticCustomError(ERROR_TYPE, "{reason}", {"reason": describe(*found)})
    return value


def for_xml(text: str) -> str:
    """Text safe to write into XML 1.0: each character it cannot carry becomes U+FFFD."""
    return UNSTORABLE.sub(REPLACEMENT, text)


def _shown(key: str) -> str:
    return ascii(key[:40])
