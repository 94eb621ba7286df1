"""The コメント sheet: the evaluators' comments on their submitted sheets, in rank order.

One line per submitted sheet, the applications in the order of the ranking and each one's
sheets by evaluator, with the sheet's rate beside the comment and the sheet's notes per
criterion ("M1: …", one line each, in the criteria file's order); texts wrap in wide columns.
"""

from __future__ import annotations

from reviewer.excel.book import HEADER_ROW, PCT, Book
from reviewer.present.result import note_lines
from reviewer.scoring import Result, SheetInput

SHEET = "コメント"


def write(book: Book, r: Result) -> None:
    sh = book.sheet(SHEET)
    sh.title("評価者のコメント（提出済みの採点票）", "申請の順位順")
    headers = ["順位", "申請ID", "申請者", "評価者", "得点率", "コメント", "項目別の所見"]
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
            sh.text(row, 2, a.applicant, cell, cap=30)
            sh.text(row, 3, f"{s.evaluator} {names.get(s.evaluator, '')}".strip(), cell, cap=20)
            rate = a.sheet_rates.get(s.evaluator)
            sh.number(row, 4, None if rate is None else rate / 100, book.fmt(border=1, valign="top", num_format=PCT),
                      shown="100.00%")
            sh.text(row, 5, s.comment, wrap, cap=80)
            sh.text(row, 6, "\n".join(note_lines(r.program, s.notes)) if s.notes else "", wrap, cap=60)
    sh.finish(hr, row, len(headers), freeze_cols=3)
