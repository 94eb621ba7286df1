"""The optimal selection (SPEC §6.5) as mixed-integer programs, solved exactly by HiGHS
(``scipy.optimize.milp``, relative gap 0). A binary x_i per eligible application, and integer
places m_b ≤ Σ_{i∈b} x_i, m_b ≤ ``bureau_min`` per bureau (m ≤ Σ x_i, m ≤ ``min_selected`` for
the whole), under Σ x_i ≤ ``max_selected``, Σ_{i∈b} x_i ≤ ``bureau_max`` and Σ yen_i x_i ≤ the
budget. Three stages, each its own solve (no weights mixing the priorities, so no rounding
between them): (1) the most minimum places Σ m; (2) with those held, the greatest sum of totals;
(3) among the sets as good (places equal, totals within ``TOL``), the better-ranked: down the
ranking, each application is kept in where some equally good set holds it, else left out, so the
set chosen is the first in rank order (it holds rank 1 if any best set does, then rank 2, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reviewer.domain.model import Selection
from reviewer.domain.regions import BUREAUS
from reviewer.scoring.result import AppResult

TOL = 1e-6           # two sums of totals this close are equally good
TIME_LIMIT = 60.0    # seconds per solve


@dataclass
class Model:
    """The constraint rows shared by the stages: coefficients, lower and upper bounds."""

    n: int                       # applications; the places follow
    width: int                   # all variables
    rows: list[list[float]]
    lo: list[float]
    hi: list[float]
    upper: list[float]           # each variable's upper bound
    totals: list[float]

    def pick(self, idx: list[int]) -> list[float]:
        row = [0.0] * self.width
        for i in idx:
            row[i] = 1.0
        return row

    def add(self, row: list[float], lo: float, hi: float) -> None:
        self.rows.append(row)
        self.lo.append(lo)
        self.hi.append(hi)


def build(ranked: list[AppResult], sel: Selection, budget: int | None) -> Model:
    n = len(ranked)
    groups = [[i for i, a in enumerate(ranked) if a.bureau == b] for b in BUREAUS]
    groups = [g for g in groups if g]
    places: list[tuple[list[int], int]] = []
    if sel.bureau_min:
        places += [(g, sel.bureau_min) for g in groups]
    if sel.min_selected:
        places.append((list(range(n)), sel.min_selected))
    p = Model(n, n + len(places), [], [], [], [1.0] * n + [float(k) for _, k in places],
                [float(a.total or 0.0) for a in ranked])
    if sel.max_selected is not None:
        p.add([1.0] * n + [0.0] * len(places), 0.0, float(sel.max_selected))
    for g in groups if sel.bureau_max is not None else []:
        p.add(p.pick(g), 0.0, float(sel.bureau_max or 0))
    if budget is not None:
        p.add([float(a.requested_subsidy_yen) for a in ranked] + [0.0] * len(places), 0.0, float(budget))
    for j, (g, _) in enumerate(places):  # m_j − Σ_{i∈g} x_i ≤ 0
        row = [-v for v in p.pick(g)]
        row[n + j] = 1.0
        p.add(row, -float(n), 0.0)
    return p


def solve(p: Model, objective: list[float], extra: list[tuple[list[float], float]],
          fixed: dict[int, int]) -> tuple[float, list[int]] | None:
    """Maximize ``objective`` under the rows, ``extra`` rows (≥ their bound) and the ``fixed``
    variables; the best value and the variables, or None where nothing is feasible."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    rows = p.rows + [r for r, _ in extra]
    lo = p.lo + [b for _, b in extra]
    hi = p.hi + [np.inf] * len(extra)
    lb = [float(fixed.get(i, 0)) for i in range(p.width)]
    ub = [float(fixed.get(i, u)) for i, u in enumerate(p.upper)]
    kw: dict[str, Any] = {"constraints": [LinearConstraint(np.array(rows), lo, hi)]} if rows else {}
    res = milp(-np.array(objective), integrality=np.ones(p.width), bounds=Bounds(lb, ub),
               options={"mip_rel_gap": 0.0, "time_limit": TIME_LIMIT}, **kw)
    if res.x is None:
        return None
    return -float(res.fun), [round(v) for v in res.x]


def best_set(p: Model) -> tuple[int, float, list[int]]:
    """The three stages: the places, the sum of totals and the chosen (0/1 per application)."""
    places = [0.0] * p.n + [1.0] * (p.width - p.n)
    totals = p.totals + [0.0] * (p.width - p.n)
    first = solve(p, places, [], {})
    assert first is not None  # choosing nothing is always feasible
    held = [(places, round(first[0]) - 0.5)]
    second = solve(p, totals, held, {})
    assert second is not None
    best, x = second
    held.append((totals, best - TOL))
    fixed: dict[int, int] = {}
    for i in range(p.n):
        if not x[i]:
            found = solve(p, totals, held, {**fixed, i: 1})
            if found is not None:
                x = found[1]
        fixed[i] = x[i]
    return round(first[0]), sum(t for t, xi in zip(p.totals, x) if xi), x[:p.n]


def select_optimal(ranked: list[AppResult], sel: Selection, budget: int | None) -> list[str]:
    """Select the optimal set among ``ranked``; the notes on the minimums it cannot meet."""
    from reviewer.scoring.selection import minimum_notes

    p = build(ranked, sel, budget)
    places, _, x = best_set(p)
    for a, xi in zip(ranked, x):
        a.selected, a.skipped_for = bool(xi), None if xi else "最適な組に含まれない"
    if budget is None:
        why = f"採択数の上限（{sel.max_selected}）の範囲では満たせない"
    else:
        unbounded = build(ranked, sel, None)
        found = solve(unbounded, [0.0] * p.n + [1.0] * (p.width - p.n), [], {})
        more = found is not None and round(found[0]) > places
        why = "予算内では下限を満たせない" if more else f"採択数の上限（{sel.max_selected}）の範囲では満たせない"
    return minimum_notes(ranked, sel, why)
