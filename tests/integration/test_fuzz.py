"""Random and mutated frames from pinned seeds, over websockets and HTTP, with reconnects and a restart:
no 5xx, no storage failure caused by input, every client equal to the stored map. `bench/fuzz.py` runs
the same fuzzer for longer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import fuzz
from tests.support.databases import BACKENDS, database_url
from tests.support.server import LIMITS_LIFTED, ServerProcess

FRAMES_PER_SEED = 1200


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.mark.rule("P15", "P24")
@pytest.mark.parametrize("seed", [1])  # bench/fuzz.py runs many more seeds for longer
async def test_fuzzed_frames_break_nothing(db_url: str, tmp_path: Path, seed: int) -> None:
    server = ServerProcess(db_url, extra_env=LIMITS_LIFTED).start(log_path=tmp_path / f"server-{seed}.log")
    try:
        report = await fuzz.run(server, seed, FRAMES_PER_SEED, tmp_path)
    finally:
        server.stop()
    print(report.line())
    assert report.failures == [], f"seed {seed}: " + "\n".join(report.failures[:10])
    assert report.acked > 0 and report.refused, "the run both changed the map and was refused"
