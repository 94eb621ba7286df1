"""The 採択候補先一覧, 不採択・対象外 and 通知先一覧 sheets, as a decision's attachments.

採択候補先一覧: the applications selected in the end (as decided where a decision is recorded, as
computed otherwise) in rank order, on one page, with a totals row and what is left of the budget
(no money columns for a program that gives no money). 不採択・対象外: every other application with
why it is not selected, in words, and the count of each kind of reason. 通知先一覧: every
application by 総合通信局等 (each bureau on a page of its own, for the bureau that notifies its
applicants), with the outcome and the reason of those not selected.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from reviewer.excel.book import ALERT, HEADER_ROW, HEADING_FORMAT, POINTS, YEN, Book, Sheet
from reviewer.excel.records import has_decisions
from reviewer.present import official
from reviewer.present import result as words
from reviewer.present import review as second
from reviewer.scoring import AppResult, Result

SELECTED_SHEET = official.SELECTED_LIST
OTHERS_SHEET = official.NOT_SELECTED
NOTIFY_SHEET = official.NOTIFY
NOTIFY_HEADERS = ["総合通信局", "申請ID", "申請者", "都道府県", "件名", "結果", "理由"]
TITLE_WIDTH = 34
HEADERS = ["順位", "申請者", "都道府県", "総合通信局", "合計", "補助金申請額"]
OTHER_HEADERS = ["順位", "申請ID", "申請者", "総合通信局", "合計", "理由"]
NAME_WIDTH = 40
REASON_WIDTH = 60


def _cell(book: Book, **extra: Any) -> Any:
    return book.fmt(border=1, valign="top", **extra)


def write_selected(book: Book, r: Result) -> None:
    money = r.program.gives_money
    decided = has_decisions(r)
    chosen = official.chosen(r)
    sh = book.sheet(SELECTED_SHEET)
    sh.ws.fit_to_pages(1, 1)
    basis = "採否の決定を反映した一覧" if decided else "順位による計算上の選定（採否の決定の記録なし）"
    sh.title(f"{r.program.name} {SELECTED_SHEET}（{len(chosen)} 件）",
             basis + ("" if money else "。補助金のない事業のため、金額の列は設けない"))
    headers = HEADERS if money else HEADERS[:-1]
    sh.header(HEADER_ROW, headers)
    for i, a in enumerate(chosen, start=HEADER_ROW + 1):
        sh.number(i, 0, a.rank, _cell(book, align="center"), shown=str(a.rank or ""))
        lines = sh.wrapped(i, 1, a.applicant, _cell(book, text_wrap=True), NAME_WIDTH)
        sh.text(i, 2, a.prefecture, _cell(book))
        sh.text(i, 3, a.bureau, _cell(book))
        sh.number(i, 4, a.total, _cell(book, num_format=POINTS), shown="100.00")
        if money:
            sh.number(i, 5, a.requested_subsidy_yen, _cell(book, num_format=YEN), shown=words.yen(a.requested_subsidy_yen))
        sh.fit_row(i, lines)
    last = HEADER_ROW + len(chosen)
    _totals(book, sh, last + 1, r, chosen, len(headers))
    sh.finish(HEADER_ROW, last, len(headers))


def _totals(book: Book, sh: Sheet, row: int, r: Result, chosen: list[AppResult], ncols: int) -> None:
    """The count and the subsidies, and under them what is left of the budget (or by how much it is over)."""
    total = book.fmt(bold=True, top=6, bottom=1, valign="top")
    for col in range(ncols):
        sh.blank(row, col, total)
    sh.note(row, 0, "計", total)
    sh.note(row, 1, f"{len(chosen)} 件", total)
    if not r.program.gives_money:
        return
    yen = sum(a.requested_subsidy_yen for a in chosen)
    sh.number(row, 5, yen, book.fmt(bold=True, top=6, bottom=1, valign="top", num_format=YEN), shown=words.yen(yen))
    if r.budget_yen is None:
        sh.note(row + 1, 1, "予算の定めなし", book.fmt(bold=True))
        return
    over = yen > r.budget_yen
    sh.note(row + 1, 1, f"予算 {words.yen(r.budget_yen)} − 合計 {words.yen(yen)} = 残り", book.fmt(bold=True))
    sh.number(row + 1, 5, r.budget_yen - yen, book.fmt(bold=True, num_format=YEN, font_color=ALERT if over else "#000000"),
              shown=words.yen(r.budget_yen - yen))
    sh.note(row + 2, 1, second.budget_gap(yen, r.budget_yen), book.fmt(font_color=ALERT if over else "#595959"))


def write_others(book: Book, r: Result) -> None:
    """Every application not selected in the end, with why, and the count of each kind of reason."""
    others = [a for a in r.applications if not a.final_selected]
    sh = book.sheet(OTHERS_SHEET)
    sh.title(f"{r.program.name} {OTHERS_SHEET}（{len(others)} 件）",
             "採択候補先とならなかった申請と、その理由（順位のある申請は順位の順、対象外の申請は申請IDの順）")
    sh.header(HEADER_ROW, OTHER_HEADERS)
    wrap = _cell(book, text_wrap=True)
    for i, a in enumerate(others, start=HEADER_ROW + 1):
        sh.number(i, 0, a.rank, _cell(book, align="center"), shown=str(a.rank or ""))
        sh.text(i, 1, a.id, _cell(book))
        lines = sh.wrapped(i, 2, a.applicant, wrap, NAME_WIDTH)
        sh.text(i, 3, a.bureau, _cell(book))
        sh.number(i, 4, a.total, _cell(book, num_format=POINTS), shown="100.00")
        sh.fit_row(i, max(lines, sh.wrapped(i, 5, official.outcome(a, r.program), wrap, REASON_WIDTH)))
    last = HEADER_ROW + len(others)
    _counts(book, sh, last + 2, others)
    sh.finish(HEADER_ROW, last, len(OTHER_HEADERS))


def _counts(book: Book, sh: Sheet, row: int, others: list[AppResult]) -> None:
    sh.note(row, 0, "理由の別の件数", book.fmt(**HEADING_FORMAT))
    head = book.fmt(bold=True, bg_color="#D9E1F2", border=1)
    sh.ws.merge_range(row + 1, 0, row + 1, 2, "", head)
    sh.note(row + 1, 0, "理由", head)
    sh.note(row + 1, 3, "件数", head)
    counts = Counter(official.reason_group(a) for a in others)
    for i, (group, n) in enumerate(sorted(counts.items(), key=lambda kv: -kv[1]), start=row + 2):
        sh.ws.merge_range(i, 0, i, 2, "", _cell(book))
        sh.note(i, 0, group, _cell(book))
        sh.value(i, 3, n, _cell(book, align="center"))
    end = row + 2 + len(counts)
    total = book.fmt(bold=True, top=6, bottom=1)
    sh.ws.merge_range(end, 0, end, 2, "", total)
    sh.note(end, 0, "計", total)
    sh.value(end, 3, len(others), book.fmt(bold=True, top=6, bottom=1, align="center"))


def write_notify(book: Book, r: Result) -> None:
    """Every application by bureau (in the order of the balance), each bureau on its own printed page
    with the header repeated: the outcome, and why where it is not selected."""
    sh = book.sheet(NOTIFY_SHEET)
    sh.title(f"{r.program.name} {NOTIFY_SHEET}（総合通信局等別）",
             "総合通信局等ごとに、申請者へ通知する結果（各総合通信局等は別のページに印刷）")
    sh.header(HEADER_ROW, NOTIFY_HEADERS)
    order = {b.bureau: i for i, b in enumerate(r.balance)}
    apps = sorted(r.applications, key=lambda a: (order.get(a.bureau, len(order)), a.rank is None, a.rank or 0, a.id))
    wrap, ok = _cell(book, text_wrap=True), _cell(book, text_wrap=True, bold=True)
    breaks = []
    for i, a in enumerate(apps, start=HEADER_ROW + 1):
        if i > HEADER_ROW + 1 and a.bureau != apps[i - HEADER_ROW - 2].bureau:
            breaks.append(i)
        sh.text(i, 0, a.bureau, _cell(book))
        sh.text(i, 1, a.id, _cell(book))
        lines = [sh.wrapped(i, 2, a.applicant, wrap, NAME_WIDTH // 2), sh.wrapped(i, 3, a.prefecture, wrap, 10),
                 sh.wrapped(i, 4, a.title, wrap, TITLE_WIDTH)]
        chosen = a.final_selected
        lines.append(sh.wrapped(i, 5, official.NOTIFIED_SELECTED if chosen else official.NOTIFIED_NOT,
                                ok if chosen else wrap, 20))
        lines.append(sh.wrapped(i, 6, "" if chosen else official.outcome(a, r.program), wrap, REASON_WIDTH // 2 + 6))
        sh.fit_row(i, max(lines))
    sh.ws.set_h_pagebreaks(breaks)
    sh.finish(HEADER_ROW, HEADER_ROW + len(apps), len(NOTIFY_HEADERS))
