"""One contract for the library's search on every storage: the same query finds the same items on memory,
SQLite (FTS5) and PostgreSQL (full-text search), kept current by the indexer from the stored boards."""

from __future__ import annotations

import pytest

from server.board.change import Change
from server.board.model import Kind
from server.library import indexer
from server.library.search import MAX_LIMIT, SearchRefused, search
from server.library.text import MAX_TERMS, parse
from server.storage.base import SearchFilters, Storage
from tests.contract.test_storage import Script, workshop

# A workshop per language; each note's id says what it holds.
NOTES = {
    "w1": [
        ("eval_fr", "outcome", "L'évaluation des politiques publiques s'améliore"),
        ("policy_brief", "output", "A policy brief for the ministry of education"),
        ("brief_policy", "activity", "Brief the board on the new policy"),
        ("emoji", "outcome", "🌱 Growth of local 🤝 partnerships 🎉"),
        ("hostile", "assumption", 'Teachers say "NEAR" means close -- and * is a star; (a OR b)'),
    ],
    "w2": [
        ("arabic", "impact", "تحسين التعليم في المدارس"),  # better education in schools
        ("arabic_vowels", "outcome", "مُعَلِّمُونَ مُدَرَّبُونَ"),  # trained teachers, written with vowel marks
        ("chinese", "impact", "影响评估方法的改进"),  # improving impact evaluation methods
        ("chinese_other", "outcome", "评价政策"),  # evaluating policy
        ("mixed", "activity", "Workshop on 评估 and évaluation"),
    ],
}


def notes_workshop(storage: Storage, wid: str, created_at: int = 1, kinds: tuple[Kind, ...] | None = None) -> Script:
    record, board = workshop(wid)
    record.created_at = board.workshop.created_at = created_at
    if kinds is not None:
        board.workshop.kinds = kinds
    storage.create_workshop(record, board)
    script = Script(board)
    for note_id, kind, text in NOTES.get(wid, []):
        script.op("note.add", id=note_id, kind=kind, text=text, x=0.0, y=0.0)
    storage.append(wid, script.take())
    return script


@pytest.fixture
def library(storage: Storage) -> Storage:
    for wid in NOTES:
        notes_workshop(storage, wid)
    indexer.refresh(storage)
    return storage


def found(storage: Storage, typed: str, **filters: object) -> set[str]:
    return {r.item_id for r in search(storage, typed, SearchFilters(**filters), limit=MAX_LIMIT)}  # type: ignore[arg-type]


def test_words_are_found_in_any_order(library: Storage) -> None:
    assert found(library, "policy brief ") == {"policy_brief", "brief_policy"}
    assert found(library, "brief policy ") == {"policy_brief", "brief_policy"}


def test_the_last_word_matches_as_a_prefix(library: Storage) -> None:
    assert found(library, "partner") == {"emoji"}
    assert found(library, "partner ") == set()  # a finished word is a whole word
    assert found(library, "ministry educ") == {"policy_brief"}
    assert found(library, "minist educ") == set()  # only the word being typed


def test_quoted_words_are_a_phrase(library: Storage) -> None:
    assert found(library, '"policy brief"') == {"policy_brief"}
    assert found(library, '"brief policy"') == set()


def test_accents_and_case_fold_away(library: Storage) -> None:
    assert found(library, "evaluation") == {"eval_fr", "mixed"}
    assert found(library, "ÉVALUATION") == {"eval_fr", "mixed"}
    assert found(library, "ameliore") == {"eval_fr"}


def test_arabic_is_found_with_or_without_vowel_marks(library: Storage) -> None:
    assert found(library, "التعليم") == {"arabic"}
    assert found(library, "معلمون") == {"arabic_vowels"}
    assert found(library, "مُعَلِّمُونَ") == {"arabic_vowels"}


def test_chinese_words_are_found_inside_unspaced_text(library: Storage) -> None:
    assert found(library, "评估") == {"chinese", "mixed"}
    assert found(library, "影响评估") == {"chinese"}
    assert found(library, "评价") == {"chinese_other"}
    assert found(library, "估评") == set()  # the characters in that order, not merely both


def test_text_with_emoji_is_found_by_its_words(library: Storage) -> None:
    assert found(library, "growth partnerships") == {"emoji"}
    assert found(library, "🌱growth") == {"emoji"}
    assert found(library, "🌱") == set()


@pytest.mark.parametrize(
    "typed",
    ['"', '"""', "*", "-", "NEAR", "NEAR(a b)", "a OR b", "(a", "a)", "^x", "x:y", "'", "\\", "AND", "NOT x",
     'near "teachers', "{x}", "\x00", "%", "_", "'); DROP TABLE search_item; --", "ﷺ", "\u200b", "💥" * 500],
)  # fmt: skip
def test_hostile_queries_are_text_never_a_database_error(library: Storage, typed: str) -> None:
    results = search(library, typed)
    assert all(r.item_id for r in results)


def test_query_syntax_words_are_searched_as_words(library: Storage) -> None:
    assert found(library, "near") == {"hostile"}
    assert found(library, '"near" means') == {"hostile"}
    assert found(library, "star -- teachers*") == {"hostile"}


def test_a_huge_query_is_cut_not_refused(library: Storage) -> None:
    assert parse("policy " * 2000).terms == parse("policy ").terms
    assert len(parse(" ".join(f"word{i}" for i in range(1000))).terms) == MAX_TERMS
    assert found(library, "policy " * 2000) == {"policy_brief", "brief_policy"}
    assert found(library, "x" * 10_000) == set()


def test_results_say_where_to_open_the_map_and_mark_the_words(library: Storage) -> None:
    [result] = search(library, "ministry")
    assert (result.workshop_id, result.workshop_title, result.item_kind, result.item_id, result.note_kind) == (
        "w1",
        "Workshop w1",
        "note",
        "policy_brief",
        "output",
    )
    assert [s.text for s in result.snippet if s.match] == ["ministry"]
    assert "".join(s.text for s in result.snippet) == "A policy brief for the ministry of education"
    [accented] = search(library, "evaluation publique")
    assert [s.text for s in accented.snippet if s.match] == ["évaluation", "publiques"]


def test_a_closer_match_ranks_first(storage: Storage) -> None:
    script = notes_workshop(storage, "w1")
    script.op("note.add", id="twice", kind="impact", text="Impact, and impact again", x=0.0, y=0.0)
    script.op("note.add", id="once", kind="impact", text="Impact among many other words on a long note", x=0, y=0)
    storage.append("w1", script.take())
    indexer.refresh(storage)
    ranked = [r.item_id for r in search(storage, "impact")]
    assert ranked[0] == "twice" and set(ranked) == {"twice", "once"}
    assert ranked == sorted(ranked, key=lambda i: ranked.index(i))  # stable: the same list every time
    assert [r.item_id for r in search(storage, "impact")] == ranked


def test_filters_narrow_by_workshop_kind_note_kind_and_date(storage: Storage) -> None:
    notes_workshop(storage, "w1", created_at=1_000)
    notes_workshop(storage, "w2", created_at=2_000)
    indexer.refresh(storage)
    assert found(storage, "evaluation", workshops=frozenset({"w2"})) == {"mixed"}
    assert found(storage, "evaluation", workshops=frozenset()) == set()
    many = frozenset({"w2", *(f"other{n}" for n in range(500))})  # a long list is checked another way
    assert found(storage, "evaluation", workshops=many) == {"mixed"}
    assert found(storage, "evaluation", workshops=frozenset({"W2", "w"})) == set()  # ids exactly
    assert found(storage, "evaluation", note_kinds=frozenset({"outcome"})) == {"eval_fr"}
    assert found(storage, "evaluation", since=1_500) == {"mixed"}
    assert found(storage, "evaluation", until=1_500) == {"eval_fr"}
    assert found(storage, "workshop", item_kinds=frozenset({"workshop"})) == {"w1", "w2"}
    assert found(storage, "workshop", item_kinds=frozenset({"note"})) == {"mixed"}


def test_filter_by_template(storage: Storage) -> None:
    problem_tree = tuple(Kind(name, name.title(), "#f4a6a6") for name in ("problem", "cause", "effect"))
    script = notes_workshop(storage, "tree", kinds=problem_tree)
    script.op("note.add", id="tree_note", kind="cause", text="Policy churn", x=0.0, y=0.0)
    storage.append("tree", script.take())
    notes_workshop(storage, "w1")
    indexer.refresh(storage)
    assert found(storage, "policy", templates=frozenset({"problem-tree"})) == {"tree_note"}
    assert found(storage, "policy", templates=frozenset({"blank"})) == {"policy_brief", "brief_policy"}


def test_limit_and_offset_page_through_the_same_order(storage: Storage) -> None:
    script = notes_workshop(storage, "w1")
    for n in range(15):
        script.op("note.add", id=f"page{n:02d}", kind="outcome", text="paged " * (1 + n % 4), x=0.0, y=0.0)
    storage.append("w1", script.take())
    indexer.refresh(storage)
    everything = [r.item_id for r in search(storage, "paged", limit=MAX_LIMIT)]
    assert sorted(everything) == [f"page{n:02d}" for n in range(15)]
    pages = [r.item_id for offset in range(0, 15, 4) for r in search(storage, "paged", limit=4, offset=offset)]
    assert pages == everything
    for bad in ({"limit": 0}, {"limit": MAX_LIMIT + 1}, {"offset": -1}, {"offset": 10**9}):
        with pytest.raises(SearchRefused):
            search(storage, "paged", **bad)  # type: ignore[arg-type]
    with pytest.raises(SearchRefused):
        search(storage, "paged", SearchFilters(item_kinds=frozenset({"secret"})))


def test_links_and_stories_are_searched(storage: Storage) -> None:
    record, board = workshop("w3")
    storage.create_workshop(record, board)
    script = Script(board)
    script.op("note.add", id="act1", kind="activity", text="Train analysts", x=0.0, y=0.0)
    script.op("note.add", id="imp1", kind="impact", text="Better decisions", x=0.0, y=0.0)
    script.op("link.add", id="lnk1", source="act1", target="imp1", label="leads to")
    sources = [{"url": "https://example.org/r", "title": "Randomised trial of mentoring"}]
    script.op("link.evidence", id="lnk1", mechanism="Analysts apply what they learn", sources=sources)
    told = {"title": "Mentoring story", "what_changed": "Ministers asked for data"}
    script.op("story.add", id="sto1", pathway="act1>imp1", **told)
    storage.append("w3", script.take())
    indexer.refresh(storage)
    assert found(storage, "apply") == {"lnk1"}
    assert found(storage, "randomised trial") == {"lnk1"}
    assert found(storage, "mentoring") == {"lnk1", "sto1"}
    assert found(storage, "ministers data") == {"sto1"}
    [story] = search(storage, "ministers")
    assert (story.item_kind, story.note_kind) == ("story", None)


def test_the_indexer_follows_edits_deletes_and_only_stale_workshops(storage: Storage) -> None:
    script = notes_workshop(storage, "w1")
    notes_workshop(storage, "w2")
    assert indexer.refresh(storage).workshops == 2
    assert indexer.refresh(storage).workshops == 0  # nothing changed: nothing indexed
    script.op("note.update", id="policy_brief", text="A memo for the ministry")
    script.op("note.delete", id="brief_policy")
    storage.append("w1", script.take())
    assert found(storage, "memo") == set()  # not yet: the index lags until the indexer runs
    report = indexer.refresh(storage)
    assert report.workshops == 1
    assert found(storage, "memo") == {"policy_brief"}
    assert found(storage, "brief") == set()


@pytest.mark.rule("P38")
def test_unrevealed_private_notes_are_not_indexed_until_revealed(storage: Storage) -> None:
    script = notes_workshop(storage, "w1")
    secret = {"id": "secret", "kind": "impact", "text": "Confidential aspiration", "x": 0.0, "y": 0.0, "colour": None,
              "author": "fac1", "created_at": 1, "updated_at": 1, "version": 1, "private": "author"}  # fmt: skip
    script.change(Change("note.add", secret))
    script.op("note.add", id="open", kind="outcome", text="Open aspiration", x=0.0, y=0.0)
    script.change(Change("link.add", {"id": "secret_link", "source": "secret", "target": "open", "label": "aspiration",
                                      "author": "fac1", "created_at": 1, "updated_at": 1}))  # fmt: skip
    storage.append("w1", script.take())
    indexer.refresh(storage)
    assert found(storage, "aspiration") == {"open"}
    script.change(Change("notes.reveal", {"notes": [{**secret, "private": None}], "links": [], "anonymous": False}))
    storage.append("w1", script.take())
    indexer.refresh(storage)
    assert found(storage, "aspiration") == {"open", "secret", "secret_link"}


def test_a_word_in_more_items_than_are_ranked_ranks_the_latest(storage: Storage) -> None:
    for wid in ("w1", "w2", "w3"):
        script = notes_workshop(storage, wid)
        script.op("note.add", id=f"common_{wid}", kind="impact", text="common common", x=0.0, y=0.0)
        storage.append(wid, script.take())
        indexer.refresh(storage)  # one at a time: w3's items are the latest indexed
    hits = storage.search(parse("common"), SearchFilters(), limit=10, offset=0, ranked=1)
    assert [h.item_id for h in hits] == ["common_w3"]
    everything = storage.search(parse("common"), SearchFilters(), limit=10, offset=0, ranked=100)
    assert {h.item_id for h in everything} == {"common_w1", "common_w2", "common_w3"}
    script = notes_workshop(storage, "w4")  # an edit makes an item the latest; the rest keep their places
    script.op("note.add", id="common_w4", kind="impact", text="common", x=0.0, y=0.0)
    storage.append("w4", script.take())
    indexer.refresh(storage)
    script.op("note.update", id="common_w4", text="common again")
    storage.append("w4", script.take())
    indexer.refresh(storage)
    hits = storage.search(parse("common"), SearchFilters(), limit=10, offset=0, ranked=2)
    assert {h.item_id for h in hits} == {"common_w4", "common_w3"}


def test_a_short_last_word_is_a_whole_word_not_a_prefix(library: Storage) -> None:
    assert found(library, "gr") == set()  # no word "gr": two letters are not a prefix of every word with them
    assert found(library, "gro") == {"emoji"}
