"""An evaluator's calibration in words: the same lines on the command line and in the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewer.scoring.calibration import Calibration

TITLE = "自分の採点の傾向（提出済みの採点票だけ。ほかの評価者の採点票は含みません）"
NOTE = "（得点率は 0〜100。ランキングの評価者別の得点率と同じ計算です）"
EMPTY = "提出済みの採点票はまだありません。"
SHEET_HEADERS = ["申請ID", "件名", "得点率", "不適合"]
CRITERIA_TITLE = "項目別の自分の平均点（0〜5）"
CRITERIA_HEADERS = ["項目", "平均点", "件数"]


def _n(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def summary_line(c: Calibration) -> str:
    return (f"提出済み {c.count} 件   得点率の平均 {_n(c.mean)}   標準偏差 {_n(c.std)}"
            f"   最低 {_n(c.min)}   最高 {_n(c.max)}")


def sheet_rows(c: Calibration) -> list[list[str]]:
    """One row a sheet, highest rate first: 申請ID, 件名, 得点率, 不適合 (the musts judged 不適合)."""
    return [[s.application, s.title, f"{s.rate:.1f}", str(s.failed_musts) if s.failed_musts else "-"]
            for s in sorted(c.sheets, key=lambda s: (-s.rate, s.program, s.application))]


def criterion_rows(c: Calibration) -> list[list[str]]:
    return [[f"{m.criterion} {m.label}", f"{m.mean:.2f}", str(m.count)] for m in c.criteria]
