"""The chair and declared conflicts of interest (issue 14, point 7): the declarations listed
(who, which application, why, when), another evaluator assigned through the service, the
command line and the terminal app's 割当 view: only those the rules allow, audited."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from textual.app import App, ComposeResult
from textual.widgets import OptionList
from tuiutil import sample_workspace
from wsutil import make_inputs, run

from reviewer.services.assignments import assign_evaluator, candidates, declarations
from reviewer.services.chair import ChairDesk
from reviewer.services.session import Session
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import declare_conflict, save_sheet
from reviewer.tui.screens.dialogs import PickDialog
from reviewer.tui.views.assignments import EMPTY_LABEL, LABEL, AssignmentsView
from reviewer.tui.widgets.table import LineTable
from reviewer.workspace import Workspace, WorkspaceError

P = "r2-iot"
DECLARED = "2026-04-01T01:30:00.000+00:00"  # 10:30 in Japan
PANEL = {
    "evaluators": [
        {"id": "e01", "name": "山田 太郎", "programs": [P]},
        {"id": "e02", "name": "佐藤 花子", "programs": [P]},
        {"id": "e03", "name": "鈴木 一郎", "programs": [P]},
        {"id": "e04", "name": "高橋 美咲", "programs": [P], "conflicts": ["012025"]},  # 函館市: every T- application
        {"id": "e05", "name": "伊藤 健", "programs": [P]},
        {"id": "e06", "name": "渡辺 由紀", "programs": [P]},
        {"id": "c01", "name": "松本 洋子", "role": "chair", "programs": [P]},
    ],
    "assignments": [{"evaluator": e, "application": a} for e, a in (
        ("e01", "T-0001"), ("e02", "T-0001"), ("e01", "T-0002"), ("e03", "T-0002"), ("e06", "T-0002"))],
}
REASON = "申請者の顧問を務めている"


@pytest.fixture
def path(tmp_path):
    """e01 has declared a conflict with T-0001 (assigned to e01 and e02)."""
    crit, apps, panel = make_inputs(tmp_path, n_apps=2, panel=PANEL)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    with Workspace.open(tmp_path / "ws") as ws, mock.patch("reviewer.workspace.clock.now", return_value=DECLARED):
        save_sheet(ws, P, "T-0001", "e01", {"A1": 3}, actor="e01 (test)")  # a draft: deleted with the assignment
        declare_conflict(ws, P, "T-0001", "e01", REASON, actor="e01 (test)")
    return tmp_path / "ws"


def test_declarations_say_who_which_application_why_and_when(path):
    with Workspace.open(path) as ws:
        (d,) = declarations(ws, P)
        assert (d.evaluator, d.name, d.application, d.reason, d.at, d.assigned) == (
            "e01", "山田 太郎", "T-0001", REASON, DECLARED, 1)
        assert d.applicant == ws.application(P, "T-0001").applicant.name
        with pytest.raises(WorkspaceError, match="事業 nope"):
            declarations(ws, "nope")


def test_candidates_are_only_the_evaluators_the_rules_allow(path):
    with Workspace.open(path) as ws:
        # not e01 (withdrawn), e02 (assigned), e04 (conflict), c01 (a chair); the least loaded first
        assert [(c.evaluator, c.assigned, c.left) for c in candidates(ws, P, "T-0001")] == [
            ("e05", 0, 0), ("e03", 1, 1), ("e06", 1, 1)]


def test_assigning_through_the_service_is_checked_and_audited(path):
    with Workspace.open(path) as ws:
        assign_evaluator(ws, P, "T-0001", "e05", chair="c01", reason="利害関係の申出（e01）の代わり",
                         actor="c01 (test)")
        row = ws.assignment(P, "T-0001", "e05")
        assert row is not None and row.active and row.source == "panel"
        entry = ws.audit(program=P, application="T-0001")[-1]
        assert (entry.action, entry.actor, entry.evaluator, entry.detail) == (
            "assignment-add", "c01 (test)", "e05", "利害関係の申出（e01）の代わり")
        assert ws.progress(P).by_application["T-0001"].assigned == 2
        assert [q.application for q in ws.evaluator_queue("e05")] == ["T-0001"]
        assert save_sheet(ws, P, "T-0001", "e05", {"A1": 4}, actor="e05 (test)") == "created"  # e05 may score it
        assert declarations(ws, P)[0].assigned == 2
        assert ws.verify_audit().ok


@pytest.mark.parametrize(("evaluator", "chair", "reason", "words"), [
    ("e04", "c01", "代わり", ["e04", "高橋 美咲", "T-0001", "利害関係", "012025"]),  # who and why
    ("e01", "c01", "代わり", ["e01", "利害関係を申し出", REASON]),
    ("e02", "c01", "代わり", ["e02", "すでに"]),
    ("e99", "c01", "代わり", ["e99", "評価者名簿にありません"]),
    ("c01", "c01", "代わり", ["c01", "委員長"]),
    ("e05", "e02", "代わり", ["e02", "委員長（chair）ではありません"]),
    ("e05", "c01", "  ", ["理由"]),
])
def test_who_may_not_be_assigned_is_refused_with_why(path, evaluator, chair, reason, words):
    with Workspace.open(path) as ws:
        before = len(ws.audit())
        with pytest.raises(WorkspaceError) as e:
            assign_evaluator(ws, P, "T-0001", evaluator, chair=chair, reason=reason, actor="test")
        assert all(w in str(e.value) for w in words), str(e.value)
        assert len(ws.audit()) == before and ws.progress(P).by_application["T-0001"].assigned == 1


def test_command_line_lists_and_assigns(path):
    listed = run("conflicts", "--workspace", str(path), "--program", P)
    assert listed.returncode == 0, listed.stderr
    assert "e01" in listed.stdout and REASON in listed.stdout and "2026-04-01 10:30" in listed.stdout
    as_json = json.loads(run("conflicts", "--workspace", str(path), "--program", P, "--json").stdout)
    assert as_json == [{"evaluator": "e01", "name": "山田 太郎", "application": "T-0001",
                        "applicant": as_json[0]["applicant"], "reason": REASON, "at": DECLARED, "assigned": 1}]
    done = run("reassign", "--workspace", str(path), "--program", P, "--application", "T-0001",
               "--evaluator", "e06", "--chair", "c01", "--reason", "利害関係の申出（e01）の代わり")
    assert done.returncode == 0, done.stderr
    assert "T-0001" in done.stdout and "e06" in done.stdout
    audit = run("audit", "--workspace", str(path), "--application", "T-0001")
    assert "割当の追加" in audit.stdout and "利害関係の申出（e01）の代わり" in audit.stdout
    with Workspace.open(path) as ws:
        assert ws.assignment(P, "T-0001", "e06").active


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--evaluator", "e04"], 1, ["e04", "利害関係", "012025"]),
    (["--evaluator", "nobody"], 1, ["nobody", "評価者名簿にありません"]),
    (["--evaluator", "e05", "--application", "T-9999"], 1, ["T-9999"]),
    (["--evaluator", "e05", "--program", "nope"], 1, ["nope"]),
    (["--evaluator", "e05", "--reason", " "], 2, ["理由"]),
])
def test_command_line_refuses_bad_input_without_a_traceback(path, args, code, words):
    base = {"--program": P, "--application": "T-0001", "--chair": "c01", "--reason": "代わり"}
    given = dict(zip(args[::2], args[1::2]))
    argv = [x for k, v in {**base, **given}.items() for x in (k, v)]
    out = run("reassign", "--workspace", str(path), *argv)
    assert out.returncode == code and "Traceback" not in out.stderr
    assert all(w in out.stderr for w in words), out.stderr


def test_sample_workspace_conflicted_evaluator_refused(tmp_path, tmp_path_factory):
    ws_path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    out = run("reassign", "--workspace", str(ws_path), "--program", P, "--application", "IOT-0001",
              "--evaluator", "e01", "--chair", "chair", "--reason", "代わり")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "e01" in out.stderr and "IOT-0001" in out.stderr and "012068" in out.stderr  # 釧路市
    assert "利害関係の申出はありません" in run("conflicts", "--workspace", str(ws_path), "--program", P).stdout


# -- the terminal app's 割当 view -----------------------------------------------------------


class ViewApp(App):
    """Only the view, filled for the chair c01."""

    def __init__(self, path, chair="c01"):
        super().__init__()
        self.desk = ChairDesk(Session(path, chair))
        self.assigned: list[AssignmentsView.Assigned] = []

    def compose(self) -> ComposeResult:
        yield AssignmentsView()

    def on_mount(self) -> None:
        view = self.query_one(AssignmentsView)
        view.fill(self.desk, P)
        self.query_one(AssignmentsView.FOCUS).focus()

    def on_assignments_view_assigned(self, message: AssignmentsView.Assigned) -> None:
        self.assigned.append(message)


@pytest.mark.asyncio
async def test_view_lists_declarations_and_assigns_only_allowed_evaluators(path):
    app = ViewApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.query_one("#assignments-table", LineTable)
        assert str(app.query_one("#assignments-label").render()) == LABEL
        assert table.keys == ["T-0001/e01"]
        assert table.row_at(0) == ["e01", "山田 太郎", "T-0001", table.row_at(0)[3], "1", "2026-04-01 10:30", REASON]
        detail = str(app.query_one("#assignments-detail").render())
        assert "e01 山田 太郎" in detail and "T-0001" in detail and f"理由: {REASON}" in detail
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PickDialog)
        options = dialog.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == ["e05", "e03", "e06"]
        assert "担当 0 件" in str(options.get_option_at_index(0).prompt)
        await pilot.press("down", "enter")  # e03
        await pilot.pause()
        assert not isinstance(app.screen, PickDialog)
        assert table.row_at(0)[4] == "2"  # the application's assignments now
        assert [(m.application, m.evaluator) for m in app.assigned] == [("T-0001", "e03")]
    app.desk.session.close()
    with Workspace.open(path) as ws:
        assert ws.assignment(P, "T-0001", "e03").active
        entry = ws.audit(program=P, application="T-0001")[-1]
        assert entry.action == "assignment-add" and entry.actor.startswith("c01 (")
        assert entry.detail == "利害関係の申出（e01）の代わり"


@pytest.mark.asyncio
async def test_view_says_when_nobody_may_take_over(tmp_path, tmp_path_factory):
    """The sample's programs have everyone score everything: after a declaration nobody is left."""
    ws_path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    with Workspace.open(ws_path) as ws:
        from reviewer.services.sheets import reopen_sheet

        reopen_sheet(ws, P, "IOT-0002", "e02", actor="chair (test)", reason="確認", chair="chair")
        declare_conflict(ws, P, "IOT-0002", "e02", REASON, actor="e02 (test)")
    app = ViewApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.query_one("#assignments-table", LineTable).keys == ["IOT-0002/e02"]
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, PickDialog)
        assert any("割り当てられる評価者がいません" in n.message for n in app._notifications)
    app.desk.session.close()


@pytest.mark.asyncio
async def test_view_without_declarations(tmp_path, tmp_path_factory):
    ws_path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    app = ViewApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert str(app.query_one("#assignments-label").render()) == EMPTY_LABEL
        assert app.query_one("#assignments-table", LineTable).row_count == 0
        await pilot.press("a")  # nothing to assign: told, no dialog
        await pilot.pause()
        assert not isinstance(app.screen, PickDialog)
    app.desk.session.close()
