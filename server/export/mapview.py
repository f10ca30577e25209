"""One read-only view of a map for every exporter: notes, links, kinds and names, and the map as a graph.

Exporters take the plain snapshot dict (`Board.to_dict()`) and build on this view, so each format is a pure
function from the same data to bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import networkx as nx

from server.board import characters, pathways


def iso(ms: int) -> str:
    """Milliseconds since the epoch as an ISO 8601 UTC timestamp."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return characters.for_xml(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


@dataclass(frozen=True)
class MapView:
    snapshot: dict[str, Any]

    def for_xml(self) -> MapView:
        """The same map with every character XML 1.0 cannot carry replaced by U+FFFD. Boards and files from
        before such text was refused may still hold it (U+000B and U+000C come with text pasted from Word)."""
        return MapView(_clean(self.snapshot))

    @property
    def workshop(self) -> dict[str, Any]:
        return self.snapshot["workshop"]  # type: ignore[no-any-return]

    @cached_property
    def kinds(self) -> dict[str, dict[str, str]]:
        return {k["name"]: k for k in self.workshop["kinds"]}

    @cached_property
    def names(self) -> dict[str, str]:
        """Each person's name as the exports show it: someone the facilitator removed is marked so (rule P50)."""
        return {p["id"]: p["name"] + (" (removed)" if p.get("removed") else "") for p in self.snapshot["participants"]}

    @cached_property
    def notes(self) -> list[dict[str, Any]]:
        """Notes in the order they were made (ties by id), which is also the order people read them in."""
        return sorted(self.snapshot["notes"], key=lambda n: (n["created_at"], n["id"]))

    @cached_property
    def links(self) -> list[dict[str, Any]]:
        return sorted(self.snapshot["links"], key=lambda lk: (lk["created_at"], lk["id"]))

    @cached_property
    def by_id(self) -> dict[str, dict[str, Any]]:
        return {n["id"]: n for n in self.notes}

    def kind_label(self, note: dict[str, Any]) -> str:
        kind = self.kinds.get(note["kind"])
        return kind["label"] if kind else note["kind"]

    def colour(self, note: dict[str, Any]) -> str:
        """The note's own colour, else its kind's."""
        kind = self.kinds.get(note["kind"])
        return note.get("colour") or (kind["colour"] if kind else "#dddddd")

    def author(self, item: dict[str, Any]) -> str:
        return self.names.get(item["author"], "")

    @cached_property
    def closed_votes(self) -> list[dict[str, Any]]:
        """Dot votes the facilitator has closed, oldest first (an open vote's dots are nobody's to export)."""
        return [v for v in self.snapshot.get("votes", ()) if v["closed_at"] is not None]

    @cached_property
    def dots(self) -> dict[str, int]:
        """Note or link id -> its dots in the latest closed vote on notes, or on links (0 when it had none)."""
        latest: dict[str, int] = {}
        for on in ("notes", "links"):
            votes = [v for v in self.closed_votes if v["on"] == on]
            if votes:
                latest.update(votes[-1]["totals"])
        return latest

    def ranked(self, vote: dict[str, Any]) -> list[tuple[str, int]]:
        """(text, dots) of what a closed vote's dots went to, most first."""
        named = ((self.item_text(vote, i), n) for i, n in vote["totals"].items())
        return sorted(named, key=lambda t: (-t[1], t[0]))

    def item_text(self, vote: dict[str, Any], item: str) -> str:
        """What a vote's item is called: a note's text, "A → B" for a link, "A → B → C" for a pathway (rule P48);
        a note or link deleted since is named as such."""
        if vote["on"] == "pathways":
            return " → ".join(self._element_text(n) for n in pathways.notes_of(item))
        return self._element_text(item)

    def _element_text(self, item: str) -> str:
        if item in self.by_id:
            return str(self.by_id[item]["text"])
        link = next((lk for lk in self.links if lk["id"] == item), None)
        if link is None:
            return "(deleted since)"
        return f"{self.by_id[link['source']]['text']} → {self.by_id[link['target']]['text']}"

    @cached_property
    def graph(self) -> nx.DiGraph:
        """Notes as nodes and links as edges, with every attribute an exporter needs (no None values)."""
        g = nx.DiGraph()
        for n in self.notes:
            g.add_node(
                n["id"],
                kind=n["kind"],
                kind_label=self.kind_label(n),
                text=n["text"],
                colour=self.colour(n),
                x=float(n["x"]),
                y=float(n["y"]),
                author=self.author(n),
                created_at=iso(n["created_at"]),
                updated_at=iso(n["updated_at"]),
                dots=self.dots.get(n["id"], 0),
            )
        for lk in self.links:
            g.add_edge(
                lk["source"],
                lk["target"],
                id=lk["id"],
                label=lk["label"],
                author=self.author(lk),
                created_at=iso(lk["created_at"]),
                dots=self.dots.get(lk["id"], 0),
            )
        return g
