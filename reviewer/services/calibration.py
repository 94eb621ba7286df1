"""An evaluator's calibration: their own submitted sheets, each one's rate as the ranking computes
it, and how they score on the whole, so that they can see where they stand before the chair does.

Only the evaluator's own submitted sheets are read (``Workspace.own_submitted``); drafts never
count, nor does anyone else's sheet. Rates are on the 0–100 scale of the chair's screens
(``reviewer.scoring.sheet``, no pandas: the evaluator's list opens it).
"""

from __future__ import annotations

import statistics

from reviewer.scoring.calibration import Calibration, CalibrationSheet, CriterionMean
from reviewer.scoring.sheet import Spec, sheet_rate, spec_of
from reviewer.workspace import Workspace
from reviewer.workspace.records import OwnSheet

__all__ = ["Calibration", "CalibrationSheet", "CriterionMean", "calibration"]


def calibration(ws: Workspace, evaluator: str) -> Calibration:
    """``evaluator``'s calibration (who may see it is the caller's: ``Session.gate``)."""
    own = ws.own_submitted(evaluator)
    if not own:
        return Calibration(evaluator)
    specs: dict[tuple[str, str | None, str], Spec] = {}
    values: dict[tuple[str, str], list[int]] = {}
    sheets = []
    for s in own:
        key = (s.program, s.track, s.applicant_type)
        if key not in specs:
            specs[key] = spec_of(ws.program(s.program), s.track, s.applicant_type)
        sheets.append(_sheet(s, specs[key], values))
    rates = [s.rate for s in sheets]
    return Calibration(evaluator, tuple(sheets), len(rates), statistics.fmean(rates), statistics.pstdev(rates),
                       min(rates), max(rates), _criterion_means(ws, values))


def _sheet(s: OwnSheet, spec: Spec, values: dict[tuple[str, str], list[int]]) -> CalibrationSheet:
    """One sheet's line; its scored items' values are added to ``values``."""
    scored, musts, _ = spec
    for cid, _weight in scored:
        v = s.scores.get(cid)
        if type(v) is int:  # as the ranking reads them: bool is not an int here
            values.setdefault((s.program, cid), []).append(v)
    failed = sum(1 for cid in musts if s.scores.get(cid) == "fail")
    return CalibrationSheet(s.program, s.application, s.title, sheet_rate(spec, s.scores), failed, s.submitted_at)


def _criterion_means(ws: Workspace, values: dict[tuple[str, str], list[int]]) -> tuple[CriterionMean, ...]:
    out = []
    for pid in sorted({p for p, _ in values}):
        for c in ws.program(pid).criteria:
            vals = values.get((pid, c.id))
            if vals:
                out.append(CriterionMean(pid, c.id, c.label, statistics.fmean(vals), len(vals)))
    return tuple(out)
