"""Words for search, the same on every storage: folding, tokens, the query language, and highlighted snippets.

Text is folded and split here, in Python, once, and the databases only ever see tokens joined by spaces (SQLite
FTS5 with the `ascii` tokenizer, which splits on nothing else here; PostgreSQL tsvector and tsquery literals,
which no parser touches). So memory, SQLite and PostgreSQL find exactly the same items for a query, whatever the
database's Unicode tables, locale or extensions.

- Folding: compatibility decomposition, case folding, and the accents of alphabetic scripts up to Arabic dropped
  ("Évaluation" and "evaluation" are one word; Arabic short vowels and hamza seats go too), while the vowel
  signs of Indic and other scripts, which change the word, stay.
- Tokens: runs of letters, digits and marks. Chinese and Japanese write no spaces between words, so each Han or
  kana character is a token of its own and a run of them in a query is a phrase: "评估" finds "影响评估方法".
  (A trigram index was the other way; it cannot find the two-character words most Chinese words are, and
  needs newer SQLite to fold accents. Single characters as a phrase find every such word on all three stores.)
- Emoji and other symbols separate words as punctuation does: "🌱growth" is found by "growth".
- A query is words in any order, all required; "quoted words" are a phrase; the last bare word, of three
  letters or more, also matches as a prefix (typing "evalu" finds "evaluation"). Everything else the
  databases would read as syntax (`*`, `-`, NEAR, AND, parentheses, a lone quote) is ordinary text or a
  separator, never an error.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 400  # a longer query is cut here before anything else reads it
MAX_TERMS = 12  # words and phrases in one query; the rest are ignored
MAX_PHRASE_TOKENS = 16
MIN_PREFIX_CHARS = 3  # a shorter last word is a whole word: "e" as a prefix is most of the index
MAX_TOKEN_CHARS = 60  # a longer run is cut: PostgreSQL refuses lexemes over 2 KB, and no word is this long
MAX_POSITIONS = 16_000  # words of one item that are indexed (PostgreSQL counts positions only to 16,383)
SNIPPET_CHARS = 160  # about two lines of a result list

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_DROPPED_MARKS_BELOW = 0x0900  # accents on Latin, Greek, Cyrillic, Hebrew and Arabic letters fold away


def _is_ideograph(ch: str) -> bool:
    """Han, kana and their punctuation-free neighbours: scripts written without spaces between words."""
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= code <= 0x3FFFF  # CJK extensions B onwards
    )


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # folded
    start: int  # where it is in the original text
    end: int


@functools.lru_cache(maxsize=1 << 16)
def _folded(ch: str) -> tuple[tuple[str, str, bool], ...]:
    """A character's folded parts, each with its Unicode category and whether it is an ideograph (cached: the
    same few thousand characters make up most text)."""
    return tuple(
        (part, unicodedata.category(part), _is_ideograph(part)) for part in unicodedata.normalize("NFKD", ch).casefold()
    )


def tokens(text: str) -> list[Token]:
    """The folded words of `text`, each with its place in the original (for snippets)."""
    if text.isascii():
        return [Token(m.group()[:MAX_TOKEN_CHARS], m.start(), m.end()) for m in _ASCII_WORD.finditer(text.lower())]
    found: list[Token] = []
    word: list[str] = []
    start = 0
    base = 0  # the code point of the last letter, which decides whether a mark after it folds away

    def close(end: int) -> None:
        if word:
            folded = unicodedata.normalize("NFC", "".join(word))[:MAX_TOKEN_CHARS]
            found.append(Token(folded, start, end))
            word.clear()

    for index, ch in enumerate(text):
        for part, category, ideograph in _folded(ch):
            if category == "Mn" and (base < _DROPPED_MARKS_BELOW or part == "\u0640"):
                continue  # an accent: part of the word, folded away
            if category[0] == "M" and word:
                word.append(part)
            elif category[0] in "LN" and part != "\u0640":  # the Arabic tatweel only stretches a word
                if ideograph:
                    close(index)
                    found.append(Token(part, index, index + 1))
                    base = 0
                    continue
                if not word:
                    start = index
                word.append(part)
                base = ord(part)
            elif part == "\u0640":
                continue
            else:
                close(index)
                base = 0
    close(len(text))
    return found


def index_text(text: str) -> str:
    """What a database indexes for `text`: its folded tokens joined by single spaces."""
    return " ".join(t.text for t in tokens(text)[:MAX_POSITIONS])


@dataclass(frozen=True, slots=True)
class Term:
    """One part of a query: a word (`prefix`: or any word it begins), or a phrase of adjacent words."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[Term, ...]  # all of them must match

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse(raw: str) -> Query:
    """The terms of a typed query, bounded: at most `MAX_QUERY_CHARS` are read, at most `MAX_TERMS` kept."""
    if len(raw) > MAX_QUERY_CHARS:  # a cut query ends at a whole word: no half word cut off as a prefix
        cut = raw[:MAX_QUERY_CHARS]
        raw = cut[: max((i for i, ch in enumerate(cut) if ch.isspace()), default=MAX_QUERY_CHARS)] + " "
    terms: list[Term] = []
    last_is_bare_word = False
    chunks = raw.split('"')
    for position, chunk in enumerate(chunks):
        # Odd chunks are inside quotes, except a last one opened by a lone quote: that is plain words.
        if position % 2 == 1 and position < len(chunks) - 1:
            words = tuple(t.text for t in tokens(chunk))[:MAX_PHRASE_TOKENS]
            if words:
                terms.append(Term(words))
                last_is_bare_word = False
            continue
        for piece in chunk.split():
            words = tuple(t.text for t in tokens(piece))[:MAX_PHRASE_TOKENS]
            if words:  # several from one piece ("e-mail", "AI影响", "影响") are adjacent words, as written
                terms.append(Term(words))
                last_is_bare_word = len(words) == 1 and len(words[0]) >= MIN_PREFIX_CHARS
                last_is_bare_word = last_is_bare_word and not _is_ideograph(words[0][0])
    if last_is_bare_word and not raw[-1:].isspace():  # the word being typed matches the words it begins
        terms[-1] = Term(terms[-1].words, prefix=True)
    return Query(tuple(dict.fromkeys(terms))[:MAX_TERMS])


def matches(words: list[str], query: Query) -> bool:
    """Whether a text's folded words hold every term of the query (memory storage's search)."""
    return all(occurrences(words, term) for term in query.terms)


def occurrences(words: list[str], term: Term) -> int:
    """How many times the term appears among the words."""
    if len(term.words) == 1:
        word = term.words[0]
        return sum(1 for w in words if w == word or (term.prefix and w.startswith(word)))
    size = len(term.words)
    return sum(1 for i in range(len(words) - size + 1) if tuple(words[i : i + size]) == term.words)


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a snippet; `match` when it is one of the words searched for (a page marks it)."""

    text: str
    match: bool = False


def snippet(text: str, query: Query, width: int = SNIPPET_CHARS) -> tuple[Segment, ...]:
    """About `width` characters of `text` around its first match, with the matching words marked."""
    found = tokens(text)
    words = [t.text for t in found]
    marked: set[int] = set()
    for term in query.terms:
        size = len(term.words)
        for i in range(len(words) - size + 1):
            if size == 1:
                hit = words[i] == term.words[0] or (term.prefix and words[i].startswith(term.words[0]))
            else:
                hit = tuple(words[i : i + size]) == term.words
            if hit:
                marked.update(range(i, i + size))
    first = found[min(marked)].start if marked else 0
    begin = max(0, first - width // 3)
    if begin:  # start at a word, not inside one
        begin = next((t.start for t in found if t.start >= begin), begin)
    end = min(len(text), begin + width)
    segments: list[Segment] = []
    at = begin
    for i in sorted(marked):
        token = found[i]
        if token.start < begin or token.end > end:
            continue
        if token.start > at:
            segments.append(Segment(text[at : token.start]))
        segments.append(Segment(text[token.start : token.end], match=True))
        at = token.end
    if at < end:
        segments.append(Segment(text[at:end]))
    if begin:
        segments.insert(0, Segment("…"))
    if end < len(text):
        segments.append(Segment("…"))
    return tuple(segments)
