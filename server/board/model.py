"""The map as data: workshop, participants, notes, links, and the events that change them.

`Board` is the in-memory state of one workshop. It changes only through `Board.apply(event)`, which is
deterministic: replaying the same events onto the same starting board always gives the same board. The
server, the storage layer (replaying its log) and the test clients all use this one function.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from server.board import (
    clusters,
    evidence,
    lanes,
    merging,
    pathway_votes,
    perspectives,
    roster,
    stories,
    timer,
    voting,
)
from server.board.phases import Phase, Plan
from server.board.seen import SeenIds

# One colour per kind. Light backgrounds so the dark note text keeps WCAG AA contrast.
# The participant an import credits with the notes and links its file does not attribute to anyone.
IMPORTER_ID = "imported"

DEFAULT_KINDS: tuple[tuple[str, str, str], ...] = (
    ("impact", "Impact", "#f4a6a6"),
    ("outcome", "Outcome", "#f9d77e"),
    ("output", "Output", "#a8d8b9"),
    ("activity", "Activity", "#9cc7f0"),
    ("assumption", "Assumption", "#d4c1ec"),
)

# A person's colour is the background of their "… is editing" badge, whose text is white: each is dark enough
# for 4.5:1 contrast (the hues of d3's category10, darkened where they were too light).
PARTICIPANT_COLOURS: tuple[str, ...] = (
    "#1f77b4",
    "#d62728",
    "#1e7b34",
    "#7b52ab",
    "#8c564b",
    "#b03a87",
    "#0f7782",
    "#6b6a12",
    "#b04f00",
    "#636b72",
)


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    label: str
    colour: str


@dataclass(slots=True)
class WorkshopInfo:
    id: str
    title: str
    question: str
    kinds: tuple[Kind, ...]
    locked: bool
    created_at: int
    exports_for_participants: bool = False  # the facilitator may let participants download exports
    joining: bool = True  # new people may join (by link or short code); the facilitator closes it
    checks_for_everyone: bool = False  # participants see the method's checks too (rule P49)

    def kind_names(self) -> set[str]:
        return {k.name for k in self.kinds}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "question": self.question,
            "kinds": [asdict(k) for k in self.kinds],
            "locked": self.locked,
            "created_at": self.created_at,
            "exports_for_participants": self.exports_for_participants,
            "joining": self.joining,
            "checks_for_everyone": self.checks_for_everyone,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> WorkshopInfo:
        return cls(
            id=d["id"],
            title=d["title"],
            question=d["question"],
            kinds=tuple(Kind(**k) for k in d["kinds"]),
            locked=d["locked"],
            created_at=d["created_at"],
            exports_for_participants=d.get("exports_for_participants", False),
            joining=d.get("joining", True),
            checks_for_everyone=d.get("checks_for_everyone", False),
        )


@dataclass(slots=True)
class Participant:
    id: str
    name: str
    colour: str
    role: str  # "facilitator" | "participant" | "proxy"
    removed: bool = False  # the facilitator took them out (rule P50): what they made stays, named as theirs
    group: str | None = None  # the stakeholder group they belong to (rule P51)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for name in ("removed", "group"):  # most people have neither: they read as before there were these
            if not d[name]:
                del d[name]
        return d

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"


@dataclass(slots=True)
class Note:
    id: str
    kind: str
    text: str
    x: float
    y: float
    colour: str | None
    author: str
    created_at: int
    updated_at: int
    version: int
    private: str | None = None  # who may see it before it is revealed (server/board/privacy.py); None: everyone
    merged: list[dict[str, Any]] = field(default_factory=list)  # notes merged into it, whole (rule P43)
    # What would show it: {indicator, baseline, target, source} (rule P47); and the kind of change it is.
    indicators: list[dict[str, str]] = field(default_factory=list)
    change: str | None = None
    endorsed_by: list[str] = field(default_factory=list)  # who endorses it, in the order they did (rule P51)


@dataclass(slots=True)
class Link:
    id: str
    source: str
    target: str
    label: str
    author: str
    created_at: int
    updated_at: int
    version: int = 1  # links stored before links had versions read as version 1
    # Why anyone believes it (rule P46): how the source leads to the target; the kinds of support and the
    # sources cited; the group's grade of the evidence; each person's confidence (participant id -> 1-5);
    # and the notes (assumptions, risks) it rests on.
    mechanism: str = ""
    support: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    strength: str | None = None
    confidence: dict[str, int] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    endorsed_by: list[str] = field(default_factory=list)  # who endorses it, in the order they did (rule P51)


@dataclass(frozen=True, slots=True)
class Event:
    """One accepted change, numbered by the workshop's sequence (`seq`), in the order the server applied it."""

    seq: int
    op: str
    by: str | None
    at: int
    data: dict[str, Any]
    cid: str | None = None  # the client operation id that caused it, for idempotent resends

    def to_wire(self) -> dict[str, Any]:
        return {"seq": self.seq, "op": self.op, "by": self.by, "at": self.at, "data": self.data}


@dataclass(slots=True)
class Board:
    workshop: WorkshopInfo
    head: int = 0
    participants: dict[str, Participant] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    # Ids of deleted notes and links: they stay taken, so nothing deleted is ever resurrected by a late resend.
    # A room holds only the newest exactly (all of them are in storage); see `SeenIds`.
    deleted: SeenIds[str] = field(default_factory=SeenIds)
    # (source, target) -> link id: at most one link per ordered pair.
    pairs: dict[tuple[str, str], str] = field(default_factory=dict)
    plan: Plan = field(default_factory=Plan)  # the workshop's phases and the current one (rule P36)
    votes: list[voting.Vote] = field(default_factory=list)  # dot votes, the open one last (rule P40)
    clusters: dict[str, clusters.Cluster] = field(default_factory=dict)  # named frames of notes (rule P44)
    lanes: tuple[lanes.Lane, ...] = ()  # the template's columns, left to right (rule P45)
    groups: tuple[perspectives.Group, ...] = ()  # the stakeholder groups people belong to (rule P51)
    stories: dict[str, stories.Story] = field(default_factory=dict)  # contribution stories on pathways (P52)

    def apply(self, event: Event) -> None:
        """Apply an accepted event. Events must arrive in sequence order."""
        if event.seq != self.head + 1:
            raise ValueError(f"event {event.seq} applied to board at head {self.head}: expected {self.head + 1}")
        _APPLIERS[event.op](self, event.data)
        self.head = event.seq

    def links_of(self, note_id: str) -> list[str]:
        return [lid for lid, link in self.links.items() if link.source == note_id or link.target == note_id]

    def to_dict(self) -> dict[str, Any]:
        """The whole map as plain JSON-ready data (the snapshot clients, exports and storage read).

        Deleted ids are not in it: storage keeps them apart, and a board from a snapshot learns them from there.
        """
        return {
            "workshop": self.workshop.to_dict(),
            "head": self.head,
            "participants": [p.to_dict() for p in self.participants.values()],
            "notes": [_note_dict(n) for n in self.notes.values()],
            "links": [link_dict(lk) for lk in self.links.values()],
            "plan": self.plan.to_dict(),
            "votes": [v.to_dict() for v in self.votes],
            "clusters": [asdict(c) for c in self.clusters.values()],
            "lanes": [lane.to_dict() for lane in self.lanes],
            **({"groups": [g.to_dict() for g in self.groups]} if self.groups else {}),
            "stories": [story.to_dict() for story in self.stories.values()],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Board:
        board = cls(workshop=WorkshopInfo.from_dict(d["workshop"]), head=d["head"])
        board.participants = {p["id"]: Participant(**p) for p in d["participants"]}
        board.notes = {n["id"]: Note(**n) for n in d["notes"]}
        board.links = {lk["id"]: Link(**lk) for lk in d["links"]}
        board.pairs = {(lk.source, lk.target): lk.id for lk in board.links.values()}
        board.plan = Plan.from_dict(d.get("plan"))
        board.votes = [voting.Vote.from_dict(v) for v in d.get("votes", ())]
        board.clusters = {c["id"]: clusters.Cluster(**c) for c in d.get("clusters", ())}
        board.lanes = tuple(lanes.Lane.from_dict(lane) for lane in d.get("lanes", ()))
        board.groups = tuple(perspectives.Group.from_dict(g) for g in d.get("groups", ()))
        board.stories = {s["id"]: stories.from_dict(s) for s in d.get("stories", ())}  # none before P52
        for deleted in d.get("deleted", ()):  # snapshots stored before deleted ids had their own table
            board.deleted.add(deleted, 0)
        return board


_NOTE_EXTRAS = ("private", "merged", "indicators", "change", "endorsed_by")
_LINK_EXTRAS = ("mechanism", "support", "sources", "strength", "confidence", "assumptions", "endorsed_by")


def _note_dict(note: Note) -> dict[str, Any]:
    d = asdict(note)
    for name in _NOTE_EXTRAS:  # most notes have none: their dict is as it was before notes had these
        if not d[name]:
            del d[name]
    return d


def link_dict(link: Link) -> dict[str, Any]:
    """A link as plain data, without the evidence fields it does not have (most links, on a big map)."""
    d = asdict(link)
    for name in _LINK_EXTRAS:
        if not d[name]:
            del d[name]
    return d


def deleted_by(op: str, data: dict[str, Any]) -> list[str]:
    """The ids an event deletes, which stay taken for ever (rule P10): a note (with its links), a link, the
    notes a merge folds in with the links it drops (P43), a cluster (P44)."""
    if op == "note.delete":
        return [data["id"], *data["links"]]
    if op in ("link.delete", "cluster.delete"):
        return [data["id"]]
    if op == "notes.merge":
        return [*(n["id"] for n in data["notes"]), *data["dropped"]]
    return []


def _participant_join(board: Board, d: dict[str, Any]) -> None:
    known = board.participants.get(d["id"])  # joining again under a new name keeps their group (rule P51)
    group = known.group if known is not None else None
    board.participants[d["id"]] = Participant(d["id"], d["name"], d["colour"], d["role"], group=group)


def _note_add(board: Board, d: dict[str, Any]) -> None:
    board.notes[d["id"]] = Note(**d)


def _note_update(board: Board, d: dict[str, Any]) -> None:
    note = board.notes[d["id"]]
    for name in ("text", "kind", "colour", "x", "y", "version", "updated_at"):
        if name in d:
            setattr(note, name, d[name])


def _notes_arrange(board: Board, d: dict[str, Any]) -> None:
    for p in d["positions"]:
        _note_update(board, {**p, "updated_at": d["updated_at"]})


def _note_delete(board: Board, d: dict[str, Any]) -> None:
    voting.refund(board.votes, [d["id"], *d["links"]])
    for link_id in d["links"]:
        _link_delete(board, {"id": link_id})
    del board.notes[d["id"]]
    evidence.forget_note(board, d["id"])
    board.deleted.add(d["id"], board.head + 1)  # the seq of the event being applied


def _link_add(board: Board, d: dict[str, Any]) -> None:
    link = Link(**d)
    board.links[link.id] = link
    board.pairs[(link.source, link.target)] = link.id


def _link_update(board: Board, d: dict[str, Any]) -> None:
    link = board.links[d["id"]]
    link.label = d["label"]
    link.updated_at = d["updated_at"]
    link.version = d.get("version", link.version + 1)  # events stored before links had versions


def _note_restore(board: Board, d: dict[str, Any]) -> None:
    # The ids stay in `deleted`: it holds every id ever deleted, and the rules look at the live board first.
    _note_add(board, {k: v for k, v in d.items() if k != "links"})
    for link in d["links"]:
        _link_add(board, link)


def _link_delete(board: Board, d: dict[str, Any]) -> None:
    voting.refund(board.votes, [d["id"]])
    link = board.links.pop(d["id"])
    pathway_votes.refund(board.votes, links=[(link.source, link.target)])  # a deleted note's links come here too
    del board.pairs[(link.source, link.target)]
    board.deleted.add(link.id, board.head + 1)


def _workshop_lock(board: Board, d: dict[str, Any]) -> None:
    board.workshop.locked = d["locked"]


def _workshop_checks(board: Board, d: dict[str, Any]) -> None:
    board.workshop.checks_for_everyone = d["shown"]


def _workshop_share_exports(board: Board, d: dict[str, Any]) -> None:
    board.workshop.exports_for_participants = d["enabled"]


def _workshop_joining(board: Board, d: dict[str, Any]) -> None:
    board.workshop.joining = d["open"]


def _workshop_rename(board: Board, d: dict[str, Any]) -> None:
    if "title" in d:
        board.workshop.title = d["title"]
    if "question" in d:
        board.workshop.question = d["question"]


def _notes_reveal(board: Board, d: dict[str, Any]) -> None:
    # The notes and links come whole: those who could not see them before get them from this event.
    for n in d["notes"]:
        board.notes[n["id"]] = Note(**n)
    for lk in d["links"]:
        board.links[lk["id"]] = Link(**lk)
        board.pairs[(lk["source"], lk["target"])] = lk["id"]


def _private(board: Board, d: dict[str, Any]) -> None:
    """The placeholder of an event this viewer may not see (a client's board): only the head moves."""


def _plan_set(board: Board, d: dict[str, Any]) -> None:
    phases = tuple(Phase.from_dict(p) for p in d["phases"])
    timebox = timer.Timer(seconds=phases[d["current"]].seconds)  # a new phase's timer: its time box, stopped
    board.plan = Plan(phases=phases, current=d["current"], changed_at=d["started_at"], timer=timebox)


def _phase_go(board: Board, d: dict[str, Any]) -> None:
    board.plan.current = d["index"]
    board.plan.changed_at = d["started_at"]
    board.plan.timer = timer.Timer(seconds=board.plan.phase.seconds)


def _timer_start(board: Board, d: dict[str, Any]) -> None:
    timer.start(board.plan.timer, d["at"])


def _timer_pause(board: Board, d: dict[str, Any]) -> None:
    timer.pause(board.plan.timer, d["at"])


def _timer_add(board: Board, d: dict[str, Any]) -> None:
    timer.add(board.plan.timer, d["seconds"])


def _vote_open(board: Board, d: dict[str, Any]) -> None:
    voting.apply_open(board.votes, d)


def _vote_cast(board: Board, d: dict[str, Any]) -> None:
    voting.apply_cast(board.votes, d)


def _vote_close(board: Board, d: dict[str, Any]) -> None:
    voting.apply_close(board.votes, d)


_APPLIERS = {
    "participant.join": _participant_join,
    "note.add": _note_add,
    "note.update": _note_update,
    "note.move": _note_update,
    "notes.arrange": _notes_arrange,
    "note.delete": _note_delete,
    "note.restore": _note_restore,
    "link.add": _link_add,
    "link.update": _link_update,
    "link.delete": _link_delete,
    "link.restore": _link_add,
    "workshop.lock": _workshop_lock,
    "workshop.unlock": _workshop_lock,
    "workshop.rename": _workshop_rename,
    "workshop.share_exports": _workshop_share_exports,
    "workshop.checks": _workshop_checks,
    "notes.reveal": _notes_reveal,
    "private": _private,
    "plan.set": _plan_set,
    "phase.go": _phase_go,
    "timer.start": _timer_start,
    "timer.pause": _timer_pause,
    "timer.add": _timer_add,
    "cluster.add": clusters.apply_add,
    "cluster.update": clusters.apply_update,
    "cluster.delete": clusters.apply_delete,
    "lanes.set": lanes.apply_set,
    "story.add": stories.apply_add,
    "story.update": stories.apply_update,
    "story.delete": stories.apply_delete,
    "link.evidence": evidence.apply_evidence,
    "link.assumption": evidence.apply_assumption,
    "confidence.set": evidence.apply_confidence,
    "note.indicators": evidence.apply_indicators,
    "notes.merge": merging.apply_merge,
    "notes.unmerge": merging.apply_unmerge,
    "vote.open": _vote_open,
    "vote.cast": _vote_cast,
    "vote.close": _vote_close,
    "workshop.joining": _workshop_joining,
    "participant.rename": roster.apply_rename,
    "participant.remove": roster.apply_remove,
    "groups.set": perspectives.apply_groups,
    "participant.group": perspectives.apply_participant_group,
    "endorse": perspectives.apply_endorse,
}
