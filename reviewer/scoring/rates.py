"""Sheet rates and the score rate of each application (SPEC §4).

One pass over the submitted sheets gives each sheet's rate r = 100·S/M (S the weighted sum of
its scored items, M the maximum of the application's criteria; defined in ``scoring.sheet``,
which computes one sheet's rate without pandas), the item values and the must marks per
application; the criteria of an application's kind (track, applicant type) are looked up once.
The score rate R is then the mean, median, trimmed mean or z-score of an application's sheet
rates, computed with pandas over all sheets at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reviewer.domain.model import Application
from reviewer.scoring.result import SheetInput
from reviewer.scoring.sheet import Criteria, rate_of

__all__ = ["Aggregate", "Criteria", "SheetRates", "aggregate", "read_sheets"]


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


def _mean(frame: pd.DataFrame, mu: float, sigma: float) -> pd.Series:
    return frame.groupby("application")["r"].mean()


def _median(frame: pd.DataFrame, mu: float, sigma: float) -> pd.Series:
    return frame.groupby("application")["r"].median()


def _trimmed(frame: pd.DataFrame, mu: float, sigma: float) -> pd.Series:
    """The mean without the highest and the lowest rate, from four sheets up; the mean below."""
    stats = frame.groupby("application")["r"].agg(["mean", "min", "max", "sum", "count"])
    trimmed = (stats["sum"] - stats["max"] - stats["min"]) / (stats["count"] - 2).where(stats["count"] >= 4, 1)
    return trimmed.where(stats["count"] >= 4, stats["mean"])


def _zscore(frame: pd.DataFrame, mu: float, sigma: float) -> pd.Series:
    """The mean of the rates standardised per evaluator, back on the scale of all rates."""
    by_ev = frame.groupby("evaluator")["r"]
    ev_mean = by_ev.transform("mean")
    ev_std = by_ev.transform("std", ddof=0)
    z = np.where(ev_std > 1e-12, (frame["r"] - ev_mean) / ev_std.where(ev_std > 1e-12, 1.0), 0.0)
    return mu + frame.assign(z=z).groupby("application")["z"].mean() * sigma


_METHODS: dict[str, Callable[[pd.DataFrame, float, float], pd.Series]] = {
    "mean": _mean, "median": _median, "trimmed": _trimmed, "zscore": _zscore,
}


def aggregate(frame: pd.DataFrame, method: str) -> Aggregate:
    """R per application that has sheets, by ``method`` (one of ``vocabulary.METHODS``)."""
    if not len(frame):
        return Aggregate({}, 0.0, 0.0)
    mu = float(frame["r"].mean())
    sigma = float(frame["r"].std(ddof=0))
    series = _METHODS[method](frame, mu, sigma)
    return Aggregate({aid: float(v) for aid, v in series.items()}, mu, sigma)
