"""Test databases: a SQLite file, or a fresh schema in the shared PostgreSQL test database."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from server.storage.sql import normalize_url

POSTGRES_URL = os.environ.get("PATHWEAVER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose connections use a fresh schema, dropped afterwards; skips, saying why, without PostgreSQL."""
    engine = sa.create_engine(normalize_url(POSTGRES_URL))
    schema = f"pw_test_{secrets.token_hex(4)}"
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable: {str(exc).splitlines()[0]}")
    try:
        separator = "&" if "?" in POSTGRES_URL else "?"
        yield f"{normalize_url(POSTGRES_URL)}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@contextmanager
def database_url(kind: str, folder: os.PathLike[str]) -> Iterator[str]:
    """A database URL of the given kind ("sqlite" or "postgresql") for one test or module."""
    if kind == "sqlite":
        yield f"sqlite:///{os.fspath(folder)}/pathweaver.db"
    else:
        with postgres_schema() as url:
            yield url


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
