"""The second half of a review in the workbook (SPEC §6.4, §6.7): the hearing, the decisions with
their reasons, the final list (採択候補先) and the finalized state. A copy of the shipped samples
gets a shortlist, hearing sheets, requests (one answered with a file), opinions and decisions (one
selecting beyond the budget, one with a formula-looking reason), is finalized and exported, and
the workbook is read back with openpyxl against the scored result and ``rank --json``."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime

import openpyxl
import pytest
from tuiutil import sample_workspace
from wsutil import run

from reviewer import excel
from reviewer.excel import REVIEW_SHEETS, ReviewRecords, final, hearing, materials, overview, ranking
from reviewer.excel.book import ALERT, LINE_HEIGHT
from reviewer.present import review as second
from reviewer.present.text import jst
from reviewer.rules.sheets import stage_criteria
from reviewer.services import review as rv
from reviewer.services.results import export_workbook
from reviewer.services.sheets import save_sheet
from reviewer.workspace import Workspace

P = "r2-iot"
WHEN = datetime(2026, 12, 20, 9, 0)
HEARD = ["IOT-0001", "IOT-0017", "IOT-0023"]
LONG_REASON = "地域バランスを考慮し、東海の広域連携による共同利用の効果と事業の継続性を評価して採択とする。" * 3
#: The decisions: (application, decision, reason). IOT-0017 is computed selected and rejected,
#: IOT-0008 and IOT-0005 are selected although not (past the budget), IOT-0023 agrees.
DECISIONS = [("IOT-0017", "reject", "既存の補助事業と内容が重複するため"), ("IOT-0008", "select", "=1+1"),
             ("IOT-0005", "select", LONG_REASON), ("IOT-0023", "select", "ヒアリングで計画の妥当性を確認した")]
PDF = b"%PDF-1.4 estimate"


def _hearing_sheets(ws: Workspace) -> None:
    program = ws.program(P)
    for i, app in enumerate(HEARD):
        crit = stage_criteria(program, ws.application(P, app), "hearing")
        evaluators = sorted({s.evaluator for s in ws.sheets(program=P, application=app)})
        for j, ev in enumerate(evaluators[: 3 if i < 2 else 2]):
            save_sheet(ws, P, app, ev, {cid: 4 if j % 2 else 3 for cid in crit},
                       f"ヒアリングの所見 {app} {ev}\n=SUM(A1) 追加の根拠あり", status="submitted", stage="hearing",
                       actor="test")


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    path = sample_workspace(tmp_path_factory.mktemp("review"), tmp_path_factory.getbasetemp())
    (tmp_path_factory.getbasetemp() / "見積書.pdf").write_bytes(PDF)
    with Workspace.open(path) as ws:
        rv.shortlist(ws, P, HEARD, "chair", "test", scheduled="2026-12-10 10:00", place="https://meet.example/x")
        _hearing_sheets(ws)
        n = rv.request_materials(ws, P, "IOT-0017", "事業費の積算根拠（見積書の写し）", "2026-12-15", "chair", "test")
        rv.answer_request(ws, P, n, "chair", "test", text='見積書を添付します。=HYPERLINK("http://evil.example")',
                          file=rv.received_file(tmp_path_factory.getbasetemp() / "見積書.pdf"))
        rv.request_materials(ws, P, "IOT-0023", "実証地域の協定書", "", "chair", "test")
        rv.record_opinion(ws, P, "IOT-0017", "四国総合通信局", "推進体制は整っているが、既存事業との重複に注意。", "chair", "test",
                          given_on="2026-12-05")
        rv.record_opinion(ws, P, "IOT-0008", "支援実施事業者", "@SUM(1) 計画の実現性は高い", "chair", "test")
        for app, decision, reason in DECISIONS:
            rv.decide(ws, P, app, decision, reason, "chair", "test")
        rv.decide(ws, "r5-smartcity-2", "SC-0001", "reject", "書面の内容に疑義", "chair", "test")
        from reviewer.services.results import score_workspace
        rv.finalize(ws, P, "chair", "委員長 松本", score_workspace(ws, P), drafts_ok=True)
    return path


@pytest.fixture(scope="module")
def export(ws_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("review-xlsx") / "iot.xlsx"
    with Workspace.open(ws_path) as ws:
        result = export_workbook(ws, P, path, "test", resamples=20, seed=1, generated_at=WHEN).result
    return result, openpyxl.load_workbook(path), path


def rows_under(sh, hr, stop=lambda r: False):
    """The rows under the header at ``hr`` up to the first empty one (or ``stop``), as dicts by header."""
    headers = [c.value for c in sh[hr]]
    out = []
    for r in range(hr + 1, sh.max_row + 1):
        cells = sh[r]
        if cells[1].value is None or stop(cells):
            break
        out.append({h: c for h, c in zip(headers, cells) if h})
    return out


def header_rows(sh, first):
    return [c.row for c in sh["A"] if c.value == first]


def test_the_sheets_of_the_second_half_in_order(export):
    result, wb, _ = export
    assert result.finalized and result.final.departures == 3
    names = wb.sheetnames
    assert names[:7] == ["表紙", "採択候補先一覧", "不採択・対象外", "通知先一覧", "概要", "採択候補先", "ランキング"]  # the final list after 概要
    # ヒアリング and 追加資料・意見 right after 境界域 (no 選定方式の比較 here); the rest as SHEETS has them
    assert names[names.index("境界域") + 1:names.index("境界域") + 3] == ["ヒアリング", "追加資料・意見"]
    rest = [s for s in excel.SHEETS if s != "選定方式の比較"]
    rest.insert(rest.index("適格性") + 1, excel.FILES_SHEET)  # the r5 samples carry files (SPEC §6.2)
    assert [n for n in names if n not in REVIEW_SHEETS] == rest
    assert set(REVIEW_SHEETS) == {final.SHEET, hearing.SHEET, materials.SHEET}


def test_the_ranking_shows_the_hearing_and_the_decisions_as_rank_json(export, ws_path):
    result, wb, _ = export
    sh = wb[ranking.SHEET]
    [hr] = header_rows(sh, "順位")
    headers = [c.value for c in sh[hr]]
    assert headers[:9] == ["順位", "申請ID", "申請者", "都道府県", "総合通信局", "得点率", "加点", "合計", "採択候補"]
    assert headers[9:14] == ["決定", "最終", "書面", "ヒアリング", "ヒアリング対象"]
    assert headers[-1] == "決定理由"
    r = run("rank", "--workspace", str(ws_path), "--program", P, "--json")
    assert r.returncode == 0, r.stderr
    ranked = {a["id"]: a for a in json.loads(r.stdout)["applications"]}
    rows = rows_under(sh, hr)
    assert [row["申請ID"].value for row in rows] == [a.id for a in result.applications]
    for row in rows:
        a, j = next(x for x in result.applications if x.id == row["申請ID"].value), ranked[row["申請ID"].value]
        assert row["得点率"].value == pytest.approx(j["score_rate"])  # points out of 100, as 合計
        assert row["書面"].value == pytest.approx(j["written_rate"])
        assert row["得点率"].number_format == row["書面"].number_format == row["合計"].number_format == "0.00"
        assert (row["ヒアリング"].value is None) is (j["hearing_rate"] is None)
        if j["hearing_rate"] is not None:
            assert row["ヒアリング"].value == pytest.approx(j["hearing_rate"]) == pytest.approx(a.hearing_rate)
        assert (row["ヒアリング対象"].value == "対象") is j["shortlisted"]
        assert (row["決定"].value or "") == second.decision_label(j["decision"])
        assert (row["最終"].value == "採択") is j["final_selected"]
        assert (row["決定理由"].value or None) == j["decision_reason"]
        red = (row["決定"].font.color is not None and str(row["決定"].font.color.rgb).endswith(ALERT[1:]))
        assert red is a.departs
    assert {row["申請ID"].value for row in rows if row["ヒアリング"].value is not None} == set(HEARD)


def test_the_final_list(export):
    result, wb, _ = export
    sh = wb[final.SHEET]
    f = result.final
    title = sh["A1"].value
    assert "確定済み" in title and jst(result.state.finalized_at) in title and "委員長 松本" in title
    hr = header_rows(sh, "順位")[0]
    warnings = [c for c in sh["A"][:hr] if isinstance(c.value, str) and c.value.startswith("警告: ")]
    assert [c.value for c in warnings] == [f"警告: {w}" for w in f.warnings]
    assert any("予算を超えています" in w for w in f.warnings) and f.yen > f.budget_yen
    # a selected municipality that has not made its 官民データ活用推進計画 (r2-iot 2(2)) is warned
    assert any("官民データ活用推進計画を必ず添付すること" in w for w in f.warnings)
    assert all(str(c.font.color.rgb).endswith(ALERT[1:]) and c.font.bold for c in warnings)
    assert [c.value for c in sh[hr]] == final.HEADERS
    rows = rows_under(sh, hr, stop=lambda cells: cells[1].value == "合計")
    assert [row["申請ID"].value for row in rows] == f.ids
    by_id = {a.id: a for a in result.applications}
    for row in rows:
        a = by_id[row["申請ID"].value]
        assert row["補助金申請額"].value == a.requested_subsidy_yen and row["合計"].value == pytest.approx(a.total)
        assert row["決定"].value == ("採択" if a.decision == "select" else "計算どおり")
        assert (row["理由"].value or None) == a.decision_reason
    totals = hr + len(rows) + 1
    assert sh.cell(row=totals, column=2).value == "合計" and sh.cell(row=totals, column=6).value == f.yen
    assert sh.cell(row=totals, column=3).value == f"{f.count} 件"
    assert "超過" in sh.cell(row=totals, column=8).value
    long_row = next(row for row in rows if row["申請ID"].value == "IOT-0005")["理由"].row
    assert sh.row_dimensions[long_row].height >= 3 * LINE_HEIGHT - 1


def test_the_final_list_per_bureau_and_the_departures(export):
    result, wb, _ = export
    sh = wb[final.SHEET]
    [br] = header_rows(sh, "総合通信局")
    counts = {sh.cell(row=r, column=1).value: sh.cell(row=r, column=3).value for r in range(br + 1, br + 12)}
    assert counts == result.final.by_bureau
    assert all(sh.cell(row=r, column=7).value for r in range(br + 1, br + 12))
    dr = header_rows(sh, "順位")[1]
    assert [c.value for c in sh[dr]] == final.DEPARTURE_HEADERS
    assert sh.cell(row=dr - 1, column=1).value == second.departure_heading(3)
    rows = rows_under(sh, dr)
    departing = [a for a in result.applications if a.departs]
    assert [row["申請ID"].value for row in rows] == [a.id for a in departing] == ["IOT-0017", "IOT-0008", "IOT-0005"]
    assert [row["計算上"].value for row in rows] == ["採択候補", "採択候補外", "採択候補外"]
    assert [row["決定"].value for row in rows] == ["不採択", "採択", "採択"]
    assert [row["理由"].value for row in rows] == [r for app, _, r in DECISIONS if app != "IOT-0023"]
    assert all(row["決定者"].value == "test" and row["決定日時"].value for row in rows)


def test_the_hearing_sheet(export, ws_path):
    result, wb, _ = export
    sh = wb[hearing.SHEET]
    assert second.weight_text(result.program) in sh["A2"].value
    hr = header_rows(sh, "順位")[0]
    rows = rows_under(sh, hr)
    with Workspace.open(ws_path, readonly=True) as ws:
        schedule = ws.shortlist(P)
    assert [row["申請ID"].value for row in rows] == [e.application for e in schedule]
    by_id = {a.id: a for a in result.applications}
    for row in rows:
        a = by_id[row["申請ID"].value]
        assert row["日時"].value == "2026-12-10 10:00" and row["場所"].value == "https://meet.example/x"
        assert row["書面"].value == pytest.approx(a.written_rate)
        assert row["ヒアリング"].value == pytest.approx(a.hearing_rate)
        assert row["得点率"].value == pytest.approx(a.score_rate)
        assert row["評価数"].value == len(a.hearing_sheet_rates)
    sr = header_rows(sh, "順位")[1]
    sheets = rows_under(sh, sr)
    assert len(sheets) == len(result.hearing_sheets) == 8
    for row in sheets:
        a = by_id[row["申請ID"].value]
        ev = row["評価委員"].value.split()[0]
        assert row["得点率"].value == pytest.approx(a.hearing_sheet_rates[ev])
        comment = row["コメント・項目別の所見"]
        assert comment.value.startswith(f"ヒアリングの所見 {a.id} {ev}\n=SUM(A1)") and comment.data_type == "s"
        assert sh.row_dimensions[comment.row].height >= 2 * LINE_HEIGHT - 1


def test_the_requests_and_opinions_sheet(export):
    _, wb, _ = export
    sh = wb[materials.SHEET]
    hr = header_rows(sh, "番号")[0]
    assert [c.value for c in sh[hr]] == materials.HEADERS
    answered, waiting = rows_under(sh, hr)
    assert answered["申請ID"].value == "IOT-0017" and answered["依頼する資料"].value == "事業費の積算根拠（見積書の写し）"
    assert answered["期限"].value == "2026-12-15" and answered["依頼日"].value and answered["回答日"].value
    assert answered["回答"].value.startswith("見積書を添付します。=HYPERLINK(") and answered["回答"].data_type == "s"
    assert answered["ファイル名"].value == "見積書.pdf" and answered["サイズ"].value == len(PDF)
    assert answered["SHA-256"].value == hashlib.sha256(PDF).hexdigest()
    assert waiting["申請ID"].value == "IOT-0023" and waiting["回答日"].value == "回答待ち"
    assert str(waiting["回答日"].font.color.rgb).endswith(ALERT[1:])
    assert waiting["ファイル名"].value in (None, "") and waiting["サイズ"].value is None
    orow = header_rows(sh, "番号")[1]
    assert [c.value for c in sh[orow]][:7] == materials.OPINION_HEADERS
    ops = rows_under(sh, orow)
    assert [(o["申請ID"].value, o["述べた者"].value, o["日付"].value or "") for o in ops] == [
        ("IOT-0008", "支援実施事業者", ""), ("IOT-0017", "四国総合通信局", "2026-12-05")]
    assert ops[0]["意見"].value == "@SUM(1) 計画の実現性は高い" and ops[0]["意見"].data_type == "s"
    assert second.OPINIONS_NOTE in sh["A2"].value


def test_the_overview_says_finalized_and_counts(export):
    result, wb, _ = export
    ov = {r[0]: r[1] for r in wb[overview.SHEET].iter_rows(min_row=4, values_only=True) if r[0]}
    state = ov[overview.STATE]
    assert state.startswith("確定済み") and jst(result.state.finalized_at) in state and "委員長 松本" in state
    assert ov["ヒアリングの重み"] == second.weight_text(result.program)
    assert ov["ヒアリングの対象"] == 3 and ov["ヒアリングの採点票のある申請"] == 3 and ov["提出済みのヒアリングの採点票"] == 8
    assert ov["採否の決定の記録"] == 4 and ov["うち計算上の選定と異なる決定"] == 3
    assert ov["採択候補先の件数"] == result.final.count and ov["採択候補先の補助金申請額の合計"] == result.final.yen
    assert "予算を超えています" in ov["採択候補先の警告"]
    assert ov["追加資料の依頼"] == 2 and ov["うち回答待ち"] == 1 and ov["意見（総合通信局等・支援実施事業者）"] == 2


def test_text_that_looks_like_a_formula_stays_text(export):
    _, wb, path = export
    cells = [c for name in (ranking.SHEET, final.SHEET) for row in wb[name].iter_rows() for c in row if c.value == "=1+1"]
    assert len(cells) == 3 and all(c.data_type == "s" for c in cells)  # ranking, final list, departures
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
        assert "<f>" not in xml
        assert not [n for n in z.namelist() if n.endswith(".rels") and "hyperlink" in z.read(n).decode()]


def test_an_open_result_with_a_decision_and_no_hearing(ws_path, tmp_path):
    out = tmp_path / "sc.xlsx"
    with Workspace.open(ws_path) as ws:
        result = export_workbook(ws, "r5-smartcity-2", out, "test", resamples=0).result
    wb = openpyxl.load_workbook(out)
    assert final.SHEET in wb.sheetnames
    assert hearing.SHEET not in wb.sheetnames and materials.SHEET not in wb.sheetnames
    assert wb[final.SHEET]["A1"].value.endswith("未確定")
    ov = {r[0]: r[1] for r in wb[overview.SHEET].iter_rows(min_row=4, values_only=True) if r[0]}
    assert ov[overview.STATE] == "未確定" and ov["採否の決定の記録"] == 1
    headers = [c.value for c in wb[ranking.SHEET][header_rows(wb[ranking.SHEET], "順位")[0]]]
    assert "決定" in headers and "書面" not in headers and "ヒアリング対象" not in headers
    assert result.final.ids == [r[1] for r in wb[final.SHEET].iter_rows(min_row=header_rows(wb[final.SHEET], "順位")[0]
                                                                         + 1, values_only=True)
                                if r[1] and r[1] != "合計"][: result.final.count]


def test_no_second_half_no_sheets_and_no_columns(ws_path, tmp_path):
    out = tmp_path / "ai.xlsx"
    with Workspace.open(ws_path) as ws:
        export_workbook(ws, "r2-ai-plan", out, "test", resamples=0)
    wb = openpyxl.load_workbook(out)
    assert not set(REVIEW_SHEETS) & set(wb.sheetnames)
    headers = [c.value for c in wb[ranking.SHEET][header_rows(wb[ranking.SHEET], "順位")[0]]]
    assert not {"決定", "最終", "書面", "ヒアリング", "ヒアリング対象", "決定理由"} & set(headers)
    ov = {r[0]: r[1] for r in wb[overview.SHEET].iter_rows(min_row=4, values_only=True) if r[0]}
    assert ov[overview.STATE] == "未確定" and ov["ヒアリングの対象"] == 0


def test_constant_memory_loses_nothing_on_the_review_sheets(export, ws_path, tmp_path, monkeypatch):
    """Merged cells, row heights and every value come out as in the default mode."""
    import xlsxwriter

    def dump(path):
        wb = openpyxl.load_workbook(path)
        return {sh.title: ({(c.row, c.column): c.value for row in sh.iter_rows() for c in row if c.value is not None},
                           sh.freeze_panes, sorted(str(m) for m in sh.merged_cells.ranges),
                           {k: d.height for k, d in sh.row_dimensions.items() if d.height})
                for sh in wb.worksheets}

    result, _, _ = export
    with Workspace.open(ws_path, readonly=True) as ws:
        records = ReviewRecords(tuple(ws.shortlist(P)), tuple(ws.requests(P)), tuple(ws.opinions(P)))
    real = xlsxwriter.Workbook
    excel.write_workbook(result, tmp_path / "cm.xlsx", generated_at=WHEN, review=records)
    monkeypatch.setattr(excel.xlsxwriter, "Workbook", lambda path, options: real(path, dict(options, constant_memory=False)))
    excel.write_workbook(result, tmp_path / "plain.xlsx", generated_at=WHEN, review=records)
    monkeypatch.setattr(excel.xlsxwriter, "Workbook", real)
    cm, plain = dump(tmp_path / "cm.xlsx"), dump(tmp_path / "plain.xlsx")
    assert cm == plain
    assert set(REVIEW_SHEETS) <= set(cm)
