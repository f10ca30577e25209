"""Words for search (server/library/text.py): folding, tokens, the query language and snippets, in pure Python."""

from __future__ import annotations

import random

import pytest

from server.library.text import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    MAX_TOKEN_CHARS,
    Term,
    index_text,
    parse,
    snippet,
    tokens,
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Évaluation des politiques", "evaluation des politiques"),
        ("Straße, façade — naïve", "strasse facade naive"),
        ("مُعَلِّمُونَ أحمد", "معلمون احمد"),  # short vowels and the hamza seat fold away
        ("عـــلم", "علم"),  # the tatweel only stretches a word
        ("हिंदी शिक्षा", "हिंदी शिक्षा"),  # Devanagari vowel signs change the word: they stay
        ("影响评估方法", "影 响 评 估 方 法"),
        ("AI影响 2024", "ai 影 响 2024"),
        ("🌱growth 🤝👍🏽 ok", "growth ok"),
        ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        ("e\u0301te\u0301", "ete"),  # accents written as separate marks
        ("한국어 교육", "한국어 교육"),
    ],
)
def test_text_folds_to_the_words_a_database_indexes(text: str, words: str) -> None:
    assert index_text(text) == words


def test_tokens_remember_where_they_are_in_the_original() -> None:
    text = "L’Évaluation 影响"
    assert [(t.text, text[t.start : t.end]) for t in tokens(text)] == [
        ("l", "L"),
        ("evaluation", "Évaluation"),
        ("影", "影"),
        ("响", "响"),
    ]


def test_a_long_run_of_letters_is_cut() -> None:
    assert [len(t.text) for t in tokens("x" * 5000)] == [MAX_TOKEN_CHARS]


def test_a_query_is_words_phrases_and_a_prefix_being_typed() -> None:
    assert parse('impact "policy brief" evalu').terms == (
        Term(("impact",)),
        Term(("policy", "brief")),
        Term(("evalu",), prefix=True),
    )
    assert parse("evaluation ").terms == (Term(("evaluation",)),)  # finished: a whole word
    assert parse('"evaluation"').terms == (Term(("evaluation",)),)
    assert parse("影响").terms == (Term(("影", "响")),)  # unspaced characters: a phrase, never a prefix


@pytest.mark.parametrize("typed", ['"', '""', "* - ( ) : ^", "   ", "🌱🌱", "\x00"])
def test_a_query_of_no_words_is_empty(typed: str) -> None:
    assert not parse(typed)


def test_an_unbalanced_quote_leaves_plain_words() -> None:
    assert parse('policy "brief').terms == (Term(("policy",)), Term(("brief",), prefix=True))


def test_a_query_is_bounded_before_it_is_read() -> None:
    assert len(parse(" ".join(f"w{i}" for i in range(5000))).terms) == MAX_TERMS
    long = parse("word " * MAX_QUERY_CHARS + "tail")
    assert all(t.words == ("word",) for t in long.terms)


def test_random_text_never_breaks_the_parser_or_the_snippet() -> None:
    seed = 20261125
    rng = random.Random(seed)
    alphabet = 'aé影م 🌱"*-()\u0301\u0640\n\t' + "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(200))
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80)))
        query = parse(text)
        assert len(query.terms) <= MAX_TERMS, seed
        pieces = snippet(text, query, width=1000)
        assert "".join(s.text for s in pieces) == text, seed


def test_a_snippet_marks_matches_and_cuts_around_the_first() -> None:
    text = "Opening words. " * 20 + "Then the évaluation of policies, " + "closing words. " * 20
    pieces = snippet(text, parse("evaluation polic"), width=80)
    assert pieces[0].text == "…" and pieces[-1].text == "…"
    assert [s.text for s in pieces if s.match] == ["évaluation", "policies"]
    assert sum(len(s.text) for s in pieces) <= 82
