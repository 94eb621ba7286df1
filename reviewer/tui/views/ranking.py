"""ランキング: the ranked applications with the cut line, bonus and notes, and how sure the
ranking is (SPEC §6.6).

順位 and 申請ID stay at the left while the table scrolls sideways; the decision (採択 / 見送り /
対象外), the boundary mark (境: 境界域, ``present.sureness.BOUNDARY_RULE``), the
total and the notes (the skip's reason, the disagreement, why an application is out) come
right after them, so they are in view on an 80-column terminal, where the applicant begins at
the edge; the rank's 90 % interval and the share of resamples selected follow (in view at 120
columns, the share a scroll away). Above the table: for a what-if (another budget, method or
strategy) who enters the selection and who leaves it, and the line on how the sureness was
drawn (once it is: the screen draws it after the ranking). ``v`` compares the strategies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from reviewer.present import ranking as row_words
from reviewer.present import result as words
from reviewer.present import sureness
from reviewer.present.text import wrap
from reviewer.tui.chrome import paused_gc, safe
from reviewer.tui.widgets.table import Column, LineTable

if TYPE_CHECKING:
    from reviewer.scoring import AppResult, Result

N = Column  # a number column is right-aligned
CUT_KEY = "--cut--"
DASH = "----"
#: Where the cut line's words go (the notes column) and how many columns there are.
NOTES_COLUMN = 5
DRAWING = "順位の確かさを計算中..."  # the sureness line's place, until it is drawn
COLUMNS = 14


class RankingView(Vertical):
    FOCUS = "#ranking-table"
    BINDINGS = [Binding("v", "screen.compare", "比較")]
    #: The result shown and the one it is compared with (a what-if against the program's own).
    _what_if: tuple[Result | None, Result | None] = (None, None)
    _drawing = False    # the result's sureness is being drawn
    _sure_height = 1    # the lines the sureness line took when last shown
    DEFAULT_CSS = """
    RankingView > #ranking-whatif { display: none; text-style: bold; padding: 0 1; }
    RankingView > #ranking-whatif.-shown { display: block; }
    RankingView > #ranking-sureness { display: none; padding: 0 1; }
    RankingView > #ranking-sureness.-shown { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="ranking-whatif", markup=False)
        yield Static("", id="ranking-sureness", markup=False)
        # the first seven columns fit the width as far as they can (at 80 columns the notes have
        # their room and the applicant begins at the edge; the others are a scroll away, 順位
        # and 申請ID stay)
        yield LineTable(N("順位", True), "申請ID", "判定", sureness.BOUNDARY_SHORT, N("合計", True),
                        Column("注記", max_width=40, flex=True, min_width=34),
                        Column("申請者", max_width=24, flex=True, min_width=8),
                        N(sureness.RANK_INTERVAL, True), N(sureness.P_SELECTED, True), "総合通信局",
                        N("得点率", True), N("加点", True), N("評価", True), N("申請額", True),
                        id="ranking-table", frozen=2, fit=7)

    def fill(self, result: Result, baseline: Result | None = None, drawing: bool = False) -> None:
        """Show ``result``; with ``baseline`` (the program's own result, where ``result`` is a
        what-if), the line of who enters and who leaves the selection; ``drawing``: its sureness
        is being drawn (its line says so, as high as the last one, so the table stays put)."""
        cut = result.cut_rank
        rows: list[list[Text]] = []
        keys: list[str] = []
        for a in result.applications:
            rows.append(_row(a, result))
            keys.append(a.id)
            if cut is not None and a.rank == cut:
                line = Text.assemble((words.CUT_LINE, "bold reverse"), ("（予算・枠の範囲）", "bold"))
                dashes = [Text("--" if i == 3 else DASH * 2 if i == 1 else DASH) for i in range(COLUMNS)]
                dashes[NOTES_COLUMN] = line
                rows.append(dashes)
                keys.append(CUT_KEY)
        self._what_if = (result, baseline)
        self._drawing = drawing
        self._show_lines()
        with paused_gc():
            self.query_one("#ranking-table", LineTable).set_rows(rows, keys)

    def _show_lines(self) -> None:
        """The what-if line(s) and the sureness line, fitted to the width (the what-if's names
        that do not fit are counted; the sureness line wraps)."""
        result, baseline = self._what_if
        what_if = self.query_one("#ranking-whatif", Static)
        cells = self.size.width - 2 if self.size.width > 2 else None
        text = row_words.what_if_text(result, baseline, cells) if result is not None and baseline is not None else ""
        what_if.update(safe(text, multiline=True))
        what_if.set_class(bool(text), "-shown")
        sure = self.query_one("#ranking-sureness", Static)
        if result is not None and result.resamples:
            line = sureness.sureness_line(result)
            lines = wrap(line, cells) if cells else [line]
            self._sure_height = len(lines)
        else:
            lines = [DRAWING] + [""] * (self._sure_height - 1) if self._drawing else []
        sure.update(Text("\n".join(lines), style="" if result is not None and result.resamples else "dim"))
        sure.set_class(bool(lines), "-shown")

    def on_resize(self) -> None:
        self._show_lines()


def _row(a: AppResult, result: Result) -> list[Text]:
    style = "" if a.eligible else "dim"
    decision = row_words.decision(a)
    sure = a.rank_interval is not None
    return [Text(str(a.rank) if a.rank else "-", style=style), Text(a.id, style=style),
            Text(decision, style="bold" if a.selected else style),
            Text(sureness.BOUNDARY_SHORT if a.boundary else "", style="bold reverse"),
            Text(words.rate(a.total), style=style),
            Text(row_words.row_notes(a, result.program), style=style), Text(a.applicant or "", style=style),
            Text(sureness.rank_interval_text(a) if sure else "", style=style),
            Text(sureness.share_text(a.p_selected) if sure else "", style=style),
            *[Text(c, style=style) for c in (a.bureau, words.rate(a.score_rate), words.points(a.bonus),
                                             str(a.reviews), f"{a.requested_subsidy_yen:,}")]]
