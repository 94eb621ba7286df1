"""A scoring result → the Excel workbook a ministry official hands on as it is (xlsxwriter).

Every sheet renders the one ``Result``; nothing is computed here beyond formatting, and every
word another face also shows comes from ``reviewer.present.result`` or the vocabulary. The
workbook and its safe writers are in ``book``; each sheet group has its module, and
``write_workbook`` calls them in the order of ``SHEETS`` (境界域 only where the sheets were
resampled, 選定方式の比較 only where the strategies were compared). The file is written beside the
target, into a new private file of a random name, and renamed into place, so a failure leaves
nothing half-written and no name another user could plant a link at is ever opened.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter.exceptions

from reviewer.excel import balance, boundary, comments, eligibility, evaluators, overview, ranking, strategies
from reviewer.excel.book import Book
from reviewer.files.private import private_file
from reviewer.present.text import JST
from reviewer.scoring import Result

__all__ = ["SHEETS", "write_workbook"]

#: The workbook's sheets, in order.
SHEETS = (overview.SHEET, ranking.SHEET, boundary.SHEET, strategies.SHEET, balance.REGIONS_SHEET,
          balance.FIELDS_SHEET, evaluators.SHEETS_SHEET, evaluators.STATS_SHEET, eligibility.SHEET, comments.SHEET)


def write_workbook(result: Result, path: Path, generated_at: datetime | None = None) -> None:
    """Write the workbook of ``result`` to ``path`` (replacing it, mode 0600: it names the
    evaluators and their scores); OSError when it cannot be written."""
    with private_file(Path(path), "w+b") as (handle, name):
        book = Book(name)
        book.wb.filename = handle  # written through the descriptor just made, never reopened by name
        _write_sheets(book, result, generated_at)
        try:
            book.wb.close()
        except xlsxwriter.exceptions.FileCreateError as e:
            cause = e.args[0] if e.args else e
            raise OSError(getattr(cause, "errno", None), getattr(cause, "strerror", None) or str(cause)) from None


def _write_sheets(book: Book, result: Result, generated_at: datetime | None) -> None:
    when = generated_at or datetime.now(JST)
    generated = (when.astimezone(JST) if when.tzinfo else when).strftime("%Y-%m-%d %H:%M")  # Japan time
    overview.write(book, result, generated)
    ranking.write(book, result, generated)
    boundary.write(book, result)
    strategies.write(book, result)
    balance.write_regions(book, result)
    balance.write_fields(book, result)
    evaluators.write_sheets(book, result)
    evaluators.write_stats(book, result)
    eligibility.write(book, result)
    comments.write(book, result)
