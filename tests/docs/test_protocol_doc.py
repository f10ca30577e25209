"""docs/protocol.md and the tests agree: every rule is held by tests that cite it, and only by those."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from server.board.refusals import CODES

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "protocol.md"
RULE_HEADING = re.compile(r"^### (P\d+) — (.+)$")
TEST_LINE = re.compile(r"^- (tests/\S+\.py::\w+)$")


def documented_rules() -> dict[str, tuple[bool, set[str]]]:
    """rule id -> (withdrawn, tests listed under it)."""
    rules: dict[str, tuple[bool, set[str]]] = {}
    current = None
    for line in DOC.read_text().splitlines():
        if m := RULE_HEADING.match(line):
            current = m.group(1)
            assert current not in rules, f"{current} appears twice in docs/protocol.md"
            rules[current] = ("*withdrawn*" in m.group(2), set())
        elif current and (m := TEST_LINE.match(line)):
            rules[current][1].add(m.group(1))
    return rules


def cited_rules() -> dict[str, set[str]]:
    """rule id -> tests (path::function) carrying @pytest.mark.rule(id, ...)."""
    cited: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for dec in node.decorator_list:
                if isinstance(dec, ast.Call) and ast.unparse(dec.func) == "pytest.mark.rule":
                    for arg in dec.args:
                        assert isinstance(arg, ast.Constant), f"{path}::{node.name}: rule ids must be literals"
                        cited[arg.value].add(f"{path.relative_to(ROOT)}::{node.name}")
    return cited


def test_rules_are_numbered_in_order_and_never_reused() -> None:
    ids = [int(r[1:]) for r in documented_rules()]
    assert ids == list(range(1, len(ids) + 1)), f"rules must run P1..Pn without gaps: {ids}"


def test_every_rule_lists_exactly_the_tests_that_cite_it() -> None:
    rules, cited = documented_rules(), cited_rules()
    unknown = set(cited) - set(rules)
    assert not unknown, f"tests cite rules that docs/protocol.md does not have: {sorted(unknown)}"
    for rule, (withdrawn, listed) in rules.items():
        if withdrawn:
            assert not cited.get(rule), f"{rule} is withdrawn but still cited by {sorted(cited[rule])}"
            continue
        assert cited.get(rule), f"{rule} has no test citing it"
        assert listed == cited[rule], (
            f"{rule}: docs list {sorted(listed - cited[rule])} that do not cite it; "
            f"tests {sorted(cited[rule] - listed)} cite it but are not listed"
        )


def test_error_codes_table_matches_the_code() -> None:
    section = DOC.read_text().split("## Error codes", 1)[1].split("\n## ", 1)[0]
    table = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|$", section, flags=re.M))
    assert table == CODES
