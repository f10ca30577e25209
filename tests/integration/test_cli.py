"""The `pathweaver` command as a person runs it: an expected failure is one line on stderr and exit code 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import ROOT, free_port


def pathweaver(*args: str, key_file: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATHWEAVER_SECRET_KEY_FILE": str(key_file)}
    command = [sys.executable, "-m", "server.cli", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing file", "missing.json: No such file or directory"),
        ("a folder, not a file", "Is a directory"),
        ("missing links file", "links.csv: No such file or directory"),
        ("not a map", "not valid JSON"),
        ("unsupported database URL", "cannot open the database: unsupported database URL"),
        ("unreachable database", "cannot open the database: "),
        ("unwritable export", "No such file or directory"),
        ("serve on an unsupported database", "cannot open the database: unsupported database URL"),
    ],
)
def test_an_expected_failure_is_one_line_not_a_traceback(tmp_path: Path, case: str, expected: str) -> None:
    db_file = tmp_path / "cli.db"
    db = f"sqlite:///{db_file}"
    notes = tmp_path / "notes.csv"
    notes.write_text("text,kind\nA,impact\n")
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\xffnot a map")
    args = {
        "missing file": ["import", str(tmp_path / "missing.json"), "--database-url", db],
        "a folder, not a file": ["import", str(tmp_path), "--database-url", db],
        "missing links file": ["import", str(notes), "--links", str(tmp_path / "links.csv"), "--database-url", db],
        "not a map": ["import", str(garbage), "--database-url", db],
        "unsupported database URL": ["import", str(notes), "--database-url", "mysql://nobody@127.0.0.1/x"],
        "unreachable database": ["export", "abc", "--database-url", f"postgresql://nobody@127.0.0.1:{free_port()}/x"],
        "unwritable export": None,
        "serve on an unsupported database": ["serve", "--port", str(free_port()), "--database-url", "nonsense://x"],
    }[case]
    if args is None:  # a real workshop, written to a folder that does not exist
        imported = pathweaver("import", str(notes), "--database-url", db, key_file=tmp_path / "key")
        assert imported.returncode == 0, imported.stderr
        workshop_id = imported.stdout.split("as workshop ")[1].split()[0]
        args = ["export", workshop_id, "-o", str(tmp_path / "no" / "such" / "map.json"), "--database-url", db]
    result = pathweaver(*args, key_file=tmp_path / "key")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("pathweaver: ") and result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    if args[0] == "import":
        assert not db_file.exists(), "a failed import must not create the database"
