"""One sheet's rate in plain Python (SPEC §4), without pandas: what the evaluator's own screens
compute, and the definition the ranking's pass over all sheets (``rates.read_sheets``) uses.

A sheet's rate r = 100·S/M: S the weighted sum of its scored items that apply to the
application (an item not scored counts 0), M = Σ 5·weight over those criteria; 0 where M is 0.
On the 0–100 scale the chair's screens show ("得点率"). ``spec_of`` gives the criteria of an
application's kind (track, applicant type); ``Criteria`` looks each kind up once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reviewer.domain import scope
from reviewer.domain.model import Application, Criterion, Program

#: (scored criteria with their weights, must criteria, M) of an application's kind.
Spec = tuple[list[tuple[str, float]], list[str], float]


class Criteria:
    """The criteria that apply to an application, looked up once per (track, applicant type)."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self._applicable: dict[tuple[str | None, str], list[Criterion]] = {}
        self._spec: dict[tuple[str | None, str], Spec] = {}

    def applicable(self, app: Application) -> list[Criterion]:
        key = (app.track, app.applicant.type)
        found = self._applicable.get(key)
        if found is None:
            found = self._applicable[key] = self.program.applicable(app)
        return found

    def spec(self, app: Application) -> Spec:
        """(scored criteria with weights, must criteria, M) of the application's kind."""
        key = (app.track, app.applicant.type)
        found = self._spec.get(key)
        if found is None:
            found = self._spec[key] = spec_of(self.program, *key)
        return found


def spec_of(program: Program, track: str | None, applicant_type: str) -> Spec:
    """(scored criteria with weights, must criteria, M) of the applications of ``track`` and
    ``applicant_type`` (the summary columns suffice: no application is parsed)."""
    crits = [c for c in program.criteria if scope.applies(c.tracks, c.applicant_types, track, applicant_type)]
    scored = [(c.id, c.weight) for c in crits if c.kind == "scored"]
    return scored, [c.id for c in crits if c.kind == "must"], sum(5 * w for _, w in scored)


def hearing_spec(program: Program, track: str | None, applicant_type: str) -> Spec:
    """(the hearing's scored criteria with weights, no must criteria, M) of an application's kind
    (SPEC §6.4: a hearing sheet's rate is over the hearing's criteria that apply)."""
    scored = [(cid, w) for cid, w in spec_of(program, track, applicant_type)[0] if cid in program.hearing_ids]
    return scored, [], sum(5 * w for _, w in scored)


def rate_of(points: float, max_points: float) -> float:
    """r = 100·S/M (0 where there is nothing to score)."""
    return 100.0 * points / max_points if max_points > 0 else 0.0


def sheet_points(spec: Spec, scores: Mapping[str, Any]) -> float:
    """S: the weighted sum of the sheet's scored items that apply (integers only; bool is none)."""
    total = 0.0
    for cid, weight in spec[0]:
        v = scores.get(cid)
        if type(v) is int:
            total += weight * v
    return total


def sheet_rate(spec: Spec, scores: Mapping[str, Any]) -> float:
    """One sheet's rate r on the 0–100 scale, as the ranking computes it."""
    return rate_of(sheet_points(spec, scores), spec[2])
