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
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, Input, Static

from reviewer.domain.vocabulary import METHODS
from reviewer.present import result as words
from reviewer.present.text import clean, jst, pad
from reviewer.services.chair import ChairDesk
from reviewer.services.errors import WorkspaceError
from reviewer.tui.chrome import paused_gc, safe
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.dialogs import InputDialog, PickDialog
from reviewer.tui.widgets.footer import KeyFooter
from reviewer.tui.widgets.messages import MessageLine
from reviewer.tui.widgets.table import Column, LineTable

if TYPE_CHECKING:
    from reviewer.scoring import Result

VIEWS = [("progress", "1 進捗"), ("ranking", "2 ランキング"), ("balance", "3 バランス"), ("sheets", "4 採点票")]
SPIN = "|/-\\"
N = Column  # a number column is right-aligned


class ApplicationProgress:
    """The chair's list of applications (fewest submitted first) for a LineTable, read from
    the workspace a page at a time: 20,000 applications open as fast as 20."""

    def __init__(self, chair: ChairDesk, program: str):
        self.chair, self.program = chair, program
        self.count = chair.application_count(program)

    def __len__(self) -> int:
        return self.count

    def window(self, start: int, stop: int) -> list[tuple[str, tuple[str, ...]]]:
        return [(r.id, (r.id, r.applicant, r.bureau, str(r.assigned), str(r.drafted), str(r.submitted)))
                for r in self.chair.application_progress(self.program, start, stop)]

    def index_of(self, key: str) -> int | None:
        return self.chair.application_progress_position(self.program, key)

    def widths(self) -> list[int]:
        """Upper bounds of the columns in terminal cells (a character is at most two)."""
        w = self.chair.application_progress_widths(self.program)
        return [w.id, 2 * w.applicant, 2 * w.bureau, w.digits, w.digits, w.digits]


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
            with Vertical(id="progress"):
                yield Static("評価者別（進捗の遅い順）", classes="label", markup=False)
                yield LineTable("評価者", Column("氏名", max_width=16), N("割当", True), N("未着手", True),
                                N("下書き", True), N("提出済", True), N("進捗", True), id="progress-evaluators")
                yield Static("申請別（提出の少ない順）", classes="label", markup=False)
                yield LineTable("申請ID", Column("申請者", max_width=30, flex=True), "総合通信局", N("割当", True),
                                N("下書き", True), N("提出済", True), id="progress-applications")
            # the other views are built when first shown (a quicker first screen)
        yield Static(id="busy", classes="subbar", markup=False)
        yield MessageLine()
        yield KeyFooter()

    @staticmethod
    def build_view(view: str) -> Vertical:
        if view == "ranking":
            return Vertical(
                LineTable(N("順位", True), "申請ID", Column("申請者", max_width=24, flex=True, min_width=14), "総合通信局",
                          N("得点率", True), N("加点", True), N("合計", True), N("評価", True), N("申請額", True), "採択",
                          Column("注記", max_width=60, flex=True), id="ranking-table"), id="ranking")
        if view == "balance":
            return Vertical(Static("集計中...", id="balance-bars", markup=False), id="balance")
        return Vertical(
            Static("提出済みの採点票（r で差し戻し）", classes="label", markup=False),
            Input(placeholder="絞込: 申請ID・評価者・申請者（Enter）", id="sheets-filter"),
            LineTable("評価者", "申請ID", Column("申請者", max_width=30, flex=True), "提出日時（日本時間）", id="sheets-table"),
            id="sheets")

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
        desk = self.reviewer.chair
        names = {e.id: e.name for e in self.reviewer.session.people()}
        evs = sorted(desk.evaluator_progress(self.program_id).by_evaluator.items(),
                     key=lambda kv: (kv[1].submitted / kv[1].assigned, kv[0]))
        self.query_one("#progress-evaluators", LineTable).set_rows(
            [(ev, names.get(ev, ""), str(c.assigned), str(c.not_started), str(c.drafted), str(c.submitted),
              words.percent_done(c.submitted, c.assigned)) for ev, c in evs], [ev for ev, _ in evs])
        self.query_one("#progress-applications", LineTable).set_source(ApplicationProgress(desk, self.program_id))
        total = sum(c.assigned for _, c in evs)
        done = sum(c.submitted for _, c in evs)
        self._progress_line = words.progress_line(done, total)

    def fill_view(self) -> None:
        """Fill the view on screen if its data changed since it was last filled."""
        view = self.view
        if view not in self._stale or view != "sheets" and self.result is None:
            return
        self._stale.discard(view)
        if view == "sheets":
            self.fill_sheets()
        elif self.result is None:
            return
        elif view == "ranking":
            with paused_gc():
                self.fill_ranking(self.result)
        elif view == "balance":
            self.fill_balance(self.result)

    def fill_sheets(self) -> None:
        q = self.query_one("#sheets-filter", Input).value.strip().lower()
        sheets = [s for s in self.reviewer.chair.submitted(self.program_id)
                  if not q or q in s.evaluator.lower() or q in s.application.lower() or q in (s.applicant or "").lower()]
        with paused_gc():
            self.query_one("#sheets-table", LineTable).set_rows(
                [(s.evaluator, s.application, s.applicant or "", jst(s.submitted_at)) for s in sheets],
                [f"{s.application}/{s.evaluator}" for s in sheets])

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

    def fill_ranking(self, result: Result) -> None:
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
                keys.append("--cut--")
        self.query_one("#ranking-table", LineTable).set_rows(rows, keys)

    def fill_balance(self, result: Result) -> None:
        from reviewer.domain.vocabulary import BALANCE_LABELS as labels

        text = Text()
        text.append("総合通信局別（#: 申請  =: 対象  採: 採択候補）\n", style="bold")
        peak = max([b.applications for b in result.balance] + [1])
        scale = max(1, -(-peak // 30))
        for b in result.balance:
            text.append(pad(clean(b.bureau), 8))
            text.append(" " * (b.selected // scale), style="reverse bold")
            text.append("=" * ((b.eligible - b.selected) // scale))
            text.append("#" * ((b.applications - b.eligible) // scale), style="dim")
            quota = f"  枠 {words.range_text(b.min, b.max)}" if words.range_text(b.min, b.max) else ""
            text.append(f"  申請 {b.applications} 対象 {b.eligible} 採択 {b.selected}{quota}  ")
            text.append(labels[b.status], style="bold" if b.status != "ok" else "")
            text.append("\n")
        if result.field_balance:
            share = result.program.selection.max_field_share
            limit = f"（採択に占める割合の上限 {share:.0%}）" if share else ""
            text.append(f"\n要件・分野別モデル別{limit}\n", style="bold")
            for f in result.field_balance:
                name = (f"要件{f.key}" if f.kind == "track" else f"  {f.key} {f.name}")
                text.append(pad(clean(name)[:24], 26))  # a model's name comes from the criteria file
                text.append(" " * f.selected, style="reverse bold")
                text.append("=" * (f.eligible - f.selected))
                text.append(f"  申請 {f.applications} 対象 {f.eligible} 採択 {f.selected}")
                if f.share is not None:
                    text.append(f"（{f.share:.0%}）")
                if f.flagged:
                    text.append("  偏りあり", style="bold reverse")
                text.append("\n")
        self.query_one("#balance-bars", Static).update(text)

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
        if event.table.id not in ("ranking-table", "progress-applications") or not event.key or event.key == "--cut--":
            return
        if self.result is None or not any(a.id == event.key for a in self.result.applications):
            self.app.notify("集計中です。少し待ってからもう一度開いてください。", markup=False)
            return
        from reviewer.tui.screens.detail import ApplicationDetail

        self.app.push_screen(ApplicationDetail(self.result, event.key))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "sheets-filter":
            self.fill_sheets()
            self.query_one("#sheets-table", LineTable).focus()

    async def action_view(self, view: str) -> None:
        self.view = view
        switcher = self.query_one("#views", ContentSwitcher)
        if not switcher.query_children(f"#{view}"):
            await switcher.add_content(self.build_view(view))
        switcher.current = view
        self.fill_view()
        self.query_one("#tabs", Static).update(Text("  ".join(
            f"[{label}]" if key == view else f" {label} " for key, label in VIEWS)))
        focus = {"progress": "#progress-evaluators", "ranking": "#ranking-table", "sheets": "#sheets-table"}.get(view)
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
        key = self.query_one("#sheets-table", LineTable).cursor_key
        if key is None:
            return
        application, evaluator = key.split("/", 1)
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
