"""Score sheets in the workspace: drafts, submission, read-only, reopen, audit."""

from __future__ import annotations

import json
import sqlite3

import pytest
from wsutil import FULL, make_inputs

from reviewer.services.setup import init_workspace
from reviewer.services.sheets import declare_conflict, reopen_sheet, save_sheet
from reviewer.workspace import Workspace, WorkspaceError


@pytest.fixture
def ws(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    w = Workspace.open(tmp_path / "ws")
    yield w
    w.close()


def test_draft_then_submit(ws):
    assert save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 4}, "途中", "draft", actor="yamada") == "created"
    assert save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 5}, "途中", "draft", actor="yamada") == "updated"
    assert save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 5}, "途中", "draft", actor="yamada") == "unchanged"
    assert save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, "良い", "submitted", actor="yamada") == "submitted"
    s = ws.sheet("r2-iot", "T-0001", "e01")
    assert s.status == "submitted" and s.scores == FULL and s.submitted_at


def test_one_sheet_per_evaluator_and_application(ws):
    save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 4})
    save_sheet(ws, "r2-iot", "T-0001", "e03", {"A1": 2})
    with pytest.raises(sqlite3.IntegrityError):
        ws.conn.execute("INSERT INTO sheets(program, application, evaluator, status, scores, created_at, updated_at)"
                        " VALUES ('r2-iot','T-0001','e01','draft','{}','t','t')")
    assert len(ws.sheets("r2-iot")) == 2


def test_submit_requires_completeness(ws):
    with pytest.raises(WorkspaceError, match="未採点"):
        save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 4}, status="submitted")
    assert ws.sheet("r2-iot", "T-0001", "e01") is None


@pytest.mark.parametrize("scores, needle", [({"A1": 6}, "0〜5"), ({"M1": "yes"}, "pass"), ({"B1": 3}, "適用されない"),
                                            ({"X": 1}, "ありません")])
def test_bad_values_are_refused(ws, scores, needle):
    with pytest.raises(WorkspaceError, match=needle):
        save_sheet(ws, "r2-iot", "T-0001", "e01", scores)


def test_unassigned_and_conflicting_and_chair(ws):
    with pytest.raises(WorkspaceError, match="利害関係"):
        save_sheet(ws, "r2-iot", "T-0001", "e02", {"A1": 1})
    with pytest.raises(WorkspaceError, match="評価者名簿にありません"):
        save_sheet(ws, "r2-iot", "T-0001", "e99", {"A1": 1})
    with pytest.raises(WorkspaceError, match="割り当てられていません"):
        save_sheet(ws, "r2-iot", "T-0001", "c01", {"A1": 1})


def test_submitted_sheet_is_read_only_until_a_chair_reopens(ws):
    save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, "ok", "submitted", actor="yamada")
    with pytest.raises(WorkspaceError, match="提出済"):
        save_sheet(ws, "r2-iot", "T-0001", "e01", dict(FULL, A1=0), "ok", "submitted", actor="yamada")
    with pytest.raises(WorkspaceError, match="提出済"):
        save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 0}, "ok", "draft", actor="yamada")
    # the database itself refuses, whatever the code above it does
    with pytest.raises(sqlite3.IntegrityError, match="read-only"):
        ws.conn.execute("UPDATE sheets SET scores='{}' WHERE evaluator='e01'")
    with pytest.raises(sqlite3.IntegrityError):
        ws.conn.execute("DELETE FROM sheets WHERE evaluator='e01'")
    with pytest.raises(WorkspaceError, match="委員長"):
        reopen_sheet(ws, "r2-iot", "T-0001", "e01", actor="x", reason="r", chair="e03")
    reopen_sheet(ws, "r2-iot", "T-0001", "e01", actor="c01", reason="A3 の根拠を再確認", chair="c01")
    assert ws.sheet("r2-iot", "T-0001", "e01").status == "draft"
    assert save_sheet(ws, "r2-iot", "T-0001", "e01", dict(FULL, A1=1), "ok", "submitted") == "submitted"


def test_replace_reopens_and_writes_in_one_go(ws):
    save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, "ok", "submitted")
    assert save_sheet(ws, "r2-iot", "T-0001", "e01", dict(FULL, A2=5), "改", "submitted", replace=True) == "replaced"
    assert ws.sheet("r2-iot", "T-0001", "e01").scores["A2"] == 5
    actions = [r.action for r in ws.audit("r2-iot", "T-0001", "e01")]
    assert actions == ["sheet-submit", "sheet-reopen", "sheet-submit"]


def test_every_change_is_audited_with_who_when_old_new(ws):
    save_sheet(ws, "r2-iot", "T-0002", "e03", {"A1": 2}, "a", "draft", actor="suzuki")
    save_sheet(ws, "r2-iot", "T-0002", "e03", {"A1": 3}, "b", "draft", actor="suzuki")
    save_sheet(ws, "r2-iot", "T-0002", "e03", {"A1": 3}, "b", "draft", actor="suzuki")  # unchanged: no entry
    rows = ws.audit("r2-iot", "T-0002", "e03")
    assert [r.action for r in rows] == ["sheet-create", "sheet-update"]
    assert rows[0].old is None and json.loads(rows[0].new)["scores"] == {"A1": 2}
    assert json.loads(rows[1].old)["comment"] == "a" and json.loads(rows[1].new)["comment"] == "b"
    assert all(r.actor == "suzuki" and r.at.startswith("20") for r in rows)


def test_audit_log_is_append_only_in_the_database(ws):
    save_sheet(ws, "r2-iot", "T-0002", "e03", {"A1": 2})
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        ws.conn.execute("UPDATE audit SET actor='someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        ws.conn.execute("DELETE FROM audit")
    assert ws.conn.execute("SELECT COUNT(*) FROM audit WHERE action='sheet-create'").fetchone()[0] == 1


def test_declared_conflict_removes_the_assignment_and_records_why(ws):
    save_sheet(ws, "r2-iot", "T-0003", "e01", {"A1": 2})
    declare_conflict(ws, "r2-iot", "T-0003", "e01", "申請者の顧問を務めている", actor="yamada")
    assert ws.sheet("r2-iot", "T-0003", "e01") is None
    with pytest.raises(WorkspaceError, match="取り下げ"):
        save_sheet(ws, "r2-iot", "T-0003", "e01", {"A1": 2})
    [row] = ws.assignments("r2-iot", "e01", active=False)
    assert row.withdrawn_reason == "申請者の顧問を務めている"
    [entry] = [r for r in ws.audit() if r.action == "conflict-declared"]
    assert entry.detail == "申請者の顧問を務めている" and json.loads(entry.old)["scores"] == {"A1": 2}


def test_progress_counts(ws):
    save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2})
    save_sheet(ws, "r2-iot", "T-0002", "e01", FULL, status="submitted")
    progress = ws.progress("r2-iot")
    assert progress.by_evaluator == {"e01": (3, 1, 1), "e03": (3, 0, 0)}
    assert progress.by_evaluator["e01"].not_started == 1
    assert progress.by_application == {"T-0001": (2, 1, 0), "T-0002": (2, 0, 1), "T-0003": (2, 0, 0)}
    # a withdrawn assignment (declared conflict) no longer counts, nor does its sheet
    declare_conflict(ws, "r2-iot", "T-0001", "e01", "利害関係", actor="yamada")
    progress = ws.progress("r2-iot")
    assert progress.by_evaluator["e01"] == (2, 0, 1) and progress.by_application["T-0001"] == (1, 0, 0)


def test_every_sheet_belongs_to_an_active_assignment(ws):
    """The schema holds what progress counting relies on, whatever writes the file."""
    with pytest.raises(sqlite3.IntegrityError, match="active assignment"):  # e02 has no T-0001
        ws.conn.execute("INSERT INTO sheets(program, application, evaluator, status, scores, created_at, updated_at)"
                        " VALUES ('r2-iot', 'T-0001', 'e02', 'draft', '{}', 'x', 'x')")
    save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2})
    with pytest.raises(sqlite3.IntegrityError, match="cannot end"):
        ws.conn.execute("UPDATE assignments SET active = 0 WHERE program='r2-iot' AND application='T-0001'"
                        " AND evaluator='e01'")
    ws.conn.rollback()
    declare_conflict(ws, "r2-iot", "T-0001", "e01", "利害関係", actor="yamada")  # the sheet goes first
    with pytest.raises(sqlite3.IntegrityError, match="active assignment"):
        ws.conn.execute("INSERT INTO sheets(program, application, evaluator, status, scores, created_at, updated_at)"
                        " VALUES ('r2-iot', 'T-0001', 'e01', 'draft', '{}', 'x', 'x')")


def recount(ws, program):
    """Progress counted the slow way: every active assignment joined to its sheet."""
    out = {"evaluator": {}, "application": {}}
    for kind in out:
        for key, n, d, s in ws.conn.execute(
                f"SELECT a.{kind}, COUNT(*), COALESCE(SUM(s.status = 'draft'), 0), COALESCE(SUM(s.status = 'submitted'), 0)"
                " FROM assignments a LEFT JOIN sheets s ON s.program = a.program AND s.application = a.application"
                f" AND s.evaluator = a.evaluator WHERE a.program = ? AND a.active = 1 GROUP BY a.{kind}", (program,)):
            out[kind][key] = (n, d, s)
    return out["evaluator"], out["application"]


def test_progress_counters_follow_every_change(ws):
    def same():
        p = ws.progress("r2-iot")
        assert (p.by_evaluator, p.by_application) == recount(ws, "r2-iot")

    same()
    save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2})
    same()
    save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, status="submitted")
    save_sheet(ws, "r2-iot", "T-0002", "e03", {"A1": 1})
    same()
    reopen_sheet(ws, "r2-iot", "T-0001", "e01", actor="chair", reason="確認")
    same()
    declare_conflict(ws, "r2-iot", "T-0002", "e03", "利害関係", actor="yamada")
    same()
    declare_conflict(ws, "r2-iot", "T-0001", "e01", "利害関係", actor="yamada")
    same()
    assert ws.progress("r2-iot").by_application["T-0001"] == (1, 0, 0)


def test_application_progress_lists_every_application_most_left_first(ws):
    save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, status="submitted")
    save_sheet(ws, "r2-iot", "T-0002", "e01", {"A1": 1})
    rows = ws.application_progress("r2-iot")
    # 2 left each, the one not even started first; then 1 left
    assert [r[0] for r in rows] == ["T-0003", "T-0002", "T-0001"]
    assert rows[0][3:] == (2, 0, 0) and rows[1][3:] == (2, 1, 0) and rows[-1][3:] == (2, 0, 1)
    assert all(isinstance(r[1], str) and r[2] for r in rows)  # applicant and bureau
    assert ws.application_progress("r2-iot", 1, 3) == rows[1:3]   # a window of the same order
    assert ws.application_progress("r2-iot", 5, 9) == []
    assert ws.application_count("r2-iot") == 3
    assert [ws.application_progress_position("r2-iot", r[0]) for r in rows] == [0, 1, 2]
    assert ws.application_progress_position("r2-iot", "NOPE") is None
    ids, names, bureaus, digits = ws.application_progress_widths("r2-iot")
    assert ids == max(len(r[0]) for r in rows) and digits == 1
    assert names >= max(len(r[1]) for r in rows) and bureaus >= max(len(r[2]) for r in rows)


def test_a_sheet_written_after_its_assignment_ended_is_refused_cleanly(ws):
    """The check runs before the write transaction; a withdrawal in between is caught by the
    schema and reported like the check would have."""
    from reviewer.domain.model import Sheet

    declare_conflict(ws, "r2-iot", "T-0001", "e01", "利害関係", actor="yamada")
    sheet = Sheet.model_validate({"application": "T-0001", "status": "draft", "scores": {"A1": 2}})
    with pytest.raises(WorkspaceError, match="取り下げ"):
        ws.import_sheets("r2-iot", "e01", [sheet], actor="yamada")
    assert ws.sheet("r2-iot", "T-0001", "e01") is None


def test_submitted_list_is_the_chairs_sheet_list(ws):
    save_sheet(ws, "r2-iot", "T-0002", "e01", FULL, status="submitted")
    save_sheet(ws, "r2-iot", "T-0001", "e03", FULL, status="submitted")
    save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 1})  # a draft is not listed
    rows = ws.submitted_list("r2-iot")
    assert [(r[0], r[1]) for r in rows] == [("e03", "T-0001"), ("e01", "T-0002")]
    assert all(r[2] and r[3] == ws.sheet("r2-iot", r[1], r[0]).submitted_at for r in rows)
