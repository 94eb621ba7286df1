"""進捗: evaluators (the late first) and applications (the least submitted first)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from reviewer.present import result as words
from reviewer.services.chair import ChairDesk
from reviewer.tui.widgets.table import Column, LineTable

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


class ProgressView(Vertical):
    FOCUS = "#progress-evaluators"

    def compose(self) -> ComposeResult:
        yield Static("評価者別（進捗の遅い順）", classes="label", markup=False)
        yield LineTable("評価者", Column("氏名", max_width=16), N("割当", True), N("未着手", True),
                        N("下書き", True), N("提出済", True), N("進捗", True), id="progress-evaluators")
        yield Static("申請別（提出の少ない順）", classes="label", markup=False)
        yield LineTable("申請ID", Column("申請者", max_width=30, flex=True), "総合通信局", N("割当", True),
                        N("下書き", True), N("提出済", True), id="progress-applications")

    def fill(self, desk: ChairDesk, program: str, names: dict[str, str]) -> str:
        """Show the program's progress; the progress line ("提出済 8 / 割当 10（80%）")."""
        evs = sorted(desk.evaluator_progress(program).by_evaluator.items(),
                     key=lambda kv: (kv[1].submitted / kv[1].assigned, kv[0]))
        self.query_one("#progress-evaluators", LineTable).set_rows(
            [(ev, names.get(ev, ""), str(c.assigned), str(c.not_started), str(c.drafted), str(c.submitted),
              words.percent_done(c.submitted, c.assigned)) for ev, c in evs], [ev for ev, _ in evs])
        self.query_one("#progress-applications", LineTable).set_source(ApplicationProgress(desk, program))
        total = sum(c.assigned for _, c in evs)
        done = sum(c.submitted for _, c in evs)
        return words.progress_line(done, total)
