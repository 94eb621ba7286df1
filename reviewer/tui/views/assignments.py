"""割当: the declared conflicts of interest (who, which application, why, when) and, with a,
another evaluator assigned to the selected row's application: those who may (an evaluator of
the program, no conflict with it, not assigned to it yet, not withdrawn from it) are offered
with their load, and the assignment is checked and audited by ``services.assignments``."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from reviewer.present.text import clean, jst, pack
from reviewer.services import assignments
from reviewer.services.chair import ChairDesk
from reviewer.services.errors import WorkspaceError
from reviewer.tui.chrome import paused_gc, safe
from reviewer.tui.screens.dialogs import PickDialog
from reviewer.tui.widgets.table import Column, LineTable

N = Column  # a number column is right-aligned
LABEL = "利害関係の申出（新しい順、日時は日本時間。a: 代わりの評価者を割り当てる）"
EMPTY_LABEL = "利害関係の申出はありません"


class AssignmentsView(Vertical):
    FOCUS = "#assignments-table"
    DEFAULT_CSS = """
    #assignments-table { height: 1fr; }
    #assignments-detail { height: auto; max-height: 4; padding: 0 1; background: $boost; }
    """
    # the view's heading names the key (「a: 代わりの評価者を割り当てる」): the footer keeps to 80 columns
    BINDINGS = [Binding("a", "assign", "割当", show=False)]

    desk: ChairDesk | None = None
    program = ""
    _shown: dict[str, assignments.Declaration] = {}  # by row key

    def compose(self) -> ComposeResult:
        yield Static(LABEL, id="assignments-label", classes="label", markup=False)
        # 割当: the application's active assignments now; the reason, cut in the table, is
        # whole in the line under it (the row under the cursor)
        yield LineTable("評価者", Column("氏名", max_width=12, flex=True, min_width=6), "申請ID",
                        Column("申請者", max_width=30, flex=True, min_width=6), N("割当", True), "申出日時",
                        Column("理由", max_width=60, flex=True, min_width=10), id="assignments-table")
        yield Static("", id="assignments-detail", markup=False)

    def fill(self, desk: ChairDesk, program: str) -> None:
        """Show the program's declared conflicts, the newest first (割当: the application's
        active assignments now)."""
        self.desk, self.program = desk, program
        rows = assignments.declarations(desk.ws, program)
        self.query_one("#assignments-label", Static).update(LABEL if rows else EMPTY_LABEL)
        self._shown = {f"{d.application}/{d.evaluator}": d for d in rows}
        table = self.query_one("#assignments-table", LineTable)
        with paused_gc():
            table.set_rows([(d.evaluator, d.name, d.application, d.applicant, str(d.assigned), jst(d.at), d.reason)
                            for d in rows], list(self._shown))
        self.show_detail(table.cursor_key)

    def show_detail(self, key: str | None) -> None:
        """The declaration under the cursor in full: who, which application, when, why."""
        d = self._shown.get(key or "")
        detail = self.query_one("#assignments-detail", Static)
        detail.display = d is not None
        if d is not None:
            items = [f"{d.evaluator} {clean(d.name)}", f"{d.application} {clean(d.applicant)}", jst(d.at),
                     f"割当 {d.assigned}"]
            cells = (detail.content_region.width or self.app.size.width - 2) or 78
            detail.update(Text.assemble("\n".join(pack(items, cells)), "\n",  # never broken inside an item
                                        ("理由: ", "bold"), safe(d.reason, multiline=True)))

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        self.show_detail(event.key)

    def selected(self) -> tuple[str, str] | None:
        """(application, evaluator who withdrew) of the row under the cursor."""
        key = self.query_one("#assignments-table", LineTable).cursor_key
        if key is None:
            return None
        application, evaluator = key.split("/", 1)
        return application, evaluator

    def action_assign(self) -> None:
        """Offer the evaluators who may take over the selected row's application; assign the one
        chosen (the reason recorded: 利害関係の申出（e02）の代わり)."""
        desk, picked = self.desk, self.selected()
        if desk is None or picked is None:
            self.app.notify("割り当てる申請がありません（利害関係の申出がありません）。", markup=False)
            return
        application, withdrawn = picked
        try:
            offered = assignments.candidates(desk.ws, self.program, application)
        except WorkspaceError as e:
            self.app.notify("\n".join(clean(m) for m in e.messages), severity="error", markup=False)
            return
        if not offered:
            self.app.notify(f"申請 {application} に割り当てられる評価者がいません（事業の評価者は全員、割当済みか"
                            "利害関係があります）。", severity="warning", markup=False)
            return
        reason = assignments.default_reason(withdrawn)
        options = [(c.evaluator, f"{c.evaluator}  {c.name}  担当 {c.assigned} 件（未提出 {c.left}）") for c in offered]

        def done(choice: str | None) -> None:
            if choice:
                self.assign(desk, application, choice, reason)

        self.app.push_screen(PickDialog(f"申請 {application} に割り当てる評価者（{reason}）", options), done)

    def assign(self, desk: ChairDesk, application: str, evaluator: str, reason: str) -> None:
        try:
            assignments.assign_evaluator(desk.ws, self.program, application, evaluator, chair=desk.chair_id,
                                         reason=reason, actor=desk.session.actor)
        except WorkspaceError as e:
            self.app.notify("\n".join(clean(m) for m in e.messages), title="割り当てられませんでした",
                            severity="error", markup=False)
            return
        self.app.notify(f"申請 {application} に評価者 {evaluator} を割り当てました。", markup=False)
        self.fill(desk, self.program)
        self.post_message(self.Assigned(self.program, application, evaluator))

    @dataclass
    class Assigned(Message):
        """An evaluator was assigned: the screen may refresh its progress."""

        program: str
        application: str
        evaluator: str
