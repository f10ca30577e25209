"""What each note and link carries beyond its text, as flat typed attributes for the formats that hold one value
per column or key: CSV, GraphML, GEXF and Kumu. One definition, so that a link's grade or confidence reads the
same in every file.

On links (rule P46): the mechanism, the kinds of support, the sources ("title <address>", a DOI as its
https://doi.org address), the evidence grade (`ungraded` when the group gave none, as in the contribution
report), people's confidence as its mean, lowest and highest and the number of ratings (the board's spread:
"from 1 to 4"), whether it is contested (as the board marks it ⚖), and the assumption notes it rests on, by id
and by text. On notes (rule P47): the kind of change and the indicators, each "indicator | baseline | target |
source". On both (rule P51): the group of the person who proposed it, and who endorses it and their groups.

Several values in one attribute are joined by "; "; inside a value, `\\`, `;`, `|`, `<` and `>` are written
with a backslash before them, so that `split` gives back exactly what `join` was given (a CSV import reads them
so). A value that is absent (no mechanism, no ratings) is None: each format leaves it out, or leaves its cell
empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from server.board.evidence import DOI
from server.export import strength
from server.export.mapview import MapView

SEPARATOR = "; "
FIELD_SEPARATOR = " | "
_DOI_ADDRESS = "https://doi.org/"
INDICATOR_FIELDS = ("indicator", "baseline", "target", "source")
# "title <address>", both escaped: no bare < or > in either, so the one bare pair is the address's.
_SOURCE = re.compile(r"\s*((?:[^<>\\]|\\.)*?)\s*<((?:[^<>\\]|\\.)*)>\s*", re.S)

# (name, type) of each attribute, in the order files carry them; the types are GraphML's (attr.type).
LINK_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("mechanism", "string"),
    ("support", "string"),
    ("sources", "string"),
    ("grade", "string"),
    ("confidence_mean", "double"),
    ("confidence_min", "int"),
    ("confidence_max", "int"),
    ("ratings", "int"),
    ("contested", "boolean"),
    ("assumption_ids", "string"),
    ("assumptions", "string"),
    ("proposer_group", "string"),
    ("endorser_ids", "string"),
    ("endorsers", "string"),
    ("endorsing_groups", "string"),
)
NOTE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("change", "string"),
    ("indicators", "string"),
    ("proposer_group", "string"),
    ("endorser_ids", "string"),
    ("endorsers", "string"),
    ("endorsing_groups", "string"),
)
_ESCAPES = str.maketrans({ch: "\\" + ch for ch in "\\;|<>"})


def escape(value: str) -> str:
    return value.translate(_ESCAPES)


def join(values: Iterable[str], separator: str = SEPARATOR) -> str:
    return separator.join(escape(v) for v in values)


def split(text: str, separator: str = ";") -> list[str]:
    """The values `join` joined with `separator` (";" or "|"), unescaped and with the spaces around them off."""
    values, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i + 1])
            i += 2
            continue
        if ch == separator:
            values.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    values.append("".join(current))
    # Without the spaces `join` put around each separator: what is read back this way (ids, kinds of support,
    # indicator fields) has none of its own at either end.
    return [v.strip(" ") for v in values] if text else []


def source_text(source: dict[str, Any], escaped: bool = True) -> str:
    """A cited source as "title <address>", or "<address>" without a title; a DOI as its doi.org address.
    Escaped for joining with others, unless `escaped` is false (a value of its own, as in a JSON array)."""
    mark = escape if escaped else str
    address = _DOI_ADDRESS + source["doi"] if source.get("doi") else str(source.get("url") or "")
    title = source.get("title") or ""
    return f"{mark(title)} <{mark(address)}>" if title else f"<{mark(address)}>"


def parse_sources(text: str) -> list[dict[str, Any]]:
    """The sources `sources` joined: [{url, doi, title}]; a doi.org address is a DOI. ValueError if malformed."""
    sources = []
    for entry in _split_escaped(text, ";"):
        match = _SOURCE.fullmatch(entry)
        if match is None:
            raise ValueError(f"a source is written 'title <address>', got {_unescape(entry)[:80]!r}")
        title, address = _unescape(match.group(1)), _unescape(match.group(2))
        doi = address[len(_DOI_ADDRESS) :] if address.startswith(_DOI_ADDRESS) else None
        if doi is not None and DOI.fullmatch(doi):
            sources.append({"url": None, "doi": doi, "title": title})
        else:
            sources.append({"url": address, "doi": None, "title": title})
    return sources


def indicator_text(indicator: dict[str, str], escaped: bool = True) -> str:
    """An indicator as "indicator | baseline | target | source", empty fields at the end left off."""
    fields = [indicator.get(k, "") for k in INDICATOR_FIELDS]
    while len(fields) > 1 and not fields[-1]:
        fields.pop()
    return join(fields, FIELD_SEPARATOR) if escaped else FIELD_SEPARATOR.join(fields)


def parse_indicators(text: str) -> list[dict[str, str]]:
    """The indicators `indicators` joined. ValueError if one has more than four fields."""
    rows = []
    for entry in _split_escaped(text, ";"):
        fields = split(entry, "|")
        if len(fields) > len(INDICATOR_FIELDS):
            raise ValueError("an indicator has at most four fields (indicator | baseline | target | source)")
        fields += [""] * (len(INDICATOR_FIELDS) - len(fields))
        rows.append(dict(zip(INDICATOR_FIELDS, fields, strict=True)))
    return rows


def _split_escaped(text: str, separator: str) -> list[str]:
    """`text` cut at each unescaped `separator`, escapes kept (for a second, finer split)."""
    if not text.strip():
        return []
    entries, start, i = [], 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == separator:
            entries.append(text[start:i])
            start = i + 1
        i += 1
    entries.append(text[start:])
    return entries


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.S)


@dataclass(frozen=True)
class Attributes:
    """The attributes of a map's notes and links, from one view (read once for every note and link)."""

    view: MapView

    @cached_property
    def _group_of(self) -> dict[str, str]:
        """Participant id -> the label of their stakeholder group, for those in one."""
        labels = {g["id"]: g["label"] for g in self.view.snapshot.get("groups", ())}
        people = self.view.snapshot["participants"]
        return {p["id"]: labels[p["group"]] for p in people if p.get("group") in labels}

    def _perspective(self, item: dict[str, Any]) -> dict[str, Any]:
        endorsers = item.get("endorsed_by") or []
        groups = list(dict.fromkeys(self._group_of[p] for p in endorsers if p in self._group_of))
        return {
            "proposer_group": self._group_of.get(item["author"]),
            "endorser_ids": endorsers or None,
            "endorsers": [self.view.names.get(p, "") for p in endorsers] or None,
            "endorsing_groups": groups or None,
        }

    def link(self, lk: dict[str, Any]) -> dict[str, Any]:
        """A link's attributes as Python values (lists unjoined), None where it has none."""
        values = list((lk.get("confidence") or {}).values())
        assumptions = [a for a in lk.get("assumptions") or () if a in self.view.by_id]
        mean = strength.mean_confidence(lk)
        return {
            "mechanism": lk.get("mechanism") or None,
            "support": lk.get("support") or None,
            "sources": lk.get("sources") or None,
            "grade": strength.grade_of(lk),
            "confidence_mean": None if mean is None else round(mean, 2),
            "confidence_min": min(values) if values else None,
            "confidence_max": max(values) if values else None,
            "ratings": len(values),
            "contested": strength.contested(lk),
            "assumption_ids": assumptions or None,
            "assumptions": [self.view.by_id[a]["text"] for a in assumptions] or None,
            **self._perspective(lk),
        }

    def note(self, note: dict[str, Any]) -> dict[str, Any]:
        indicators = note.get("indicators") or []
        return {
            "change": note.get("change"),
            "indicators": indicators or None,
            **self._perspective(note),
        }


def text(values: dict[str, Any], escaped: bool = True) -> dict[str, Any]:
    """Attributes with each source and indicator written as text; lists stay lists."""
    out = dict(values)
    if values.get("sources"):
        out["sources"] = [source_text(s, escaped) for s in values["sources"]]
    if values.get("indicators"):
        out["indicators"] = [indicator_text(i, escaped) for i in values["indicators"]]
    return out


def flat(values: dict[str, Any]) -> dict[str, Any]:
    """Attributes as one value each: lists joined by "; ", their values escaped (`split` takes them apart)."""
    out = text(values)
    for name, value in out.items():
        if isinstance(value, list):
            escaped_already = name in ("sources", "indicators")
            out[name] = SEPARATOR.join(value) if escaped_already else join(value)
    return out
