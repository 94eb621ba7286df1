"""The 評価者別 and 評価者統計 sheets: the submitted sheets one by one, and the panel in numbers.

評価者別 lists every submitted sheet by evaluator, with a column per must and scored criterion
(a criterion's label on its header's comment) and the sheet's points and rate. 評価者統計 gives
each evaluator's mean rate, spread and tendency against the panel, the agreement of the panel
(Krippendorff's alpha) and the mean of each scored criterion; with the adjusted method, also
each evaluator's fitted effect, with the shrinkage and what the method does written under the
table.
"""

from __future__ import annotations

from reviewer.domain.model import Criterion
from reviewer.domain.vocabulary import MUST_SHORT_LABELS
from reviewer.excel.book import ALERT, HEADER_ROW, NOTE_FORMAT, PCT, Book, Sheet
from reviewer.present import result as words
from reviewer.present import sureness
from reviewer.scoring import AppResult, Result, SheetInput

SHEETS_SHEET = "評価者別"
STATS_SHEET = "評価者統計"
#: Columns before the criteria on 評価者別: evaluator id and name, application id and applicant.
ID_COLS = 4
#: An evaluator's fitted effect, in points of rate with its sign.
EFFECT_FORMAT = "+0.0;-0.0"


def write_sheets(book: Book, r: Result) -> None:
    sh = book.sheet(SHEETS_SHEET)
    sh.title("評価者別の採点（提出済みの採点票）",
             f"{words.MUST_CRITERIA}は {MUST_SHORT_LABELS['pass']}/{MUST_SHORT_LABELS['fail']}、加点項目は 0〜5。"
             "空欄はその申請に適用されない項目")
    crits = [c for c in r.program.criteria if c.kind in ("must", "scored")]
    names = {s.evaluator: s.name for s in r.evaluator_stats}
    apps = {a.id: a for a in r.applications}
    headers = ["評価者ID", "評価者", "申請ID", "申請者"] + [f"{c.id}" for c in crits] + ["得点", "満点", "得点率"]
    hr = HEADER_ROW
    sh.header(hr, headers)
    cell = book.fmt(border=1)
    # each criterion's label, as a comment on its header cell
    for col, c in enumerate(crits, start=ID_COLS):
        sh.comment(hr, col, f"{c.id} {c.label}")
    order = {a.id: i for i, a in enumerate(r.applications)}
    sheets = sorted(r.sheets, key=lambda s: (s.evaluator, order.get(s.application, 0)))
    for i, s in enumerate(sheets):
        row = hr + 1 + i
        a = apps[s.application]
        sh.text(row, 0, s.evaluator, cell)
        sh.text(row, 1, names.get(s.evaluator, ""), cell)
        sh.text(row, 2, s.application, cell)
        sh.text(row, 3, a.applicant, cell, cap=30)
        total = _marks(book, sh, row, crits, s)
        n = ID_COLS + len(crits)
        sh.number(row, n, total, book.fmt(border=1, num_format="0.0#"), shown="000")
        sh.number(row, n + 1, a.max_points, book.fmt(border=1, num_format="0"), shown="000")
        _rate(book, sh, row, n + 2, a, s)
    sh.finish(hr, hr + len(sheets), len(headers), freeze_cols=ID_COLS)
    sh.print_wide(ID_COLS)


def _marks(book: Book, sh: Sheet, row: int, crits: list[Criterion], s: SheetInput) -> float:
    """One sheet's marks, a column per criterion (blank where it does not apply); its weighted points."""
    cell = book.fmt(border=1)
    center = book.fmt(border=1, align="center")
    fail = book.fmt(border=1, align="center", font_color=ALERT, bold=True)
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
    sh.number(row, col, None if rate is None else rate / 100, book.fmt(border=1, num_format=PCT), shown="100.00%")


def write_stats(book: Book, r: Result) -> None:
    sh = book.sheet(STATS_SHEET)
    sh.title("評価者別の統計", "得点率の平均と標準偏差。全体平均との差が −5 未満を「厳しめ」、+5 超を「甘め」とする")
    adjusted = r.method == "adjusted"
    headers = ["評価者ID", "評価者", "提出数", "平均得点率", "標準偏差", "全体平均との差", "傾向"]
    headers += [sureness.EFFECT] if adjusted else []
    hr = HEADER_ROW
    sh.header(hr, headers)
    cell = book.fmt(border=1)
    for i, e in enumerate(r.evaluator_stats):
        row = hr + 1 + i
        sh.text(row, 0, e.evaluator, cell)
        sh.text(row, 1, e.name, cell)
        sh.number(row, 2, e.count, cell, shown="000")
        sh.number(row, 3, None if e.mean is None else e.mean / 100, book.fmt(border=1, num_format=PCT), shown="100.00%")
        sh.number(row, 4, e.std, book.fmt(border=1, num_format="0.00"), shown="00.00")
        sh.number(row, 5, e.deviation, book.fmt(border=1, num_format="+0.00;-0.00;0.00"), shown="+00.00")
        sh.text(row, 6, words.tendency(e.deviation), cell)
        if adjusted:
            sh.number(row, 7, e.effect, book.fmt(border=1, num_format=EFFECT_FORMAT), shown="+00.0")
    row = hr + len(r.evaluator_stats) + 2
    if adjusted:
        row = _adjusted_notes(book, sh, row, r, len(headers) - 1)
    _agreement(book, sh, row, r)
    _criterion_means(book, sh, row + 5, r)
    sh.finish(hr, hr + len(r.evaluator_stats), len(headers))


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
    sh.text(row, 0, "評価者間の一致度（Krippendorff の α、間隔尺度、得点率）", book.fmt(bold=True), cap=20)
    sh.note(row + 1, 0, "α" if ag.alpha is not None else "α（算出不可）", cell)
    if ag.alpha is not None:
        sh.value(row + 1, 1, ag.alpha, book.fmt(border=1, num_format="0.000"))
    lines: list[tuple[str, int]] = [("もとにした評価数", ag.reviews), ("もとにした申請数", ag.applications)]
    for i, (label, n) in enumerate(lines, start=2):
        sh.note(row + i, 0, label, cell)
        sh.value(row + i, 1, n, cell)


def _criterion_means(book: Book, sh: Sheet, row: int, r: Result) -> None:
    """From ``row``: a heading, then each scored criterion with its mean over all submitted sheets."""
    cell = book.fmt(border=1)
    sh.text(row, 0, "評価項目別の平均（提出済みの採点票すべて）", book.fmt(bold=True), cap=20)
    sh.header(row + 1, ["項目ID", "項目", "平均", "区分"])
    for i, c in enumerate(c for c in r.program.criteria if c.kind == "scored"):
        rr = row + 2 + i
        sh.text(rr, 0, c.id, cell)
        sh.text(rr, 1, c.label, cell, cap=50)
        sh.number(rr, 2, r.criterion_means.get(c.id), book.fmt(border=1, num_format="0.00"), shown="0.00")
        sh.text(rr, 3, c.group, cell, cap=30)
