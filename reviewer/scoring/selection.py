"""The selection (SPEC §4, §6.5). ``greedy``: down the ranking, an application is selected unless
it would exceed the maximum number of selections, its bureau's maximum or the budget's remainder;
then it is skipped (``skipped_for`` says why, in Japanese) and the next one is tried. ``quota``:
first a walk that selects only what fits in a bureau still under its minimum, then the greedy walk
over the rest. ``optimal``: the mixed-integer programs of ``scoring.optimal``. Where a minimum is
not met (quota, optimal), a note says which and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewer.domain.model import Selection
from reviewer.domain.regions import BUREAUS
from reviewer.scoring.result import AppResult


@dataclass
class Fill:
    """What a selection holds so far, and whether one more application fits in it."""

    sel: Selection
    budget: int | None
    count: int = 0
    spent: int = 0
    per_bureau: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUREAUS, 0))

    def why_not(self, a: AppResult) -> str | None:
        """None where ``a`` fits; else why not (in Japanese)."""
        sel, budget = self.sel, self.budget
        if sel.max_selected is not None and self.count + 1 > sel.max_selected:
            return f"採択数の上限（{sel.max_selected}）"
        if sel.bureau_max is not None and self.per_bureau.get(a.bureau, 0) + 1 > sel.bureau_max:
            return f"{a.bureau}の上限（{sel.bureau_max}）"
        if budget is not None and self.spent + a.requested_subsidy_yen > budget:
            return f"予算の残額（{budget - self.spent:,}円）を超える"
        return None

    def take(self, a: AppResult, why: str) -> None:
        a.selected, a.skipped_for, a.selected_for = True, None, why
        self.take_quietly(a)

    def take_quietly(self, a: AppResult) -> None:
        """Count ``a`` as selected without marking it."""
        self.count += 1
        self.spent += a.requested_subsidy_yen
        self.per_bureau[a.bureau] = self.per_bureau.get(a.bureau, 0) + 1


def select(ranked: list[AppResult], sel: Selection, budget: int | None, strategy: str | None = None) -> list[str]:
    """Set ``selected`` or ``skipped_for`` on each of ``ranked`` (in rank order) by ``strategy``
    (else the program's); returns the notes on minimums not met (none for greedy)."""
    strategy = strategy or sel.strategy
    if strategy == "optimal":
        from reviewer.scoring.optimal import select_optimal  # scipy: loaded on first use

        return select_optimal(ranked, sel, budget)
    fill = Fill(sel, budget)
    if strategy == "quota" and sel.bureau_min is not None:
        lo = sel.bureau_min
        for a in ranked:
            if fill.per_bureau.get(a.bureau, 0) < lo and fill.why_not(a) is None:
                fill.take(a, f"{a.bureau}の下限（{lo}件）を満たすため先に選ぶ")
    for a in ranked:
        if not a.selected:
            why = fill.why_not(a)
            if why is None:
                fill.take(a, "順位順に収まる")
            else:
                a.skipped_for = why
    return minimum_notes(ranked, sel, "予算または上限のため") if strategy == "quota" else []


def minimum_notes(ranked: list[AppResult], sel: Selection, why: str) -> list[str]:
    """Each bureau (then the whole) whose selection falls short of its minimum: short of eligible
    applications, or else for ``why``."""
    notes, none = [], []
    wants = [(b, sel.bureau_min, [a for a in ranked if a.bureau == b]) for b in BUREAUS]
    for where, lo, mine in [*wants, ("全体", sel.min_selected, ranked)]:
        chosen = sum(1 for a in mine if a.selected)
        if lo is None or chosen >= lo:
            continue
        if not mine and where != "全体":
            none.append(where)
        elif len(mine) < lo:
            notes.append(f"{where}: 下限 {lo} 件に対し対象の申請が {len(mine)} 件")
        else:
            notes.append(f"{where}: 下限 {lo} 件に対し採択候補 {chosen} 件（{why}）")
    if none:  # one note for the bureaus with nothing to select
        notes.insert(0, f"{'・'.join(none)}: 下限 {sel.bureau_min} 件に対し対象の申請なし")
    return notes
