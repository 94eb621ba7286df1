"""Synthetic review data for benchmarks and demos (``reviewer synth``).

``generate`` makes one deterministic data set for a program from a seed:

- **applications** spread over the real municipalities of ``reviewer.domain.regions.municipalities()``
  (every bureau is present from 11 applications on). The applicant type follows the code:
  指定都市 → ``designated_city``, 東京23区 → ``special_ward``, 町 → ``town``, 村 → ``village``,
  市 → ``core_city`` (the 中核市 list below) or ``city``, a prefecture's own row →
  ``prefecture``; corporations (with ``governance`` and ``related_lg_codes`` where the program
  asks for them, with a local government in the consortium where the program asks for that).
  Only the types the program accepts are drawn. Associations (一部事務組合・広域連合) are not
  drawn: the shipped code list has none of their codes.
- **budgets** follow the program's ``[funding]`` (floor, rate with its rounding, cap, overhead
  share); about 5 % of the applications break exactly one automatic check (a cost below the
  floor, the 千円未満切捨て forgotten, the cap exceeded, too much overhead, a missing document,
  a missing declaration, an excluded prior year, a corporation without governance, a model of
  another track, an applicant type the program does not accept: whichever the program has).
- **declarations** the program reads (``mynumber_card_rate`` for an auto bonus, the required
  declarations, ``documents``, ``prior_support_years``, ``data_utilization_plan``) and a track
  and model where the program has them; short Japanese narrative sections from templates.
- a **panel** of E evaluators (role evaluator, ``programs = [program]``, prefectures spread over
  the country, a few with a conflict of interest when the panel is large enough) and one chair
  (id ``chair``).
- an **assignment** of K evaluators per application by ``reviewer.rules.assign.plan_assignment``
  (balanced loads, conflicts avoided; the same seed gives the same plan).
- one **submitted sheet** per assignment: score = latent quality of the application + the
  evaluator's bias (a few clearly harsh or lenient) + a per-criterion offset + noise, a few
  outlier sheets (disagreement); must items pass, but a few applications have a weak must item
  that most of their evaluators fail, and a rare single fail; a comment from templates.

Everything is validated by the real models (``Application``, ``Panel``, ``Sheet``) and rules
(``application_problems``, ``sheet_problems``), and the intended automatic-check failures are
confirmed with ``run_checks``. The same seed always gives the same data (timestamps aside):
applications depend on (program, N, seed) only, the panel on (program, E, K, seed).

``synth_workspace`` writes the data into a new workspace the way ``reviewer init`` does (a
temporary folder renamed into place, 0700/0600, the criteria, application and panel contents
stored with their hashes, the rows ``init`` and ``Workspace._write_sheet`` write), directly with
SQL inside ONE transaction. The audit log gets ONE SUMMARY ROW PER BULK ACTION instead of one
per object: ``criteria-add`` (1), ``application-add`` (1, application NULL, count in ``new``),
``panel-load`` (1), ``assign`` (1, as ``reviewer assign`` writes it), ``sheet-submit`` (1,
application and evaluator NULL, count in ``new``) and ``init`` (1); each detail starts with
``synth``. Assignments have source ``auto`` (as after ``reviewer assign``); the stored panel
content is the roster without ``[[assignments]]``.

``write_inputs`` writes the same data as TOML files: ``criteria/<program>.toml`` (a copy),
``applications/<id>.toml``, ``panel.toml`` (the roster and the assignment as
``[[assignments]]``) and ``scores/<evaluator>.toml`` in the format of
``sample_applications/scores``. The application files are byte for byte the contents that
``synth_workspace`` stores.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from reviewer.domain import regions
from reviewer.domain.model import Application, Criterion, Funding, Panel, Program, Sheet
from reviewer.files.toml import toml_string
from reviewer.workspace import WorkspaceError, bulk
from reviewer.workspace.audit import audit_row
from reviewer.workspace.base import transaction
from reviewer.workspace.clock import current_user, now
from reviewer.workspace.encoding import sha256
from reviewer.workspace.schema import building

#: Limits of the command (a mistyped extra zero should fail fast, not fill the disk).
MAX_APPLICATIONS = 1_000_000
MAX_EVALUATORS = 100_000

#: How often each applicant type is drawn (before the program's eligibility filters them).
TYPE_WEIGHTS: dict[str, float] = {
    "city": 0.36, "core_city": 0.08, "town": 0.24, "village": 0.06, "special_ward": 0.03,
    "designated_city": 0.05, "prefecture": 0.04, "corporation": 0.14,
}
#: Share of applications that break exactly one automatic check.
VIOLATION_RATE = 0.05
#: Share of applications with a weak must item (most of their evaluators fail it).
WEAK_MUST_RATE = 0.03
#: Chance of a lone "fail" on any must item of any sheet.
LONE_FAIL_RATE = 0.003
#: Share of sheets far from the panel's view (disagreement).
OUTLIER_RATE = 0.04

#: Population range (万人) by applicant type, for the narrative.
POPULATION_MAN = {"prefecture": (55, 1400), "designated_city": (70, 370), "core_city": (20, 60),
                  "city": (2, 20), "special_ward": (6, 90), "town": (0.3, 4), "village": (0.1, 1)}
ID_PREFIXES = {"r5-smartcity-2": "SC", "r2-iot": "IOT", "r2-ai-plan": "AIP"}
CHAIR_ID = "chair"

FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田",
          "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本",
          "阿部", "石川", "山下", "中島", "石井", "小川", "前田", "岡田", "長谷川", "藤田", "後藤", "近藤")
GIVEN = ("太郎", "花子", "一郎", "美咲", "健", "由紀", "直樹", "洋子", "大輔", "恵", "翔太", "陽子",
         "誠", "裕子", "拓也", "真由美", "浩", "彩", "隆", "智子", "亮", "舞", "修", "紀子", "悠", "香織",
         "剛", "明美", "聡", "千尋", "学", "愛")
AFFILIATIONS = (
    "{pref_stem}の国立大学 大学院情報学研究科 教授", "{pref_stem}の私立大学 総合政策学部 准教授",
    "一般財団法人 地域情報化推進機構 主任研究員", "株式会社 {pref_stem}地域総合研究所 研究員",
    "公認会計士・税理士", "地方行政DXコンサルタント", "元 {pref_stem}の自治体 CIO補佐官",
    "国立研究開発法人 情報通信研究機構 研究員", "中小企業診断士", "弁護士（情報法）",
)
CORP_FORMS = ("株式会社", "一般社団法人", "合同会社", "特定非営利活動法人", "一般財団法人")
CORP_SUFFIXES = ("データサービス", "スマートシティ推進機構", "デジタルソリューションズ", "まちづくり会社",
                 "地域DX研究所", "ICTパートナーズ", "スマートコミュニティ協議会", "情報センター")
THEMES = (  # (theme, KPI, service)
    ("地域交通", "デマンド交通の利用回数", "デマンド交通の予約・配車"),
    ("防災", "避難情報の到達率", "避難所の混雑情報の配信"),
    ("子育て支援", "子育て手続きのオンライン利用率", "子育て手続きのオンライン化"),
    ("健康づくり", "特定健診の受診率", "健康ポイントと受診勧奨"),
    ("観光", "観光客の周遊率", "観光周遊アプリ"),
    ("高齢者の見守り", "見守りサービスの登録者数", "見守りセンサーと通知"),
    ("農業", "作業時間の削減率", "農地センサーによる水管理"),
    ("行政手続", "窓口の平均待ち時間", "行政手続のオンライン化"),
    ("エネルギー", "公共施設の電力使用量", "エネルギー使用量の見える化"),
    ("中心市街地の活性化", "中心市街地の歩行者通行量", "人流データの可視化"),
)
TECHS = ("都市OS", "データ連携基盤", "AI", "IoTセンサー", "デジタル市民ID", "クラウド")
PARTNERS = ("地元の交通事業者", "地域の医師会", "地元の大学", "高等専門学校", "地元IT企業", "商工会議所",
            "農業協同組合", "観光協会", "社会福祉協議会", "市民団体")
FUNDING_SOURCES = ("利用者課金", "協議会参加企業の負担金", "広告収入", "ふるさと納税", "一般財源の一部")


class SynthError(WorkspaceError):
    """Bad input to the generator (a Japanese message; the command exits 1)."""


@dataclass
class SynthData:
    """One generated data set (see the module docstring)."""

    program: Program
    criteria_path: Path
    criteria_text: str
    seed: int
    reviews_per_application: int
    applications: list[Application]                     # by id
    application_texts: dict[str, str]                   # id → TOML text
    intended_failures: dict[str, str]                   # id → the check code it breaks
    panel: Panel                                        # the roster, without assignments
    pairs: list[tuple[str, str]]                        # (application, evaluator), sorted
    loads: dict[str, int]
    sheets: list[tuple[str, str, str, dict[str, Any]]]  # (application, evaluator, comment, scores)
    biases: dict[str, float] = field(default_factory=dict)

    @property
    def chair(self) -> str:
        return CHAIR_ID


# ---------------------------------------------------------------------------
# input checks and the program


def check_params(applications: int, evaluators: int, reviews_per_application: int, seed: int) -> None:
    problems = []
    if not isinstance(applications, int) or not 1 <= applications <= MAX_APPLICATIONS:
        problems.append(f"申請数（--applications）は 1 以上 {MAX_APPLICATIONS:,} 以下です（{applications}）")
    if not isinstance(evaluators, int) or not 1 <= evaluators <= MAX_EVALUATORS:
        problems.append(f"評価者数（--evaluators）は 1 以上 {MAX_EVALUATORS:,} 以下です（{evaluators}）")
    if not isinstance(reviews_per_application, int) or reviews_per_application < 1:
        problems.append(f"1件あたりの評価数（--reviews-per-application）は 1 以上です（{reviews_per_application}）")
    elif isinstance(evaluators, int) and reviews_per_application > evaluators:
        problems.append(
            f"1件あたりの評価数 {reviews_per_application} が評価者数 {evaluators} を超えています"
            "（同じ申請を同じ評価者が2回評価することはできません）")
    if not isinstance(seed, int) or not 0 <= seed < 2**63:
        problems.append(f"乱数の種（--seed）は 0 以上の整数です（{seed}）")
    if problems:
        raise SynthError(*problems)


def load_program(program_id: str, criteria_dir: Path | None = None) -> tuple[Program, Path, str]:
    """The program, the file it came from and that file's text."""
    from reviewer.files.load import load_paths
    from reviewer.shipped import criteria_dir as shipped

    folder = Path(criteria_dir) if criteria_dir is not None else shipped()
    if not folder.exists():
        raise SynthError(f"{folder}: 審査基準のフォルダが見つかりません")
    bundle = load_paths([folder], only={"criteria"})
    if bundle.problems:
        raise SynthError(*[str(p) for p in bundle.problems])
    item = next((f for f in bundle.files if f.kind == "criteria" and f.obj.id == program_id), None)
    if item is None:
        known = "、".join(sorted(bundle.programs)) or "なし"
        raise SynthError(f"事業 {program_id} の審査基準がありません（{folder} にある事業: {known}）")
    path = Path(item.path)
    return item.obj, path, path.read_text("utf-8-sig")


# ---------------------------------------------------------------------------
# applications


class _Pool:
    """The real municipalities by type, by prefecture and by bureau."""

    def __init__(self) -> None:
        self.by_type: dict[str, list[regions.Municipality]] = {}
        self.by_pref: dict[str, list[regions.Municipality]] = {}
        self.by_bureau_type: dict[tuple[str, str], list[regions.Municipality]] = {}
        self.type_of: dict[str, str] = {}
        for code in sorted(regions.municipalities()):
            m = regions.municipalities()[code]
            t = regions.entity_type(m)
            if t is None:
                continue
            self.type_of[code] = t
            self.by_type.setdefault(t, []).append(m)
            if t != "prefecture":
                self.by_pref.setdefault(m.prefecture, []).append(m)
            self.by_bureau_type.setdefault((regions.bureau_of(m.prefecture), t), []).append(m)


def _stem(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "市町村区都道府県" else name


def _yen_round(x: float, unit: int = 10_000) -> int:
    return max(unit, int(x // unit) * unit)


def _violation_candidates(prog: Program, allowed: Sequence[str], lg_types_excluded: Sequence[str]) -> list[str]:
    out = []
    f, el = prog.funding, prog.eligibility
    if f is not None:
        if f.min_total_cost_yen:
            out.append("min-cost")
        out.append("subsidy-rate")  # always possible: ask for more than the rate allows
        if f.cap_yen is not None:
            out.append("subsidy-cap")
        if f.overhead_max_ratio is not None:
            out.append("overhead")
    if el.required_documents:
        out.append("documents")
    if el.required_declarations:
        out.append("commitment")
    if el.excluded_prior_support_years:
        out.append("prior-support")
    if "corporation" in allowed and (el.corporation_governance or el.corporation_needs_lg_consortium):
        out.append("consortium")
    if len([t for t in prog.tracks if t.models]) > 1:
        out.append("model")
    if lg_types_excluded:
        out.append("applicant-type")
    return out


def _unrounded_subsidy(f: Funding, rate: Fraction, share: Fraction, total: int, over: int) -> tuple[int, int, int]:
    """The ``subsidy-rate`` violation: the cut to round_down_yen forgotten, total × rate rounded
    up to the yen (or one unit over). Returns (total, overhead, requested); under a cap the total
    is first lowered so that the cap is not broken too (and the overhead dropped if it then
    exceeds its share)."""
    if f.cap_yen is not None:
        total = min(total, int(f.cap_yen / rate) - 4 * f.round_down_yen)
        if over > (total - over) * share:
            over = 0
    exact = math.ceil(total * rate)
    if exact <= f.max_subsidy(total):
        total += f.round_down_yen // 2 or 1
        exact = math.ceil(total * rate)
    if exact <= f.max_subsidy(total):
        exact = f.max_subsidy(total) + f.round_down_yen
    return total, over, exact


class _AppMaker:
    def __init__(self, prog: Program, seed: int):
        self.prog = prog
        self.rng = random.Random(f"reviewer-synth/{prog.id}/{seed}/applications")
        self.pool = _Pool()
        allowed = [t for t in TYPE_WEIGHTS if t in prog.eligibility.applicant_types and
                   (t == "corporation" or self.pool.by_type.get(t))]
        if not allowed:
            raise SynthError(f"事業 {prog.id} の応募主体の種別（{prog.eligibility.applicant_types}）に合う団体を作れません")
        self.allowed = allowed
        self.weights = [TYPE_WEIGHTS[t] for t in allowed]
        self.excluded = [t for t in TYPE_WEIGHTS if t != "corporation" and t not in allowed and self.pool.by_type.get(t)]
        self.violations = _violation_candidates(prog, allowed, self.excluded)
        self.must_restricted = any(c.kind == "must" and c.applicant_types is not None for c in prog.criteria)
        self.auto_sources = sorted({c.source for c in prog.criteria if c.kind == "auto" and c.source})
        self.models_by_track = {t.id: [m.number for m in t.models] for t in prog.tracks}
        # how often each track is chosen: by its number of models (at least 1)
        self.track_ids = [t.id for t in prog.tracks]
        self.track_weights = [max(1, len(t.models)) for t in prog.tracks]
        self.municipal_types = [t for t in allowed if t in regions.MUNICIPALITY_TYPES]
        prefix = ID_PREFIXES.get(prog.id) or "".join(ch for ch in prog.id.upper() if ch.isalnum())[:8] or "APP"
        self.prefix = prefix
        self.width = 4

    # -- entities --------------------------------------------------------------------

    def _municipality(self, types: Sequence[str], bureau: str | None = None) -> tuple[regions.Municipality, str]:
        rng = self.rng
        if bureau is not None:
            options = [t for t in types if self.pool.by_bureau_type.get((bureau, t))]
            t = rng.choice(options)
            return rng.choice(self.pool.by_bureau_type[(bureau, t)]), t
        t = rng.choices(types, weights=[TYPE_WEIGHTS[x] for x in types])[0]
        return rng.choice(self.pool.by_type[t]), t

    def _neighbours(self, m: regions.Municipality, k: int) -> list[regions.Municipality]:
        same = [x for x in self.pool.by_pref.get(m.prefecture, []) if x.code != m.code]
        return self.rng.sample(same, min(k, len(same)))

    def _corp_name(self, place: str) -> str:
        return f"{self.rng.choice(CORP_FORMS)}{_stem(place)}{self.rng.choice(CORP_SUFFIXES)}"

    def _member(self, m: regions.Municipality) -> dict[str, Any]:
        return {"name": m.name, "type": self.pool.type_of[m.code], "lg_code": m.code}

    # -- one application ------------------------------------------------------------------

    def make(self, number: int, bureau: str | None, violation: str | None) -> tuple[dict[str, Any], str]:
        doc: dict[str, Any] = {"id": f"{self.prefix}-{number:0{self.width}d}", "program": self.prog.id}
        kind = self._applicant_kind(bureau, violation)
        if kind == "corporation":
            applicant, consortium, place = self._corporation(bureau, violation)
        else:
            applicant, consortium, place = self._local_government(bureau, excluded=kind == "excluded")
        track, model = self._track_and_model(violation)
        theme, kpi, service, tech = self._topic(model)
        doc["title"] = self._title(place, theme, service, tech)
        if track is not None:
            doc["track"] = track
        if model is not None:
            doc["model"] = model
        doc["applicant"] = applicant
        if consortium:
            doc["consortium"] = consortium
        doc["budget"] = self._budget(violation)
        doc["declarations"] = self._declarations(applicant["type"], violation)
        doc["sections"] = self._sections(place, applicant, theme, kpi, service, tech)
        return doc, applicant["type"]

    def _applicant_kind(self, bureau: str | None, violation: str | None) -> str:
        """``corporation``, ``excluded`` (a type the program does not accept) or ``lg``."""
        if violation == "consortium":
            return "corporation"
        if violation == "applicant-type":
            return "excluded"
        # one draw for every application without a bureau, even where corporations may not apply
        if bureau is None and self.rng.random() < (TYPE_WEIGHTS["corporation"] if "corporation" in self.allowed else 0):
            return "corporation"
        return "lg"

    def _corporation(self, bureau: str | None,
                     violation: str | None) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
        """A corporate applicant, its consortium and the host municipality's name."""
        rng, el = self.rng, self.prog.eligibility
        hosts = self.municipal_types or [t for t in ("city", "town") if self.pool.by_type.get(t)]
        host, _ = self._municipality(hosts, bureau)
        place = host.name
        applicant: dict[str, Any] = {"name": self._corp_name(place), "type": "corporation",
                                     "prefecture": host.prefecture}
        partners = [host] + self._neighbours(host, rng.choice((0, 0, 1)))
        if el.corporation_governance:
            applicant["governance"] = rng.choice(el.corporation_governance)
            applicant["related_lg_codes"] = [p.code for p in partners]
        consortium = [self._member(p) for p in partners]
        if rng.random() < 0.5:
            consortium.append({"name": self._corp_name(place), "type": "corporation"})
        if violation == "consortium":
            consortium = self._break_corporation_rules(applicant, consortium, place)
        return applicant, consortium, place

    def _break_corporation_rules(self, applicant: dict[str, Any], consortium: list[dict[str, Any]],
                                 place: str) -> list[dict[str, Any]]:
        """The ``consortium`` violation: no governance (``applicant`` changed in place) and/or no
        local government in the consortium. Returns the consortium."""
        el = self.prog.eligibility
        if el.corporation_governance:
            applicant.pop("governance", None)
            applicant.pop("related_lg_codes", None)
        if el.corporation_needs_lg_consortium:
            consortium = [{"name": self._corp_name(place), "type": "corporation"}]
        return consortium

    def _local_government(self, bureau: str | None,
                          excluded: bool) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
        """A local-government applicant (of a type the program excludes if ``excluded``), its
        consortium and its name."""
        rng = self.rng
        types = self.excluded if excluded else [t for t in self.allowed if t != "corporation"]
        if bureau is not None and not excluded:
            types = [t for t in types if t in regions.MUNICIPALITY_TYPES] or types
        m, t = self._municipality(types, bureau)
        place = m.name
        applicant: dict[str, Any] = {"name": m.name, "type": t, "lg_code": m.code, "prefecture": m.prefecture}
        consortium: list[dict[str, Any]] = []
        if t != "prefecture" and rng.random() < 0.35:
            consortium = [self._member(x) for x in self._neighbours(m, rng.choice((1, 1, 2)))]
        elif t == "prefecture" and rng.random() < 0.5:
            members = self.pool.by_pref.get(m.prefecture, [])
            consortium = [self._member(x) for x in rng.sample(members, min(2, len(members)))]
        if rng.random() < 0.4:
            consortium.append({"name": self._corp_name(place), "type": "corporation"})
        return applicant, consortium, place

    def _track_and_model(self, violation: str | None) -> tuple[str | None, int | None]:
        """The track (by weight) and a model of it; for the ``model`` violation, a model of another track."""
        rng = self.rng
        if not self.track_ids:
            return None, None
        model = None
        track = rng.choices(self.track_ids, weights=self.track_weights)[0]
        if self.models_by_track[track]:
            model = rng.choice(self.models_by_track[track])
        if violation == "model":
            others = [n for t, ns in self.models_by_track.items() if t != track for n in ns]
            if not self.models_by_track[track] or not others:
                track = next(t for t, ns in self.models_by_track.items() if ns)
                others = [n for t, ns in self.models_by_track.items() if t != track for n in ns]
            model = rng.choice(others)
        return track, model

    def _topic(self, model: int | None) -> tuple[str, str, str, str]:
        """(theme, KPI, service, technology) of the narrative; a model names the theme and service."""
        theme, kpi, service = self.rng.choice(THEMES)
        if model is not None:
            service = theme = self.prog.model_numbers[model][1].name
        tech = self.rng.choice(TECHS)
        return theme, kpi, service, tech

    def _title(self, place: str, theme: str, service: str, tech: str) -> str:
        return self.rng.choice((
            f"{tech}を活用した{place}の{theme}高度化事業",
            f"{place}における{service}の実装事業",
            f"{tech}と{service}による{_stem(place)}地域の課題解決",
            f"{_stem(place)}版{theme}DXの推進",
        ))

    def _budget(self, violation: str | None) -> dict[str, int]:
        f = self.prog.funding
        if f is None:
            return {"total_cost_yen": 0, "requested_subsidy_yen": 0}
        rate = Fraction(f.subsidy_rate)
        share = Fraction(f.overhead_max_ratio) if f.overhead_max_ratio else Fraction(0)
        direct = self._direct_cost(f, rate, violation)
        over = self._overhead(direct, share, violation)
        total = direct + over
        if violation == "subsidy-rate":
            total, over, requested = _unrounded_subsidy(f, rate, share, total, over)
        else:
            requested = self._requested_subsidy(f, total, violation)
        out = {"total_cost_yen": total}
        if over:
            out["overhead_yen"] = over
        out["requested_subsidy_yen"] = requested
        return out

    def _direct_cost(self, f: Funding, rate: Fraction, violation: str | None) -> int:
        """Direct costs around a median below the cap (log-normal), below the floor for the
        ``min-cost`` violation, beyond the cap for ``subsidy-cap``."""
        rng = self.rng
        floor = f.min_total_cost_yen or 1_000_000
        median = float(f.cap_yen / rate) * 0.7 if f.cap_yen else floor * 10
        direct = _yen_round(min(max(median * math.exp(rng.gauss(0, 0.55)), floor * 1.2), median * 8))
        if f.cap_yen and violation not in ("subsidy-cap",):
            direct = min(direct, _yen_round(float(f.cap_yen / rate) * 1.3))
        if violation == "min-cost":
            direct = _yen_round(floor * rng.uniform(0.4, 0.85))
        if violation == "subsidy-cap":
            assert f.cap_yen is not None  # a cap violation is planned only where there is a cap
            direct = _yen_round(float(f.cap_yen / rate) * rng.uniform(1.2, 2.0))
        return direct

    def _overhead(self, direct: int, share: Fraction, violation: str | None) -> int:
        """Overhead within ``share`` of the direct costs (often none), beyond it for ``overhead``."""
        rng = self.rng
        over = 0
        if share and rng.random() < 0.8:
            over = _yen_round(float(direct * share) * rng.uniform(0.2, 1.0))
            if over > direct * share:
                over -= 10_000
        if violation == "overhead":
            over = _yen_round(float(direct * share) * rng.uniform(1.2, 1.8)) + 10_000
        return over

    def _requested_subsidy(self, f: Funding, total: int, violation: str | None) -> int:
        """The most the rate and the cap allow (the cap ignored for ``subsidy-cap``); a quarter of
        the valid applications ask for less."""
        requested = f.max_subsidy(total)
        if f.cap_yen is not None and violation != "subsidy-cap":
            requested = min(requested, f.cap_yen)
        if violation is None and self.rng.random() < 0.25:
            requested = int(requested * self.rng.uniform(0.7, 1.0)) // f.round_down_yen * f.round_down_yen
        return requested

    def _declarations(self, type_: str, violation: str | None) -> dict[str, Any]:
        rng, el = self.rng, self.prog.eligibility
        d: dict[str, Any] = {}
        if "mynumber_card_rate" in self.auto_sources:
            d["mynumber_card_rate"] = round(min(0.97, max(0.3, rng.gauss(0.71, 0.08))), 3)
        if self.must_restricted and type_ in regions.MUNICIPALITY_TYPES:
            d["data_utilization_plan"] = rng.choices(("策定済", "策定中", "未策定"), weights=(6, 3, 1))[0]
        if el.excluded_prior_support_years:
            years: list[int] = []
            if violation == "prior-support":
                years = [rng.choice(el.excluded_prior_support_years)]
            elif rng.random() < 0.1:
                years = [min(el.excluded_prior_support_years) - rng.choice((1, 2))]
            d["prior_support_years"] = years
        for i, r in enumerate(el.required_declarations):
            d[r.key] = not (violation == "commitment" and i == len(el.required_declarations) - 1)
        if el.required_documents:
            docs = [r.name for r in el.required_documents if r.applicant_types is None or type_ in r.applicant_types]
            if violation == "documents" and docs:
                docs.pop(rng.randrange(len(docs)))
            d["documents"] = docs
        return d

    def _sections(self, place: str, applicant: dict[str, Any], theme: str, kpi: str, service: str,
                  tech: str) -> list[dict[str, str]]:
        rng = self.rng
        pref = applicant["prefecture"]
        who = "本市" if place.endswith("市") else "本町" if place.endswith("町") else "本村" if place.endswith("村") \
            else "本区" if place.endswith("区") else "本県" if applicant["type"] == "prefecture" else "当法人"
        lo, hi = POPULATION_MAN.get(applicant["type"], (2, 20))
        if applicant["type"] == "corporation":  # the host municipality's size
            lo, hi = (0.3, 20)
        man = rng.uniform(lo, hi)
        pop = f"人口約{round(man * 10)}千人" if man < 1 else f"人口約{round(man)}万人"
        now_v, goal = rng.randint(20, 60), rng.randint(61, 90)
        year = rng.randint(7, 10)
        partners = "、".join(rng.sample(PARTNERS, 3))
        months = rng.choice(((11, 12, 3), (10, 11, 2), (12, 1, 3)))
        cost = rng.randint(3, 60) * 100
        fund = "と".join(rng.sample(FUNDING_SOURCES, 2))
        sections = [
            {"heading": "事業概要", "body": (
                f"{place}（{pref}、{pop}）は、{theme}を地域の重点課題に位置付けている。本事業では、{tech}を活用して"
                f"{service}を整備し、住民と事業者がデータを活用できる環境を整える。構成要素と実施体制は"
                f"応募様式に図示した。")},
            {"heading": "地域課題とKPI", "body": (
                f"{who}では{theme}に関する担い手の不足と情報の分散が課題となっている。KPIは「{kpi}」とし、"
                f"現状の{now_v}％から令和{year}年度末に{goal}％へ高める。効果は四半期ごとに測定し、公表する。")},
            {"heading": "推進体制とスケジュール", "body": (
                f"首長を本部長とする推進本部のもと、{partners}が参画する協議会を{rng.choice(('毎月', '四半期ごとに', '年4回'))}"
                f"開催する。交付決定後、{months[0]}月に要件定義、{months[1]}月から構築に着手し、{months[2]}月に運用を開始する。")},
            {"heading": "持続性・横展開", "body": (
                f"運用費は年間約{cost:,}万円を見込み、{fund}で賄う。データモデルは標準的な形式に準拠し、"
                f"ベンダーロックインを避ける。成果と仕様書は{pref}内の団体に公開し、横展開を図る。")},
        ]
        # a body ends with a newline, as in a file written by hand ("""...\n""")
        return [{"heading": s["heading"], "body": s["body"] + "\n"} for s in sections]


def _generate_applications(prog: Program, n: int, seed: int) -> tuple[list[Application], dict[str, str]]:
    from reviewer.rules.checks import application_problems, run_checks

    maker = _AppMaker(prog, seed)
    maker.width = max(4, len(str(n)))
    rng = maker.rng
    # the first 11 cover every bureau; ids are given after a shuffle, so they sit anywhere
    plan: list[tuple[str | None, str | None]] = []
    for i in range(n):
        bureau = regions.BUREAUS[i] if i < len(regions.BUREAUS) else None
        violation = None
        if bureau is None and maker.violations and rng.random() < VIOLATION_RATE:
            violation = rng.choice(maker.violations)
        plan.append((bureau, violation))
    rng.shuffle(plan)
    apps: list[Application] = []
    intended: dict[str, str] = {}
    for number, (bureau, violation) in enumerate(plan, start=1):
        doc, _ = maker.make(number, bureau, violation)
        try:
            app = Application.model_validate(doc)
        except Exception as e:  # a bug in the generator, never the user's input
            raise AssertionError(f"合成した申請 {doc['id']} が検証を通りません: {e}\n{doc}") from None
        problems = application_problems(app, prog)
        failed = [r.code for r in run_checks(app, prog) if not r.passed]
        if problems or failed != ([violation] if violation else []):
            raise AssertionError(f"合成した申請 {app.id}: 意図した自動審査の結果 {violation} と異なります: {problems or failed}")
        apps.append(app)
        if violation:
            intended[app.id] = violation
    return apps, intended


# ---------------------------------------------------------------------------
# panel and sheets


def _generate_panel(prog: Program, apps: list[Application], e: int, k: int, seed: int) -> tuple[Panel, dict[str, float]]:
    rng = random.Random(f"reviewer-synth/{prog.id}/{seed}/panel/{e}")
    width = max(2, len(str(e)))
    prefs = list(regions.PREFECTURES)
    rng.shuffle(prefs)
    names = [f"{f} {g}" for f in FAMILY for g in GIVEN]
    rng.shuffle(names)
    # conflicts of interest only when a panel is large enough never to run short
    pool = sorted({c for a in apps for c in a.lg_codes})
    rng.shuffle(pool)
    with_conflict = set(rng.sample(range(e), max(1, e // 12))) if e - k >= 5 and pool else set()
    evaluators, biases = [], {}
    for i in range(e):
        eid = f"e{i + 1:0{width}d}"
        pref = prefs[i % len(prefs)]
        ev: dict[str, Any] = {
            "id": eid, "name": names[i % len(names)],
            "affiliation": rng.choice(AFFILIATIONS).format(pref_stem=_stem(pref)),
            "role": "evaluator", "programs": [prog.id], "prefecture": pref,
        }
        if i in with_conflict:
            ev["conflicts"] = [pool.pop()]
        evaluators.append(ev)
        r = rng.random()
        biases[eid] = -1.0 if r < 0.05 else 0.9 if r < 0.10 else rng.gauss(0, 0.4)
    evaluators.append({"id": CHAIR_ID, "name": rng.choice(names), "affiliation": "審査委員会 委員長",
                       "role": "chair", "programs": [prog.id], "prefecture": "東京都"})
    return Panel.model_validate({"evaluators": evaluators}), biases


def _comment(rng: random.Random, scored: dict[str, int], labels: dict[str, str], fails: list[str]) -> str:
    parts = [f"必須要件「{labels[c]}」を満たしているとは判断できない。" for c in fails]
    if scored:
        best = max(scored, key=lambda c: (scored[c], c))
        worst = min(scored, key=lambda c: (scored[c], c))
        rate = 100 * sum(scored.values()) / (5 * len(scored))
        if rate >= 70:
            parts.append(rng.choice((
                f"全体として完成度が高い提案。特に「{labels[best]}」は具体的で説得力がある。",
                f"「{labels[best]}」の記述が明確で、他地域のモデルとなり得る。",
                f"実施体制・スケジュールとも現実的で、「{labels[best]}」が優れている。")))
            parts.append(f"「{labels[worst]}」について補足があればなお良い。")
        elif rate >= 45:
            parts.append(rng.choice((
                f"「{labels[best]}」は評価できるが、「{labels[worst]}」の記述が抽象的であり、具体的な数値や体制を示されたい。",
                f"標準的な提案。「{labels[worst]}」の根拠が弱く、KPIの設定根拠の説明が望まれる。",
                f"「{labels[best]}」に一定の工夫が見られる一方、「{labels[worst]}」は検討が不十分。")))
        else:
            parts.append(rng.choice((
                f"全体に具体性を欠く。「{labels[worst]}」が特に不十分で、実施体制と費用対効果の根拠を補強する必要がある。",
                f"「{labels[worst]}」の記述がほとんどなく、事業の実現性に疑問が残る。",
                f"提案の熟度が低い。「{labels[worst]}」を含め、計画全体の再検討が望まれる。")))
    return "".join(parts) or "特記事項なし。"


def _generate_sheets(prog: Program, apps: list[Application], pairs: list[tuple[str, str]],
                     biases: dict[str, float], seed: int) -> list[tuple[str, str, str, dict[str, Any]]]:
    from reviewer.rules.sheets import sheet_problems

    rng = random.Random(f"reviewer-synth/{prog.id}/{seed}/sheets")
    labels = {c.id: c.label for c in prog.criteria}
    offsets = {c.id: rng.gauss(0, 0.35) for c in prog.criteria if c.kind == "scored"}
    by_id = {a.id: a for a in apps}
    applicable: dict[tuple[str | None, str], list[Criterion]] = {}
    quality: dict[str, float] = {}
    weak: dict[str, str | None] = {}
    out = []
    for aid, eid in pairs:
        app = by_id[aid]
        key = (app.track, app.applicant.type)
        crits = applicable.get(key)
        if crits is None:
            crits = applicable[key] = [c for c in prog.applicable(app) if c.kind in ("must", "scored")]
        if aid not in quality:
            arng = random.Random(f"reviewer-synth/{prog.id}/{seed}/app/{aid}")
            quality[aid] = min(4.9, max(0.3, arng.gauss(3.0, 0.75)))
            musts = [c.id for c in crits if c.kind == "must"]
            weak[aid] = arng.choice(musts) if musts and arng.random() < WEAK_MUST_RATE else None
        level = quality[aid] + biases.get(eid, 0.0)
        if rng.random() < OUTLIER_RATE:
            level += rng.choice((-1, 1)) * rng.uniform(1.5, 2.5)
        scores: dict[str, Any] = {}
        scored: dict[str, int] = {}
        fails: list[str] = []
        for c in crits:
            if c.kind == "must":
                fail = (c.id == weak[aid] and rng.random() < 0.7) or rng.random() < LONE_FAIL_RATE
                scores[c.id] = "fail" if fail else "pass"
                if fail:
                    fails.append(c.id)
            else:
                v = min(5, max(0, round(level + offsets[c.id] + rng.gauss(0, 0.6))))
                scores[c.id] = scored[c.id] = v
        out.append((aid, eid, _comment(rng, scored, labels, fails), scores))
    # validity by the real rules: every sheet while that is cheap, a sample beyond
    step = 1 if len(out) <= 20_000 else max(1, len(out) // 20_000)
    for aid, eid, comment, scores in out[::step]:
        sheet = Sheet.model_validate({"application": aid, "status": "submitted", "comment": comment, "scores": scores})
        problems = sheet_problems(sheet, prog, by_id[aid])
        if problems:
            raise AssertionError(f"合成した採点票 {aid}/{eid} が検証を通りません: {problems}")
    return out


def generate(program_id: str, applications: int, evaluators: int, reviews_per_application: int, seed: int,
             criteria_dir: Path | None = None, with_sheets: bool = True) -> SynthData:
    """Make the data set (nothing written). Raises SynthError on bad input."""
    from reviewer.rules.assign import plan_assignment

    check_params(applications, evaluators, reviews_per_application, seed)
    prog, path, text = load_program(program_id, criteria_dir)
    if not any(c.kind == "scored" for c in prog.criteria) and not any(c.kind == "must" for c in prog.criteria):
        raise SynthError(f"事業 {program_id} には採点する項目（must / scored）がありません")
    apps, intended = _generate_applications(prog, applications, seed)
    panel, biases = _generate_panel(prog, apps, evaluators, reviews_per_application, seed)
    plan = plan_assignment(apps, panel, prog.id, reviews_per_application, seed=seed)
    if plan.shortfalls:
        raise SynthError(*plan.shortfalls)
    sheets = _generate_sheets(prog, apps, plan.pairs, biases, seed) if with_sheets else []
    texts = {a.id: application_toml(a) for a in apps}
    return SynthData(program=prog, criteria_path=path, criteria_text=text, seed=seed,
                     reviews_per_application=reviews_per_application, applications=apps,
                     application_texts=texts, intended_failures=intended, panel=panel, pairs=plan.pairs,
                     loads=plan.loads, sheets=sheets, biases=biases)


# ---------------------------------------------------------------------------
# TOML text


def _v(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:_}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_v(x) for x in value) + "]"
    raise TypeError(type(value))


def _ml(body: str) -> str:
    safe = body.replace("\\", "\\\\").replace('"""', '\\"""')
    return f'"""\n{safe}"""'


def application_toml(app: Application) -> str:
    d = app.model_dump(exclude_defaults=True)
    lines = [f"id = {toml_string(app.id)}", f"program = {toml_string(app.program)}", f"title = {toml_string(app.title)}"]
    if app.track is not None:
        lines.append(f"track = {toml_string(app.track)}")
    if app.model is not None:
        lines.append(f"model = {app.model}")
    lines += ["", "[applicant]"] + [f"{k} = {_v(v)}" for k, v in d["applicant"].items()]
    for m in d.get("consortium", []):
        lines += ["", "[[consortium]]"] + [f"{k} = {_v(v)}" for k, v in m.items()]
    lines += ["", "[budget]"] + [f"{k} = {_v(v)}" for k, v in app.budget.model_dump(exclude_defaults=True).items()]
    decl = app.declarations.model_dump(exclude_none=True)
    if decl:
        lines += ["", "[declarations]"] + [f"{k} = {_v(v)}" for k, v in decl.items()]
    for s in app.sections:
        lines += ["", "[[sections]]", f"heading = {toml_string(s.heading)}", f"body = {_ml(s.body)}"]
    return "\n".join(lines) + "\n"


def panel_toml(panel: Panel, pairs: list[tuple[str, str]] | None = None, program: Program | None = None,
               seed: int | None = None) -> str:
    lines = ["# 評価者名簿（合成）: reviewer synth で生成" + (f"（seed = {seed}）" if seed is not None else "")]
    if program is not None:
        lines.append(f"# 事業: {program.name}（{program.id}）")
    for ev in panel.evaluators:
        lines += ["", "[[evaluators]]"]
        d = ev.model_dump(exclude_defaults=True)
        d["role"] = ev.role
        lines += [f"{k} = {_v(d[k])}" for k in type(ev).model_fields if k in d]
    for aid, eid in pairs or []:
        lines += ["", "[[assignments]]", f"evaluator = {toml_string(eid)}", f"application = {toml_string(aid)}"]
    return "\n".join(lines) + "\n"


def score_file_toml(program: Program, evaluator_id: str, evaluator_name: str,
                    sheets: list[tuple[str, str, str, dict[str, Any]]], seed: int) -> str:
    """One evaluator's sheets in the format of sample_applications/scores/*.toml."""
    lines = [f"# 採点票（合成）: {evaluator_name}（{evaluator_id}） / {program.name}",
             f"# reviewer synth で生成（seed = {seed}）",
             f"evaluator = {toml_string(evaluator_id)}", f"program = {toml_string(program.id)}", ""]
    for aid, _eid, comment, scores in sheets:
        lines += ["[[sheets]]", f"application = {toml_string(aid)}", 'status = "submitted"', f"comment = {toml_string(comment)}",
                  "[sheets.scores]"]
        for cid, v in scores.items():
            key = cid if cid.replace("_", "").isalnum() else f'"{cid}"'
            lines.append(f'{key} = "{v}"' if isinstance(v, str) else f"{key} = {v}")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# writing


def synth_workspace(path: Path, program_id: str, applications: int, evaluators: int,
                    reviews_per_application: int, seed: int, criteria_dir: Path | None = None,
                    with_sheets: bool = True, data: SynthData | None = None) -> dict[str, Any]:
    """Create a new workspace at ``path`` with synthetic data (see the module docstring).

    ``with_sheets=False`` leaves the sheets out (a workspace ready for ``import-scores`` of the
    files ``write_inputs`` writes). ``data`` reuses an already generated data set. Returns a
    summary (counts, the chair's id, the seconds taken). Raises SynthError on bad input or
    when ``path`` is not an empty folder."""
    started = time.perf_counter()
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise SynthError(f"{path}: 既にあります（空のフォルダか、存在しないパスを指定してください）")
    if data is None:
        data = generate(program_id, applications, evaluators, reviews_per_application, seed, criteria_dir,
                        with_sheets=with_sheets)
    elif data.program.id != program_id:
        raise SynthError(f"事業 {program_id} ではなく {data.program.id} のデータです")
    actor = f"synth ({current_user()})"
    n_sheets = len(data.sheets) if with_sheets else 0
    # a build in a private temporary folder, renamed into place only when complete:
    # durability of each intermediate step does not matter (the final checkpoint syncs)
    with building(path, ".synth") as conn, transaction(conn, "OFF"):
        _write_rows(conn, data, actor, now(), with_sheets)
    return _summary(data, n_sheets, started) | {"workspace": str(path)}


def _write_rows(conn: bulk.Connection, data: SynthData, actor: str, t: str, with_sheets: bool) -> None:
    """Every row of the new workspace, inside the caller's transaction, each bulk action with
    its one summary audit row (all at time ``t``)."""
    prog = data.program
    n_apps, n_pairs = len(data.applications), len(data.pairs)

    def audit(action: str, new: Any = None, detail: str | None = None, old: Any = None) -> None:
        bulk.put_audit(conn, [audit_row(actor, action, prog.id, old=old, new=new, detail=detail, at=t)])

    digest = sha256(data.criteria_text)
    bulk.put_program(conn, prog, str(data.criteria_path), data.criteria_text, digest, t)
    audit("criteria-add", detail=f"synth {data.criteria_path} sha256={digest}")
    bulk.put_applications(conn, (bulk.application_row(a, f"{a.id}.toml", data.application_texts[a.id],
                                                      sha256(data.application_texts[a.id]), t)
                                 for a in data.applications))
    audit("application-add", new={"count": n_apps},
          detail=f"synth: 申請 {n_apps} 件（1件ごとの記録は省略した一括登録）")
    roster = panel_toml(data.panel, program=prog, seed=data.seed)
    bulk.put_panel(conn, "panel.toml", roster, sha256(roster), t)
    audit("panel-load", new={"sha256": sha256(roster)}, detail="synth panel.toml")
    bulk.put_evaluators(conn, data.panel.evaluators)
    # as replace_assignments writes them (source auto)
    bulk.put_assignments(conn, prog.id, data.pairs, "auto")
    audit("assign", old={"count": 0}, new={"count": n_pairs},
          detail=f"synth per_application={data.reviews_per_application} seed={data.seed} "
                 f"avoid_own_bureau=False new={n_pairs} kept=0")
    n_sheets = len(data.sheets) if with_sheets else 0
    if with_sheets:
        bulk.put_submitted_sheets(conn, prog.id, data.sheets, t)
        audit("sheet-submit", new={"count": n_sheets},
              detail=f"synth: 提出済みの採点票 {n_sheets} 枚（1枚ごとの記録は省略した一括登録）")
    audit("init", detail=_init_detail(data, n_sheets))


def _init_detail(data: SynthData, n_sheets: int) -> str:
    """The detail of the ``init`` audit row: what ``reviewer init`` records, and the synth parameters."""
    n_apps = len(data.applications)
    return json.dumps({
        "programs_added": [data.program.id], "applications_added": n_apps,
        "applications_changed": 0, "synth": {"applications": n_apps,
                                             "evaluators": len(data.panel.evaluators) - 1,
                                             "reviews_per_application": data.reviews_per_application,
                                             "seed": data.seed, "sheets": n_sheets}}, ensure_ascii=False)


def write_inputs(folder: Path, program_id: str, applications: int, evaluators: int,
                 reviews_per_application: int, seed: int, criteria_dir: Path | None = None,
                 data: SynthData | None = None) -> dict[str, Any]:
    """Write the same data as TOML files under ``folder`` (see the module docstring):
    criteria/, applications/, panel.toml (with [[assignments]]) and scores/<evaluator>.toml."""
    started = time.perf_counter()
    folder = Path(folder)
    if data is None:
        data = generate(program_id, applications, evaluators, reviews_per_application, seed, criteria_dir)
    prog = data.program
    for sub in ("criteria", "applications", "scores"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "criteria" / f"{prog.id}.toml").write_text(data.criteria_text, encoding="utf-8")
    for a in data.applications:
        (folder / "applications" / f"{a.id}.toml").write_text(data.application_texts[a.id], encoding="utf-8")
    (folder / "panel.toml").write_text(panel_toml(data.panel, data.pairs, prog, data.seed), encoding="utf-8")
    by_ev: dict[str, list] = {}
    for s in data.sheets:
        by_ev.setdefault(s[1], []).append(s)
    names = {e.id: e.name for e in data.panel.evaluators}
    for eid, sheets in sorted(by_ev.items()):
        (folder / "scores" / f"{eid}.toml").write_text(
            score_file_toml(prog, eid, names[eid], sheets, data.seed), encoding="utf-8")
    return _summary(data, len(data.sheets), started) | {
        "folder": str(folder), "score_files": len(by_ev),
        "criteria": str(folder / "criteria"), "applications_dir": str(folder / "applications"),
        "panel": str(folder / "panel.toml"), "scores": str(folder / "scores")}


def _summary(data: SynthData, n_sheets: int, started: float) -> dict[str, Any]:
    bureaus: dict[str, int] = {b: 0 for b in regions.BUREAUS}
    types: dict[str, int] = {}
    for a in data.applications:
        bureaus[a.bureau] += 1
        types[a.applicant.type] = types.get(a.applicant.type, 0) + 1
    failures: dict[str, int] = {}
    for code in data.intended_failures.values():
        failures[code] = failures.get(code, 0) + 1
    loads = list(data.loads.values())
    return {
        "program": data.program.id, "seed": data.seed, "applications": len(data.applications),
        "evaluators": len(data.panel.evaluators) - 1, "chair": CHAIR_ID,
        "reviews_per_application": data.reviews_per_application, "assignments": len(data.pairs),
        "sheets": n_sheets, "bureaus": bureaus, "applicant_types": dict(sorted(types.items())),
        "check_failures": dict(sorted(failures.items())),
        "load_min": min(loads) if loads else 0, "load_max": max(loads) if loads else 0,
        "seconds": round(time.perf_counter() - started, 3),
    }


# ---------------------------------------------------------------------------
# command line


def cmd_synth(args: argparse.Namespace) -> int:
    try:
        if not args.workspace:
            raise SynthError("--workspace（または環境変数 REVIEWER_WORKSPACE）で作成するワークスペースを指定してください")
        path = Path(args.workspace)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise SynthError(f"{path}: 既にあります（空のフォルダか、存在しないパスを指定してください）")
        data = generate(args.program, args.applications, args.evaluators, args.reviews_per_application, args.seed,
                        args.criteria)
        summary = synth_workspace(path, args.program, args.applications, args.evaluators,
                                  args.reviews_per_application, args.seed, data=data)
        if args.write_inputs:
            write_inputs(args.write_inputs, args.program, args.applications, args.evaluators,
                         args.reviews_per_application, args.seed, data=data)
    except WorkspaceError as e:
        for line in e.messages:
            print(line, file=sys.stderr)
        return 1
    except OSError as e:
        where = f"{e.filename}: " if getattr(e, "filename", None) else ""
        print(f"{where}書き込めません（{e.strerror or e}）", file=sys.stderr)
        return 1
    except AssertionError as e:  # a bug of the generator: say so, without a traceback
        print(f"内部エラー（合成データの検証に失敗しました）: {e}", file=sys.stderr)
        return 1
    failures = "、".join(f"{k} {v}" for k, v in summary["check_failures"].items()) or "なし"
    print(f"合成ワークスペース {path} を作成しました（事業 {summary['program']}、種 {summary['seed']}）。")
    print(f"  申請: {summary['applications']} 件（自動審査で対象外になる申請: {failures}）")
    print(f"  評価者: {summary['evaluators']} 人と委員長 1 人（ID {summary['chair']}）、"
          f"割当: {summary['assignments']}（1人 {summary['load_min']}〜{summary['load_max']} 件）")
    print(f"  提出済みの採点票: {summary['sheets']} 枚")
    if args.write_inputs:
        print(f"  TOML ファイル: {args.write_inputs}（applications/、panel.toml、scores/）")
    return 0


__all__ = ["SynthData", "SynthError", "cmd_synth", "generate", "synth_workspace", "write_inputs"]
