"""A scoring result → the Excel workbook a ministry official hands on as it is (xlsxwriter).

Every sheet renders the one ``Result``; nothing is computed here beyond formatting, and every
word another face also shows comes from ``reviewer.present`` or the vocabulary. The workbook
and its safe writers are in ``book``; each sheet group has its module, and ``write_workbook``
calls them in the order of ``SHEETS`` (境界域 only where the sheets were resampled, 選定方式の比較
only where the strategies were compared), with the sheets of the review's second half
(``REVIEW_SHEETS``) where it has them: 採択候補先 where a decision is recorded or the result is
finalized, ヒアリング where there is a shortlist or hearing sheets, 追加資料・意見 where there are
requests or opinions (the schedule, the requests and the opinions come from the workspace's
records, ``ReviewRecords``, beside the result). The file is written beside the target, into a
new private file of a random name, and renamed into place, so a failure leaves nothing
half-written and no name another user could plant a link at is ever opened.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter.exceptions

from reviewer.excel import (
    balance,
    boundary,
    breakdown,
    comments,
    cover,
    documents,
    eligibility,
    evaluators,
    final,
    hearing,
    lists,
    materials,
    method,
    overview,
    ranking,
    strategies,
)
from reviewer.excel.book import Book
from reviewer.excel.records import ReviewRecords
from reviewer.files.private import private_file
from reviewer.present.people import evaluator_aliases
from reviewer.present.text import JST, official_time
from reviewer.scoring import Result

__all__ = ["FILES_SHEET", "REVIEW_SHEETS", "SHEETS", "ReviewRecords", "write_workbook"]

#: The workbook's sheets, in order, as a workbook without the review's second half has them.
#: 表紙 first (the cover of a 決裁), then what an official reads next: the one-page list of the
#: 採択候補先, the rest with their reasons, the lists per bureau for notifying, and the 概要;
#: 審査方法 after the statistics.
SHEETS = (cover.SHEET, lists.SELECTED_SHEET, lists.OTHERS_SHEET, lists.NOTIFY_SHEET, overview.SHEET, ranking.SHEET,
          breakdown.SHEET, boundary.SHEET, strategies.SHEET, balance.REGIONS_SHEET, balance.FIELDS_SHEET,
          evaluators.SHEETS_SHEET, evaluators.STATS_SHEET, method.SHEET, eligibility.SHEET, comments.SHEET)
#: The sheets of the second half (SPEC §6.4, §6.7), each only where the review has it: 採択候補先
#: after 概要, ヒアリング and 追加資料・意見 after 選定方式の比較.
REVIEW_SHEETS = (final.SHEET, hearing.SHEET, materials.SHEET)
#: The sheet of the submitted files (SPEC §6.2), after 適格性 where any application has files.
FILES_SHEET = documents.SHEET


def write_workbook(result: Result, path: Path, generated_at: datetime | None = None,
                   review: ReviewRecords | None = None, anonymous: bool = False) -> None:
    """Write the workbook of ``result`` to ``path`` (replacing it, mode 0600: it names the
    evaluators and their scores); ``review``: the shortlist, requests and opinions the result does
    not carry (without them the workbook shows no schedule, requests or opinions); ``anonymous``:
    every sheet shows each evaluator as 委員A, 委員B, … (``present.people``). OSError when it
    cannot be written."""
    with private_file(Path(path), "w+b") as (handle, name):
        book = Book(name)
        book.wb.filename = handle  # written through the descriptor just made, never reopened by name
        _write_sheets(book, result, generated_at, review, anonymous)
        try:
            book.wb.close()
        except xlsxwriter.exceptions.FileCreateError as e:
            cause = e.args[0] if e.args else e
            raise OSError(getattr(cause, "errno", None), getattr(cause, "strerror", None) or str(cause)) from None


def _write_sheets(book: Book, result: Result, generated_at: datetime | None, review: ReviewRecords | None,
                  anonymous: bool = False) -> None:
    aliases = evaluator_aliases([e.evaluator for e in result.evaluator_stats]
                                + [s.evaluator for s in (*result.sheets, *result.hearing_sheets)]) if anonymous else None
    when = generated_at or datetime.now(JST)
    generated = official_time(when)  # 和暦, Japan time
    book.set_page_header(result.program.name, generated)
    cover.write(book, result, generated, review)
    lists.write_selected(book, result)
    lists.write_others(book, result)
    lists.write_notify(book, result)
    overview.write(book, result, generated, review)
    final.write(book, result)
    ranking.write(book, result, generated)
    breakdown.write(book, result)
    boundary.write(book, result)
    strategies.write(book, result)
    hearing.write(book, result, review, aliases)
    materials.write(book, result, review)
    balance.write_regions(book, result)
    balance.write_fields(book, result)
    evaluators.write_sheets(book, result, aliases)
    evaluators.write_stats(book, result, aliases)
    method.write(book, result, review)
    eligibility.write(book, result)
    documents.write(book, result, review)
    comments.write(book, result, aliases)
