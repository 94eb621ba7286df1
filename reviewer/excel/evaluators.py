"""The 評価委員別 and 評価委員統計 sheets: the submitted sheets one by one, and the panel in numbers.

評価委員別 lists every submitted sheet by evaluator, with a column per must and scored criterion
(a criterion's label on its header's comment) and the sheet's points and rate. 評価委員統計 gives
each evaluator's mean rate, spread and tendency against the panel (all in points of rate out of
100), then, on a page of its own, the agreement of the panel (Krippendorff's alpha) and the mean
of each scored criterion; with the adjusted method, also each evaluator's fitted effect, with
the shrinkage and what the method does written under the table. With aliases (an anonymous
export) both show each evaluator as 委員A, 委員B, … (``present.people``).
"""

from __future__ import annotations

from reviewer.domain.model import Criterion
from reviewer.domain.vocabulary import MUST_SHORT_LABELS
from reviewer.excel.book import (
    ALERT,
    HEADER_ROW,
    MIN_PRINT_SCALE,
    MIN_WIDTH,
    NOTE_FORMAT,
    POINTS,
    WIDTH_CAP,
    Book,
    Sheet,
    print_scale,
)
from reviewer.present import people, sureness
from reviewer.present import result as words
from reviewer.present.people import Aliases
from reviewer.present.text import width
from reviewer.scoring import AppResult, Result, SheetInput

SHEETS_SHEET = "評価委員別"
STATS_SHEET = "評価委員統計"
#: Columns before the criteria on 評価委員別: evaluator id and name, application id and applicant.
ID_COLS = 4
#: An evaluator's fitted effect, in points of rate with its sign.
EFFECT_FORMAT = "+0.0;-0.0"
#: The widest the applicants' names grow on 評価委員別, in cells (longer ones wrap).
NAME_WIDTH = 30
#: The widest a criterion's label and its group grow on 評価委員統計, in cells (longer ones wrap).
LABEL_WIDTH = 50
GROUP_WIDTH = 30
#: 評価委員別's subtitle where its columns do not fit A4 landscape's width at 85 %.
WIDE_NOTE = ("評価項目が {} 列あり、A4 横 1 ページの幅に 85 % 以上の倍率では収まらないため、"
             "横に複数ページに分けて印刷します（各ページの左に評価委員と申請を繰り返します）")


def write_sheets(book: Book, r: Result, aliases: Aliases | None = None) -> None:
    crits = [c for c in r.program.criteria if c.kind in ("must", "scored")]
    names = {s.evaluator: s.name for s in r.evaluator_stats}
    apps = {a.id: a for a in r.applications}
    headers = ["評価委員ID", "評価委員", "申請ID", "申請者"] + [f"{c.id}" for c in crits] + ["得点", "満点", "得点率"]
    order = {a.id: i for i, a in enumerate(r.applications)}
    sheets = sorted(r.sheets, key=lambda s: (s.evaluator, order.get(s.application, 0)))
    shown = [(*people.shown(s.evaluator, names.get(s.evaluator, ""), aliases), s) for s in sheets]
    wide = print_scale(_widths(headers, [(e, n, apps[s.application].applicant) for e, n, s in shown])) < MIN_PRINT_SCALE
    sh = book.sheet(SHEETS_SHEET)
    sh.title("評価委員別の採点（提出済みの採点票）",
             f"{words.MUST_CRITERIA}は {MUST_SHORT_LABELS['pass']}/{MUST_SHORT_LABELS['fail']}、"
             "採点する項目（加点事項・推奨要件）は 0〜5。"
             "空欄はその申請に適用されない項目" + (f"。{WIDE_NOTE.format(len(crits))}" if wide else ""))
    hr = HEADER_ROW
    sh.header(hr, headers)
    cell = book.fmt(border=1, valign="top")
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    points = book.fmt(border=1, valign="top", num_format="0.0#")
    whole = book.fmt(border=1, valign="top", num_format="0")
    marks = _MarkFormats(book)
    # each criterion's label, as a comment on its header cell
    for col, c in enumerate(crits, start=ID_COLS):
        sh.comment(hr, col, f"{c.id} {c.label}")
    for i, (evaluator, name, s) in enumerate(shown):
        row = hr + 1 + i
        a = apps[s.application]
        sh.text(row, 0, evaluator, cell)
        sh.text(row, 1, name, cell)
        sh.text(row, 2, s.application, cell)
        sh.fit_row(row, sh.wrapped(row, 3, a.applicant, wrap, NAME_WIDTH))
        total = _marks(marks, sh, row, crits, s)
        n = ID_COLS + len(crits)
        sh.number(row, n, total, points, shown="000")
        sh.number(row, n + 1, a.max_points, whole, shown="000")
        _rate(book, sh, row, n + 2, a, s)
    sh.finish(hr, hr + len(sheets), len(headers), freeze_cols=ID_COLS)
    if wide:
        sh.print_wide(ID_COLS)


def _widths(headers: list[str], rows: list[tuple[str, str, str]]) -> list[float]:
    """The widths 評価委員別's columns will take (as ``Sheet.finish`` sets them): the identifying
    columns measured on their texts, the marks and numbers on their headers."""
    def cells(texts: list[str], cap: int = WIDTH_CAP) -> float:
        return max(MIN_WIDTH, min(cap, max((width(t) + 2 for t in texts), default=0)))
    ids = [cells([headers[0], *(e for e, _, _ in rows)]), cells([headers[1], *(n for _, n, _ in rows)]),
           cells([headers[2], "0" * 8]), cells([headers[3], *(a for _, _, a in rows)], NAME_WIDTH)]
    return ids + [cells([h, "100.00%" if h == headers[-1] else "000"]) for h in headers[ID_COLS:]]


class _MarkFormats:
    """The formats of the marks' cells (made once for the sheet's thousands of rows)."""

    def __init__(self, book: Book) -> None:
        self.cell = book.fmt(border=1)
        self.center = book.fmt(border=1, align="center")
        self.fail = book.fmt(border=1, align="center", font_color=ALERT, bold=True)


def _marks(f: _MarkFormats, sh: Sheet, row: int, crits: list[Criterion], s: SheetInput) -> float:
    """One sheet's marks, a column per criterion (blank where it does not apply); its weighted points."""
    cell, center, fail = f.cell, f.center, f.fail
    total = 0.0
    for col, c in enumerate(crits, start=ID_COLS):
        v = s.scores.get(c.id)
        if v is None:
            sh.blank(row, col, cell)
        elif c.kind == "must":
            sh.text(row, col, MUST_SHORT_LABELS["pass" if v == "pass" else "fail"], fail if v == "fail" else center)
        else:
            sh.number(row, col, v, center, shown="0")
            total += c.weight * v
    return total


def _rate(book: Book, sh: Sheet, row: int, col: int, a: AppResult, s: SheetInput) -> None:
    rate = a.sheet_rates.get(s.evaluator)
    sh.number(row, col, rate, book.fmt(border=1, valign="top", num_format=POINTS), shown="100.00")


def write_stats(book: Book, r: Result, aliases: Aliases | None = None) -> None:
    """The evaluators' table (page 1, its header frozen on screen; not repeated on paper, where the
    criteria's table below starts a page of its own under its own header)."""
    sh = book.sheet(STATS_SHEET)
    sh.title("評価委員別の統計",
             f"得点率（100 点満点）の平均と標準偏差、点。全体平均との差が −{words.TENDENCY_POINTS} 点未満を"
             f"「{words.TENDENCY_LOW}」、+{words.TENDENCY_POINTS} 点超を「{words.TENDENCY_HIGH}」とする")
    adjusted = r.method == "adjusted"
    headers = ["評価委員ID", "評価委員", "提出数", "平均得点率（点）", "標準偏差（点）", "全体平均との差（点）", "傾向"]
    headers += [sureness.EFFECT] if adjusted else []
    hr = HEADER_ROW
    sh.header(hr, headers)
    cell = book.fmt(border=1)
    points = book.fmt(border=1, num_format=POINTS)
    for i, e in enumerate(sorted(r.evaluator_stats, key=lambda e: e.evaluator) if aliases else r.evaluator_stats):
        row = hr + 1 + i
        evaluator, name = people.shown(e.evaluator, e.name, aliases)
        sh.text(row, 0, evaluator, cell)
        sh.text(row, 1, name, cell)
        sh.number(row, 2, e.count, cell, shown="000")
        sh.number(row, 3, e.mean, points, shown="100.00")
        sh.number(row, 4, e.std, points, shown="00.00")
        sh.number(row, 5, e.deviation, book.fmt(border=1, num_format="+0.00;-0.00;0.00"), shown="+00.00")
        sh.text(row, 6, words.tendency(e.deviation), cell)
        if adjusted:
            sh.number(row, 7, e.effect, book.fmt(border=1, num_format=EFFECT_FORMAT), shown="+00.0")
    last = hr + len(r.evaluator_stats)
    row = last + 2
    if adjusted:
        row = _adjusted_notes(book, sh, row, r, len(headers) - 1)
    sh.ws.set_h_pagebreaks([row])  # the agreement and the criteria on a page of their own
    _agreement(book, sh, row, r)
    _criterion_means(book, sh, row + 5, r)
    sh.finish()
    # a scale rather than fit to the page, which would drop the page break
    sh.ws.set_print_scale(round(100 * print_scale(max(w, MIN_WIDTH) for w in sh.widths.values())))
    sh.ws.freeze_panes(hr + 1, 0)
    sh.ws.autofilter(hr, 0, last, len(headers) - 1)


def _adjusted_notes(book: Book, sh: Sheet, row: int, r: Result, last_col: int) -> int:
    """From ``row``: the shrinkage and what the adjusted method does, wrapped over the table's
    width; the row after them and a blank one."""
    wrap = book.fmt(**NOTE_FORMAT, text_wrap=True, valign="top")
    lines = [line for line in (sureness.shrinkage_text(r), *sureness.ADJUSTED_EXPLANATION) if line]
    for i, line in enumerate(lines):
        sh.paragraph(row + i, 0, last_col, line, wrap)
    return row + len(lines) + 1


def _agreement(book: Book, sh: Sheet, row: int, r: Result) -> None:
    """Four rows from ``row``: a heading, alpha (if any) and the reviews and applications it rests on."""
    ag = r.agreement
    cell = book.fmt(border=1)
    sh.text(row, 0, "評価委員間の一致度（Krippendorff の α、間隔尺度、得点率）", book.fmt(bold=True), cap=20)
    sh.note(row + 1, 0, "α" if ag.alpha is not None else "α（算出不可）", cell)
    if ag.alpha is not None:
        sh.value(row + 1, 1, ag.alpha, book.fmt(border=1, num_format="0.000"))
    lines: list[tuple[str, int]] = [("もとにした評価数", ag.reviews), ("もとにした申請数", ag.applications)]
    for i, (label, n) in enumerate(lines, start=2):
        sh.note(row + i, 0, label, cell)
        sh.value(row + i, 1, n, cell)


def _criterion_means(book: Book, sh: Sheet, row: int, r: Result) -> None:
    """From ``row``: a heading, then each scored criterion with its mean over all submitted sheets."""
    cell = book.fmt(border=1, valign="top")
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    sh.text(row, 0, "評価項目別の平均（提出済みの採点票すべて）", book.fmt(bold=True), cap=20)
    sh.header(row + 1, ["項目ID", "項目", "平均（点）", "区分"])
    for i, c in enumerate(c for c in r.program.criteria if c.kind == "scored"):
        rr = row + 2 + i
        sh.text(rr, 0, c.id, cell)
        lines = sh.wrapped(rr, 1, c.label, wrap, LABEL_WIDTH)
        sh.number(rr, 2, r.criterion_means.get(c.id), book.fmt(border=1, valign="top", num_format=POINTS),
                  shown="0.00")
        sh.fit_row(rr, max(lines, sh.wrapped(rr, 3, c.group, wrap, GROUP_WIDTH)))
