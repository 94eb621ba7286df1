"""The ranking's rows in words: each application's decision in one word and its notes (the skip
reason, the reasons it is out, the disagreement, the decision recorded), the marks of the second
half of a review (on the hearing's shortlist, decided), the line on the highlighted application
(when and where it is heard, its written and hearing rates, the decision and its reason), and
what a what-if changed against the program's own result (who enters the selection, who leaves
it). Pure, no terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reviewer.present import result as words
from reviewer.present.review import DECISION_LABELS, FINAL_LIST
from reviewer.present.text import clean, width

if TYPE_CHECKING:
    from reviewer.domain.model import Program
    from reviewer.scoring import AppResult, Result

SKIPPED = "見送り"
INELIGIBLE = "対象外"
#: The column of the second half's marks: "ヒ" on the hearing's shortlist, then "採" or "否"
#: where a decision (採択 / 不採択) is recorded (SPEC §6.4, §6.7).
MARKS = "ヒ 決"
HEARD = "ヒ"
DECIDED = {"select": "採", "reject": "否"}


def decision(a: AppResult) -> str:
    """採択 (selected), 見送り (ranked, skipped), 対象外 (out of the running), or ""."""
    if a.selected:
        return words.SELECTED_SHORT
    if a.skipped_for:
        return SKIPPED
    return INELIGIBLE if not a.eligible else ""


def marks(shortlisted: bool, decision: str | None) -> str:
    """The marks column: "ヒ 採", "ヒ 否", "ヒ", "   採" ("" for neither)."""
    mark = DECIDED.get(decision or "", "")
    return f"{HEARD if shortlisted else '  '} {mark}".rstrip()


def decision_note(a: AppResult, decision: str, reason: str) -> str:
    """"決定 不採択（計算上は採択候補）: 理由" (the computed part only where it departs)."""
    label = DECISION_LABELS.get(decision, decision)
    computed = f"（計算上は{words.SELECTED if a.selected else decision_word(a) or '選ばれない'}）" \
        if a.departs_with(decision) else ""
    return f"決定 {label}{computed}: {clean(reason)}"


def decision_word(a: AppResult) -> str:
    return SKIPPED if a.skipped_for else INELIGIBLE if not a.eligible else ""


def row_notes(a: AppResult, program: Program, decision: str | None = None, reason: str = "") -> str:
    """What the ranking notes in the row beside the decision: the decision recorded on it
    (``decision`` and ``reason``), the disagreement, the skip's reason, the reasons an
    application is out."""
    out = [decision_note(a, decision, reason)] if decision else []
    if a.disagreement:
        out.append(words.disagreement_note(a))
    if a.skipped_for:
        out.append(a.skipped_for)
    if not a.eligible:
        out.append(words.reasons_text(a, program))
    return "  ".join(out)


def what_if_changes(result: Result, baseline: Result) -> tuple[list[str], list[str]]:
    """(who enters, who leaves): the applications selected in ``result`` and not in ``baseline``
    (in ``result``'s order), and those selected in ``baseline`` and not in ``result`` (in its)."""
    now = {a.id for a in result.selected}
    before = {a.id for a in baseline.selected}
    return ([a.id for a in result.selected if a.id not in before],
            [a.id for a in baseline.selected if a.id not in now])


def _side(prefix: str, ids: Sequence[str], cells: int | None) -> str:
    """``prefix`` and the ids, as many as fit in ``cells`` (then "ほか N 件"); "なし" for none."""
    if not ids:
        return prefix + "なし"
    for k in range(len(ids), 0, -1):
        text = prefix + "、".join(ids[:k]) + (f" ほか {len(ids) - k} 件" if k < len(ids) else "")
        if cells is None or width(text) <= cells:
            return text
    return f"{prefix}{len(ids)} 件"


def what_if_text(result: Result, baseline: Result, cells: int | None = None) -> str:
    """What a what-if changed against ``baseline``: "試算で採択候補に入る: IOT-0005、IOT-0012 /
    外れる: IOT-0003" on one line where it fits in ``cells`` (None: any width), else a line for
    each side, each naming the ids that fit ("ほか N 件" for the rest); or
    "試算でも採択候補は変わらない（16 件）"."""
    enters, leaves = what_if_changes(result, baseline)
    if not enters and not leaves:
        return f"試算でも{words.SELECTED}は変わらない（{len(result.selected)} 件）"
    line = f"{_side(f'試算で{words.SELECTED}に入る: ', enters, None)} / {_side('外れる: ', leaves, None)}"
    if cells is None or width(line) <= cells:
        return line
    return (_side(f"試算で{words.SELECTED}に入る: ", enters, cells) + "\n"
            + _side(f"試算で{words.SELECTED}から外れる: ", leaves, cells))


def rates_text(a: AppResult) -> str:
    """A heard application's rates: "書面 80.00・ヒアリング 60.00（2 件）→ 得点率 70.00" ("" unheard)."""
    if a.hearing_rate is None:
        return ""
    return (f"書面 {words.rate(a.written_rate)}・ヒアリング {words.rate(a.hearing_rate)}"
            f"（{len(a.hearing_sheet_rates)} 件）→ 得点率 {words.rate(a.score_rate)}")


def detail_text(a: AppResult, schedule: str | None = None, decision: str | None = None, reason: str = "",
                waiting: int = 0, answered: int = 0, opinions: int = 0) -> str:
    """The line on the highlighted application: its id and applicant, when and where it is heard
    (``schedule``; None: not on the shortlist), its rates if heard, the decision recorded and its
    reason, whether it ends in the final list, the requests for materials (``waiting`` unanswered,
    ``answered``) and the opinions recorded."""
    parts = [f"{a.id} {clean(a.applicant or '')}".rstrip()]
    if schedule is not None:
        parts.append(f"ヒアリング {schedule}" if schedule else "ヒアリング対象")
    rates = rates_text(a)
    if rates:
        parts.append(rates)
    if decision:
        parts.append(decision_note(a, decision, reason))
    if decision or a.selected:
        parts.append(f"{FINAL_LIST}に入る" if a.final_with(decision or None) else f"{FINAL_LIST}に入らない")
    if waiting or answered:
        parts.append(f"追加資料 {waiting + answered} 件" + (f"（回答待ち {waiting}）" if waiting else "（回答済み）"))
    if opinions:
        parts.append(f"意見 {opinions} 件")
    return "  ".join(parts)
