"""The 項目別内訳 sheet: each application's mean per scored criterion, beside ランキング.

One row per application in the order of ランキング (the same colours and red rule), with rank,
id and applicant first, then the applicant type, a column per scored criterion headed by its
group, id and label (and weight where it is not 1; the header row as tall as its longest
header), then the panel score, the maximum, the reviews, the active assignments (red where
fewer sheets are submitted), the spread of the evaluators' rates and, where the program has an
auto bonus, how the bonus follows from the declared 交付率 (加点の根拠, wrapped). Where the criteria make it
wider than A4 landscape at 85 %, it prints over pages across with the identifying columns
repeated, and its subtitle says so.
"""

from __future__ import annotations

from reviewer.domain.model import Criterion
from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS
from reviewer.excel.book import (
    ALERT,
    HEADER_FORMAT,
    HEADER_ROW,
    LINE_HEIGHT,
    MIN_PRINT_SCALE,
    POINTS,
    Book,
    Sheet,
    wrapped_lines,
)
from reviewer.excel.ranking import WIDE, RowFormat, auto_criteria, measured_scale, print_page, row_format
from reviewer.present import result as words
from reviewer.scoring import AppResult, Result

SHEET = "項目別内訳"
ID_COLS = 3
#: The width of a criterion's column (its header wraps).
MEAN_WIDTH = 7
#: The columns after the criteria, with their widths.
TAIL = (("パネル得点", 8), ("満点", 6), ("評価数", 6), ("割当数", 6), ("乖離（最大−最小）", 12))
#: The spread where the evaluators disagree: the number, marked.
DISAGREEING = '0.0" 乖離大"'
#: The width of the applicant's name (a longer one wraps).
APPLICANT_WIDTH = 12
#: The width of the applicant type (a longer one wraps).
TYPE_WIDTH = 7
HEAD = (("順位", 6), ("申請ID", 10), ("申請者", APPLICANT_WIDTH), ("種別", TYPE_WIDTH))
#: How the bonus follows from the rate, last where the program has an auto bonus (it wraps).
BASIS = "加点の根拠"
BASIS_WIDTH = 12


def header(c: Criterion) -> str:
    """A criterion's column header: its group, then 「A1 課題設定の妥当性（平均）」, and its weight."""
    weight = "" if c.weight == 1 else f"（重み {c.weight:g}）"
    return (f"{c.group}\n" if c.group else "") + f"{c.id} {c.label}（平均）{weight}"


def write(book: Book, r: Result) -> None:
    sh = book.sheet(SHEET)
    crits = [c for c in r.program.criteria if c.kind == "scored"]
    heads = ([(h, w) for h, w in HEAD] + [(header(c), MEAN_WIDTH) for c in crits] + list(TAIL)
             + ([(BASIS, BASIS_WIDTH)] if auto_criteria(r) else []))
    wide = measured_scale(book, lambda m: _table(book, m, r, crits, heads)) < MIN_PRINT_SCALE
    sh.title(f"{r.program.name} 項目別内訳",
             "各項目の値は評価委員の採点の平均。順位・網掛け・赤い太線はランキングと同じ"
             + (f"　{WIDE}" if wide else ""))
    _table(book, sh, r, crits, heads)
    sh.finish(HEADER_ROW, HEADER_ROW + len(r.applications), len(heads), freeze_cols=ID_COLS)
    print_page(sh, wide)


def _table(book: Book, sh: Sheet, r: Result, crits: list[Criterion], heads: list[tuple[str, int]]) -> None:
    """The header (as tall as its longest) and a row per application."""
    hr = HEADER_ROW
    fmt = book.fmt(**HEADER_FORMAT, align="center")
    for col, (h, w) in enumerate(heads):
        sh.text(hr, col, h, fmt, cap=w)
    sh.ws.set_row(hr, LINE_HEIGHT * max(2, *(wrapped_lines(h, w - 2) for h, w in heads)))
    cut = r.cut_rank
    for i, a in enumerate(r.applications):
        f = row_format(book, a, cut)
        lines = _row(sh, hr + 1 + i, a, crits, f)
        if auto_criteria(r):
            lines = max(lines, sh.wrapped(hr + 1 + i, len(heads) - 1, bonus_basis(r, a), f(text_wrap=True),
                                          BASIS_WIDTH))
        sh.fit_row(hr + 1 + i, lines)


def _row(sh: Sheet, row: int, a: AppResult, crits: list[Criterion], f: RowFormat) -> int:
    """The application's cells up to the spread; returns the lines its wrapped cells take."""
    sh.number(row, 0, a.rank, f(align="center"), shown=str(a.rank))
    sh.text(row, 1, a.id, f())
    lines = sh.wrapped(row, 2, a.applicant, f(text_wrap=True), APPLICANT_WIDTH)
    kind = sh.wrapped(row, 3, APPLICANT_TYPE_LABELS.get(a.applicant_type, ""), f(text_wrap=True), TYPE_WIDTH)
    for col, c in enumerate(crits, start=len(HEAD)):
        sh.number(row, col, a.criterion_means.get(c.id), f(num_format="0.00"), shown="0.00")
    col = len(HEAD) + len(crits)
    sh.number(row, col, a.panel_score, f(num_format=POINTS), shown="000.00")
    sh.number(row, col + 1, a.max_points, f(num_format="0"), shown="000")
    sh.number(row, col + 2, a.reviews, f(align="center"), shown=str(a.reviews))
    _assigned(sh, row, col + 3, a, f)
    _spread(sh, row, col + 4, a, f)
    return max(lines, kind)


def bonus_basis(r: Result, a: AppResult) -> str:
    """How the application's bonus was worked out: 「交付率 82.3% → 3点（80%以上）」 and the like."""
    return "、".join(_basis(r, c, a) for c in auto_criteria(r))


def _basis(r: Result, c: Criterion, a: AppResult) -> str:
    if (c.applicant_types is not None and a.applicant_type not in c.applicant_types) or \
            (c.tracks is not None and a.track not in c.tracks):
        return "加点の対象外"
    if c.only_when_oversubscribed and not r.oversubscribed:
        return "予算超過がないため加点なし"
    value = a.card_rate if c.source == "mynumber_card_rate" else None
    if value is None:
        return f"申告なし → {words.points(c.default_points)}点"
    for b in sorted(c.bands, key=lambda b: b.min, reverse=True):
        if value >= b.min:
            return f"交付率 {value * 100:.1f}% → {words.points(b.points)}点（{b.min * 100:g}%以上）"
    return f"交付率 {value * 100:.1f}% → {words.points(c.default_points)}点（区分に当たらない）"


def _spread(sh: Sheet, row: int, col: int, a: AppResult, f: RowFormat) -> None:
    """The spread of the evaluators' rates, in red and marked when they disagree."""
    if a.spread is None:
        sh.text(row, col, "", f())
    elif a.disagreement:  # a number, marked by its format
        sh.number(row, col, a.spread, f(font_color=ALERT, num_format=DISAGREEING), shown="00.0 乖離大")
    else:
        sh.number(row, col, a.spread, f(num_format="0.0"), shown="00.0")


def _assigned(sh: Sheet, row: int, col: int, a: AppResult, f: RowFormat) -> None:
    """The application's active assignments; in red where fewer sheets are submitted (3 of 4)."""
    short = a.assigned is not None and a.reviews < a.assigned
    sh.number(row, col, a.assigned, f(align="center", **({"font_color": ALERT, "bold": True} if short else {})),
              shown=str(a.assigned))
