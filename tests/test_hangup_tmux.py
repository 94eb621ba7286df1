"""A dropped connection while typing, in a real terminal under tmux (issue 13): the pane is
killed as an SSH connection drops (the app gets SIGHUP from its terminal) within the comment's
0.6 s autosave delay, and what was typed is saved all the same."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tmuxutil import screen, tmux, wait_for
from wsutil import make_inputs

from reviewer.services.setup import init_workspace
from reviewer.workspace import Workspace

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None and not os.environ.get("CI"),
                                reason="tmux is not installed (CI installs it)")

BIN = Path(sys.executable).parent
AUTOSAVE = 0.6  # the comment's autosave delay (reviewer/tui/screens/review.py)
COMMENT = "ヒアリングで確認したい点あり"
PANEL = {"evaluators": [
    {"id": "e01", "name": "山田 太郎", "programs": ["r2-iot"]},
    {"id": "c01", "name": "松本 洋子", "role": "chair", "programs": ["r2-iot"]},
]}


@pytest.fixture
def workspace(tmp_path):
    """A workspace where e01 has applications without sheets: (path, first application's
    program, id, its must and scored criteria in screen order)."""
    crit, apps, panel = make_inputs(tmp_path, n_apps=2, panel=PANEL)
    path = tmp_path / "ws"
    init_workspace(path, crit, apps, panel)
    with Workspace.open(path) as ws:
        first = ws.evaluator_queue("e01")[0]
        assert first.status is None
        program = ws.program(first.program)
        criteria = [c for c in program.applicable(ws.application(first.program, first.application))
                    if c.kind in ("must", "scored")]
    return path, first.program, first.application, criteria


def stored(path: Path, program: str, application: str):
    with Workspace.open(path) as ws:
        return ws.sheet(program, application, "e01")


def settled(name: str, timeout: float = 10) -> str:
    """The screen once it has stayed the same for 0.3 s."""
    deadline = time.monotonic() + timeout
    last = screen(name)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = screen(name)
        if now == last:
            return now
        last = now
    return last


def gone(pid: int) -> bool:
    """The process has exited (a zombie no one has reaped yet counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.fixture
def app(workspace, tmp_path):
    """e01's app in a tmux pane of 120x40, exec'd so the pane's process is the app; returns
    (session, pid). Killed at the end whatever happened."""
    path = workspace[0]
    name = f"reviewer-hup-{os.getpid()}-{tmp_path.name}"[:60]
    command = (f"cd {shlex.quote(str(tmp_path))} && unset COLUMNS LINES; exec env PATH={shlex.quote(str(BIN))}:$PATH"
               f" TERM=xterm-256color REVIEWER_NO_BLINK=1 reviewer tui --workspace {shlex.quote(str(path))}"
               " --evaluator e01")
    tmux("kill-session", "-t", name)
    # the pane stays when the app exits by itself (a crash stays on the screen to be read)
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", command, ";",
                    "set-option", "-w", "-t", name, "remain-on-exit", "on"], check=True, timeout=30)
    pid = int(tmux("display", "-p", "-t", name, "#{pane_pid}").strip())
    yield name, pid
    tmux("kill-session", "-t", name)
    if not gone(pid):
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


def open_first(name: str, workspace) -> None:
    _, _, application, criteria = workspace
    wait_for(name, "評価者 山田 太郎（e01）")
    tmux("send-keys", "-t", name, "Enter")
    out = wait_for(name, f"{criteria[0].id} [")  # an item: only the scoring screen has them
    assert f"{application} " in out
    wait_for(name, "y: 適合  n: 不適合")  # the first item (a must) has the focus: its keys are shown


def hang_up(name: str, pid: int) -> float:
    """Drop the terminal as a lost SSH connection does: the pane goes (its pty closes, the app
    gets SIGHUP). Returns how long the app took to exit (AssertionError after 20 s)."""
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        assert b"reviewer" in f.read()  # the pane's process is the app itself (exec)
    t0 = time.monotonic()
    tmux("kill-session", "-t", name)
    while not gone(pid):
        if time.monotonic() - t0 > 20:
            raise AssertionError("the app did not exit within 20 s of SIGHUP")
        time.sleep(0.05)
    return time.monotonic() - t0


def test_a_dropped_connection_saves_the_comment_typed_just_before(app, workspace):
    name, pid = app
    path, program, application, criteria = workspace
    open_first(name, workspace)
    for _ in criteria:  # Tab through every item: then the comment (the only text box on the screen:
        tmux("send-keys", "-t", name, "Tab")  # the text typed shows there, or nowhere)
    settled(name)
    assert stored(path, program, application) is None
    # type, see it on the screen (the app has it), hang up at once: well within the autosave
    # delay. On a machine too slow for that, the autosave may have run: type a little more.
    typed = ""
    timings = []
    for piece in (COMMENT, "。", "、", "！"):
        t_typed = time.monotonic()
        tmux("send-keys", "-t", name, "-l", piece)
        typed += piece
        wait_for(name, typed, timeout=10, poll=0.02)
        timings.append(round(time.monotonic() - t_typed, 3))
        if timings[-1] < AUTOSAVE * 2 / 3:
            break
    else:
        raise AssertionError(f"too slow to hang up within the autosave delay: {timings} s from keys to screen")
    hang_up(name, pid)
    sheet = stored(path, program, application)
    assert sheet is not None, "nothing was saved: the comment typed before the hang-up is lost"
    assert (sheet.comment, sheet.status) == (typed, "draft"), f"typed {typed!r}; keys to screen {timings} s"


def test_a_dropped_connection_keeps_a_score(app, workspace):
    name, pid = app
    path, program, application, criteria = workspace
    first = criteria[0]
    assert first.kind == "must"
    open_first(name, workspace)
    tmux("send-keys", "-t", name, "y")
    wait_for(name, f"入力 1 / {len(criteria)} 項目", timeout=10, poll=0.02)
    hang_up(name, pid)
    sheet = stored(path, program, application)
    assert sheet is not None and sheet.scores == {first.id: "pass"} and sheet.comment == ""
