"""The 選定方式の比較 sheet: the three selection strategies side by side on the one ranking.

Written where the result carries a comparison: one row per strategy (its count, amount, sum of
totals and minimums, the one used in bold), then under the line that says how many
applications they differ on, each such application with, per strategy, whether it is selected
(○/－) and why; last, the minimums each strategy cannot meet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.domain.vocabulary import SELECTION_LABELS
from reviewer.excel.book import (
    HEADER_FORMAT,
    HEADER_ROW,
    LINE_HEIGHT,
    NOTE_FORMAT,
    POINTS,
    YEN,
    Book,
    Sheet,
    safe_text,
    wrapped_lines,
)
from reviewer.present import result as words
from reviewer.present import sureness
from reviewer.scoring import Result

if TYPE_CHECKING:
    from reviewer.scoring.compare import Comparison, Difference, Outcome

SHEET = "選定方式の比較"
#: The differences' columns before the strategies: rank, id, applicant, bureau, amount, total.
DIFF_HEADERS = ["順位", "申請ID", "申請者", "総合通信局", "申請額", "合計"]
#: Columns frozen on screen and repeated on printed pages under the differences: rank, id.
ID_COLS = 2
#: The widest a strategy's ○/－ column and its reason column grow, in cells (headers and reasons wrap).
MARK_CAP, WHY_CAP = 10, 22
#: The width of the applicant's name and of the bureau (longer ones wrap, their rows grow).
APPLICANT_WIDTH, BUREAU_WIDTH = 16, 8
#: The mark of the strategy used, after its name.
CHOSEN = "［採用］"
#: Where the outcome table's cells lie over the differences' columns (first, last): 方式 over
#: 順位..申請者, 下限 over the first strategy's two columns, so neither widens a column.
OUTCOME_SPANS = ((0, 2), (3, 3), (4, 4), (5, 5), (6, 7))
SELECTED_FILL = "#E2EFDA"  # as on ランキング


def write(book: Book, r: Result) -> None:
    """The sheet, where the result was compared (nothing otherwise)."""
    c: Comparison | None = r.comparison
    if c is None:
        return
    sh = book.sheet(SHEET)
    sh.title(f"{r.program.name} {SHEET}", f"{words.budget_text(r, words.is_what_if(r))}　{words.strategy_text(r, code=False)}")
    hr = HEADER_ROW
    for (first, last), h in zip(OUTCOME_SPANS, sureness.COMPARISON_HEADERS):
        _span(sh, hr, first, last, h, book.fmt(**HEADER_FORMAT))
    for i, o in enumerate(c.outcomes):
        _outcome(book, sh, hr + 1 + i, o, c.chosen)
    row = hr + len(c.outcomes) + 2
    sh.note(row, 0, sureness.comparison_summary(c), book.fmt(bold=True))
    strategies = [o.strategy for o in c.outcomes]
    if not c.differences:
        _notes(book, sh, row + 2, c)
        sh.finish(hr, hr + len(c.outcomes), len(sureness.COMPARISON_HEADERS))
        return
    dhr = row + 1
    headers = _difference_header(book, sh, dhr, strategies)
    applicants = {a.id: a.applicant for a in r.applications}
    for i, d in enumerate(c.differences):
        _difference(book, sh, dhr + 1 + i, d, applicants.get(d.id, ""), strategies)
    last = dhr + len(c.differences)
    _notes(book, sh, last + 2, c)
    sh.finish(dhr, last, len(headers), freeze_cols=ID_COLS)  # printed one page wide, the reasons wrapped
    sh.ws.fit_to_pages(1, 0)


def strategy_label(strategy: str) -> str:
    """A strategy in words, as an official document names it (no code)."""
    return SELECTION_LABELS[strategy]


def outcome_name(strategy: str, chosen: str) -> str:
    """The outcome table's first cell: the strategy's name, the one used marked."""
    return strategy_label(strategy) + (CHOSEN if strategy == chosen else "")


def _span(sh: Sheet, row: int, first: int, last: int, value: str, fmt: object) -> None:
    """A cell over the columns first..last that leaves their widths alone."""
    if last > first:
        sh.ws.merge_range(row, first, row, last, safe_text(value), fmt)
    else:
        sh.note(row, first, value, fmt)


def _outcome(book: Book, sh: Sheet, row: int, o: Outcome, chosen: str) -> None:
    """A strategy's line as ``outcome_row`` words it (the chosen one marked, in bold), with the
    count, the amount and the sum of totals written as numbers."""
    bold = o.strategy == chosen
    numbers = {"件数": (len(o.selected), "0", f"{len(o.selected)}"), "申請額の合計": (o.yen, YEN, words.yen(o.yen)),
               "合計点の和": (o.totals, POINTS, f"{o.totals:,.2f}")}
    texts = [outcome_name(o.strategy, chosen), *sureness.outcome_row(o, chosen)[1:]]
    spans = zip(OUTCOME_SPANS, sureness.COMPARISON_HEADERS, texts)
    for (first, last), header, text in spans:
        if header in numbers:
            value, shown_as, shown = numbers[header]
            sh.number(row, first, value, book.fmt(border=1, bold=bold, num_format=shown_as), shown=shown)
        else:
            _span(sh, row, first, last, text, book.fmt(border=1, bold=bold))


def _difference_header(book: Book, sh: Sheet, row: int, strategies: list[str]) -> list[str]:
    """The differences' header: the application's columns, then per strategy ○/－ and its reason."""
    headers = list(DIFF_HEADERS)
    fmt = book.fmt(**HEADER_FORMAT)
    caps = [6, 10, APPLICANT_WIDTH, BUREAU_WIDTH, 14, 8]
    for col, (h, cap) in enumerate(zip(headers, caps)):
        sh.text(row, col, h, fmt, cap=cap)
    for s in strategies:
        for h, cap in ((strategy_label(s), MARK_CAP), (f"理由（{SELECTION_LABELS[s]}）", WHY_CAP)):
            sh.text(row, len(headers), h, fmt, cap=cap)
            headers.append(h)
            caps.append(cap)
    sh.ws.set_row(row, LINE_HEIGHT * max(2, *(wrapped_lines(h, c - 2) for h, c in zip(headers, caps))))
    return headers


def _difference(book: Book, sh: Sheet, row: int, d: Difference, applicant: str, strategies: list[str]) -> None:
    """An application the strategies disagree on: who it is, then ○/－ and the reason per strategy."""
    cell = book.fmt(border=1, valign="top")
    sh.number(row, 0, d.rank, book.fmt(border=1, valign="top", align="center"), shown=str(d.rank))
    sh.text(row, 1, d.id, cell)
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    lines = [sh.wrapped(row, 2, applicant, wrap, APPLICANT_WIDTH), sh.wrapped(row, 3, d.bureau, wrap, BUREAU_WIDTH)]
    sh.number(row, 4, d.requested_subsidy_yen, book.fmt(border=1, valign="top", num_format=YEN),
              shown=words.yen(d.requested_subsidy_yen))
    sh.number(row, 5, d.total, book.fmt(border=1, valign="top", num_format=POINTS), shown="100.00")
    for i, s in enumerate(strategies):
        col = len(DIFF_HEADERS) + 2 * i
        taken = d.selected.get(s, False)
        mark = book.fmt(border=1, valign="top", align="center", bold=taken, **({"bg_color": SELECTED_FILL} if taken else {}))
        sh.text(row, col, sureness.chosen_mark(taken), mark)
        lines.append(sh.wrapped(row, col + 1, d.why.get(s, ""), wrap, WHY_CAP))
    sh.fit_row(row, max(lines))


def _notes(book: Book, sh: Sheet, row: int, c: Comparison) -> None:
    """From ``row``: the minimums each strategy cannot meet, one line each (nothing where all are met)."""
    lines = [f"{strategy_label(o.strategy)}: {note}" for o in c.outcomes for note in o.notes]
    if not lines:
        return
    sh.note(row, 0, words.UNMET, book.fmt(bold=True))
    for i, line in enumerate(lines, start=1):
        sh.note(row + i, 0, line, book.fmt(**NOTE_FORMAT))
