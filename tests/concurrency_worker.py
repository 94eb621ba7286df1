"""A separate process that saves sheets into a workspace (used by test_concurrency.py).

    python concurrency_worker.py save WS EVALUATOR START_FILE
    python concurrency_worker.py batches WS EVALUATOR BATCH_SIZE READY_FILE
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from reviewer.domain.model import Sheet
from reviewer.services.sheets import save_sheet
from reviewer.workspace import Workspace

FULL = {"M1": "pass", "M2": "pass", "M3": "pass", "M4": "pass", **{f"A{i}": 3 for i in range(1, 9)}}


def save(ws_path: str, evaluator: str, start_file: str) -> None:
    while not Path(start_file).exists():
        time.sleep(0.005)
    with Workspace.open(Path(ws_path)) as ws:
        apps = sorted(ws.applications("r2-iot"))
        for app in apps:
            save_sheet(ws, "r2-iot", app, evaluator, {"A1": 1}, "下書き", "draft", actor=evaluator)
            save_sheet(ws, "r2-iot", app, evaluator, {"A1": 2, "A2": 3}, "下書き2", "draft", actor=evaluator)
            save_sheet(ws, "r2-iot", app, evaluator, FULL, f"{evaluator} の所見", "submitted", actor=evaluator)


def batches(ws_path: str, evaluator: str, size: str, ready_file: str) -> None:
    """Import batches of sheets (one transaction each) for ever, until killed."""
    size_n = int(size)
    with Workspace.open(Path(ws_path)) as ws:
        apps = sorted(ws.applications("r2-iot"))
        Path(ready_file).touch()
        round_ = 0
        while True:
            round_ += 1
            chunk = [Sheet(application=a, status="draft", comment=f"round {round_}", scores={"A1": round_ % 6})
                     for a in apps[:size_n]]
            ws.import_sheets("r2-iot", evaluator, chunk, actor=evaluator, detail=f"round {round_}")


if __name__ == "__main__":
    {"save": save, "batches": batches}[sys.argv[1]](*sys.argv[2:])
