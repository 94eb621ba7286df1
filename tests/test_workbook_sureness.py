"""How sure the ranking is and the strategies side by side, in the workbook (issue 15, points 3–5):
the shipped samples exported with resamples and the comparison, read back with openpyxl."""

from __future__ import annotations

import zipfile
from datetime import datetime

import openpyxl
import pytest
from tuiutil import sample_workspace

from reviewer import excel
from reviewer.excel import boundary, ranking, strategies
from reviewer.excel.book import LINE_HEIGHT
from reviewer.present import result as words
from reviewer.present import sureness
from reviewer.services.results import export_workbook
from reviewer.workspace import Workspace

#: ランキング's one sureness column; the figures themselves are on 境界域.
SURENESS_HEADERS = [sureness.SURENESS_COLUMN]
#: (program, method) of each export: r2-iot has a boundary zone, r5-smartcity-2 strategies that
#: disagree, r2-ai-plan minimums no strategy can meet.
CASES = {"iot": ("r2-iot", "mean"), "sc": ("r5-smartcity-2", "adjusted"), "ai": ("r2-ai-plan", "mean")}
WHEN = datetime(2026, 4, 1, 9, 0)


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    return sample_workspace(tmp_path_factory.mktemp("sureness"), tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def exports(ws_path, tmp_path_factory):
    """Each case exported with 200 resamples (seed 1) and the comparison: (result, workbook, path)."""
    out = tmp_path_factory.mktemp("sureness-xlsx")
    done = {}
    with Workspace.open(ws_path) as ws:
        for key, (program, method) in CASES.items():
            path = out / f"{key}.xlsx"
            result = export_workbook(ws, program, path, "test", method=method, resamples=200, seed=1, compare=True,
                                     generated_at=WHEN).result
            done[key] = (result, openpyxl.load_workbook(path), path)
    return done


def header_row(sh, first="順位"):
    for row in sh.iter_rows(min_row=1, max_row=40):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no header in {sh.title}")


def table(sh, hr):
    """The rows under the header at ``hr`` up to the first empty one, as dicts by header."""
    headers = [c.value for c in sh[hr]]
    rows = []
    for r in range(hr + 1, sh.max_row + 1):
        cells = sh[r]
        if cells[1].value is None:
            break
        rows.append({h: c for h, c in zip(headers, cells) if h})
    return headers, rows


@pytest.mark.parametrize("key", list(CASES))
def test_ranking_columns_hold_the_results_figures(exports, key):
    """One column 順位の確かさ after 採択候補: the 90 % interval and the share selected, 「境界域」
    first and yellow in the zone, blank where not ranked; the zone's figures are on 境界域."""
    result, wb, _ = exports[key]
    sh = wb[ranking.SHEET]
    hr = header_row(sh)
    headers, rows = table(sh, hr)
    at = headers.index("採択候補")
    assert headers[at + 1: at + 1 + len(SURENESS_HEADERS)] == SURENESS_HEADERS
    for old in (sureness.BOUNDARY, sureness.EXPECTED_RANK, sureness.RANK_INTERVAL, sureness.P_SELECTED):
        assert old not in headers
    by_id = {a.id: a for a in result.applications}
    assert [r["申請ID"].value for r in rows] == [a.id for a in result.applications]
    for r in rows:
        a = by_id[r["申請ID"].value]
        cell = r[sureness.SURENESS_COLUMN]
        if a.rank is None:
            assert cell.value in ("", None)
            continue
        assert a.rank_interval is not None and a.p_selected is not None
        lo, hi = a.rank_interval
        figures = f"{lo}位" if lo == hi else f"{lo}〜{hi}位"
        figures += f"・{round(100 * a.p_selected)}%"
        assert figures == f"{sureness.rank_interval_text(a)}・{sureness.share_text(a.p_selected)}"
        assert cell.value == (f"{sureness.BOUNDARY}\n{figures}" if a.boundary else figures), a.id
        assert cell.value == ranking.sureness_text(a)
        assert cell.alignment.wrap_text
        assert cell.fill.fgColor.rgb.endswith(ranking.BOUNDARY_FILL[1:]) is a.boundary, a.id
        assert r["申請ID"].fill.fgColor.rgb.endswith("E2EFDA") is a.selected  # the row keeps its own colour
        if a.boundary:  # as high as its two lines
            assert (sh.row_dimensions[cell.row].height or 0) >= 2 * LINE_HEIGHT - 1, a.id
    marked = [r["申請ID"].value for r in rows if str(r[sureness.SURENESS_COLUMN].value or "").startswith(sureness.BOUNDARY)]
    assert marked == [a.id for a in result.boundary]
    # the full figures of the zone's applications are on 境界域, strict against the Result
    zone_sh = wb[boundary.SHEET]
    zone_headers, zone_rows = table(zone_sh, header_row(zone_sh))
    lo_h, hi_h = zone_headers[6], zone_headers[7]
    figures = {z["申請ID"].value: z for z in zone_rows}
    assert list(figures) == marked
    for i in marked:
        a, z = by_id[i], figures[i]
        assert z[sureness.EXPECTED_RANK].value == pytest.approx(a.expected_rank)
        assert (z[lo_h].value, z[hi_h].value) == a.rank_interval
        assert z[sureness.P_SELECTED].value == pytest.approx(a.p_selected)
    notes = [c.value for c in sh["A"][hr + len(rows):] if c.value]
    assert sureness.sureness_line(result) in notes
    assert any(sureness.BOUNDARY_RULE in n and "黄色" in n for n in notes)


def test_the_samples_have_a_boundary_zone(exports):
    """The cases exercise both a zone (r2-iot) and none (r5-smartcity-2 adjusted)."""
    assert exports["iot"][0].boundary
    assert not exports["sc"][0].boundary


@pytest.mark.parametrize("key", list(CASES))
def test_the_boundary_sheet_lists_exactly_the_zone(exports, key):
    result, wb, _ = exports[key]
    sh = wb[boundary.SHEET]
    assert sh.cell(row=2, column=1).value == sureness.sureness_line(result)
    hr = header_row(sh)
    headers, rows = table(sh, hr)
    assert headers == boundary.HEADERS
    assert [r["申請ID"].value for r in rows] == [a.id for a in result.boundary]
    lo_h, hi_h = headers[6], headers[7]
    for r, a in zip(rows, result.boundary):
        assert r["順位"].value == a.rank and r["申請者"].value == a.applicant and r["総合通信局"].value == a.bureau
        assert r["合計"].value == pytest.approx(a.total)
        assert r[sureness.EXPECTED_RANK].value == pytest.approx(a.expected_rank)
        assert (r[lo_h].value, r[hi_h].value) == a.rank_interval
        assert r[sureness.P_SELECTED].value == pytest.approx(a.p_selected) and r[sureness.P_SELECTED].number_format == "0%"
        assert (r["判定"].value or "") == words.verdict(a, result.program)
    if not result.boundary:
        assert sh.cell(row=hr + 1, column=1).value == sureness.NO_BOUNDARY
    # the explanation under the table: each sentence wrapped over the table's width, its row high enough
    cells = {c.value: c for c in sh["A"] if c.value in sureness.SURENESS_EXPLANATION}
    assert list(cells) == list(sureness.SURENESS_EXPLANATION)
    merged = {str(m) for m in sh.merged_cells.ranges}
    for text, c in cells.items():
        assert f"A{c.row}:J{c.row}" in merged and c.alignment.wrap_text
    longest = cells[max(sureness.SURENESS_EXPLANATION, key=len)]
    assert (sh.row_dimensions[longest.row].height or 0) >= 2 * LINE_HEIGHT - 1  # in whole pixels
    assert sh.freeze_panes == f"D{hr + 1}" and sh.auto_filter.ref.startswith(f"A{hr}:J")
    assert sh.page_setup.orientation == "landscape" and sh.page_setup.paperSize == 9


@pytest.mark.parametrize("key", list(CASES))
def test_the_comparison_sheet_equals_the_comparison(exports, key):
    result, wb, _ = exports[key]
    c = result.comparison
    sh = wb[strategies.SHEET]
    hr = header_row(sh, "方式")
    first = [f for f, _ in strategies.OUTCOME_SPANS]  # the outcome cells lie over the differences' columns
    assert [sh[hr][f].value for f in first] == list(sureness.COMPARISON_HEADERS)
    for i, o in enumerate(c.outcomes):
        cells = [sh[hr + 1 + i][f] for f in first]
        assert cells[0].value == strategies.outcome_name(o.strategy, c.chosen)  # in words, no code
        assert bool(cells[0].font.b) is (o.strategy == c.chosen)
        assert cells[1].value == len(o.selected) and cells[2].value == o.yen
        assert cells[2].number_format == '#,##0"円"' and cells[3].value == pytest.approx(o.totals)
        assert cells[4].value == sureness.minimums_text(o)
    texts = [x.value for x in sh["A"] if isinstance(x.value, str)]
    assert sureness.comparison_summary(c) in texts
    names = [o.strategy for o in c.outcomes]
    if c.differences:
        dhr = header_row(sh)
        headers, rows = table(sh, dhr)
        assert headers[:6] == strategies.DIFF_HEADERS
        assert [r["申請ID"].value for r in rows] == [d.id for d in c.differences]
        for r, d in zip(rows, c.differences):
            assert r["順位"].value == d.rank and r["申請額"].value == d.requested_subsidy_yen
            assert r["合計"].value == pytest.approx(d.total) and r["総合通信局"].value == d.bureau
            for s in names:
                col = headers.index(strategies.strategy_label(s))
                assert r[headers[col]].value == sureness.chosen_mark(d.selected[s])
                assert r[headers[col + 1]].value == d.why[s]
        assert sh.freeze_panes == f"C{dhr + 1}" and sh.auto_filter.ref.startswith(f"A{dhr}:")
    notes = [f"{strategies.strategy_label(o.strategy)}: {n}" for o in c.outcomes for n in o.notes]
    assert [t for t in texts if t in notes] == notes


def test_the_cases_cover_differences_and_notes(exports):
    assert exports["sc"][0].comparison.differences
    assert not exports["iot"][0].comparison.differences
    assert any(o.notes for o in exports["ai"][0].comparison.outcomes)


def test_the_effect_column_with_the_adjusted_method(exports):
    result, wb, _ = exports["sc"]
    sh = wb["評価委員統計"]
    hr = header_row(sh, "評価委員ID")
    headers, rows = table(sh, hr)
    assert headers[-1] == sureness.EFFECT
    effects = {e.evaluator: e.effect for e in result.evaluator_stats}
    assert all(e is not None for e in effects.values())
    for r in rows:
        cell = r[sureness.EFFECT]
        assert cell.value == pytest.approx(effects[r["評価委員ID"].value]) and cell.number_format == "+0.0;-0.0"
    texts = [c.value for c in sh["A"] if isinstance(c.value, str)]
    assert sureness.shrinkage_text(result) in texts
    assert all(line in texts for line in sureness.ADJUSTED_EXPLANATION)


@pytest.mark.parametrize("key", ["iot", "ai"])
def test_no_effect_column_for_other_methods(exports, key):
    _, wb, _ = exports[key]
    sh = wb["評価委員統計"]
    hr = header_row(sh, "評価委員ID")
    assert sureness.EFFECT not in [c.value for c in sh[hr]]
    texts = [c.value for c in sh["A"] if isinstance(c.value, str)]
    assert not any(line in texts for line in sureness.ADJUSTED_EXPLANATION)


def test_the_overview_says_how_sure(exports):
    for key, (result, wb, _) in exports.items():
        ov = {r[0]: r[1] for r in wb["概要"].iter_rows(min_row=4, values_only=True) if r[0]}
        assert sureness.sureness_line(result).endswith(ov["順位の確かさ"]), key
        assert ov["選定方式の比較"] == sureness.comparison_summary(result.comparison)
        shrink = sureness.shrinkage_text(result)
        assert (shrink != "") is (key == "sc")
        if shrink:
            assert shrink.endswith(ov["評価者の傾向の縮小の強さ"])


def test_without_resamples_or_comparison_the_sheets_are_absent(ws_path, tmp_path):
    out = tmp_path / "plain.xlsx"
    with Workspace.open(ws_path) as ws:
        result = export_workbook(ws, "r2-iot", out, "test", resamples=0, compare=False).result
    wb = openpyxl.load_workbook(out)
    assert boundary.SHEET not in wb.sheetnames and strategies.SHEET not in wb.sheetnames
    expected = [s for s in excel.SHEETS if s not in (boundary.SHEET, strategies.SHEET)]
    expected.insert(expected.index("適格性") + 1, excel.FILES_SHEET)  # r2-iot samples carry files (SPEC §6.2)
    assert wb.sheetnames == expected
    sh = wb[ranking.SHEET]
    headers = [c.value for c in sh[header_row(sh)]]
    assert not set(SURENESS_HEADERS) & set(headers)
    assert headers[headers.index("採択候補") + 1] == "申請額"
    ov = {r[0]: r[1] for r in wb["概要"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert sureness.sureness_line(result).endswith(ov["順位の確かさ"]) and "選定方式の比較" not in ov


def test_resamples_without_comparison(ws_path, tmp_path):
    out = tmp_path / "sure.xlsx"
    with Workspace.open(ws_path) as ws:
        export_workbook(ws, "r2-iot", out, "test", resamples=50, seed=3)
    names = openpyxl.load_workbook(out).sheetnames
    assert boundary.SHEET in names and strategies.SHEET not in names
    assert names.index(boundary.SHEET) == names.index(ranking.SHEET) + 2  # after 項目別内訳


def test_no_formula_anywhere(exports):
    for _, _, path in exports.values():
        with zipfile.ZipFile(path) as z:
            xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
            assert "<f>" not in xml


def test_constant_memory_loses_nothing_on_the_new_sheets(exports, tmp_path, monkeypatch):
    """Merged notes, row heights and the new columns come out as in the default mode."""
    import xlsxwriter

    def dump(path):
        wb = openpyxl.load_workbook(path)
        return {sh.title: ({(c.row, c.column): c.value for row in sh.iter_rows() for c in row if c.value is not None},
                           sh.freeze_panes, sh.auto_filter.ref, sorted(str(m) for m in sh.merged_cells.ranges),
                           {k: d.height for k, d in sh.row_dimensions.items() if d.height})
                for sh in wb.worksheets}

    real = xlsxwriter.Workbook
    for key, (result, _, _) in exports.items():
        excel.write_workbook(result, tmp_path / "cm.xlsx", generated_at=WHEN)
        monkeypatch.setattr(excel.xlsxwriter, "Workbook",
                            lambda path, options: real(path, dict(options, constant_memory=False)))
        excel.write_workbook(result, tmp_path / "plain.xlsx", generated_at=WHEN)
        monkeypatch.setattr(excel.xlsxwriter, "Workbook", real)
        assert dump(tmp_path / "cm.xlsx") == dump(tmp_path / "plain.xlsx"), key
