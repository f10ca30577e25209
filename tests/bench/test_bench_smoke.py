"""The benchmarks keep working: a tiny run of each prints its table. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys

from tests.support.server import ROOT


def test_acks_benchmark_runs_and_prints_its_table() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bench.acks", "--clients", "2", "--ops", "20", "--window", "4"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "| Pathweaver server (group commit) |" in out
    assert "| baseline: storage alone, one commit per event |" in out
    assert "ratio server / one-commit-per-event baseline" in out
