"""ランキング: the ranked applications with the cut line, bonus and notes.

順位 and 申請ID stay at the left while the table scrolls sideways; the decision (採択 / 見送り /
対象外) and the notes (the skip's reason, the disagreement, why an application is out) come
right after them, so they are in view on an 80-column terminal. A what-if (another budget or
method) shows above the table who enters the selection and who leaves it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from reviewer.present import ranking as row_words
from reviewer.present import result as words
from reviewer.tui.chrome import paused_gc, safe
from reviewer.tui.widgets.table import Column, LineTable

if TYPE_CHECKING:
    from reviewer.scoring import AppResult, Result

N = Column  # a number column is right-aligned
CUT_KEY = "--cut--"
DASH = "----"


class RankingView(Vertical):
    FOCUS = "#ranking-table"
    #: The result shown and the one it is compared with (a what-if against the program's own).
    _what_if: tuple[Result | None, Result | None] = (None, None)
    DEFAULT_CSS = """
    RankingView > #ranking-whatif { display: none; text-style: bold; padding: 0 1; }
    RankingView > #ranking-whatif.-shown { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="ranking-whatif", markup=False)
        # the first six columns fit the width (the others are a scroll away, 順位 and 申請ID stay)
        yield LineTable(N("順位", True), "申請ID", "判定", N("合計", True),
                        Column("申請者", max_width=24, flex=True, min_width=8),
                        Column("注記", max_width=40, flex=True, min_width=34), "総合通信局", N("得点率", True),
                        N("加点", True), N("評価", True), N("申請額", True), id="ranking-table", frozen=2, fit=6)

    def fill(self, result: Result, baseline: Result | None = None) -> None:
        """Show ``result``; with ``baseline`` (the program's own result, where ``result`` is a
        what-if), the line of who enters and who leaves the selection."""
        cut = result.cut_rank
        rows: list[list[Text]] = []
        keys: list[str] = []
        for a in result.applications:
            rows.append(_row(a, result))
            keys.append(a.id)
            if cut is not None and a.rank == cut:
                line = Text.assemble((words.CUT_LINE, "bold reverse"), ("（予算・枠の範囲）", "bold"))
                rows.append([Text(DASH), Text(DASH * 2), Text(DASH), Text(DASH), Text(DASH), line,
                             *[Text(DASH)] * 5])
                keys.append(CUT_KEY)
        self._what_if = (result, baseline)
        self._show_what_if()
        with paused_gc():
            self.query_one("#ranking-table", LineTable).set_rows(rows, keys)

    def _show_what_if(self) -> None:
        """The what-if line(s), fitted to the width (names that do not fit are counted)."""
        result, baseline = self._what_if
        what_if = self.query_one("#ranking-whatif", Static)
        cells = self.size.width - 2 if self.size.width > 2 else None
        text = row_words.what_if_text(result, baseline, cells) if result is not None and baseline is not None else ""
        what_if.update(safe(text, multiline=True))
        what_if.set_class(bool(text), "-shown")

    def on_resize(self) -> None:
        self._show_what_if()


def _row(a: AppResult, result: Result) -> list[Text]:
    style = "" if a.eligible else "dim"
    decision = row_words.decision(a)
    return [Text(str(a.rank) if a.rank else "-", style=style), Text(a.id, style=style),
            Text(decision, style="bold" if a.selected else style), Text(words.rate(a.total), style=style),
            Text(a.applicant or "", style=style), Text(row_words.row_notes(a, result.program), style=style),
            *[Text(c, style=style) for c in (a.bureau, words.rate(a.score_rate), words.points(a.bonus),
                                             str(a.reviews), f"{a.requested_subsidy_yen:,}")]]
