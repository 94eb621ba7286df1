"""One application's result, for the chair: why it stands where it stands.

Opened with Enter on the ranking (or on the progress list once the ranking is computed):
the automatic checks with their messages, the must items' pass/fail counts, each
evaluator's sheet rate, comment and notes per criterion, every item of the sheets side by side
(evaluators as columns, the spread of each scored item), the item means, the bonus and the
selection outcome; ``t`` opens the application's text.
Comments, names and the criteria's labels are untrusted text, shown literally and cleaned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.binding import Binding

from reviewer.domain.vocabulary import DECLARATION_LABELS
from reviewer.present import result as words
from reviewer.present import sheets as sheet_words
from reviewer.present import sureness
from reviewer.present.application import field_name, field_text, model_condition
from reviewer.present.text import clean, clean_lines, pad, width, wrap, wrap_text
from reviewer.rules.must import must_failed
from reviewer.tui.chrome import safe
from reviewer.tui.screens.dialogs import TextPage

if TYPE_CHECKING:
    from reviewer.domain.model import Program
    from reviewer.present.attachments import AttachmentLike
    from reviewer.scoring import AppResult, Result
    from reviewer.tui.app import ReviewerApp


def _num(x: float | None, fmt: str = ".2f") -> str:
    return "-" if x is None else format(x, fmt)


def detail_text(result: Result, app_id: str, cells: int = 96, condition: str = "") -> Text:
    """The chair's view of one application of a scoring ``Result``, ``cells`` wide (``condition``:
    the condition of its field model, which M1 judges it against)."""
    a = next(x for x in result.applications if x.id == app_id)
    t = Text()
    _heading(t, a, result.program)
    if condition:
        for i, line in enumerate(wrap(clean(f"{DECLARATION_LABELS['model_condition']}: {condition}"), cells)):
            t.append_text(safe(("" if i == 0 else "    ") + line))
            t.append("\n")
        t.append("\n")
    _outcome(t, a, result.program)
    t.append("\n自動審査\n", style="bold")
    for c in a.checks:
        mark = "  [適] " if c.passed else "  [否] "
        # continuation lines under the message, the Japanese way
        for i, line in enumerate(wrap(clean(f"{c.label}: {c.message}"), max(cells - len(mark), 10))):
            t.append(mark if i == 0 else " " * len(mark), style="" if c.passed else "bold")
            t.append_text(safe(line))
            t.append("\n")
    _musts(t, a, result.program)
    _evaluators(t, a, result, cells)
    _items(t, a, result)
    if a.criterion_means:
        crit = result.program.criteria_by_id
        t.append("\n項目別の平均（0〜5）\n", style="bold")
        for cid, mean in a.criterion_means.items():
            label = crit[cid].label if cid in crit else ""
            t.append_text(safe(f"  {cid} {label}: {mean:.2f}"))
            t.append("\n")
    return t


def files_text(attachments: Sequence[AttachmentLike]) -> Text:
    """The submitted files under the detail (SPEC §6.2): each one's document, name, pages, size
    and SHA-256; ``t`` reads them."""
    from reviewer.present import attachments as words_of

    t = Text()
    if not attachments:
        return t
    t.append(f"\n添付書類（{len(attachments)} 件、t で申請書とともに読めます）\n", style="bold")
    for att in attachments:
        t.append_text(safe(f"  {att.document}: {words_of.attachment_line(att)}"))
        t.append(f"\n    SHA-256 {att.sha256}\n", style="dim")
    return t


def _heading(t: Text, a: AppResult, prog: Program) -> None:
    t.append(f"{a.id}  ", style="bold")
    t.append_text(safe(a.applicant, style="bold"))
    t.append("\n")
    t.append_text(safe(a.title))
    t.append("\n")
    kind = f"  {words.field_label(prog, a.track, a.model)}" if a.track else ""
    if field_name(prog, a.field_id):
        kind = f"  分野 {field_text(prog, a.field_id)}"
    t.append_text(safe(f"{a.bureau}総合通信局管内{kind}  申請額 {words.yen(a.requested_subsidy_yen)}"))
    t.append("\n\n")


def _outcome(t: Text, a: AppResult, prog: Program) -> None:
    """Where the application stands and on what numbers."""
    from reviewer.scoring import DISAGREEMENT_SPREAD

    t.append("結果  ", style="bold")
    if a.rank is None:
        t.append_text(safe(words.ineligible_note(a, prog), style="bold"))
    else:
        t.append(f"{a.rank} 位  ")
        if a.selected:
            t.append(words.SELECTED, style="bold reverse")
        elif a.skipped_for:
            t.append_text(safe(f"見送り（{a.skipped_for}）"))
        else:
            t.append("採択候補の線より下")
    t.append("\n")
    for note in a.grant_notes:  # what the 交付申請 still needs (grant_conditions)
        t.append_text(safe(f"{words.GRANT_NOTES}: {note}"))
        t.append("\n")
    t.append(f"得点率 {_num(a.score_rate)}（{_num(a.max_points, 'g')} 点満点で {_num(a.panel_score)} 点）"
             f"  加点 {a.bonus:g}" + (f"（自動加点 {a.auto_points:g} は予算内のため不適用）"
                                      if a.auto_points and not a.bonus else "")
             + f"  合計 {_num(a.total)}  評価 {a.reviews} 件")
    if a.spread is not None:
        t.append(f"  評価の幅 {a.spread:.1f}")
        if a.disagreement:
            t.append(f"（{DISAGREEMENT_SPREAD:g} 超: 乖離）", style="bold")
    t.append("\n")
    _sureness(t, a)


def _sureness(t: Text, a: AppResult) -> None:
    """How sure the rank is (once the screen has drawn it): the expected rank, the 90 % interval,
    the share of resamples selected, and 境界域 where it is in the boundary zone."""
    if a.rank_interval is None:
        return
    t.append(f"{sureness.EXPECTED_RANK} {sureness.expected_rank_text(a)}  "
             f"{sureness.RANK_INTERVAL} {sureness.rank_interval_text(a)}  "
             f"{sureness.P_SELECTED} {sureness.share_text(a.p_selected)}")
    if a.boundary:
        t.append("  ")
        t.append(sureness.BOUNDARY, style="bold reverse")
    t.append("\n")


def _musts(t: Text, a: AppResult, prog: Program) -> None:
    if not a.must:
        return
    crit = prog.criteria_by_id
    t.append("\n必須要件（評価者の判定）\n", style="bold")
    for cid, (ok, ng) in a.must.items():
        label = crit[cid].label if cid in crit else ""
        failed = must_failed(ok, ng)
        t.append_text(safe(f"  {cid} {label}: 適 {ok} / 否 {ng}", style="bold" if failed else ""))
        t.append("  否が半数以上: 対象外\n" if failed else "\n", style="bold")


def _indented(t: Text, text: str, cells: int, indent: int = 6) -> None:
    """Untrusted text wrapped the Japanese way under an indent (no markup, cleaned)."""
    for line in wrap_text(clean_lines(text), max(cells - indent, 10)):
        t.append(" " * indent)
        t.append_text(safe(line, style="dim"))
        t.append("\n")


def _evaluators(t: Text, a: AppResult, result: Result, cells: int = 96) -> None:
    """Each evaluator's sheet rate, highest first, with their comment and notes."""
    names = {s.evaluator: s.name for s in result.evaluator_stats}
    t.append("\n評価者別の得点率\n", style="bold")
    mine = [s for s in result.sheets if s.application == a.id]
    comments = {s.evaluator: s.comment for s in mine}
    notes = {s.evaluator: s.notes for s in mine}
    ids = sorted(a.sheet_rates, key=lambda e: (-a.sheet_rates[e], e))
    w = max([width(clean(names.get(e, ""))) for e in ids] + [0])
    for e in ids:
        t.append(f"  {e}  ")
        t.append_text(safe(pad(clean(names.get(e, "")), w)))
        t.append(f"  {a.sheet_rates[e]:6.2f}\n")
        if comments.get(e):
            _indented(t, comments[e], cells)
        _notes(t, notes.get(e) or {}, result.program, cells)
    if not ids:
        t.append("  提出済みの採点票はまだありません\n")


def _notes(t: Text, notes: dict[str, str], prog: Program, cells: int = 96) -> None:
    """An evaluator's notes, one criterion a line, in the criteria file's order."""
    for line in words.note_lines(prog, notes):
        _indented(t, line, cells)


def _items(t: Text, a: AppResult, result: Result) -> None:
    """The items of the application's sheets side by side: an evaluator a column, the spread."""
    sheets = [(s.evaluator, s.scores) for s in result.sheets if s.application == a.id]
    if not sheets:
        return
    evaluators, rows = sheet_words.item_grid(result.program, a.track, a.applicant_type, sheets)
    t.append(f"\n項目別の採点（評価者別、{sheet_words.SPREAD}: 最高 - 最低）\n", style="bold")
    cells = max(10, min(30, 60 - 6 * len(evaluators)))  # the labels give way to more evaluators
    for line in sheet_words.grid_text(evaluators, rows, a.sheet_rates, label_cells=cells).splitlines():
        t.append("  ")
        t.append_text(safe(line))
        t.append("\n")


class ApplicationDetail(TextPage):
    BINDINGS = [Binding("escape,enter,q", "app.pop_screen", "閉じる"), Binding("t", "text", "申請書")]
    DEFAULT_CSS = """
    ApplicationDetail > VerticalScroll { width: 100; }
    """
    PAGE_ID = "detail"
    KEYS = "Esc / Enter: 閉じる  t: 申請書  PgUp / PgDn: スクロール"

    def __init__(self, result: Result, app_id: str):
        super().__init__()
        self.result, self.app_id = result, app_id

    def page(self) -> Text:
        # the page is at most 100 columns wide, less its border, padding, scrollbar and margin
        desk, program = cast("ReviewerApp", self.app).chair, self.result.program
        a = next(x for x in self.result.applications if x.id == self.app_id)
        condition = model_condition(program, a.track, a.model)
        t = detail_text(self.result, self.app_id, max(min(self.app.size.width, 100) - 8, 40), condition)
        return t + files_text(desk.attachments(program.id, self.app_id, pages=False))  # the list, not the text

    def action_text(self) -> None:
        """The application's text in the reader."""
        from reviewer.tui.screens.sheet_detail import ApplicationText

        program = self.result.program
        application = cast("ReviewerApp", self.app).chair.application(program.id, self.app_id)
        if application is None:
            self.app.notify("申請書が見つかりません（取り込み直されたなど）。", markup=False)
            return
        a = next(x for x in self.result.applications if x.id == self.app_id)
        desk = cast("ReviewerApp", self.app).chair
        self.app.push_screen(ApplicationText(program, application, a.checks, desk.attachments(program.id, self.app_id)))
