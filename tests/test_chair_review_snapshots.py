"""A snapshot of the chair's view 7 (決定) at 120×40 (pytest-textual-snapshot, a committed SVG): the
result's state and the final list's totals, the budget's warning, the shortlist with when and
where, the requests (one awaiting its answer, one answered), an opinion, the final list with two
decisions and their reasons, and the application decided against. The workspace's clock is fixed
while the data is written, so the times on screen stay the same.

Update after a deliberate change: pytest tests/test_chair_review_snapshots.py --snapshot-update,
then look at the SVG.
"""

from __future__ import annotations

from unittest import mock

import pytest
import tuiutil
from tuiutil import sample_workspace

from reviewer.services import review
from reviewer.tui.app import ReviewerApp
from reviewer.workspace import Workspace

P = "r2-iot"
CHAIR = "chair"


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    with Workspace.open(path) as ws, mock.patch("reviewer.workspace.clock.now",
                                                return_value="2026-12-01T01:00:00.000+00:00"):
        review.shortlist(ws, P, ["IOT-0022", "IOT-0019"], CHAIR, CHAIR, "2026-12-10 10:00", "第1会議室")
        review.shortlist(ws, P, ["IOT-0008"], CHAIR, CHAIR, "2026-12-10 13:30", "https://meet.example/r2-iot")
        first = review.request_materials(ws, P, "IOT-0008", "積算根拠の内訳（機器費・人件費）", "2026-12-05", CHAIR, CHAIR)
        review.request_materials(ws, P, "IOT-0019", "連携自治体の同意書", "", CHAIR, CHAIR)
        review.answer_request(ws, P, first, CHAIR, CHAIR, "内訳表を受領。機器費の見積は2社から取得済み")
        review.record_opinion(ws, P, "IOT-0008", "四国総合通信局", "地域の推進体制が整っており、実現性が高い", CHAIR, CHAIR,
                              "2026-11-28")
        review.decide(ws, P, "IOT-0008", "select", "ヒアリングで実施体制と積算の妥当性を確認した", CHAIR, CHAIR)
        review.decide(ws, P, "IOT-0015", "reject", "評価の乖離が大きく、ヒアリングでも計画の具体性に欠けた", CHAIR, CHAIR)
    return path


def test_chair_decisions_view(snap_compare, ws_path):
    async def decisions(pilot):
        await tuiutil.settle(pilot)
        await pilot.press("7")
        await tuiutil.settle(pilot)

    assert snap_compare(ReviewerApp(ws_path, CHAIR), terminal_size=(120, 40), run_before=decisions)
