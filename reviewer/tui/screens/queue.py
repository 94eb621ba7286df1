"""The evaluator's list: their assigned applications, with status, filter and search.

Where some of them are shortlisted for the hearing (SPEC §6.4), a column says when each is
heard and how far the evaluator's hearing sheet is ("12/10 10:00 未採点"), the line under the
list gives the whole time and place of the one under the cursor, and ``s`` offers them as a
filter of their own."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from reviewer.domain.vocabulary import REOPENED_LABEL, SHEET_STATUS_LABELS
from reviewer.present.result import field_code, percent_done
from reviewer.present.review import HEARING, HEARING_SHEET_LABELS, schedule, short_schedule
from reviewer.present.text import clean, jst
from reviewer.services.errors import WorkspaceError
from reviewer.services.session import QueueEntry, SheetRecord, ShortlistEntry
from reviewer.tui.chrome import safe
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.widgets.footer import KeyFooter
from reviewer.tui.widgets.messages import MessageLine
from reviewer.tui.widgets.table import Column, LineTable

FILTERS = [("all", "すべて"), ("todo", SHEET_STATUS_LABELS[None]), ("draft", SHEET_STATUS_LABELS["draft"]),
           ("reopened", REOPENED_LABEL), ("submitted", SHEET_STATUS_LABELS["submitted"]), ("open", "未完了"),
           ("hearing", f"{HEARING}対象")]
#: A shortlisted application: when and where it is heard, and the evaluator's hearing sheet.
Hearing = tuple[ShortlistEntry, SheetRecord | None]


def status_label(r: QueueEntry) -> str:
    """未着手・下書き・差し戻し・提出済."""
    if r.status == "draft" and r.reopened_at:
        return REOPENED_LABEL
    return SHEET_STATUS_LABELS[r.status]


def hearing_state(sheet: SheetRecord | None) -> str:
    """未採点・下書き・差し戻し・提出済 of a hearing sheet."""
    if sheet is not None and sheet.status == "draft" and sheet.reopened_at:
        return REOPENED_LABEL
    return HEARING_SHEET_LABELS[sheet.status if sheet else None]


def hearing_label(hearing: Hearing | None) -> str:
    """The hearing column's cell: "12/10 10:00 下書き" ("" for an application not shortlisted)."""
    if hearing is None:
        return ""
    entry, sheet = hearing
    return f"{short_schedule(entry)} {hearing_state(sheet)}"


def entered_label(r: QueueEntry) -> str:
    """How far the sheet is: "3/12" (items entered of those that apply)."""
    return f"{r.entered}/{r.items}" if r.items is not None else str(r.entered)


class QueueScreen(ReviewerScreen[None]):
    BINDINGS = [
        Binding("enter", "open", "開く"),
        Binding("slash", "search", "検索"),
        Binding("s", "cycle_filter", "絞込"),
        Binding("c", "calibration", "傾向"),
        Binding("escape", "reset", "解除", show=False),
    ]

    def __init__(self, evaluator_id: str):
        super().__init__()
        self.evaluator_id = evaluator_id
        self.filter = "all"
        self.query_text = ""
        self.rows: list[QueueEntry] = []
        self.hearings: dict[tuple[str, str], Hearing] = {}
        self.show_program = self.show_track = True
        self.show_hearing = False

    def compose(self) -> ComposeResult:
        yield Static(id="title", classes="titlebar", markup=False)
        yield Static(id="progress", classes="subbar", markup=False)
        yield Input(placeholder="検索（/）: 申請ID・申請者・件名・総合通信局", id="search")
        # the program and track columns only where they tell the rows apart
        rows = self.reviewer.session.queue(self.evaluator_id)
        self.show_program = len({r.program for r in rows}) > 1
        self.show_track = any(r.track for r in rows)
        self.show_hearing = bool(self.reviewer.session.hearings(self.evaluator_id, rows))
        yield LineTable("状態", Column("入力", right=True), "申請ID", *([HEARING] if self.show_hearing else []),
                        *(["事業"] if self.show_program else []),
                        *(["要件"] if self.show_track else []),
                        Column("申請者", max_width=30, flex=True, min_width=12), "総合通信局",
                        Column("件名", max_width=80, flex=True, min_width=16), id="queue")
        yield Static(id="reopened", classes="subbar", markup=False)
        yield Static(id="hearing", classes="subbar", markup=False)
        yield Static(id="filterbar", classes="subbar", markup=False)
        yield MessageLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#queue", LineTable)
        self.reviewer.settle_cursors(self)
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self._resumes = getattr(self, "_resumes", 0) + 1
        if self._resumes > 1:  # back from an application: statuses may have changed
            self.reload()

    def reload(self) -> None:
        session = self.reviewer.session
        ev = session.person(self.evaluator_id)
        self.rows = session.queue(self.evaluator_id)
        self.hearings = session.hearings(self.evaluator_id, self.rows)
        done = sum(1 for r in self.rows if r.status == "submitted")
        drafts = sum(1 for r in self.rows if r.status == "draft")
        reopened = sum(1 for r in self.rows if r.status == "draft" and r.reopened_at)
        total = len(self.rows)
        self.query_one("#title", Static).update(
            Text.assemble(("評価者 ", "bold"), safe(ev.name), f"（{ev.id}）", "  ", safe(ev.affiliation, style="dim")))
        pct = percent_done(done, total)
        bar = _bar(done, total, 20)
        self.query_one("#progress", Static).update(
            Text.assemble("進捗 ", bar, f" 提出済 {done} / 割当 {total}（{pct}）  下書き {drafts}"
                                        + (f"（うち{REOPENED_LABEL} {reopened}）" if reopened else "")
                                        + f"  未着手 {total - done - drafts}"))
        self.refresh_table()

    def hearing_progress(self) -> str:
        """"  ヒアリング 提出済 1 / 5" ("" where none is shortlisted)."""
        if not self.hearings:
            return ""
        done = sum(1 for _, sheet in self.hearings.values() if sheet is not None and sheet.status == "submitted")
        return f"  {HEARING} 提出済 {done} / {len(self.hearings)}"

    def visible_rows(self) -> list:
        rows = self.rows
        if self.filter == "todo":
            rows = [r for r in rows if r.status is None]
        elif self.filter in ("draft", "submitted"):
            rows = [r for r in rows if r.status == self.filter]
        elif self.filter == "reopened":
            rows = [r for r in rows if r.status == "draft" and r.reopened_at]
        elif self.filter == "open":
            rows = [r for r in rows if r.status != "submitted"]
        elif self.filter == "hearing":
            rows = [r for r in rows if (r.program, r.application) in self.hearings]
        q = self.query_text.strip().lower()
        if q:
            fields = ("application", "applicant", "title", "bureau", "program")
            rows = [r for r in rows if any(q in (getattr(r, k) or "").lower() for k in fields)]
        return rows

    def refresh_table(self) -> None:
        table = self.query_one("#queue", LineTable)
        rows = self.visible_rows()
        table.set_rows(  # the cursor stays on the same application where it is still listed
            [(Text(status_label(r), style="bold" if r.status is None or r.reopened_at else ""), entered_label(r),
              r.application,
              *([hearing_label(self.hearings.get((r.program, r.application)))] if self.show_hearing else []),
              *([r.program] if self.show_program else []),
              *([field_code(r.track, r.model)] if self.show_track else []),
              r.applicant or "", r.bureau, r.title or "") for r in rows],
            [f"{r.program}/{r.application}" for r in rows])
        label = dict(FILTERS)[self.filter]
        shown = table.row_count
        self.query_one("#filterbar", Static).update(
            f"絞込: {label}（s で切替）  表示 {shown} 件" + (f"  検索: {self.query_text}" if self.query_text else "")
            + self.hearing_progress())

        self.show_reopened()

    def cursor_row(self) -> QueueEntry | None:
        key = self.query_one("#queue", LineTable).cursor_key
        return next((r for r in self.rows if f"{r.program}/{r.application}" == key), None)

    def show_reopened(self) -> None:
        """Under the list: who sent back the sheet under the cursor, when and why."""
        row = self.cursor_row()
        self.show_hearing_of(row)
        bar = self.query_one("#reopened", Static)
        if row is None or not (row.status == "draft" and row.reopened_at):
            bar.display = False
            return
        bar.display = True
        bar.update(Text.assemble((f"{REOPENED_LABEL} ", "bold"), f"{row.application}  ",
                                 safe(row.reopened_by_name or row.reopened_by or ""), f"  {jst(row.reopened_at)}  理由: ",
                                 safe(row.reopen_reason or "")))

    def show_hearing_of(self, row: QueueEntry | None) -> None:
        """Under the list: when and where the application under the cursor is heard."""
        bar = self.query_one("#hearing", Static)
        hearing = self.hearings.get((row.program, row.application)) if row is not None else None
        if hearing is None:
            bar.display = False
            return
        entry, sheet = hearing
        bar.display = True
        bar.update(Text.assemble((f"{HEARING} ", "bold"), f"{entry.application}  ", safe(schedule(entry)),
                                 f"  採点票 {hearing_state(sheet)}"
                                 + ("" if sheet is None else f"（入力 {len(sheet.scores)} 項目）")))

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        self.show_reopened()

    def action_calibration(self) -> None:
        from reviewer.tui.screens.calibration import CalibrationPage

        try:
            calibration = self.reviewer.session.calibration(self.evaluator_id)
        except WorkspaceError as e:
            self.app.notify("\n".join(clean(m) for m in e.messages), severity="error", markup=False)
            return
        self.app.push_screen(CalibrationPage(calibration))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.refresh_table()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#queue", LineTable).focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_cycle_filter(self) -> None:
        keys = [k for k, _ in FILTERS if k != "hearing" or self.hearings]
        self.filter = keys[(keys.index(self.filter) + 1) % len(keys)] if self.filter in keys else "all"
        self.refresh_table()

    def action_reset(self) -> None:
        self.filter = "all"
        self.query_text = ""
        self.query_one("#search", Input).value = ""
        self.refresh_table()
        self.query_one("#queue", LineTable).focus()

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        event.stop()
        self.open_key(event.key)

    def action_open(self) -> None:
        self.open_key(self.query_one("#queue", LineTable).cursor_key)

    def open_key(self, key: str | None) -> None:
        if not key:
            return
        program, application = key.split("/", 1)
        self.reviewer.open_application(self.evaluator_id, program, application)


def _bar(done: int, total: int, cells: int) -> Text:
    filled = round(cells * done / total) if total else 0
    return Text.assemble("[", ("#" * filled, "bold"), ("." * (cells - filled), "dim"), "]")
