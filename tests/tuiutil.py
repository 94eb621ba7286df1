"""Workspaces for the terminal-app tests: the shipped samples, built once and copied per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("REVIEWER_NO_BLINK", "1")

_TEMPLATE: Path | None = None


def sample_workspace(tmp_path: Path, tmp_root: Path) -> Path:
    """A fresh copy of a workspace made from the shipped criteria, samples, panel and sheets."""
    global _TEMPLATE
    if _TEMPLATE is None or not _TEMPLATE.exists():
        from reviewer.cli import demo_workspace

        _TEMPLATE = tmp_root / "template-ws"
        demo_workspace(_TEMPLATE)
    dest = tmp_path / "ws"
    shutil.copytree(_TEMPLATE, dest)
    return dest
