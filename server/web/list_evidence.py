"""Evidence, perspectives and indicators in the list view without scripts: the words it shows for a link's
evidence (rule P46), a note's indicators (P47) and who endorses what (P51) — the same words
static/js/evidence_summary.js gives the board and the list drawn by scripts — and the operation each of its
forms asks for, decided afterwards by the same rules as the board's."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import unquote, urlsplit

from server.board import evidence

SUPPORT_LABELS = {
    "assumption": "Assumption",
    "practice": "Practice knowledge",
    "testimony": "Stakeholder testimony",
    "monitoring": "Monitoring data",
    "evaluation": "Evaluation",
    "research": "Published research",
}
GRADE_LABELS = {"none": "None", "weak": "Weak", "moderate": "Moderate", "strong": "Strong"}
CHANGE_LABELS = {
    "awareness": "Awareness",
    "attitudes": "Attitudes",
    "behaviour": "Behaviour or practice",
    "systems": "Systems",
    "policy": "Policy",
}
CONTESTED_SPREAD = 3  # as static/js/evidence_summary.js: from 1 to 4, or 2 to 5
ACTIONS = ("confidence", "endorse", "group", "evidence", "assumption")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_ADDRESS = re.compile(r"https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)")


class EvidenceFormProblem(ValueError):
    """A form whose fields cannot make an operation: its message says what to change."""


def _values(link: dict[str, Any]) -> list[int]:
    return list(link.get("confidence", {}).values())


def contested(link: dict[str, Any]) -> bool:
    """Whether people see the link very differently: two or more ratings that far apart."""
    values = _values(link)
    return len(values) > 1 and max(values) - min(values) >= CONTESTED_SPREAD


def confidence_text(link: dict[str, Any]) -> str:
    """How many rated the link, their mean and range, and how many gave each value (evidence_summary.js)."""
    values = _values(link)
    if not values:
        return "No one has said yet."
    # The browser's toFixed(1) rounds the exact value half up: so does this, so both pages read alike.
    mean = Decimal(sum(values) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    each = ", ".join(f"{values.count(v)}×{v}" for v in range(1, 6) if v in values)
    people = "person" if len(values) == 1 else "people"
    spread = f", from {min(values)} to {max(values)}" if len(values) > 1 else ""
    return f"{len(values)} {people}: mean {mean}{spread} ({each})"


def support_text(link: dict[str, Any]) -> str:
    return ", ".join(SUPPORT_LABELS.get(s, s) for s in link.get("support", ()))


def source_link(source: dict[str, Any]) -> dict[str, str]:
    """Where a source leads and what it is called: its title, else its address or DOI."""
    href = source.get("url") or f"https://doi.org/{source.get('doi', '')}"
    return {"href": href, "text": source.get("title") or source.get("url") or f"doi:{source.get('doi', '')}"}


def indicator_text(i: dict[str, str]) -> str:
    """An indicator as one line: what shows it, from its baseline to its target, where the data comes from."""
    span = (
        f" — from {i.get('baseline') or '?'} to {i.get('target') or '?'}"
        if i.get("baseline") or i.get("target")
        else ""
    )
    return f"{i.get('indicator', '')}{span}{' (' + i['source'] + ')' if i.get('source') else ''}"


def endorsers_text(item: dict[str, Any], board: dict[str, Any]) -> str:
    """Who endorses a note or link, each with their stakeholder group when they have one (rule P51)."""
    people = {p["id"]: p for p in board["participants"]}
    groups = {g["id"]: g["label"] for g in board.get("groups", ())}
    named = []
    for who in item.get("endorsed_by", ()):
        person = people.get(who, {})
        group = groups.get(person.get("group", ""))
        named.append(f"{person.get('name', 'someone')}{f' ({group})' if group else ''}")
    return ", ".join(named)


def _source(line: str) -> dict[str, str]:
    ref, _, title = line.strip().partition(" ")
    named = {"title": title.strip()} if title.strip() else {}
    if _DOI.fullmatch(ref):
        return {"doi": ref, **named}
    if doi := _DOI_ADDRESS.fullmatch(ref):
        return {"doi": unquote(doi[1]), **named}
    if urlsplit(ref).scheme in ("http", "https") and urlsplit(ref).netloc:
        return {"url": ref, **named}
    raise EvidenceFormProblem(f"“{ref[:80]}” is neither a web address (https://…) nor a DOI (10.1234/…).")


def sources_text(link: dict[str, Any]) -> str:
    """A link's sources as the form shows them, one a line: the address or DOI, then the title."""
    lines = [
        (s.get("url") or s.get("doi", "")) + (f" {s['title']}" if s.get("title") else "")
        for s in link.get("sources", ())
    ]
    return "\n".join(lines)


def _flag(form: dict[str, str], name: str) -> bool:
    return form.get(name, "true") != "false"


def evidence_frame(form: dict[str, str], support: list[str]) -> dict[str, Any]:
    """The operation one of the list's evidence, endorsement or group forms asks for (`support`: the kinds ticked)."""
    action = form.get("action", "")
    if action == "confidence":
        value = form.get("value", "")
        if value not in ("", "1", "2", "3", "4", "5"):
            raise EvidenceFormProblem("Choose a confidence from 1 to 5.")
        return {"op": "confidence.set", "id": form.get("link", ""), "value": int(value) if value else None}
    if action == "endorse":
        return {"op": "endorse", "id": form.get("item", ""), "on": _flag(form, "on")}
    if action == "group":
        frame: dict[str, Any] = {"op": "participant.group", "group": form.get("group") or None}
        if form.get("participant"):
            frame["participant"] = form["participant"]
        return frame
    if action == "assumption":
        return {
            "op": "link.assumption",
            "id": form.get("link", ""),
            "note": form.get("note", ""),
            "attached": _flag(form, "attached"),
        }
    lines = [line for line in form.get("sources", "").splitlines() if line.strip()]
    return {
        "op": "link.evidence",
        "id": form.get("link", ""),
        "mechanism": form.get("mechanism", "").strip(),
        "support": support,
        # one more than the rules take, so that too many is refused by them, in their words
        "sources": [_source(line) for line in lines[: evidence.MAX_SOURCES + 1]],
        "strength": form.get("strength") or None,
    }


def assumption_choices(link: dict[str, Any], board: dict[str, Any]) -> list[dict[str, Any]]:
    """The notes a link may be said to rest on: assumption notes first, then the rest, as the map lists them;
    never its own ends, a note already attached or a private note (the rules refuse those)."""
    attached = set(link.get("assumptions", ()))
    fit = [
        n
        for n in board["notes"]
        if n["id"] not in (link["source"], link["target"]) and n["id"] not in attached and not n.get("private")
    ]
    return [n for n in fit if n["kind"] == "assumption"] + [n for n in fit if n["kind"] != "assumption"]
