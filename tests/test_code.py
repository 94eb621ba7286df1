"""The code holds its own rules: lint and types clean, imports in one direction (the contracts
in pyproject.toml), no function longer than a screen, and SQL only in the workspace package."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "reviewer"
BIN = Path(sys.executable).parent
#: Longest function body, in lines (a screen: read at once).
MAX_FUNCTION_LINES = 60


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_is_clean():
    r = _run(sys.executable, "-m", "ruff", "check", "--no-cache", ".")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_is_clean():
    r = _run(sys.executable, "-m", "mypy", "--cache-dir", "/dev/null")
    assert r.returncode == 0, r.stdout + r.stderr


def test_imports_keep_their_direction():
    r = _run(str(BIN / "lint-imports"), "--no-cache")
    assert r.returncode == 0 and "BROKEN" not in r.stdout, r.stdout + r.stderr
    assert r.stdout.count("KEPT") >= 3


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_no_function_is_longer_than_a_screen():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for fn in _functions(ast.parse(path.read_text("utf-8"))):
            lines = (fn.end_lineno or fn.lineno) - fn.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                long.append(f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name} ({lines} lines)")
    assert not long, long


SQL = re.compile(r"\.execute(many)?\(|\bimport sqlite3\b|\bsqlite3\.")


def test_only_the_workspace_package_runs_sql():
    outside = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(PACKAGE / "workspace"):
            continue
        for no, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if SQL.search(line):
                outside.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()}")
    assert not outside, outside


def test_the_checks_can_fail(tmp_path):
    """The length and SQL scans find what they look for (a file made to break both)."""
    bad = "def f():\n" + "    x = 1\n" * (MAX_FUNCTION_LINES + 1) + "    conn.execute('DELETE FROM audit')\n"
    tree = ast.parse(bad)
    [fn] = _functions(tree)
    assert (fn.end_lineno or 0) - fn.lineno + 1 > MAX_FUNCTION_LINES
    assert SQL.search(bad.splitlines()[-1])
