"""採点票: the submitted sheets (Enter shows one in full, r reopens one), filtered by application,
evaluator or applicant."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from reviewer.present.text import jst
from reviewer.services.chair import ChairDesk
from reviewer.tui.chrome import paused_gc
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.widgets.table import Column, LineTable


class SheetsView(Vertical):
    FOCUS = "#sheets-table"
    #: The program last filled in.
    program: str | None = None
    #: The filter as last submitted with Enter (a refresh never applies half-typed text)
    applied = ""

    def compose(self) -> ComposeResult:
        yield Static("提出済みの採点票（Enter で項目・所見・コメント、r で差し戻し）", classes="label", markup=False)
        yield Input(placeholder="絞込: 申請ID・評価者・申請者（Enter）", id="sheets-filter")
        yield LineTable("評価者", "申請ID", Column("申請者", max_width=30, flex=True), "提出日時（日本時間）",
                        id="sheets-table")

    def fill(self, desk: ChairDesk, program: str) -> None:
        self.program = program
        q = self.applied
        sheets = [s for s in desk.submitted(program)
                  if not q or q in s.evaluator.lower() or q in s.application.lower() or q in (s.applicant or "").lower()]
        with paused_gc():
            self.query_one("#sheets-table", LineTable).set_rows(
                [(s.evaluator, s.application, s.applicant or "", jst(s.submitted_at)) for s in sheets],
                [f"{s.application}/{s.evaluator}" for s in sheets])

    def selected(self) -> tuple[str, str] | None:
        """(application, evaluator) of the sheet under the cursor."""
        key = self.query_one("#sheets-table", LineTable).cursor_key
        if key is None:
            return None
        application, evaluator = key.split("/", 1)
        return application, evaluator

    @on(LineTable.RowSelected, "#sheets-table")
    def sheet_selected(self, event: LineTable.RowSelected) -> None:
        """Enter on a sheet: its page (every item, note and comment)."""
        event.stop()
        if not event.key or self.program is None or not isinstance(self.screen, ReviewerScreen):
            return
        from reviewer.tui.screens.sheet_detail import sheet_page

        application, evaluator = event.key.split("/", 1)
        page = sheet_page(self.screen.reviewer, self.program, application, evaluator)
        if page is not None:
            self.app.push_screen(page)

    @on(Input.Submitted, "#sheets-filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.applied = event.value.strip().lower()
        self.post_message(self.Refill())
        self.query_one("#sheets-table", LineTable).focus()

    class Refill(Message):
        """The filter changed: the screen fills the view again."""
