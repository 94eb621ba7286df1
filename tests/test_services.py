"""The use cases, through the calls the command line and the app make: one transaction and one
audit entry each, the access gate on every path to a sheet, one export for both faces."""

from __future__ import annotations

import openpyxl
import pytest
from tuiutil import sample_workspace
from wsutil import FULL, make_inputs

from reviewer.services.chair import ChairDesk
from reviewer.services.errors import WorkspaceError
from reviewer.services.results import export_workbook, score_workspace
from reviewer.services.session import Session
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import reopen_sheet, save_sheet


@pytest.fixture
def ws_path(tmp_path):
    init_workspace(tmp_path / "ws", *make_inputs(tmp_path))
    return tmp_path / "ws"


def test_a_session_opens_only_its_own_sheets(ws_path):
    s = Session(ws_path, "e01", actor="e01 (test)")
    try:
        opened = s.open_sheet("e01", "r2-iot", "T-0002")
        assert opened.sheet is None and opened.application.id == "T-0002" and opened.checks
        with pytest.raises(WorkspaceError, match="画面は開けません"):
            s.open_sheet("e03", "r2-iot", "T-0002")          # another evaluator's
        with pytest.raises(WorkspaceError, match="画面は開けません"):
            s.queue("e03")
        with pytest.raises(WorkspaceError, match="デモ"):
            s.view_as("e03")                                  # only the demo's chair may look through
        saved = s.save_draft(opened, opened.sheet, {"A1": 2}, "途中")
        assert saved.result == "created" and saved.sheet.revision == 1 and saved.merge is None
        assert s.submit(opened, saved.sheet, FULL, "良い").result == "submitted"
        assert s.ws.sheet("r2-iot", "T-0002", "e01").status == "submitted"
        actions = [r.action for r in s.ws.audit("r2-iot", "T-0002", "e01")]
        assert actions == ["application-open", "sheet-create", "sheet-submit"]
    finally:
        s.close()


def test_the_conflict_gate_holds_for_a_session(ws_path):
    s = Session(ws_path, "e02")   # e02 declares 012360, the code of every T application
    try:
        with pytest.raises(WorkspaceError, match="利害関係"):
            s.open_sheet("e02", "r2-iot", "T-0001")
    finally:
        s.close()


def test_next_unfinished_skips_submitted_and_wraps(ws_path):
    s = Session(ws_path, "e01")
    try:
        save_sheet(s.ws, "r2-iot", "T-0002", "e01", FULL, status="submitted")
        assert s.next_unfinished("e01", "r2-iot", "T-0001") == ("r2-iot", "T-0003")
        assert s.next_unfinished("e01", "r2-iot", "T-0003") == ("r2-iot", "T-0001")
    finally:
        s.close()


def test_only_a_chair_gets_the_chair_desk(ws_path):
    evaluator = Session(ws_path, "e01")
    chair = Session(ws_path, "c01", actor="c01 (test)")
    try:
        with pytest.raises(WorkspaceError, match="委員長"):
            ChairDesk(evaluator)
        desk = ChairDesk(chair)
        assert desk.programs() == ["r2-iot"]
        save_sheet(chair.ws, "r2-iot", "T-0001", "e01", FULL, status="submitted")
        with pytest.raises(WorkspaceError, match="委員長"):
            reopen_sheet(chair.ws, "r2-iot", "T-0001", "e01", actor="x", reason="r", chair="e03")
        desk.reopen("r2-iot", "T-0001", "e01", "根拠の確認")
        last = chair.ws.audit("r2-iot", "T-0001", "e01")[-1]
        assert last.action == "sheet-reopen" and last.detail == "根拠の確認" and last.actor == "c01 (test)"
    finally:
        evaluator.close()
        chair.close()


def test_one_export_for_both_faces(tmp_path, tmp_path_factory):
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    chair = Session(path, "chair", actor="chair (test)")
    try:
        out = tmp_path / "new" / "r2-iot.xlsx"
        with pytest.raises(WorkspaceError, match="書き込めません"):
            export_workbook(chair.ws, "r2-iot", out, "chair (test)")   # the command line makes no folder
        assert not out.parent.exists()
        done = ChairDesk(chair).export("r2-iot", "mean", None, out)      # the app does
        assert done.path == out and out.is_file()
        entry = chair.ws.audit("r2-iot")[-1]
        assert entry.action == "export" and entry.actor == "chair (test)" and "method=mean" in entry.detail
        ranking = [r for r in openpyxl.load_workbook(out)["ランキング"].iter_rows(min_row=5, values_only=True) if r[1]]
        result = score_workspace(chair.ws, "r2-iot")
        assert [r[1] for r in ranking] == [a.id for a in result.applications]
        with pytest.raises(WorkspaceError, match=".xlsx"):
            export_workbook(chair.ws, "r2-iot", tmp_path / "x.csv", "chair (test)")
    finally:
        chair.close()
