from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regenerate-examples", action="store_true", help="rewrite docs/examples/ from the code")
