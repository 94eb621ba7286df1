"""From a panel's submitted sheets to the result a chair takes to the ministry (SPEC §4).

One function, ``score_program``, computes everything (rates, methods, must verdicts,
oversubscription and the auto bonus, eligibility with reasons, ranking, greedy selection,
regional and field balance, disagreement, evaluator and criterion statistics, agreement)
into one ``Result``. ``rank --json``, the workbook and the chair's screen only render it.
Drafts never count.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from reviewer.domain.model import Application, Program
from reviewer.domain.regions import BUREAUS
from reviewer.domain.vocabulary import METHODS, MUST_REASON_PREFIX, UNSCORED
from reviewer.rules.checks import CheckResult, auto_points, run_checks
from reviewer.rules.must import must_failed

EPS = 1e-9
DISAGREEMENT_SPREAD = 30.0


@dataclass(frozen=True)
class SheetInput:
    """A submitted sheet as scoring needs it."""

    application: str
    evaluator: str
    scores: dict[str, Any]
    comment: str = ""


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
    spread: float | None = None

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread > DISAGREEMENT_SPREAD + EPS

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "rank": self.rank, "eligible": self.eligible, "reasons": self.reasons,
            "panel_score": _num(self.panel_score), "max_points": _num(self.max_points),
            "score_rate": _num(self.score_rate), "bonus": _num(self.bonus), "total": _num(self.total),
            "reviews": self.reviews, "selected": self.selected, "bureau": self.bureau,
            "requested_subsidy_yen": self.requested_subsidy_yen, "disagreement": self.disagreement,
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
                "selected": self.selected, "min": self.min, "max": self.max, "status": self.status}


@dataclass
class FieldBalance:
    kind: str            # "track" or "model"
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
            "applications": [a.to_json() for a in self.applications],
            "balance": [b.to_json() for b in self.balance],
        }


def _num(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(x)


# ---------------------------------------------------------------------------


def score_program(
    program: Program,
    applications: dict[str, Application],
    sheets: Iterable[SheetInput],
    method: str = "mean",
    budget_yen: int | None = None,
    evaluator_names: dict[str, str] | None = None,
) -> Result:
    """Score, rank and select. ``sheets`` are the submitted sheets of the program
    (callers pass only submitted ones); ``budget_yen`` overrides the program's budget."""
    if method not in METHODS:
        raise ValueError(f"集計方法は {', '.join(METHODS)} のいずれかです（{method!r}）")
    sheets = [s for s in sheets if s.application in applications]
    names = evaluator_names or {}
    budget = budget_yen if budget_yen is not None else program.selection.budget_yen
    if not program.gives_money and budget_yen is None:
        budget = None

    # -- one pass over the sheets: rates, item values, must marks ---------------------
    crit_cache: dict[tuple[Any, str], list] = {}
    spec_cache: dict[tuple[Any, str], tuple[list[tuple[str, float]], list[str], float]] = {}

    def applicable(app: Application) -> list:
        key = (app.track, app.applicant.type)
        if key not in crit_cache:
            crit_cache[key] = program.applicable(app)
        return crit_cache[key]

    def spec(app: Application) -> tuple[list[tuple[str, float]], list[str], float]:
        """(scored criteria with weights, must criteria, M) of the application's kind."""
        key = (app.track, app.applicant.type)
        if key not in spec_cache:
            crits = applicable(app)
            scored = [(c.id, c.weight) for c in crits if c.kind == "scored"]
            spec_cache[key] = (scored, [c.id for c in crits if c.kind == "must"], sum(5 * w for _, w in scored))
        return spec_cache[key]

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
        r = 100.0 * S / M if M > 0 else 0.0
        col_app.append(aid)
        col_ev.append(s.evaluator)
        col_r.append(r)
        rates_by_app.setdefault(aid, {})[s.evaluator] = r

    # -- the methods, vectorised (pandas) ---------------------------------------------
    df = pd.DataFrame({"application": col_app, "evaluator": col_ev, "r": np.asarray(col_r, dtype=float)})
    aggregated: dict[str, float] = {}
    if len(df):
        mu = float(df["r"].mean())
        sigma = float(df["r"].std(ddof=0))
        by_ev = df.groupby("evaluator")["r"]
        ev_mean = by_ev.transform("mean")
        ev_std = by_ev.transform("std", ddof=0)
        df["z"] = np.where(ev_std > 1e-12, (df["r"] - ev_mean) / ev_std.where(ev_std > 1e-12, 1.0), 0.0)
        g = df.groupby("application")
        stats = g["r"].agg(["mean", "median", "min", "max", "sum", "count"])
        if method == "mean":
            series = stats["mean"]
        elif method == "median":
            series = stats["median"]
        elif method == "trimmed":
            trimmed = (stats["sum"] - stats["max"] - stats["min"]) / (stats["count"] - 2).where(stats["count"] >= 4, 1)
            series = trimmed.where(stats["count"] >= 4, stats["mean"])
        else:
            series = mu + g["z"].mean() * sigma
        aggregated = {aid: float(v) for aid, v in series.items()}
    else:
        mu = sigma = 0.0

    # -- automatic checks and oversubscription ---------------------------------------
    checks = {aid: run_checks(app, program) for aid, app in applications.items()}
    passing = [aid for aid, res in checks.items() if all(r.passed for r in res)]
    demand = sum(applications[aid].budget.requested_subsidy_yen for aid in passing)
    oversubscribed = budget is not None and demand > budget

    results: list[AppResult] = []
    for aid in sorted(applications):
        app = applications[aid]
        crits = applicable(app)
        rates = rates_by_app.get(aid, {})
        M = sum(5 * c.weight for c in crits if c.kind == "scored")
        reasons = [r.code for r in checks[aid] if not r.passed]
        must = {cid: (m[0], m[1]) for cid, m in must_marks.get(aid, {}).items() if m[0] or m[1]}
        for c in crits:
            if c.kind == "must" and c.id in must and must_failed(*must[c.id]):
                reasons.append(f"{MUST_REASON_PREFIX}{c.id}")
        R = aggregated.get(aid)
        if R is None:
            P = total = None
            reasons.append(UNSCORED)
        else:
            P = R * M / 100.0
        autos = [c for c in crits if c.kind == "auto"]
        auto = sum(auto_points(c, app) for c in autos)
        bonus = sum(auto_points(c, app) for c in autos if oversubscribed or not c.only_when_oversubscribed)
        if R is not None:
            total = R + bonus
        crit_means = {cid: sum(v) / len(v) for cid, v in values.get(aid, {}).items()}
        results.append(AppResult(
            id=aid, title=app.title, applicant=app.applicant.name, applicant_type=app.applicant.type,
            prefecture=app.applicant.prefecture, bureau=app.bureau, track=app.track, model=app.model,
            requested_subsidy_yen=app.budget.requested_subsidy_yen, checks=checks[aid], reasons=reasons,
            must=must, sheet_rates=rates, criterion_means=crit_means, max_points=M, reviews=len(rates),
            score_rate=R, panel_score=P, auto_points=auto, bonus=bonus, total=total,
            eligible=not reasons,
            spread=(max(rates.values()) - min(rates.values())) if rates else None,
        ))

    ranked = ranking([a for a in results if a.eligible])
    for i, a in enumerate(ranked, start=1):
        a.rank = i

    # -- greedy selection under budget, total and bureau quotas ------------------------------
    sel = program.selection
    count, spent, per_bureau = 0, 0, {b: 0 for b in BUREAUS}
    for a in ranked:
        if sel.max_selected is not None and count + 1 > sel.max_selected:
            a.skipped_for = f"採択数の上限（{sel.max_selected}）"
        elif sel.bureau_max is not None and per_bureau[a.bureau] + 1 > sel.bureau_max:
            a.skipped_for = f"{a.bureau}の上限（{sel.bureau_max}）"
        elif budget is not None and spent + a.requested_subsidy_yen > budget:
            a.skipped_for = f"予算の残額（{budget - spent:,}円）を超える"
        else:
            a.selected = True
            count += 1
            spent += a.requested_subsidy_yen
            per_bureau[a.bureau] += 1

    rest = [a for a in results if not a.eligible]  # already by id
    ordered = ranked + rest

    # -- balance per bureau ----------------------------------------------------------------
    balance = []
    for b in BUREAUS:
        mine = [a for a in results if a.bureau == b]
        eligible = sum(1 for a in mine if a.eligible)
        selected = sum(1 for a in mine if a.selected)
        lo, hi = sel.bureau_min, sel.bureau_max
        status = bureau_status(selected, eligible, lo, hi)
        balance.append(BureauBalance(b, len(mine), eligible, selected, lo, hi, status,
                                     sum(a.requested_subsidy_yen for a in mine if a.selected)))

    # -- balance by field (track, model) --------------------------------------------------------
    fields: list[FieldBalance] = []
    n_sel = sum(1 for a in results if a.selected)
    share_max = sel.max_field_share
    for t in program.tracks:
        groups = [("track", t.id, t.name, lambda a, t=t: a.track == t.id)]
        groups += [("model", str(m.number), m.name, lambda a, m=m: a.model == m.number) for m in t.models]
        for kind, key, name, pred in groups:
            mine = [a for a in results if pred(a)]
            selected = sum(1 for a in mine if a.selected)
            share = selected / n_sel if n_sel else None
            fields.append(FieldBalance(kind, key, name, len(mine), sum(1 for a in mine if a.eligible), selected,
                                       share, share is not None and share_max is not None
                                       and kind == "model" and share > share_max + EPS))

    # -- statistics -------------------------------------------------------------------------------
    stats = []
    if len(df):
        by_ev = df.groupby("evaluator")["r"]
        per_ev = pd.DataFrame({"count": by_ev.count(), "mean": by_ev.mean(), "std": by_ev.std(ddof=0)})
        for eid, row in per_ev.iterrows():
            m = float(row["mean"])
            stats.append(EvaluatorStats(str(eid), names.get(str(eid), ""), int(row["count"]), m, float(row["std"]), m - mu))
    crit_means = {}
    for cid in (c.id for c in program.criteria if c.kind == "scored"):
        vals = [v for per in values.values() for v in per.get(cid, [])]
        if vals:
            crit_means[cid] = float(np.mean(vals))

    return Result(program=program, method=method, budget_yen=budget, demand_yen=demand,
                  oversubscribed=oversubscribed, applications=ordered, balance=balance, field_balance=fields,
                  evaluator_stats=stats, criterion_means=crit_means, agreement=agreement(df), sheets=sheets)


def _compare(a: AppResult, b: AppResult) -> int:
    for x, y in ((a.total, b.total), (a.score_rate, b.score_rate)):
        if abs(x - y) > EPS:
            return -1 if x > y else 1
    if a.requested_subsidy_yen != b.requested_subsidy_yen:
        return -1 if a.requested_subsidy_yen < b.requested_subsidy_yen else 1
    return -1 if a.id < b.id else (1 if a.id > b.id else 0)


def ranking(eligible: list[AppResult]) -> list[AppResult]:
    """Total descending, then score rate descending (both compared at 1e-9), then requested
    subsidy ascending, then id ascending."""
    return sorted(eligible, key=functools.cmp_to_key(_compare))


def bureau_status(selected: int, eligible: int, lo: int | None, hi: int | None) -> str:
    """under below the minimum, over above the maximum, else unserved where eligible
    applications got nothing, else ok."""
    if lo is not None and selected < lo:
        return "under"
    if hi is not None and selected > hi:
        return "over"
    if eligible > 0 and selected == 0:
        return "unserved"
    return "ok"


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


def score_workspace(ws: Any, program_id: str, method: str = "mean", budget_yen: int | None = None,
                    comments: bool = True) -> Result:
    """Score a program of an open workspace (submitted sheets only). ``comments=False`` skips
    reading the comments (the ranking needs none; the workbook does)."""
    program = ws.program(program_id)
    apps = ws.applications(program_id, sections=False)
    sheets = [SheetInput(a, e, scores, c) for a, e, scores, c in ws.submitted_scores(program_id, comments)]
    names = {p.id: p.name for p in ws.people()}
    return score_program(program, apps, sheets, method=method, budget_yen=budget_yen, evaluator_names=names)


__all__ = ["Result", "SheetInput", "score_program", "score_workspace"]
