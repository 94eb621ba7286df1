"""`reviewer demo` in a real terminal under tmux, as a person would use it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tmuxutil import tmux, wait_for

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None and not os.environ.get("CI"),
                                reason="tmux is not installed (CI installs it)")

BIN = Path(sys.executable).parent


@pytest.fixture
def session(tmp_path):
    name = f"reviewer-test-{os.getpid()}"
    # unset COLUMNS/LINES that a parent process may export: the app must measure its own terminal
    env = f"cd {tmp_path} && unset COLUMNS LINES; PATH={BIN}:$PATH TERM=xterm-256color REVIEWER_NO_BLINK=1"
    tmux("kill-session", "-t", name)
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                    f"{env} reviewer demo; echo EXITED; sleep 60"], check=True, timeout=30)
    yield name
    tmux("kill-session", "-t", name)


def test_demo_in_a_real_terminal(session, tmp_path):
    out = wait_for(session, "委員長 松本 洋子")
    assert "評価者別（残りの多い順" in out and "e04" in out
    tmux("send-keys", "-t", session, "2")
    out = wait_for(session, "ここまで採択候補")
    assert "IOT-0023" in out and "採択" in out
    # switch to an evaluator's view (demo) and open an application
    tmux("send-keys", "-t", session, "e")
    wait_for(session, "評価者の画面に切り替える")
    for _ in range(3):
        tmux("send-keys", "-t", session, "Down")
    tmux("send-keys", "-t", session, "Enter")
    out = wait_for(session, "高橋 美咲（e04）")
    tmux("send-keys", "-t", session, "s", "s")
    wait_for(session, "絞込: 下書き")
    tmux("send-keys", "-t", session, "Enter")
    out = wait_for(session, "自動審査")
    assert "IOT-0026" in out and "M1 [必須]" in out
    wait_for(session, "y: 適合  n: 不適合")  # the first item without a value (M2) has the focus
    tmux("send-keys", "-t", session, "n")
    wait_for(session, "入力 8 / 13 項目")
    tmux("send-keys", "-t", session, "Escape")
    wait_for(session, "絞込: 下書き")
    tmux("send-keys", "-t", session, "C-q")
    wait_for(session, "EXITED")
