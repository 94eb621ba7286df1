"""Each application's ``AppResult`` (SPEC §4): the automatic checks, the demand of the
applications that pass them and whether it oversubscribes the budget, the must verdicts of the
sheets, the panel score, the auto bonus (the oversubscription-only bands count only when
oversubscribed) and the total. An application is eligible when nothing gives a reason against
it; one without a submitted sheet is ``unscored``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewer.domain.model import Application, Criterion, Program
from reviewer.domain.vocabulary import MUST_REASON_PREFIX, UNSCORED
from reviewer.rules.checks import CheckResult, auto_points, grant_notes, run_checks
from reviewer.rules.must import must_failed
from reviewer.scoring.result import AppResult
from reviewer.scoring.sheet import Criteria

if TYPE_CHECKING:  # pandas: loaded by the scoring itself, not by importing the package
    from reviewer.scoring.rates import SheetRates


@dataclass
class Demand:
    checks: dict[str, list[CheckResult]]   # application → its automatic checks
    demand_yen: int                        # requested by the applications that pass them
    oversubscribed: bool
    grant: dict[str, list[str]] = field(default_factory=dict)  # application → what the 交付申請 still needs


def check_applications(program: Program, applications: dict[str, Application], budget: int | None) -> Demand:
    """The automatic checks of every application, and the demand against ``budget``."""
    checks = {aid: run_checks(app, program) for aid, app in applications.items()}
    passing = [aid for aid, res in checks.items() if all(r.passed for r in res)]
    demand = sum(applications[aid].budget.requested_subsidy_yen for aid in passing)
    grant = {aid: notes for aid, app in applications.items() if (notes := grant_notes(app, program))}
    return Demand(checks, demand, budget is not None and demand > budget, grant)


def _reasons(checks: list[CheckResult], crits: list[Criterion], must: dict[str, tuple[int, int]]) -> list[str]:
    """The failed checks' codes, then the failed must criteria (in criteria order)."""
    reasons = [r.code for r in checks if not r.passed]
    for c in crits:
        if c.kind == "must" and c.id in must and must_failed(*must[c.id]):
            reasons.append(f"{MUST_REASON_PREFIX}{c.id}")
    return reasons


def _auto(crits: list[Criterion], app: Application, oversubscribed: bool) -> tuple[float, float]:
    """(auto points, bonus): the bonus leaves out the oversubscription-only criteria unless oversubscribed."""
    points = [(c, auto_points(c, app)) for c in crits if c.kind == "auto"]
    auto = sum(p for _, p in points)
    bonus = sum(p for c, p in points if oversubscribed or not c.only_when_oversubscribed)
    return auto, bonus


def _app_result(aid: str, app: Application, criteria: Criteria, sheets: SheetRates, R: float | None,
                demand: Demand) -> AppResult:
    crits = criteria.applicable(app)
    M = criteria.spec(app)[2]
    rates = sheets.by_app.get(aid, {})
    must = {cid: (m[0], m[1]) for cid, m in sheets.must_marks.get(aid, {}).items() if m[0] or m[1]}
    reasons = _reasons(demand.checks[aid], crits, must)
    auto, bonus = _auto(crits, app, demand.oversubscribed)
    if R is None:
        P = total = None
        reasons.append(UNSCORED)
    else:
        P = R * M / 100.0
        total = R + bonus
    crit_means = {cid: sum(v) / len(v) for cid, v in sheets.values.get(aid, {}).items()}
    return AppResult(
        id=aid, title=app.title, applicant=app.applicant.name, applicant_type=app.applicant.type,
        prefecture=app.applicant.prefecture, bureau=app.bureau, track=app.track, model=app.model,
        requested_subsidy_yen=app.budget.requested_subsidy_yen, checks=demand.checks[aid], reasons=reasons,
        must=must, sheet_rates=rates, criterion_means=crit_means, max_points=M, reviews=len(rates),
        score_rate=R, panel_score=P, auto_points=auto, bonus=bonus, total=total,
        eligible=not reasons, card_rate=app.declarations.mynumber_card_rate, field_id=app.field,
        grant_notes=demand.grant.get(aid, []),
        spread=(max(rates.values()) - min(rates.values())) if rates else None,
    )


def build_results(applications: dict[str, Application], criteria: Criteria, sheets: SheetRates,
                  rates: dict[str, float], demand: Demand) -> list[AppResult]:
    """One ``AppResult`` per application, by id; ``rates`` holds R of the scored ones."""
    return [_app_result(aid, applications[aid], criteria, sheets, rates.get(aid), demand) for aid in sorted(applications)]
