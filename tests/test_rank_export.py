"""reviewer rank and reviewer export on the shipped samples; the workbook read back with openpyxl."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest
from conftest import ROOT
from wsutil import run

from reviewer.excel import ranking
from reviewer.excel.book import LINE_HEIGHT
from reviewer.present.text import width
from reviewer.services.sheets import reopen_sheet, save_sheet
from reviewer.workspace import Workspace

SPEC_HEADERS = ["順位", "申請ID", "申請者", "都道府県", "総合通信局", "得点率", "加点", "合計", "採択候補"]


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory):
    path = tmp_path_factory.mktemp("samples") / "ws"
    r = run("init", "--workspace", str(path), "--criteria", str(ROOT / "criteria"),
            "--applications", str(ROOT / "sample_applications"), "--panel", str(ROOT / "sample_applications" / "panel.toml"))
    assert r.returncode == 0, r.stderr
    r = run("import-scores", "--workspace", str(path), str(ROOT / "sample_applications" / "scores"))
    assert r.returncode == 0, r.stderr
    return path


def rank_json(ws, program, *extra):
    r = run("rank", "--workspace", str(ws), "--program", program, "--json", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_rank_json_is_the_spec_object(sample_ws):
    j = rank_json(sample_ws, "r5-smartcity-2")
    assert j["program"] == "r5-smartcity-2" and j["method"] == "mean"
    assert j["budget_yen"] == 250_000_000 and j["oversubscribed"] is True
    apps = j["applications"]
    assert len(apps) == 16
    ranked = [a for a in apps if a["rank"] is not None]
    assert [a["rank"] for a in ranked] == list(range(1, len(ranked) + 1))
    assert apps[: len(ranked)] == ranked
    rest = [a["id"] for a in apps[len(ranked):]]
    assert rest == sorted(rest)
    for a in ranked:
        assert a["eligible"] and a["reasons"] == [] and a["reviews"] >= 3
        assert a["total"] == pytest.approx(a["score_rate"] + a["bonus"])
        assert a["panel_score"] == pytest.approx(a["score_rate"] * a["max_points"] / 100)
    totals = [a["total"] for a in ranked]
    assert totals == sorted(totals, reverse=True)
    reasons = {a["id"]: a["reasons"] for a in apps}
    assert reasons["SC-0012"] == ["documents"] and reasons["SC-0014"] == ["min-cost"]
    assert "consortium" in reasons["SC-0011"] and "must:1-1" in reasons["SC-0011"]
    selected = [a for a in apps if a["selected"]]
    assert sum(a["requested_subsidy_yen"] for a in selected) <= 250_000_000
    assert any(a["bonus"] > 0 for a in ranked)  # the My Number bonus applies
    assert [b["bureau"] for b in j["balance"]] == ["北海道", "東北", "関東", "信越", "北陸", "東海", "近畿", "中国", "四国", "九州", "沖縄"]
    assert sum(b["applications"] for b in j["balance"]) == 16


def test_budget_what_if_turns_the_bonus_off(sample_ws):
    j = rank_json(sample_ws, "r5-smartcity-2", "--budget", "1,000,000,000")
    assert j["budget_yen"] == 1_000_000_000 and not j["oversubscribed"]
    assert all(a["bonus"] == 0 for a in j["applications"])
    ranked = [a for a in j["applications"] if a["rank"]]
    assert all(a["selected"] for a in ranked)


def test_must_failures_and_disagreement_in_r2_iot(sample_ws):
    apps = {a["id"]: a for a in rank_json(sample_ws, "r2-iot")["applications"]}
    assert "must:M4" in apps["IOT-0006"]["reasons"]      # 2 fail of 4: a tie fails
    assert "must:M3" in apps["IOT-0025"]["reasons"]
    assert apps["IOT-0015"]["disagreement"] is True
    assert apps["IOT-0009"]["reasons"] == ["applicant-type"] and apps["IOT-0009"]["rank"] is None


def test_ai_plan_quotas(sample_ws):
    j = rank_json(sample_ws, "r2-ai-plan")
    assert j["budget_yen"] is None and j["oversubscribed"] is False
    bal = {b["bureau"]: b for b in j["balance"]}
    assert all(b["min"] == 4 and b["max"] == 10 for b in bal.values())
    # the samples: 5 to 7 applications in each bureau but 沖縄's 3, where 4 are wanted; all fit
    assert {k for k, b in bal.items() if b["status"] == "under"} == {"沖縄"}
    assert sum(1 for b in bal.values() if b["eligible"] >= 5) >= 8 and j["min_selected_met"] is True
    assert sum(b["selected"] for b in bal.values()) == sum(1 for a in j["applications"] if a["selected"])


@pytest.mark.parametrize("method", ["median", "trimmed", "zscore", "adjusted"])
def test_methods(sample_ws, method):
    j = rank_json(sample_ws, "r2-iot", "--method", method)
    assert j["method"] == method and j["applications"][0]["rank"] == 1


def test_rank_table_in_japanese_with_the_cut_line(sample_ws):
    r = run("rank", "--workspace", str(sample_ws), "--program", "r5-smartcity-2")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    header = next(l for l in lines if l.split()[:1] == ["順位"])  # the table's, not 順位の確かさ
    for h in ["申請ID", "申請者", "総合通信局", "得点率", "加点", "合計", "採択候補"]:
        assert h in header
    cut = next(i for i, l in enumerate(lines) if "採択候補ここまで" in l)
    above = [l for l in lines[:cut] if l.strip() and l.strip()[0].isdigit()]
    assert above and all("採択" in l for l in above)
    assert "対象外: 提出書類" in r.stdout and "自動加点（マイナンバーカード交付率）: 適用" in r.stdout
    assert "地域バランス" in r.stdout and "Krippendorff" in r.stdout


def test_rank_usage_errors(sample_ws):
    assert run("rank", "--workspace", str(sample_ws), "--program", "r2-iot", "--method", "best").returncode == 2
    assert run("rank", "--workspace", str(sample_ws), "--program", "r2-iot", "--budget", "たくさん").returncode == 2
    r = run("rank", "--workspace", str(sample_ws), "--program", "nope")
    assert r.returncode == 1 and "nope" in r.stderr


@pytest.fixture(scope="module")
def workbook(sample_ws, tmp_path_factory):
    with Workspace.open(sample_ws) as ws:  # untrusted text in a comment
        reopen_sheet(ws, "r5-smartcity-2", "SC-0001", "e08", actor="test", reason="t")
        sheet = ws.sheet("r5-smartcity-2", "SC-0001", "e08")
        save_sheet(ws, "r5-smartcity-2", "SC-0001", "e08", sheet.scores,
                      '=HYPERLINK("http://evil.example","x") +1 -1 @SUM(A1) http://example.com \x1b[31m赤',
                      "submitted", actor="test")
    out = tmp_path_factory.mktemp("xlsx") / "結果.xlsx"
    r = run("export", "--workspace", str(sample_ws), "--program", "r5-smartcity-2", "--output", str(out))
    assert r.returncode == 0, r.stderr
    return out, openpyxl.load_workbook(out)


def test_workbook_sheets(workbook):
    _, wb = workbook
    # export resamples by default (境界域); 選定方式の比較 only with --compare
    from reviewer import excel

    assert wb.sheetnames[:6] == ["表紙", "採択候補先一覧", "不採択・対象外", "通知先一覧", "概要", "ランキング"]
    # the shipped r5 samples carry their files (SPEC §6.2): 提出書類 after 適格性
    expected = [s for s in excel.SHEETS if s != "選定方式の比較"]
    expected.insert(expected.index("適格性") + 1, "提出書類")
    assert wb.sheetnames == expected
    assert {"境界域", "審査方法", "採択候補先一覧", "不採択・対象外"} <= set(wb.sheetnames)


def header_row(ws):
    for row in ws.iter_rows(min_row=1, max_row=10):
        if row[0].value == "順位":
            return row[0].row
    raise AssertionError("no header")


def test_ranking_sheet_rows_follow_rank_json(workbook, sample_ws):
    _, wb = workbook
    ws = wb["ランキング"]
    hr = header_row(ws)
    headers = [c.value for c in ws[hr]]
    assert headers[:9] == SPEC_HEADERS
    assert "判定・理由" in headers and "評価数" not in headers  # the reviews and the means are on 項目別内訳
    bd = wb["項目別内訳"]
    bd_headers = [c.value for c in bd[header_row(bd)]]
    assert "評価数" in bd_headers and "(2) 具体性・実行性\n2-3 多様な主体の参画（平均）" in bd_headers
    ids = [ws.cell(row=r, column=2).value for r in range(hr + 1, ws.max_row + 1) if ws.cell(row=r, column=2).value]
    expected = [a["id"] for a in rank_json(sample_ws, "r5-smartcity-2")["applications"]]
    assert ids[: len(expected)] == expected
    first = hr + 1
    by_id = {a["id"]: a for a in rank_json(sample_ws, "r5-smartcity-2")["applications"]}
    assert ws.cell(row=first, column=1).value == 1
    for r in range(first, first + len(expected)):  # 得点率, 加点 and 合計 all in points, as rank --json has them
        a = by_id[ws.cell(row=r, column=2).value]
        for col, key in ((6, "score_rate"), (7, "bonus"), (8, "total")):
            cell = ws.cell(row=r, column=col)
            assert cell.number_format == "0.00" and cell.value == pytest.approx(a[key]), (a["id"], key)
    assert ws.cell(row=first, column=9).value == "採択候補"
    assert ws.cell(row=first, column=headers.index("申請額") + 1).number_format == '#,##0"円"'
    assert ws.cell(row=first, column=1).fill.fgColor.rgb.endswith("E2EFDA")  # selected rows highlighted
    last_ineligible = hr + len(expected)
    assert ws.cell(row=last_ineligible, column=1).value is None
    assert ws.cell(row=last_ineligible, column=2).font.color.rgb.endswith("808080")  # greyed
    assert "対象外" in ws.cell(row=last_ineligible, column=len(headers)).value
    # the cut line: a thick red border under the last selected row
    cut_rows = [r for r in range(hr + 1, hr + 1 + len(expected)) if ws.cell(row=r, column=1).border.bottom.style == "thick"]
    assert len(cut_rows) == 1
    assert ws.cell(row=cut_rows[0], column=9).value == "採択候補"
    assert ws.cell(row=cut_rows[0] + 1, column=9).value in ("", None)


def test_ranking_sheet_layout_and_print(workbook):
    _, wb = workbook
    ws = wb["ランキング"]
    hr = header_row(ws)
    assert ws.freeze_panes == f"D{hr + 1}"
    assert ws.auto_filter.ref.startswith(f"A{hr}:")
    assert ws.print_title_rows == f"$1:${hr}"  # the title and the header on every page
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.cell(row=hr + 1, column=3).font.name == "游ゴシック"
    names = [ws.cell(row=r, column=3).value for r in range(hr + 1, ws.max_row + 1) if ws.cell(row=r, column=3).value]
    need = min(ranking.APPLICANT_WIDTH, max(width(n) for n in names) + 2)
    assert ws.column_dimensions["C"].width >= need > len(max(names, key=len)) / 2 + 2  # wide characters count two
    long = next(r for r in range(hr + 1, ws.max_row + 1) if width(ws.cell(row=r, column=3).value or "") > need - 2)
    assert ws.cell(row=long, column=3).alignment.wrap_text and ws.row_dimensions[long].height >= 2 * LINE_HEIGHT


def test_text_never_becomes_a_formula_or_a_link(workbook):
    path, wb = workbook
    ws = wb["コメント"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert len(cells) == 1
    c = cells[0]
    assert c.data_type == "s" and c.value.startswith('=HYPERLINK("http://evil.example"')
    assert not ws._hyperlinks
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
        assert "<f>" not in xml  # no formula anywhere
        assert not [n for n in z.namelist() if "externalLink" in n or n.endswith(".rels") and "hyperlink" in z.read(n).decode()]


def test_other_sheets(workbook):
    path, wb = workbook
    bal = wb["地域バランス"]
    assert bal.cell(row=4, column=1).value == "総合通信局"
    assert [bal.cell(row=r, column=1).value for r in range(5, 16)][:2] == ["北海道", "東北"]
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())
    ov = {r[0]: r[1] for r in wb["概要"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert ov["予算額"] == 250_000_000 and ov["予算超過（応募額 > 予算）"] == "はい"
    assert ov["自動加点（マイナンバーカード交付率など）"].startswith("適用した")
    assert ov["集計方法"] == "平均" and "作成日時" in ov  # in words: no internal code in an official document
    el = [r for r in wb["適格性"].iter_rows(min_row=5, values_only=True) if r[0] == "SC-0012"]
    assert any(r[3] == "提出書類" and r[4] == "不適合" and "セキュリティチェックシート" in r[5] for r in el)
    ev = [r for r in wb["評価委員別"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert len(ev) == 63 and {r[0] for r in ev} == {"e02", "e08", "e09", "e10"}
    st = [r for r in wb["評価委員統計"].iter_rows(min_row=5, max_row=8, values_only=True)]
    assert [r[0] for r in st] == ["e02", "e08", "e09", "e10"] and all(r[2] >= 15 for r in st)
    fb = wb["分野バランス"]
    assert "区分がありません" in fb.cell(row=5, column=1).value


def test_export_failure_writes_nothing(sample_ws, tmp_path):
    out = tmp_path / "missing-dir" / "x.xlsx"
    r = run("export", "--workspace", str(sample_ws), "--program", "r2-iot", "--output", str(out))
    assert r.returncode == 1 and "書き込めません" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists() and not (tmp_path / "missing-dir").exists()
    assert run("export", "--workspace", str(sample_ws), "--program", "r2-iot", "--output", str(tmp_path / "x.csv")).returncode == 2


def test_field_balance_of_r2_iot(sample_ws, tmp_path):
    out = tmp_path / "iot.xlsx"
    assert run("export", "--workspace", str(sample_ws), "--program", "r2-iot", "--output", str(out)).returncode == 0
    wb = openpyxl.load_workbook(out)
    rows = [r for r in wb["分野バランス"].iter_rows(min_row=5, values_only=True) if r[0]]
    tracks = [r for r in rows if r[0] == "要件"]
    models = [r for r in rows if r[0] == "分野別モデル"]
    assert [r[1] for r in tracks] == ["A", "B", "C"] and len(models) == 12
    assert sum(r[3] for r in models) == 28


def test_export_of_an_ineligible_application_with_disagreement(tmp_path):
    """A greyed row that also carries the disagreement colour (a bug found by the benchmark)."""
    from wsutil import FULL, make_inputs

    from reviewer.services.setup import init_workspace

    crit, apps, panel = make_inputs(tmp_path, n_apps=1, panel={"evaluators": [
        {"id": f"e{i}", "name": f"評価者{i}", "programs": ["r2-iot"]} for i in range(3)]})
    init_workspace(tmp_path / "ws", crit, apps, panel)
    with Workspace.open(tmp_path / "ws") as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e0", dict(FULL, M1="fail", **{f"A{i}": 0 for i in range(1, 9)}), status="submitted")
        save_sheet(ws, "r2-iot", "T-0001", "e1", dict(FULL, M1="fail", **{f"A{i}": 5 for i in range(1, 9)}), status="submitted")
        save_sheet(ws, "r2-iot", "T-0001", "e2", FULL, status="submitted")
    out = tmp_path / "x.xlsx"
    r = run("export", "--workspace", str(tmp_path / "ws"), "--program", "r2-iot", "--output", str(out))
    assert r.returncode == 0, r.stderr
    ws_ = openpyxl.load_workbook(out)["ランキング"]
    hr = header_row(ws_)
    headers = [c.value for c in ws_[hr]]
    row = hr + 1
    assert ws_.cell(row=row, column=2).value == "T-0001" and ws_.cell(row=row, column=1).value is None
    bd = openpyxl.load_workbook(out)["項目別内訳"]
    headers = [c.value for c in bd[header_row(bd)]]
    spread = bd.cell(row=row, column=headers.index("乖離（最大−最小）") + 1)
    assert spread.value > 30 and "乖離大" in spread.number_format and spread.font.color.rgb.endswith("C00000")


def test_constant_memory_loses_nothing(sample_ws, tmp_path, monkeypatch):
    """The workbook is written in constant_memory mode, where a cell written above the last
    flushed row is silently dropped: every sheet must come out as it does in the default mode
    (values, panes, filters, row heights)."""
    from datetime import datetime

    import xlsxwriter

    from reviewer import excel
    from reviewer.services.results import score_workspace

    def dump(path):
        wb = openpyxl.load_workbook(path)
        return {sh.title: ({(c.row, c.column): c.value for row in sh.iter_rows() for c in row if c.value is not None},
                           sh.freeze_panes, sh.auto_filter.ref,
                           {k: d.height for k, d in sh.row_dimensions.items() if d.height})
                for sh in wb.worksheets}

    when = datetime(2026, 4, 1, 9, 0)
    real = xlsxwriter.Workbook
    with Workspace.open(sample_ws) as ws:
        for program in ws.program_names():
            result = score_workspace(ws, program)
            excel.write_workbook(result, tmp_path / "cm.xlsx", generated_at=when)
            monkeypatch.setattr(excel.xlsxwriter, "Workbook",
                                lambda path, options: real(path, dict(options, constant_memory=False)))
            excel.write_workbook(result, tmp_path / "plain.xlsx", generated_at=when)
            monkeypatch.setattr(excel.xlsxwriter, "Workbook", real)
            assert dump(tmp_path / "cm.xlsx") == dump(tmp_path / "plain.xlsx"), program
            with zipfile.ZipFile(tmp_path / "cm.xlsx") as z:
                assert "xl/sharedStrings.xml" not in z.namelist()  # the mode is really on
