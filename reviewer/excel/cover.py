"""The 表紙 sheet: the cover an official files the workbook under for a decision (決裁), first in
the workbook, on one A4 landscape page.

It bears 取扱注意 at the top right, the 件名, a row of boxes for 確認・決裁 (課長 / 課長補佐 / 係長 /
担当), then the facts: when it was made (和暦, Japan time), the program, the panel and its chair,
when the written sheets were submitted and the hearing held, and the result in three lines (the
final list where a decision is recorded, the computed selection otherwise).
"""

from __future__ import annotations

from reviewer.domain.vocabulary import METHOD_LABELS, SELECTION_LABELS
from reviewer.excel.book import ALERT, CONFIDENTIAL, HEADER_FORMAT, Book, Sheet
from reviewer.excel.records import ReviewRecords, has_decisions
from reviewer.present import official
from reviewer.present import review as second
from reviewer.scoring import Result

SHEET = official.COVER
#: The label column, the value column, a gap and the four boxes, in cells.
WIDTHS = {0: 22, 1: 62, 2: 3, 3: 11, 4: 11, 5: 11, 6: 11}
LAST_COL = 6
#: The height of the boxes' row (a seal or a signature), in points.
BOX_HEIGHT = 60
FACTS_ROW = 7


def write(book: Book, r: Result, generated: str, records: ReviewRecords | None = None) -> None:
    records = records or ReviewRecords()
    sh = book.sheet(SHEET)
    sh.widths.update(WIDTHS)
    sh.ws.fit_to_pages(1, 1)
    sh.ws.center_horizontally()
    sh.ws.merge_range(0, 3, 0, LAST_COL, "", _mark(book))
    sh.note(0, 3, CONFIDENTIAL, _mark(book))
    sh.ws.set_row(0, 30)
    title = book.fmt(bold=True, font_size=18, align="center", valign="vcenter", text_wrap=True)
    sh.paragraph(2, 0, LAST_COL, official.subject(r.program), title)
    sh.ws.set_row(2, 48)
    _boxes(book, sh, 4)
    row = FACTS_ROW
    for label, value in _facts(r, generated, records):
        row = _fact(book, sh, row, label, value)
    row = _result(book, sh, row, r)
    sh.note(row + 1, 0, official.ATTACHMENTS, book.fmt(font_color="#595959"))
    sh.finish()


def _mark(book: Book) -> object:
    return book.fmt(bold=True, font_size=16, font_color=ALERT, border=2, border_color=ALERT, align="center",
                    valign="vcenter")


def _boxes(book: Book, sh: Sheet, row: int) -> None:
    """The 確認・決裁 row: a header per approver over an empty bordered box, tall enough for a seal."""
    sh.note(row, 1, official.APPROVAL, book.fmt(bold=True, align="right", valign="vcenter"))
    head = book.fmt(**{**HEADER_FORMAT, "align": "center"})
    for i, who in enumerate(official.APPROVERS):
        sh.note(row, 3 + i, who, head)
    box = book.fmt(border=1)
    for i in range(len(official.APPROVERS)):
        sh.blank(row + 1, 3 + i, box)
    sh.ws.set_row(row + 1, BOX_HEIGHT)


def _facts(r: Result, generated: str, records: ReviewRecords) -> list[tuple[str, str]]:
    p = r.program
    heard = sum(1 for a in r.applications if a.hearing_rate is not None)
    return [
        ("件名", official.subject(p)),
        ("作成日", generated),
        ("事業", p.name),
        ("評価委員", f"{len(r.evaluator_stats)} 名（採点票を提出した評価委員）"),
        ("委員長", records.chair or "（記録なし）"),
        ("書面審査（採点票の提出）", official.written_period(records.first_submitted, records.last_submitted, len(r.sheets))),
        ("ヒアリング", official.hearing_days(records.shortlist, heard)),
        ("集計方法・選定方式", f"{METHOD_LABELS[r.method]}・{SELECTION_LABELS[r.selection]}"),
        ("評価結果の状態", second.state_text(r)),
    ]


def _fact(book: Book, sh: Sheet, row: int, label: str, value: str) -> int:
    """One labelled fact, its value over the rest of the page's width; returns the next row."""
    sh.note(row, 0, label, book.fmt(bold=True, bg_color="#F2F2F2", border=1, valign="top"))
    sh.paragraph(row, 1, LAST_COL, value, book.fmt(border=1, text_wrap=True, valign="top"))
    return row + 1


def _result(book: Book, sh: Sheet, row: int, r: Result) -> int:
    """The result in three lines under one label; returns the next row."""
    lines = official.result_lines(r, has_decisions(r))
    label = book.fmt(bold=True, bg_color="#F2F2F2", left=1, right=1, top=1, valign="top")
    rest = book.fmt(bg_color="#F2F2F2", left=1, right=1, bottom=1)
    for i, line in enumerate(lines):  # row by row (the sheet is written top to bottom: no merge down)
        if i == 0:
            sh.note(row, 0, "審査の結果", label)
        else:
            sh.blank(row + i, 0, rest if i == len(lines) - 1 else book.fmt(bg_color="#F2F2F2", left=1, right=1))
        sh.paragraph(row + i, 1, LAST_COL, line, book.fmt(border=1, text_wrap=True, valign="top", bold=i == 1))
    return row + len(lines)
