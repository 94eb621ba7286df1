"""The chair's screen in real terminals (issue 14):

- light: in 10 idle seconds it writes nothing but the cursor, on the progress view and on the
  ranking view, also while another session only starts (a check that finds no change draws
  nothing); counted in a pseudo-terminal (tests/ptyutil.py) as over SSH;
- live: two tmux terminals, an evaluator scores and submits a sheet with keys in one, and the
  chair's screen in the other shows the new count within a few seconds, no key pressed there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ptyutil import PtyApp, describe, repaint_bytes, summarize
from tmuxutil import screen, tmux, wait_for
from tuiutil import sample_workspace

from reviewer.services.session import Session
from reviewer.workspace import Workspace

IDLE_SECONDS = 10  # the measure
SSH = {"SSH_CONNECTION": "192.0.2.10 50022 192.0.2.1 22", "REVIEWER_NO_BLINK": None}
SCORED = "集計: 平均"  # on the summary line once the program is scored
BEFORE, AFTER = "提出済 107 / 割当 110", "提出済 108 / 割当 110"  # r2-iot in the sample workspace


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


@pytest.fixture
def chair(ws_path, tmp_path):
    """The chair's app in a pty of 120x40 (as over SSH), scored and quiet."""
    app = PtyApp(ws_path, "chair", 120, 40, cwd=tmp_path, env=SSH)
    try:
        app.wait_for_text(SCORED)
        app.wait_quiet(1.0)
        yield app
    finally:
        app.stop()


def idle(app: PtyApp, ws_path: Path) -> bytes:
    """What the app writes in IDLE_SECONDS without a key; meanwhile, another session starts
    and ends (audited, so the chair's check finds a commit, but no change of data)."""
    t0 = app.now()
    time.sleep(3)
    other = Session(ws_path, "e01")
    try:
        other.record_start()
    finally:
        other.close()
    time.sleep(IDLE_SECONDS - 3)
    return app.bytes_between(t0, app.now())


def assert_silent(out: bytes, where: str) -> None:
    assert repaint_bytes(out) == 0, (
        f"{where}: {repaint_bytes(out)} bytes of repaint in {IDLE_SECONDS} idle seconds"
        f" ({len(out)} in all); the updates sent:\n{summarize(out)}\nthe bytes:\n{describe(out)}")


def test_the_progress_view_sends_nothing_while_idle(chair, ws_path):
    assert BEFORE in chair.text()
    assert_silent(idle(chair, ws_path), "the chair's progress view")


def test_the_ranking_view_sends_nothing_while_idle(chair, ws_path):
    chair.send("2")
    chair.wait_for_text("ここまで採択候補")
    chair.wait_quiet(1.0)
    assert_silent(idle(chair, ws_path), "the chair's ranking view")


# -- two real terminals ---------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("tmux") is None and not os.environ.get("CI"),
                    reason="tmux is not installed (CI installs it)")
def test_an_evaluators_submission_shows_on_the_chairs_screen_without_a_key(ws_path, tmp_path):
    with Workspace.open(ws_path) as ws:
        [draft, *_] = [r for r in ws.evaluator_queue("e04") if r.status == "draft"]
        program = ws.program(draft.program)
        application = ws.application(draft.program, draft.application)
        sheet = ws.sheet(draft.program, draft.application, "e04")
    items = [c for c in program.applicable(application) if c.kind in ("must", "scored")]
    scores = sheet.scores if sheet else {}
    first = next(i for i, c in enumerate(items) if c.id not in scores)  # the screen opens on it
    bin_ = Path(sys.executable).parent
    env = f"cd {tmp_path} && unset COLUMNS LINES; PATH={bin_}:$PATH TERM=xterm-256color REVIEWER_NO_BLINK=1"
    chair, evaluator = (f"rv-live-{os.getpid()}-{who}" for who in ("chair", "e04"))
    try:
        for name, who in ((chair, "chair"), (evaluator, "e04")):
            tmux("kill-session", "-t", name)
            subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                            f"{env} reviewer tui --workspace {ws_path} --evaluator {who}; sleep 30"],
                           check=True, timeout=30)
        assert BEFORE in wait_for(chair, SCORED)
        wait_for(evaluator, "評価者 高橋 美咲")
        tmux("send-keys", "-t", evaluator, "s", "s")      # the drafts
        wait_for(evaluator, "絞込: 下書き")
        tmux("send-keys", "-t", evaluator, "Enter")       # the first draft
        wait_for(evaluator, f"{items[first].id} [")
        keys: list[str] = []
        for c in items[first:]:                            # every item from the focused one on
            keys += ["y" if c.kind == "must" else "3", "Down"]
        tmux("send-keys", "-t", evaluator, *keys[:-1])
        wait_for(evaluator, f"入力 {len(items)} / {len(items)} 項目", timeout=20)
        tmux("send-keys", "-t", evaluator, "F2")
        wait_for(evaluator, "y / Enter: 提出する")
        tmux("send-keys", "-t", evaluator, "y")
        wait_for(evaluator, f"{draft.application} を提出しました。")
        submitted = time.monotonic()
        out = wait_for(chair, AFTER, timeout=10, poll=0.1)  # no key sent to the chair's terminal
        took = time.monotonic() - submitted
        assert took < 3, f"the chair's screen showed the submission after {took:.1f} s"
        counts = re.search(r"e04\s+高橋 美咲\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", out)
        assert counts is not None, out
        with Workspace.open(ws_path) as ws:
            assert ws.sheet(draft.program, draft.application, "e04").status == "submitted"
            assert int(counts.group(4)) == ws.progress(draft.program, "evaluator").by_evaluator["e04"].submitted
        assert screen(chair).count(AFTER) == 1
    finally:
        for name in (chair, evaluator):
            tmux("kill-session", "-t", name)
