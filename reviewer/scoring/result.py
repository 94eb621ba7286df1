"""The result of scoring a program (SPEC §4): one ``AppResult`` per application, the bureau and
field balance, the evaluator statistics and the agreement, gathered in one ``Result``, with the
JSON that ``rank --json`` prints. The stages fill it in; everything else only renders it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from reviewer.domain.model import Program
from reviewer.rules.checks import CheckResult

EPS = 1e-9
DISAGREEMENT_SPREAD = 30.0


def _num(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(x)


@dataclass(frozen=True)
class SheetInput:
    """A submitted sheet as scoring needs it."""

    application: str
    evaluator: str
    scores: dict[str, Any]
    comment: str = ""
    notes: dict[str, str] = field(default_factory=dict)  # criterion id → note
    stage: str = "written"                               # or "hearing" (SPEC §6.3)


@dataclass
class AppResult:
    id: str
    title: str
    applicant: str
    applicant_type: str
    prefecture: str
    bureau: str
    track: str | None
    model: int | None
    requested_subsidy_yen: int
    checks: list[CheckResult]
    reasons: list[str]
    must: dict[str, tuple[int, int]]            # criterion → (pass marks, fail marks)
    sheet_rates: dict[str, float]               # evaluator → r
    criterion_means: dict[str, float]           # scored criterion → mean value
    max_points: float
    reviews: int
    score_rate: float | None
    panel_score: float | None
    auto_points: float                          # before the oversubscription condition
    bonus: float
    total: float | None
    eligible: bool
    rank: int | None = None
    selected: bool = False
    skipped_for: str | None = None              # why a ranked application was not selected
    selected_for: str | None = None             # why it was (how its strategy took it)
    spread: float | None = None
    expected_rank: float | None = None          # SPEC §6.6, over the resamples
    rank_interval: tuple[int, int] | None = None
    p_selected: float | None = None
    boundary: bool = False                      # 境界域: the interval crosses the cut line, or unsure
    written_rate: float | None = None           # SPEC §6.4: R of the written sheets
    hearing_rate: float | None = None           # R of the hearing sheets (None: not heard)
    hearing_sheet_rates: dict[str, float] = field(default_factory=dict)  # evaluator → hearing sheet rate
    shortlisted: bool = False                   # on the hearing's shortlist
    decision: str | None = None                 # SPEC §6.7: "select", "reject" or None
    decision_reason: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    assigned: int | None = None                 # active assignments (where the workspace is known)
    card_rate: float | None = None              # the declared マイナンバーカード交付率 (a share; None: not declared)
    field_id: str | None = None                 # the field (分野) of a program without field models
    grant_notes: list[str] = field(default_factory=list)  # what it must still have by the 交付申請

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread > DISAGREEMENT_SPREAD + EPS

    @property
    def final_selected(self) -> bool:
        """Selected in the end: as decided where a decision is recorded, else as computed."""
        return self.final_with(self.decision)

    @property
    def departs(self) -> bool:
        """Whether the recorded decision departs from the computed selection."""
        return self.departs_with(self.decision)

    def final_with(self, decision: str | None) -> bool:
        """Selected in the end under ``decision`` (a screen's fresher one than the scored)."""
        return self.selected if decision is None else decision == "select"

    def departs_with(self, decision: str | None) -> bool:
        """Whether ``decision`` departs from the computed selection."""
        return decision is not None and (decision == "select") != self.selected

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "rank": self.rank, "eligible": self.eligible, "reasons": self.reasons,
            "panel_score": _num(self.panel_score), "max_points": _num(self.max_points),
            "score_rate": _num(self.score_rate), "bonus": _num(self.bonus), "total": _num(self.total),
            "reviews": self.reviews, "selected": self.selected, "bureau": self.bureau,
            "requested_subsidy_yen": self.requested_subsidy_yen, "disagreement": self.disagreement,
            "expected_rank": self.expected_rank,
            "rank_interval": None if self.rank_interval is None else list(self.rank_interval),
            "p_selected": self.p_selected, "boundary": self.boundary,
            "written_rate": _num(self.written_rate), "hearing_rate": _num(self.hearing_rate),
            "hearing_reviews": len(self.hearing_sheet_rates), "shortlisted": self.shortlisted,
            "decision": self.decision, "decision_reason": self.decision_reason,
            "final_selected": self.final_selected, "field": self.field_id,
        }


@dataclass
class BureauBalance:
    bureau: str
    applications: int
    eligible: int
    selected: int
    min: int | None
    max: int | None
    status: str
    selected_yen: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"bureau": self.bureau, "applications": self.applications, "eligible": self.eligible,
                "selected": self.selected, "min": self.min, "max": self.max, "status": self.status,
                "min_met": self.min_met}

    @property
    def min_met(self) -> bool | None:
        """Whether the bureau's minimum is met; None where it has none."""
        return None if self.min is None else self.selected >= self.min


@dataclass
class FieldBalance:
    kind: str            # "track", "model" or "field"
    key: str             # "A", or "4"
    name: str
    applications: int
    eligible: int
    selected: int
    share: float | None  # of the selection
    flagged: bool


@dataclass
class EvaluatorStats:
    evaluator: str
    name: str
    count: int
    mean: float | None
    std: float | None
    deviation: float | None   # mean − the program's mean of sheet rates
    effect: float | None = None  # method adjusted: the fitted effect (points of rate, shrunk)


@dataclass
class Agreement:
    alpha: float | None
    reviews: int          # sheet rates on applications with at least two reviews
    applications: int     # such applications
    evaluators: int


@dataclass
class Result:
    program: Program
    method: str
    budget_yen: int | None
    demand_yen: int
    oversubscribed: bool
    applications: list[AppResult]     # ranked in rank order, then the rest by id
    balance: list[BureauBalance]
    field_balance: list[FieldBalance]
    evaluator_stats: list[EvaluatorStats]
    criterion_means: dict[str, float]
    agreement: Agreement
    sheets: list[SheetInput] = field(default_factory=list)
    selection: str = "greedy"         # the strategy used (SPEC §6.5)
    selection_notes: list[str] = field(default_factory=list)  # the minimums not met, and why
    #: what the selected applications must still have by the 交付申請 (``grant_conditions``)
    grant_notes: list[str] = field(default_factory=list)
    resamples: int = 0                # SPEC §6.6: how many (0: none drawn)
    seed: int | None = None
    selection_resamples: int = 0      # of which p_selected is drawn (fewer under optimal)
    shrinkage: float | None = None    # method adjusted: the prior's weight λ (in sheets)
    comparison: Any = None            # scoring.compare.Comparison, where asked for
    hearing_sheets: list[SheetInput] = field(default_factory=list)  # the submitted hearing sheets
    final: Any = None                 # scoring.decisions.FinalList: the decided list (採択候補先)
    state: Any = None                 # the result's state (workspace.records.ResultState), where known
    progress: Any = None              # the written review's totals (workspace.records.Counts), where known
    conflicts: int | None = None      # assignments withdrawn for a declared conflict of interest, where known

    @property
    def ranked(self) -> list[AppResult]:
        return [a for a in self.applications if a.rank is not None]

    @property
    def selected(self) -> list[AppResult]:
        return [a for a in self.applications if a.selected]

    @property
    def selected_yen(self) -> int:
        return sum(a.requested_subsidy_yen for a in self.selected)

    @property
    def finalized(self) -> bool:
        return self.state is not None and self.state.state == "finalized"

    @property
    def boundary(self) -> list[AppResult]:
        """The applications in the boundary zone (境界域, ``scoring.uncertainty``), in rank order."""
        return [a for a in self.ranked if a.boundary]

    @property
    def cut_rank(self) -> int | None:
        """The rank of the last selected application: the line under which nothing is selected."""
        ranks = [a.rank for a in self.selected if a.rank is not None]
        return max(ranks) if ranks else None

    def to_json(self) -> dict[str, Any]:
        return {
            "program": self.program.id,
            "budget_yen": self.budget_yen,
            "oversubscribed": self.oversubscribed,
            "method": self.method,
            "selection": self.selection,
            "selection_notes": self.selection_notes, "grant_notes": self.grant_notes,
            "resamples": self.resamples, "selection_resamples": self.selection_resamples, "seed": self.seed,
            "hearing_weight": self.program.hearing.weight,
            "finalized": self.finalized,
            "finalized_at": self.state.finalized_at if self.finalized else None,
            "finalized_by": self.state.finalized_by if self.finalized else None,
            "applications": [a.to_json() for a in self.applications],
            "balance": [b.to_json() for b in self.balance],
        } | self._min_selected_json() | ({} if self.comparison is None else {"comparison": self.comparison.to_json()}) \
            | ({} if self.final is None else {"final": self.final.to_json()})

    def _min_selected_json(self) -> dict[str, Any]:
        lo = self.program.selection.min_selected
        return {} if lo is None else {"min_selected_met": len(self.selected) >= lo}
