"""The 採択候補先 sheet: the final list, as decided (SPEC §6.7).

Written where a decision is recorded or the result is finalized. Its title says whether the
result is finalized (by whom, when, in Japan time); what the list breaks (the budget, the
maximums, the minimums) follows in red before anything else. Then each finally selected
application in rank order with its total, its subsidy and how it came onto the list (as computed,
or decided with the reason), a totals row against the budget and every decision that departs
from the computed selection with its reason; on a printed page of its own, the count per bureau
against its minimum and maximum. The list's header stays on screen (no printed page repeats it:
the bureaus' page would carry a header not its own).
"""

from __future__ import annotations

from typing import Any

from reviewer.domain.vocabulary import BALANCE_LABELS
from reviewer.excel.book import ALERT, HEADER_FORMAT, HEADING_FORMAT, NOTE_FORMAT, POINTS, YEN, Book, Sheet
from reviewer.excel.records import has_decisions
from reviewer.present import result as words
from reviewer.present import review as second
from reviewer.present.text import jst
from reviewer.scoring import AppResult, Result
from reviewer.scoring.balance import bureau_status

SHEET = second.FINAL_LIST
HEADERS = ["順位", "申請ID", "申請者", "総合通信局", "合計", "補助金申請額", second.DECISION_COLUMN, "理由"]
BUREAU_HEADERS = ["総合通信局", "", "件数", "補助金申請額", "下限", "上限", "状態"]
DEPARTURE_HEADERS = ["順位", "申請ID", "申請者", "計算上", second.DECISION_COLUMN, "決定者", "決定日時", "理由"]
#: The widest the reasons grow, in cells (longer ones wrap).
REASON_WIDTH = 50
#: The widest the applicants' names grow, in cells.
NAME_WIDTH = 36
DECIDER_WIDTH = 20


def write(book: Book, r: Result) -> None:
    """The sheet, where a decision is recorded or the result is finalized (nothing otherwise)."""
    final = r.final
    if final is None or not has_decisions(r):
        return
    sh = book.sheet(SHEET)
    sh.title(second.final_heading(r), second.final_totals(r))
    row = _warnings(book, sh, final.warnings, 3)
    hr = row + 1
    sh.header(hr, HEADERS)
    by_id = {a.id: a for a in r.applications}
    chosen = [by_id[aid] for aid in final.ids if aid in by_id]
    for i, a in enumerate(chosen):
        _listed(book, sh, hr + 1 + i, a)
    row = _totals(book, sh, hr + 1 + len(chosen), r)
    row = _departures(book, sh, row + 2, [a for a in r.applications if a.departs])
    sh.ws.set_h_pagebreaks([row + 2])  # the bureaus on a page of their own, under no header of the list's
    _bureaus(book, sh, row + 2, r)
    sh.finish()
    sh.ws.freeze_panes(hr + 1, 0)


def _warnings(book: Book, sh: Sheet, warnings: list[str], row: int) -> int:
    """What the final list breaks, in red, one line each (or that it breaks nothing); the next row."""
    if not warnings:
        sh.note(row, 0, second.NO_FINAL_WARNINGS, book.fmt(**NOTE_FORMAT))
        return row + 1
    alert = book.fmt(bold=True, font_color=ALERT)
    for w in warnings:
        sh.note(row, 0, f"警告: {w}", alert)
        row += 1
    return row


def _cells(book: Book, a: AppResult | None = None, **extra: Any) -> Any:
    """A table cell's format (red where a decision departs from the computation)."""
    props: dict[str, Any] = {"border": 1, "valign": "top", **extra}
    if a is not None and a.departs:
        props.update(font_color=ALERT)
    return book.fmt(**props)


def _listed(book: Book, sh: Sheet, row: int, a: AppResult) -> None:
    f = _cells(book)
    sh.number(row, 0, a.rank, _cells(book, align="center"), shown=str(a.rank or ""))
    sh.text(row, 1, a.id, f)
    lines = sh.wrapped(row, 2, a.applicant, _cells(book, text_wrap=True), NAME_WIDTH)
    sh.text(row, 3, a.bureau, f)
    sh.number(row, 4, a.total, _cells(book, num_format=POINTS), shown="100.00")
    sh.number(row, 5, a.requested_subsidy_yen, _cells(book, num_format=YEN), shown=words.yen(a.requested_subsidy_yen))
    sh.text(row, 6, second.final_decision(a), _cells(book, a, align="center", bold=a.departs))
    lines = max(lines, sh.wrapped(row, 7, a.decision_reason or "", _cells(book, a, text_wrap=True), REASON_WIDTH))
    sh.fit_row(row, lines)


def _totals(book: Book, sh: Sheet, row: int, r: Result) -> int:
    """The totals row: the count and the subsidies against the budget; returns its row."""
    final = r.final
    total = book.fmt(bold=True, top=6, bottom=1, valign="top")
    for col in range(len(HEADERS)):
        sh.blank(row, col, total)
    sh.text(row, 1, "合計", total)
    sh.text(row, 2, f"{final.count} 件", total)
    sh.number(row, 5, final.yen, book.fmt(bold=True, top=6, bottom=1, valign="top", num_format=YEN),
              shown=words.yen(final.yen))
    if final.budget_yen is not None and r.program.gives_money:
        over = final.yen > final.budget_yen
        sh.text(row, 7, second.budget_gap(final.yen, final.budget_yen),
                book.fmt(bold=True, top=6, bottom=1, valign="top", text_wrap=True, font_color=ALERT if over else "#000000"),
                cap=REASON_WIDTH)
    return row


def _bureaus(book: Book, sh: Sheet, row: int, r: Result) -> None:
    """The final list's count per bureau against its minimum and maximum."""
    final = r.final
    sh.note(row, 0, "総合通信局別の件数", book.fmt(**HEADING_FORMAT))
    head = book.fmt(**HEADER_FORMAT)
    row += 1
    sh.ws.merge_range(row, 0, row, 1, "", head)
    for col, h in enumerate(BUREAU_HEADERS):
        if col != 1:
            sh.note(row, col, h, head)
    cell = _cells(book)
    chosen = set(final.ids)
    yen = {b.bureau: 0 for b in r.balance}
    for a in r.applications:
        if a.id in chosen:
            yen[a.bureau] = yen.get(a.bureau, 0) + a.requested_subsidy_yen
    for b in r.balance:
        row += 1
        n = final.by_bureau.get(b.bureau, 0)
        status = bureau_status(n, b.eligible, b.min, b.max)
        sh.ws.merge_range(row, 0, row, 1, "", cell)
        sh.note(row, 0, b.bureau, cell)
        sh.number(row, 2, n, _cells(book, align="center"), shown="000")
        sh.number(row, 3, yen.get(b.bureau, 0), _cells(book, num_format=YEN), shown=words.yen(yen.get(b.bureau, 0)))
        sh.number(row, 4, b.min, _cells(book, align="center"), shown="00")
        sh.number(row, 5, b.max, _cells(book, align="center"), shown="00")
        sh.text(row, 6, BALANCE_LABELS[status], _cells(book, font_color=ALERT if status != "ok" else "#000000"))


def _departures(book: Book, sh: Sheet, row: int, departing: list[AppResult]) -> int:
    """Every decision that departs from the computed selection, with its reason; returns the last row."""
    sh.note(row, 0, second.departure_heading(len(departing)), book.fmt(**HEADING_FORMAT))
    if not departing:
        sh.note(row + 1, 0, second.NO_DEPARTURES, book.fmt(**NOTE_FORMAT))
        return row + 1
    sh.header(row + 1, DEPARTURE_HEADERS)
    for i, a in enumerate(departing, start=row + 2):
        f = _cells(book)
        sh.number(i, 0, a.rank, _cells(book, align="center"), shown=str(a.rank or ""))
        sh.text(i, 1, a.id, f)
        wrap = _cells(book, text_wrap=True)
        lines = sh.wrapped(i, 2, a.applicant, wrap, NAME_WIDTH)
        sh.text(i, 3, second.computed_label(a), f)
        sh.text(i, 4, second.decision_label(a.decision), _cells(book, a, align="center", bold=True))
        lines = max(lines, sh.wrapped(i, 5, a.decided_by or "", wrap, DECIDER_WIDTH))
        sh.text(i, 6, jst(a.decided_at), f)
        sh.fit_row(i, max(lines, sh.wrapped(i, 7, a.decision_reason or "", wrap, REASON_WIDTH)))
    return row + 1 + len(departing)
