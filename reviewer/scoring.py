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

from .checks import CHECK_CODES, CHECK_LABELS, CheckResult, auto_points, run_checks
from .model import Application, Program
from .regions import BUREAUS

METHODS = ("mean", "median", "trimmed", "zscore")
METHOD_LABELS = {"mean": "平均", "median": "中央値", "trimmed": "トリム平均（最高・最低を除く）",
                 "zscore": "評価者ごとの標準化（zスコア）"}
EPS = 1e-9
DISAGREEMENT_SPREAD = 30.0
BALANCE_LABELS = {"under": "下限未満", "over": "上限超過", "unserved": "採択なし", "ok": "適正"}


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


def reason_label(code: str, program: Program) -> str:
    """A reason code in Japanese."""
    if code.startswith("must:"):
        c = program.criterion(code[5:])
        return f"必須要件 {code[5:]}（{c.label if c else '?'}）を満たさない"
    if code == "unscored":
        return "提出済みの採点票がない"
    return CHECK_LABELS.get(code, code)


# ---------------------------------------------------------------------------


def sheet_rate(program: Program, app: Application, scores: dict[str, Any]) -> tuple[float, float]:
    """(S, M): the sheet score over the scored criteria that apply, and its maximum."""
    s = m = 0.0
    for c in program.applicable(app, "scored"):
        m += 5 * c.weight
        v = scores.get(c.id)
        if isinstance(v, int) and not isinstance(v, bool):
            s += c.weight * v
    return s, m


def _aggregate(rates: list[float], method: str, zs: list[float] | None, mu: float, sigma: float) -> float:
    if method == "mean":
        return float(np.mean(rates))
    if method == "median":
        return float(np.median(rates))
    if method == "trimmed":
        if len(rates) >= 4:
            return float(np.mean(sorted(rates)[1:-1]))
        return float(np.mean(rates))
    if method == "zscore":
        assert zs is not None
        return mu + float(np.mean(zs)) * sigma
    raise ValueError(method)


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

    # -- sheet rates (pandas) ---------------------------------------------------
    records = []
    for s in sheets:
        app = applications[s.application]
        S, M = sheet_rate(program, app, s.scores)
        records.append({"application": s.application, "evaluator": s.evaluator, "S": S, "M": M,
                        "r": 100.0 * S / M if M > 0 else 0.0})
    df = pd.DataFrame.from_records(records, columns=["application", "evaluator", "S", "M", "r"])
    if len(df):
        mu = float(df["r"].mean())
        sigma = float(df["r"].std(ddof=0))
        ev_mean = df.groupby("evaluator")["r"].transform("mean")
        ev_std = df.groupby("evaluator")["r"].transform(lambda x: x.std(ddof=0))
        df["z"] = np.where(ev_std > 0, (df["r"] - ev_mean) / ev_std.where(ev_std > 0, 1.0), 0.0)
    else:
        mu = sigma = 0.0
        df["z"] = pd.Series(dtype=float)
    by_app = {aid: g for aid, g in df.groupby("application", sort=False)} if len(df) else {}

    # per-criterion values
    scored_ids = [c.id for c in program.criteria if c.kind == "scored"]
    values: dict[str, dict[str, list[int]]] = {}
    must_marks: dict[str, dict[str, list[int]]] = {}
    for s in sheets:
        app = applications[s.application]
        for c in program.applicable(app):
            v = s.scores.get(c.id)
            if c.kind == "scored" and isinstance(v, int) and not isinstance(v, bool):
                values.setdefault(s.application, {}).setdefault(c.id, []).append(v)
            elif c.kind == "must" and v in ("pass", "fail"):
                marks = must_marks.setdefault(s.application, {}).setdefault(c.id, [0, 0])
                marks[0 if v == "pass" else 1] += 1

    # -- automatic checks and oversubscription ---------------------------------------
    checks = {aid: run_checks(app, program) for aid, app in applications.items()}
    passing = [aid for aid, res in checks.items() if all(r.passed for r in res)]
    demand = sum(applications[aid].budget.requested_subsidy_yen for aid in passing)
    oversubscribed = budget is not None and demand > budget

    results: list[AppResult] = []
    for aid in sorted(applications):
        app = applications[aid]
        g = by_app.get(aid)
        rates = dict(zip(g["evaluator"], g["r"])) if g is not None else {}
        M = program.max_points(app)
        reasons = [r.code for r in checks[aid] if not r.passed]
        must = {cid: (m[0], m[1]) for cid, m in must_marks.get(aid, {}).items()}
        for c in program.applicable(app, "must"):
            if c.id in must and must[c.id][1] >= must[c.id][0]:
                reasons.append(f"must:{c.id}")
        if g is None:
            R = P = total = None
            reasons.append("unscored")
        else:
            R = _aggregate(list(g["r"]), method, list(g["z"]), mu, sigma)
            P = R * M / 100.0
        auto = sum(auto_points(c, app) for c in program.applicable(app, "auto"))
        bonus = sum(auto_points(c, app) for c in program.applicable(app, "auto")
                    if oversubscribed or not c.only_when_oversubscribed)
        if R is not None:
            total = R + bonus
        crit_means = {cid: float(np.mean(v)) for cid, v in values.get(aid, {}).items()}
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
        for eid, g in df.groupby("evaluator"):
            m = float(g["r"].mean())
            stats.append(EvaluatorStats(eid, names.get(eid, ""), len(g), m, float(g["r"].std(ddof=0)), m - mu))
    crit_means = {}
    for cid in scored_ids:
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
    """Krippendorff's α (interval) over sheet rates, units = applications, coders = evaluators."""
    if not len(df):
        return Agreement(None, 0, 0, 0)
    counts = df.groupby("application")["r"].count()
    pairable = counts[counts >= 2]
    n_reviews = int(pairable.sum())
    evaluators = df["evaluator"].nunique()
    if len(pairable) < 1 or n_reviews < 2:
        return Agreement(None, n_reviews, len(pairable), evaluators)
    matrix = df.pivot_table(index="evaluator", columns="application", values="r", aggfunc="mean")
    data = matrix.to_numpy(dtype=float)
    values = data[~np.isnan(data)]
    if len(np.unique(values)) < 2:
        return Agreement(1.0, n_reviews, len(pairable), evaluators)
    import krippendorff

    alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))
    return Agreement(alpha, n_reviews, len(pairable), evaluators)


def score_workspace(ws: Any, program_id: str, method: str = "mean", budget_yen: int | None = None) -> Result:
    """Score a program of an open workspace (submitted sheets only)."""
    program = ws.program(program_id)
    apps = ws.applications(program_id)
    sheets = [SheetInput(s.application, s.evaluator, s.scores, s.comment)
              for s in ws.sheets(program_id, status="submitted")]
    names = {e.id: e.name for e in ws.panel().evaluators}
    return score_program(program, apps, sheets, method=method, budget_yen=budget_yen, evaluator_names=names)


__all__ = ["CHECK_CODES", "METHODS", "Result", "SheetInput", "score_program", "score_workspace"]
