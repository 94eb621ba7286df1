"""Automatic checks: an application against its program's rules (pure functions).

Every mechanism is written once and parameterised by the criteria file: a floor, a rate with
its rounding, a cap, an overhead share, allowed applicant types, a corporation's partner
rule, field models per track, required declarations, excluded prior years, required
documents, and the auto bonus bands.

Inside: ``application_problems`` (what makes a file no application to its program), the
registry of automatic checks (``CHECKS``: one small function per code of ``CHECK_CODES``,
registered with ``@check(code)``, each returning a ``CheckResult`` or None when the program
does not define that check), ``run_checks`` and ``reasons`` over it, and ``auto_points``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reviewer.domain import regions
from reviewer.domain.model import (
    SUPPLEMENTARY,
    Application,
    Attachment,
    Criterion,
    Eligibility,
    FileFacts,
    Program,
    RequiredDocument,
    Supplementary,
    ratio,
)
from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS, CHECK_CODES, CHECK_LABELS, FORMAT_LABELS


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


def _types(types: Sequence[str]) -> str:
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
    out.extend(_attachment_problems(app, prog))
    if app.field is not None and app.field not in {f.id for f in prog.fields}:
        known = "、".join(f"{f.id}（{f.name}）" for f in prog.fields)
        out.append((("field",), f"不明な分野です（{app.field}）。" + (f"この事業の分野: {known}" if known
                                                                    else "この事業には分野（fields）がありません")))
    return out


def _attachment_problems(app: Application, prog: Program) -> list[tuple[tuple[Any, ...], str]]:
    """Each attachment names a document of the program, and no file is attached twice."""
    out: list[tuple[tuple[Any, ...], str]] = []
    names = prog.eligibility.document_names()
    seen: set[str] = set()
    for i, att in enumerate(app.attachments):
        if att.file is not None:
            out.append((("attachments", i, "file"), "file は書けません（ファイルから読み取ります）"))
        if att.document not in names:
            known = "、".join(sorted(names))
            out.append((("attachments", i, "document"), f"この事業の書類名ではありません（{att.document}）。書類名: {known}"))
        if att.path in seen:
            out.append((("attachments", i, "path"), f"同じファイルが二度添付されています（{att.path}）"))
        seen.add(att.path)
    return out


# ---------------------------------------------------------------------------
# The automatic checks: one function per code, registered in CHECK_CODES order

#: One automatic check: its result, or None when the program does not define it.
Check = Callable[[Application, Program], CheckResult | None]

#: The registered checks by code, in CHECK_CODES order (``run_checks`` runs them in turn).
CHECKS: dict[str, Check] = {}


def check(code: str) -> Callable[[Check], Check]:
    """Register the decorated function as the check ``code``; codes come in CHECK_CODES order."""

    def register(fn: Check) -> Check:
        assert len(CHECKS) < len(CHECK_CODES) and CHECK_CODES[len(CHECKS)] == code, (
            f"check {code!r} registered out of CHECK_CODES order"
        )
        CHECKS[code] = fn
        return fn

    return register


@check("applicant-type")
def _applicant_type(app: Application, prog: Program) -> CheckResult | None:
    el = prog.eligibility
    a = app.applicant
    if a.type in el.applicant_types:
        return CheckResult("applicant-type", True, f"応募主体の種別（{APPLICANT_TYPE_LABELS[a.type]}）は対象です")
    return CheckResult(
        "applicant-type", False,
        f"応募主体の種別「{APPLICANT_TYPE_LABELS[a.type]}」は本事業の対象外です（対象: {_types(el.applicant_types)}）",
    )


def _corporation_missing(app: Application, el: Eligibility) -> list[str]:
    """What a corporation applying as the implementing body has not shown."""
    a = app.applicant
    missing: list[str] = []
    if el.corporation_needs_lg_consortium and not any(m.type != "corporation" for m in app.consortium):
        missing.append("地方公共団体を1以上含むコンソーシアムを形成していません")
    if el.corporation_governance:
        if a.governance not in el.corporation_governance:
            missing.append(
                "関連する都道府県又は市区町村との間で、出資・包括連携協定・コンソーシアム組成等による"
                "ガバナンスが示されていません"
            )
        if not a.related_lg_codes:
            missing.append("ガバナンスを確立した関連する都道府県又は市区町村が示されていません")
        elif not related_in_area(app):
            where = app.area.prefecture if app.area else a.prefecture
            missing.append(f"ガバナンスを確立した関連する都道府県又は市区町村（{'、'.join(a.related_lg_codes)}）が、"
                           f"事業の実施地域（{where}）の団体でもコンソーシアムの構成員でもありません")
    return missing


def related_in_area(app: Application) -> bool:
    """Whether a related local government of a corporation (2(2)) is a 都道府県又は市区町村 of the
    implementation area (its prefecture, or a municipality in it or named in ``area.lg_codes``) or
    a member of the consortium."""
    members = {m.lg_code for m in app.consortium if m.lg_code}
    where = app.area.prefecture if app.area else app.applicant.prefecture
    want = regions.PREFECTURE_CODES[where]
    area = set(app.area.lg_codes) if app.area else set()
    known = regions.municipalities()
    return any(code in members or code in area or (code in known and code[:2] == want)
               for code in app.applicant.related_lg_codes)


@check("consortium")
def _consortium(app: Application, prog: Program) -> CheckResult | None:
    """The corporation's partner rule."""
    el = prog.eligibility
    if not (el.corporation_needs_lg_consortium or el.corporation_governance):
        return None
    if app.applicant.type != "corporation":
        return CheckResult("consortium", True, "実施団体が地方公共団体等のため、連携体制の要件は満たしています")
    missing = _corporation_missing(app, el)
    if missing:
        return CheckResult(
            "consortium", False, "法人格を有する組織が実施団体となる場合の要件を満たしません: " + "。".join(missing),
        )
    return CheckResult("consortium", True, "法人格を有する組織として、地方公共団体との連携・ガバナンスが示されています")


@check("min-cost")
def _min_cost(app: Application, prog: Program) -> CheckResult | None:
    f = prog.funding
    if f is None or f.min_total_cost_yen is None:
        return None
    b = app.budget
    ok = b.total_cost_yen >= f.min_total_cost_yen
    return CheckResult(
        "min-cost", ok,
        f"事業費総額 {yen(b.total_cost_yen)} は下限 {yen(f.min_total_cost_yen)} "
        + ("以上です" if ok else "を下回っています"),
    )


@check("subsidy-rate")
def _subsidy_rate(app: Application, prog: Program) -> CheckResult | None:
    """The rate, with the cut (rounding down to a unit)."""
    f = prog.funding
    if f is None:
        return None
    b = app.budget
    limit = f.max_subsidy(b.total_cost_yen)
    ok = b.requested_subsidy_yen <= limit
    cut = "" if f.round_down_yen == 1 else f"、{yen(f.round_down_yen)}未満切捨て"
    return CheckResult(
        "subsidy-rate", ok,
        f"補助金申請額 {yen(b.requested_subsidy_yen)} は補助率の上限 {yen(limit)}"
        f"（事業費総額 {yen(b.total_cost_yen)} × {_ratio(f.subsidy_rate)}{cut}）"
        + ("以内です" if ok else "を超えています"),
    )


@check("subsidy-cap")
def _subsidy_cap(app: Application, prog: Program) -> CheckResult | None:
    f = prog.funding
    if f is None or f.cap_yen is None:
        return None
    b = app.budget
    ok = b.requested_subsidy_yen <= f.cap_yen
    return CheckResult(
        "subsidy-cap", ok,
        f"補助金申請額 {yen(b.requested_subsidy_yen)} は上限額 {yen(f.cap_yen)} "
        + ("以内です" if ok else "を超えています"),
    )


@check("overhead")
def _overhead(app: Application, prog: Program) -> CheckResult | None:
    f = prog.funding
    if f is None or f.overhead_max_ratio is None:
        return None
    b = app.budget
    allowed = b.direct_cost_yen * ratio(f.overhead_max_ratio)
    ok = b.overhead_yen <= allowed
    return CheckResult(
        "overhead", ok,
        f"一般管理費 {yen(b.overhead_yen)} は直接経費 {yen(b.direct_cost_yen)} の "
        f"{_ratio(f.overhead_max_ratio)}（{yen(int(allowed))}）"
        + ("以内です" if ok else "を超えています"),
    )


@check("model")
def _model(app: Application, prog: Program) -> CheckResult | None:
    """A known field model outside the application's track (an unknown one is a load problem)."""
    numbers = prog.model_numbers
    if not numbers or app.model not in numbers:
        return None
    track, model = numbers[app.model]
    if track.id == app.track:
        return CheckResult("model", True, f"分野別モデル {model.number}「{model.name}」は{track.name}の対象モデルです")
    own = prog.track(app.track)
    own_numbers = "・".join(str(m.number) for m in own.models) if own else ""
    own_name = own.name if own else str(app.track)
    return CheckResult(
        "model", False,
        f"分野別モデル {model.number}「{model.name}」は{track.name}のモデルで、"
        f"申請の{own_name}の対象モデル（{own_numbers}）ではありません",
    )


@check("commitment")
def _commitment(app: Application, prog: Program) -> CheckResult | None:
    required = prog.eligibility.required_declarations
    if not required:
        return None
    d = app.declarations
    missing = [r.label for r in required if getattr(d, r.key) is not True]
    if missing:
        return CheckResult("commitment", False, "次の応募条件が表明されていません: " + "／".join(missing))
    return CheckResult("commitment", True, "応募条件（" + "／".join(r.label for r in required) + "）が表明されています")


@check("prior-support")
def _prior_support(app: Application, prog: Program) -> CheckResult | None:
    el = prog.eligibility
    if not el.excluded_prior_support_years:
        return None
    hit = sorted(set(app.declarations.prior_support_years) & set(el.excluded_prior_support_years))
    what = el.prior_support_label or "同種の支援事業"
    years = "・".join(f"{y}年度" for y in el.excluded_prior_support_years)
    if hit:
        return CheckResult(
            "prior-support", False,
            f"{'・'.join(f'{y}年度' for y in hit)}に{what}の支援対象となっています（{years}の支援対象は応募できません）",
        )
    return CheckResult("prior-support", True, f"{years}の{what}の支援対象ではありません")


@check("documents")
def _documents(app: Application, prog: Program) -> CheckResult | None:
    """The documents required of the applicant's type: declared, or, where the application has
    attachments, attached in an allowed format within the page limits (SPEC §6.2)."""
    el = prog.eligibility
    required = [r for r in el.required_documents if r.applicant_types is None or app.applicant.type in r.applicant_types]
    if not required and not app.attachments:
        return None
    names = "、".join(r.name for r in required)
    if not app.attachments:
        given = set(app.declarations.documents or [])
        missing = [r.name for r in required if r.name not in given]
        if missing:
            return CheckResult("documents", False, "提出書類が不足しています: " + "、".join(missing))
        return CheckResult("documents", True, "必要な提出書類（" + names + "）がそろっています")
    failures = attachment_failures(app, prog, required)
    if failures:
        return CheckResult("documents", False, "。".join(failures))
    said = f"必要な提出書類（{names}）が添付されています" if names else "添付ファイルに問題はありません"
    return CheckResult("documents", True, said + f"（添付 {len(app.attachments)} 件）")


def attachment_failures(app: Application, prog: Program, required: list[RequiredDocument]) -> list[str]:
    """Why the attachments do not meet the documents rules, a sentence each naming the file."""
    el = prog.eligibility
    out: list[str] = []
    attached = {att.document for att in app.attachments}
    out += [f"{r.name}が添付されていません" for r in required if r.name not in attached]
    rules = {r.name: (r.formats, r.max_pages) for r in required}
    sup = el.supplementary
    counted: list[Attachment] = []
    for att in app.attachments:
        formats, max_pages = rules.get(att.document, (sup.formats if sup else None, None))
        facts = att.file
        if facts is None:
            continue
        if formats and facts.format not in formats:
            allowed = "・".join(FORMAT_LABELS[f] for f in formats)
            out.append(f"{att.document}（{att.path}）は {FORMAT_LABELS[facts.format]} のファイルですが、"
                       f"{allowed} で提出する書類です")
        if max_pages is not None and facts.pages > max_pages:
            out.append(f"{att.document}（{att.path}）は {_pages(facts)} で、{max_pages} ページ以内の定めを超えています")
        if att.document not in rules and (sup is None or att.document not in sup.uncounted):
            counted.append(att)
    out += _supplementary_pages(counted, sup)
    total = sum(att.file.size for att in app.attachments if att.file)
    if el.max_total_bytes is not None and total > el.max_total_bytes:
        out.append(f"添付ファイルが計 {_mb(total)} で、{_mb(el.max_total_bytes)} 以内の定めを超えています"
                   + (f"（{el.max_total_note}）" if el.max_total_note else ""))
    declared = app.declarations.documents
    if declared is not None:
        names = {r.name for r in el.required_documents}
        differ = sorted({d for d in declared if d in names} ^ (attached & names))
        if differ:
            out.append("申告した提出書類（declarations.documents）と添付ファイルが食い違っています: " + "、".join(differ))
    return out


def _pages(facts: FileFacts) -> str:
    return f"{facts.pages} ページ" + ("（推定）" if facts.estimated else "")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _supplementary_pages(counted: list[Attachment], sup: Supplementary | None) -> list[str]:
    """補足資料 over its page limit in total (the uncounted documents, e.g. 首長レター, left out)."""
    if sup is None or sup.max_pages is None or not counted:
        return []
    total = sum(att.file.pages for att in counted if att.file)
    if total <= sup.max_pages:
        return []
    each = "、".join(f"{att.path} {_pages(att.file)}" for att in counted if att.file)
    return [f"{SUPPLEMENTARY}が計 {total} ページで、{sup.max_pages} ページ以内の定めを超えています（{each}）"]


assert tuple(CHECKS) == CHECK_CODES, f"the registered checks {tuple(CHECKS)} are not CHECK_CODES"


def run_checks(app: Application, prog: Program) -> list[CheckResult]:
    """Every automatic check that the program defines, passed or not, in CHECK_CODES order."""
    results: list[CheckResult] = []
    for run in CHECKS.values():
        result = run(app, prog)
        if result is not None:
            results.append(result)
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


def grant_notes(app: Application, prog: Program) -> list[str]:
    """What a selected application must still have by the 交付申請 (``grant_conditions``), where
    its declaration falls short: e.g. a municipality whose 官民データ活用推進計画 is 未策定."""
    out = []
    for cond in prog.eligibility.grant_conditions:
        if cond.applicant_types is not None and app.applicant.type not in cond.applicant_types:
            continue
        declared = getattr(app.declarations, cond.key)
        if declared != cond.value:
            out.append(f"{cond.label}（申告: {declared or '申告なし'}）")
    return out
