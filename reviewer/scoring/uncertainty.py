"""How sure the ranking is (SPEC §6.6), by resampling the sheets.

Each resample draws, for every ranked application, as many of its submitted sheets as it has,
with replacement (a bootstrap per application; the values are the method's per-sheet values:
the rates, their z-scores, or the rates less the evaluators' fitted effects), combines them by the
method into a new R, adds the same bonus, ranks by the same rules and selects by the same
strategy and budget. The must verdicts and the checks are held: who is eligible does not change.
Over the resamples: ``expected_rank`` (the mean rank), ``rank_interval`` (the 5th and the 95th
percentile: 90 %) and ``p_selected`` (the share of resamples in which the strategy selects it).
An application is in the boundary zone (境界域) where its interval crosses the cut line (it could
rank above and below the last selected rank) or its selection is not sure at the same level
(selected in more than 5 % and fewer than 95 % of the resamples: under a budget that skips, the
line alone does not say who is contested). A seed makes the draws, and so every figure,
reproducible; the work is bounded by chunks of resamples (``CELLS``). Under ``optimal`` each
resample's selection is a solve of its own (stages 1 and 2, candidates cut as in
``scoring.optimal``), so ``p_selected`` comes from the first ``OPTIMAL_RESAMPLES`` resamples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reviewer.domain.model import Selection
from reviewer.domain.regions import BUREAUS
from reviewer.scoring.hearing import HearingRates, hearing_positions
from reviewer.scoring.result import AppResult

OPTIMAL_RESAMPLES = 100   # optimal: the share selected is drawn from the first this many (a solve each)
CELLS = 2_000_000    # resamples × applications drawn and walked at once (50 to 1,000 resamples)
BLOCK = 2_000_000    # draws held at once (values)
LEVEL = 0.90


@dataclass(frozen=True)
class Draws:
    """What the resampling needs, in rank order of the ranked applications."""

    values: list[np.ndarray]   # per application: its sheets' values
    bonus: np.ndarray
    yen: np.ndarray
    bureau: np.ndarray         # bureau codes
    tie: np.ndarray            # position by requested subsidy, then id (the last tie-breaks)


def draws(ranked: list[AppResult], frame: pd.DataFrame, values: np.ndarray) -> Draws:
    pos = {a.id: i for i, a in enumerate(ranked)}
    idx = frame["application"].map(pos)
    keep = idx.notna().to_numpy()
    codes = idx[keep].to_numpy(dtype=int)
    vals = values[keep]
    order = np.argsort(codes, kind="stable")
    split = np.searchsorted(codes[order], np.arange(1, len(ranked)))
    per_app = np.split(vals[order], split)
    tie_order = sorted(range(len(ranked)), key=lambda i: (ranked[i].requested_subsidy_yen, ranked[i].id))
    tie = np.empty(len(ranked), dtype=np.int64)
    tie[tie_order] = np.arange(len(ranked))
    return Draws(per_app, np.array([a.bonus for a in ranked], dtype=float),
                 np.array([a.requested_subsidy_yen for a in ranked], dtype=np.int64),
                 np.array([BUREAUS.index(a.bureau) if a.bureau in BUREAUS else len(BUREAUS) for a in ranked]), tie)


def _combine(x: np.ndarray, kind: str) -> np.ndarray:
    """The method's R from each row of values (last axis)."""
    if kind == "median":
        return np.median(x, axis=-1)
    n = x.shape[-1]
    if kind == "trimmed" and n >= 4:
        return (x.sum(axis=-1) - x.max(axis=-1) - x.min(axis=-1)) / (n - 2)
    return x.mean(axis=-1)


def resampled_rates(d: Draws, kind: str, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` × applications of resampled R; applications with as many sheets drawn together."""
    out = np.empty((count, len(d.values)))
    sizes = np.array([len(v) for v in d.values])
    for n in sorted(set(sizes.tolist())):
        group = np.flatnonzero(sizes == n)
        table = np.stack([d.values[i] for i in group])           # (g, n)
        step = max(1, BLOCK // max(1, count * n))
        for lo in range(0, len(group), step):
            part = table[lo:lo + step]
            pick = rng.integers(0, n, size=(count, len(part), n))
            taken = np.take_along_axis(np.broadcast_to(part, (count, *part.shape)), pick, axis=2)
            out[:, group[lo:lo + step]] = _combine(taken, kind)
    return out


def orders(rates: np.ndarray, d: Draws) -> np.ndarray:
    """Each resample's ranking (indices in rank order): total, rate (both at 1e-9), then the tie.

    Among equal totals a higher rate is a smaller bonus (total = rate + bonus), and the bonus and
    the tie are each application's own: the three keys are one integer, the total in units of
    1e-9 times n plus the application's place by (bonus, tie), sorted once (three stable sorts
    of every resample were a quarter of the resampling at 20,000 applications). Where that
    integer could overflow, the three keys are sorted as they are."""
    n = rates.shape[-1]
    q = np.rint((rates + d.bonus) * 1e9)
    if not n or float(np.abs(q).max()) * n >= 2.0 ** 62:
        totals = np.round(rates + d.bonus, 9)
        return np.lexsort((np.broadcast_to(d.tie, rates.shape), -np.round(rates, 9), -totals), axis=-1)
    static = np.empty(n, dtype=np.int64)
    static[np.lexsort((d.tie, d.bonus))] = np.arange(n)
    return np.argsort(-q.astype(np.int64) * n + static, axis=-1)


def walk(order: np.ndarray, d: Draws, sel: Selection, budget: int | None, quota: bool) -> np.ndarray:
    """The greedy walk (and, with ``quota``, the minimums' walk first) in every resample at once:
    a flag per resample and application."""
    count, n = order.shape
    rows = np.arange(count)
    chosen = np.zeros((count, n), dtype=bool)
    taken = np.zeros(count, dtype=np.int64)
    spent = np.zeros(count, dtype=np.int64)
    per = np.zeros((count, len(BUREAUS) + 1), dtype=np.int64)
    cheapest = int(d.yen.min()) if n else 0
    for first in ([True] if quota and sel.bureau_min else []) + [False]:
        for k in range(n):
            i = order[:, k]
            b = d.bureau[i]
            ok = ~chosen[rows, i]
            if sel.max_selected is not None:
                ok &= taken < sel.max_selected
            if sel.bureau_max is not None:
                ok &= per[rows, b] < sel.bureau_max
            if first:
                ok &= per[rows, b] < (sel.bureau_min or 0)
            if budget is not None:
                ok &= spent + d.yen[i] <= budget
            chosen[rows[ok], i[ok]] = True
            taken += ok
            spent += d.yen[i] * ok
            per[rows, b] += ok
            full = sel.max_selected is not None and bool((taken >= sel.max_selected).all())
            if full or (budget is not None and bool((budget - spent < cheapest).all())):
                break
    return chosen


def optimal_flags(order: np.ndarray, rates: np.ndarray, d: Draws, sel: Selection, budget: int | None) -> np.ndarray:
    """The optimal set of each resample (stages 1 and 2; among equally good sets, any)."""
    from reviewer.scoring.optimal import Panel, optimal_set

    chosen = np.zeros(order.shape, dtype=bool)
    totals = rates + d.bonus
    names = [*BUREAUS, ""]
    for r in range(order.shape[0]):
        o = order[r]
        panel = Panel(totals[r, o].tolist(), d.yen[o].tolist(), [names[c] for c in d.bureau[o]])
        chosen[r, o] = optimal_set(panel, sel, budget, tie_break=False)[1]
    return chosen


@dataclass(frozen=True)
class Sureness:
    expected_rank: np.ndarray
    low: np.ndarray
    high: np.ndarray
    p_selected: np.ndarray
    selection_resamples: int      # of which the share selected is drawn


@dataclass(frozen=True)
class Heard:
    """The hearing's sheets, resampled beside the written ones: R = (1 − weight) R_written +
    weight R_hearing at ``positions`` (SPEC §6.4)."""

    draws: Draws
    positions: np.ndarray
    weight: float


def resample(d: Draws, kind: str, sel: Selection, budget: int | None, strategy: str, resamples: int,
             seed: int, heard: Heard | None = None) -> Sureness:
    """The figures over ``resamples`` resamples drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    n = len(d.values)
    ranks = np.empty((resamples, n), dtype=np.int32)
    picked = np.zeros(n, dtype=np.int64)
    walked = min(resamples, OPTIMAL_RESAMPLES) if strategy == "optimal" else resamples
    chunk = min(1000, max(50, CELLS // max(n, 1)))
    for lo in range(0, resamples, chunk):
        count = min(chunk, resamples - lo)
        rates = resampled_rates(d, kind, count, rng)
        if heard is not None:
            w = heard.weight
            rates[:, heard.positions] = (1 - w) * rates[:, heard.positions] + w * resampled_rates(
                heard.draws, kind, count, rng)
        order = orders(rates, d)
        np.put_along_axis(ranks[lo:lo + count], order, np.arange(1, n + 1, dtype=np.int32)[None, :].repeat(count, 0),
                          axis=1)
        if strategy == "optimal":
            upto = max(0, min(count, walked - lo))
            flags = optimal_flags(order[:upto], rates[:upto], d, sel, budget)
        else:
            flags = walk(order, d, sel, budget, strategy == "quota")
        picked += flags.sum(axis=0)
    tail = (1 - LEVEL) / 2
    low = np.quantile(ranks, tail, axis=0, method="inverted_cdf") if n else np.zeros(0)
    high = np.quantile(ranks, 1 - tail, axis=0, method="inverted_cdf") if n else np.zeros(0)
    return Sureness(ranks.mean(axis=0), low.astype(int), high.astype(int), picked / max(walked, 1), walked)


def apply(ranked: list[AppResult], frame: pd.DataFrame, values: np.ndarray, kind: str, sel: Selection,
          budget: int | None, strategy: str, resamples: int, seed: int, hearing: HearingRates | None = None) -> int:
    """Set ``expected_rank``, ``rank_interval``, ``p_selected`` and ``boundary`` on ``ranked``;
    the number of resamples the share selected is drawn from. ``hearing``: its sheets are
    resampled too, for the applications whose R includes them."""
    if not ranked or resamples <= 0:
        return 0
    heard = None
    positions = hearing_positions(ranked, hearing)
    if hearing is not None and len(positions):
        heard = Heard(draws([ranked[i] for i in positions], hearing.frame, hearing.aggregated.values), positions,
                      hearing.weight)
    s = resample(draws(ranked, frame, values), kind, sel, budget, strategy, resamples, seed, heard)
    cut = max((a.rank or 0 for a in ranked if a.selected), default=None)
    tail = (1 - LEVEL) / 2
    for i, a in enumerate(ranked):
        a.expected_rank = float(s.expected_rank[i])
        a.rank_interval = (int(s.low[i]), int(s.high[i]))
        a.p_selected = float(s.p_selected[i])
        crosses = cut is not None and a.rank_interval[0] <= cut < a.rank_interval[1]
        a.boundary = crosses or tail < a.p_selected < 1 - tail
    return s.selection_resamples
