"""The workbook and its worksheets, as every sheet of the export uses them (xlsxwriter).

``Book`` opens the workbook in constant-memory mode with strings that never turn into
formulas, links or numbers, and hands out cached formats in the one font. ``Sheet`` sets up
an A4 page and writes cells: text is always written as a string and cut to Excel's cell
limit (``safe_text``), and column widths follow what was written, counting East Asian wide
characters as two. Because rows go out as they are written, a sheet must be written top to
bottom.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import xlsxwriter

from reviewer.present.text import width

FONT = "游ゴシック"
#: Excel holds 32,767 characters in a cell; longer text is cut below that, with a mark.
MAX_CELL = 32_000
CUT_MARK = "…（以下省略）"
YEN = '#,##0"円"'
POINTS = "0.00"
#: The row of every table's header, under the sheet's title and subtitle.
HEADER_ROW = 3
#: The widest a column grows by default, in cells.
WIDTH_CAP = 60
#: The narrowest column width that ``Sheet.finish`` sets.
MIN_WIDTH = 6
#: The width of a column ``Sheet.finish`` leaves alone (Excel's default), in cells.
DEFAULT_WIDTH = 8
#: The height of one line of text, in points.
LINE_HEIGHT = 14
#: A4 landscape's width less the left and right margins (``Sheet``: 0.4 in each), in points.
PRINTABLE_POINTS = 841.9 - 2 * 0.4 * 72
#: The smallest print scale a sheet is read at on paper (issue 17: ≥ 85 %).
MIN_PRINT_SCALE = 0.85
#: What Excel adds to a column's width in characters when it stores it (xlsxwriter writes w + 0.71).
STORED_PADDING = 0.72
#: The mark on every printed page: the workbook names evaluators beside their scores.
CONFIDENTIAL = "取扱注意"
#: The longest program name a page header shows (Excel allows 255 characters in a header).
HEADER_NAME_MAX = 80
#: Texts up to this long keep their measured width for the rest of the workbook.
MEASURED_MAX = 64

HEADER_FORMAT: dict[str, Any] = {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "vcenter"}
TITLE_FORMAT: dict[str, Any] = {"bold": True, "font_size": 14}
#: The heading of a second table on a sheet.
HEADING_FORMAT: dict[str, Any] = {"bold": True, "font_size": 11}
NOTE_FORMAT: dict[str, Any] = {"font_color": "#595959"}
#: Text that asks for attention: a failed check, a warning, a disagreement.
ALERT = "#C00000"


def print_scale(widths: Iterable[float]) -> float:
    """The scale at which columns of these widths (Excel's character widths) fill A4 landscape's
    printable width, at most 1: a column of width w is w × 7 + 5 pixels, 0.75 pt each."""
    points = sum((w * 7 + 5) * 0.75 for w in widths)
    return 1.0 if points <= PRINTABLE_POINTS else PRINTABLE_POINTS / points


def spare_cells(widths: Iterable[int]) -> int:
    """How many cells columns of these widths (as ``Sheet`` sets them) can still grow and print one
    A4 landscape page wide at ``MIN_PRINT_SCALE``; negative: how many cells too wide they are."""
    stored = [max(w, MIN_WIDTH) + STORED_PADDING for w in widths]
    points = sum((w * 7 + 5) * 0.75 for w in stored)
    return int((PRINTABLE_POINTS / MIN_PRINT_SCALE - points) // (7 * 0.75))


def header_text(text: str, limit: int) -> str:
    """Text for a page header: one line, at most ``limit`` characters, ``&`` doubled (a code otherwise)."""
    line = " ".join(str(text).split())
    if len(line) > limit:
        line = line[:limit - 1] + "…"
    return line.replace("&", "&&")


def wrapped_lines(text: str, cells: int) -> int:
    """The lines ``text`` takes wrapped in ``cells`` cells (each of its lines at least one; a line
    that fits even at two cells a character is not measured)."""
    cells = max(cells, 1)
    return sum(1 if 2 * len(line) <= cells else max(1, -(-width(line) // cells)) for line in text.split("\n"))


def safe_text(value: Any) -> str:
    """A cell's text: "" for None, cut to ``MAX_CELL`` characters with a mark."""
    s = "" if value is None else str(value)
    return s if len(s) <= MAX_CELL else s[:MAX_CELL] + CUT_MARK


class Sheet:
    """A worksheet with formats, width tracking and safe writers.

    Text goes out with ``write_string`` only (never a formula or a link, whatever it starts
    with); ``text`` and ``number`` widen their column to what they show, ``note`` does not.
    """

    def __init__(self, book: Book, name: str) -> None:
        self.book = book
        self.name = name
        self.ws = book.wb.add_worksheet(name)
        self.widths: dict[int, int] = {}
        self.ws.set_paper(9)           # A4
        self.ws.set_landscape()
        self.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.ws.set_header(book.page_header)
        self.ws.set_footer("&C&P / &N")
        self.ws.fit_to_pages(1, 0)

    def _widen(self, col: int, shown: str, cap: int, have: int) -> None:
        """Widen the column (``have`` wide, less than ``cap``) to ``shown``, its width measured once per
        short text. The writers call it only where ``shown`` may be wider than ``have``: a character
        is at most 2 cells."""
        w = self.book.measured.get(shown)
        if w is None:
            w = max((width(line) for line in shown.split("\n")), default=0) + 2
            if len(shown) <= MEASURED_MAX:  # the names, marks and labels that recur row after row
                self.book.measured[shown] = w
        self.widths[col] = max(have, min(cap, w))

    def text(self, row: int, col: int, value: Any, fmt: Any = None, cap: int = WIDTH_CAP) -> None:
        """Text as a string, its column widened to it (up to ``cap``)."""
        # the common case inline (a short str, a column that cannot widen): written for every cell
        s = value if value.__class__ is str and len(value) <= MAX_CELL else safe_text(value)
        self.ws.write_string(row, col, s, fmt)
        have = self.widths.get(col, 0)
        if have < cap and 2 * len(s) + 2 > have:
            self._widen(col, s, cap, have)

    def note(self, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Text as a string that leaves the column's width alone (titles, notes, labels)."""
        self.ws.write_string(row, col, safe_text(value), fmt)

    def number(self, row: int, col: int, value: float | None, fmt: Any = None, shown: str | None = None) -> None:
        """A number (a formatted blank for None), its column widened to ``shown``."""
        if value is None:
            self.blank(row, col, fmt)
            return
        self.ws.write_number(row, col, float(value), fmt)
        if shown is None:
            shown = f"{value:,.2f}"
        have = self.widths.get(col, 0)
        if have < WIDTH_CAP and 2 * len(shown) + 2 > have:
            self._widen(col, shown, WIDTH_CAP, have)

    def value(self, row: int, col: int, value: float, fmt: Any = None) -> None:
        """A number that leaves the column's width alone."""
        self.ws.write_number(row, col, value, fmt)

    def paragraph(self, row: int, first: int, last: int, value: Any, fmt: Any = None) -> None:
        """Text wrapped over the merged columns first..last, its row as high as its lines (measured
        on the widths tracked so far, so a sheet writes its paragraphs under the tables they explain).
        The format should wrap (``text_wrap``); the columns' widths are left alone."""
        self.fit_row(row, self.merged(row, first, last, value, fmt))

    def merged(self, row: int, first: int, last: int, value: Any, fmt: Any = None) -> int:
        """``paragraph`` without setting the row's height: returns the lines the text takes."""
        s = safe_text(value)
        span = sum(max(self.widths.get(c, DEFAULT_WIDTH), MIN_WIDTH) for c in range(first, last + 1)) - 2
        if last > first:
            self.ws.merge_range(row, first, row, last, "", fmt)
        self.ws.write_string(row, first, s, fmt)
        return wrapped_lines(s, span)

    def wrapped(self, row: int, col: int, value: Any, fmt: Any, cap: int) -> int:
        """Text in a column at most ``cap`` wide (the format wraps); returns the lines it takes there
        (counted once per short text and width: names and labels recur row after row)."""
        s = value if value.__class__ is str and len(value) <= MAX_CELL else safe_text(value)
        self.text(row, col, s, fmt, cap)
        if len(s) > MEASURED_MAX:
            return wrapped_lines(s, cap - 2)
        if 2 * len(s) <= cap - 2 and "\n" not in s:
            return 1  # fits even at two cells a character
        key = (s, cap)
        lines = self.book.lines.get(key)
        if lines is None:
            lines = self.book.lines[key] = wrapped_lines(s, cap - 2)
        return lines

    def fit_row(self, row: int, lines: int) -> None:
        """Make the row as high as ``lines`` lines of text (left alone for one)."""
        if lines > 1:
            self.ws.set_row(row, LINE_HEIGHT * lines)

    def blank(self, row: int, col: int, fmt: Any = None) -> None:
        self.ws.write_blank(row, col, None, fmt)

    def comment(self, row: int, col: int, value: Any) -> None:
        """A cell comment (the note that shows on hover), cut like any text."""
        self.ws.write_comment(row, col, safe_text(value))

    def header(self, row: int, headers: list[str], fmt: Any = None, cap: int = WIDTH_CAP) -> None:
        """A table's header; a header wider than ``cap`` wraps (the header format wraps)."""
        for col, h in enumerate(headers):
            self.text(row, col, h, fmt or self.book.fmt(**HEADER_FORMAT), cap)

    def title(self, title: str, subtitle: str) -> None:
        """The sheet's title and a grey subtitle in its first two rows."""
        self.note(0, 0, title, self.book.fmt(**TITLE_FORMAT))
        self.note(1, 0, subtitle, self.book.fmt(**NOTE_FORMAT))

    def print_wide(self, id_cols: int) -> None:
        """A table too wide for one page prints across pages at ``MIN_PRINT_SCALE`` with its identifying
        columns repeated (its subtitle should say it prints over several pages across, and why)."""
        self.ws.fit_to_pages(0, 0)
        self.ws.set_print_scale(round(MIN_PRINT_SCALE * 100))
        self.ws.repeat_columns(0, id_cols - 1)

    def finish(self, header_row: int | None = None, last_row: int | None = None, ncols: int | None = None,
               freeze_cols: int = 0) -> None:
        """Set the tracked column widths; with a header row, freeze and repeat it and filter the table."""
        for col, w in self.widths.items():
            self.ws.set_column(col, col, max(w, MIN_WIDTH))
        if header_row is not None:
            self.ws.freeze_panes(header_row + 1, freeze_cols)
            self.ws.repeat_rows(header_row)
            if ncols and last_row is not None and last_row >= header_row:
                self.ws.autofilter(header_row, 0, last_row, ncols - 1)


class Book:
    """The workbook being written, with its formats."""

    def __init__(self, path: Path) -> None:
        self.wb = xlsxwriter.Workbook(str(path), {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            # rows go out as they are written (every sheet is written top to bottom): peak memory
            # 0.6 GiB instead of 1.4 GiB at 20,000 applications, for a fifth more time
            "constant_memory": True,
            "default_format_properties": {"font_name": FONT, "font_size": 10},
        })
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}
        #: each short text's width in cells plus its margin, measured once (``Sheet._widen``)
        self.measured: dict[str, int] = {}
        #: each short text's wrapped lines at a column's width (``Sheet.wrapped``)
        self.lines: dict[tuple[str, int], int] = {}
        #: every printed page's header (``set_page_header``): the mark alone until the program is known
        self.page_header = f"&R{CONFIDENTIAL}"

    def set_page_header(self, program: str, generated: str) -> None:
        """Every sheet made after this prints the program's name at the left, 取扱注意 at the right and
        the time of writing under it (the name is untrusted text: ``&`` is doubled, the length capped
        to Excel's 255 characters for the whole header)."""
        name = header_text(program, HEADER_NAME_MAX)
        self.page_header = f"&L{name}&R{CONFIDENTIAL}\n作成 {header_text(generated, 40)}"

    def fmt(self, **props: Any) -> Any:
        """The format with these properties, in the workbook's font (one format per set of properties)."""
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(dict(props, font_name=FONT))
        return self._formats[key]

    def sheet(self, name: str) -> Sheet:
        return Sheet(self, name)
