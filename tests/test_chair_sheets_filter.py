"""The chair's sheets filter applies what was submitted with Enter; a refresh (another session's
change, F5) never applies text still being typed."""

from __future__ import annotations

import pytest
import tuiutil
from textual.widgets import Input
from tuiutil import sample_workspace

from reviewer.tui.app import ReviewerApp
from reviewer.tui.widgets.table import LineTable

pytestmark = pytest.mark.asyncio


async def test_the_filter_is_what_was_entered(tmp_path, tmp_path_factory):
    app = ReviewerApp(sample_workspace(tmp_path, tmp_path_factory.getbasetemp()), "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("4")
        await pilot.pause()
        box = app.screen.query_one("#sheets-filter", Input)
        box.focus()
        await pilot.press(*"e02", "enter")
        await pilot.pause()
        table = app.screen.query_one("#sheets-table", LineTable)
        keys = table.keys
        assert keys and all(k.endswith("/e02") for k in keys)
        box.focus()
        await pilot.press("backspace")  # "e0" typed, not entered
        await pilot.press("f5")
        await tuiutil.settle(pilot)
        assert table.keys == keys
