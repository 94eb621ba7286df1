"""What an evaluator's calibration holds (``reviewer.services.calibration`` computes it from the
evaluator's own submitted sheets; ``reviewer.present.calibration`` words it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CalibrationSheet:
    """One submitted sheet: its rate (0–100, as the ranking's sheet rate) and its musts judged
    不適合 ("fail")."""

    program: str
    application: str
    title: str
    rate: float
    failed_musts: int
    submitted_at: str | None


@dataclass(frozen=True)
class CriterionMean:
    """The mean of the evaluator's own scores (0–5) on one scored criterion, over ``count`` sheets."""

    program: str
    criterion: str
    label: str
    mean: float
    count: int


@dataclass(frozen=True)
class Calibration:
    """An evaluator's submitted sheets and the summary of their rates: ``count``, ``mean``, the
    population standard deviation ``std`` (as the chair's 評価者統計), ``min`` and ``max`` (all
    None without a sheet), and the mean of each scored criterion, by program and criterion in the
    criteria file's order. Empty when nothing is submitted."""

    evaluator: str
    sheets: tuple[CalibrationSheet, ...] = ()
    count: int = 0
    mean: float | None = None
    std: float | None = None
    min: float | None = None
    max: float | None = None
    criteria: tuple[CriterionMean, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.sheets
