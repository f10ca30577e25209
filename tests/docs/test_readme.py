"""The README stays true to the project: its two commands exist, its headings are not repeated, and every
command and file it points at is there."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_headings_appear_once() -> None:
    headings = Counter(line for line in README.splitlines() if line.startswith("#"))
    assert [h for h, n in headings.items() if n > 1] == []


def test_the_two_commands_exist_and_ci_runs_the_test_one() -> None:
    assert "bin/serve" in README and "bin/test" in README
    for script in ("bin/serve", "bin/test", "bin/setup", "bin/system-packages"):
        assert (ROOT / script).stat().st_mode & 0o111, f"{script} is not executable"
    assert "bin/test" in (ROOT / ".ci" / "run").read_text()


def test_linked_files_and_benchmarks_exist() -> None:
    for target in re.findall(r"\]\(((?:docs|static)/[^)#]+)\)", README):
        assert (ROOT / target).exists(), target
    for module in set(re.findall(r"python -m (bench\.\w+)", README)):
        assert (ROOT / (module.replace(".", "/") + ".py")).exists(), module
