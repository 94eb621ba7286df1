"""A scoring that fails (a workspace busy, read-only or damaged) is told on the chair's message
line and the app goes on; the next refresh scores again."""

from __future__ import annotations

import pytest
import tuiutil
from tuiutil import sample_workspace

from reviewer.services.errors import WorkspaceError
from reviewer.tui.app import ReviewerApp
from reviewer.tui.widgets.messages import MessageLine

pytestmark = pytest.mark.asyncio


async def test_a_failed_scoring_is_told_and_the_next_refresh_scores(tmp_path, tmp_path_factory):
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    app = ReviewerApp(path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await tuiutil.settle(pilot)
        desk = app.chair
        real = desk.score

        def broken(*args, **kwargs):
            raise WorkspaceError("ワークスペースを読めません（テスト）")

        desk.score = broken  # type: ignore[method-assign]
        await pilot.press("f5")
        for _ in range(50):
            await pilot.pause(0.1)
            if any(t.title == "集計できません" for t in app.told):
                break
        assert any(t.title == "集計できません" and "読めません" in t.message for t in app.told)
        assert app.is_running and "読めません" in app.screen.query_one(MessageLine).text
        desk.score = real  # type: ignore[method-assign]
        before = app.screen.result
        await pilot.press("f5")
        await tuiutil.settle(pilot)
        assert app.screen.result is not None and app.screen.result is not before
