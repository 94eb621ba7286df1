"""The 概要 sheet: the program and the result in one two-column table of labels and values.

It names the program, the budget and the demand, whether the auto bonus applied, the method,
the counts, the agreement of the panel and the conditions of the selection, and prints on A4 landscape
like every sheet; a long value wraps and its row grows to show it.
"""

from __future__ import annotations

from typing import Any

from reviewer import __version__
from reviewer.domain.vocabulary import METHOD_LABELS, SELECTION_LABELS
from reviewer.excel.book import ALERT, YEN, Book, Sheet
from reviewer.excel.records import ReviewRecords
from reviewer.present import result as words
from reviewer.present import review as second
from reviewer.present import sureness
from reviewer.scoring import Result

SHEET = "概要"
#: The value column's width, in cells; a longer value wraps onto more lines.
VALUE_WIDTH = 70
#: The row of the computed selection's count (the final list, where decided, has rows of its own).
SELECTED_ROW = f"{second.FINAL_LIST}（順位による選定）"
#: The row of the result's state (確定済み or 未確定).
STATE = "評価結果の状態"


def write(book: Book, r: Result, generated: str, records: ReviewRecords | None = None) -> None:
    sh = book.sheet(SHEET)
    sh.title(f"{r.program.name} 審査結果の概要", f"作成: {generated}（reviewer {__version__}）")
    label = book.fmt(bold=True, bg_color="#F2F2F2", border=1, valign="top", text_wrap=True)
    for i, (k, v, f) in enumerate(_rows(book, r, generated, records), start=3):
        sh.text(i, 0, k, label)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            sh.number(i, 1, v, f, shown=f"{v:,}円")  # measured as an amount
        else:
            _long_text(sh, i, v, f)
    sh.finish()


def _long_text(sh: Sheet, row: int, value: str, fmt: Any) -> None:
    """A value that wraps within ``VALUE_WIDTH``, its row as high as its lines."""
    sh.fit_row(row, sh.wrapped(row, 1, value, fmt, VALUE_WIDTH))


def _rows(book: Book, r: Result, generated: str, records: ReviewRecords | None = None) -> list[tuple[str, Any, Any]]:
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
        (STATE, second.state_text(r), book.fmt(border=1, text_wrap=True, valign="top", bold=r.finalized)),
        ("予算額" + ("（試算）" if words.is_what_if(r) else ""), r.budget_yen if r.budget_yen is not None else "予算の定めなし",
         yen if r.budget_yen is not None else cell),
        ("予算の扱い", words.budget_basis(r), cell),
        ("申請額の合計（自動審査を通過した申請）", r.demand_yen, yen),
        ("予算超過（応募額 > 予算）", "はい" if r.oversubscribed else "いいえ", cell),
        ("自動加点（マイナンバーカード交付率など）", words.bonus_sentence(r), cell),
        ("集計方法", METHOD_LABELS[r.method], cell),
        ("選定方式", SELECTION_LABELS[r.selection], cell),
        *([(words.UNMET, "\n".join(r.selection_notes), cell)] if r.selection_notes else []),
        *([(words.GRANT_NOTES, "\n".join(r.grant_notes), cell)] if r.grant_notes else []),
        *[(k, v, cell) for k, v in _sureness_facts(r)],
        ("申請数", len(r.applications), count),
        ("順位付けの対象（適格）", len(r.ranked), count),
        (SELECTED_ROW, len(r.selected), count),
        ("その補助金申請額の合計", r.selected_yen, yen),
        ("提出済みの採点票", len(r.sheets), count),
        *_completeness(r, cell),
        ("評価委員数", len(r.evaluator_stats), count),
        ("評価委員間の一致度（Krippendorff の α）", words.agreement_text(r.agreement), cell),
        ("選定の条件", words.selection_text(r), cell),
        *_review_facts(book, r, records),
        ("作成日時", generated, cell),
    ]


def _completeness(r: Result, cell: Any) -> list[tuple[str, Any, Any]]:
    """How complete the written review is: assigned, drafts, not started, and the applications
    ranked on fewer sheets than assigned (where the workspace is known)."""
    c = r.progress
    if c is None:
        return []
    short = sum(1 for a in r.ranked if a.assigned is not None and a.reviews < a.assigned)
    return [("採点票の割当・未提出", f"割当 {c.assigned} 件のうち提出 {c.submitted} 件、下書き {c.drafted} 件、"
             f"未着手 {c.not_started} 件（下書きと未着手は集計に入りません）", cell),
            ("割当の一部の採点票だけで順位の付いた申請", f"{short} 件（項目別内訳の割当数が赤字の申請）", cell),
            *([("利害関係の申告で外れた割当", f"{r.conflicts} 件（申告した評価委員はその申請を採点しない）", cell)]
              if r.conflicts is not None else [])]


def _sureness_facts(r: Result) -> list[tuple[str, str]]:
    """How sure the ranking is, the adjusted method's shrinkage, and whether the strategies agree."""
    facts = [(sureness.SURENESS_LABEL, sureness.sureness_value(r))]
    if sureness.shrinkage_value(r):
        facts.append((sureness.SHRINKAGE_LABEL, sureness.shrinkage_value(r)))
    if r.comparison is not None:
        facts.append(("選定方式の比較", sureness.comparison_summary(r.comparison)))
    return facts


def _review_facts(book: Book, r: Result, records: ReviewRecords | None) -> list[tuple[str, Any, Any]]:
    """The second half of the review: the hearing, the decisions, the final list and its warnings,
    the requests and the opinions (these two where the records were given)."""
    cell = book.fmt(border=1, text_wrap=True, valign="top")
    count = book.fmt(border=1, align="left", valign="top")
    rows: list[tuple[str, Any, Any]] = [
        ("ヒアリングの重み", second.weight_text(r.program), cell),
        ("ヒアリングの対象", sum(1 for a in r.applications if a.shortlisted), count),
        ("ヒアリングの採点票のある申請", sum(1 for a in r.applications if a.hearing_rate is not None), count),
        ("提出済みのヒアリングの採点票", len(r.hearing_sheets), count),
    ]
    final = r.final
    if final is not None:
        warn = book.fmt(border=1, text_wrap=True, valign="top", font_color=ALERT, bold=True)
        rows += [
            ("採否の決定の記録", final.decided, count),
            ("うち計算上の選定と異なる決定", final.departures, count),
            (f"{second.FINAL_LIST}の件数", final.count, count),
            (f"{second.FINAL_LIST}の補助金申請額の合計", final.yen, book.fmt(border=1, num_format=YEN, align="left",
                                                                       valign="top")),
            (f"{second.FINAL_LIST}の警告", "\n".join(final.warnings) or "なし", warn if final.warnings else cell),
        ]
    if records is not None:
        rows += [
            (f"{second.MATERIALS}の依頼", len(records.requests), count),
            (f"うち{second.WAITING}", records.waiting, count),
            (f"{second.OPINIONS}（総合通信局等・支援実施事業者）", len(records.opinions), count),
        ]
    return rows
