"""The 概要 sheet: the program and the result in one two-column table of labels and values.

It names the program, the budget and the demand, whether the auto bonus applied, the method,
the counts, the agreement of the panel and the conditions of the selection, and prints on one
portrait page; a long value wraps and its row grows to show it.
"""

from __future__ import annotations

from typing import Any

from reviewer import __version__
from reviewer.domain.vocabulary import METHOD_LABELS, SELECTION_LABELS
from reviewer.excel.book import LINE_HEIGHT, YEN, Book, Sheet, safe_text
from reviewer.present import result as words
from reviewer.present import sureness
from reviewer.present.text import width
from reviewer.scoring import Result

SHEET = "概要"
#: The value column's width, in cells; a longer value wraps onto more lines.
VALUE_WIDTH = 70


def write(book: Book, r: Result, generated: str) -> None:
    sh = book.sheet(SHEET)
    sh.title(f"{r.program.name} 審査結果の概要", f"作成: {generated}（reviewer {__version__}）")
    label = book.fmt(bold=True, bg_color="#F2F2F2", border=1)
    for i, (k, v, f) in enumerate(_rows(book, r, generated), start=3):
        sh.text(i, 0, k, label)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            sh.number(i, 1, v, f, shown=f"{v:,}円")  # measured as an amount
        else:
            _long_text(sh, i, v, f)
    sh.ws.set_portrait()
    sh.finish()


def _long_text(sh: Sheet, row: int, value: str, fmt: Any) -> None:
    """A value that wraps within ``VALUE_WIDTH``, its row as high as its lines."""
    sh.text(row, 1, value, fmt, cap=VALUE_WIDTH)
    lines = -(-width(safe_text(value)) // (VALUE_WIDTH - 2))
    if lines > 1:
        sh.ws.set_row(row, LINE_HEIGHT * lines)


def _rows(book: Book, r: Result, generated: str) -> list[tuple[str, Any, Any]]:
    """(label, value, format) of each row: numbers are written as numbers, the rest as text."""
    p = r.program
    cell = book.fmt(border=1, text_wrap=True, valign="top")
    count = book.fmt(border=1, align="left", valign="top")
    yen = book.fmt(border=1, num_format=YEN, align="left", valign="top")
    return [
        ("事業", p.name, cell),
        ("事業ID", p.id, cell),
        ("年度", p.fiscal_year_label or str(p.fiscal_year), cell),
        ("出典", p.source, cell),
        ("予算額", r.budget_yen if r.budget_yen is not None else "予算の定めなし", yen if r.budget_yen is not None else cell),
        ("申請額の合計（自動審査を通過した申請）", r.demand_yen, yen),
        ("予算超過（応募額 > 予算）", "はい" if r.oversubscribed else "いいえ", cell),
        ("自動加点（マイナンバーカード交付率など）", words.bonus_sentence(r), cell),
        ("集計方法", f"{METHOD_LABELS[r.method]}（{r.method}）", cell),
        ("選定方式", f"{SELECTION_LABELS[r.selection]}（{r.selection}）", cell),
        *([(words.UNMET, "\n".join(r.selection_notes), cell)] if r.selection_notes else []),
        *[(k, v, cell) for k, v in _sureness_facts(r)],
        ("申請数", len(r.applications), count),
        ("順位付けの対象（適格）", len(r.ranked), count),
        (words.SELECTED, len(r.selected), count),
        ("採択候補の申請額の合計", r.selected_yen, yen),
        ("提出済みの採点票", len(r.sheets), count),
        ("評価者数", len(r.evaluator_stats), count),
        ("評価者間の一致度（Krippendorff の α）", words.agreement_text(r.agreement), cell),
        ("選定の条件", words.selection_text(r), cell),
        ("作成日時", generated, cell),
    ]


def _sureness_facts(r: Result) -> list[tuple[str, str]]:
    """How sure the ranking is, the adjusted method's shrinkage, and whether the strategies agree."""
    facts = [(sureness.SURENESS_LABEL, sureness.sureness_value(r))]
    if sureness.shrinkage_value(r):
        facts.append((sureness.SHRINKAGE_LABEL, sureness.shrinkage_value(r)))
    if r.comparison is not None:
        facts.append(("選定方式の比較", sureness.comparison_summary(r.comparison)))
    return facts
