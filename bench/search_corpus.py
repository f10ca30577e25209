"""A seeded library for the search benchmark: workshops of notes, links and stories in several languages.

Words follow a Zipf distribution over each language's vocabulary (real words of the field first, then made-up
words of that language's letters for the long tail), so a few words are in a large share of the notes, as
"impact" and "policy" are in real maps, and most are rare.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from server.board.model import DEFAULT_KINDS, Board, Kind, Link, Note, WorkshopInfo
from server.board.stories import Story
from server.storage.base import WorkshopRecord

WORDS = {
    "en": "impact policy evidence evaluation training teachers ministers research practice change outcome schools "
    "health partnership capacity awareness officials briefing data community funding network decision quality "
    "learning services reform budget trial guidance adoption pathway knowledge attitudes behaviour system "
    "stakeholders engagement dissemination uptake commissioning workforce wellbeing housing homelessness ageing",
    "fr": "évaluation politique impact données formation enseignants ministère recherche pratique changement "
    "résultats écoles santé partenariat capacité sensibilisation décideurs qualité réseau réforme éducation "
    "collectivités financement bien-être logement vieillissement accès équité",
    "es": "evaluación política impacto evidencia formación docentes ministerio investigación práctica cambio "
    "resultados escuelas salud alianza capacidad conciencia funcionarios calidad red reforma educación niños",
    "de": "Wirkung Politik Evidenz Bewertung Schulung Lehrkräfte Ministerium Forschung Praxis Veränderung "
    "Ergebnisse Schulen Gesundheit Partnerschaft Qualität Netzwerk Reform Bildung Förderung Straße",
    "ar": "تحسين السياسات الأدلة التقييم التدريب المعلمين الوزارة البحث الممارسة التغيير النتائج المدارس الصحة "
    "الشراكة القدرات الوعي المسؤولين الجودة الشبكة الإصلاح التعليم المجتمع",
    "zh": "影响 政策 证据 评估 培训 教师 部门 研究 实践 变化 结果 学校 健康 伙伴 能力 意识 官员 质量 网络 改革 "
    "教育 社区 资金 决策 服务 数据 方法 改进",
}
LETTERS = {
    "en": "abcdefghiklmnoprstuvw",
    "fr": "abcdeéèfgilmnoprstuv",
    "es": "abcdeéfgilmnñoprstuá",
    "de": "abcdefghiklmnoprstuüäö",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "zh": "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方",
}
LANGUAGES = ("en", "en", "en", "en", "en", "en", "fr", "es", "de", "ar", "zh")
VOCABULARY = 3000  # words per language
KINDS = tuple(Kind(*k) for k in DEFAULT_KINDS)


@dataclass(frozen=True, slots=True)
class Language:
    words: list[str]
    weights: list[float]
    spaced: bool


def languages(seed: int) -> dict[str, Language]:
    rng = random.Random(seed)
    found = {}
    for name, real in WORDS.items():
        words = real.split()
        while len(words) < VOCABULARY:
            size = rng.randint(1, 2) if name == "zh" else rng.randint(4, 10)
            words.append("".join(rng.choice(LETTERS[name]) for _ in range(size)))
        found[name] = Language(words, [1 / (rank + 1) for rank in range(len(words))], spaced=name != "zh")
    return found


def sentence(rng: random.Random, language: Language, low: int, high: int) -> str:
    words = rng.choices(language.words, language.weights, k=rng.randint(low, high))
    return (" " if language.spaced else "").join(words)


def workshop(rng: random.Random, langs: dict[str, Language], index: int, notes: int) -> tuple[WorkshopRecord, Board]:
    """One workshop of `notes` notes, about as many links, and a story, all visible (none private)."""
    wid = f"bench{index:06d}"
    created = 1_700_000_000_000 + index * 86_400_000
    lang = langs[rng.choice(LANGUAGES)]
    title = sentence(rng, lang, 2, 5)
    record = WorkshopRecord(wid, title, sentence(rng, lang, 5, 10), created, f"fk-{wid}", f"jc-{wid}")
    info = WorkshopInfo(wid, title, record.question, KINDS, locked=False, created_at=created)
    board = Board(workshop=info)
    ids = [f"n{index}x{i}" for i in range(notes)]
    for i, note_id in enumerate(ids):
        text = sentence(rng, langs[rng.choice(LANGUAGES)], 3, 14)
        kind = rng.choice(KINDS).name
        board.notes[note_id] = Note(note_id, kind, text, i * 10.0, 0.0, None, "fac", created, created, 1)
    for i in range(min(notes - 1, notes // 2)):
        link = Link(f"l{index}x{i}", ids[i], ids[i + 1], "", "fac", created, created)
        if rng.random() < 0.3:
            link.mechanism = sentence(rng, lang, 5, 15)
        board.links[link.id] = link
        board.pairs[(link.source, link.target)] = link.id
    story_texts = {name: sentence(rng, lang, 10, 40) for name in ("what_changed", "for_whom", "what_we_did")}
    story = Story(f"s{index}", sentence(rng, lang, 2, 6), f"{ids[0]}>{ids[1]}", how_it_contributed="", evidence="",
                  **story_texts)  # fmt: skip
    board.stories[story.id] = story
    return record, board
