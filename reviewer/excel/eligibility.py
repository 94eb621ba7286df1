"""The 適格性 sheet: why each application is or is not eligible, one line per check.

For every application it lists the automatic checks of its content, the evaluators' majority
on each must criterion (``must_failed``: a tie fails), and a line when no sheet has been
submitted, each with its result and the reason in words; failures are in red. Long texts wrap,
each row as high as its longest.
"""

from __future__ import annotations

from reviewer.domain.vocabulary import MUST_LABELS, MUST_SHORT_LABELS, UNSCORED_LABEL
from reviewer.excel.book import ALERT, HEADER_ROW, WIDTH_CAP, Book, Sheet
from reviewer.present import result as words
from reviewer.rules.must import must_failed
from reviewer.scoring import AppResult, Result

SHEET = "適格性"
PASS, FAIL = MUST_LABELS["pass"], MUST_LABELS["fail"]
SCORING = "採点"
#: The widest the applicant's name and the result grow, in cells (longer text wraps, its row as
#: high as its longest text).
NAME_WIDTH = 24
OUTCOME_WIDTH = 20
#: The widest the reason of an automatic check grows (the columns fit A4 landscape at 85 %).
WHY_WIDTH = 70


class _Lines:
    """The sheet's rows below the header, one check each, with the sheet's formats."""

    def __init__(self, book: Book, sh: Sheet) -> None:
        self.sh = sh
        self.row = HEADER_ROW
        self.ok = book.fmt(border=1, valign="top")
        self.wrap = book.fmt(border=1, valign="top", text_wrap=True)
        self.ng = book.fmt(border=1, valign="top", text_wrap=True, font_color=ALERT, bold=True)

    def add(self, a: AppResult, kind: str, item: str, passed: bool, outcome: str, why: str,
            item_cap: int = WIDTH_CAP, why_cap: int = WIDTH_CAP) -> None:
        self.row += 1
        sh, row = self.sh, self.row
        sh.text(row, 0, a.id, self.ok)
        lines = [sh.wrapped(row, 1, a.applicant, self.wrap, NAME_WIDTH)]
        sh.text(row, 2, kind, self.ok)
        lines.append(sh.wrapped(row, 3, item, self.wrap, item_cap))
        lines.append(sh.wrapped(row, 4, outcome, self.wrap if passed else self.ng, OUTCOME_WIDTH))
        lines.append(sh.wrapped(row, 5, why, self.wrap, why_cap))
        sh.fit_row(row, max(lines))


def write(book: Book, r: Result) -> None:
    sh = book.sheet(SHEET)
    ok, ng = MUST_SHORT_LABELS["pass"], MUST_SHORT_LABELS["fail"]
    sh.title(f"適格性の確認（{words.AUTO_CHECKS}と{words.MUST_CRITERIA}）",
             f"{words.AUTO_CHECKS}は申請内容から、{words.MUST_CRITERIA}は提出済み採点票の多数決"
             f"（{ng}が{ok}以上で{FAIL}）で判定")
    headers = ["申請ID", "申請者", "区分", "確認項目", "結果", "説明"]
    sh.header(HEADER_ROW, headers)
    lines = _Lines(book, sh)
    for a in r.applications:
        _application(lines, a, r)
    sh.finish(HEADER_ROW, lines.row, len(headers), freeze_cols=2)


def _application(lines: _Lines, a: AppResult, r: Result) -> None:
    """One application's lines: its automatic checks, its must criteria, and no sheet if none."""
    for c in a.checks:
        lines.add(a, words.AUTO_CHECKS, c.label, c.passed, PASS if c.passed else FAIL, c.message,
                  why_cap=WHY_WIDTH)
    for cid, (passes, fails) in a.must.items():
        crit = r.program.criterion(cid)
        failed = must_failed(passes, fails)
        lines.add(a, words.MUST_CRITERIA, f"{cid} {crit.label if crit else ''}", not failed, FAIL if failed else PASS,
                  f"{MUST_SHORT_LABELS['pass']} {passes} 件、{MUST_SHORT_LABELS['fail']} {fails} 件", item_cap=40)
    if a.reviews == 0:
        lines.add(a, SCORING, "提出済みの採点票", False, "なし", f"{UNSCORED_LABEL}ため順位付けの対象外")
