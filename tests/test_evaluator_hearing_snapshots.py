"""Snapshots of the evaluator's hearing sheet beside the application's additional materials, at
80×24 and 120×40 (pytest-textual-snapshot, committed SVGs).

Update after a deliberate change: pytest tests/test_evaluator_hearing_snapshots.py
--snapshot-update, then look at snapshot_report.html.
"""

from __future__ import annotations

from unittest import mock

import pytest
from tuiutil import sample_workspace

from reviewer.services import review
from reviewer.tui.app import ReviewerApp
from reviewer.workspace import Workspace

SIZES = [(80, 24), (120, 40)]
ACTOR = "chair (test)"


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    # fixed times: the requests' and answers' stamps stay the same
    with Workspace.open(path) as ws, mock.patch("reviewer.workspace.clock.now",
                                                return_value="2026-12-01T01:00:00.000+00:00"):
        review.shortlist(ws, "r2-iot", ["IOT-0027"], "chair", ACTOR, "2026-12-10 10:00", "第1会議室（Web 併用）")
        one = review.request_materials(ws, "r2-iot", "IOT-0027", "事業費の積算根拠", "2026-12-15", "chair", ACTOR)
        review.request_materials(ws, "r2-iot", "IOT-0027", "KPI の算定方法", "", "chair", ACTOR)
        review.answer_request(ws, "r2-iot", one, "chair", ACTOR, "別添のとおり提出します。",
                              review.Received("積算根拠.txt", "1. 機器費 3,000,000円\n2. 通信費 240,000円/年\n".encode()))
    return path


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_hearing_sheet_and_materials(snap_compare, ws_path, size):
    """The hearing's sheet (a score given, the written ones beside) and the materials in the
    reader, reached from the headings (F5)."""
    async def hearing(pilot):
        await pilot.pause()
        table = pilot.app.screen.query_one("#queue")
        table.move_cursor(table.index_of("r2-iot/IOT-0027"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("h", "4", "f5", "down", "down", "enter")
        await pilot.pause()
        await pilot.pause()  # the description box takes its height after the first layout

    assert snap_compare(ReviewerApp(ws_path, "e04"), terminal_size=size, run_before=hearing)
