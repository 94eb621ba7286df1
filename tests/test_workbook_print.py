"""The workbook on paper (issue 17): every sheet A4 landscape, with the program, the time of
writing and 取扱注意 on every page, tables repeating their header, and columns that fit the page
width at 85 % or more (a sheet printed wider says why in its subtitle). The print scale is
worked out from the column widths the same way tools/render_workbook.py reports it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from wsutil import render_tool

from reviewer.excel.book import CONFIDENTIAL, MIN_PRINT_SCALE, header_text, print_scale
from reviewer.services.results import export_workbook
from reviewer.services.setup import demo_workspace
from reviewer.workspace import Workspace

RUNS = (("r2-iot", {}), ("r2-ai-plan", {}), ("r5-smartcity-2", {}),
        ("r5-smartcity-2", {"budget_yen": 100_000_000, "compare": True, "resamples": 50}))
#: A sheet printed over several pages across says so in its subtitle with these words.
WIDE_REASON = "複数ページ"


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> list[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("print")
    demo_workspace(root / "ws")
    out = []
    with Workspace.open(root / "ws") as ws:
        for i, (pid, options) in enumerate(RUNS):
            path = root / f"{i}-{pid}.xlsx"
            export_workbook(ws, pid, path, "test", **{"resamples": 0, **options})
            out.append((ws.program(pid).name, path))
    return out


def _headers(path: Path) -> dict[str, str]:
    """Each sheet's page header as written (openpyxl splits it by font): sheet file → text."""
    with zipfile.ZipFile(path) as z:
        return {n: (m.group(1) if (m := re.search(r"<oddHeader>(.*?)</oddHeader>", z.read(n).decode(), re.S)) else "")
                for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def test_every_sheet_is_a4_landscape_with_the_program_date_and_mark(books):
    for name, path in books:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            assert ws.page_setup.paperSize in (9, "9"), ws.title
            assert ws.page_setup.orientation == "landscape", ws.title
        headers = _headers(path)
        assert len(headers) == len(wb.worksheets)
        for text in headers.values():
            text = text.replace("&amp;", "&")
            assert f"&L{header_text(name, 80)}" in text and CONFIDENTIAL in text and "作成 令和" in text


def test_every_sheet_fits_the_page_width_at_85_percent_or_says_why(books):
    tool = render_tool()
    for _, path in books:
        for ws in openpyxl.load_workbook(path).worksheets:
            scale = tool.printed_scale(ws)
            if scale >= MIN_PRINT_SCALE:
                continue
            subtitle = ws.cell(row=2, column=1).value or ""
            assert WIDE_REASON in subtitle and (ws.page_setup.scale or 100) >= 85, \
                f"{path.name} {ws.title}: prints at {scale:.0%}"


def test_tables_repeat_their_header_on_every_page(books):
    _, path = books[2]
    wb = openpyxl.load_workbook(path)
    for title in ("ランキング", "地域バランス", "評価委員別", "適格性", "コメント"):
        assert wb[title].print_title_rows, title


def test_the_print_scale_and_the_header_text():
    assert print_scale([10] * 10) == 1.0
    assert print_scale([20] * 10) == pytest.approx((841.9 - 57.6) / ((20 * 7 + 5) * 0.75 * 10))
    assert header_text("A&B\n  C", 80) == "A&&B C"
    long = header_text("あ" * 100, 80)
    assert len(long) == 80 and long.endswith("…")
