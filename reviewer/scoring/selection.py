"""The greedy selection (SPEC §4): down the ranking, an application is selected unless it
would exceed the maximum number of selections, its bureau's maximum or the budget's remainder;
then it is skipped (``skipped_for`` says why, in Japanese) and the next one is tried.
"""

from __future__ import annotations

from reviewer.domain.model import Selection
from reviewer.domain.regions import BUREAUS
from reviewer.scoring.result import AppResult


def select(ranked: list[AppResult], sel: Selection, budget: int | None) -> None:
    """Set ``selected`` or ``skipped_for`` on each of ``ranked`` (in rank order)."""
    count, spent, per_bureau = 0, 0, {b: 0 for b in BUREAUS}
    for a in ranked:
        if sel.max_selected is not None and count + 1 > sel.max_selected:
            a.skipped_for = f"採択数の上限（{sel.max_selected}）"
        elif sel.bureau_max is not None and per_bureau[a.bureau] + 1 > sel.bureau_max:
            a.skipped_for = f"{a.bureau}の上限（{sel.bureau_max}）"
        elif budget is not None and spent + a.requested_subsidy_yen > budget:
            a.skipped_for = f"予算の残額（{budget - spent:,}円）を超える"
        else:
            a.selected = True
            count += 1
            spent += a.requested_subsidy_yen
            per_bureau[a.bureau] += 1
