"""The hearing's part of the score rate (SPEC §6.4). A hearing sheet's rate is over the
hearing's criteria that apply to the application (``Program.hearing_ids``); R_hearing is the
method's aggregate of an application's hearing sheet rates, and for an application with
submitted hearing sheets R = (1 − weight) × R_written + weight × R_hearing. Must verdicts,
``reviews`` and the disagreement flag stay the written sheets'.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reviewer.domain.model import Application, Program
from reviewer.scoring.rates import Aggregate, aggregate
from reviewer.scoring.result import AppResult, SheetInput
from reviewer.scoring.sheet import Spec, hearing_spec, rate_of, sheet_points


@dataclass
class HearingRates:
    """The hearing sheets as scoring needs them."""

    frame: pd.DataFrame                      # one row per sheet: application, evaluator, r
    by_app: dict[str, dict[str, float]]      # application → evaluator → hearing sheet rate
    aggregated: Aggregate                    # R_hearing per application, and the per-sheet values
    weight: float


def hearing_rates(program: Program, applications: dict[str, Application], sheets: list[SheetInput],
                  method: str) -> HearingRates | None:
    """The hearing's rates of the applications in ``applications`` (None: no hearing sheet)."""
    specs: dict[tuple[str | None, str], Spec] = {}
    rows: list[tuple[str, str, float]] = []
    by_app: dict[str, dict[str, float]] = {}
    for s in sheets:
        app = applications.get(s.application)
        if app is None:
            continue
        key = (app.track, app.applicant.type)
        spec = specs.get(key)
        if spec is None:
            spec = specs[key] = hearing_spec(program, *key)
        r = rate_of(sheet_points(spec, s.scores), spec[2])
        rows.append((s.application, s.evaluator, r))
        by_app.setdefault(s.application, {})[s.evaluator] = r
    if not rows:
        return None
    frame = pd.DataFrame(rows, columns=["application", "evaluator", "r"])
    frame["r"] = frame["r"].astype(float)
    return HearingRates(frame, by_app, aggregate(frame, method), program.hearing.weight)


def combined(written: dict[str, float], hearing: HearingRates | None) -> dict[str, float]:
    """R per application: the written R, combined with R_hearing where the application has one."""
    if hearing is None:
        return written
    w = hearing.weight
    out = dict(written)
    for aid, rh in hearing.aggregated.rates.items():
        if aid in out:
            out[aid] = (1 - w) * out[aid] + w * rh
    return out


def annotate(results: list[AppResult], written: dict[str, float], hearing: HearingRates | None,
             shortlisted: set[str]) -> None:
    """Each result's written and hearing rates, hearing sheets and whether it is shortlisted."""
    rates = hearing.aggregated.rates if hearing is not None else {}
    for a in results:
        a.written_rate = written.get(a.id)
        a.hearing_rate = rates.get(a.id) if a.written_rate is not None else None
        a.hearing_sheet_rates = hearing.by_app.get(a.id, {}) if hearing is not None else {}
        a.shortlisted = a.id in shortlisted


def hearing_positions(ranked: list[AppResult], hearing: HearingRates | None) -> np.ndarray:
    """The positions in ``ranked`` of the applications whose R includes the hearing."""
    if hearing is None:
        return np.zeros(0, dtype=int)
    return np.array([i for i, a in enumerate(ranked) if a.hearing_rate is not None], dtype=int)
