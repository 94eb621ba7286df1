"""The ヒアリング sheet: the hearing (SPEC §6.4), where there is a shortlist or hearing sheets.

Under the line on how the hearing weighs in, one row per application on the shortlist (in the
order of the schedule) or heard, with when and where it is heard, its written, hearing and
combined score rates and how many hearing sheets it has; then each submitted hearing sheet,
application by application and evaluator by evaluator, with its rate, its comment and its notes
per criterion (wrapped over the columns to the right).
"""

from __future__ import annotations

from reviewer.excel.book import HEADER_FORMAT, HEADER_ROW, HEADING_FORMAT, NOTE_FORMAT, POINTS, Book, Sheet
from reviewer.excel.records import ReviewRecords, has_hearing
from reviewer.present import people
from reviewer.present import review as second
from reviewer.present.people import Aliases
from reviewer.present.result import note_lines
from reviewer.scoring import AppResult, Result, SheetInput
from reviewer.workspace.records import ShortlistEntry

SHEET = second.HEARING
HEADERS = ["順位", "申請ID", "申請者", "総合通信局", "日時", "場所", second.WRITTEN_RATE, second.HEARING_RATE,
           second.COMBINED_RATE, "評価数"]
SHEET_HEADERS = ["順位", "申請ID", "申請者", "評価委員", second.COMBINED_RATE, "コメント・項目別の所見"]
#: The widest the applicants' names and the places grow, in cells (longer ones wrap).
NAME_WIDTH = 30
PLACE_WIDTH = 40
EVALUATOR_WIDTH = 20


def write(book: Book, r: Result, records: ReviewRecords | None, aliases: Aliases | None = None) -> None:
    """The sheet, where the program has a shortlist or hearing sheets (nothing otherwise)."""
    if not has_hearing(r, records):
        return
    sh = book.sheet(SHEET)
    sh.title(f"{r.program.name} {second.HEARING}", f"ヒアリングの重み {second.weight_text(r.program)}")
    hr = HEADER_ROW
    sh.header(hr, HEADERS)
    heard = _heard(r, records)
    for i, (a, entry) in enumerate(heard):
        _scheduled(book, sh, hr + 1 + i, a, entry, records is not None)
    last = hr + len(heard)
    _sheets(book, sh, last + 2, r, [a for a, _ in heard], aliases)
    sh.finish(hr)


def _heard(r: Result, records: ReviewRecords | None) -> list[tuple[AppResult, ShortlistEntry | None]]:
    """The applications on the shortlist in the order of the schedule, then those heard that are
    not on it (or, without the records, every one shortlisted or heard in rank order)."""
    by_id = {a.id: a for a in r.applications}
    entries = {e.application: e for e in records.shortlist} if records else {}
    first: list[tuple[AppResult, ShortlistEntry | None]] = [(by_id[aid], e) for aid, e in entries.items()
                                                            if aid in by_id]
    rest: list[tuple[AppResult, ShortlistEntry | None]] = [(a, None) for a in r.applications
            if a.id not in entries and (a.shortlisted or a.hearing_rate is not None or a.hearing_sheet_rates)]
    return first + rest


def _scheduled(book: Book, sh: Sheet, row: int, a: AppResult, entry: ShortlistEntry | None, known: bool) -> None:
    f = book.fmt(border=1, valign="top")
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    pct = book.fmt(border=1, valign="top", num_format=POINTS)
    sh.number(row, 0, a.rank, book.fmt(border=1, valign="top", align="center"), shown=str(a.rank or ""))
    sh.text(row, 1, a.id, f)
    lines = sh.wrapped(row, 2, a.applicant, wrap, NAME_WIDTH)
    sh.text(row, 3, a.bureau, f)
    sh.text(row, 4, second.hearing_when(entry) if known else "", f)
    lines = max(lines, sh.wrapped(row, 5, entry.place if entry else "", wrap, PLACE_WIDTH))
    for col, x in ((6, a.written_rate), (7, a.hearing_rate), (8, a.score_rate)):
        sh.number(row, col, x, pct, shown="100.00")
    sh.number(row, 9, len(a.hearing_sheet_rates), book.fmt(border=1, valign="top", align="center"), shown="000")
    sh.fit_row(row, lines)


def _sheets(book: Book, sh: Sheet, row: int, r: Result, heard: list[AppResult], aliases: Aliases | None) -> None:
    """Each submitted hearing sheet with its rate, comment and notes, in the order of the table above."""
    sh.note(row, 0, "ヒアリングの採点票（提出済み）", book.fmt(**HEADING_FORMAT))
    if not r.hearing_sheets:
        sh.note(row + 1, 0, "提出済みのヒアリングの採点票はまだありません", book.fmt(**NOTE_FORMAT))
        return
    row += 1
    head = book.fmt(**HEADER_FORMAT)
    last = len(HEADERS) - 1
    for col, h in enumerate(SHEET_HEADERS[:-1]):
        sh.note(row, col, h, head)
    sh.merged(row, len(SHEET_HEADERS) - 1, last, SHEET_HEADERS[-1], head)
    names = {s.evaluator: s.name for s in r.evaluator_stats}
    by_app: dict[str, list[SheetInput]] = {}
    for s in r.hearing_sheets:
        by_app.setdefault(s.application, []).append(s)
    f = book.fmt(border=1, valign="top")
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    pct = book.fmt(border=1, valign="top", num_format=POINTS)
    for a in heard:
        for s in sorted(by_app.get(a.id, []), key=lambda s: s.evaluator):
            row += 1
            sh.number(row, 0, a.rank, book.fmt(border=1, valign="top", align="center"), shown=str(a.rank or ""))
            sh.text(row, 1, a.id, f)
            lines = sh.wrapped(row, 2, a.applicant, wrap, NAME_WIDTH)
            lines = max(lines, sh.wrapped(row, 3, people.label(s.evaluator, names.get(s.evaluator, ""), aliases),
                                          wrap, EVALUATOR_WIDTH))
            rate = a.hearing_sheet_rates.get(s.evaluator)
            sh.number(row, 4, rate, pct, shown="100.00")
            text = "\n".join([s.comment, *note_lines(r.program, s.notes)]).strip("\n")
            sh.fit_row(row, max(lines, sh.merged(row, len(SHEET_HEADERS) - 1, last, text, wrap)))
