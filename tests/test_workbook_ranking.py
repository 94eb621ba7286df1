"""The ランキング sheet as an official reads it (issue 17): one A4 landscape page wide at 85 % or
more with the title and header on every page and the wrapped cells' rows as high as their lines;
the means per criterion on 項目別内訳, headed by their labels; the notes on how the selection
skips and goes on; the declared 交付率 and how the bonus follows from it; 得点率, 加点 and 合計
all in points; no empty columns; the ministry's words. Read back with openpyxl."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest
from wsutil import render_tool

from reviewer.excel import breakdown, ranking
from reviewer.excel.book import LINE_HEIGHT, MIN_PRINT_SCALE, Book, print_scale, wrapped_lines
from reviewer.present import sureness
from reviewer.services.results import export_workbook
from reviewer.services.setup import demo_workspace
from reviewer.workspace import Workspace

CASES = {"iot": ("r2-iot", {}), "ai": ("r2-ai-plan", {}), "sc": ("r5-smartcity-2", {"budget_yen": 100_000_000}),
         "sc-within": ("r5-smartcity-2", {"budget_yen": 1_000_000_000})}
SPEC_HEADERS = ["順位", "申請ID", "申請者", "都道府県", "総合通信局", "得点率", "加点", "合計", "採択候補"]
#: The columns that wrap (件名 and 判定・理由 widen into the room the page leaves: ``fitted_columns``).
WRAPPED = ("申請者", "都道府県", "件名", "要件・分野別モデル", "判定・理由")


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranking")
    demo_workspace(root / "ws")
    out = {}
    with Workspace.open(root / "ws") as ws:
        for key, (pid, options) in CASES.items():
            path = root / f"{key}.xlsx"
            result = export_workbook(ws, pid, path, "test", resamples=0, **options).result
            out[key] = (result, openpyxl.load_workbook(path))
    return out


def _scale(sh) -> float:
    return render_tool().printed_scale(sh)


def _table(sh, first: str = "順位"):
    hr = next(c.row for c in sh["A"] if c.value == first)
    headers = [c.value for c in sh[hr]]
    rows = []
    for cells in sh.iter_rows(min_row=hr + 1):
        if cells[1].value is None:
            break
        rows.append({h: c for h, c in zip(headers, cells) if h})
    return hr, headers, rows


@pytest.mark.parametrize("key", list(CASES))
def test_the_ranking_prints_one_page_wide_at_85_percent_with_title_and_header_on_every_page(books, key):
    _, wb = books[key]
    sh = wb[ranking.SHEET]
    hr, headers, _ = _table(sh)
    assert headers[:9] == SPEC_HEADERS
    assert sh.sheet_properties.pageSetUpPr.fitToPage and sh.page_setup.fitToWidth in (None, 1)
    assert sh.page_setup.fitToHeight == 0
    assert _scale(sh) >= MIN_PRINT_SCALE
    assert sh.print_title_rows == f"$1:${hr}"      # the title, the subtitle, the units and the header
    assert not sh.print_title_cols
    assert "複数ページ" not in sh["A2"].value
    assert not [h for h in headers if "平均" in h]   # the means are on 項目別内訳


@pytest.mark.parametrize("key", list(CASES))
def test_wrapped_cells_wrap_and_their_rows_are_as_high_as_their_lines(books, key, tmp_path):
    result, wb = books[key]
    sh = wb[ranking.SHEET]
    columns, wide = ranking.fitted_columns(Book(tmp_path / "measure.xlsx"), result)
    caps = {h: w for h, _, w in columns if h in WRAPPED}
    assert not wide and ranking.TITLE_WIDTH <= caps["件名"] <= ranking.TITLE_MAX
    assert ranking.VERDICT_WIDTH <= caps["判定・理由"] <= ranking.VERDICT_MAX
    hr, headers, rows = _table(sh)
    assert "件名" in headers
    assert sh.row_dimensions[hr].height >= LINE_HEIGHT * 2 - 1
    titles_wrapped = 0
    for row in rows:
        lines = 1
        for h, cap in caps.items():
            if h not in row:
                continue
            cell = row[h]
            assert cell.alignment.wrap_text, (h, cell.coordinate)
            assert sh.column_dimensions[cell.column_letter].width <= cap + 1
            lines = max(lines, wrapped_lines(cell.value or "", cap - 2))
        titles_wrapped += wrapped_lines(row["件名"].value, caps["件名"] - 2) > 1
        height = sh.row_dimensions[row["順位"].row].height
        assert (height or LINE_HEIGHT) >= LINE_HEIGHT * lines - 1, row["申請ID"].value
    assert titles_wrapped  # the samples' titles are longer than the column


@pytest.mark.parametrize("key", ["iot", "ai", "sc"])
def test_the_breakdown_follows_the_ranking_with_the_criteria_by_label(books, key):
    result, wb = books[key]
    assert wb.sheetnames[wb.sheetnames.index(ranking.SHEET) + 1] == breakdown.SHEET
    sh = wb[breakdown.SHEET]
    hr, headers, rows = _table(sh)
    assert headers[:3] == ["順位", "申請ID", "申請者"]
    scored = [c for c in result.program.criteria if c.kind == "scored"]
    for c in scored:
        h = breakdown.header(c)
        assert h in headers and f"{c.id} {c.label}（平均）" in h and c.group in h
        assert sh.row_dimensions[hr].height >= LINE_HEIGHT * wrapped_lines(h, breakdown.MEAN_WIDTH - 2) - 1
    assert [r["申請ID"].value for r in rows] == [a.id for a in result.applications]
    by_id = {a.id: a for a in result.applications}
    for r in rows:
        a = by_id[r["申請ID"].value]
        for c in scored:
            assert r[breakdown.header(c)].value == pytest.approx(a.criterion_means.get(c.id)), (a.id, c.id)
        assert r["評価数"].value == a.reviews
    assert _scale(sh) >= MIN_PRINT_SCALE or ("複数ページ" in sh["A2"].value and sh.page_setup.scale >= 85)


def test_the_notes_explain_the_skip_and_continue_walk(books):
    result, wb = books["sc"]
    sh = wb[ranking.SHEET]
    hr, _, rows = _table(sh)
    notes = " ".join(str(c.value) for c in sh["A"][hr + len(rows):] if c.value)
    assert "赤い太線より上が採択候補の範囲" not in notes
    assert "収まらない申請は見送って次の申請へ進む" in notes and "最後の採択候補の下" in notes
    assert "網掛けのない行" in notes and "判定・理由" in notes
    cut = next(r for r in rows if r["順位"].border.bottom.style == "thick")
    assert cut["順位"].value == result.cut_rank
    skipped = [r for r in rows if r["順位"].value and r["順位"].value < result.cut_rank and not r["採択候補"].value]
    assert skipped, "a budget of 100,000,000 yen skips rows above the cut"
    for r in skipped:
        assert r["判定・理由"].value.startswith("見送り: ")
        assert not r["申請ID"].fill.fgColor.rgb.endswith("E2EFDA")


def test_the_declared_rate_and_the_basis_of_the_bonus(books):
    """交付率 on ランキング beside 加点; how the bonus follows from it (加点の根拠) on 項目別内訳."""
    result, wb = books["sc"]
    _, headers, rank_rows = _table(wb[ranking.SHEET])
    assert headers.index("交付率") > headers.index("採択候補") and breakdown.BASIS not in headers
    sh = wb[breakdown.SHEET]
    _, bd_headers, rows = _table(sh)
    assert bd_headers[-1] == breakdown.BASIS
    assert [r["申請ID"].value for r in rows] == [r["申請ID"].value for r in rank_rows]
    by_id = {a.id: a for a in result.applications}
    [c] = [c for c in result.program.criteria if c.kind == "auto"]
    for rr, r in zip(rank_rows, rows):
        a = by_id[r["申請ID"].value]
        rate = rr["交付率"]
        assert rate.value == pytest.approx(a.card_rate) and rate.number_format == "0.0%"
        assert rr["加点"].value == pytest.approx(a.bonus)
        basis = r["加点の根拠"]
        assert basis.alignment.wrap_text
        assert sh.column_dimensions[basis.column_letter].width <= breakdown.BASIS_WIDTH + 1
        lines = wrapped_lines(basis.value, breakdown.BASIS_WIDTH - 2)
        assert (sh.row_dimensions[basis.row].height or LINE_HEIGHT) >= LINE_HEIGHT * lines - 1, a.id
        if a.card_rate is None:  # the samples hold one that declared none
            assert r["加点の根拠"].value == f"申告なし → {c.default_points:g}点" and a.bonus == c.default_points
            continue
        band = max((b for b in c.bands if a.card_rate >= b.min), key=lambda b: b.min, default=None)
        points = c.default_points if band is None else band.points
        assert points == a.bonus
        assert r["加点の根拠"].value.startswith(f"交付率 {a.card_rate * 100:.1f}% → {points:g}点"), a.id
        if band is not None:
            assert r["加点の根拠"].value.endswith(f"（{band.min * 100:g}%以上）")
    undeclared = dataclasses.replace(result.applications[0], card_rate=None)
    assert breakdown.bonus_basis(result, undeclared) == f"申告なし → {c.default_points:g}点"
    within, wb2 = books["sc-within"]
    assert not within.oversubscribed
    _, _, rows2 = _table(wb2[breakdown.SHEET])
    assert {r["加点の根拠"].value for r in rows2} == {"予算超過がないため加点なし"}
    _, _, rank_rows2 = _table(wb2[ranking.SHEET])
    assert all(r["加点"].value == 0 for r in rank_rows2)


def test_the_points_share_one_scale_and_format(books):
    for key in CASES:
        result, wb = books[key]
        sh = wb[ranking.SHEET]
        _, _, rows = _table(sh)
        by_id = {a.id: a for a in result.applications}
        for r in rows:
            a = by_id[r["申請ID"].value]
            assert r["得点率"].value == pytest.approx(a.score_rate) and r["合計"].value == pytest.approx(a.total)
            assert r["得点率"].number_format == r["加点"].number_format == r["合計"].number_format == "0.00"
            if a.total is not None and r["加点"].value is not None:
                assert r["合計"].value == pytest.approx(r["得点率"].value + r["加点"].value)
        top = " ".join(str(sh.cell(row=i, column=1).value) for i in (1, 2, 3))
        assert "100点満点" in top and "合計 = 得点率 + 加点" in top


def test_no_empty_columns(books):
    for key in ("iot", "ai"):  # no auto bonus: 加点 blank, not 0.0; no 交付率
        _, wb = books[key]
        _, headers, rows = _table(wb[ranking.SHEET])
        assert "加点" in headers and all(r["加点"].value is None for r in rows)
        assert "交付率" not in headers and "加点の根拠" not in headers
        assert breakdown.BASIS not in _table(wb[breakdown.SHEET])[1]
    _, headers, _ = _table(books["iot"][1][ranking.SHEET])
    assert "申請額" in headers and "要件・分野別モデル" in headers
    result, wb = books["ai"]  # no money, no tracks
    sh = wb[ranking.SHEET]
    _, headers, _ = _table(sh)
    assert "申請額" not in headers and "要件・分野別モデル" not in headers
    n, lo = len(result.selected), result.program.selection.min_selected
    assert lo == 50 and n >= lo                        # the samples fill the total minimum
    assert f"採択候補先 {n} 件" in sh["A2"].value and "不足" not in sh["A2"].value.split("　")[0]
    assert "0円" not in sh["A2"].value
    assert "分野" in headers                           # r2-ai-plan's own fields, named
    _, headers, _ = _table(books["sc"][1][ranking.SHEET])
    assert "要件・分野別モデル" not in headers and "申請額" in headers


def test_the_ministrys_words(books):
    for key in CASES:
        result, wb = books[key]
        sh = wb[ranking.SHEET]
        assert sh["A1"].value == f"{result.program.name} 評価結果一覧（ランキング）"
        assert "採択候補先" in sh["A2"].value
        texts = [str(c.value) for row in sh.iter_rows(max_col=1) for c in row if isinstance(c.value, str)]
        assert not [t for t in texts if "評価者" in t]
        assert "評価委員" in sh["A3"].value


@pytest.mark.parametrize("program", ["r5-smartcity-2", "r2-iot"])
def test_the_resampled_ranking_still_prints_one_page_wide_at_85_percent(tmp_path, program):
    """As `reviewer export` writes it (1000 resamples): one column 順位の確かさ, not four, and
    the whole table one A4 landscape page wide at 85 % or more; for r5 項目別内訳 too."""
    demo_workspace(tmp_path / "ws")
    path = tmp_path / "resampled.xlsx"
    with Workspace.open(tmp_path / "ws") as ws:
        export_workbook(ws, program, path, "test", resamples=1000)
    wb = openpyxl.load_workbook(path)
    names = [ranking.SHEET] + ([breakdown.SHEET] if program == "r5-smartcity-2" else [])
    for name in names:
        sh = wb[name]
        _, headers, _ = _table(sh)
        if name == ranking.SHEET:
            assert headers.count(sureness.SURENESS_COLUMN) == 1 and sureness.EXPECTED_RANK not in headers
        assert sh.sheet_properties.pageSetUpPr.fitToPage and sh.page_setup.fitToWidth in (None, 1), name
        assert sh.page_setup.fitToHeight == 0 and "複数ページ" not in sh["A2"].value, name
        assert print_scale(render_tool().column_widths(sh)) >= MIN_PRINT_SCALE, name
        assert _scale(sh) >= MIN_PRINT_SCALE, name
