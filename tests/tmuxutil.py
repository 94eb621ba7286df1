"""Driving a real terminal: tmux sessions, their screen, waiting for text on it."""

from __future__ import annotations

import subprocess
import time


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=30).stdout


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, text: str, timeout: float = 40, poll: float = 0.2) -> str:
    """The screen once ``text`` is on it (AssertionError with the screen after ``timeout``, or
    at once when the pane's program has exited)."""
    deadline = time.time() + timeout
    out = ""
    while time.time() < deadline:
        out = screen(session)
        if text in out:
            return out
        if tmux("display", "-p", "-t", session, "#{pane_dead}").strip() == "1":
            raise AssertionError(f"the app exited before {text!r} appeared:\n{out}")
        time.sleep(poll)
    size = tmux("display", "-p", "-t", session, "#{window_width}x#{window_height}").strip()
    raise AssertionError(f"{text!r} did not appear ({size}):\n{out}")
