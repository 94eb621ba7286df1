"""The sheets an official files for a decision (issue 17 point 2): 表紙 first (the facts equal the
result's, 和暦 dates, 取扱注意, the 確認・決裁 boxes, one page), 審査方法 (the auto bonus's bands and
disclaimer, or that there is none; the tie-breaks), 採択候補先一覧 (totals and the budget left) and
不採択・対象外 (every other application with why, and counts that add up)."""

from __future__ import annotations

from datetime import datetime, timezone

import openpyxl
import pytest
from wsutil import render_tool

from reviewer import excel
from reviewer.excel import cover, lists, method
from reviewer.present import official
from reviewer.present.text import official_time
from reviewer.services.results import export_workbook
from reviewer.services.setup import demo_workspace
from reviewer.workspace import Workspace

PROGRAMS = ("r2-iot", "r2-ai-plan", "r5-smartcity-2")
WHEN = datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)  # 2 December in Japan


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("cover")
    demo_workspace(root / "ws")
    out = {}
    with Workspace.open(root / "ws") as ws:
        chair = [p.name for p in ws.people() if p.role == "chair"]
        for pid in PROGRAMS:
            path = root / f"{pid}.xlsx"
            result = export_workbook(ws, pid, path, "test", generated_at=WHEN, resamples=0).result
            out[pid] = (result, openpyxl.load_workbook(path), path)
    out["_chair"] = chair
    return out


def _facts(sh) -> dict[str, list[str]]:
    """Label → the values of its rows (a label over several rows collects them all)."""
    facts: dict[str, list[str]] = {}
    label = None
    for row in sh.iter_rows(min_row=7, values_only=True):
        if row[0] is not None:
            label = row[0]
        if label is not None and row[1] is not None:
            facts.setdefault(label, []).append(row[1])
    return facts


def _one_page(sh) -> bool:
    """Fit to one page wide and one high (1 is the default: Excel leaves it unwritten)."""
    return bool(sh.sheet_properties.pageSetUpPr.fitToPage) and (sh.page_setup.fitToWidth or 1) == 1 \
        and (sh.page_setup.fitToHeight if sh.page_setup.fitToHeight is not None else 1) == 1


def _cells(sh) -> list[str]:
    return [c for row in sh.iter_rows(values_only=True) for c in row if isinstance(c, str)]


@pytest.mark.parametrize("pid", PROGRAMS)
def test_the_cover_is_first_and_states_the_result(exports, pid):
    result, wb, _ = exports[pid]
    assert wb.sheetnames[0] == cover.SHEET and list(excel.SHEETS)[0] == cover.SHEET
    sh = wb[cover.SHEET]
    assert sh["D1"].value == "取扱注意" and sh["D1"].font.b and sh["D1"].font.sz >= 14
    assert sh.page_setup.orientation == "landscape" and sh.page_setup.paperSize == 9
    assert _one_page(sh)
    assert sh["A3"].value == f"{result.program.name} 外部評価の結果について"
    # the boxes: a header per approver over an empty bordered cell in a tall row
    assert [sh.cell(5, c).value for c in range(4, 8)] == list(official.APPROVERS)
    for c in range(4, 8):
        box = sh.cell(6, c)
        assert box.value is None and box.border.left.style and box.border.bottom.style
    assert sh.row_dimensions[6].height >= 40
    facts = _facts(sh)
    assert facts["作成日"] == [official_time(WHEN)] == ["令和8年12月2日 08:30（日本時間）"]
    assert facts["評価委員"][0].startswith(f"{len(result.evaluator_stats)} 名")
    assert facts["委員長"] == ["・".join(exports["_chair"])]
    assert facts["書面審査（採点票の提出）"][0].startswith("令和") and f"採点票 {len(result.sheets)} 件" in facts[
        "書面審査（採点票の提出）"][0]
    assert facts["ヒアリング"] == [official.NO_HEARING]
    lines = facts["審査の結果"]
    assert len(lines) == 3
    assert lines[0].startswith(f"申請 {len(result.applications)} 件、うち適格 {len(result.ranked)} 件")
    assert lines[1].startswith(f"採択候補先 {len(result.selected)} 件")
    if result.program.gives_money:
        assert f"補助金申請額の合計 {result.selected_yen:,}円（予算 {result.budget_yen:,}円）" in lines[1]
    else:
        assert "補助金のない事業" in lines[1]
    c = result.progress
    assert lines[2].startswith(f"未提出の採点票 {c.assigned - c.submitted} 件")
    assert ("警告なし" in lines[2]) is (not result.selection_notes and not result.grant_notes)
    assert all(n in lines[2] for n in [*result.selection_notes, *result.grant_notes][:3])


def test_the_cover_uses_the_final_list_where_decided(tmp_path):
    """With decisions recorded, the cover counts the final list (as the 採択候補先 sheet does)."""
    from reviewer.services.results import score_workspace

    demo_workspace(tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        before = score_workspace(ws, "r2-iot", resamples=0)
        last = before.selected[-1]
        ws.decide("r2-iot", last.id, "reject", "書類の不備", "test")
        result = export_workbook(ws, "r2-iot", tmp_path / "d.xlsx", "test", resamples=0).result
    wb = openpyxl.load_workbook(tmp_path / "d.xlsx")
    lines = _facts(wb[cover.SHEET])["審査の結果"]
    assert result.final.count == len(before.selected) - 1
    assert lines[1].startswith(f"採択候補先 {result.final.count} 件、補助金申請額の合計 {result.final.yen:,}円")
    chosen = [r for r in wb[lists.SELECTED_SHEET].iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    assert len(chosen) == result.final.count
    others = {r[1]: r[5] for r in wb[lists.OTHERS_SHEET].iter_rows(min_row=5, values_only=True) if r[1]}
    assert others[last.id] == "不採択の決定: 書類の不備"


def _method(wb) -> dict[str, str]:
    return {r[0]: r[1] for r in wb[method.SHEET].iter_rows(min_row=5, values_only=True) if r[0]}


def test_the_method_states_the_bands_and_their_disclaimer(exports):
    result, wb, _ = exports["r5-smartcity-2"]
    names = wb.sheetnames
    assert names.index("評価委員統計") < names.index(method.SHEET) < names.index("適格性")
    rows = _method(wb)
    assert rows["集計方法"].startswith("平均。")
    assert "同数は満たさない" in rows["必須要件"] and "採点票のない申請も順位を付けない" in rows["必須要件"]
    assert "30 ポイントを超える" in rows["評価の乖離"]
    assert rows["同点の扱い"].index("得点率の高い順") < rows["同点の扱い"].index("補助金申請額の少ない順") \
        < rows["同点の扱い"].index("申請IDの順")
    auto = next(c for c in result.program.criteria if c.kind == "auto")
    assert "令和5年7月末時点" in rows[f"自動加点: {auto.label}"]
    assert rows["\u3000区分と点数"].startswith("80%以上: 3点、70%以上: 2点、60%以上: 1点。")
    assert "予算を上回る応募があった場合に限り加点する" in rows["\u3000区分と点数"]
    assert rows["\u3000留意事項"] == auto.note and "既定値" in auto.note
    assert "見送り" in rows["見送り"] and "次の順位の申請へ進む" in rows["見送り"]
    assert rows["選定方式"].startswith("順に選ぶ。")


def test_the_method_says_when_there_is_no_bonus(exports):
    result, wb, _ = exports["r2-iot"]
    assert not any(c.kind == "auto" for c in result.program.criteria)
    rows = _method(wb)
    assert rows["自動加点"] == official.NO_BONUS
    assert rows["選定方式"].startswith("順に選ぶ。")


@pytest.mark.parametrize("pid", PROGRAMS)
def test_the_lists_add_up(exports, pid):
    result, wb, _ = exports[pid]
    sh = wb[lists.SELECTED_SHEET]
    assert _one_page(sh)
    headers = [c.value for c in sh[4]]
    money = result.program.gives_money
    assert ("補助金申請額" in headers) is money
    rows = list(sh.iter_rows(min_row=5, values_only=True))
    chosen = [r for r in rows if isinstance(r[0], int)]
    assert [r[0] for r in chosen] == [a.rank for a in result.selected]
    assert [r[1] for r in chosen] == [a.applicant for a in result.selected]
    total = rows[len(chosen)]
    assert total[0] == "計" and total[1] == f"{len(chosen)} 件"
    if money:
        assert total[5] == sum(r[5] for r in chosen) == result.selected_yen
        assert rows[len(chosen) + 1][5] == result.budget_yen - result.selected_yen
    others = wb[lists.OTHERS_SHEET]
    listed = [r for r in others.iter_rows(min_row=5, values_only=True) if r[1] and r[5]]
    assert {r[1] for r in listed} == {a.id for a in result.applications if not a.selected}
    assert all(r[5] for r in listed)
    counts = list(others.iter_rows(min_row=5 + len(listed) + 2, values_only=True))
    assert counts[0][0] == "理由" and counts[0][3] == "件数"
    by = {r[0]: r[3] for r in counts[1:] if r[0]}
    assert by.pop("計") == len(listed) == sum(by.values())


def test_the_sheets_fit_a4_landscape(exports):
    tool = render_tool()
    for pid in PROGRAMS:
        wb = openpyxl.load_workbook(exports[pid][2])
        for name in (cover.SHEET, method.SHEET, lists.SELECTED_SHEET, lists.OTHERS_SHEET, lists.NOTIFY_SHEET):
            sh = wb[name]
            widths = sum(d.width for d in sh.column_dimensions.values() if d.width)
            assert widths <= 150, (pid, name, widths)
            assert tool.printed_scale(sh) >= 0.85, (pid, name)


def test_untrusted_text_stays_text(exports):
    for pid in PROGRAMS:
        for name in (cover.SHEET, method.SHEET, lists.SELECTED_SHEET, lists.OTHERS_SHEET):
            sh = exports[pid][1][name]
            assert all(cell.data_type != "f" for row in sh.iter_rows() for cell in row)
            assert not any(t.startswith("=") for t in _cells(sh))


def test_review_dates_in_the_japanese_calendar():
    from reviewer.workspace.records import ShortlistEntry

    assert official.period("2026-12-01T23:30:00+00:00", "2026-12-04T01:00:00+00:00") == "令和8年12月2日〜令和8年12月4日"
    assert official.period("2026-12-02T01:00:00+00:00", "2026-12-02T05:00:00+00:00") == "令和8年12月2日"
    assert official.written_period(None, None, 0) == official.NO_SHEETS

    def entry(when: str) -> ShortlistEntry:
        return ShortlistEntry("p", "a", when, "", "chair", "")

    entries = [entry("2026-12-10 10:00"), entry("2026-12-10 11:00"), entry("2026-12-11 09:30"), entry("")]
    assert official.hearing_days(entries, 0) == "令和8年12月10日、令和8年12月11日（対象 4 件、うち日時未定 1 件）"
    assert official.hearing_days([entry("")], 0) == "日時未定（対象 1 件）"
    assert official.hearing_days([], 0) == official.NO_HEARING


@pytest.mark.parametrize("program", PROGRAMS)
def test_the_notification_lists_per_bureau(exports, program):
    result, wb, _ = exports[program]
    sh = wb[lists.NOTIFY_SHEET]
    rows = [r for r in sh.iter_rows(min_row=5) if r[1].value]
    assert [c.value for c in sh[4]] == lists.NOTIFY_HEADERS
    assert sorted(r[1].value for r in rows) == sorted(a.id for a in result.applications)
    bureaus = [r[0].value for r in rows]
    order = [b.bureau for b in result.balance]
    assert bureaus == sorted(bureaus, key=order.index)            # grouped, in the balance's order
    starts = [r[0].row for prev, r in zip(rows, rows[1:]) if prev[0].value != r[0].value]
    assert [b.id for b in sh.row_breaks.brk] == [n - 1 for n in starts]   # each bureau on a page of its own
    assert sh.print_title_rows                                     # its header on every page
    by_id = {a.id: a for a in result.applications}
    for r in rows:
        a = by_id[r[1].value]
        assert r[5].value == (official.NOTIFIED_SELECTED if a.final_selected else official.NOTIFIED_NOT)
        assert (r[6].value or "") == ("" if a.final_selected else official.outcome(a, result.program))
        assert r[4].alignment.wrap_text
