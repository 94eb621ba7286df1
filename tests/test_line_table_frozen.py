"""The line table's frozen leading columns and ``fit`` (reviewer.tui.widgets.table), alone and in
the chair's ranking at 80x24."""

from __future__ import annotations

import pytest
import tuiutil
from rich.cells import cell_len
from textual import on
from textual.app import App, ComposeResult
from tuiutil import sample_workspace

from reviewer.tui.app import ReviewerApp
from reviewer.tui.widgets.table import Column, LineTable

pytestmark = pytest.mark.asyncio


class FrozenApp(App):
    def __init__(self, rows, frozen=2, fit=None):
        super().__init__()
        self.rows, self.frozen, self.fit = rows, frozen, fit
        self.selected: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield LineTable(Column("順位", right=True), "申請ID", Column("申請者", flex=True, min_width=8, max_width=30),
                        "注記", "末尾", id="t", frozen=self.frozen, fit=self.fit)

    def on_mount(self) -> None:
        t = self.query_one(LineTable)
        t.set_rows(self.rows, [r[1] for r in self.rows])
        t.focus()

    @on(LineTable.RowSelected, "#t")  # the messages have a control: @on with a selector works
    def picked(self, event: LineTable.RowSelected) -> None:
        self.selected.append(event.key)


def rows(n=30):
    return [(str(i + 1), f"ID-{i:04d}", "株式会社とても長い名前の申請者" * 2, "予算の残額（10,846,000円）を超える",
             "z" * 40) for i in range(n)]


def line(t: LineTable, y: int) -> str:
    return "".join(s.text for s in t.render_line(y))


async def test_frozen_columns_stay_while_the_rest_scrolls():
    app = FrozenApp(rows())
    async with app.run_test(size=(50, 12)) as pilot:
        t = app.query_one(LineTable)
        width = t.scrollable_content_region.width
        before = [line(t, y) for y in range(6)]
        for _ in range(5):
            await pilot.press("right")
        await pilot.pause()
        assert t.scroll_x > 0
        for y in range(6):
            text = line(t, y)
            assert cell_len(text) == width                      # every line fills the width exactly
            if y:                                               # 順位 and 申請ID where they were
                assert text[:16] == before[y][:16]
        assert line(t, 0).startswith(" 順位  申請ID") and line(t, 1).startswith("    1  ID-0000")
        assert line(t, 1)[16:] != before[1][16:]                # the rest has moved
        await pilot.press("end")                                # the cursor and Enter work as ever
        await pilot.pause()
        await pilot.press("enter")
        assert app.selected == ["ID-0029"]
        assert "   30  ID-0029" in line(t, t.cursor_row - round(t.scroll_y) + 1)
        for _ in range(30):                                     # scrolled to the end: the last column shows
            await pilot.press("right")
        await pilot.pause()
        assert t.scroll_x == t.max_scroll_x and line(t, 1).rstrip().endswith("z" * 10)
        top = round(t.scroll_y)
        assert line(t, 1).startswith(f" {top + 1:>4}  ID-{top:04d}  ")


async def test_odd_offsets_cut_wide_characters_cleanly():
    app = FrozenApp(rows(3))
    async with app.run_test(size=(50, 8)) as pilot:
        t = app.query_one(LineTable)
        for x in (1, 2, 3, 7):
            t.scroll_to(x=x, animate=False, immediate=True)
            await pilot.pause()
            text = line(t, 1)
            assert cell_len(text) == t.scrollable_content_region.width and text.startswith("    1  ID-0000  ")


async def test_without_frozen_columns_the_whole_line_scrolls():
    app = FrozenApp(rows(3), frozen=0)
    async with app.run_test(size=(50, 8)) as pilot:
        t = app.query_one(LineTable)
        for _ in range(3):
            await pilot.press("right")
        await pilot.pause()
        assert "ID-0000" not in line(t, 1)


async def test_fit_keeps_the_room_of_the_leading_columns():
    # all five columns fit by shrinking 申請者 to its minimum; fit=4 shrinks it only as far as
    # the first four need, the fifth is a scroll away
    app = FrozenApp(rows(3), fit=4)
    async with app.run_test(size=(100, 8)):
        t = app.query_one(LineTable)
        room = t.scrollable_content_region.width
        widths = t._widths_for(room)
        assert widths[2] > 8 and t._total(widths[:4]) <= room < t._total(widths)
    app = FrozenApp(rows(3))
    async with app.run_test(size=(100, 8)):
        t = app.query_one(LineTable)
        assert t._widths_for(t.scrollable_content_region.width)[2] == 8


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


async def test_the_ranking_keeps_rank_and_id_while_scrolling_right_at_80x24(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        t = app.screen.query_one("#ranking-table", LineTable)
        assert "判定" in line(t, 0) and "注記" in line(t, 0)     # the decision and the notes in view
        for _ in range(8):
            await pilot.press("right")
        await pilot.pause()
        assert t.scroll_x > 0
        assert line(t, 0).startswith(" 順位  申請ID") and "申請額" in line(t, 0)
        top = round(t.scroll_y)
        for y in range(1, t.scrollable_content_region.height):
            row = top + y - 1
            if row >= t.row_count or t.key_at(row) == "--cut--":
                continue
            rank, app_id = t.row_at(row)[:2]
            assert line(t, y)[:17] == f" {rank:>4}  {app_id:<8}  ", (y, line(t, y))
