"""The evaluator's list knows how far each sheet is: scores entered of the items that apply, notes,
and who reopened a sheet, when and why (until it is submitted again)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT
from wsutil import FULL, make_inputs

from reviewer.services.session import Session
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import checked_sheet, reopen_sheet, save_sheet
from reviewer.workspace import Workspace, WorkspaceError


@pytest.fixture
def ws_path(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    return tmp_path / "ws"


def by_app(entries):
    return {e.application: e for e in entries}


def test_the_queue_counts_scores_notes_and_items(ws_path):
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2, "M1": "pass"}, notes={"A1": "根拠"})
        save_sheet(ws, "r2-iot", "T-0002", "e01", FULL, "良い", "submitted")
        save_sheet(ws, "r2-iot", "T-0001", "e03", {"A1": 1, "A2": 1, "A3": 1})  # another's sheet
        prog = ws.program("r2-iot")
        applicable = [c for c in prog.applicable(ws.application("r2-iot", "T-0001")) if c.kind in ("must", "scored")]
        raw = by_app(ws.evaluator_queue("e01"))
    assert len(applicable) == len(FULL) == 12
    assert raw["T-0001"].items is None  # the service's
    s = Session(ws_path, "e01")
    try:
        rows = by_app(s.queue("e01"))
        with pytest.raises(WorkspaceError):
            s.queue("e03")
    finally:
        s.close()
    one, two, three = rows["T-0001"], rows["T-0002"], rows["T-0003"]
    assert (one.status, one.entered, one.notes_count, one.items) == ("draft", 2, 1, 12)
    assert (two.status, two.entered, two.notes_count, two.items) == ("submitted", 12, 0, 12)
    assert (three.status, three.entered, three.notes_count, three.items) == (None, 0, 0, 12)
    assert one.applicant_type == "core_city" and one.reopened_by is None and one.reopened_by_name is None


def test_items_follow_the_track_and_the_applicant_type(tmp_path):
    from conftest import IOT_APP, doc, write

    crit, apps, panel = make_inputs(tmp_path, n_apps=1)
    write(tmp_path, "apps/T-0002.toml", doc(IOT_APP, id="T-0002", track="B", model=1))
    write(tmp_path, "apps/T-0003.toml", doc(IOT_APP, id="T-0003", applicant__type="prefecture",
                                            applicant__lg_code="010006", consortium=[]))
    init_workspace(tmp_path / "ws", crit, apps, panel)
    with Workspace.open(tmp_path / "ws") as ws:
        prog = ws.program("r2-iot")
        want = {a.id: sum(1 for c in prog.applicable(a) if c.kind in ("must", "scored"))
                for a in ws.applications("r2-iot").values()}
    s = Session(tmp_path / "ws", "e01")
    try:
        got = {e.application: e.items for e in s.queue("e01")}
    finally:
        s.close()
    assert got == want and len(set(want.values())) == 3  # three kinds, three counts


def test_a_reopened_sheet_says_who_when_and_why_until_it_is_submitted_again(ws_path):
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, "良い", "submitted")
        save_sheet(ws, "r2-iot", "T-0002", "e01", FULL, "良い", "submitted")
        reopen_sheet(ws, "r2-iot", "T-0001", "e01", actor="c01 (matsumoto)", reason="  A3 の根拠を再確認  ", chair="c01")
        reopen_sheet(ws, "r2-iot", "T-0002", "e01", actor="office", reason="取込の誤り")
        sheet = ws.sheet("r2-iot", "T-0001", "e01")
        assert (sheet.status, sheet.reopened_by, sheet.reopen_reason) == ("draft", "c01", "A3 の根拠を再確認")
        assert sheet.reopened_at and sheet.reopened_at == sheet.updated_at
    s = Session(ws_path, "e01")
    try:
        rows = by_app(s.queue("e01"))
        one, two = rows["T-0001"], rows["T-0002"]
        assert (one.reopened_by, one.reopened_by_name, one.reopen_reason) == ("c01", "松本 洋子", "A3 の根拠を再確認")
        assert one.reopened_at == sheet.reopened_at and one.status == "draft"
        assert (two.reopened_by, two.reopened_by_name, two.reopen_reason) == ("office", None, "取込の誤り")
        # a draft save keeps it; the submission clears it
        opened = s.open_sheet("e01", "r2-iot", "T-0001")
        saved = s.save_draft(opened, opened.sheet, dict(FULL, A3=4), "良い")
        assert saved.sheet.reopened_by == "c01"
        assert by_app(s.queue("e01"))["T-0001"].reopened_by == "c01"
        done = s.submit(opened, saved.sheet, dict(FULL, A3=4), "良い")
        assert done.sheet.reopened_by is done.sheet.reopened_at is done.sheet.reopen_reason is None
        one = by_app(s.queue("e01"))["T-0001"]
        assert one.status == "submitted" and one.reopened_by is one.reopened_at is one.reopen_reason is None
    finally:
        s.close()
    with Workspace.open(ws_path) as ws:
        # the history stays in the audit log
        [entry] = [e for e in ws.audit(application="T-0001") if e.action == "sheet-reopen"]
        assert entry.actor == "c01 (matsumoto)" and entry.detail == "A3 の根拠を再確認"
        # an import over a submitted sheet (--replace) is no chair's reopening
        assert save_sheet(ws, "r2-iot", "T-0002", "e01", FULL, "良い", "submitted") == "submitted"
        assert ws.sheet("r2-iot", "T-0002", "e01").reopened_by is None
        draft = checked_sheet(ws, "r2-iot", "T-0002", "e01", {"A1": 1}, "", "draft")
        assert ws.import_sheets("r2-iot", "e01", [draft], actor="x", replace=True) == {"replaced": 1}
        sheet = ws.sheet("r2-iot", "T-0002", "e01")
        assert sheet.status == "draft" and sheet.reopened_by is sheet.reopened_at is None


def test_the_queue_takes_a_few_queries_whatever_its_length(tmp_path):
    crit, apps, panel = make_inputs(tmp_path, n_apps=40)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    with Workspace.open(tmp_path / "ws") as ws:
        for i in range(1, 41, 2):
            save_sheet(ws, "r2-iot", f"T-{i:04d}", "e01", FULL, "", "submitted")
            reopen_sheet(ws, "r2-iot", f"T-{i:04d}", "e01", actor="c01", reason="r", chair="c01")
    s = Session(tmp_path / "ws", "e01")
    statements: list[str] = []
    try:
        s.ws.conn.set_trace_callback(statements.append)
        rows = s.queue("e01")
        s.ws.conn.set_trace_callback(None)
    finally:
        s.close()
    assert len(rows) == 40 and sum(1 for r in rows if r.reopened_by_name == "松本 洋子") == 20
    assert len(statements) <= 5, statements


def test_the_queue_builds_no_model(ws_path):
    """The evaluator's first screen: the items are counted without pydantic."""
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, "", "submitted")
        reopen_sheet(ws, "r2-iot", "T-0001", "e01", actor="c01", reason="r", chair="c01")
    code = ("import sys, json; from pathlib import Path; from reviewer.services.session import Session; "
            f"s = Session(Path({str(ws_path)!r}), 'e01'); rows = s.queue('e01'); s.close(); "
            "print(json.dumps([[r.items, r.reopened_by_name] for r in rows] + "
            "[[m for m in ('pydantic', 'pandas') if m in sys.modules]]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [[12, "松本 洋子"], [12, None], [12, None], []]
