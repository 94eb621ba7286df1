"""ランキング: the ranked applications with the cut line, bonus and notes, and how sure the
ranking is (SPEC §6.6).

順位 and 申請ID stay at the left while the table scrolls sideways; the decision (採択 / 見送り /
対象外), the boundary mark (境: 境界域, ``present.sureness.BOUNDARY_RULE``), the
second half's marks, the total and the notes (the skip's reason, the disagreement, why an
application is out) come right after them, so they are in view on an 80-column terminal, where
the applicant begins at the edge; the rank's 90 % interval and the share of resamples selected
follow (in view at 120 columns, the share a scroll away). Above the table: for a what-if
(another budget, method or strategy) who enters the selection and who leaves it, and the line
on how the sureness was drawn (once it is: the screen draws it after the ranking). ``v``
compares the strategies.

The second half of a review (SPEC §6.4, §6.7) is marked after the boundary: "ヒ" for an application
on the hearing's shortlist and "採" / "否" for a decision recorded (採択 / 不採択; reversed where it
departs from the computed selection), its reason first in the notes. Under the table, the
highlighted application's line: when and where it is heard, its written and hearing rates and the
rate they make, the decision and whether it ends in the final list (採択候補先), the requests and
opinions on it; and the keys that act on it (h, H, d, o, i: the screen's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from reviewer.present import ranking as row_words
from reviewer.present import result as words
from reviewer.present import review as review_words
from reviewer.present import sureness
from reviewer.present.text import fit, wrap
from reviewer.tui.chrome import paused_gc, safe
from reviewer.tui.widgets.table import Column, LineTable

if TYPE_CHECKING:
    from reviewer.scoring import AppResult, Result
    from reviewer.tui.views.decisions import SecondHalf

N = Column  # a number column is right-aligned
CUT_KEY = "--cut--"
DASH = "----"
#: Where the cut line's words go (the notes column) and how many columns there are.
NOTES_COLUMN = 6
MARKS_COLUMN = 4
DRAWING = "順位の確かさを計算中..."  # the sureness line's place, until it is drawn
COLUMNS = 15
#: The keys that act on the highlighted application, under its line.
KEYS = "h ヒアリング対象  H 上位・境界域  d 採否  o 意見  i 追加資料  7 一覧・確定"


class RankingView(Vertical):
    FOCUS = "#ranking-table"
    BINDINGS = [
        Binding("v", "screen.compare", "比較"),
        # the second half: listed under the table (the footer keeps to 80 columns)
        Binding("h", "screen.shortlist", "ヒアリング", show=False),
        Binding("H", "screen.shortlist_around", "上位・境界域", show=False),
        Binding("d", "screen.decide", "採否", show=False),
        Binding("o", "screen.opinion", "意見", show=False),
        Binding("i", "screen.request_materials", "資料", show=False),
    ]
    #: The result shown and the one it is compared with (a what-if against the program's own).
    _what_if: tuple[Result | None, Result | None] = (None, None)
    _drawing = False    # the result's sureness is being drawn
    _sure_height = 1    # the lines the sureness line took when last shown
    _second: SecondHalf | None = None  # the shortlist, requests, opinions and decisions shown
    _by_id: dict[str, AppResult] = {}  # the result's applications, for the highlighted row's line
    DEFAULT_CSS = """
    RankingView > #ranking-whatif { display: none; text-style: bold; padding: 0 1; }
    RankingView > #ranking-whatif.-shown { display: block; }
    RankingView > #ranking-sureness { display: none; padding: 0 1; }
    RankingView > #ranking-sureness.-shown { display: block; }
    RankingView > #ranking-detail { height: 2; padding: 0 1; text-wrap: nowrap; text-overflow: clip; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="ranking-whatif", markup=False)
        yield Static("", id="ranking-sureness", markup=False)
        # the first nine columns fit the width as far as they can (at 80 columns the notes have
        # their room and the applicant begins past the edge; at 120 the rank's interval is in
        # view; the others are a scroll away, 順位 and 申請ID stay)
        yield LineTable(N("順位", True), "申請ID", "判定", sureness.BOUNDARY_SHORT, row_words.MARKS, N("合計", True),
                        Column("注記", max_width=40, flex=True, min_width=34),
                        Column("申請者", max_width=24, flex=True, min_width=8),
                        N(sureness.RANK_INTERVAL, True), N(sureness.P_SELECTED, True), "総合通信局",
                        N("得点率", True), N("加点", True), N("評価", True), N("申請額", True),
                        id="ranking-table", frozen=2, fit=9)
        yield Static("", id="ranking-detail", markup=False)

    def fill(self, result: Result, baseline: Result | None = None, drawing: bool = False,
             second: SecondHalf | None = None) -> None:
        """Show ``result``; with ``baseline`` (the program's own result, where ``result`` is a
        what-if), the line of who enters and who leaves the selection; ``drawing``: its sureness
        is being drawn (its line says so, as high as the last one, so the table stays put);
        ``second``: the shortlist and the decisions as the workspace has them now (else as scored)."""
        cut = result.cut_rank
        rows: list[list[Text]] = []
        keys: list[str] = []
        heard = {e.application for e in second.shortlist} if second is not None else None
        decided = {d.application: (d.decision, d.reason) for d in second.decisions.values()} \
            if second is not None else None
        for a in result.applications:
            rows.append(_row(a, result, a.shortlisted if heard is None else a.id in heard,
                             (a.decision, a.decision_reason or "") if decided is None else decided.get(a.id)))
            keys.append(a.id)
            if cut is not None and a.rank == cut:
                line = Text.assemble((words.CUT_LINE, "bold reverse"), ("（予算・枠の範囲）", "bold"))
                dashes = [Text("--" if i == 3 else DASH * 2 if i == 1 else DASH) for i in range(COLUMNS)]
                dashes[MARKS_COLUMN] = Text("")
                dashes[NOTES_COLUMN] = line
                rows.append(dashes)
                keys.append(CUT_KEY)
        self._what_if = (result, baseline)
        self._drawing = drawing
        self._second = second
        self._by_id = {a.id: a for a in result.applications}
        self._show_lines()
        with paused_gc():
            table = self.query_one("#ranking-table", LineTable)
            table.set_rows(rows, keys)
        self.show_detail(table.cursor_key)

    def show_detail(self, key: str | None) -> None:
        """The highlighted application's line (fitted to the width) and the keys under it."""
        a = self._by_id.get(key) if key else None
        detail = self.query_one("#ranking-detail", Static)
        cells = (detail.content_region.width or self.app.size.width - 2) or 78
        line = _detail(a, self._second) if a is not None else ""
        detail.update(Text.assemble(fit(line, cells), "\n", (fit(KEYS, cells), "dim")))

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        self.show_detail(event.key)

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
        table = self.query_one("#ranking-table", LineTable)
        self.show_detail(table.cursor_key)
        # the lines above may have taken rows from the table: the cursor's row stays in view
        self.call_after_refresh(lambda: table.move_cursor(table.cursor_row))


def _detail(a: AppResult, second: SecondHalf | None) -> str:
    """The line on ``a``: as the workspace has its second half now (``second``), else as scored."""
    if second is None:
        return row_words.detail_text(a, "" if a.shortlisted else None, a.decision, a.decision_reason or "")
    entry = second.entries().get(a.id)
    d = second.decisions.get(a.id)
    requests = second.requests_of(a.id)
    waiting = sum(1 for r in requests if not r.answered)
    return row_words.detail_text(a, review_words.schedule(entry) if entry is not None else None,
                                 d.decision if d else None, d.reason if d else "", waiting, len(requests) - waiting,
                                 len(second.opinions_of(a.id)))


def _marks(a: AppResult, shortlisted: bool, decision: str | None) -> Text:
    """"ヒ" and "採" / "否" (reversed where the decision departs from the computed selection)."""
    text = Text(row_words.marks(shortlisted, None), style="bold")
    if decision:
        text = Text.assemble((row_words.HEARD if shortlisted else "  ", "bold"), " ",
                             (row_words.DECIDED.get(decision, ""),
                              "bold reverse" if a.departs_with(decision) else "bold"))
    return text


def _row(a: AppResult, result: Result, shortlisted: bool, decided: tuple[str | None, str] | None) -> list[Text]:
    style = "" if a.eligible else "dim"
    decision = row_words.decision(a)
    sure = a.rank_interval is not None
    chosen, reason = decided or (None, "")
    return [Text(str(a.rank) if a.rank else "-", style=style), Text(a.id, style=style),
            Text(decision, style="bold" if a.selected else style),
            Text(sureness.BOUNDARY_SHORT if a.boundary else "", style="bold reverse"),
            _marks(a, shortlisted, chosen),
            Text(words.rate(a.total), style=style),
            Text(row_words.row_notes(a, result.program, chosen, reason), style=style),
            Text(a.applicant or "", style=style),
            Text(sureness.rank_interval_text(a) if sure else "", style=style),
            Text(sureness.share_text(a.p_selected) if sure else "", style=style),
            *[Text(c, style=style) for c in (a.bureau, words.rate(a.score_rate), words.points(a.bonus),
                                             str(a.reviews), f"{a.requested_subsidy_yen:,}")]]
