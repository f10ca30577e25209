"""Maps for tests and benchmarks, built through the board's own rules so they are always valid."""

from __future__ import annotations

import random
from typing import Any

from server.board import ops
from server.board.change import Change
from server.board.model import DEFAULT_KINDS, Board, Event, Kind, Participant, WorkshopInfo
from server.board.rules import decide, participant_join

ANA = Participant(id="ana00001", name="Ana «Ø» O'Brien", colour="#1f77b4", role="facilitator")
BEN = Participant(id="ben00001", name="بن", colour="#d62728", role="participant")

AWKWARD_TEXTS = [
    'Ministers cite "our" evidence, in <b>bold</b> & more',
    "Run monthly briefings,\nwith officials; =SUM(A1)",
    "Policy brief 📄 — 'plain' English",
    "تحسين السياسات القائمة على الأدلة",  # right-to-left
    "+ commas, \"quotes\", 'apostrophes'\r\nand CRLF",
    "@mention -minus <script>alert(1)</script> &amp;",
    "x" * 2000,
]


class MapBuilder:
    def __init__(
        self,
        title: str = 'Evidence → policy: "what works" <2024> & beyond',
        question: str = "How does our evidence reach policy?",
        kinds: tuple[Kind, ...] = tuple(Kind(*k) for k in DEFAULT_KINDS),
    ) -> None:
        info = WorkshopInfo(
            id="wmap0001",
            title=title,
            question=question,
            kinds=kinds,
            locked=False,
            created_at=1_700_000_000_000,
        )
        self.board = Board(workshop=info)
        for p in (ANA, BEN):
            self._commit(participant_join(p), p)

    def _commit(self, change: Change, actor: Participant) -> None:
        event = Event(
            seq=self.board.head + 1, op=change.op, by=actor.id, at=1_700_000_000_000 + self.board.head, data=change.data
        )
        self.board.apply(event)

    def do(self, actor: Participant = ANA, **frame: Any) -> None:
        change = decide(self.board, ops.OP_ADAPTER.validate_python(frame), actor, 1_700_000_000_000 + self.board.head)
        assert isinstance(change, Change), change
        self._commit(change, actor)

    def note(
        self, note_id: str, kind: str, text: str, x: float = 0.0, y: float = 0.0, actor: Participant = ANA
    ) -> None:
        self.do(actor, op="note.add", id=note_id, kind=kind, text=text, x=x, y=y)

    def link(self, link_id: str, source: str, target: str, label: str = "") -> None:
        self.do(op="link.add", id=link_id, source=source, target=target, label=label)

    def snapshot(self) -> dict[str, Any]:
        return self.board.to_dict()


def awkward_map() -> dict[str, Any]:
    """A small pathway map whose text has every awkward character a format must survive."""
    m = MapBuilder()
    kinds = ["impact", "activity", "output", "outcome", "assumption", "outcome", "assumption"]
    for i, (text, kind) in enumerate(zip(AWKWARD_TEXTS, kinds, strict=True)):
        m.note(f"note{i:04}", kind, text, x=float(i % 4) * 260, y=float(i // 4) * 200 - 50, actor=ANA if i % 2 else BEN)
    m.note("note0100", "activity", "Train officials in using evidence", x=-300.0, y=400.0)
    m.link("link0001", "note0001", "note0002", 'produces "briefs" | summaries')
    m.link("link0002", "note0002", "note0003", "leads to\nbetter use")
    m.link("link0003", "note0003", "note0000", "")
    m.link("link0004", "note0100", "note0003", "contributes to")
    m.link("link0005", "note0004", "note0005", "<assumes>")
    m.link("link0006", "note0005", "note0004", "feeds back")  # a cycle
    return m.snapshot()


COLUMNS = 80  # a generated map's notes, in rows of this many


def generated_map(
    notes: int, links: int, seed: int = 1, evidence: bool = False, reach: int | None = None
) -> dict[str, Any]:
    """A large random map (for benchmarks): kinds in pathway proportions, links mostly pointing 'forward'.
    Links join notes anywhere on the map, or with `reach`, notes at most that many columns and one row apart
    (as on a workshop's map, where a step leads to a note nearby).
    With `evidence`, every link has a mechanism, support, a source, a grade and two people's confidence, a third
    of them rest on an assumption, and every outcome and impact has an indicator."""
    rng = random.Random(seed)
    m = MapBuilder("Generated map", "How does impact happen at scale?")
    kinds = ["activity"] * 3 + ["output"] * 3 + ["outcome"] * 3 + ["impact", "assumption"]
    ids = [f"n{i:06}" for i in range(notes)]
    for i, note_id in enumerate(ids):
        m.note(
            note_id,
            rng.choice(kinds),
            f"Note {i}: "
            + " ".join(
                rng.choice(["evidence", "policy", "trust", "data", "practice", "training"])
                for _ in range(rng.randint(2, 12))
            ),
            x=float(i % COLUMNS) * 220,
            y=float(i // COLUMNS) * 150,
        )
    made = 0
    while made < links:
        a, b = rng.randrange(notes), rng.randrange(notes)
        if reach is not None:
            b = a + rng.randint(-1, 1) * COLUMNS + rng.randint(-reach, reach)
        if a == b or not 0 <= b < notes or (ids[a], ids[b]) in m.board.pairs:
            continue
        m.link(f"l{made:06}", ids[a], ids[b], rng.choice(["", "leads to", "contributes to", "enables"]))
        made += 1
    if evidence:
        _add_evidence(m, random.Random(seed + 1))
    return m.snapshot()


def _add_evidence(m: MapBuilder, rng: random.Random) -> None:
    assumptions = [n.id for n in m.board.notes.values() if n.kind == "assumption"]
    for link in list(m.board.links.values()):
        m.do(
            op="link.evidence",
            id=link.id,
            mechanism=f"Because {rng.choice(['trust', 'data', 'training', 'practice'])} grows over time",
            support=rng.sample(["assumption", "practice", "testimony", "monitoring", "evaluation", "research"], 2),
            sources=[{"doi": f"10.5555/{link.id}", "title": "Study"}],
            strength=rng.choice(["none", "weak", "moderate", "strong"]),
        )
        m.do(op="confidence.set", id=link.id, value=rng.randint(1, 5))
        m.do(BEN, op="confidence.set", id=link.id, value=rng.randint(1, 5))
        rest = rng.choice(assumptions)
        if rng.random() < 1 / 3 and rest not in (link.source, link.target):
            m.do(op="link.assumption", id=link.id, note=rest)
    for note in list(m.board.notes.values()):
        if note.kind in ("outcome", "impact"):
            indicator = {"indicator": f"Share of {note.id}", "baseline": "10%", "target": "40%", "source": "Survey"}
            m.do(op="note.indicators", id=note.id, indicators=[indicator], change="behaviour")


OTHER_FACTOR = ("other-factor", "Other influencing factor", "#cfd8dc")  # as the contribution-analysis template


def evidence_map() -> dict[str, Any]:
    """A small contribution map with evidence on its links and indicators on its outcomes, in Arabic, Chinese
    and emoji as well as English, a text that looks like a formula, and an other influencing factor."""
    m = MapBuilder(
        "Contribution: evidence into policy 📚",
        "How did our evidence reach policy?",
        tuple(Kind(*k) for k in (*DEFAULT_KINDS, OTHER_FACTOR)),
    )
    m.note("act00001", "activity", "Briefings for officials")
    m.note("act00002", "activity", '=HYPERLINK("http://x")')
    m.note("out00001", "outcome", "官员更早询问证据")
    m.note("imp00001", "impact", "السياسات تستخدم الأدلة 📚")
    m.note("ass00001", "assumption", "Officials stay in post")
    m.note("oth00001", "other-factor", "A new minister who likes data")
    m.link("lnk00001", "act00001", "out00001", "leads to")
    m.link("lnk00002", "out00001", "imp00001")
    m.link("lnk00003", "act00002", "out00001")
    m.link("lnk00004", "oth00001", "imp00001")
    m.do(
        op="link.evidence",
        id="lnk00001",
        mechanism="Briefs answer the questions officials have 🙂",
        support=["testimony", "research"],
        sources=[{"doi": "10.1234/abcd.5", "title": "Review"}, {"url": "https://example.org/x"}],
        strength="moderate",
    )
    m.do(op="confidence.set", id="lnk00001", value=4)
    m.do(BEN, op="confidence.set", id="lnk00001", value=1)
    m.do(op="link.assumption", id="lnk00001", note="ass00001")
    m.do(op="link.evidence", id="lnk00002", support=["assumption"], strength="weak", mechanism="وزراء يقرأون")
    m.do(op="confidence.set", id="lnk00002", value=3)
    m.do(
        op="note.indicators",
        id="out00001",
        indicators=[
            {"indicator": "Requests a month", "baseline": "2", "target": "=10", "source": "Helpdesk log"},
            {"indicator": "请求数", "baseline": "-", "target": "+5", "source": "@helpdesk"},
        ],
        change="behaviour",
    )
    m.do(op="note.indicators", id="imp00001", indicators=[{"indicator": "Policies citing evidence 📄"}])
    return m.snapshot()


def sample_map() -> dict[str, Any]:
    """A small, realistic impact-pathway map: the README's examples are made from it."""
    m = MapBuilder("Evidence into policy: our pathways", "How does our evidence reach policy and practice?")
    notes = [
        ("a1", "activity", "Rapid evidence reviews for ministries", 0, 0),
        ("a2", "activity", "Train officials in using evidence", 0, 220),
        ("a3", "activity", "Convene researchers and policymakers", 0, 440),
        ("o1", "output", "Plain-English policy briefs", 300, 0),
        ("o2", "output", "Officials trained (120 a year)", 300, 220),
        ("o3", "output", "Standing evidence network", 300, 440),
        ("c1", "outcome", "Officials ask for evidence earlier", 600, 110),
        ("c2", "outcome", "Trust between researchers and officials", 600, 400),
        ("i1", "impact", "Policies cite and use the best evidence", 900, 110),
        ("i2", "impact", "Services change in practice", 900, 400),
        ("s1", "assumption", "Ministries have time to read briefs", 600, -160),
    ]
    for note_id, kind, text, x, y in notes:
        m.note(f"note-{note_id}", kind, text, x=float(x), y=float(y), actor=ANA if kind != "assumption" else BEN)
    for i, (source, target, label) in enumerate(
        [
            ("a1", "o1", "produces"),
            ("a2", "o2", "produces"),
            ("a3", "o3", "builds"),
            ("o1", "c1", "informs"),
            ("o2", "c1", "leads to"),
            ("o3", "c2", "builds"),
            ("c2", "c1", "enables"),
            ("c1", "i1", "contributes to"),
            ("c2", "i2", "contributes to"),
            ("s1", "o1", "assumed by"),
        ]
    ):
        m.link(f"link-{i:02}", f"note-{source}", f"note-{target}", label)
    return m.snapshot()


def projector_map() -> dict[str, Any]:
    """A realistic 25-note map as a workshop leaves it, to be read on a projector: notes in columns by kind
    (activities → outputs → outcomes → impacts, assumptions beside what they qualify), one note far longer than
    the rest, labelled links, two notes linked both ways."""
    m = MapBuilder("Evidence into policy: a day's map", "How does our evidence reach policy and practice?")
    columns = {
        0: [
            ("a1", "activity", "Rapid evidence reviews for ministries"),
            ("a2", "activity", "Train officials in using evidence"),
            ("a3", "activity", "Convene researchers and policymakers"),
            ("a4", "activity", "Embed researchers in two ministries"),
            ("a5", "activity", "Publish plain-English summaries"),
            ("a6", "activity", "Answer officials' questions within a week"),
        ],
        1: [
            ("o1", "output", "Policy briefs"),
            ("o2", "output", "Officials trained (120 a year)"),
            ("o3", "output", "Standing evidence network"),
            ("o4", "output", "Secondments completed"),
            ("o5", "output", "Summaries read by practitioners"),
            ("o6", "output", "Evidence helpdesk"),
        ],
        2: [
            ("c1", "outcome", "Officials ask for evidence earlier"),
            ("c2", "outcome", "Trust between researchers and officials"),
            ("c3", "outcome", "Ministries commission evaluations"),
            (
                "c4",
                "outcome",
                "Practitioners change what they do, because the summaries answer the questions they actually have "
                "on a Monday morning, in their words, with what it costs and what it takes to start",
            ),
            ("c7", "outcome", "Officials share evidence with colleagues"),
        ],
        3: [
            ("c5", "outcome", "Evidence is used in spending reviews"),
            ("c6", "outcome", "Fewer programmes without an evaluation"),
            ("s1", "assumption", "Ministries have time to read briefs"),
            ("s2", "assumption", "Officials stay in post long enough"),
        ],
        4: [
            ("i1", "impact", "Policies cite and use the best evidence"),
            ("i2", "impact", "Services change in practice"),
            ("i3", "impact", "Public money goes to what works"),
            ("s3", "assumption", "Budgets hold for three years"),
        ],
    }
    for col, notes in columns.items():
        for row, (note_id, kind, text) in enumerate(notes):
            m.note(f"note-{note_id}", kind, text, x=float(col * 380), y=float(row * 180))
    links = [
        ("a1", "o1", "produces"),
        ("a2", "o2", "produces"),
        ("a3", "o3", "builds"),
        ("a4", "o4", ""),
        ("a5", "o5", "reaches"),
        ("a6", "o6", ""),
        ("o1", "c1", "informs"),
        ("o2", "c1", "leads to"),
        ("o3", "c2", "builds"),
        ("o4", "c2", ""),
        ("o5", "c4", "helps"),
        ("o6", "c3", ""),
        ("c1", "c5", "contributes to"),
        ("c2", "c3", "enables"),
        ("c3", "c2", "strengthens"),
        ("c3", "c6", "leads to"),
        ("c5", "i1", "contributes to"),
        ("c6", "i3", ""),
        ("c4", "i2", "contributes to"),
        ("s1", "c5", "assumed by"),
        ("s2", "c2", ""),
        ("o2", "c7", ""),
        ("c7", "c1", "reinforces"),
        ("s3", "i3", ""),
    ]
    for i, (source, target, label) in enumerate(links):
        m.link(f"link-{i:02}", f"note-{source}", f"note-{target}", label)
    return m.snapshot()
