"""Many evaluators at once, with real processes on a real SQLite file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from wsutil import make_inputs

from reviewer.services.setup import init_workspace
from reviewer.services.sheets import save_sheet
from reviewer.workspace import Workspace

HERE = Path(__file__).resolve().parent
WORKER = HERE / "concurrency_worker.py"


def spawn(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


@pytest.fixture
def big_ws(tmp_path):
    evaluators = [{"id": f"e{i:02d}", "name": f"評価者{i}", "programs": ["r2-iot"]} for i in range(20)]
    crit, apps, panel = make_inputs(tmp_path, n_apps=8, panel={"evaluators": evaluators})
    # no conflicts: the consortium member 北斗市 is nobody's conflict here
    init_workspace(tmp_path / "ws", crit, apps, panel)
    return tmp_path / "ws"


def test_twenty_processes_saving_at_once_lose_nothing(tmp_path, big_ws):
    start = tmp_path / "go"
    procs = [spawn("save", str(big_ws), f"e{i:02d}", str(start)) for i in range(20)]
    time.sleep(0.5)
    start.touch()
    results = [(p.wait(timeout=240), p.stderr.read()) for p in procs]
    for rc, err in results:
        assert rc == 0, err
        assert "locked" not in err and "Traceback" not in err
    with Workspace.open(big_ws) as ws:
        sheets = ws.sheets("r2-iot")
        assert len(sheets) == 20 * 8
        assert all(s.status == "submitted" and s.comment == f"{s.evaluator} の所見" for s in sheets)
        actions = [r.action for r in ws.audit("r2-iot")]
        assert actions.count("sheet-create") == 160 and actions.count("sheet-update") == 160
        assert actions.count("sheet-submit") == 160
        assert ws.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("delay", [0.15, 0.4, 0.9])
def test_a_process_killed_mid_save_leaves_the_save_whole_or_absent(tmp_path, big_ws, delay):
    ready = tmp_path / "ready"
    proc = spawn("batches", str(big_ws), "e01", "8", str(ready))
    deadline = time.time() + 60
    while not ready.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.time() < deadline
        time.sleep(0.01)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with Workspace.open(big_ws) as ws:
        assert ws.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        sheets = ws.sheets("r2-iot", "e01")
        # every sheet of the last committed batch carries the same round: no batch is half there
        rounds = {s.comment for s in sheets}
        assert len(sheets) in (0, 8) and len(rounds) <= 1
        audit = ws.audit("r2-iot", evaluator="e01")
        assert len(audit) % 8 == 0
        if sheets:
            last = rounds.pop()
            assert {r.detail for r in audit[-8:]} == {last}
            assert all(json.loads(r.new)["comment"] == last for r in audit[-8:])
        # and the workspace is usable afterwards
        save_sheet(ws, "r2-iot", "T-0001", "e02", {"A1": 4}, actor="e02")
