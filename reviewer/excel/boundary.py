"""The 境界域 sheet: the applications the resampled ranks cannot tell from the cut line.

Written whenever the sheets were resampled: under the line on how the figures were drawn, one
row per application in the boundary zone in rank order, with its expected rank, the two ends
of its 90 % interval as numbers and the share of the resamples that selected it (a line says
so when none is in the zone); what the figures mean follows the table, wrapped over its width.
"""

from __future__ import annotations

from typing import Any

from reviewer.excel.book import HEADER_ROW, NOTE_FORMAT, POINTS, Book, Sheet
from reviewer.present import result as words
from reviewer.present import sureness
from reviewer.scoring import AppResult, Result

SHEET = sureness.BOUNDARY
HEADERS = ["順位", "申請ID", "申請者", "総合通信局", "合計", sureness.EXPECTED_RANK,
           f"{sureness.RANK_INTERVAL}（から）", f"{sureness.RANK_INTERVAL}（まで）", sureness.P_SELECTED, "判定"]
#: Columns frozen on screen: rank, id, applicant.
ID_COLS = 3
#: The widest a column grows for its header (longer headers wrap onto two lines).
HEADER_CAP = 14
#: The width of the outcome (a longer one wraps, its row as high as its lines).
VERDICT_WIDTH = 40


def write(book: Book, r: Result) -> None:
    """The sheet, where the result was resampled (nothing otherwise)."""
    if not r.resamples:
        return
    sh = book.sheet(SHEET)
    sh.title(f"{r.program.name} {sureness.BOUNDARY}", sureness.sureness_line(r))
    hr = HEADER_ROW
    sh.header(hr, HEADERS, cap=HEADER_CAP)
    sh.ws.set_row(hr, 30)
    zone = r.boundary
    for i, a in enumerate(zone):
        _row(book, sh, hr + 1 + i, a, r)
    last = hr + len(zone)
    if not zone:
        sh.note(hr + 1, 0, sureness.NO_BOUNDARY, book.fmt(**NOTE_FORMAT))
    wrap = book.fmt(**NOTE_FORMAT, text_wrap=True, valign="top")
    for i, line in enumerate(sureness.SURENESS_EXPLANATION):
        sh.paragraph(last + 3 + i, 0, len(HEADERS) - 1, line, wrap)
    sh.finish(hr, last, len(HEADERS), freeze_cols=ID_COLS)


def _row(book: Book, sh: Sheet, row: int, a: AppResult, r: Result) -> None:
    base: dict[str, Any] = {"border": 1, "valign": "top"}
    if a.selected:
        base["bg_color"] = "#E2EFDA"  # as on ランキング

    def f(**extra: Any) -> Any:
        return book.fmt(**{**base, **extra})

    lo, hi = a.rank_interval or (None, None)
    sh.number(row, 0, a.rank, f(align="center"), shown=str(a.rank))
    sh.text(row, 1, a.id, f())
    sh.text(row, 2, a.applicant, f(), cap=36)
    sh.text(row, 3, a.bureau, f())
    sh.number(row, 4, a.total, f(num_format=POINTS), shown="100.00")
    sh.number(row, 5, a.expected_rank, f(num_format="0.0"), shown="000.0")
    sh.number(row, 6, lo, f(num_format='0"位から"'), shown="000位から")
    sh.number(row, 7, hi, f(num_format='0"位まで"'), shown="000位まで")
    sh.number(row, 8, a.p_selected, f(num_format="0%"), shown="100%")
    sh.fit_row(row, sh.wrapped(row, 9, words.verdict(a, r.program), f(text_wrap=True), VERDICT_WIDTH))
