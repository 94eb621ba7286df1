"""The optimal selection (SPEC §6.5) as mixed-integer programs, solved exactly by HiGHS
(``scipy.optimize.milp``, relative gap 0). A binary x_i per candidate, and integer places
m_b ≤ Σ_{i∈b} x_i, m_b ≤ ``bureau_min`` per bureau (m ≤ Σ x_i, m ≤ ``min_selected`` for the
whole), under Σ x_i ≤ ``max_selected``, Σ_{i∈b} x_i ≤ ``bureau_max`` and Σ yen_i x_i ≤ the budget.
Three stages, each its own solve (no weights mixing the priorities, so no rounding between them):
(1) the most minimum places Σ m (skipped where there are no minimums); (2) with those held, the
greatest sum of totals; (3) among the sets as good (places equal, totals within ``TOL``), the
better-ranked: the least sum of ranks (so {1, 4} and {2, 3} are as good; the solver takes one).

The candidates are the eligible applications less the dominated ones, which no best set holds: an
application is dominated where at least as many better-ranked applications of its bureau (of all,
where no bureau has a minimum or a maximum) cost no more as any set that fits can take from there;
then one of them is always free to take its place at no loss. At 2,000 applications a few hundred
remain, so each solve is small.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reviewer.domain.model import Selection
from reviewer.domain.regions import BUREAUS

if TYPE_CHECKING:
    from reviewer.scoring.result import AppResult

TOL = 1e-6           # two sums of totals this close are equally good
TIME_LIMIT = 60.0    # seconds per solve


@dataclass(frozen=True)
class Panel:
    """What the optimal set depends on, in rank order: totals, subsidies and bureaus."""

    totals: list[float]
    yen: list[int]
    bureaus: list[str]

    @classmethod
    def of(cls, ranked: list[AppResult]) -> Panel:
        return cls([float(a.total or 0.0) for a in ranked], [a.requested_subsidy_yen for a in ranked],
                   [a.bureau for a in ranked])

    def subset(self, idx: list[int]) -> Panel:
        return Panel([self.totals[i] for i in idx], [self.yen[i] for i in idx], [self.bureaus[i] for i in idx])


def _room(costs: list[int], sel: Selection, budget: int | None, cap: int | None) -> int:
    """The most applications of ``costs`` a set that fits can take (``cap``: a group's maximum)."""
    room = len(costs)
    for limit in (sel.max_selected, cap):
        if limit is not None:
            room = min(room, limit)
    if budget is not None:
        spent, k = 0, 0
        for c in sorted(costs):
            if spent + c > budget or k >= room:
                break
            spent, k = spent + c, k + 1
        room = k
    return room


def candidates(panel: Panel, sel: Selection, budget: int | None) -> list[int]:
    """The indices (in rank order) of the applications not dominated (see the module's text)."""
    per_bureau = sel.bureau_min is not None or sel.bureau_max is not None
    groups: dict[str, list[int]] = {}
    for i, b in enumerate(panel.bureaus):
        groups.setdefault(b if per_bureau else "", []).append(i)
    keep: list[int] = []
    for idx in groups.values():
        room = _room([panel.yen[i] for i in idx], sel, budget, sel.bureau_max if per_bureau else None)
        seen: list[int] = []  # the costs of the better-ranked of the group, sorted
        for i in idx:
            if bisect.bisect_right(seen, panel.yen[i]) < room:
                keep.append(i)
            bisect.insort(seen, panel.yen[i])
    return sorted(keep)


@dataclass
class Model:
    """The constraint rows shared by the stages: coefficients, lower and upper bounds."""

    n: int                       # candidates; the places follow
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

    @property
    def places(self) -> list[float]:
        return [0.0] * self.n + [1.0] * (self.width - self.n)

    @property
    def sums(self) -> list[float]:
        return self.totals + [0.0] * (self.width - self.n)


def build(panel: Panel, sel: Selection, budget: int | None) -> Model:
    """The program over the whole ``panel`` (cut to its candidates by ``optimal_set``)."""
    n = len(panel.totals)
    groups = [[i for i, x in enumerate(panel.bureaus) if x == b] for b in BUREAUS]
    groups = [g for g in groups if g]
    places: list[tuple[list[int], int]] = []
    if sel.bureau_min:
        places += [(g, sel.bureau_min) for g in groups]
    if sel.min_selected:
        places.append((list(range(n)), sel.min_selected))
    p = Model(n, n + len(places), [], [], [], [1.0] * n + [float(k) for _, k in places], list(panel.totals))
    if sel.max_selected is not None:
        p.add([1.0] * n + [0.0] * len(places), 0.0, float(sel.max_selected))
    for g in groups if sel.bureau_max is not None else []:
        p.add(p.pick(g), 0.0, float(sel.bureau_max or 0))
    if budget is not None:
        p.add([float(y) for y in panel.yen] + [0.0] * len(places), 0.0, float(budget))
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

    if not p.width:
        return 0.0, []
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


def _incumbent(A: Any, hi: Any, c: Any, x: Any) -> Any:
    """A good set that fits: the LP's whole ones, filled up by density, then single swaps (one out,
    the best that then fits in) while they gain; at most one sweep per application."""
    import numpy as np

    weight = (A / np.maximum(hi, 1e-9)[:, None]).sum(axis=0)
    order = np.argsort(-(c / np.maximum(weight, 1e-12)), kind="stable")
    chosen = x > 1 - 1e-9
    slack = hi - A @ chosen
    for j in order:
        if not chosen[j] and bool(np.all(A[:, j] <= slack + 1e-9)):
            chosen[j] = True
            slack = slack - A[:, j]
    for _ in range(len(c)):
        gains: list[tuple[float, int, int]] = []
        for out in np.flatnonzero(chosen).tolist():
            fits = np.all(A <= (slack + A[:, out])[:, None] + 1e-9, axis=0) & ~chosen
            into = int(np.argmax(np.where(fits, c, -np.inf)))
            gains.append((float(c[into] - c[out]) if fits[into] else -np.inf, out, into))
        gain, i, j = max(gains, default=(-np.inf, 0, 0))
        if gain <= 1e-9:
            break
        chosen[i], chosen[j] = False, True
        slack = slack + A[:, i] - A[:, j]
    return chosen


MITM_MAX = 30  # a knapsack of at most this many is enumerated exactly (2 × 2^15 halves)


def knapsack(weights: Any, values: Any, capacity: float) -> list[int]:
    """The best set under one row Σ w x ≤ capacity (w ≥ 0), exactly, by meeting in the middle: every
    subset of each half, the second half's sorted by weight with the running best value."""
    import numpy as np

    def subsets(w: Any, v: Any) -> tuple[Any, Any, Any]:
        bits = (np.arange(1 << len(w))[:, None] >> np.arange(len(w))) & 1
        return bits @ w, bits @ v, bits

    h = len(values) // 2
    wa, va, ba = subsets(weights[:h], values[:h])
    wb, vb, bb = subsets(weights[h:], values[h:])
    order = np.argsort(wb, kind="stable")
    wb, vb, bb = wb[order], vb[order], bb[order]
    best = np.maximum.accumulate(vb)
    at = np.maximum.accumulate(np.where(vb >= best, np.arange(len(vb)), 0))
    pos = np.searchsorted(wb, capacity - wa + 1e-9, side="right") - 1
    total = np.where((wa <= capacity + 1e-9) & (pos >= 0), va + best[np.maximum(pos, 0)], -np.inf)
    i = int(np.argmax(total))
    return [int(b) for b in np.concatenate([ba[i], bb[at[max(int(pos[i]), 0)]]])]


def most_totals(p: Model) -> tuple[float, list[int]]:
    """Stage 2 without minimums (``p`` has no places): the best set by reduced-cost fixing. The LP
    relaxation bounds every set; an application whose reduced cost takes the LP's bound below a
    set that fits (the LP's whole ones, filled up) is in no best set, one whose removal does is in
    every best set; the rest go to the solver, a few dozen instead of hundreds."""
    import numpy as np
    from scipy.optimize import linprog

    c = np.array(p.totals)
    if not p.rows:
        return float(c[c > 0].sum()), [int(v > 0) for v in c]
    A, hi = np.array(p.rows), np.array(p.hi)
    lp = linprog(-c, A_ub=A, b_ub=hi, bounds=(0, 1), method="highs")
    if lp.x is None:  # not expected: choosing nothing fits; the plain solve decides
        found = solve(p, p.sums, [], {})
        assert found is not None
        return found
    inc = _incumbent(A, hi, c, lp.x)
    z_lp, z_inc = -float(lp.fun), float(c[inc].sum())
    margin = 1e-7 * max(1.0, abs(z_lp))
    out = (lp.x < 1e-9) & (z_lp - lp.lower.marginals < z_inc - margin)
    keep_in = (lp.x > 1 - 1e-9) & (z_lp + lp.upper.marginals < z_inc - margin)
    free = np.flatnonzero(~(out | keep_in))
    x = keep_in.astype(int)
    if len(free):
        room = hi - A[:, keep_in].sum(axis=1)
        if len(A) == 1 and len(free) <= MITM_MAX:
            x[free] = knapsack(A[0, free], c[free], float(room[0]))
        else:
            sub = Model(len(free), len(free), A[:, free].tolist(), list(p.lo), room.tolist(), [1.0] * len(free),
                        c[free].tolist())
            found = solve(sub, sub.sums, [], {})
            assert found is not None  # the incumbent's part fits
            x[free] = found[1]
    return float(c[x > 0].sum()), x.tolist()


def best_set(p: Model, ranks: list[int] | None) -> tuple[int, float, list[int]]:
    """The stages: the places, the sum of totals and the chosen (0/1 per candidate); without
    ``ranks`` (the candidates' ranks) stage 3 is left out (any best set)."""
    held: list[tuple[list[float], float]] = []
    places = 0
    if p.width > p.n:
        first = solve(p, p.places, [], {})
        assert first is not None  # choosing nothing is always feasible
        places = round(first[0])
        held.append((p.places, places - 0.5))
    if held:
        second = solve(p, p.sums, held, {})
        assert second is not None
    else:
        second = most_totals(p)
    best, x = second
    if ranks:  # the least sum of ranks among the sets as good
        held.append((p.sums, best - TOL))
        third = solve(p, [-float(r) for r in ranks] + [0.0] * (p.width - p.n), held, {})
        if third is not None:  # None only where the solver's tolerance loses the held sum
            x = third[1]
    return places, sum(t for t, xi in zip(p.totals, x) if xi), x[:p.n]


def optimal_set(panel: Panel, sel: Selection, budget: int | None, tie_break: bool = True) -> tuple[int, list[bool]]:
    """The places filled and the optimal set (a flag per application of ``panel``)."""
    keep = candidates(panel, sel, budget)
    places, _, x = best_set(build(panel.subset(keep), sel, budget), [i + 1 for i in keep] if tie_break else None)
    chosen = [False] * len(panel.totals)
    for i, xi in zip(keep, x):
        chosen[i] = bool(xi)
    return places, chosen


def select_optimal(ranked: list[AppResult], sel: Selection, budget: int | None) -> list[str]:
    """Select the optimal set among ``ranked``; the notes on the minimums it cannot meet."""
    from reviewer.scoring.selection import minimum_notes

    panel = Panel.of(ranked)
    places, chosen = optimal_set(panel, sel, budget)
    per = {b: sum(1 for a, xi in zip(ranked, chosen) if xi and a.bureau == b) for b in set(panel.bureaus)}
    for a, xi in zip(ranked, chosen):
        a.selected, a.skipped_for, a.selected_for = xi, None if xi else "最適な組に含まれない", None
        if xi:
            fills = sel.bureau_min is not None and per[a.bureau] <= sel.bureau_min
            a.selected_for = (f"{a.bureau}の下限（{sel.bureau_min}件）を満たす組に入る" if fills
                              else "合計点の和が最大になる組に入る")
    if sel.bureau_min is None and sel.min_selected is None:
        return []
    if budget is None:
        why = f"採択数の上限（{sel.max_selected}）の範囲では満たせない"
    else:
        unbounded = build(panel.subset(candidates(panel, sel, None)), sel, None)
        found = solve(unbounded, unbounded.places, [], {})
        more = found is not None and round(found[0]) > places
        why = "予算内では下限を満たせない" if more else f"採択数の上限（{sel.max_selected}）の範囲では満たせない"
    return minimum_notes(ranked, sel, why)
