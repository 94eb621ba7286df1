"""ランキング: the ranked applications with the cut line, bonus and notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from reviewer.present import result as words
from reviewer.tui.chrome import paused_gc
from reviewer.tui.widgets.table import Column, LineTable

if TYPE_CHECKING:
    from reviewer.scoring import Result

N = Column  # a number column is right-aligned
CUT_KEY = "--cut--"


class RankingView(Vertical):
    FOCUS = "#ranking-table"

    def compose(self) -> ComposeResult:
        yield LineTable(N("順位", True), "申請ID", Column("申請者", max_width=24, flex=True, min_width=14), "総合通信局",
                        N("得点率", True), N("加点", True), N("合計", True), N("評価", True), N("申請額", True), "採択",
                        Column("注記", max_width=60, flex=True), id="ranking-table")

    def fill(self, result: Result) -> None:
        p = result.program
        cut = result.cut_rank
        rows, keys = [], []
        for a in result.applications:
            style = "" if a.eligible else "dim"
            rows.append([Text(c, style=style) for c in (
                str(a.rank) if a.rank else "-", a.id, a.applicant or "", a.bureau,
                words.rate(a.score_rate), words.points(a.bonus), words.rate(a.total), str(a.reviews),
                f"{a.requested_subsidy_yen:,}")]
                + [Text(words.SELECTED_SHORT if a.selected else "", style="bold"),
                   Text(" ".join(words.notes(a, p)), style=style)])
            keys.append(a.id)
            if cut is not None and a.rank == cut:
                rows.append([Text("----"), Text("--------"), Text(words.CUT_LINE, style="bold reverse"),
                             *[Text("----")] * 7, Text("（予算・枠の範囲）", style="bold")])
                keys.append(CUT_KEY)
        with paused_gc():
            self.query_one("#ranking-table", LineTable).set_rows(rows, keys)
