"""The search index over SQL: SQLite FTS5 and PostgreSQL full-text search, each dialect's SQL in this module.

Both index the same thing: server/library/text.py's folded tokens joined by spaces. SQLite keeps them in an
FTS5 table with the `ascii` tokenizer (which, on such text, splits at the spaces and nowhere else) whose rowid is
the item's; PostgreSQL keeps a tsvector built from a literal (lexemes and positions given, no parser, no text
search configuration, no extension) under a GIN index. Queries are built as literals from parsed terms, so
nothing a person types is ever read by a database as query syntax. Tables: migration 0006.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import BindParameter, Connection, bindparam, text

from server.library.text import MAX_POSITIONS, Query, Term, index_text
from server.storage.base import SearchDocument, SearchFilters, SearchHit, StaleWorkshop

_STALE = text(
    """
    SELECT id, head FROM (
        SELECT w.id AS id, COALESCE((SELECT MAX(e.seq) FROM event e WHERE e.workshop_id = w.id), 0) AS head,
               s.head AS indexed
        FROM workshop w LEFT JOIN search_state s ON s.workshop_id = w.id
    ) AS heads
    WHERE indexed IS NULL OR indexed < head
    UNION ALL
    SELECT s.workshop_id, NULL FROM search_state s
    WHERE NOT EXISTS (SELECT 1 FROM workshop w WHERE w.id = s.workshop_id)
    ORDER BY 1
    LIMIT :limit
    """
)


def stale(conn: Connection, limit: int) -> list[StaleWorkshop]:
    return [StaleWorkshop(w, None if head is None else int(head)) for w, head in conn.execute(_STALE, {"limit": limit})]


def replace(conn: Connection, workshop_id: str, head: int | None, documents: Sequence[SearchDocument]) -> None:
    """Make `documents` the workshop's whole index (in the caller's write transaction).

    Only what changed is written: an edit between two runs of the indexer rewrites one item, not the workshop,
    so the write lock the room's commits share is held briefly, and the words of unchanged items are not
    worked out again."""
    sqlite = conn.dialect.name == "sqlite"
    of_workshop = {"workshop_id": workshop_id}
    conn.execute(text("DELETE FROM search_state WHERE workshop_id = :workshop_id"), of_workshop)
    if head is not None:
        conn.execute(
            text("INSERT INTO search_state (workshop_id, head) VALUES (:workshop_id, :head)"),
            {**of_workshop, "head": head},
        )
    wanted = {(d.item_kind, d.item_id): d for d in documents} if head is not None else {}
    gone: list[int] = []
    for item_id, kind, item, note_kind, template, at, body in conn.execute(
        text(
            "SELECT id, item_kind, item_id, note_kind, template, at, text FROM search_item"
            " WHERE workshop_id = :workshop_id"
        ),
        of_workshop,
    ):
        kept = wanted.get((kind, item))
        if kept is not None and (kept.note_kind, kept.template, kept.at, kept.text) == (note_kind, template, at, body):
            del wanted[(kind, item)]
        else:
            gone.append(item_id)
    for start in range(0, len(gone), 500):
        ids = {"ids": gone[start : start + 500]}
        if sqlite:
            conn.execute(text("DELETE FROM search_terms WHERE rowid IN :ids").bindparams(_IDS), ids)
        conn.execute(text("DELETE FROM search_item WHERE id IN :ids").bindparams(_IDS), ids)
    if wanted:
        _insert(conn, [_row(d) for d in wanted.values()])


_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def _insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """New items, numbered in the order given (newest last: the order `search` walks them back in)."""
    if conn.dialect.name == "sqlite":  # the write lock is held (BEGIN IMMEDIATE): no one else takes these ids
        first = conn.execute(text("SELECT COALESCE(MAX(id), 0) + 1 FROM search_item")).scalar_one()
        for row, item_id in zip(rows, itertools.count(first), strict=False):
            row["id"] = item_id
        conn.execute(
            text(
                "INSERT INTO search_item (id, workshop_id, item_kind, item_id, note_kind, template, at, text)"
                " VALUES (:id, :workshop_id, :item_kind, :item_id, :note_kind, :template, :at, :text)"
            ),
            rows,
        )
        for row in rows:
            row["facets"] = _facets(row)
        conn.execute(text("INSERT INTO search_terms (rowid, terms, facets) VALUES (:id, :terms, :facets)"), rows)
    else:
        for row in rows:
            row["terms"] = _tsvector(row["terms"])
        conn.execute(
            text(
                "INSERT INTO search_item (workshop_id, item_kind, item_id, note_kind, template, at, text, terms)"
                " VALUES (:workshop_id, :item_kind, :item_id, :note_kind, :template, :at, :text,"
                " CAST(:terms AS tsvector))"
            ),
            rows,
        )


def _row(d: SearchDocument) -> dict[str, Any]:
    return {
        "workshop_id": d.workshop_id,
        "item_kind": d.item_kind,
        "item_id": d.item_id,
        "note_kind": d.note_kind,
        "template": d.template,
        "at": d.at,
        "text": d.text,
        "terms": index_text(d.text),
    }


# SQLite: what a search may be narrowed to is also indexed, as words in a second column, so a filter is one
# more term of the full-text query (intersected in the index) rather than a look-up of every match's row.
_FACETS = (("workshops", "workshop_id", "w"), ("item_kinds", "item_kind", "k"), ("note_kinds", "note_kind", "n"),
           ("templates", "template", "t"))  # fmt: skip
_MAX_FACET_TERMS = 200  # a longer list of workshops is checked against the items' rows instead


def _facet(prefix: str, value: str) -> str:
    return prefix + value.encode().hex()  # ids have `-` and `_`, and case: hex keeps them one word, exactly


def _facets(row: dict[str, Any]) -> str:
    return " ".join(_facet(prefix, row[column]) for _, column, prefix in _FACETS if row[column] is not None)


def _quoted(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsvector(terms: str) -> str:
    """A tsvector literal: each folded word with the positions it has (PostgreSQL keeps positions up to 16,383)."""
    positions: dict[str, list[str]] = {}
    for position, word in enumerate(terms.split()[:MAX_POSITIONS], start=1):
        positions.setdefault(word, []).append(str(position))
    return " ".join(f"{_quoted(word)}:{','.join(at)}" for word, at in positions.items())


def _tsquery(query: Query) -> str:
    def term(t: Term) -> str:
        if len(t.words) == 1:
            return _quoted(t.words[0]) + (":*" if t.prefix else "")
        return "(" + " <-> ".join(_quoted(w) for w in t.words) + ")"

    return " & ".join(term(t) for t in query.terms)


def _fts5_query(query: Query) -> str:
    """An FTS5 expression: each term a quoted string (a phrase when it has several words), all required."""

    def term(t: Term) -> str:
        quoted = '"' + " ".join(w.replace('"', '""') for w in t.words) + '"'
        return quoted + ("*" if t.prefix else "")

    return " ".join(term(t) for t in query.terms)


def search(
    conn: Connection, query: Query, filters: SearchFilters, limit: int, offset: int, ranked: int
) -> list[SearchHit]:
    if not query or limit <= 0:
        return []
    if any(getattr(filters, name) == frozenset() for name, _, _ in _FACETS):
        return []  # narrowed to nothing
    sqlite = conn.dialect.name == "sqlite"
    params: dict[str, Any] = {"limit": limit, "offset": offset, "ranked": ranked}
    where: list[str] = []
    facets: list[str] = []
    for name, column, prefix in _FACETS:
        allowed = getattr(filters, name)
        if allowed is None:
            continue
        if sqlite and len(allowed) <= _MAX_FACET_TERMS:
            facets.append("facets : (" + " OR ".join(f'"{_facet(prefix, v)}"' for v in sorted(allowed)) + ")")
            continue
        # One parameter however many: a JSON array on SQLite, an array on PostgreSQL.
        params[name] = orjson.dumps(sorted(allowed)).decode() if sqlite else sorted(allowed)
        where.append(
            f"i.{column} IN (SELECT value FROM json_each(:{name}))" if sqlite else f"i.{column} = ANY(:{name})"
        )
    if filters.since is not None:
        params["since"] = filters.since
        where.append("i.at >= :since")
    if filters.until is not None:
        params["until"] = filters.until
        where.append("i.at < :until")
    narrowed = "".join(f" AND {w}" for w in where)
    # Innermost: the matches, newest first, stopping at `ranked`; then only those are scored and the page cut
    # from them; only the page's items are read whole, with their workshop's title.
    if sqlite:
        params["match"] = " AND ".join([f"terms : ({_fts5_query(query)})", *facets])  # facets: FTS5 syntax
        joined = " JOIN search_item i ON i.id = search_terms.rowid" if narrowed else ""
        candidates = (
            f"SELECT search_terms.rowid AS id, -bm25(search_terms, 1.0, 0.0) AS rank FROM search_terms{joined}"
            f" WHERE search_terms MATCH :match{narrowed} ORDER BY search_terms.rowid DESC LIMIT :ranked"
        )
    else:
        params["match"] = _tsquery(query)
        condition = f"i.terms @@ CAST(:match AS tsquery){narrowed}"
        # Fewer matches than are ranked: all of them, from the GIN index. More: the newest, walking the ids back
        # and stopping at `ranked`. Asked first, because the planner, sure of a common word's share from the
        # statistics, guesses a rare word's and would walk the whole table back for one it has never seen.
        counted = f"SELECT COUNT(*) FROM (SELECT 1 FROM search_item i WHERE {condition} LIMIT :ranked) AS m"
        newest = (
            "" if conn.execute(text(counted), params).scalar_one() < ranked else " ORDER BY i.id DESC LIMIT :ranked"
        )
        candidates = (
            "SELECT c.id, ts_rank(c.terms, CAST(:match AS tsquery)) AS rank FROM ("
            f" SELECT i.id, i.terms FROM search_item i WHERE {condition}{newest}) AS c"
        )
    page = f"SELECT id, rank FROM ({candidates}) AS m ORDER BY rank DESC, id DESC LIMIT :limit OFFSET :offset"
    sql = (
        "SELECT i.workshop_id, w.title, i.item_kind, i.item_id, i.note_kind, i.text, p.rank"
        f" FROM ({page}) AS p JOIN search_item i ON i.id = p.id JOIN workshop w ON w.id = i.workshop_id"
        " ORDER BY p.rank DESC, p.id DESC"
    )
    return [
        SearchHit(w, title, kind, item, note_kind, body, float(rank))
        for w, title, kind, item, note_kind, body, rank in conn.execute(text(sql), params)
    ]
