"""The ranking's rows in words: each application's decision in one word and its notes (the skip
reason, the reasons it is out, the disagreement), and what a what-if changed against the
program's own result (who enters the selection, who leaves it). Pure, no terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reviewer.present import result as words
from reviewer.present.text import width

if TYPE_CHECKING:
    from reviewer.domain.model import Program
    from reviewer.scoring import AppResult, Result

SKIPPED = "見送り"
INELIGIBLE = "対象外"


def decision(a: AppResult) -> str:
    """採択 (selected), 見送り (ranked, skipped), 対象外 (out of the running), or ""."""
    if a.selected:
        return words.SELECTED_SHORT
    if a.skipped_for:
        return SKIPPED
    return INELIGIBLE if not a.eligible else ""


def row_notes(a: AppResult, program: Program) -> str:
    """What the ranking notes in the row beside the decision: the disagreement, the skip's
    reason, the reasons an application is out."""
    out = []
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
