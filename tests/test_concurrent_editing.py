"""Concurrent editing without loss: a save carries the revision it was based on; over a newer
one it merges item by item, says what it merged, keeps both texts of a comment changed on both
sides; two sessions of one evaluator on one sheet are told of each other; a save error (a
comment over the limit, a full disk) is told and what was typed stays on the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import TextArea
from tmuxutil import tmux, wait_for
from tuiutil import sample_workspace
from wsutil import FULL, make_inputs, run

from reviewer.domain.model import Sheet
from reviewer.rules.merge import BOTH_TEXTS
from reviewer.services.errors import WorkspaceError
from reviewer.services.session import Session
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import save_sheet
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.review import ReviewScreen
from reviewer.workspace import Workspace


@pytest.fixture
def ws_path(tmp_path):
    init_workspace(tmp_path / "ws", *make_inputs(tmp_path))
    return tmp_path / "ws"


def test_an_import_meanwhile_is_merged_not_overwritten(ws_path):
    """The lost update of the hostile test: a screen opened before an import saved its whole
    sheet over it ({M1,M2,A1,A2,A3} became {A8})."""
    s = Session(ws_path, "e01")
    try:
        opened = s.open_sheet("e01", "r2-iot", "T-0001")
        with Workspace.open(ws_path) as other:   # an import of e01's file meanwhile
            other.import_sheets("r2-iot", "e01", [Sheet.model_validate(
                {"application": "T-0001", "status": "draft", "comment": "取込の所見",
                 "scores": {"M1": "pass", "M2": "pass", "A1": 4, "A2": 3, "A3": 2}})], actor="import")
        saved = s.save_draft(opened, opened.sheet, {"A8": 5}, "画面の所見")
        assert saved.merge is not None and saved.merge.both_comments
        stored = s.ws.sheet("r2-iot", "T-0001", "e01")
        assert stored.scores == {"M1": "pass", "M2": "pass", "A1": 4, "A2": 3, "A3": 2, "A8": 5}
        assert stored.comment == "取込の所見" + BOTH_TEXTS + "画面の所見"
        assert saved.sheet == stored and stored.revision == 2
        again = s.save_draft(opened, saved.sheet, dict(stored.scores, A8=4), stored.comment)
        assert again.merge is None and again.sheet.scores["A8"] == 4
    finally:
        s.close()


def test_two_sessions_of_one_evaluator_are_told_and_merge(ws_path):
    a, b = Session(ws_path, "e01"), Session(ws_path, "e01")
    try:
        oa = a.open_sheet("e01", "r2-iot", "T-0002")
        ob = b.open_sheet("e01", "r2-iot", "T-0002")
        assert [p.session for p in b.others_on(ob)] == [a.id]
        assert [p.session for p in a.others_on(oa)] == [b.id]
        sa = a.save_draft(oa, oa.sheet, {"A1": 1}, "")
        sb = b.save_draft(ob, ob.sheet, {"A1": 2, "A2": 5}, "")   # based on no sheet: A1 both ways
        assert sb.merge is not None and sb.merge.conflicts == {"A1": (1, 2)}
        assert b.ws.sheet("r2-iot", "T-0002", "e01").scores == {"A1": 2, "A2": 5}
        sa2 = a.save_draft(oa, sa.sheet, {"A1": 1, "A3": 3}, "")   # a's next save takes b's A2 in
        assert sa2.merge is not None and sa2.merge.taken == {"A1": 2, "A2": 5} and sa2.merge.clean
        assert a.ws.sheet("r2-iot", "T-0002", "e01").scores == {"A1": 2, "A2": 5, "A3": 3}
        a.close_sheet(oa)
        assert b.others_on(ob) == []
    finally:
        a.close()
        b.close()


def test_a_sheet_submitted_meanwhile_is_not_changed(ws_path):
    s = Session(ws_path, "e01")
    try:
        opened = s.open_sheet("e01", "r2-iot", "T-0003")
        save_sheet(s.ws, "r2-iot", "T-0003", "e01", FULL, "提出", "submitted")
        with pytest.raises(WorkspaceError, match="提出されました"):
            s.save_draft(opened, opened.sheet, {"A1": 0}, "")
        assert s.ws.sheet("r2-iot", "T-0003", "e01").scores == FULL
    finally:
        s.close()


def test_a_session_of_a_dead_process_is_forgotten(ws_path):
    a = Session(ws_path, "e01")
    try:
        opened = a.open_sheet("e01", "r2-iot", "T-0001")
        with Workspace.open(ws_path) as ws:
            dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                                  text=True).stdout.strip()
            ws.enter_sheet("gone", "r2-iot", "T-0001", "e01", a.host, int(dead))
        assert a.others_on(opened) == []
    finally:
        a.close()


# -- the app ----------------------------------------------------------------------------------


def unfinished(path, evaluator, n=0):
    """The n-th of the evaluator's applications that is not submitted ("program/application")."""
    with Workspace.open(path) as ws:
        rows = [r for r in ws.evaluator_queue(evaluator) if r.status != "submitted"]
    return f"{rows[n].program}/{rows[n].application}"


async def open_review(pilot, app, key):
    await pilot.pause()
    app.open_application(app.identity.id, *key.split("/"))
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


@pytest.mark.asyncio
async def test_a_comment_over_the_limit_is_told_and_kept(tmp_path, tmp_path_factory):
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    app = ReviewerApp(path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, app, unfinished(path, "e04"))
        area = screen.query_one("#comment", TextArea)
        text = "長" * 200_001
        area.load_text(text)
        screen.comment = text
        assert screen.save_draft() is False        # told, not crashed
        await pilot.pause()
        assert any("コメント" in n.message and "多すぎ" in n.message for n in app.told)
        assert area.text == text and app.is_running
    with Workspace.open(path) as ws:
        assert all(len(s.comment) <= 200_000 for s in ws.sheets(evaluator="e04"))


@pytest.mark.asyncio
async def test_a_full_disk_is_told_and_the_text_kept(tmp_path, tmp_path_factory):
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    app = ReviewerApp(path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, app, unfinished(path, "e04"))
        conn = app.session.ws.conn
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")   # SQLite's own "database or disk is full"
        text = "所見" * 5000
        screen.query_one("#comment", TextArea).load_text(text)
        screen.comment = text
        assert screen.save_draft() is False
        await pilot.pause()
        assert app.is_running and screen.query_one("#comment", TextArea).text == text
        assert any(n.severity == "error" for n in app.told)


@pytest.mark.asyncio
async def test_the_app_tells_of_another_session_on_opening_and_at_a_save(tmp_path, tmp_path_factory):
    """Another session (as another process would have it) on the same sheet: the app says so
    when it opens the sheet, and when one opens it later, at the app's next save."""
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    key = unfinished(path, "e04")
    program, application = key.split("/")
    before, after = Session(path, "e04"), Session(path, "e04")
    try:
        before.open_sheet("e04", program, application)
        app = ReviewerApp(path, "e04")
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_review(pilot, app, key)
            told = [n for n in app.told if n.title == "同時編集"]
            assert len(told) == 1 and "別の画面" in told[0].message
            after.open_sheet("e04", program, application)
            assert screen.save_draft()
            await pilot.pause()
            assert len([n for n in app.told if n.title == "同時編集"]) == 2
            assert screen.save_draft()                    # each session is told of once
            assert len([n for n in app.told if n.title == "同時編集"]) == 2
    finally:
        before.close()
        after.close()


# -- two real terminals ---------------------------------------------------------------------

pytestmark_tmux = pytest.mark.skipif(shutil.which("tmux") is None and not os.environ.get("CI"),
                                     reason="tmux is not installed (CI installs it)")


@pytestmark_tmux
def test_two_terminals_on_one_sheet_merge_and_tell(tmp_path):
    root = Path(__file__).resolve().parent.parent
    ws = tmp_path / "ws"
    assert run("init", "--workspace", str(ws), "--criteria", str(root / "criteria"), "--applications",
               str(root / "sample_applications"), "--panel", str(root / "sample_applications" / "panel.toml")).returncode == 0
    bin_ = Path(sys.executable).parent
    names = [f"rv-edit-{os.getpid()}-{i}" for i in (1, 2)]
    env = f"cd {tmp_path} && unset COLUMNS LINES; PATH={bin_}:$PATH TERM=xterm-256color REVIEWER_NO_BLINK=1"
    try:
        for name in names:
            tmux("kill-session", "-t", name)
            subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                            f"{env} reviewer tui --workspace {ws} --evaluator e04; sleep 30"], check=True, timeout=30)
            wait_for(name, "評価者 高橋 美咲")
            tmux("send-keys", "-t", name, "Enter")         # the first application of the list
            wait_for(name, "y: 適合  n: 不適合")
        wait_for(names[1], "別の画面")                      # the second is told on opening
        tmux("send-keys", "-t", names[0], "y")              # M1 in the first terminal
        wait_for(names[0], "別の画面")                      # the first is told at its save
        tmux("send-keys", "-t", names[1], "Down", "y")      # M2 in the second: merged, not lost
        wait_for(names[1], "入力 2 /")
        with Workspace.open(ws) as w:
            [app] = [r.application for r in w.evaluator_queue("e04")][:1]
            sheet = w.sheet("r2-iot", app, "e04")
            assert sheet is not None and sheet.scores.get("M1") == "pass" and sheet.scores.get("M2") == "pass"
    finally:
        for name in names:
            tmux("kill-session", "-t", name)
