"""The ランキング sheet (評価結果一覧): every application in rank order, one row each, then the rest by id.

The columns are one table of (header, writer, width) triples: what an official needs to read the
outcome (the points, all on the 100-point scale; where the sheets were resampled, one column on
how sure the rank is: its 90 % interval and the share of the resamples that selected it, yellow
and marked in the boundary zone, the full figures on 境界域; the amount where the program gives
money; the declared マイナンバーカード交付率 beside the bonus where there is an auto bonus; the
title and field, wrapped, their rows as high as their lines). The means per criterion, the
panel score, the reviews and how the bonus follows from the rate are on 項目別内訳
(``breakdown``). A row is green when selected and
grey when not eligible, and a red rule runs under the last selected rank (rows above it can be
skipped ones: the notes under the table say how the selection walks the ranking). The columns
fit A4 landscape one page wide at 85 % or more, resampled or not, the title and header on every
page; where the decision columns make it wider, it prints over pages across at 85 % and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reviewer.domain.model import Criterion
from reviewer.domain.vocabulary import METHOD_LABELS
from reviewer.excel.book import (
    ALERT,
    HEADER_FORMAT,
    HEADER_ROW,
    LINE_HEIGHT,
    MIN_WIDTH,
    NOTE_FORMAT,
    POINTS,
    STORED_PADDING,
    YEN,
    Book,
    Sheet,
    print_scale,
    spare_cells,
    wrapped_lines,
)
from reviewer.excel.records import has_decisions, has_hearing
from reviewer.present import result as words
from reviewer.present import review as second
from reviewer.present import sureness
from reviewer.present.application import field_name
from reviewer.scoring import AppResult, Result

SHEET = "ランキング"
#: Columns frozen on screen (and repeated where the sheet prints over several pages): rank, id, applicant.
ID_COLS = 3
#: The widths of the columns whose text wraps, in cells: longer text wraps and its row grows.
APPLICANT_WIDTH = 16
TITLE_WIDTH = 16
#: The widest 件名 and 判定・理由 grow where the page has room (``fitted_columns``).
TITLE_MAX = 40
VERDICT_MAX = 30
#: The narrowest 件名 and 判定・理由 wrap in where the other columns leave less room than their widths.
TEXT_FLOOR = 12
PREFECTURE_WIDTH = 8
FIELD_WIDTH = 14
#: The width of 順位の確かさ: 「12〜25位・100%」 on one line, 「境界域」 on a line above it.
SURENESS_WIDTH = 16
VERDICT_WIDTH = 16
REASON_WIDTH = 20
#: The fill of the sureness cells of an application in the boundary zone.
BOUNDARY_FILL = "#FFF2CC"
#: The declared マイナンバーカード交付率, as a percentage.
CARD_RATE = "0.0%"
#: The line under the subtitle: what the three point columns are.
UNITS = "得点率は100点満点に換算した評価委員の採点、加点は自動加点の点数で、合計 = 得点率 + 加点（いずれも点）。"
#: How the selection walks the ranking (the skip-and-continue rule), and what the colours mean.
WALK_NOTE = ("採択候補先の選び方: 順位の高い順に申請を見ていき、予算・採択数・総合通信局ごとの上限に収まる申請を"
             "採択候補とし、収まらない申請は見送って次の申請へ進む。")
CUT_NOTE = ("赤い太線は最後の採択候補の下に引いている。線より上でも網掛けのない行は、予算や上限に収まらず"
            "見送った申請である（理由は「判定・理由」欄）。網掛け（緑）は採択候補、灰色は対象外の申請。")
#: The subtitle's words where the columns do not fit one page wide.
WIDE = "列が多いため横に複数ページに分けて印刷（順位・申請ID・申請者は各ページに表示）"

#: The formats of one row: ``f(**extra)`` is the row's format with some properties added.
RowFormat = Callable[..., Any]
#: Writes one application's cell: (sheet, row, col, application, row format) → the lines it takes (None: one).
Writer = Callable[[Sheet, int, int, AppResult, RowFormat], "int | None"]
#: (header, writer, width): the width is the most the column takes, in cells.
Column = tuple[str, Writer, int]


def write(book: Book, r: Result, generated: str) -> None:
    sh = book.sheet(SHEET)
    columns, wide = fitted_columns(book, r)
    sh.title(f"{r.program.name} 評価結果一覧（ランキング）", _subtitle(r, generated) + (f"　{WIDE}" if wide else ""))
    sh.note(2, 0, UNITS, book.fmt(**NOTE_FORMAT))
    _table(book, sh, r, columns)
    hr, last = HEADER_ROW, HEADER_ROW + len(r.applications)
    wrap = book.fmt(**NOTE_FORMAT, text_wrap=True, valign="top")
    for i, line in enumerate(_notes(r), start=2):
        sh.paragraph(last + i, 0, len(columns) - 1, line, wrap)
    sh.finish(hr, last, len(columns), freeze_cols=ID_COLS)
    print_page(sh, wide)


def print_page(sh: Sheet, wide: bool) -> None:
    """The title and the header on every printed page; one page wide, or where the table is too
    wide for that at 85 %, across pages with the identifying columns repeated."""
    sh.ws.repeat_rows(0, HEADER_ROW)
    if wide:
        sh.print_wide(ID_COLS)
    else:
        sh.ws.fit_to_pages(1, 0)


def fitted_columns(book: Book, r: Result) -> tuple[list[Column], bool]:
    """The sheet's columns with 件名 and 判定・理由 widened into the room the page leaves at 85 %
    (measured on what the columns hold at their narrowest), and whether the columns are too wide for
    one page even then (they print across pages)."""
    columns = _columns(r, TITLE_WIDTH, VERDICT_WIDTH)
    room = spare_cells(measured_widths(book, lambda m: _table(book, m, r, columns)))
    if room < 0:  # a few cells over: 件名 and 判定・理由 wrap in less (to TEXT_FLOOR), else across pages
        give = (TITLE_WIDTH - TEXT_FLOOR) + (VERDICT_WIDTH - TEXT_FLOOR)
        if -room > give:
            return columns, True
        title = TITLE_WIDTH - min(-room, TITLE_WIDTH - TEXT_FLOOR)
        return _columns(r, title, VERDICT_WIDTH - (-room - (TITLE_WIDTH - title))), False
    title = min(TITLE_MAX, TITLE_WIDTH + room * 2 // 3)
    verdict = min(VERDICT_MAX, VERDICT_WIDTH + room - (title - TITLE_WIDTH))
    return _columns(r, title, verdict), False


class _Unwritten:
    """A worksheet that writes nothing (``measured_scale``)."""

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args, **kwargs: None


def measured_widths(book: Book, table: Callable[[Sheet], None]) -> list[int]:
    """The widths of the columns the table ``table`` writes, measured on a sheet that writes nothing
    (the subtitle, written first, says where the table prints across pages)."""
    m = Sheet.__new__(Sheet)
    m.book, m.name, m.widths, m.ws = book, "", {}, _Unwritten()
    table(m)
    return list(m.widths.values())


def measured_scale(book: Book, table: Callable[[Sheet], None]) -> float:
    """The scale at which the table ``table`` writes prints one A4 landscape page wide."""
    return print_scale([max(w, MIN_WIDTH) + STORED_PADDING for w in measured_widths(book, table)])


def _table(book: Book, sh: Sheet, r: Result, columns: list[Column]) -> None:
    """The header and a row per application, each row as high as its most wrapped cell."""
    hr = HEADER_ROW
    header = book.fmt(**HEADER_FORMAT)
    for col, (h, _, w) in enumerate(columns):
        sh.text(hr, col, h, header, cap=w)
    sh.ws.set_row(hr, LINE_HEIGHT * max(2, *(wrapped_lines(h, w - 2) for h, _, w in columns)))
    cut = r.cut_rank  # a walk over the applications: once, not per row
    for i, a in enumerate(r.applications):
        row = hr + 1 + i
        f = row_format(book, a, cut)
        sh.fit_row(row, max(cell(sh, row, col, a, f) or 1 for col, (_, cell, _) in enumerate(columns)))


def _subtitle(r: Result, generated: str) -> str:
    """The budget, how the ranks and the selection were made, the bonus and the selection's count."""
    state = f"　{second.FINAL_LIST}: {second.state_text(r)}" if has_decisions(r) else ""
    money = words.budget_text(r, words.is_what_if(r)) if r.program.gives_money else "補助金のない事業"
    return (f"{money}　集計方法: {METHOD_LABELS[r.method]}　{words.strategy_text(r, code=False)}"
            f"　自動加点: {words.bonus_state(r)}　{count_text(r)}{state}　作成: {generated}")


def count_text(r: Result) -> str:
    """「採択候補先 22 件 …円」, with the shortfall against the program's minimum where there is one."""
    n = len(r.selected)
    text = f"{second.FINAL_LIST} {n} 件" + (f" {words.yen(r.selected_yen)}" if r.program.gives_money else "")
    lo = r.program.selection.min_selected
    return text + (f"（下限 {lo} 件に {lo - n} 件不足）" if lo is not None and n < lo else "")


def _notes(r: Result) -> list[str]:
    """The lines under the table: how the selection was made, what the rule and the colours mean,
    and how sure the ranks are."""
    lines = []
    if r.cut_rank is not None:
        lines += [WALK_NOTE if r.selection == "greedy" else f"採択候補先の選び方: {words.RULES[r.selection]}", CUT_NOTE]
    if has_hearing(r):
        lines.append(second.hearing_heading(r))
    if has_decisions(r):
        lines.append(second.DECISION_NOTE)
    if r.resamples:
        lines += [sureness.BOUNDARY_NOTE, sureness.sureness_line(r)]
    return lines


def row_format(book: Book, a: AppResult, cut: int | None) -> RowFormat:
    """The row's formats: green when selected, grey when not eligible, a red rule under the cut."""
    base: dict[str, Any] = {"border": 1, "valign": "top"}
    if a.selected:
        base["bg_color"] = "#E2EFDA"
    if not a.eligible:
        base["font_color"] = "#808080"
        base["bg_color"] = "#F2F2F2"
    if cut is not None and a.rank == cut:
        base["bottom"] = 5
        base["bottom_color"] = ALERT

    def f(**extra: Any) -> Any:
        return book.fmt(**{**base, **extra})

    return f


def _points(x: Callable[[AppResult], float | None]) -> Writer:
    """A column of points on the 100-point scale (blank where there are none)."""
    return lambda sh, row, col, a, f: sh.number(row, col, x(a), f(num_format=POINTS), shown="100.00")


def _id_columns(r: Result) -> list[Column]:
    """The columns SPEC pins first; 加点 is blank where the program has no auto bonus."""
    bonus: Writer = lambda sh, row, col, a, f: sh.number(row, col, a.bonus if auto_criteria(r) else None,
                                                         f(num_format=POINTS), shown="00.00")
    return [
        ("順位", lambda sh, row, col, a, f: sh.number(row, col, a.rank, f(align="center"), shown=str(a.rank)), 6),
        ("申請ID", lambda sh, row, col, a, f: sh.text(row, col, a.id, f()), 10),
        ("申請者", lambda sh, row, col, a, f: sh.wrapped(row, col, a.applicant, f(text_wrap=True), APPLICANT_WIDTH),
         APPLICANT_WIDTH),
        ("都道府県", lambda sh, row, col, a, f: sh.wrapped(row, col, a.prefecture, f(text_wrap=True), PREFECTURE_WIDTH),
         PREFECTURE_WIDTH),
        ("総合通信局", lambda sh, row, col, a, f: sh.text(row, col, a.bureau, f(), cap=8), 8),
        ("得点率", _points(lambda a: a.score_rate), 8),
        ("加点", bonus, 7),
        ("合計", _points(lambda a: a.total), 8),
        (words.SELECTED, lambda sh, row, col, a, f: sh.text(row, col, words.SELECTED if a.selected else "",
                                                             f(align="center", bold=True)), 10),
    ]


def auto_criteria(r: Result) -> list[Criterion]:
    """The program's auto-bonus criteria (the bonus and 交付率 columns are there where it has one)."""
    return [c for c in r.program.criteria if c.kind == "auto"]


def _amount_columns(r: Result, title_width: int) -> list[Column]:
    """The amount (where the program gives money), the declared rate (where it has an auto bonus;
    how the bonus follows from it is on 項目別内訳), the title, and the track and field model
    (where it has tracks)."""
    p = r.program
    out: list[Column] = []
    if p.gives_money:
        out.append(("申請額", lambda sh, row, col, a, f: sh.number(row, col, a.requested_subsidy_yen, f(num_format=YEN),
                                                                 shown=words.yen(a.requested_subsidy_yen)), 15))
    if auto_criteria(r):
        out.append(("交付率", lambda sh, row, col, a, f: sh.number(row, col, a.card_rate, f(num_format=CARD_RATE),
                                                                  shown="100.0%"), 8))
    out.append(("件名", lambda sh, row, col, a, f: sh.wrapped(row, col, a.title, f(text_wrap=True), title_width),
                title_width))
    if p.tracks:
        out.append((words.FIELDS, lambda sh, row, col, a, f: sh.wrapped(row, col, words.field_label(p, a.track, a.model),
                                                                        f(text_wrap=True), FIELD_WIDTH), FIELD_WIDTH))
    elif p.fields:  # a program without models names its fields (r2-ai-plan)
        out.append(("分野", lambda sh, row, col, a, f: sh.wrapped(row, col, field_name(p, a.field_id),
                                                                 f(text_wrap=True), FIELD_WIDTH), FIELD_WIDTH))
    return out


def sureness_text(a: AppResult) -> str:
    """「1〜3位・100%」: the 90 % interval and the share of the resamples that selected the
    application, 「境界域」 on a line of its own first in the boundary zone (the cell wraps there,
    not inside the figures); "" where it is not ranked."""
    if a.rank is None:
        return ""
    text = f"{sureness.rank_interval_text(a)}・{sureness.share_text(a.p_selected)}"
    return f"{sureness.BOUNDARY}\n{text}" if a.boundary else text


def _sureness(sh: Sheet, row: int, col: int, a: AppResult, f: RowFormat) -> int:
    """How sure the rank is, yellow in the boundary zone."""
    zone = {"bg_color": BOUNDARY_FILL} if a.boundary else {}
    return sh.wrapped(row, col, sureness_text(a), f(align="center", text_wrap=True, **zone), SURENESS_WIDTH)


_SURENESS_COLUMNS: list[Column] = [(sureness.SURENESS_COLUMN, _sureness, SURENESS_WIDTH)]


def _departing(a: AppResult, f: RowFormat, **extra: Any) -> Any:
    """A decision cell's format: red and bold where the decision departs from the computation."""
    return f(**{**extra, "font_color": ALERT, "bold": True}) if a.departs else f(**extra)


_DECISION_COLUMNS: list[Column] = [
    (second.DECISION_COLUMN, lambda sh, row, col, a, f: sh.text(row, col, second.decision_label(a.decision),
                                                                 _departing(a, f, align="center")), 8),
    (second.FINAL_COLUMN, lambda sh, row, col, a, f: sh.text(row, col, words.SELECTED_SHORT if a.final_selected else "",
                                                              _departing(a, f, align="center", bold=True)), 6),
]
_HEARING_COLUMNS: list[Column] = [
    (second.WRITTEN_RATE, _points(lambda a: a.written_rate), 8),
    (second.HEARING_RATE, _points(lambda a: a.hearing_rate), 8),
    (second.SHORTLIST_COLUMN, lambda sh, row, col, a, f: sh.text(row, col, second.SHORTLISTED_MARK if a.shortlisted
                                                                  else "", f(align="center")), 8),
]
_REASON_COLUMNS: list[Column] = [
    (second.REASON_COLUMN, lambda sh, row, col, a, f: sh.wrapped(row, col, a.decision_reason or "", f(text_wrap=True),
                                                                  REASON_WIDTH), REASON_WIDTH),
]


def _columns(r: Result, title_width: int, verdict_width: int) -> list[Column]:
    """The sheet's columns in order: the fixed ones, the decisions (where recorded) and the
    hearing (where held), how sure the rank is (where resampled), the amount, the bonus and what
    the application is, the outcome and the decisions' reasons. The means per criterion, the
    panel score and the reviews are on 項目別内訳."""
    p = r.program
    verdict: Column = ("判定・理由", lambda sh, row, col, a, f: sh.wrapped(row, col, words.verdict(a, p),
                                                                       f(text_wrap=True), verdict_width), verdict_width)
    decided = has_decisions(r)
    return (_id_columns(r) + (_DECISION_COLUMNS if decided else []) + (_HEARING_COLUMNS if has_hearing(r) else [])
            + (_SURENESS_COLUMNS if r.resamples else []) + _amount_columns(r, title_width) + [verdict]
            + (_REASON_COLUMNS if decided else []))
