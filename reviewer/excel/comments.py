"""The コメント sheet: the evaluators' comments on their submitted sheets, in rank order.

One line per submitted sheet, the applications in the order of the ranking and each one's
sheets by evaluator, with the sheet's rate beside the comment and the sheet's notes per
criterion ("M1: …", one line each, in the criteria file's order); texts wrap in wide columns,
each row as high as its longest text. With aliases (an anonymous export) each evaluator is shown
as 委員A, 委員B, … (``present.people``).
"""

from __future__ import annotations

from reviewer.excel.book import HEADER_ROW, POINTS, Book
from reviewer.present import people
from reviewer.present.people import Aliases
from reviewer.present.result import note_lines
from reviewer.scoring import Result, SheetInput

SHEET = "コメント"
#: The widest each text column grows, in cells (longer text wraps, its row as high as its lines).
#: (together they fit A4 landscape's width at 85 %)
NAME_WIDTH = 24
EVALUATOR_WIDTH = 16
COMMENT_WIDTH = 60
NOTES_WIDTH = 36


def write(book: Book, r: Result, aliases: Aliases | None = None) -> None:
    sh = book.sheet(SHEET)
    sh.title("評価委員のコメント（提出済みの採点票）", "申請の順位順")
    headers = ["順位", "申請ID", "申請者", "評価委員", "得点率", "コメント", "項目別の所見"]
    hr = HEADER_ROW
    sh.header(hr, headers)
    cell = book.fmt(border=1, valign="top")
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    names = {s.evaluator: s.name for s in r.evaluator_stats}
    by_app: dict[str, list[SheetInput]] = {}
    for s in r.sheets:
        by_app.setdefault(s.application, []).append(s)
    row = hr
    for a in r.applications:
        for s in sorted(by_app.get(a.id, []), key=lambda s: s.evaluator):
            row += 1
            sh.number(row, 0, a.rank, cell, shown="000")
            sh.text(row, 1, a.id, cell)
            lines = [sh.wrapped(row, 2, a.applicant, wrap, NAME_WIDTH),
                     sh.wrapped(row, 3, people.label(s.evaluator, names.get(s.evaluator, ""), aliases), wrap,
                                EVALUATOR_WIDTH)]
            rate = a.sheet_rates.get(s.evaluator)
            sh.number(row, 4, rate, book.fmt(border=1, valign="top", num_format=POINTS), shown="100.00")
            lines.append(sh.wrapped(row, 5, s.comment, wrap, COMMENT_WIDTH))
            lines.append(sh.wrapped(row, 6, "\n".join(note_lines(r.program, s.notes)) if s.notes else "", wrap,
                                    NOTES_WIDTH))
            sh.fit_row(row, max(lines))
    sh.finish(hr, row, len(headers), freeze_cols=3)
