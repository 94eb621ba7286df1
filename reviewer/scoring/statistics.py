"""Statistics over the sheet rates (SPEC §4): per evaluator the count, mean, standard deviation
and deviation from the program's mean; per scored criterion the mean item value; and the panel's
agreement, Krippendorff's α at the interval level in closed form.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reviewer.domain.model import Program
from reviewer.scoring.result import Agreement, EvaluatorStats


def evaluator_stats(frame: pd.DataFrame, names: dict[str, str], mu: float,
                    effects: dict[str, float] | None = None) -> list[EvaluatorStats]:
    """One ``EvaluatorStats`` per evaluator with sheets, by evaluator id; ``mu`` is the mean of all
    rates, ``effects`` the fitted evaluator effects (method ``adjusted``; else none)."""
    stats: list[EvaluatorStats] = []
    if len(frame):
        by_ev = frame.groupby("evaluator")["r"]
        per_ev = pd.DataFrame({"count": by_ev.count(), "mean": by_ev.mean(), "std": by_ev.std(ddof=0)})
        for eid, row in per_ev.iterrows():
            m = float(row["mean"])
            effect = None if effects is None else effects.get(str(eid))
            stats.append(EvaluatorStats(str(eid), names.get(str(eid), ""), int(row["count"]), m, float(row["std"]),
                                        m - mu, effect))
    return stats


def criterion_means(program: Program, values: dict[str, dict[str, list[int]]]) -> dict[str, float]:
    """The mean item value of each scored criterion over all sheets (criteria without a value left out)."""
    means: dict[str, float] = {}
    for cid in (c.id for c in program.criteria if c.kind == "scored"):
        vals = [v for per in values.values() for v in per.get(cid, [])]
        if vals:
            means[cid] = float(np.mean(vals))
    return means


def agreement(df: pd.DataFrame) -> Agreement:
    """Krippendorff's α at the interval level over sheet rates: units = applications,
    coders = evaluators, missing ratings allowed. Closed form over pairable units (two or
    more ratings): with n pairable values, D_o = Σ_u Σ_{i≠j∈u} (v_i − v_j)² / (m_u − 1) / n and
    D_e = Σ_{i≠j} (v_i − v_j)² / (n (n − 1)); α = 1 − D_o / D_e. Σ_{i≠j} (v_i − v_j)² over a
    set of m values is 2 (m Σv² − (Σv)²), so this is linear in the number of sheets."""
    if not len(df):
        return Agreement(None, 0, 0, 0)
    evaluators = int(df["evaluator"].nunique())
    by_app = df.assign(r2=df["r"] ** 2).groupby("application")
    g = pd.DataFrame({"m": by_app["r"].count(), "s": by_app["r"].sum(), "q": by_app["r2"].sum()})
    g = g[g["m"] >= 2]
    n = int(g["m"].sum())
    if len(g) < 1 or n < 2:
        return Agreement(None, n, len(g), evaluators)
    within = (2 * (g["m"] * g["q"] - g["s"] ** 2) / (g["m"] - 1)).sum()
    total_s, total_q = float(g["s"].sum()), float(g["q"].sum())
    d_e = 2 * (n * total_q - total_s ** 2) / (n * (n - 1))
    d_o = float(within) / n
    if d_e <= 1e-12:
        return Agreement(1.0 if d_o <= 1e-12 else None, n, len(g), evaluators)
    return Agreement(1.0 - d_o / d_e, n, len(g), evaluators)
