"""Search latency over a large library, on SQLite (FTS5) and PostgreSQL (full-text search), and indexing time.

A seeded library (bench/search_corpus.py: workshops of notes in English, French, Spanish, German, Arabic and
Chinese, with links and a story each) is stored, indexed with the server's own indexer, and searched through
`server.library.search.search` — parsing, the database query, workshop titles and highlighted snippets — with
a set of queries: common and rare words, two words, a prefix, a phrase, accents, Arabic, Chinese, filters.
Baselines, measured in the same run on the same database: a primary-key lookup of a workshop (the least a
database round trip costs) and, for contrast, a LIKE scan of the indexed text (what search would cost with no
full-text index).

    .venv/bin/python -m bench.search [--workshops 1000] [--notes 200000] [--repeat 30] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from bench.search_corpus import languages, workshop
from server.library import indexer
from server.library.search import search
from server.storage.base import SearchFilters
from server.storage.sql import SqlStorage


def queries(workshops: int, seed: int) -> list[tuple[str, str, SearchFilters]]:
    rare = languages(seed)["en"].words[1500]
    organisation = frozenset(f"bench{i:06d}" for i in range(0, workshops, max(1, workshops // 50)))
    none = SearchFilters()
    return [
        ("common word", "impact", none),
        ("two common words", "policy evidence", none),
        ("prefix being typed", "eval", none),
        ("phrase", '"impact policy"', none),
        ("accented", "évaluation", none),
        ("rare word", rare, none),
        ("Arabic", "التعليم", none),
        ("Chinese", "评估", none),
        ("one organisation's 50 workshops", "impact training", SearchFilters(workshops=organisation)),
        ("outcome notes only", "training", SearchFilters(note_kinds=frozenset({"outcome"}))),
        ("no match", "zzqqxxv", none),
        ("hostile syntax", 'NEAR("policy * -', none),
    ]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    run()  # warm: the first run reads pages from disk
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder}/library.db"
    else:
        from tests.support.databases import postgres_schema

        with postgres_schema() as url:
            yield url


def row(label: str, samples: list[float], hits: str = "") -> str:
    p50, p95, p99 = percentiles(samples)
    return f"| {label} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {hits} |"


def run(kind: str, args: argparse.Namespace, folder: Path) -> None:
    with database(kind, folder) as url:
        storage = SqlStorage(url)
        try:
            rng, langs = random.Random(args.seed), languages(args.seed)
            per_workshop = max(2, args.notes // args.workshops)
            start = time.perf_counter()
            for index in range(args.workshops):
                storage.create_workshop(*workshop(rng, langs, index, per_workshop))
            stored = time.perf_counter() - start
            report = indexer.refresh(storage)
            if kind == "postgresql":  # what autovacuum does within a minute of so many new rows: word statistics
                with storage.engine.begin() as conn:
                    conn.execute(sa.text("ANALYZE search_item"))
            print(f"\n### {kind}\n")
            print(
                f"{args.workshops:,} workshops, {args.workshops * per_workshop:,} notes: stored in {stored:.1f} s; "
                f"indexed {report.documents:,} items in {report.seconds:.1f} s "
                f"({report.documents / report.seconds:,.0f} items/s)\n"
            )
            print("| query | p50 ms | p95 ms | p99 ms | results (first page of 20) |")
            print("|---|---:|---:|---:|---:|")
            pooled: list[float] = []
            for label, typed, filters in queries(args.workshops, args.seed):
                hits = len(search(storage, typed, filters))
                samples = timed(lambda typed=typed, filters=filters: search(storage, typed, filters), args.repeat)
                pooled += samples
                print(row(f"{label}: `{typed}`", samples, str(hits)))
            print(row("**all queries**", pooled))
            print(row("baseline: workshop by primary key", timed(lambda: storage.workshop("bench000007"), args.repeat)))
            like = sa.text("SELECT count(*) FROM search_item WHERE text LIKE :pattern")
            with storage.engine.connect() as conn:
                scan = timed(lambda: conn.execute(like, {"pattern": "%impact%"}).scalar(), max(3, args.repeat // 5))
            print(row("contrast: LIKE '%impact%' scan, no index", scan))
        finally:
            storage.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workshops", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=200_000, help="in total, spread evenly over the workshops")
    parser.add_argument("--repeat", type=int, default=30, help="runs of each query")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"seed {args.seed}; each query run {args.repeat} times after one warm-up run; times in milliseconds")
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.databases.split(","):
            run(kind, args, Path(folder))


if __name__ == "__main__":
    main()
