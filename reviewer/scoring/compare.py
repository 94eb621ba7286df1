"""The selection strategies side by side (issue 15; SPEC §6.5): who each selects, its totals and
minimums, and for every application selected by one strategy and not by another, why, in
Japanese, from each strategy's own walk or program. The ranking is the same for all; only the
selection differs. ``compare`` leaves the applications as the result's own strategy selected them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reviewer.domain.model import Selection
from reviewer.domain.regions import BUREAUS
from reviewer.domain.vocabulary import SELECTION_STRATEGIES
from reviewer.scoring.result import AppResult
from reviewer.scoring.selection import Fill, select


@dataclass
class Outcome:
    """One strategy's selection."""

    strategy: str
    selected: list[str]                   # ids in rank order
    yen: int
    totals: float                         # the sum of the selected totals
    min_met: dict[str, bool]              # bureau with a minimum → met
    min_selected_met: bool | None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"strategy": self.strategy, "selected": self.selected, "count": len(self.selected),
                "selected_yen": self.yen, "totals": self.totals, "min_met": self.min_met,
                "min_selected_met": self.min_selected_met, "notes": self.notes}


@dataclass
class Difference:
    """An application some strategies select and others do not, with each strategy's reason."""

    id: str
    rank: int
    bureau: str
    requested_subsidy_yen: int
    total: float
    selected: dict[str, bool]
    why: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "rank": self.rank, "bureau": self.bureau, "selected": self.selected,
                "why": self.why}


@dataclass
class Comparison:
    chosen: str                            # the result's own strategy
    outcomes: list[Outcome]
    differences: list[Difference]

    def to_json(self) -> dict[str, Any]:
        return {"chosen": self.chosen, "strategies": [o.to_json() for o in self.outcomes],
                "differences": [d.to_json() for d in self.differences]}


@dataclass(frozen=True)
class Walked:
    """One strategy's selection as it left the applications: a flag and a reason per application
    (how it was taken, or why it was skipped), and what the selected set holds."""

    selected: list[bool]
    reasons: list[str | None]
    fill: Fill

    @classmethod
    def of(cls, ranked: list[AppResult], sel: Selection, budget: int | None) -> Walked:
        fill = Fill(sel, budget)
        for a in ranked:
            if a.selected:
                fill.take_quietly(a)
        return cls([a.selected for a in ranked], [a.selected_for if a.selected else a.skipped_for for a in ranked],
                    fill)

    def why(self, i: int, a: AppResult, strategy: str) -> str:
        """Why ``strategy`` selects the ``i``-th application (``a``) or not."""
        if self.selected[i]:
            return self.reasons[i] or "選ぶ"
        if strategy != "optimal":
            return f"見送り: {self.reasons[i]}" if self.reasons[i] else "見送り"
        blocked = self.fill.why_not(a)
        if blocked is None:
            return "合計点の和が最大になる組に入らない"
        return f"加えると{blocked}ため、合計点の和が最大になる組に入らない"


def _outcome(strategy: str, ranked: list[AppResult], sel: Selection, notes: list[str]) -> Outcome:
    chosen = [a for a in ranked if a.selected]
    per = {b: sum(1 for a in chosen if a.bureau == b) for b in BUREAUS}
    present = {a.bureau for a in ranked}
    min_met = {} if sel.bureau_min is None else {b: per[b] >= sel.bureau_min for b in BUREAUS if b in present}
    lo = sel.min_selected
    return Outcome(strategy, [a.id for a in chosen], sum(a.requested_subsidy_yen for a in chosen),
                   sum(a.total or 0.0 for a in chosen), min_met, None if lo is None else len(chosen) >= lo, notes)


def compare(ranked: list[AppResult], sel: Selection, budget: int | None, chosen: str) -> Comparison:
    """Every strategy on ``ranked`` (in rank order); afterwards ``chosen``'s selection holds again.
    The reasons are worded only for the applications the strategies differ on."""
    outcomes: list[Outcome] = []
    walked: dict[str, Walked] = {}
    for strategy in SELECTION_STRATEGIES:
        for a in ranked:
            a.selected, a.skipped_for, a.selected_for = False, None, None
        notes = select(ranked, sel, budget, strategy)
        outcomes.append(_outcome(strategy, ranked, sel, notes))
        walked[strategy] = Walked.of(ranked, sel, budget)
    for a in ranked:
        a.selected, a.skipped_for, a.selected_for = False, None, None
    select(ranked, sel, budget, chosen)
    differences = [
        Difference(a.id, a.rank or 0, a.bureau, a.requested_subsidy_yen, a.total or 0.0,
                   {s: w.selected[i] for s, w in walked.items()}, {s: w.why(i, a, s) for s, w in walked.items()})
        for i, a in enumerate(ranked) if len({w.selected[i] for w in walked.values()}) > 1
    ]
    return Comparison(chosen, outcomes, differences)
