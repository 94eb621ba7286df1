"""Rows as high as their wrapped text (issue 17): on コメント and 適格性 every cell whose format wraps
makes its row at least as high as the lines its text takes in its column, measured in East
Asian cells (a wide character two), so that LibreOffice and Excel show the whole reason, comment
or result rather than its first line. A long comment is written into a copy of the samples."""

from __future__ import annotations

import openpyxl
import pytest
from tuiutil import sample_workspace

from reviewer.excel import comments, eligibility, evaluators
from reviewer.excel.book import LINE_HEIGHT
from reviewer.present.text import width
from reviewer.services.results import export_workbook
from reviewer.services.sheets import save_sheet
from reviewer.workspace import Workspace

P = "r2-iot"
LONG_COMMENT = ("提案の実施体制は自治体と地域の事業者の連携が具体的で、実証後の横展開の計画も現実的である。"
                "一方で、ランニングコストの負担の分担と、補助期間の終了後の運営主体については記述が不足している。") * 3
#: A row height is stored in whole pixels (0.75 pt each): 28 pt is kept as 27.75.
ROUNDING = 0.75
LONG_NOTE = "体制図に運営主体の記載がなく、補助期間の終了後の責任の所在を確かめたい。" * 2


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = sample_workspace(tmp_path_factory.mktemp("rows"), tmp_path_factory.getbasetemp())
    with Workspace.open(path) as ws:
        s = next(s for s in ws.sheets(program=P) if s.status == "submitted")
        save_sheet(ws, P, s.application, s.evaluator, dict(s.scores), LONG_COMMENT, "submitted", actor="test",
                   replace=True, notes={next(iter(s.scores)): LONG_NOTE})
        out = tmp_path_factory.mktemp("rows-xlsx") / "rows.xlsx"
        export_workbook(ws, P, out, "test", resamples=0)
    return openpyxl.load_workbook(out)


def lines_in(text: str, cells: float) -> int:
    """The lines ``text`` takes wrapped in a column ``cells`` wide (less its margin), each of its
    lines at least one."""
    room = max(int(cells) - 2, 1)
    return sum(max(1, -(-width(line) // room)) for line in text.split("\n"))


def wrapped_rows(sh, first_row: int) -> list[tuple[int, int]]:
    """Each row below ``first_row`` with its most lines among the cells that wrap."""
    out = []
    for row in sh.iter_rows(min_row=first_row + 1):
        most = 0
        for c in row:
            if isinstance(c.value, str) and c.alignment.wrap_text:
                most = max(most, lines_in(c.value, sh.column_dimensions[c.column_letter].width))
        out.append((row[0].row, most))
    return out


@pytest.mark.parametrize("name", [comments.SHEET, eligibility.SHEET])
def test_rows_are_as_high_as_their_wrapped_text(book, name):
    sh = book[name]
    tall = [(r, n) for r, n in wrapped_rows(sh, 4) if n > 1]
    assert tall, "no text long enough to wrap"
    for r, n in tall:
        assert (sh.row_dimensions[r].height or 0) >= n * LINE_HEIGHT - ROUNDING, (name, r, n)


def test_the_long_comment_wraps_on_several_lines(book):
    sh = book[comments.SHEET]
    cell = next(c for row in sh.iter_rows() for c in row if c.value == LONG_COMMENT)
    assert cell.alignment.wrap_text
    n = lines_in(LONG_COMMENT, sh.column_dimensions[cell.column_letter].width)
    assert n >= 3 and sh.row_dimensions[cell.row].height >= n * LINE_HEIGHT - ROUNDING


def test_the_reasons_and_results_of_eligibility_wrap(book):
    sh = book[eligibility.SHEET]
    head = {c.value: c.column_letter for c in sh[4]}
    for key in ("説明", "結果", "確認項目"):
        assert all(sh[f"{head[key]}{r}"].alignment.wrap_text for r in range(5, sh.max_row + 1)), key


def test_the_evaluators_sheet_prints_wide_and_says_why(book):
    sh = book[evaluators.SHEETS_SHEET]
    if "複数ページ" in sh["A2"].value:
        assert sh.page_setup.scale >= 85 and sh.print_title_cols
    else:
        assert sh.sheet_properties.pageSetUpPr.fitToPage


def test_the_statistics_second_table_is_on_its_own_page(book):
    sh = book[evaluators.STATS_SHEET]
    assert not sh.print_title_rows  # the evaluators' header is not repeated over the criteria's table
    assert [b.id for b in sh.row_breaks.brk]
    head = [c.value for c in sh[4]]
    assert head[:7] == ["評価委員ID", "評価委員", "提出数", "平均得点率（点）", "標準偏差（点）", "全体平均との差（点）", "傾向"]
    assert all(sh.cell(r, 4).number_format == "0.00" for r in range(5, 9))
