"""The chair's progress lists, the most left to do first (issue 14, point 3), and each
evaluator's last activity: on a workspace built to have a 3-of-3 and a 3-of-4 application and
evaluators with different remaining counts."""

from __future__ import annotations

from unittest import mock

import pytest
import tuiutil
from wsutil import FULL, make_inputs

from reviewer.services.assignments import last_activity
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import declare_conflict, reopen_sheet, save_sheet
from reviewer.tui.app import ReviewerApp
from reviewer.tui.views.progress import APPLICATIONS_LABEL, EVALUATORS_LABEL, ProgressView
from reviewer.tui.widgets.table import LineTable
from reviewer.workspace import Workspace

P = "r2-iot"
EVALUATORS = [{"id": f"e0{i}", "name": f"評価者 {i}", "programs": [P]} for i in range(1, 5)]
PANEL = {
    "evaluators": [*EVALUATORS, {"id": "c01", "name": "松本 洋子", "role": "chair", "programs": [P]}],
    "assignments": [{"evaluator": e, "application": a} for a, evs in (
        ("T-0001", "e01 e02 e03"), ("T-0002", "e01 e02 e03 e04"), ("T-0003", "e01 e02 e03 e04"),
        ("T-0004", "e01 e02"), ("T-0005", "e03 e04")) for e in evs.split()],
}


def at(hour: int, minute: int = 0) -> str:
    """A stored time (UTC) on 1 April 2026."""
    return f"2026-04-01T{hour:02d}:{minute:02d}:00.000+00:00"


def save(ws, application, evaluator, when, submitted=True):
    with mock.patch("reviewer.workspace.clock.now", return_value=when):
        save_sheet(ws, P, application, evaluator, FULL if submitted else {"A1": 2}, status="submitted" if submitted
                   else "draft", actor=f"{evaluator} (test)")


@pytest.fixture
def path(tmp_path):
    """T-0001: 3 of 3 submitted; T-0002: 3 of 4 (e04 not started); T-0003: 3 of 4 and e04's
    draft; T-0004: 0 of 2 (e02's draft); T-0005: 1 of 2, e04 not started."""
    crit, apps, panel = make_inputs(tmp_path, n_apps=5, panel=PANEL)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    with Workspace.open(tmp_path / "ws") as ws:
        for i, application in enumerate(("T-0001", "T-0002", "T-0003")):
            for j, ev in enumerate(("e01", "e02", "e03")):
                save(ws, application, ev, at(1 + i, j))
        save(ws, "T-0003", "e04", at(5), submitted=False)
        save(ws, "T-0004", "e02", at(6), submitted=False)
        save(ws, "T-0005", "e03", at(7))
    return tmp_path / "ws"


def test_applications_most_left_first_then_fewest_drafts(path):
    with Workspace.open(path) as ws:
        rows = ws.application_progress(P)
        assert [(r.id, r.assigned, r.drafted, r.submitted) for r in rows] == [
            ("T-0004", 2, 1, 0),   # 2 left
            ("T-0002", 4, 0, 3),   # 1 left, not even started
            ("T-0005", 2, 0, 1),   # 1 left, not even started (then by id)
            ("T-0003", 4, 1, 3),   # 1 left, a draft
            ("T-0001", 3, 0, 3),   # done: 3 of 3 comes after 3 of 4
        ]
        assert [ws.application_progress_position(P, r.id) for r in rows] == list(range(5))
        for start in range(5):  # every window is a slice of the same order
            assert ws.application_progress(P, start, start + 2) == rows[start:start + 2]


def test_last_activity_is_each_evaluators_newest_save_or_declaration(path):
    with Workspace.open(path) as ws:
        assert ws.last_activity(P) == {"e01": at(3, 0), "e02": at(6), "e03": at(7), "e04": at(5)}
        with mock.patch("reviewer.workspace.clock.now", return_value=at(8)):
            reopen_sheet(ws, P, "T-0005", "e03", actor="c01 (test)", reason="確認", chair="c01")
        # the reopen was the chair's: e03's newest is T-0005's first save, still 07:00
        assert ws.last_activity(P)["e03"] == at(7)
        with mock.patch("reviewer.workspace.clock.now", return_value=at(9)):
            declare_conflict(ws, P, "T-0004", "e01", "申請者の顧問", actor="e01 (test)")
            save(ws, "T-0005", "e03", at(9, 30))
        assert ws.last_activity(P) == {"e01": at(9), "e02": at(6), "e03": at(9, 30), "e04": at(5)}
    assert last_activity(path, P)["e01"] == at(9)  # the service, on a connection of its own


@pytest.mark.asyncio
async def test_chair_sees_the_most_left_first_with_the_last_activity(path):
    app = ReviewerApp(path, "c01")
    async with app.run_test(size=(120, 40)) as pilot:
        await tuiutil.settle(pilot)
        labels = [str(w.render()) for w in app.screen.query(".label")]
        assert EVALUATORS_LABEL in labels and APPLICATIONS_LABEL in labels
        evaluators = app.screen.query_one("#progress-evaluators", LineTable)
        rows = [evaluators.row_at(i) for i in range(evaluators.row_count)]
        # e04: 3 left; e01: 1 left, not started; e02: 1 left, a draft; e03: 4 of 4 submitted
        assert [r[0] for r in rows] == ["e04", "e01", "e02", "e03"]
        assert [r[-1] for r in rows] == ["2026-04-01 14:00", "2026-04-01 12:00", "2026-04-01 15:00",
                                         "2026-04-01 16:00"]  # 最終操作 in Japan time (UTC+9)
        applications = app.screen.query_one("#progress-applications", LineTable)
        assert applications.keys == ["T-0004", "T-0002", "T-0005", "T-0003", "T-0001"]
        # a refill keeps the times read before until the worker reads them again
        app.screen.query_one(ProgressView).fill(app.chair, P, {})
        assert evaluators.row_at(0)[-1] == "2026-04-01 14:00"
