"""The ランキング sheet: every application in rank order, one row each, then the rest by id.

The columns are one table of (header, writer) pairs, with a column per scored criterion
between the fixed ones. A row is green when selected and grey when not eligible, and a red
rule runs under the last selected rank; the identifying columns stay frozen on screen and
repeat on every printed page. Where the sheets were resampled, how sure each rank is follows
the selection mark (the boundary zone marked in yellow); without resamples those columns are
left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reviewer.domain.model import Program
from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS, METHOD_LABELS
from reviewer.excel.book import ALERT, HEADER_ROW, NOTE_FORMAT, PCT, POINTS, YEN, Book, Sheet, wrapped_lines
from reviewer.excel.records import has_decisions, has_hearing
from reviewer.present import result as words
from reviewer.present import review as second
from reviewer.present import sureness
from reviewer.scoring import AppResult, Result

SHEET = "ランキング"
#: Columns frozen on screen and repeated on printed pages: rank, id, applicant.
ID_COLS = 3
NOTE = ("赤い太線より上が採択候補の範囲（予算・採択数・総合通信局ごとの上限に収まる申請）。"
        "網掛けは採択候補、灰色は対象外の申請。")
#: The fill of the sureness cells of an application in the boundary zone.
BOUNDARY_FILL = "#FFF2CC"
#: A share of the resamples, as a whole percentage.
SHARE = "0%"
#: The widest the outcome and the decision's reason grow, in cells (longer ones wrap, their rows grow).
VERDICT_WIDTH = 50
REASON_WIDTH = 40

#: The formats of one row: ``f(**extra)`` is the row's format with some properties added.
RowFormat = Callable[..., Any]
#: Writes one application's cell: (sheet, row, col, application, row format).
Writer = Callable[[Sheet, int, int, AppResult, RowFormat], None]
Column = tuple[str, Writer]


def write(book: Book, r: Result, generated: str) -> None:
    sh = book.sheet(SHEET)
    p = r.program
    state = f"　{second.FINAL_LIST}: {second.state_text(r)}" if has_decisions(r) else ""
    sh.title(f"{p.name} 審査結果（ランキング）",
             f"{words.budget_text(r, words.is_what_if(r))}　集計方法: {METHOD_LABELS[r.method]}"
             f"　{words.strategy_text(r, code=False)}"
             f"　自動加点: {words.bonus_state(r)}"
             f"　{words.SELECTED} {len(r.selected)} 件 {words.yen(r.selected_yen)}{state}　作成: {generated}")
    columns = _columns(r)
    hr = HEADER_ROW
    sh.header(hr, [h for h, _ in columns])
    sh.ws.set_row(hr, 30)
    cut = r.cut_rank  # a walk over the applications: once, not per row
    decided = has_decisions(r)
    for i, a in enumerate(r.applications):
        row = hr + 1 + i
        f = _row_format(book, a, cut)
        for col, (_, cell) in enumerate(columns):
            cell(sh, row, col, a, f)
        sh.fit_row(row, max(wrapped_lines(words.verdict(a, p), VERDICT_WIDTH - 2),
                            wrapped_lines(a.decision_reason or "", REASON_WIDTH - 2) if decided else 1))
    last = hr + len(r.applications)
    for i, line in enumerate(_notes(r), start=2):
        sh.note(last + i, 0, line, book.fmt(**NOTE_FORMAT))
    sh.finish(hr, last, len(columns), freeze_cols=ID_COLS)
    sh.print_wide(ID_COLS)


def _notes(r: Result) -> list[str]:
    """The lines under the table: what the colours mean, and how sure the ranks are."""
    lines = [NOTE] if r.cut_rank is not None else []
    if has_hearing(r):
        lines.append(second.hearing_heading(r))
    if has_decisions(r):
        lines.append(second.DECISION_NOTE)
    if r.resamples:
        lines += [sureness.BOUNDARY_NOTE, sureness.sureness_line(r)]
    return lines


def _row_format(book: Book, a: AppResult, cut: int | None) -> RowFormat:
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


_ID_COLUMNS: list[Column] = [
    ("順位", lambda sh, row, col, a, f: sh.number(row, col, a.rank, f(align="center"), shown=str(a.rank))),
    ("申請ID", lambda sh, row, col, a, f: sh.text(row, col, a.id, f())),
    ("申請者", lambda sh, row, col, a, f: sh.text(row, col, a.applicant, f(), cap=36)),
    ("都道府県", lambda sh, row, col, a, f: sh.text(row, col, a.prefecture, f())),
    ("総合通信局", lambda sh, row, col, a, f: sh.text(row, col, a.bureau, f())),
    ("得点率", lambda sh, row, col, a, f: sh.number(row, col, None if a.score_rate is None else a.score_rate / 100,
                                                  f(num_format=PCT), shown="100.00%")),
    ("加点", lambda sh, row, col, a, f: sh.number(row, col, a.bonus, f(num_format="0.0"), shown=f"{a.bonus:.1f}")),
    ("合計", lambda sh, row, col, a, f: sh.number(row, col, a.total, f(num_format=POINTS), shown="100.00")),
    (words.SELECTED, lambda sh, row, col, a, f: sh.text(row, col, words.SELECTED if a.selected else "",
                                                         f(align="center", bold=True))),
]


def _amount_columns(p: Program) -> list[Column]:
    """The amount, what the application is, and its points (the field label needs the program)."""
    return [
        ("申請額", lambda sh, row, col, a, f: sh.number(row, col, a.requested_subsidy_yen, f(num_format=YEN),
                                                      shown=words.yen(a.requested_subsidy_yen))),
        ("件名", lambda sh, row, col, a, f: sh.text(row, col, a.title, f(), cap=40)),
        ("種別", lambda sh, row, col, a, f: sh.text(row, col, APPLICANT_TYPE_LABELS.get(a.applicant_type, a.applicant_type),
                                                  f())),
        (words.FIELDS, lambda sh, row, col, a, f: sh.text(row, col, words.field_label(p, a.track, a.model), f(), cap=36)),
        ("パネル得点", lambda sh, row, col, a, f: sh.number(row, col, a.panel_score, f(num_format=POINTS), shown="000.00")),
        ("満点", lambda sh, row, col, a, f: sh.number(row, col, a.max_points, f(num_format="0"), shown="000")),
    ]


def _mean(criterion: str) -> Writer:
    """The column of one scored criterion's mean."""
    return lambda sh, row, col, a, f: sh.number(row, col, a.criterion_means.get(criterion), f(num_format="0.00"),
                                                shown="0.00")


def _spread(sh: Sheet, row: int, col: int, a: AppResult, f: RowFormat) -> None:
    """The spread of the evaluators' rates, in red and marked when they disagree."""
    if a.spread is None:
        sh.text(row, col, "", f())
    elif a.disagreement:  # a number, marked by its format
        sh.number(row, col, a.spread, f(font_color=ALERT, num_format='0.0"（乖離大）"'), shown="00.0（乖離大）")
    else:
        sh.number(row, col, a.spread, f(num_format="0.0"), shown="00.0")


def _assigned(sh: Sheet, row: int, col: int, a: AppResult, f: RowFormat) -> None:
    """The application's active assignments; in red where fewer sheets are submitted (3 of 4)."""
    short = a.assigned is not None and a.reviews < a.assigned
    sh.number(row, col, a.assigned, f(align="center", **({"font_color": ALERT, "bold": True} if short else {})),
              shown=str(a.assigned))


def _review_columns(p: Program) -> list[Column]:
    """How many reviewed it, how far apart they were, and the outcome in words."""
    return [
        ("評価数", lambda sh, row, col, a, f: sh.number(row, col, a.reviews, f(align="center"), shown=str(a.reviews))),
        ("割当数", _assigned),
        ("乖離（最大−最小）", _spread),
        ("判定・理由", lambda sh, row, col, a, f: sh.text(row, col, words.verdict(a, p), f(text_wrap=True),
                                                      cap=VERDICT_WIDTH)),
    ]


def _zone(a: AppResult, f: RowFormat, **extra: Any) -> Any:
    """A sureness cell's format: yellow in the boundary zone."""
    return f(**extra, bg_color=BOUNDARY_FILL) if a.boundary else f(**extra)


def _interval(sh: Sheet, row: int, col: int, a: AppResult, f: RowFormat) -> None:
    text = "" if a.rank_interval is None else sureness.rank_interval_text(a)
    sh.text(row, col, text, _zone(a, f, align="center"))


_SURENESS_COLUMNS: list[Column] = [
    (sureness.BOUNDARY, lambda sh, row, col, a, f: sh.text(row, col, sureness.BOUNDARY if a.boundary else "",
                                                            _zone(a, f, align="center", bold=True))),
    (sureness.EXPECTED_RANK, lambda sh, row, col, a, f: sh.number(row, col, a.expected_rank,
                                                                   _zone(a, f, num_format="0.0"), shown="000.0")),
    (sureness.RANK_INTERVAL, _interval),
    (sureness.P_SELECTED, lambda sh, row, col, a, f: sh.number(row, col, a.p_selected, _zone(a, f, num_format=SHARE),
                                                                shown="100%")),
]


def _rate(rate: Callable[[AppResult], float | None]) -> Writer:
    """A column of a score rate (a share; blank where there is none)."""
    def cell(sh: Sheet, row: int, col: int, a: AppResult, f: RowFormat) -> None:
        x = rate(a)
        sh.number(row, col, None if x is None else x / 100, f(num_format=PCT), shown="100.00%")
    return cell


def _departing(a: AppResult, f: RowFormat, **extra: Any) -> Any:
    """A decision cell's format: red and bold where the decision departs from the computation."""
    return f(**{**extra, "font_color": ALERT, "bold": True}) if a.departs else f(**extra)


_DECISION_COLUMNS: list[Column] = [
    (second.DECISION_COLUMN, lambda sh, row, col, a, f: sh.text(row, col, second.decision_label(a.decision),
                                                                 _departing(a, f, align="center"))),
    (second.FINAL_COLUMN, lambda sh, row, col, a, f: sh.text(row, col, words.SELECTED_SHORT if a.final_selected else "",
                                                              _departing(a, f, align="center", bold=True))),
]
_HEARING_COLUMNS: list[Column] = [
    (second.WRITTEN_RATE, _rate(lambda a: a.written_rate)),
    (second.HEARING_RATE, _rate(lambda a: a.hearing_rate)),
    (second.SHORTLIST_COLUMN, lambda sh, row, col, a, f: sh.text(row, col, second.SHORTLISTED_MARK if a.shortlisted
                                                                  else "", f(align="center"))),
]
_REASON_COLUMNS: list[Column] = [
    (second.REASON_COLUMN, lambda sh, row, col, a, f: sh.text(row, col, a.decision_reason or "", f(text_wrap=True),
                                                               cap=REASON_WIDTH)),
]


def _columns(r: Result) -> list[Column]:
    """The sheet's columns in order: the fixed ones, the decisions (where recorded) and the
    hearing (where held), how sure the rank is (where resampled), a mean per scored criterion,
    the review columns and the decisions' reasons."""
    p = r.program
    scored = [c for c in p.criteria if c.kind == "scored"]
    sure = _SURENESS_COLUMNS if r.resamples else []
    decided = has_decisions(r)
    return (_ID_COLUMNS + (_DECISION_COLUMNS if decided else []) + (_HEARING_COLUMNS if has_hearing(r) else [])
            + sure + _amount_columns(p) + [(f"{c.id} 平均", _mean(c.id)) for c in scored]
            + _review_columns(p) + (_REASON_COLUMNS if decided else []))
