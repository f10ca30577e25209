"""The benchmarks keep working: a tiny run of each prints its table. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


def test_plenary_benchmark_runs_against_both_servers(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.plenary",
            "--clients",
            "4",
            "--rates",
            "20",
            "--seconds",
            "1",
            "--quick",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    ).stdout
    assert "| relay | 4 | 20 |" in out and "| pathweaver | 4 | 20 |" in out
    assert "ratio Pathweaver / relay" in out
    assert (tmp_path / "plenary.json").exists() and (tmp_path / "plenary.md").exists()


def test_browser_benchmark_runs(tmp_path: Path) -> None:
    from tests.browser.conftest import CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (bin/test installs it with apt)")
    out = subprocess.run(
        [sys.executable, "-m", "bench.browser", "--notes", "20", "--links", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    ).stdout
    assert "| baseline: empty board |" in out and "| large board, another client dragging five notes |" in out
