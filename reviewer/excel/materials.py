"""The 追加資料・意見 sheet: the requests for additional materials and the opinions of others
(SPEC §6.4), where there are any.

The requests come first, oldest first: what was asked for and by when, when it was asked and
answered (回答待ち in red while open), the answer's text and the received file's name, size and
SHA-256. The opinions follow, application by application: who gave each, when, and its text,
wrapped over the columns to the right. The opinions are the chair's and the ministry's, never
shown to the evaluators; the sheet says so.
"""

from __future__ import annotations

from reviewer.excel.book import ALERT, HEADER_FORMAT, HEADER_ROW, HEADING_FORMAT, NOTE_FORMAT, Book, Sheet
from reviewer.excel.records import ReviewRecords
from reviewer.present import review as second
from reviewer.present.text import jst
from reviewer.scoring import Result
from reviewer.workspace.records import MaterialRequest, Opinion

SHEET = second.MATERIALS_OPINIONS
HEADERS = ["番号", "申請ID", "申請者", "依頼する資料", "期限", "依頼日", "回答日", "回答", "ファイル名", "サイズ",
           "SHA-256"]
OPINION_HEADERS = ["番号", "申請ID", "申請者", "述べた者", "日付", "記録日", "意見"]
#: The widths text columns grow to, in cells (longer text wraps); the digest wraps onto two lines.
NAME_WIDTH = 20
WHAT_WIDTH = 24
ANSWER_WIDTH = 28
FILE_WIDTH = 16
DIGEST_WIDTH = 34
BYTES = '#,##0"バイト"'


def write(book: Book, r: Result, records: ReviewRecords | None) -> None:
    """The sheet, where the program has requests or opinions (nothing otherwise)."""
    if records is None or not (records.requests or records.opinions):
        return
    sh = book.sheet(SHEET)
    sh.title(f"{r.program.name} {SHEET}",
             f"{second.requests_line(list(records.requests), list(records.opinions))}　{second.OPINIONS_NOTE}")
    names = {a.id: a.applicant for a in r.applications}
    hr = HEADER_ROW + 1
    sh.note(hr - 1, 0, f"{second.MATERIALS}の依頼", book.fmt(**HEADING_FORMAT))
    sh.header(hr, HEADERS)
    if not records.requests:
        sh.note(hr + 1, 0, f"{second.MATERIALS}の依頼はありません", book.fmt(**NOTE_FORMAT))
    for i, q in enumerate(records.requests):
        _request(book, sh, hr + 1 + i, q, names.get(q.application, ""))
    last = hr + max(len(records.requests), 1)
    _opinions(book, sh, last + 2, list(records.opinions), names)
    sh.finish(hr)


def day(stamp: str | None) -> str:
    """A stored timestamp's day in Japan ("2026-12-02")."""
    return jst(stamp)[:10]


def _request(book: Book, sh: Sheet, row: int, q: MaterialRequest, applicant: str) -> None:
    f = book.fmt(border=1, valign="top")
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    sh.number(row, 0, q.id, book.fmt(border=1, valign="top", align="center"), shown=str(q.id))
    sh.text(row, 1, q.application, f)
    lines = [sh.wrapped(row, 2, applicant, wrap, NAME_WIDTH), sh.wrapped(row, 3, q.what, wrap, WHAT_WIDTH)]
    sh.text(row, 4, q.due, f)
    sh.text(row, 5, day(q.requested_at), f)
    if q.answered:
        sh.text(row, 6, day(q.answered_at), f)
    else:
        sh.text(row, 6, second.WAITING, book.fmt(border=1, valign="top", bold=True, font_color=ALERT))
    lines.append(sh.wrapped(row, 7, q.answer_text or "", wrap, ANSWER_WIDTH))
    lines.append(sh.wrapped(row, 8, q.file_name or "", wrap, FILE_WIDTH))
    sh.number(row, 9, q.file_size, book.fmt(border=1, valign="top", num_format=BYTES),
              shown=f"{q.file_size or 0:,}バイト")
    lines.append(sh.wrapped(row, 10, q.file_sha256 or "", wrap, DIGEST_WIDTH))
    sh.fit_row(row, max(lines))


def _opinions(book: Book, sh: Sheet, row: int, found: list[Opinion], names: dict[str, str]) -> None:
    """The opinions under the requests, each one's text wrapped over the columns from 回答日時 on."""
    sh.note(row, 0, second.OPINIONS, book.fmt(**HEADING_FORMAT))
    if not found:
        sh.note(row + 1, 0, f"記録された{second.OPINIONS}はありません", book.fmt(**NOTE_FORMAT))
        return
    row += 1
    head = book.fmt(**HEADER_FORMAT)
    text_col, last = len(OPINION_HEADERS) - 1, len(HEADERS) - 1
    for col, h in enumerate(OPINION_HEADERS[:-1]):
        sh.note(row, col, h, head)
    sh.merged(row, text_col, last, OPINION_HEADERS[-1], head)
    f = book.fmt(border=1, valign="top")
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    for o in found:
        row += 1
        sh.number(row, 0, o.id, book.fmt(border=1, valign="top", align="center"), shown=str(o.id))
        sh.text(row, 1, o.application, f)
        lines = [sh.wrapped(row, 2, names.get(o.application, ""), wrap, NAME_WIDTH),
                 sh.wrapped(row, 3, o.source, wrap, WHAT_WIDTH)]
        sh.text(row, 4, o.given_on, f)
        sh.text(row, 5, day(o.recorded_at), f)
        lines.append(sh.merged(row, text_col, last, o.text, wrap))
        sh.fit_row(row, max(lines))
