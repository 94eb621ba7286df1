"""A terminal that is gone without a SIGHUP (sshd killed outright, a pty torn down): the app's
input ends, and it saves what is typed and exits instead of spinning on end-of-file for ever
(reviewer/tui/driver.py). Run in a real pseudo-terminal that is not the app's controlling
terminal, so closing it sends no signal at all."""

from __future__ import annotations

import time

from ptyutil import PtyApp

from reviewer.services.setup import init_workspace
from reviewer.workspace import Workspace


def test_the_app_saves_and_exits_when_its_terminal_is_gone(tmp_path, tmp_path_factory):
    from wsutil import make_inputs

    crit, apps, panel = make_inputs(tmp_path, n_apps=1)
    path = tmp_path / "ws"
    init_workspace(path, crit, apps, panel)
    with Workspace.open(path) as ws:
        name = ws.person("e01").name
        program = ws.program("r2-iot")
        application = ws.application("r2-iot", "T-0001")
        items = [c for c in program.applicable(application) if c.kind in ("must", "scored")]
    app = PtyApp(path, "e01", 120, 40, cwd=tmp_path, controlling=False)
    try:
        app.wait_for_text(name)
        app.wait_quiet(0.5)
        app.send("\r")
        app.wait_for_text("自動審査")
        app.wait_quiet(0.5)
        app.send("\t" * len(items))  # from the first item to the comment
        app.wait_quiet(0.5)
        app.send("端末が切れる直前")
        app.wait_for_text("端末が切れる直前")
        app.hang_up()  # within the comment's autosave delay: only the flush can save it
        deadline = time.monotonic() + 20
        while app.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert app.proc.poll() is not None, "the app kept running with its terminal gone"
    finally:
        app.stop()
    with Workspace.open(path) as ws:
        sheet = ws.sheet("r2-iot", "T-0001", "e01")
    assert sheet is not None and sheet.comment == "端末が切れる直前" and sheet.status == "draft"


