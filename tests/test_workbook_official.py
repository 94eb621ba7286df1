"""The workbook as an official document (issue 17, first defects): no internal identifier in any
cell (check codes, method and strategy codes, criterion tags, applicant type codes, TOML keys),
the spread (乖離) stored as a number, points shown without a dangling decimal point."""

from __future__ import annotations

import re

import openpyxl
import pytest

from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS, CHECK_CODES, METHODS, SELECTION_STRATEGIES
from reviewer.services.results import export_workbook
from reviewer.services.setup import demo_workspace
from reviewer.workspace import Workspace

PROGRAMS = ("r2-iot", "r2-ai-plan", "r5-smartcity-2")
TOML_KEYS = ("related_lg_codes", "governance", "lg_code", "requested_subsidy_yen", "mynumber_card_rate", "applicant_type",
             "only_when_oversubscribed", "max_field_share", "bureau_min", "bureau_max")


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, openpyxl.Workbook]:
    root = tmp_path_factory.mktemp("official")
    demo_workspace(root / "ws")
    out = {}
    with Workspace.open(root / "ws") as ws:
        tags = {t for pid in PROGRAMS for c in ws.program(pid).criteria for t in c.tags}
        for pid in PROGRAMS:
            path = root / f"{pid}.xlsx"
            export_workbook(ws, pid, path, "test", resamples=50)
            out[pid] = openpyxl.load_workbook(path)
    out["_tags"] = tags  # type: ignore[assignment]
    return out


def _codes(tags: set[str]) -> list[str]:
    return [*CHECK_CODES, *METHODS, *SELECTION_STRATEGIES, *APPLICANT_TYPE_LABELS, *tags, *TOML_KEYS, "unscored"]


@pytest.mark.parametrize("program", PROGRAMS)
def test_no_internal_identifier_in_any_cell(books, program):
    codes = _codes(books["_tags"])  # type: ignore[arg-type]
    assert "covid" in codes and "subsidy-cap" in codes and "zscore" in codes
    pattern = re.compile(r"(?<![A-Za-z0-9_\-])(" + "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
                         + r")(?![A-Za-z0-9_\-])")
    found = []
    for ws in books[program].worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (m := pattern.search(cell.value)):
                    found.append(f"{ws.title}!{cell.coordinate}: {m.group(1)} in {cell.value[:60]!r}")
    assert not found, "\n".join(found[:20])


def _column(ws, title: str) -> int:
    for row in ws.iter_rows(min_row=1, max_row=12):
        for cell in row:
            if cell.value == title:
                return cell.column
    raise AssertionError(f"no column {title} in {ws.title}")


def test_the_spread_is_a_number_and_points_have_no_dangling_point(books):
    ranking = books["r2-iot"]["項目別内訳"]  # the reviews beside the means per criterion
    col = _column(ranking, "乖離（最大−最小）")
    values = [row[col - 1] for row in ranking.iter_rows(min_row=1) if isinstance(row[col - 1].value, (int, float))]
    assert values, "the spread column holds numbers"
    flagged = [c for c in values if "乖離大" in c.number_format]
    assert flagged and all(c.value > 30 for c in flagged)      # the mark is the format's, the value a number
    assert not any(isinstance(row[col - 1].value, str) and row[col - 1].value.strip()
                   for row in ranking.iter_rows(min_row=8))
    for ws in books["r2-iot"].worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.number_format != "0.##", f"{ws.title}!{cell.coordinate}"


def test_dates_in_the_japanese_calendar_and_the_what_if_budget(tmp_path):
    from datetime import date, datetime, timezone

    from reviewer.present.text import official_time, wareki

    assert wareki(date(2026, 12, 2)) == "令和8年12月2日" and wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(date(2019, 4, 30)) == "平成31年4月30日" and wareki(date(1989, 1, 8)) == "平成元年1月8日"
    # 23:30 UTC on 1 December is already 2 December in Japan
    assert official_time(datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)) == "令和8年12月2日 08:30（日本時間）"
    demo_workspace(tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        export_workbook(ws, "r5-smartcity-2", tmp_path / "own.xlsx", "t", resamples=0,
                        generated_at=datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc))
        export_workbook(ws, "r5-smartcity-2", tmp_path / "what-if.xlsx", "t", budget_yen=100_000_000, resamples=0)
    own = {r[0]: r[1] for r in openpyxl.load_workbook(tmp_path / "own.xlsx")["概要"].iter_rows(values_only=True)
           if r[0]}
    assert own["作成日時"] == "令和8年12月2日 08:30（日本時間）"
    assert "予算額" in own and own["予算の扱い"].startswith("審査基準の予算。予算額は実施要領に記載がなく、本ツールの見本の値です")
    wb = openpyxl.load_workbook(tmp_path / "what-if.xlsx")
    what_if = {r[0]: r[1] for r in wb["概要"].iter_rows(values_only=True) if r[0]}
    assert what_if["予算額（試算）"] == 100_000_000
    assert what_if["予算の扱い"] == "試算（審査基準の予算 250,000,000円に代えて指定した額）"
    assert "予算 100,000,000円（試算）" in str(wb["ランキング"]["A2"].value)


def test_regional_balance_has_a_total_row_and_states_the_shortfall(books):
    ws = books["r2-ai-plan"]["地域バランス"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[0]]
    head = next(i for i, r in enumerate(rows) if r[0] == "総合通信局")
    bureaus = rows[head + 1:head + 12]
    total = rows[head + 12]
    assert total[0] == "合計"
    assert total[1:4] == tuple(sum(b[i] for b in bureaus) for i in (1, 2, 3))
    assert (total[5], total[6]) == (50, 100)                     # the program's own minimum and maximum
    # the samples select 50 or more in all (沖縄 alone is short of its bureau's minimum)
    assert total[3] >= 50 and total[7] in ("", None)
    okinawa = next(b for b in bureaus if b[0] == "沖縄")
    assert okinawa[7] == "下限未満" and okinawa[3] < 4


def test_unfinished_scoring_is_shown(books):
    """概要 says how many sheets are assigned, drafts and not started; 項目別内訳's 割当数 is red
    where an application is ranked on fewer sheets than assigned (3 of 4)."""
    wb = books["r2-iot"]
    ov = {r[0]: r[1] for r in wb["概要"].iter_rows(values_only=True) if r[0]}
    assert ov["提出済みの採点票"] == 107
    assert ov["採点票の割当・未提出"].startswith("割当 110 件のうち提出 107 件、下書き 3 件、未着手 0 件")
    ranking = wb["項目別内訳"]  # the reviews beside the means per criterion
    reviews, assigned = _column(ranking, "評価数"), _column(ranking, "割当数")
    short = [(row[reviews - 1].value, row[assigned - 1]) for row in ranking.iter_rows(min_row=6)
             if isinstance(row[reviews - 1].value, (int, float)) and isinstance(row[assigned - 1].value, (int, float))
             and row[reviews - 1].value < row[assigned - 1].value]
    assert short and all(cell.font.color is not None and cell.font.color.rgb.endswith("C00000") for _, cell in short)
    assert ov["割当の一部の採点票だけで順位の付いた申請"].startswith(
        f"{sum(1 for v, c in short if ranking.cell(row=c.row, column=1).value is not None)} 件")


def test_declared_conflicts_are_counted_in_the_overview(tmp_path):
    from reviewer.services.sheets import declare_conflict

    demo_workspace(tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        path = tmp_path / "before.xlsx"
        export_workbook(ws, "r2-iot", path, "test", resamples=0)
        before = {r[0]: r[1] for r in openpyxl.load_workbook(path)["概要"].iter_rows(values_only=True) if r[0]}
        declare_conflict(ws, "r2-iot", "IOT-0026", "e04", "元 所属先の事業", actor="e04")
        export_workbook(ws, "r2-iot", path, "test", resamples=0)
        after = {r[0]: r[1] for r in openpyxl.load_workbook(path)["概要"].iter_rows(values_only=True) if r[0]}
    assert before["利害関係の申告で外れた割当"].startswith("0 件")
    assert after["利害関係の申告で外れた割当"].startswith("1 件")
    assert after["採点票の割当・未提出"].startswith("割当 109 件")
