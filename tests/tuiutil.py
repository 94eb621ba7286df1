"""Workspaces for the terminal-app tests: the shipped samples, built once and copied per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from unittest import mock

os.environ.setdefault("REVIEWER_NO_BLINK", "1")

_TEMPLATE: Path | None = None
FIXED_NOW = "2026-04-01T00:30:00.000+00:00"  # 09:30 in Japan


def sample_workspace(tmp_path: Path, tmp_root: Path) -> Path:
    """A fresh copy of a workspace made from the shipped criteria, samples, panel and sheets."""
    global _TEMPLATE
    if _TEMPLATE is None or not _TEMPLATE.exists():
        from reviewer.services.setup import demo_workspace

        _TEMPLATE = tmp_root / "template-ws"
        # a fixed clock: timestamps on screen (the chair's sheet list) stay the same in snapshots
        with mock.patch("reviewer.workspace.clock.now", return_value=FIXED_NOW):
            demo_workspace(_TEMPLATE)
    dest = tmp_path / "ws"
    shutil.copytree(_TEMPLATE, dest)
    return dest


async def settle(pilot) -> None:
    """Wait until the chair's scoring (started by a timer shortly after the first screen, or
    by a what-if) has finished and its result is on screen; other screens just settle."""
    from reviewer.tui.screens.chair import ChairScreen

    await pilot.pause(0.5)
    for _ in range(200):  # up to 20 s on a loaded machine
        await pilot.app.workers.wait_for_complete()
        screen = pilot.app.screen
        if not isinstance(screen, ChairScreen) or (screen.result is not None and screen._busy is None):
            break
        await pilot.pause(0.1)
    await pilot.pause()


async def open_listed(pilot, key: str):
    """Open the application ``key`` ("program/application") from the evaluator's list with
    Enter, as a user would; the scoring screen it opened."""
    from reviewer.tui.screens.review import ReviewScreen
    from reviewer.tui.widgets.table import LineTable

    app = pilot.app
    await pilot.pause()
    table = app.screen.query_one("#queue", LineTable)
    table.move_cursor(table.index_of(key))
    table.focus()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen
