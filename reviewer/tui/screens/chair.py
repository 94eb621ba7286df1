"""The chair's dashboard: progress, the live ranking, balance, sheets to reopen, export.

Scoring (pandas) runs in a worker thread and is imported only when first needed, so the
app starts without it.
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

from reviewer.domain.vocabulary import METHODS
from reviewer.present import result as words
from reviewer.present.text import clean
from reviewer.services.errors import WorkspaceError
from reviewer.tui.chrome import safe
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.dialogs import InputDialog, PickDialog
from reviewer.tui.views.balance import BalanceView
from reviewer.tui.views.progress import ProgressView
from reviewer.tui.views.ranking import CUT_KEY, RankingView
from reviewer.tui.views.sheets import SheetsView
from reviewer.tui.widgets.footer import KeyFooter
from reviewer.tui.widgets.messages import MessageLine
from reviewer.tui.widgets.table import LineTable

if TYPE_CHECKING:
    from reviewer.scoring import Result

VIEWS = [("progress", "1 進捗"), ("ranking", "2 ランキング"), ("balance", "3 バランス"), ("sheets", "4 採点票")]
SPIN = "|/-\\"
VIEW_CLASSES: dict[str, type[ProgressView | RankingView | BalanceView | SheetsView]] = {
    "progress": ProgressView, "ranking": RankingView, "balance": BalanceView, "sheets": SheetsView}


class ChairScreen(ReviewerScreen[None]):
    BINDINGS = [
        Binding("1", "view('progress')", "進捗"),
        Binding("2", "view('ranking')", "順位"),
        Binding("3", "view('balance')", "バランス"),
        Binding("4", "view('sheets')", "採点票"),
        Binding("p", "switch_program", "事業"),
        Binding("m", "cycle_method", "集計"),
        Binding("b", "budget", "予算"),
        Binding("r", "reopen", "差戻し"),
        Binding("x", "export", "Excel"),
    ]

    def __init__(self, chair_id: str, program: str | None = None):
        super().__init__()
        self.chair_id = chair_id
        mine = self.reviewer.chair.programs()
        self.program_id = program if program in mine else mine[0]
        self.programs = mine
        self.method = "mean"
        self.budget: int | None = None
        self.result: Result | None = None
        self._stale = {"ranking", "balance", "sheets"}  # views to fill when next shown
        self.view = "progress"
        self._busy: str | None = None
        self._spin = 0

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
        self.set_interval(0.2, self._tick)
        self._resumes = 0
        self.refresh_all()

    def on_screen_resume(self) -> None:
        self._resumes += 1
        # the first resume is the first showing, already filled on mount; later ones (back
        # from a dialog, the detail view, an evaluator's screen in the demo) reload only when
        # the workspace has changed meanwhile (here or in another session)
        if self._resumes > 1 and self.reviewer.chair.last_change() != self._seen:
            self.refresh_all()

    # -- data --------------------------------------------------------------------------

    def refresh_all(self) -> None:
        desk = self.reviewer.chair
        self._seen = desk.last_change()
        name = self.reviewer.session.program_names()[self.program_id]
        chair = self.reviewer.identity
        self.query_one("#title", Static).update(Text.assemble(
            ("委員長 ", "bold"), safe(chair.name), f"（{chair.id}）  ", safe(name, style="bold"), f"（{self.program_id}）"))
        self.query_one("#tabs", Static).update(Text("  ".join(
            f"[{label}]" if key == self.view else f" {label} " for key, label in VIEWS)))
        self.fill_progress()
        self._stale.add("sheets")
        self.fill_view()
        self.set_timer(0.3, self.compute)  # the first screen shows before pandas loads

    def fill_progress(self) -> None:
        names = {e.id: e.name for e in self.reviewer.session.people()}
        self._progress_line = self.query_one(ProgressView).fill(self.reviewer.chair, self.program_id, names)

    def fill_view(self) -> None:
        """Fill the view on screen if its data changed since it was last filled."""
        view = self.view
        if view not in self._stale or view != "sheets" and self.result is None:
            return
        widget = self.view_widget(view)
        if widget is None:
            return
        self._stale.discard(view)
        if isinstance(widget, SheetsView):
            widget.fill(self.reviewer.chair, self.program_id)
        elif self.result is None:
            return
        elif isinstance(widget, (RankingView, BalanceView)):
            widget.fill(self.result)

    def fill_sheets(self) -> None:
        sheets = self.view_widget("sheets")
        if isinstance(sheets, SheetsView):
            sheets.fill(self.reviewer.chair, self.program_id)

    def on_sheets_view_refill(self) -> None:
        self.fill_sheets()

    def compute(self) -> None:
        self._busy = "集計中"
        self.run_scoring(self.program_id, self.method, self.budget)

    @work(thread=True, exclusive=True, group="scoring")
    def run_scoring(self, program: str, method: str, budget: int | None) -> None:
        result = self.reviewer.chair.score(program, method, budget)  # a connection of the worker's own
        self.app.call_from_thread(self.show_result, result)

    def show_result(self, result: Result) -> None:
        from reviewer.domain.vocabulary import METHOD_LABELS

        if result.program.id != self.program_id:
            return
        self.result = result
        self._busy = None
        self._tick()  # the busy line clears now, not at the next tick
        p = result.program
        budget = words.budget_text(result, self.budget is not None)
        bonus = f"  自動加点: {words.bonus_state(result)}" if words.bonus_names(p) else ""
        money = p.gives_money or self.budget is not None
        self.query_one("#summary", Static).update(Text.assemble(
            f"{getattr(self, '_progress_line', '')}",
            f"  {budget}  申請額合計 {words.yen(result.demand_yen)}" if money else "",
            bonus, f"  集計: {METHOD_LABELS[result.method]}",
            f"  {words.SELECTED} {len(result.selected)} 件" + (f" {words.yen(result.selected_yen)}" if money else "")))
        self._stale |= {"ranking", "balance"}
        self.fill_view()

    def _tick(self) -> None:
        busy = self.query_one("#busy", Static)
        if self._busy:
            self._spin = (self._spin + 1) % len(SPIN)
            busy.update(f"{SPIN[self._spin]} {self._busy}...")
        else:
            busy.update(getattr(self, "_last_message", ""))

    # -- actions --------------------------------------------------------------------------

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        """Enter on an application (ranking or progress list): its result in detail."""
        if event.table.id not in ("ranking-table", "progress-applications") or not event.key or event.key == CUT_KEY:
            return
        if self.result is None or not any(a.id == event.key for a in self.result.applications):
            self.app.notify("集計中です。少し待ってからもう一度開いてください。", markup=False)
            return
        from reviewer.tui.screens.detail import ApplicationDetail

        self.app.push_screen(ApplicationDetail(self.result, event.key))

    async def action_view(self, view: str) -> None:
        self.view = view
        switcher = self.query_one("#views", ContentSwitcher)
        if not switcher.query_children(f"#{view}"):
            await switcher.add_content(self.build_view(view))
        switcher.current = view
        self.fill_view()
        self.query_one("#tabs", Static).update(Text("  ".join(
            f"[{label}]" if key == view else f" {label} " for key, label in VIEWS)))
        focus = VIEW_CLASSES[view].FOCUS
        if focus:
            self.query_one(focus, LineTable).focus()

    def action_switch_program(self) -> None:
        if len(self.programs) < 2:
            self.app.notify("担当の事業は1つです。", markup=False)
            return
        names = self.reviewer.session.program_names()
        options = [(p, f"{p}  {names[p]}") for p in self.programs]

        def done(choice: str | None) -> None:
            if choice:
                self.program_id = choice
                self.budget = None
                self.refresh_all()

        self.app.push_screen(PickDialog("事業を選ぶ", options), done)

    def action_cycle_method(self) -> None:
        keys = list(METHODS)
        self.method = keys[(keys.index(self.method) + 1) % len(keys)]
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
        if picked is None:
            return
        application, evaluator = picked
        self.reviewer.ask_reason(
            "採点票の差し戻し", f"{application} の評価者 {evaluator} の採点票を下書きに戻します。理由:",
            lambda reason: self.reviewer.chair.reopen(self.program_id, application, evaluator, reason),
            f"{application} / {evaluator} の採点票を差し戻しました。", then=self.refresh_all)

    def action_export(self) -> None:
        default = self.reviewer.chair.export_name(self.program_id, self.reviewer.export_dir)

        def attempt(value: str) -> str | None:
            if value.strip() and Path(value.strip()).expanduser().suffix.lower() != ".xlsx":
                return "ファイル名は .xlsx で終えてください。"
            return None

        def done(value: str | None) -> None:
            if not value or not value.strip():
                return
            path = Path(value.strip()).expanduser()
            self._busy = "Excel に書き出し中"
            self.run_export(self.program_id, self.method, self.budget, path)

        self.app.push_screen(InputDialog("Excel に書き出す", "書き出すファイル:", value=str(default), attempt=attempt),
                             done)

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, program: str, method: str, budget: int | None, path: Path) -> None:
        try:
            self.reviewer.chair.export(program, method, budget, path)
        except WorkspaceError as e:
            self.app.call_from_thread(self.export_done, None, "\n".join(clean(m) for m in e.messages))
            return
        self.app.call_from_thread(self.export_done, path, None)

    def export_done(self, path: Path | None, error: str | None) -> None:
        self._busy = None
        if error:
            self._last_message = f"書き出せませんでした: {error}"
            self.app.notify(self._last_message, severity="error", markup=False)
        else:
            self._last_message = f"書き出しました: {path}"
            self.app.notify(self._last_message, title="Excel", markup=False)
        self._tick()
