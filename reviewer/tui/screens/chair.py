"""The chair's dashboard: progress, the live ranking, balance, sheets to reopen, export, and the
second half of a review (the hearing's shortlist, materials, opinions, decisions, finalizing: the
ranking's keys and view 7, ``chair_review``).

Scoring (pandas) runs in a worker thread and is imported only when first needed, so the
app starts without it. The ranking shows as soon as it is scored; how sure it is (SPEC §6.6:
DEFAULT_RESAMPLES resamples from SEED) is drawn after it in a worker of its own, and the
selection strategies are compared on request (``v`` on the ranking), in another.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from reviewer.domain.limits import DEFAULT_RESAMPLES
from reviewer.domain.vocabulary import METHODS, SELECTION_STRATEGIES
from reviewer.present import result as words
from reviewer.present import review as review_words
from reviewer.present.text import clean, pack, width
from reviewer.services.errors import WorkspaceError
from reviewer.tui.chrome import safe
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.chair_review import ReviewActions
from reviewer.tui.screens.dialogs import InputDialog, PickDialog
from reviewer.tui.views.assignments import AssignmentsView
from reviewer.tui.views.balance import BalanceView
from reviewer.tui.views.decisions import DecisionsView, SecondHalf, application_of, request_of
from reviewer.tui.views.evaluators import EvaluatorsView
from reviewer.tui.views.progress import ProgressView
from reviewer.tui.views.ranking import CUT_KEY, RankingView
from reviewer.tui.views.sheets import SheetsView
from reviewer.tui.widgets.footer import KeyFooter
from reviewer.tui.widgets.messages import MessageLine
from reviewer.tui.widgets.table import LineTable

if TYPE_CHECKING:
    from textual.timer import Timer

    from reviewer.scoring import Result

VIEWS = [("progress", "1 進捗"), ("ranking", "2 ランキング"), ("balance", "3 バランス"), ("sheets", "4 採点票"),
         ("assignments", "5 割当"), ("evaluators", "6 評価者"), ("decide", "7 決定")]
SPIN = "|/-\\"
CHECK_SECONDS = 1.0  # how often the screen asks the workspace whether another session changed it
SEED = 0  # the sureness's resamples are drawn from this seed (as the command line's default)
OWN_METHOD = "mean"  # the program's own result: this method (score_workspace's default), its budget and strategy
Asked = tuple[str, "int | None", "str | None"]  # a scoring's method, budget (None: its own) and strategy (None: its own)
Compared = tuple[str, int, Asked]  # a comparison's program, the change it was asked at and its settings
VIEW_CLASSES: dict[str, type[ProgressView | RankingView | BalanceView | SheetsView | AssignmentsView
                              | EvaluatorsView | DecisionsView]] = {
    "progress": ProgressView, "ranking": RankingView, "balance": BalanceView, "sheets": SheetsView,
    "assignments": AssignmentsView, "evaluators": EvaluatorsView, "decide": DecisionsView}
#: The views filled from the workspace, before the result is scored (view 7 shows its final list then).
UNSCORED_VIEWS = ("sheets", "assignments", "decide")


def tabs_text(view: str, cells: int) -> Text:
    """The tab line, the view shown in brackets: two spaces between tabs where they fit, one where not."""
    tabs = [f"[{label}]" if key == view else f" {label} " for key, label in VIEWS]
    line = "  ".join(tabs)
    return Text(line if width(line) <= cells else " ".join(tabs))


class ChairScreen(ReviewerScreen[None]):
    BINDINGS = [
        # the view keys are on the tab line above; the footer keeps to 80 columns
        Binding("1", "view('progress')", "進捗", show=False),
        Binding("2", "view('ranking')", "順位", show=False),
        Binding("3", "view('balance')", "バランス", show=False),
        Binding("4", "view('sheets')", "採点票", show=False),
        Binding("5", "view('assignments')", "割当", show=False),
        Binding("6", "view('evaluators')", "評価者", show=False),
        Binding("7", "view('decide')", "決定", show=False),
        Binding("p", "switch_program", "事業"),
        Binding("m", "cycle_method", "集計"),
        Binding("b", "budget", "予算"),
        Binding("s", "cycle_selection", "選定"),
        Binding("r", "reopen", "差戻"),
        Binding("x", "export", "Excel"),
        Binding("X", "export(True)", "匿名Excel", show=False),
        Binding("f5", "reload", "更新", key_display="F5"),
    ]

    def __init__(self, chair_id: str, program: str | None = None):
        super().__init__()
        self.chair_id = chair_id
        mine = self.reviewer.chair.programs()
        self.program_id = program if program in mine else mine[0]
        self.programs = mine
        self.method = "mean"
        self.budget: int | None = None
        #: the selection strategy of a what-if; None: the criteria file's (SPEC §6.5)
        self.selection: str | None = None
        self.result: Result | None = None
        #: the program's own result (its method and budget) beside a what-if result; None when
        #: ``result`` is the program's own
        self.baseline: Result | None = None
        self._own: tuple[tuple[str, int], Result] | None = None  # the latest own result, by (program, change)
        self._stale = {"ranking", "balance", "sheets", "assignments", "evaluators", "decide"}  # views to fill when next shown
        self.view = "progress"
        self._busy: str | None = None  # what the busy line says is under way (None: nothing)
        self._tasks: dict[str, str] = {}  # the tasks under way ("scoring", "export") and their labels
        self._spinner: Timer | None = None  # turns the busy line's spinner, only while a task runs
        self._shown_busy = ""  # what the busy line shows now
        self._spin = 0
        self._scoring = False  # the scoring worker runs
        self._again = False    # asked to score meanwhile: once more when it ends
        self._seen = 0         # the workspace's last change (audit seq) shown
        self._version = 0      # the connection's data_version at the last check
        self._compared: tuple[Compared, Result] | None = None  # the latest comparison of the strategies
        self._result_data: tuple[str, int] | None = None  # the program and the change ``result`` was asked at
        #: the sureness being drawn (its data and settings), or the latest asked meanwhile; None: none
        self._drawing: tuple[tuple[str, int], Asked] | None = None
        self._sure_failed: tuple[str, int] | None = None  # the data whose sureness could not be drawn
        #: the program's shortlist, requests, opinions, decisions and result state, as last read
        self.second: SecondHalf | None = None
        self.review = ReviewActions(self)

    def compose(self) -> ComposeResult:
        yield Static(id="title", classes="titlebar", markup=False)
        yield Static(id="tabs", classes="subbar", markup=False)
        yield Static(id="summary", markup=False)
        with ContentSwitcher(initial="progress", id="views"):
            yield ProgressView(id="progress")
            # the other views are built when first shown (a quicker first screen)
        yield Static(id="busy", classes="subbar", markup=False)
        yield MessageLine()
        yield KeyFooter()

    @staticmethod
    def build_view(view: str) -> Widget:
        return VIEW_CLASSES[view](id=view)

    def view_widget(self, view: str) -> Widget | None:
        found = self.query_one("#views", ContentSwitcher).query_children(f"#{view}")
        return found.first() if found else None

    def on_mount(self) -> None:
        self._resumes = 0
        self.refresh_all(first=True)
        self._checker = self.set_interval(CHECK_SECONDS, self.check_changes)

    def on_screen_resume(self) -> None:
        self._resumes += 1
        # the first resume is the first showing, already filled on mount; later ones (back
        # from a dialog, the detail view, an evaluator's screen in the demo) reload only when
        # the workspace has changed meanwhile (here or in another session)
        if self._resumes > 1 and self.reviewer.chair.last_change() != self._seen:
            self.reload()

    def check_changes(self) -> None:
        """Every CHECK_SECONDS: reload when another session has changed the workspace. A check
        that finds nothing (``data_version``, microseconds; ``last_change`` only after another
        connection committed) draws nothing and scores nothing. Under a dialog too (the
        screen shows beneath it); not while another screen covers it (the detail view, an
        evaluator's screen in the demo): the return to this screen checks."""
        if not self.is_current:
            return
        desk = self.reviewer.chair
        version = desk.data_version()
        if version == self._version:
            return
        self._version = version
        if desk.last_change() != self._seen:  # not only a session or an opened application
            self.reload()

    # -- data --------------------------------------------------------------------------

    def refresh_all(self, first: bool = False) -> None:
        """The title and tabs (the program), and the program's data (``reload``)."""
        self.second = None
        self.show_tabs()
        self.reload(first)

    def show_title(self) -> None:
        """The chair, the program and, once its result is finalized, 確定済み first (in view at any width)."""
        name = self.reviewer.session.program_names()[self.program_id]
        chair = self.reviewer.identity
        state = Text(f" {review_words.FINALIZED} ", style="bold reverse") if self.finalized else Text("")
        self.query_one("#title", Static).update(Text.assemble(
            state, " " if self.finalized else "", ("委員長 ", "bold"), safe(chair.name), f"（{chair.id}）  ",
            safe(name, style="bold"), f"（{self.program_id}）"))

    def show_tabs(self) -> None:
        tabs = self.query_one("#tabs", Static)
        tabs.update(tabs_text(self.view, (tabs.content_region.width or self.app.size.width - 2) or 78))

    @property
    def finalized(self) -> bool:
        """Whether the program's result is finalized (as last read from the workspace)."""
        return self.second is not None and self.second.finalized

    def reload(self, first: bool = False) -> None:
        """Show the workspace as it is now: progress and the sheets at once, the result once
        scored (in the worker; the views keep their cursor rows, by key)."""
        desk = self.reviewer.chair
        self._seen = desk.last_change()
        self._version = desk.data_version()
        self.read_second_half()
        self.fill_progress()
        self._stale |= {"sheets", "assignments"}
        self.fill_view()
        if first:
            self.set_timer(0.3, self.compute)  # the first screen shows before pandas loads
        else:
            self.compute()

    def read_second_half(self) -> None:
        """The program's shortlist, requests, opinions, decisions and state: the ranking's marks and
        view 7 follow them at once when they changed (the final list once scored again)."""
        try:
            second = SecondHalf.read(self.reviewer.chair, self.program_id)
        except WorkspaceError as e:  # a workspace busy or damaged: told, the rest goes on
            self.app.notify("\n".join(clean(m) for m in e.messages), severity="error", markup=False)
            return
        if second != self.second:
            was = self.finalized
            self.second = second
            self._stale |= {"ranking", "decide"}
            self.show_title()
            if was != self.finalized:
                self.refresh_bindings()  # F or R in view 7's footer

    def fill_progress(self) -> None:
        names = {e.id: e.name for e in self.reviewer.session.people()}
        self._progress_line = self.query_one(ProgressView).fill(self.reviewer.chair, self.program_id, names)
        self.show_summary()

    def show_summary(self) -> None:
        """The summary line: the progress, and the result's budget, bonus, method and selection
        (once the program is scored)."""
        from reviewer.domain.vocabulary import METHOD_LABELS

        result = self.result
        items = [getattr(self, "_progress_line", "")]
        if result is not None and result.program.id == self.program_id:
            p = result.program
            money = p.gives_money or self.budget is not None
            if money:
                items += [words.budget_text(result, self.budget is not None), f"申請額合計 {words.yen(result.demand_yen)}"]
            if words.bonus_names(p):
                items.append(f"自動加点: {words.bonus_state(result)}")
            items += [f"集計: {METHOD_LABELS[result.method]}", words.strategy_text(result),
                      f"{words.SELECTED} {len(result.selected)} 件" + (f" {words.yen(result.selected_yen)}" if money else "")]
            items += [f"{words.UNMET}: {n}" for n in result.selection_notes]
            pending = [a.id for a in result.selected if a.grant_notes]  # the sentences: on the detail (Enter)
            if pending:
                items.append(f"{words.GRANT_NOTES}あり {len(pending)} 件: {'、'.join(pending)}")
            final = result.final
            if final is not None and (final.decided or self.finalized):
                items.append(f"{review_words.FINAL_LIST} {final.count} 件" + (f" {words.yen(final.yen)}" if money else ""))
        if self.finalized:
            items.append(f"評価結果: {review_words.FINALIZED}")
        self._summary_items = items
        self.pack_summary()

    def pack_summary(self) -> None:
        """The summary's items on as few lines as fit, never broken inside an item."""
        summary = self.query_one("#summary", Static)
        cells = (summary.content_region.width or self.app.size.width - 2) or 78
        summary.update("\n".join(pack(getattr(self, "_summary_items", []), cells)))

    def on_resize(self) -> None:
        self.pack_summary()
        self.show_tabs()

    def fill_view(self) -> None:
        """Fill the view on screen if its data changed since it was last filled."""
        view = self.view
        if view not in self._stale or view not in UNSCORED_VIEWS and self.result is None:
            return
        widget = self.view_widget(view)
        if widget is None:
            return
        self._stale.discard(view)
        if isinstance(widget, (SheetsView, AssignmentsView)):
            widget.fill(self.reviewer.chair, self.program_id)
        elif isinstance(widget, DecisionsView):
            if self.second is not None:
                mine = self.result is not None and self.result.program.id == self.program_id
                widget.fill(self.second, self.result if mine else None)
        elif self.result is None:
            return
        elif isinstance(widget, RankingView):
            widget.fill(self.result, baseline=self.baseline, drawing=self.drawing_sureness(), second=self.second)
        elif isinstance(widget, BalanceView):
            widget.fill(self.result)
        elif isinstance(widget, EvaluatorsView):
            widget.fill(self.result, {e.id: e.name for e in self.reviewer.session.people()})

    def fill_sheets(self) -> None:
        sheets = self.view_widget("sheets")
        if isinstance(sheets, SheetsView):
            sheets.fill(self.reviewer.chair, self.program_id)

    def on_assignments_view_assigned(self) -> None:
        self.refresh_all()  # the progress counts change with the new assignment

    def on_sheets_view_refill(self) -> None:
        self.fill_sheets()

    def compute(self) -> None:
        """Score the program as now set, in the worker (one at a time: asked while it runs, it
        runs once more after). Beside a what-if (a budget or another method) the program's own
        result too, unless the one at hand is of the same program and data."""
        if self._scoring:
            self._again = True
            return
        self._scoring, self._again = True, False
        self.set_busy("scoring", "集計中")
        data = (self.program_id, self._seen)
        own = self._own is not None and self._own[0] == data
        self.run_scoring(self.program_id, (self.method, self.budget, self.selection), data, not own)

    @staticmethod
    def is_own(method: str, budget: int | None, selection: str | None = None) -> bool:
        """Whether scoring so gives the program's own result (its method, budget and strategy)."""
        return method == OWN_METHOD and budget is None and selection is None

    @work(thread=True, group="scoring")  # one at a time (``compute``): a rerun must not cancel the one ending
    def run_scoring(self, program: str, asked: Asked, data: tuple[str, int], with_own: bool) -> None:
        desk = self.reviewer.chair  # each scoring on a connection of the worker's own
        try:
            result = desk.score(program, *asked)
            own = desk.score(program, OWN_METHOD, None) if with_own and not self.is_own(*asked) else None
        except WorkspaceError as e:  # a workspace busy, read-only or damaged: told, the app goes on
            self.app.call_from_thread(self.scoring_failed, "\n".join(clean(m) for m in e.messages))
            return
        self.app.call_from_thread(self.show_result, result, own, data, asked)

    def score_more(self, program: str, asked: Asked, resamples: int = 0, compare: bool = False) -> Result:
        """As ``run_scoring`` scores, with the sureness (``resamples`` drawn from SEED) or the
        strategies compared."""
        method, budget, selection = asked
        return self.reviewer.chair.score(program, method, budget, selection, resamples=resamples, seed=SEED,
                                         compare=compare)

    def scoring_failed(self, message: str) -> None:
        self._scoring = False
        self._again = False  # the next change or F5 tries again
        self.set_busy("scoring", None)
        self.app.notify(message, title="集計できません", severity="error", markup=False)

    def show_result(self, result: Result, own: Result | None, data: tuple[str, int],
                    asked: Asked) -> None:
        """A scoring's result (``own``: the program's own beside a what-if, None when it is
        that or the one at hand serves; ``data``: the program and the change it was asked at;
        ``asked``: its method, budget and strategy): shown if the program and these are still
        the ones set, its sureness drawn next; then once more if asked meanwhile."""
        self._scoring = False
        mine = self.is_own(*asked)
        if mine:
            own = result
        if own is not None:
            self._own = (data, own)
        current = (result.program.id, asked) == (self.program_id, (self.method, self.budget, self.selection))
        if current:
            self.result, self._result_data = result, data
            self.baseline = None if mine else self._own[1] if self._own and self._own[0] == data else None
            self.show_summary()
            self._stale |= {"ranking", "balance", "evaluators", "decide"}
            self.fill_view()
        if self._again:
            self.compute()
        else:
            self.set_busy("scoring", None)
            if current:
                self.draw_sureness((data, asked))

    # -- the sureness (SPEC §6.6): after the ranking, in a worker of its own ------------------

    def drawing_sureness(self) -> bool:
        """Whether the result shown is to get its sureness (drawn after it: the ranking keeps its
        place for the line meanwhile)."""
        r = self.result
        return r is not None and not r.resamples and bool(r.ranked) and self._sure_failed != self._result_data

    def draw_sureness(self, asked: tuple[tuple[str, int], Asked]) -> None:
        """Draw the sureness of the result shown (``asked``: its data and settings): DEFAULT_RESAMPLES
        resamples, seconds at national scale (tens under optimal), so the ranking does not wait for
        it and a new scoring need not either. One at a time: asked meanwhile, the latest next."""
        if self._drawing is not None:
            self._drawing = asked
            return
        self._drawing = asked
        self.set_busy("sureness", "順位の確かさを計算中")
        self.run_sureness(asked)

    @work(thread=True, group="sureness")
    def run_sureness(self, asked: tuple[tuple[str, int], Asked]) -> None:
        (program, _), settings = asked
        try:
            sure = self.score_more(program, settings, resamples=DEFAULT_RESAMPLES)
        except WorkspaceError as e:
            self.app.call_from_thread(self.sureness_done, asked, None, "\n".join(clean(m) for m in e.messages))
            return
        self.app.call_from_thread(self.sureness_done, asked, sure, "")

    def sureness_done(self, asked: tuple[tuple[str, int], Asked], sure: Result | None, error: str) -> None:
        """The result with its sureness, in place of the one shown if that is still the one asked
        about (the same settings and data); then the latest asked meanwhile, if another."""
        latest, self._drawing = self._drawing, None
        self.set_busy("sureness", None)
        data, settings = asked
        if error:
            self.app.notify(error, title="順位の確かさを求められません", severity="error", markup=False)
            self._sure_failed = data  # the ranking without it (the next change or F5 tries again)
            self._stale.add("ranking")
            self.fill_view()
        if sure is not None and self._result_data == data and settings == (self.method, self.budget, self.selection) \
                and sure.program.id == self.program_id:
            self.result = sure
            if self.is_own(*settings) and self._own is not None and self._own[0] == data:
                self._own = (data, sure)
            self._stale.add("ranking")  # the marks and the columns (the rest is the same)
            self.fill_view()
        if latest is not None and latest != asked:
            self.draw_sureness(latest)

    def set_busy(self, task: str, label: str | None) -> None:
        """A task begins (its label) or ends (None) on the busy line; the spinner turns only
        while a task runs (idle, the screen draws nothing)."""
        if label is None:
            self._tasks.pop(task, None)
        else:
            self._tasks[task] = label
        self._busy = next(iter(self._tasks.values()), None)
        if self._busy and self._spinner is None:
            self._spinner = self.set_interval(0.2, self._tick)
        elif not self._busy and self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
        self._tick()  # now, not at the next turn

    def _tick(self) -> None:
        if self._busy:
            self._spin = (self._spin + 1) % len(SPIN)
            text = f"{SPIN[self._spin]} {self._busy}..."
        else:
            text = getattr(self, "_last_message", "")
        if text != self._shown_busy:
            self._shown_busy = text
            self.query_one("#busy", Static).update(text, layout=False)  # one line high: no layout

    # -- actions --------------------------------------------------------------------------

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        """Enter on an application (ranking or progress list): its result in detail."""
        if event.table.id not in ("ranking-table", "progress-applications") or not event.key or event.key == CUT_KEY:
            return
        self.open_detail(event.key)

    def open_detail(self, application: str) -> None:
        """An application's result in detail (once scored)."""
        if self.result is None or not any(a.id == application for a in self.result.applications):
            self.app.notify("集計中です。少し待ってからもう一度開いてください。", markup=False)
            return
        from reviewer.tui.screens.detail import ApplicationDetail

        self.app.push_screen(ApplicationDetail(self.result, application))

    async def action_view(self, view: str) -> None:
        self.view = view
        switcher = self.query_one("#views", ContentSwitcher)
        if not switcher.query_children(f"#{view}"):
            await switcher.add_content(self.build_view(view))
        switcher.current = view
        self.fill_view()
        self.show_tabs()
        focus = VIEW_CLASSES[view].FOCUS
        if focus:
            self.query_one(focus).focus()

    def action_compare(self) -> None:
        """v (on the ranking): the selection strategies side by side as now set, scored in a
        worker (at hand again while nothing changes)."""
        if self.result is None or self.result.program.id != self.program_id:
            self.app.notify("集計中です。少し待ってからもう一度押してください。", markup=False)
            return
        asked: Asked = (self.method, self.budget, self.selection)
        key = (self.program_id, self._seen, asked)
        if self._compared is not None and self._compared[0] == key:
            self.open_comparison(*self._compared)
        elif "compare" not in self._tasks:  # under way: it opens when done
            self.set_busy("compare", "選定方式を比較中")
            self.run_compare(self.program_id, asked, key)

    @work(thread=True, group="compare")
    def run_compare(self, program: str, asked: Asked, key: Compared) -> None:
        try:
            result = self.score_more(program, asked, compare=True)
        except WorkspaceError as e:
            self.app.call_from_thread(self.compare_done, key, None, "\n".join(clean(m) for m in e.messages))
            return
        self.app.call_from_thread(self.compare_done, key, result, "")

    def compare_done(self, key: Compared, result: Result | None, error: str) -> None:
        """The comparison, opened over this screen (if it is still on top: else at hand for v)."""
        self.set_busy("compare", None)
        if result is None:
            self.app.notify(error, title="比較できません", severity="error", markup=False)
            return
        self._compared = (key, result)
        if self.is_current:
            self.open_comparison(key, result)
        else:
            self.app.notify("選定方式の比較ができました。ランキングで v を押すと開きます。", markup=False)

    def open_comparison(self, key: Compared, result: Result) -> None:
        from reviewer.tui.screens.comparison import ComparisonScreen

        budget = key[2][1]
        self.app.push_screen(ComparisonScreen(result, what_if=budget is not None))

    def action_reload(self) -> None:
        """F5: the workspace as it is now, at once (scored again even if nothing changed)."""
        self.reload()

    # -- the second half of a review (``chair_review``) ---------------------------------------

    def current_application(self) -> str | None:
        """The application under the cursor: the ranking's row, or view 7's entry."""
        if self.view == "ranking":
            key = self.query_one("#ranking-table", LineTable).cursor_key
            return key if key and key != CUT_KEY else None
        if self.view == "decide":
            return application_of(self.query_one(DecisionsView).selected_key())
        return None

    def current_request(self) -> int | None:
        """The request under view 7's cursor, if one is."""
        return request_of(self.query_one(DecisionsView).selected_key()) if self.view == "decide" else None

    def scoring_under_way(self) -> bool:
        return self._scoring

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """View 7's footer shows F (finalize) while the result is open, R (reopen) once it is
        finalized; the other key then says why it does nothing."""
        if action in ("finalize", "reopen_result") and not parameters:
            return (action == "reopen_result") == self.finalized
        return True

    def action_shortlist(self) -> None:
        self.review.shortlist()

    def action_shortlist_around(self) -> None:
        self.review.around()

    def action_decide(self) -> None:
        self.review.decide()

    def action_opinion(self) -> None:
        self.review.opinion()

    def action_request_materials(self) -> None:
        self.review.request_materials()

    def action_answer(self) -> None:
        self.review.answer()

    def action_finalize(self, again: bool = False) -> None:
        self.review.finalize(again)

    def action_reopen_result(self, again: bool = False) -> None:
        self.review.reopen_result(again)

    def action_switch_program(self) -> None:
        if len(self.programs) < 2:
            self.app.notify("担当の事業は1つです。", markup=False)
            return
        names = self.reviewer.session.program_names()
        options = [(p, f"{p}  {names[p]}") for p in self.programs]

        def done(choice: str | None) -> None:
            if choice:
                self.program_id = choice
                self.budget = self.selection = None
                self.refresh_all()

        self.app.push_screen(PickDialog("事業を選ぶ", options), done)

    def action_cycle_method(self) -> None:
        keys = list(METHODS)
        self.method = keys[(keys.index(self.method) + 1) % len(keys)]
        self.compute()

    def action_cycle_selection(self) -> None:
        """The next selection strategy for a what-if; back at the criteria file's, its own."""
        own = self.reviewer.chair.program(self.program_id).selection.strategy
        keys = list(SELECTION_STRATEGIES)
        nxt = keys[(keys.index(self.selection or own) + 1) % len(keys)]
        self.selection = None if nxt == own else nxt
        self.compute()

    def action_budget(self) -> None:
        prog = self.reviewer.chair.program(self.program_id)
        current = self.budget if self.budget is not None else prog.selection.budget_yen

        def attempt(value: str) -> str | None:
            if not value.strip():
                return None
            try:
                words.parse_yen(value)
            except ValueError as e:
                return f"予算: {e}"
            return None

        def done(value: str | None) -> None:
            if value is None:
                return
            self.budget = words.parse_yen(value) if value.strip() else None
            self.compute()

        self.app.push_screen(InputDialog("予算を変えて試算", "予算額（円）。空欄で審査基準の予算に戻します。",
                                         value="" if current is None else f"{current:,}", attempt=attempt), done)

    async def action_reopen(self) -> None:
        if self.view != "sheets":
            await self.action_view("sheets")
            self.app.notify("差し戻す採点票を選んで r を押してください。", markup=False)
            return
        picked = self.query_one(SheetsView).selected()
        if picked is None or self.review.refused():
            return
        application, evaluator = picked
        self.reviewer.ask_reason(
            "採点票の差し戻し", f"{application} の評価者 {evaluator} の採点票を下書きに戻します。理由:",
            lambda reason: self.reviewer.chair.reopen(self.program_id, application, evaluator, reason),
            f"{application} / {evaluator} の採点票を差し戻しました。", then=self.reload)

    def action_export(self, anonymous: bool = False) -> None:
        """x: the workbook as it is; X: with each evaluator shown as 委員A, 委員B, …"""
        default = self.reviewer.chair.export_path(self.program_id, self.reviewer.export_dir)

        def attempt(value: str) -> str | None:
            if value.strip() and Path(value.strip()).expanduser().suffix.lower() != ".xlsx":
                return "ファイル名は .xlsx で終えてください。"
            return None

        def done(value: str | None) -> None:
            if not value or not value.strip():
                return
            path = Path(value.strip()).expanduser()
            self.set_busy("export", "Excel に書き出し中")
            self.run_export(self.program_id, (self.method, self.budget, self.selection), path, anonymous)

        title = "Excel に書き出す（評価委員を「委員A」「委員B」…と匿名で）" if anonymous else "Excel に書き出す"
        self.app.push_screen(InputDialog(title, "書き出すファイル:", value=str(default), attempt=attempt), done)

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, program: str, asked: Asked, path: Path, anonymous: bool = False) -> None:
        try:
            method, budget, selection = asked
            self.reviewer.chair.export(program, method, budget, path, selection, anonymous=anonymous)
        except WorkspaceError as e:
            self.app.call_from_thread(self.export_done, None, "\n".join(clean(m) for m in e.messages))
            return
        self.app.call_from_thread(self.export_done, path, None)

    def export_done(self, path: Path | None, error: str | None) -> None:
        if error:
            self._last_message = f"書き出せませんでした: {error}"
            self.app.notify(self._last_message, severity="error", markup=False)
        else:
            self._last_message = f"書き出しました: {path}"
            self.app.notify(self._last_message, title="Excel", markup=False)
        self.set_busy("export", None)
