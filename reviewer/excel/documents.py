"""The 提出書類 sheet: every file the applications submitted (SPEC §6.2), where any were attached.

One row a file, application by application in the ranking's order: the document it is, the
file's name, its format, pages, size and SHA-256, so an official can tell that the version the
evaluators read is the one submitted. The 提出書類 check's result is on 適格性; this sheet says
which files it looked at. Names are the applicant's: written as strings, wrapped.
"""

from __future__ import annotations

from reviewer.excel.book import HEADER_ROW, Book
from reviewer.excel.records import ReviewRecords
from reviewer.present import attachments as words
from reviewer.scoring import Result

SHEET = "提出書類"
HEADERS = ["申請ID", "申請者", "書類", "ファイル名", "形式", "枚数", "サイズ", "SHA-256"]
#: The widths text columns grow to, in cells (longer text wraps); the digest wraps onto two lines.
NAME_WIDTH = 20
DOCUMENT_WIDTH = 18
FILE_WIDTH = 26
DIGEST_WIDTH = 34
BYTES = '#,##0"バイト"'


def write(book: Book, r: Result, records: ReviewRecords | None) -> None:
    """The sheet, where any application has attachments (nothing otherwise)."""
    attached = dict(records.attachments) if records else {}
    if not any(attached.values()):
        return
    sh = book.sheet(SHEET)
    files = sum(len(v) for v in attached.values())
    sh.title(f"{r.program.name} {SHEET}",
             f"申請 {len(attached)} 件の添付ファイル {files} 件（審査に用いた版。SHA-256 で提出されたファイルと照合できます）")
    sh.header(HEADER_ROW, HEADERS)
    f = book.fmt(border=1, valign="top")
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    size = book.fmt(border=1, valign="top", num_format=BYTES)
    row = HEADER_ROW
    for a in r.applications:
        for att in attached.get(a.id, ()):
            row += 1
            sh.text(row, 0, a.id, f)
            lines = [sh.wrapped(row, 1, a.applicant, wrap, NAME_WIDTH),
                     sh.wrapped(row, 2, att.document, wrap, DOCUMENT_WIDTH),
                     sh.wrapped(row, 3, att.name, wrap, FILE_WIDTH)]
            sh.text(row, 4, words.format_text(att.format), f)
            sh.text(row, 5, words.pages_text(att), f)
            sh.number(row, 6, att.size, size, shown=f"{att.size:,}バイト")
            lines.append(sh.wrapped(row, 7, att.sha256, wrap, DIGEST_WIDTH))
            sh.fit_row(row, max(lines))
    sh.finish(HEADER_ROW)
