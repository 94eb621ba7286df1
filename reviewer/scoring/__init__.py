"""From a panel's submitted sheets to the result a chair takes to the ministry (SPEC §4).

``score_program`` composes the stages into one ``Result``: the sheet rates and the method
(``rates``), each application's checks, must verdicts, oversubscription and auto bonus
(``applications``), the ranking (``ranking``), the selection by its strategy (``selection``), the
regional and field balance (``balance``), and the evaluator and criterion statistics and the
agreement (``statistics``). ``rank --json``, the workbook and the chair's screen only render it.
Drafts never count. Importing the package loads no pandas (``score_program`` and ``agreement``
do, on first use): an evaluator's own sheet rates come from ``sheet`` on the first screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reviewer.domain.model import Application, Program
from reviewer.domain.vocabulary import METHODS, SELECTION_STRATEGIES
from reviewer.scoring.applications import build_results, check_applications
from reviewer.scoring.balance import bureau_balance, bureau_status, field_balance
from reviewer.scoring.decisions import Recorded, apply_decisions, final_list, grant_warnings
from reviewer.scoring.ranking import rank, ranking
from reviewer.scoring.result import (
    DISAGREEMENT_SPREAD,
    EPS,
    Agreement,
    AppResult,
    BureauBalance,
    EvaluatorStats,
    FieldBalance,
    Result,
    SheetInput,
)
from reviewer.scoring.selection import select
from reviewer.scoring.sheet import Criteria, sheet_rate


def score_program(
    program: Program,
    applications: dict[str, Application],
    sheets: Iterable[SheetInput],
    method: str = "mean",
    budget_yen: int | None = None,
    evaluator_names: dict[str, str] | None = None,
    selection: str | None = None,
    resamples: int = 0,
    seed: int = 0,
    compare: bool = False,
    review: Review | None = None,
) -> Result:
    """Score, rank and select. ``sheets`` are the submitted written sheets of the program
    (callers pass only submitted ones); ``budget_yen`` overrides the program's budget and
    ``selection`` its selection strategy (SPEC §6.5); ``resamples`` of the sheets drawn from
    ``seed`` say how sure each rank is (SPEC §6.6; 0: not drawn); ``compare`` puts every strategy's
    selection beside it (``Result.comparison``); ``review``: the hearing sheets, the shortlist,
    the decisions and the result's state (SPEC §6.4, §6.7)."""
    from reviewer.scoring.hearing import annotate, combined, hearing_rates
    from reviewer.scoring.rates import aggregate, read_sheets  # pandas
    from reviewer.scoring.statistics import agreement, criterion_means, evaluator_stats

    strategy = _strategy(program, method, selection)
    submitted = [s for s in sheets if s.application in applications]
    budget = budget_yen if budget_yen is not None else program.selection.budget_yen if program.gives_money else None
    review = review or Review()
    criteria = Criteria(program)
    rates = read_sheets(submitted, applications, criteria)
    aggregated = aggregate(rates.frame, method)
    heard = hearing_rates(program, applications, review.hearing_sheets, method) if review.hearing_sheets else None
    demand = check_applications(program, applications, budget)
    results = build_results(applications, criteria, rates, combined(aggregated.rates, heard), demand)
    annotate(results, aggregated.rates, heard, review.shortlist)
    ranked = rank(results)
    notes = select(ranked, program.selection, budget, strategy)
    comparison = _side_by_side(ranked, program, budget, strategy) if compare else None
    walked = 0
    if resamples:
        from reviewer.scoring.uncertainty import apply

        walked = apply(ranked, rates.frame, aggregated.values, aggregated.kind, program.selection, budget, strategy,
                       resamples, seed, hearing=heard)
    rest = [a for a in results if not a.eligible]  # already by id
    apply_decisions(results, review.decisions)

    return Result(program=program, method=method, budget_yen=budget, demand_yen=demand.demand_yen,
                  oversubscribed=demand.oversubscribed, applications=ranked + rest,
                  balance=bureau_balance(results, program.selection), field_balance=field_balance(results, program),
                  evaluator_stats=evaluator_stats(rates.frame, evaluator_names or {}, aggregated.mu,
                                                  aggregated.effects if method == "adjusted" else None),
                  criterion_means=criterion_means(program, rates.values), agreement=agreement(rates.frame),
                  sheets=submitted, selection=strategy, selection_notes=notes,
                  grant_notes=grant_warnings([a for a in ranked if a.selected]),
                  resamples=resamples if ranked else 0, seed=seed if resamples and ranked else None,
                  selection_resamples=walked,
                  shrinkage=aggregated.shrinkage, comparison=comparison, hearing_sheets=list(review.hearing_sheets),
                  final=final_list(ranked + rest, program.selection, budget, program.gives_money), state=review.state)


def _side_by_side(ranked: list[AppResult], program: Program, budget: int | None, strategy: str) -> Any:
    from reviewer.scoring.compare import compare

    return compare(ranked, program.selection, budget, strategy)


def _strategy(program: Program, method: str, selection: str | None) -> str:
    """The selection strategy to use; a method or strategy that does not exist is refused."""
    if method not in METHODS:
        raise ValueError(f"集計方法は {', '.join(METHODS)} のいずれかです（{method!r}）")
    strategy = selection or program.selection.strategy
    if strategy not in SELECTION_STRATEGIES:
        raise ValueError(f"選定方式は {', '.join(SELECTION_STRATEGIES)} のいずれかです（{strategy!r}）")
    return strategy


@dataclass(frozen=True)
class Review:
    """What the second half of a review adds to the written sheets (SPEC §6.4, §6.7)."""

    hearing_sheets: list[SheetInput] = field(default_factory=list)  # submitted, stage "hearing"
    shortlist: set[str] = field(default_factory=set)                # the shortlisted applications
    decisions: dict[str, Recorded] = field(default_factory=dict)     # application → its decision
    state: Any = None                                               # the result's state, where known


def __getattr__(name: str) -> Any:
    if name == "agreement":  # pandas: loaded on first use
        from reviewer.scoring.statistics import agreement

        return agreement
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DISAGREEMENT_SPREAD", "EPS", "Agreement", "AppResult", "BureauBalance", "Criteria", "EvaluatorStats",
    "FieldBalance", "Recorded", "Result", "Review", "SheetInput", "agreement", "bureau_status", "ranking",
    "score_program", "sheet_rate",
]
