"""Automatic checks: an application against its program's rules (pure functions).

Every mechanism is written once and parameterised by the criteria file: a floor, a rate with
its rounding, a cap, an overhead share, allowed applicant types, a corporation's partner
rule, field models per track, required declarations, excluded prior years, required
documents, and the auto bonus bands.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from reviewer.domain.model import Application, Criterion, Program, ratio
from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS, CHECK_LABELS


@dataclass(frozen=True)
class CheckResult:
    code: str
    passed: bool
    message: str

    @property
    def label(self) -> str:
        return CHECK_LABELS[self.code]


def yen(n: int) -> str:
    return f"{n:,}円"


@functools.lru_cache(maxsize=64)
def _ratio(r: str) -> str:
    f = ratio(r)
    return f"{f.numerator}/{f.denominator}"


def _types(types: list[str]) -> str:
    return "・".join(APPLICANT_TYPE_LABELS[t] for t in types)


# ---------------------------------------------------------------------------
# Program-dependent validation (a file that breaks these is rejected, not ranked)


def application_problems(app: Application, prog: Program) -> list[tuple[tuple[Any, ...], str]]:
    """Why ``app`` is not a well-formed application to ``prog`` (location, message)."""
    out: list[tuple[tuple[Any, ...], str]] = []
    if prog.tracks:
        ids = [t.id for t in prog.tracks]
        if app.track is None:
            out.append((("track",), f"この事業では track（要件: {'・'.join(ids)}）が必要です"))
        elif app.track not in ids:
            out.append((("track",), f"不明な要件です（{app.track}）。この事業の要件: {'・'.join(ids)}"))
    elif app.track is not None:
        out.append((("track",), "この事業には要件（track）がありません"))
    numbers = prog.model_numbers
    if numbers:
        if app.model is None:
            out.append((("model",), f"この事業では model（分野別モデルの番号 {min(numbers)}〜{max(numbers)}）が必要です"))
        elif app.model not in numbers:
            out.append((("model",), f"不明な分野別モデルです（{app.model}）。この事業のモデル: {min(numbers)}〜{max(numbers)}"))
    elif app.model is not None:
        out.append((("model",), "この事業には分野別モデルがありません"))
    if not prog.gives_money and app.budget.requested_subsidy_yen:
        out.append((("budget", "requested_subsidy_yen"), "この事業は補助金を交付しない（支援型の）事業です。0 を書いてください"))
    return out


# ---------------------------------------------------------------------------
# The automatic checks


def run_checks(app: Application, prog: Program) -> list[CheckResult]:
    """Every automatic check that the program defines, passed or not, in CHECK_CODES order."""
    results: list[CheckResult] = []
    el = prog.eligibility
    a = app.applicant
    b = app.budget

    # applicant-type
    if a.type in el.applicant_types:
        results.append(CheckResult("applicant-type", True, f"応募主体の種別（{APPLICANT_TYPE_LABELS[a.type]}）は対象です"))
    else:
        results.append(CheckResult(
            "applicant-type", False,
            f"応募主体の種別「{APPLICANT_TYPE_LABELS[a.type]}」は本事業の対象外です（対象: {_types(el.applicant_types)}）",
        ))

    # consortium: the corporation's partner rule
    if el.corporation_needs_lg_consortium or el.corporation_governance:
        if a.type != "corporation":
            results.append(CheckResult("consortium", True, "実施団体が地方公共団体等のため、連携体制の要件は満たしています"))
        else:
            missing: list[str] = []
            if el.corporation_needs_lg_consortium and not any(m.type != "corporation" for m in app.consortium):
                missing.append("地方公共団体を1以上含むコンソーシアムを形成していません")
            if el.corporation_governance:
                if a.governance not in el.corporation_governance:
                    missing.append("関連する都道府県又は市区町村との間で、出資・包括連携協定・コンソーシアム組成等によるガバナンス（governance）が示されていません")
                if not a.related_lg_codes:
                    missing.append("ガバナンスを確立した関連自治体（related_lg_codes）が示されていません")
            if missing:
                results.append(CheckResult("consortium", False, "法人格を有する組織が実施団体となる場合の要件を満たしません: " + "。".join(missing)))
            else:
                results.append(CheckResult("consortium", True, "法人格を有する組織として、地方公共団体との連携・ガバナンスが示されています"))

    f = prog.funding
    if f is not None:
        # min-cost
        if f.min_total_cost_yen is not None:
            ok = b.total_cost_yen >= f.min_total_cost_yen
            results.append(CheckResult(
                "min-cost", ok,
                f"事業費総額 {yen(b.total_cost_yen)} は下限 {yen(f.min_total_cost_yen)} "
                + ("以上です" if ok else "を下回っています"),
            ))
        # subsidy-rate, with the cut
        limit = f.max_subsidy(b.total_cost_yen)
        ok = b.requested_subsidy_yen <= limit
        cut = "" if f.round_down_yen == 1 else f"、{yen(f.round_down_yen)}未満切捨て"
        results.append(CheckResult(
            "subsidy-rate", ok,
            f"補助金申請額 {yen(b.requested_subsidy_yen)} は補助率の上限 {yen(limit)}"
            f"（事業費総額 {yen(b.total_cost_yen)} × {_ratio(f.subsidy_rate)}{cut}）"
            + ("以内です" if ok else "を超えています"),
        ))
        # subsidy-cap
        if f.cap_yen is not None:
            ok = b.requested_subsidy_yen <= f.cap_yen
            results.append(CheckResult(
                "subsidy-cap", ok,
                f"補助金申請額 {yen(b.requested_subsidy_yen)} は上限額 {yen(f.cap_yen)} "
                + ("以内です" if ok else "を超えています"),
            ))
        # overhead
        if f.overhead_max_ratio is not None:
            allowed = b.direct_cost_yen * ratio(f.overhead_max_ratio)
            ok = b.overhead_yen <= allowed
            results.append(CheckResult(
                "overhead", ok,
                f"一般管理費 {yen(b.overhead_yen)} は直接経費 {yen(b.direct_cost_yen)} の "
                f"{_ratio(f.overhead_max_ratio)}（{yen(int(allowed))}）"
                + ("以内です" if ok else "を超えています"),
            ))

    # model: a model outside its track
    numbers = prog.model_numbers
    if numbers and app.model in numbers:
        track, model = numbers[app.model]
        if track.id == app.track:
            results.append(CheckResult("model", True, f"分野別モデル {model.number}「{model.name}」は{track.name}の対象モデルです"))
        else:
            own = prog.track(app.track)
            own_numbers = "・".join(str(m.number) for m in own.models) if own else ""
            own_name = own.name if own else str(app.track)
            results.append(CheckResult(
                "model", False,
                f"分野別モデル {model.number}「{model.name}」は{track.name}のモデルで、"
                f"申請の{own_name}の対象モデル（{own_numbers}）ではありません",
            ))

    # commitment
    if el.required_declarations:
        d = app.declarations
        missing = [r.label for r in el.required_declarations if getattr(d, r.key) is not True]
        if missing:
            results.append(CheckResult("commitment", False, "次の応募条件が表明されていません: " + "／".join(missing)))
        else:
            results.append(CheckResult("commitment", True, "応募条件（" + "／".join(r.label for r in el.required_declarations) + "）が表明されています"))

    # prior-support
    if el.excluded_prior_support_years:
        hit = sorted(set(app.declarations.prior_support_years) & set(el.excluded_prior_support_years))
        what = el.prior_support_label or "同種の支援事業"
        years = "・".join(f"{y}年度" for y in el.excluded_prior_support_years)
        if hit:
            results.append(CheckResult(
                "prior-support", False,
                f"{'・'.join(f'{y}年度' for y in hit)}に{what}の支援対象となっています（{years}の支援対象は応募できません）",
            ))
        else:
            results.append(CheckResult("prior-support", True, f"{years}の{what}の支援対象ではありません"))

    # documents
    required = [r.name for r in el.required_documents if r.applicant_types is None or a.type in r.applicant_types]
    if required:
        given = set(app.declarations.documents or [])
        missing = [name for name in required if name not in given]
        if missing:
            results.append(CheckResult("documents", False, "提出書類が不足しています: " + "、".join(missing)))
        else:
            results.append(CheckResult("documents", True, "必要な提出書類（" + "、".join(required) + "）がそろっています"))
    return results


def reasons(app: Application, prog: Program) -> list[str]:
    """The codes of the failed automatic checks."""
    return [r.code for r in run_checks(app, prog) if not r.passed]


def auto_points(criterion: Criterion, app: Application) -> float:
    """Points of an auto criterion from the application's declaration (before the
    oversubscription condition, which scoring applies)."""
    value = getattr(app.declarations, criterion.source or "", None)
    if value is None:
        return criterion.default_points
    for band in sorted(criterion.bands, key=lambda b: b.min, reverse=True):
        if value >= band.min:
            return band.points
    return criterion.default_points
