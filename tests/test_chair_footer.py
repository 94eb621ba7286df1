"""Every view of the chair's screen keeps its key line within 80 columns, help and quit included."""

from __future__ import annotations

import pytest
import tuiutil
from textual.widgets import Footer
from tuiutil import sample_workspace

from reviewer.tui.app import ReviewerApp

pytestmark = pytest.mark.asyncio


async def test_the_chairs_footer_fits_80_columns_in_every_view(tmp_path, tmp_path_factory):
    app = ReviewerApp(sample_workspace(tmp_path, tmp_path_factory.getbasetemp()), "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await tuiutil.settle(pilot)
        for view in "123456":
            await pilot.press(view)
            await tuiutil.settle(pilot)
            keys = list(app.screen.query_one(Footer).query("FooterKey"))
            labels = [str(k.description) for k in keys]
            assert "ヘルプ" in labels and "終了" in labels, (view, labels)
            assert all(0 < k.region.width and k.region.right <= 80 for k in keys), (view, labels)
