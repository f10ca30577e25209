"""The `pathweaver` command as a person runs it: an expected failure is one line on stderr and exit code 1."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
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


@pytest.mark.parametrize(
    "how",
    [
        pytest.param(["{id}", "-f", "csv", "-o", "{out}", "--database-url", "{db}"], id="as it is"),
        pytest.param(["-f", "csv", "-o", "{out}", "--database-url", "{db}", "--", "{id}"], id="after --"),
        pytest.param(["--workshop={id}", "-f", "csv", "-o", "{out}", "--database-url", "{db}"], id="as --workshop=ID"),
    ],
)
def test_export_names_a_workshop_whose_id_starts_with_a_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: list[str]
) -> None:
    """Workshops made before ids had to start with a letter or digit keep their ids: 1 in 64 starts with '-'."""
    from server import imports, workshops
    from server.storage import open_storage

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setattr(workshops, "new_id", lambda: "-fOld_id-123")  # `-f` + 10 characters: still the id
    storage = open_storage(db)
    try:
        draft = imports.read_csv(b"text,kind\nClean rivers,impact\n", None, "Old workshop")
        workshop_id = imports.import_map(storage, b"k" * 32, draft).created.workshop.id
    finally:
        storage.close()
    assert workshop_id == "-fOld_id-123"
    out = tmp_path / "map.csv.zip"
    args = [word.format(id=workshop_id, out=out, db=db) for word in how]
    result = pathweaver("export", *args, key_file=tmp_path / "key")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as bundle:
        assert "Clean rivers" in bundle.read("notes.csv").decode("utf-8-sig")


def test_index_brings_the_search_index_up_to_date_on_demand(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    notes = tmp_path / "notes.csv"
    notes.write_text("text,kind\nÉvaluation des politiques,impact\n")
    key_file = tmp_path / "secret.key"
    assert pathweaver("import", str(notes), "--database-url", db, key_file=key_file).returncode == 0
    first = pathweaver("index", "--database-url", db, key_file=key_file)
    assert first.returncode == 0 and first.stdout.startswith("indexed 1 workshops (2 items)"), first.stdout
    again = pathweaver("index", "--database-url", db, key_file=key_file)
    assert again.stdout.startswith("indexed 0 workshops"), again.stdout

    from server.library.search import search
    from server.storage.sql import SqlStorage

    storage = SqlStorage(db)
    try:
        assert [r.snippet for r in search(storage, "evaluation")][0][0].text == "Évaluation"
    finally:
        storage.close()
