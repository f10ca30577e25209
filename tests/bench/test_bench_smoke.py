"""The benchmarks keep working: a tiny run of each prints its table, and every operation it sent reached every
client it should have. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.support.server import ROOT


def run_bench(module: str, *args: str) -> str:
    command = [sys.executable, "-m", f"bench.{module}", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, (
        f"bench.{module} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    )
    return done.stdout


def test_acks_benchmark_runs_and_prints_its_table() -> None:
    out = run_bench("acks", "--clients", "2", "--ops", "20", "--window", "4")
    assert "| Pathweaver server (group commit, 30 ticks/s) |" in out
    assert "| baseline: storage alone, one commit per event |" in out
    assert "ratio server / one-commit-per-event baseline" in out
    assert "every acknowledged operation (40) reached all 2 clients" in out


def test_plenary_benchmark_runs_against_both_servers(tmp_path: Path) -> None:
    out = run_bench("plenary", "--clients", "4", "--rates", "20", "--seconds", "1", "--quick", "--out", str(tmp_path))
    assert "| relay | 4 | 20 |" in out and "| pathweaver | 4 | 20 |" in out
    assert "ratio Pathweaver / relay" in out
    assert (tmp_path / "plenary.md").exists()
    steps = orjson.loads((tmp_path / "plenary.json").read_bytes())["steps"]
    assert [(s["target"], s["complete"], s["errors"]) for s in steps] == [
        ("relay", True, 0),
        ("pathweaver", True, 0),
    ], "a run left operations undelivered or refused"


def test_browser_benchmark_runs() -> None:
    from tests.browser.conftest import CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (bin/test installs it with apt)")
    out = run_bench("browser", "--notes", "20", "--links", "20", "--loads", "1")
    assert "| baseline: empty board |" in out and "| large board, another client dragging five notes |" in out


def test_exports_benchmark_runs() -> None:
    out = run_bench("exports", "--notes", "30", "--links", "40", "--repeat", "1")
    assert "| baseline: orjson.dumps of the snapshot |" in out and "| report-html |" in out


def test_soak_benchmark_runs_and_every_client_equals_the_stored_map() -> None:
    # A few seconds of a small workshop with reconnects; the run exits non-zero when a client's board differs
    # from the stored map or an operation went unanswered. Memory figures are printed, never asserted.
    out = run_bench(
        "soak",
        *("--seconds", "4", "--participants", "4", "--rate", "20", "--notes", "30"),
        *("--sample-every", "1", "--reconnect-every", "1"),
    )
    assert "every client equals the stored map: yes" in out and "every operation answered: yes" in out
    assert "server RSS MiB" in out


@pytest.mark.rule("P29")
def test_hostile_benchmark_refuses_every_case_with_its_expected_answer() -> None:
    # run_bench fails when the benchmark exits non-zero, which it does when any case is not refused as expected.
    out = run_bench("hostile", "--scale", "0.02", "--one-server")
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| hostile input")]
    assert len(rows) >= 10 and all("| yes |" in row for row in rows), out
    assert "all refused as expected: yes" in out


def test_pathways_benchmark_runs_and_prints_its_table() -> None:
    out = run_bench("pathways", "--notes", "60", "--links", "90", "--repeat", "1")
    assert "| a map not seen before (the search) |" in out and "| the same map again (kept) |" in out


def test_search_benchmark_runs_on_sqlite() -> None:
    out = run_bench("search", "--workshops", "6", "--notes", "60", "--repeat", "3", "--databases", "sqlite")
    assert "| common word: `impact` |" in out and "| **all queries** |" in out
    assert "| baseline: workshop by primary key |" in out and "6 workshops, 60 notes" in out
