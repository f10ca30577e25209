from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What a server run from the working tree keeps there by default: its database and the key join codes derive
# from. They belong to whoever runs that server; a test must bring its own (PATHWEAVER_SECRET_KEY_FILE, a temporary
# database), or it would share or replace theirs.
WORKING_TREE_STATE = ("secret.key", "pathweaver.db")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regenerate-examples", action="store_true", help="rewrite docs/examples/ from the code")


def _working_tree_state() -> set[Path]:
    folders = {ROOT / "sessions", Path.cwd() / "sessions"}
    return {folder / name for folder in folders for name in WORKING_TREE_STATE if (folder / name).exists()}


@pytest.fixture(autouse=True)
def leaves_the_working_tree_alone(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test that creates sessions/secret.key (or the default database) in the working tree."""
    before = _working_tree_state()
    yield
    created = sorted(str(p) for p in _working_tree_state() - before)
    assert not created, f"{request.node.nodeid} created {created}: give it a temporary key file and database"
