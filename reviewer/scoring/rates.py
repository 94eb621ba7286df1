"""Sheet rates and the score rate of each application (SPEC §4).

One pass over the submitted sheets gives each sheet's rate r = 100·S/M (S the weighted sum of
its scored items, M the maximum of the application's criteria; defined in ``scoring.sheet``,
which computes one sheet's rate without pandas), the item values and the must marks per
application; the criteria of an application's kind (track, applicant type) are looked up once.
The score rate R is then the mean, median, trimmed mean or z-score of an application's sheet
rates, computed with pandas over all sheets at once, or (``adjusted``, SPEC §6.6) the application's
effect in an additive model of the rates with evaluator effects shrunk towards 0 (``fit_effects``).
Each method is also a per-sheet value and a way to combine an application's values (``values``,
``Aggregate.kind``), so the resampling of ``scoring.uncertainty`` draws sheets, not applications.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reviewer.domain.model import Application
from reviewer.scoring.result import SheetInput
from reviewer.scoring.sheet import Criteria, rate_of

__all__ = ["Aggregate", "Criteria", "Effects", "SheetRates", "aggregate", "fit_effects", "read_sheets"]


@dataclass
class SheetRates:
    """What the pass over the sheets collects."""

    frame: pd.DataFrame                          # one row per sheet: application, evaluator, r
    by_app: dict[str, dict[str, float]]          # application → evaluator → r
    values: dict[str, dict[str, list[int]]]      # application → scored criterion → item values
    must_marks: dict[str, dict[str, list[int]]]  # application → must criterion → [pass, fail]


def read_sheets(sheets: list[SheetInput], applications: dict[str, Application], criteria: Criteria) -> SheetRates:
    """The one pass over the sheets (each sheet's application is in ``applications``)."""
    spec = criteria.spec
    col_app: list[str] = []
    col_ev: list[str] = []
    col_r: list[float] = []
    rates_by_app: dict[str, dict[str, float]] = {}
    values: dict[str, dict[str, list[int]]] = {}
    must_marks: dict[str, dict[str, list[int]]] = {}
    for s in sheets:
        aid = s.application
        scored, musts, M = spec(applications[aid])
        scores = s.scores
        S = 0.0
        app_values = values.get(aid)
        if app_values is None:
            app_values = values[aid] = {}
        for cid, weight in scored:
            v = scores.get(cid)
            if type(v) is int:  # bool is not an int here
                S += weight * v
                bucket = app_values.get(cid)
                if bucket is None:
                    app_values[cid] = [v]
                else:
                    bucket.append(v)
        if musts:
            app_marks = must_marks.get(aid)
            if app_marks is None:
                app_marks = must_marks[aid] = {cid: [0, 0] for cid in musts}
            for cid in musts:
                v = scores.get(cid)
                if v == "pass":
                    app_marks[cid][0] += 1
                elif v == "fail":
                    app_marks[cid][1] += 1
        r = rate_of(S, M)  # as scoring.sheet.sheet_rate computes one sheet's
        col_app.append(aid)
        col_ev.append(s.evaluator)
        col_r.append(r)
        rates_by_app.setdefault(aid, {})[s.evaluator] = r
    frame = pd.DataFrame({"application": col_app, "evaluator": col_ev, "r": np.asarray(col_r, dtype=float)})
    return SheetRates(frame, rates_by_app, values, must_marks)


# -- the methods, vectorised (pandas) ------------------------------------------------------


@dataclass
class Aggregate:
    rates: dict[str, float]   # application → R
    mu: float                 # the mean of all sheet rates
    sigma: float              # their standard deviation (population)
    values: np.ndarray        # per sheet (the frame's rows): its value on the scale of R
    kind: str                 # how an application's values make its R: mean, median or trimmed
    effects: dict[str, float] = field(default_factory=dict)  # adjusted: evaluator → effect
    shrinkage: float | None = None                             # adjusted: the prior's weight λ


def _trimmed_mean(stats: pd.DataFrame) -> pd.Series:
    """The mean without the highest and the lowest rate, from four sheets up; the mean below."""
    trimmed = (stats["sum"] - stats["max"] - stats["min"]) / (stats["count"] - 2).where(stats["count"] >= 4, 1)
    return trimmed.where(stats["count"] >= 4, stats["mean"])


def _zscores(frame: pd.DataFrame, mu: float, sigma: float) -> np.ndarray:
    """Each rate standardised by its evaluator's mean and deviation, back on the scale of all rates."""
    by_ev = frame.groupby("evaluator")["r"]
    ev_mean = by_ev.transform("mean")
    ev_std = by_ev.transform("std", ddof=0)
    z = np.where(ev_std > 1e-12, (frame["r"] - ev_mean) / ev_std.where(ev_std > 1e-12, 1.0), 0.0)
    return np.asarray(mu + z * sigma, dtype=float)


#: The shrinkage's weight λ (in sheets) is estimated from the data, within these bounds.
SHRINK_MIN, SHRINK_MAX = 1.0, 1e6
FIT_ROUNDS = 50


@dataclass
class Effects:
    """The fitted additive model: rate = mu + a[application] + b[evaluator] + noise."""

    mu: float
    a: np.ndarray        # per application code
    b: np.ndarray        # per evaluator code
    shrinkage: float     # λ = σ²_noise / σ²_evaluator
    noise: float         # σ_noise


def fit_effects(app: np.ndarray, ev: np.ndarray, r: np.ndarray) -> Effects:
    """Least squares of r = mu + a_i + b_j with the penalty λ Σ b_j² (the evaluator effects as
    random effects, shrunk towards 0; the application effects free). With a_i eliminated (the mean
    of its sheets' r − mu − b_j), b solves (diag(n_j) + λI − WᵀD⁻¹W) b = Σ_sheets of j (r − the
    mean r of the sheet's application), W the sheets' application × evaluator incidence and D the
    applications' sheet counts: one evaluators × evaluators system per λ. λ is re-estimated
    between solves as σ²_noise / σ²_evaluator (empirical Bayes, EM-like: σ²_evaluator from the
    effects and their posterior variance), at most FIT_ROUNDS times."""
    from scipy.sparse import coo_matrix

    mu = float(r.mean())
    y = r - mu
    n_a = np.bincount(app).astype(float)
    n_e = np.bincount(ev).astype(float)
    ones = np.ones(len(r))
    W = coo_matrix((ones, (app, ev)), shape=(len(n_a), len(n_e))).tocsr()
    C = (W.T @ W.multiply(1.0 / n_a[:, None]).tocsr()).toarray()
    centred = y - (np.bincount(app, y, len(n_a)) / n_a)[app]
    rhs = np.bincount(ev, centred, len(n_e))
    base = np.diag(n_e) - C
    lam, used, s2e = SHRINK_MIN, SHRINK_MIN, 0.0
    b, a = np.zeros(len(n_e)), np.zeros(len(n_a))
    for _ in range(FIT_ROUNDS):
        used = lam  # the effects below are fitted with this λ
        b = np.linalg.solve(base + lam * np.eye(len(n_e)), rhs)
        a = np.bincount(app, y - b[ev], len(n_a)) / n_a
        res = y - a[app] - b[ev]
        s2e = float(res @ res) / max(len(r) - len(n_a) - len(n_e), 1)
        s2b = float(np.mean(b ** 2 + s2e / (n_e + lam)))
        lam = min(max(s2e / s2b, SHRINK_MIN), SHRINK_MAX) if s2b > 1e-12 else SHRINK_MAX
        if abs(lam - used) <= 1e-6 * used:
            break
    return Effects(mu, a, b, used, s2e ** 0.5)


def _adjusted(frame: pd.DataFrame) -> tuple[pd.Series, np.ndarray, dict[str, float], float]:
    """R = mu + the application's effect, which is the mean of its rates less their evaluators'
    effects; the per-sheet values are those corrected rates."""
    app_codes, apps = pd.factorize(frame["application"])
    ev_codes, evs = pd.factorize(frame["evaluator"])
    fit = fit_effects(app_codes, ev_codes, frame["r"].to_numpy(dtype=float))
    values = frame["r"].to_numpy(dtype=float) - fit.b[ev_codes]
    series = pd.Series(fit.mu + fit.a, index=apps)
    return series, values, {str(e): float(x) for e, x in zip(evs, fit.b)}, fit.shrinkage


def aggregate(frame: pd.DataFrame, method: str) -> Aggregate:
    """R per application that has sheets, by ``method`` (one of ``vocabulary.METHODS``)."""
    if not len(frame):
        return Aggregate({}, 0.0, 0.0, np.zeros(0), "mean")
    mu = float(frame["r"].mean())
    sigma = float(frame["r"].std(ddof=0))
    r = frame["r"].to_numpy(dtype=float)
    if method == "adjusted":
        series, values, effects, lam = _adjusted(frame)
        return Aggregate({aid: float(v) for aid, v in series.items()}, mu, sigma, values, "mean", effects, lam)
    if method == "zscore":
        values = _zscores(frame, mu, sigma)
        series = frame.assign(v=values).groupby("application")["v"].mean()
        return Aggregate({aid: float(v) for aid, v in series.items()}, mu, sigma, values, "mean")
    by_app = frame.groupby("application")["r"]
    if method == "median":
        series = by_app.median()
    elif method == "trimmed":
        series = _trimmed_mean(by_app.agg(["mean", "min", "max", "sum", "count"]))
    else:
        series = by_app.mean()
    kind = method if method in ("median", "trimmed") else "mean"
    return Aggregate({aid: float(v) for aid, v in series.items()}, mu, sigma, r, kind)
