"""The example exports in docs/examples/ are what the code makes today (run with --regenerate-examples to update)."""

from __future__ import annotations

from pathlib import Path

import pytest

from server import export
from tests.support.maps import sample_map

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
EXPORTED_AT = 1_732_000_000_000
TEXT_FORMATS = ["json", "kumu", "graphml", "gexf", "dot", "mermaid", "svg", "report-md", "report-html"]


def example_name(name: str) -> str:
    return "sample." + export.FORMATS[name].extension


@pytest.mark.parametrize("name", TEXT_FORMATS)
def test_examples_are_current(name: str, request: pytest.FixtureRequest) -> None:
    made = export.export(sample_map(), name, EXPORTED_AT)
    path = EXAMPLES / example_name(name)
    if request.config.getoption("--regenerate-examples"):
        EXAMPLES.mkdir(parents=True, exist_ok=True)
        path.write_bytes(made)
        if name == "svg":
            (EXAMPLES / example_name("png")).write_bytes(export.export(sample_map(), "png", EXPORTED_AT))
    assert path.read_bytes() == made, f"{path} is stale: run bin/test tests/docs --regenerate-examples"
