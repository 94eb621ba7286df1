"""進捗: evaluators and applications, the most left to do first.

Both lists sort by what is left: the sheets not submitted yet (assigned − submitted), the most
first; where that is equal, the most not even started (the fewest drafts) first; then by id.
Each evaluator's 最終操作 (when they last saved a sheet or declared a conflict, Japan time)
reads every sheet of the program (0.1 s at 100,000 sheets): it comes a moment after the first
screen, from a worker thread, and does not move the rows."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from reviewer.present import result as words
from reviewer.present.text import jst
from reviewer.services import assignments
from reviewer.services.chair import ChairDesk
from reviewer.tui.widgets.table import Column, LineTable

N = Column  # a number column is right-aligned
#: Seconds after a fill before the last activity is read (the first screen comes first).
ACTIVITY_DELAY = 0.3
EVALUATORS_LABEL = "評価者別（残りの多い順: 割当−提出済、同じなら未着手の多い順）"
APPLICATIONS_LABEL = "申請別（残りの多い順: 割当−提出済、同じなら未着手の多い順）"


class ApplicationProgress:
    """The chair's list of applications (the most left to do first) for a LineTable, read from
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


class ProgressView(Vertical):
    FOCUS = "#progress-evaluators"
    _filled = 0  # fills so far: a worker's answer for an older one is dropped
    _rows: list[tuple[str, ...]] = []  # the evaluators' rows but their last activity
    _times: tuple[str, dict[str, str] | None] = ("", None)  # the last activity read, of which program
    _shown: list[tuple[str, ...]] | None = None  # the rows on screen

    def compose(self) -> ComposeResult:
        yield Static(EVALUATORS_LABEL, classes="label", markup=False)
        yield LineTable("評価者", Column("氏名", max_width=16, flex=True, min_width=6), N("割当", True),
                        N("未着手", True), N("下書き", True), N("提出済", True), N("進捗", True), "最終操作",
                        id="progress-evaluators")
        yield Static(APPLICATIONS_LABEL, classes="label", markup=False)
        yield LineTable("申請ID", Column("申請者", max_width=30, flex=True), "総合通信局", N("割当", True),
                        N("下書き", True), N("提出済", True), id="progress-applications")

    def fill(self, desk: ChairDesk, program: str, names: dict[str, str]) -> str:
        """Show the program's progress; the progress line ("提出済 8 / 割当 10（80%）")."""
        evs = sorted(desk.evaluator_progress(program).by_evaluator.items(),
                     key=lambda kv: (-kv[1].left, -kv[1].not_started, kv[0]))
        self._rows = [(ev, names.get(ev, ""), str(c.assigned), str(c.not_started), str(c.drafted), str(c.submitted),
                       words.percent_done(c.submitted, c.assigned)) for ev, c in evs]
        self._filled += 1
        # until the worker answers, the times read for this program before (a refill does not
        # blank the column)
        self.show_activity(self._filled, program, self._times[1] if self._times[0] == program else None)
        self.query_one("#progress-applications", LineTable).set_source(ApplicationProgress(desk, program))
        fill, path = self._filled, desk.session.path
        self.set_timer(ACTIVITY_DELAY, lambda: self.read_activity(fill, path, program))
        total = sum(c.assigned for _, c in evs)
        done = sum(c.submitted for _, c in evs)
        return words.progress_line(done, total)

    def show_activity(self, fill: int, program: str, times: dict[str, str] | None) -> None:
        """The evaluators' rows with their last activity (None: not read yet), the same rows in
        the same order; nothing is redrawn where nothing changed."""
        if fill != self._filled:
            return  # filled again meanwhile (another program, newer counts)
        self._times = (program, times)
        rows = [(*row, "" if times is None else jst(times.get(row[0])) or "なし") for row in self._rows]
        if rows != self._shown:
            self._shown = rows
            self.query_one("#progress-evaluators", LineTable).set_rows(rows, [row[0] for row in self._rows])

    @work(thread=True, exclusive=True, group="last-activity", exit_on_error=False)
    def read_activity(self, fill: int, path: Path, program: str) -> None:
        if fill != self._filled:
            return
        times = assignments.last_activity(path, program)  # a connection of the worker's own
        try:
            self.app.call_from_thread(self.show_activity, fill, program, times)
        except RuntimeError:  # the app ended meanwhile
            pass
