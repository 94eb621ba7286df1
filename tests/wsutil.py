"""Helpers for workspace tests: small real workspaces on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import IOT_APP, ROOT, doc, write

PANEL = {
    "evaluators": [
        {"id": "e01", "name": "山田 太郎", "programs": ["r2-iot"], "os_user": "yamada", "prefecture": "北海道"},
        {"id": "e02", "name": "佐藤 花子", "programs": ["r2-iot"], "conflicts": ["012360"]},
        {"id": "e03", "name": "鈴木 一郎", "programs": ["r2-iot"], "prefecture": "東京都"},
        {"id": "c01", "name": "松本 洋子", "role": "chair", "programs": ["r2-iot"]},
    ]
}

FULL = {"M1": "pass", "M2": "pass", "M3": "pass", "M4": "pass", **{f"A{i}": 3 for i in range(1, 9)}}


def make_inputs(tmp_path: Path, n_apps: int = 3, panel: dict | None = None) -> tuple[Path, Path, Path]:
    crit = tmp_path / "criteria"
    crit.mkdir(exist_ok=True)
    shutil.copy(ROOT / "criteria" / "r2-iot.toml", crit / "r2-iot.toml")
    apps = tmp_path / "apps"
    for i in range(1, n_apps + 1):
        write(tmp_path, f"apps/T-{i:04d}.toml", doc(IOT_APP, id=f"T-{i:04d}", title=f"申請 {i}"))
    panel_path = write(tmp_path, "panel.toml", panel or PANEL)
    return crit, apps, panel_path


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    e = dict(os.environ, PYTHONIOENCODING="utf-8")
    e.pop("REVIEWER_WORKSPACE", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=e, timeout=300)


def render_tool():
    """tools/render_workbook.py, loaded as a module (its print-scale reading is what the tests check)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("render_workbook", ROOT / "tools" / "render_workbook.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
