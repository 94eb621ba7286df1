"""The recorded decisions (SPEC §6.7) against the computed selection: each application's
``decision`` and the final list (採択候補先), with its count and subsidies against the budget,
the maximums and the minimums, and a warning for each rule it breaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reviewer.domain.model import Selection
from reviewer.domain.regions import BUREAUS
from reviewer.scoring.result import AppResult


@dataclass(frozen=True)
class Recorded:
    """A decision as the workspace keeps it."""

    decision: str            # "select" or "reject"
    reason: str
    decided_by: str = ""
    decided_at: str = ""


@dataclass
class FinalList:
    """The final list: the applications selected in the end, and what it breaks."""

    ids: list[str]
    count: int
    yen: int
    budget_yen: int | None
    by_bureau: dict[str, int]
    decided: int                           # applications with a recorded decision
    departures: int                        # of which depart from the computed selection
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"selected": self.ids, "count": self.count, "selected_yen": self.yen, "budget_yen": self.budget_yen,
                "by_bureau": self.by_bureau, "decided": self.decided, "departures": self.departures,
                "warnings": self.warnings}


def apply_decisions(results: list[AppResult], decisions: Mapping[str, Recorded]) -> None:
    """Put each recorded decision on its application's result."""
    for a in results:
        d = decisions.get(a.id)
        if d is not None:
            a.decision, a.decision_reason, a.decided_by, a.decided_at = d.decision, d.reason, d.decided_by, d.decided_at


def final_list(results: list[AppResult], sel: Selection, budget: int | None, gives_money: bool) -> FinalList:
    """The final list in rank order (unranked ones after, by id) and its warnings."""
    chosen = sorted((a for a in results if a.final_selected), key=lambda a: (a.rank is None, a.rank or 0, a.id))
    yen = sum(a.requested_subsidy_yen for a in chosen)
    by_bureau = {b: sum(1 for a in chosen if a.bureau == b) for b in BUREAUS}
    out = FinalList([a.id for a in chosen], len(chosen), yen, budget, by_bureau,
                    sum(1 for a in results if a.decision is not None), sum(1 for a in results if a.departs))
    out.warnings = _warnings(chosen, by_bureau, yen, sel, budget if gives_money else None)
    return out


def _warnings(chosen: list[AppResult], by_bureau: dict[str, int], yen: int, sel: Selection,
              budget: int | None) -> list[str]:
    """What the final list breaks, in Japanese: the budget, the maximums, then the minimums and
    applications selected against the checks or must requirements."""
    out = []
    if budget is not None and yen > budget:
        out.append(f"予算を超えています: 補助金申請額の合計 {yen:,}円（予算 {budget:,}円、{yen - budget:,}円超過）")
    if sel.max_selected is not None and len(chosen) > sel.max_selected:
        out.append(f"採択件数の上限を超えています: {len(chosen)}件（上限 {sel.max_selected}件）")
    if sel.bureau_max is not None:
        out.extend(f"{b}の採択件数が上限を超えています: {n}件（上限 {sel.bureau_max}件）"
                   for b, n in by_bureau.items() if n > sel.bureau_max)
    if sel.min_selected is not None and len(chosen) < sel.min_selected:
        out.append(f"採択件数が下限に届いていません: {len(chosen)}件（下限 {sel.min_selected}件）")
    if sel.bureau_min is not None:
        out.extend(f"{b}の採択件数が下限に届いていません: {n}件（下限 {sel.bureau_min}件）"
                   for b, n in by_bureau.items() if n < sel.bureau_min)
    out.extend(f"申請 {a.id} は要件を満たさない（順位の付かない）申請ですが、採択とされています"
               for a in chosen if not a.eligible)
    out.extend(grant_warnings(chosen))
    return out


def grant_warnings(chosen: list[AppResult]) -> list[str]:
    """What the chosen applications must still have by the 交付申請 (``grant_conditions``)."""
    return [f"申請 {a.id}（{a.applicant}）: {note}" for a in chosen for note in a.grant_notes]
