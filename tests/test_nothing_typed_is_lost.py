"""What is typed is saved first: quitting within the comment's autosave delay, a dropped
connection (a real SIGHUP); and opening an application without entering
anything makes no sheet (issue 13, point 2, in part)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from textual.widgets import TextArea
from tuiutil import sample_workspace

from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.review import ReviewScreen
from reviewer.workspace import Workspace


def untouched(path: Path, evaluator: str) -> tuple[str, str]:
    """An application of the evaluator's that has no sheet yet."""
    with Workspace.open(path) as ws:
        row = next(r for r in ws.evaluator_queue(evaluator) if r.status is None)
    return row.program, row.application


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    with Workspace.open(path) as ws:   # give e04 an application without a sheet
        sheet = next(s for s in ws.sheets(evaluator="e04") if s.status == "draft")
        ws.withdraw_assignment(sheet.program, sheet.application, "e04", "テスト用に割当をやり直す", actor="test")
        ws.conn.execute("UPDATE assignments SET active = 1, withdrawn_reason = NULL WHERE program = ? AND"
                        " application = ? AND evaluator = 'e04'", (sheet.program, sheet.application))
    return path


async def open_untouched(app, pilot, program, application):
    await pilot.pause()
    app.open_application("e04", program, application)
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)


async def comment_then(ws_path, text, stop):
    """Type ``text`` into the comment of an application without a sheet, run ``stop`` before
    the autosave's delay is over; the sheet as stored afterwards."""
    program, application = untouched(ws_path, "e04")
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_untouched(app, pilot, program, application)
        app.screen.query_one("#comment", TextArea).focus()
        await pilot.press(*text)
        await stop(app, pilot)
    with Workspace.open(ws_path) as ws:
        return ws.sheet(program, application, "e04")


@pytest.mark.asyncio
async def test_opening_and_leaving_makes_no_sheet(ws_path):
    program, application = untouched(ws_path, "e04")
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_untouched(app, pilot, program, application)
        await pilot.press("escape")
        await pilot.pause()
    with Workspace.open(ws_path) as ws:
        assert ws.sheet(program, application, "e04") is None


@pytest.mark.asyncio
async def test_quitting_within_the_autosave_delay_saves_the_comment(ws_path):
    async def quit_at_once(app, pilot):
        await pilot.press("ctrl+q")          # at once: the 0.6 s autosave has not run
        await pilot.pause()

    sheet = await comment_then(ws_path, "kansou", quit_at_once)
    assert sheet is not None and sheet.comment == "kansou"


@pytest.mark.asyncio
async def test_a_dropped_connection_saves_what_is_typed(ws_path):
    """SIGHUP (what sshd sends when the connection drops) while the comment waits for its
    autosave: a real signal to this process, handled by the app's event loop."""
    async def hang_up(app, pilot):
        os.kill(os.getpid(), signal.SIGHUP)
        await pilot.pause(0.2)
        assert app.return_code == 0  # the app stopped (return_code is None until it exits)

    sheet = await comment_then(ws_path, "hangup", hang_up)
    assert sheet is not None and sheet.comment == "hangup"
