"""The 審査方法 sheet: how the result was computed, in sentences an official can file, one labelled
row each: the aggregation method, the sheet rate, the must rule, the total and the tie-breaks, the
disagreement threshold, each auto bonus (its bands, when it applies, its note), the selection and
its rule, what a skip is, and the hearing's weight where the program has a hearing.
"""

from __future__ import annotations

from reviewer.excel.book import HEADER_FORMAT, HEADER_ROW, Book
from reviewer.excel.records import ReviewRecords, has_hearing
from reviewer.present import official
from reviewer.present import result as words
from reviewer.present import review as second
from reviewer.scoring import Result

SHEET = official.METHOD
HEADERS = ["項目", "内容"]
LABEL_WIDTH = 26
#: The sentences' column, in cells; longer ones wrap.
TEXT_WIDTH = 100


def rows(r: Result, records: ReviewRecords | None = None) -> list[tuple[str, str]]:
    """(label, sentence) of each row."""
    hearing = (f"ヒアリングの採点票のある申請は、書面とヒアリングの得点率を合わせる。{second.weight_text(r.program)}"
               if has_hearing(r, records) else f"{official.NO_HEARING}（書面審査の得点率のみで順位を付けた）。")
    return [
        ("集計方法", official.method_text(r.method)),
        ("採点票の得点率", official.SHEET_RATE),
        ("必須要件", official.MUST_RULE),
        ("合計と順位", official.TOTAL_RULE),
        ("同点の扱い", official.TIE_BREAK),
        ("評価の乖離", official.disagreement_text()),
        *official.bonus_rows(r.program),
        ("自動加点の適用（この結果）", words.bonus_sentence(r)),
        *official.selection_rows(r),
        ("ヒアリング", hearing),
    ]


def write(book: Book, r: Result, records: ReviewRecords | None = None) -> None:
    sh = book.sheet(SHEET)
    sh.title(f"{r.program.name} {SHEET}", "評価結果の算出の方法（本ツールの計算のとおり）")
    sh.header(HEADER_ROW, HEADERS, book.fmt(**HEADER_FORMAT))
    label = book.fmt(bold=True, bg_color="#F2F2F2", border=1, valign="top", text_wrap=True)
    cell = book.fmt(border=1, text_wrap=True, valign="top")
    for i, (k, v) in enumerate(rows(r, records), start=HEADER_ROW + 1):
        lines = sh.wrapped(i, 0, k, label, LABEL_WIDTH)
        sh.fit_row(i, max(lines, sh.wrapped(i, 1, v, cell, TEXT_WIDTH)))
    sh.finish()
