"""The line-drawn table the chair's and the evaluator's lists use (reviewer.tui.widgets.table)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult

from reviewer.tui.widgets.table import Column, LineTable

pytestmark = pytest.mark.asyncio


class TableApp(App):
    def __init__(self, *columns, rows=(), keys=None):
        super().__init__()
        self.columns, self.rows, self.keys = columns, rows, keys
        self.selected: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield LineTable(*self.columns, id="t")

    def on_mount(self) -> None:
        t = self.query_one(LineTable)
        t.set_rows(self.rows, self.keys)
        t.focus()

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        self.selected.append(event.key)


def text_of(table: LineTable, y: int) -> str:
    return "".join(s.text for s in table.render_line(y))


def many(n: int):
    return [(f"A-{i:05d}", f"申請者{i}", str(i)) for i in range(n)], [f"A-{i:05d}" for i in range(n)]


async def test_cursor_keys_scroll_and_the_header_stays():
    rows, keys = many(20_000)
    app = TableApp("申請ID", "申請者", Column("番号", right=True), rows=rows, keys=keys)
    async with app.run_test(size=(60, 12)) as pilot:
        t = app.query_one(LineTable)
        assert t.row_count == 20_000 and t.cursor_key == "A-00000"
        await pilot.press("down", "down")
        assert t.cursor_key == "A-00002" and t.scroll_y == 0
        await pilot.press("pagedown")
        assert t.cursor_row > 2 and t.scroll_y > 0          # the cursor's row stays in view
        body = t.scrollable_content_region.height - 1
        assert t.scroll_y <= t.cursor_row < t.scroll_y + body
        await pilot.press("end")
        await pilot.pause()
        assert t.cursor_key == "A-19999"
        assert "申請ID" in text_of(t, 0)                      # header on the first line, scrolled or not
        assert "A-19999" in text_of(t, t.cursor_row - round(t.scroll_y) + 1)
        await pilot.press("home")
        assert t.cursor_row == 0 and t.scroll_y == 0
        await pilot.press("up")
        assert t.cursor_row == 0


async def test_enter_and_click_select_a_row():
    rows, keys = many(5)
    app = TableApp("申請ID", "申請者", "番号", rows=rows, keys=keys)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("down", "enter")
        assert app.selected == ["A-00001"]
        await pilot.click(LineTable, offset=(3, 4))          # line 4: the header, then rows 0..2
        assert app.query_one(LineTable).cursor_key == "A-00003" and app.selected == ["A-00001"]
        await pilot.click(LineTable, offset=(3, 4))          # a click on the cursor's row opens it
        assert app.selected == ["A-00001", "A-00003"]


async def test_the_cursor_follows_its_row_when_rows_change():
    rows, keys = many(50)
    app = TableApp("申請ID", "申請者", "番号", rows=rows, keys=keys)
    async with app.run_test(size=(60, 12)) as pilot:
        t = app.query_one(LineTable)
        t.move_cursor(10)
        t.set_rows(list(reversed(rows)), list(reversed(keys)))
        await pilot.pause()
        assert t.cursor_key == "A-00010" and t.cursor_row == 39
        t.set_rows(rows[:5], keys[:5])                        # its row is gone: the cursor stays in range
        assert t.cursor_row == 4
        t.set_rows([], [])
        assert t.cursor_row == -1 and t.cursor_key is None


async def test_columns_align_in_cells_with_wide_characters():
    rows = [("SC-1", "竹富町", "1,000"), ("SC-22", "一般社団法人金山まちづくり会社", "25"), ("X", "abc", "")]
    app = TableApp("ID", "申請者", Column("申請額", right=True), rows=rows)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        t = app.query_one(LineTable)
        lines = [text_of(t, y) for y in range(4)]
        assert len({cell_len(line) for line in lines}) == 1   # every line fills the width
        # the right-aligned amounts end in the same cell as their header, whatever the names' widths
        assert len({cell_len(line.rstrip()) for line in lines[:3]}) == 1
        # the second column starts in the same cell on every line
        starts = [cell_len(line[:line.index(name)]) for line, name in zip(lines, ["申請者", "竹富町", "一般", "abc"])]
        assert len(set(starts)) == 1


async def test_a_flex_column_shrinks_to_fit_and_cut_cells_end_with_dots():
    long = "とても長い件名" * 10
    app = TableApp("ID", Column("件名", flex=True, min_width=10), "局", rows=[("A-1", long, "東北")])
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        t = app.query_one(LineTable)
        line = text_of(t, 1).rstrip()
        assert cell_len(line) <= 40 and "東北" in line and "..." in line
        assert t.virtual_size.width <= t.scrollable_content_region.width


async def test_a_wide_table_scrolls_sideways():
    app = TableApp("ID", Column("件名", max_width=200), "局", rows=[("A-1", "x" * 150, "東北")])
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        t = app.query_one(LineTable)
        assert "東北" not in text_of(t, 1)
        for _ in range(20):
            await pilot.press("right")
        assert t.scroll_x > 0 and "東北" in text_of(t, 1) and "局" in text_of(t, 0)


async def test_untrusted_cells_are_literal_and_free_of_control_characters():
    hostile = "[bold red]赤[/] \x1b[31mESC\x1b[0m \u202eRLO\u202c\n次の行"
    app = TableApp("ID", Column("件名", max_width=200), rows=[("A-1", hostile), (Text("B-2", style="dim"), Text(hostile))])
    async with app.run_test(size=(100, 8)) as pilot:
        await pilot.pause()
        t = app.query_one(LineTable)
        for row in range(2):
            line = text_of(t, row + 1)
            assert "[bold red]赤[/]" in line and "\x1b" not in line and "\u202e" not in line and "\n" not in line
            assert "次の行" in line
            assert t.row_at(row)[1] == line.split("  ", 1)[1].strip()


async def test_rows_and_keys_must_match():
    app = TableApp("ID", rows=[("a",)], keys=["a"])
    async with app.run_test(size=(40, 8)):
        t = app.query_one(LineTable)
        with pytest.raises(ValueError):
            t.set_rows([("a",), ("b",)], ["a"])
        assert t.keys == ["a"]  # nothing changed


class CountingSource:
    """A RowSource of n rows that records the windows asked for."""

    def __init__(self, n):
        self.n, self.asked = n, []

    def __len__(self):
        return self.n

    def window(self, start, stop):
        self.asked.append((start, stop))
        return [(f"K{i}", (f"K{i}", "名前" * (i % 3), str(i))) for i in range(start, min(stop, self.n))]

    def index_of(self, key):
        i = int(key[1:])
        return i if 0 <= i < self.n else None

    def widths(self):
        return [len(f"K{self.n - 1}"), 12, len(str(self.n - 1))]


async def test_a_row_source_is_read_a_page_at_a_time():
    src = CountingSource(100_000)
    app = TableApp("キー", Column("名前", max_width=20), Column("番号", right=True))
    async with app.run_test(size=(60, 12)) as pilot:
        t = app.query_one(LineTable)
        t.set_source(src)
        await pilot.pause()
        assert t.row_count == 100_000 and src.asked == [(0, 256)]   # only the page in view
        assert "K0" in text_of(t, 1) and "名前" not in text_of(t, 1) and "名前名前" in text_of(t, 3)
        await pilot.press("end")
        await pilot.pause()
        assert t.cursor_key == "K99999" and (99840, 100000) in src.asked and len(src.asked) == 2
        t.move_cursor(500)
        t.set_source(CountingSource(100_000))                       # refreshed: the cursor keeps its key
        assert t.cursor_key == "K500"
        assert t.row_at(500) == ["K500", "名前名前", "500"]
