"""The domain model: programs and their criteria, applications, panels and score sheets.

Plain data with the rules that concern one object alone (types, ranges, codes). Rules that
relate two objects (an application to its program, a sheet to its application) live in
``reviewer.rules.checks`` and ``reviewer.rules.sheets``. Error messages are Japanese: users read them.
"""

from __future__ import annotations

import functools
import re
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from reviewer.domain import regions, scope
from reviewer.domain.limits import MAX_NOTE, MAX_RATIO_DIGITS, MAX_TEXT, MAX_YEN
from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS

# ---------------------------------------------------------------------------
# Shared field types

#: Ids: matched whole (``fullmatch``), so a trailing newline is no id.
IDENT_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: Criterion ids: as ids, and may contain a dot ("1-1", "A1", "M4").
CRITERION_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
#: A ratio as written: "a/b" or a decimal, with few digits (checked before any arithmetic).
_D = f"[0-9]{{1,{MAX_RATIO_DIGITS}}}"
RATIO_RE = re.compile(rf"{_D}/{_D}|{_D}(\.{_D})?")


class LocatedError(ValueError):
    """A rule of a whole model broken at one place inside it: ``loc`` (relative to the model)
    lets the loaders name that field and its line."""

    def __init__(self, loc: tuple[str | int, ...], message: str):
        super().__init__(message)
        self.loc = loc


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters (an input may be huge)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ident(value: str) -> str:
    if not IDENT_RE.fullmatch(value):
        raise ValueError(f"ID は半角英数字・ハイフン・下線の64文字以内です（{shown(value)}）")
    return value


def _criterion_id(value: str) -> str:
    if not CRITERION_ID_RE.fullmatch(value):
        raise ValueError(f"評価項目 ID は半角英数字・ハイフン・下線・ピリオドです（{shown(value)}）")
    return value


def _lg_code(value: str) -> str:
    if len(value) != 6:  # before the code's own checks, which quote it whole
        raise ValueError(f"地方公共団体コードは半角数字6桁です（{shown(value)}）")
    problem = regions.lg_code_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("空にできません")
    return value


def _prefecture(value: str) -> str:
    if value not in regions.PREFECTURE_CODES:
        raise ValueError(f"都道府県名が不明です（{shown(value)}）。「北海道」「青森県」「東京都」のように正式名で書いてください")
    return value


@functools.lru_cache(maxsize=64)
def ratio(value: str) -> Fraction:
    """A ratio field ("1/2", "0.1") as an exact fraction (parsed once)."""
    return Fraction(value)


def _fraction(value: str) -> str:
    # the form first: Fraction("1e-999999999") would build a huge integer
    if not RATIO_RE.fullmatch(value):
        raise ValueError(f"分数（\"1/2\" の形、整数は{MAX_RATIO_DIGITS}桁まで）か小数（\"0.1\" の形）"
                         f"で書いてください（{shown(value)}）")
    try:
        f = Fraction(value)
    except ZeroDivisionError:
        raise ValueError(f"分母が 0 です（{shown(value)}）") from None
    if not 0 < f <= 1:
        raise ValueError(f"0 より大きく 1 以下の割合です（{shown(value)}）")
    return value


Ident = Annotated[str, AfterValidator(_ident)]
CriterionId = Annotated[str, AfterValidator(_criterion_id)]
LgCode = Annotated[str, AfterValidator(_lg_code)]
Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_nonblank)]
OptText = Annotated[str, Field(max_length=MAX_TEXT)]
#: A note on one criterion of a score sheet: any text, as a comment, but shorter.
NoteText = Annotated[str, Field(max_length=MAX_NOTE)]
Prefecture = Annotated[str, AfterValidator(_prefecture)]
Yen = Annotated[int, Field(ge=0, le=MAX_YEN)]
Ratio = Annotated[str, AfterValidator(_fraction)]

ApplicantType = Literal[
    "prefecture", "designated_city", "core_city", "city", "special_ward",
    "town", "village", "association", "corporation",
]
Governance = Literal["investment", "agreement", "consortium"]
APPLICANT_TYPES: tuple[str, ...] = ApplicantType.__args__  # type: ignore[attr-defined]


def _unique(values: list[Any], table: str, key: str, message: str) -> None:
    """The first value given twice in ``values`` (``table[i].key``) as a ``LocatedError``
    at its second place, naming the first."""
    first: dict[Any, int] = {}
    for i, v in enumerate(values):
        if v in first:
            raise LocatedError((table, i, key), message.format(v) + f"（{table}[{first[v]}] と同じ）")
        first[v] = i


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


# ---------------------------------------------------------------------------
# Programs (criteria/*.toml)


class FieldModel(Strict):
    """分野別モデル: a field model of a track, named by its number."""

    number: Annotated[int, Field(ge=1, le=999)]
    name: Text
    description: OptText = ""
    #: The condition the seed sets on the model (「ただし、…」), as the seed words it: an application
    #: of the model is judged against it (M1 分野別モデルの横展開).
    condition: OptText = ""


class Track(Strict):
    """要件: a track of a program, with its field models."""

    id: Ident
    name: Text
    description: OptText = ""
    models: list[FieldModel] = []


class CriteriaGroup(Strict):
    """A heading of the criteria as the seed has it, with its guiding question
    (「(1) 「適合性」：事業の目的に適合しているか。」): criteria name it by ``group``."""

    name: Text
    question: OptText = ""


class FieldArea(Strict):
    """A field (分野) an application of a program without field models may name (``field``)."""

    id: Ident
    name: Text


class Band(Strict):
    """An auto bonus band: a declared value at or above ``min`` earns ``points``."""

    min: Annotated[float, Field(allow_inf_nan=False, ge=-1_000_000, le=1_000_000)]
    points: Annotated[float, Field(allow_inf_nan=False, ge=0, le=100)]


class Criterion(Strict):
    id: CriterionId
    kind: Literal["must", "scored", "auto"]
    label: Text
    description: OptText = ""
    #: The criterion's heading in the source document, e.g. "(1) 適合性" or "II 加点事項 要件A".
    group: OptText = ""
    #: Tracks the criterion applies to; all tracks when absent.
    tracks: list[Ident] | None = None
    #: Applicant types it applies to; all when absent (M4: municipalities only).
    applicant_types: list[ApplicantType] | None = None
    tags: list[Ident] = []
    weight: Annotated[float, Field(allow_inf_nan=False, gt=0, le=100)] = 1.0
    # auto criteria
    source: Literal["mynumber_card_rate"] | None = None
    bands: list[Band] = []
    default_points: Annotated[float, Field(allow_inf_nan=False, ge=0, le=100)] = 0.0
    only_when_oversubscribed: bool = True
    #: Why the bands are what they are (e.g. an illustrative default).
    note: OptText = ""

    @model_validator(mode="after")
    def _kind_fields(self) -> Criterion:
        if self.kind == "auto":
            if self.source is None:
                raise ValueError("自動計算の項目（kind = \"auto\"）には source（読み取る申告項目）が必要です")
            if not self.bands:
                raise ValueError("自動計算の項目（kind = \"auto\"）には bands（区分と点数）が必要です")
        else:
            if self.source is not None or self.bands:
                raise ValueError("source と bands は自動計算の項目（kind = \"auto\"）にだけ書けます")
        if self.kind != "scored" and self.weight != 1.0:
            raise LocatedError(("weight",), "weight は加点項目（kind = \"scored\"）にだけ書けます")
        return self


class Funding(Strict):
    """Money rules: the subsidy rate and its rounding, the cap, the floor, the overhead share."""

    subsidy_rate: Ratio = "1/2"
    #: The maximum subsidy is cut down to a multiple of this (千円未満切捨て = 1000).
    round_down_yen: Annotated[int, Field(ge=1, le=MAX_YEN)] = 1000
    cap_yen: Yen | None = None
    min_total_cost_yen: Yen | None = None
    #: 一般管理費 ≤ this × direct costs (direct = total − overhead).
    overhead_max_ratio: Ratio | None = None

    def max_subsidy(self, total_cost_yen: int) -> int:
        """The largest subsidy the rate allows, cut down to ``round_down_yen`` (cap not applied):
        floor(total × rate / round) × round, in integers."""
        rate = ratio(self.subsidy_rate)
        unit = self.round_down_yen
        return total_cost_yen * rate.numerator // (rate.denominator * unit) * unit


class RequiredDeclaration(Strict):
    key: Literal["plan_this_year", "attend_workshops"]
    label: Text


#: The formats an attachment may have (SPEC §6.2): the file name's extension, told by content too.
FileFormat = Literal["pptx", "xlsx", "docx", "pdf"]
#: The document name an attachment states when it is none of the program's documents (SPEC §6.2).
SUPPLEMENTARY = "補足資料"
PageCount = Annotated[int, Field(ge=1, le=10_000)]


class RequiredDocument(Strict):
    name: Text
    #: Applicant types that must submit it; everyone when absent.
    applicant_types: list[ApplicantType] | None = None
    #: Allowed formats of its attachment (the seed's Microsoft PowerPoint / Excel rules); any when absent.
    formats: list[FileFormat] | None = None
    #: The most pages (slides, sheets) its attachment may have.
    max_pages: PageCount | None = None
    #: Its text becomes the application's narrative when the office's list is taken in (SPEC §6.8).
    narrative: bool = False
    #: The seed's full name of the document (様式1 企画提案書（概要）…), shown beside the short name.
    title: OptText = ""


class Supplementary(Strict):
    """その他の補足資料: optional attachments, their formats and a page limit over them all."""

    formats: list[FileFormat] | None = None
    max_pages: PageCount | None = None
    #: Document names an attachment may state that are not counted in ``max_pages``
    #: (r5: 「首長によるレターを添付する場合、当該レターは当該ページ数にカウントしない」).
    uncounted: list[Text] = []
    note: OptText = ""


class GrantCondition(Strict):
    """What a selected applicant must have by the 交付申請 (r2-iot 2(2): a municipality attaches
    its 官民データ活用推進計画): not a reason to exclude, a warning where the declaration falls short."""

    key: Literal["data_utilization_plan"]
    value: Text
    applicant_types: list[ApplicantType] | None = None
    label: Text


class Eligibility(Strict):
    applicant_types: list[ApplicantType]
    #: r2-iot: a corporation must form a consortium with at least one local government.
    corporation_needs_lg_consortium: bool = False
    #: r5: a corporation must have one of these governance forms and related_lg_codes.
    corporation_governance: list[Governance] = []
    required_declarations: list[RequiredDeclaration] = []
    excluded_prior_support_years: list[Annotated[int, Field(ge=1900, le=2200)]] = []
    prior_support_label: OptText = ""
    required_documents: list[RequiredDocument] = []
    grant_conditions: list[GrantCondition] = []
    supplementary: Supplementary | None = None
    #: The most bytes of all of an application's attachments together (r2-ai-plan: a mail of
    #: 10ＭＢ at most); each file is bounded anyway (``limits.MAX_ATTACHMENT_BYTES``).
    max_total_bytes: Annotated[int, Field(ge=1, le=10**10)] | None = None
    max_total_note: OptText = ""

    def document_names(self) -> set[str]:
        """Every name an attachment may state: the required documents, 補足資料 and the uncounted."""
        names = {d.name for d in self.required_documents} | {SUPPLEMENTARY}
        if self.supplementary:
            names.update(self.supplementary.uncounted)
        return names


class Selection(Strict):
    budget_yen: Yen | None = None
    min_selected: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    max_selected: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    bureau_min: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    bureau_max: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    #: Flag a field (track/model) holding more than this share of the selection.
    max_field_share: Annotated[float, Field(allow_inf_nan=False, gt=0, le=1)] | None = None
    #: How the selection is made (SPEC §6.5): greedy down the ranking, the minimums first, or optimal.
    strategy: Literal["greedy", "quota", "optimal"] = "greedy"
    note: OptText = ""

    @model_validator(mode="after")
    def _ranges(self) -> Selection:
        for lo, hi, what in (
            (self.min_selected, self.max_selected, "min_selected ≦ max_selected"),
            (self.bureau_min, self.bureau_max, "bureau_min ≦ bureau_max"),
        ):
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"{what} である必要があります")
        return self


class Hearing(Strict):
    """The hearing (ヒアリング, SPEC §6.4): how much it weighs in the score rate and which scored
    criteria it rates (None: all of them)."""

    weight: Annotated[float, Field(allow_inf_nan=False, ge=0, le=1)] = 1.0
    criteria: list[Ident] | None = None


class Program(Strict):
    """A program (事業) as its criteria file states it."""

    id: Ident
    name: Text
    fiscal_year: Annotated[int, Field(ge=1900, le=2200)]
    fiscal_year_label: OptText = ""
    source: Text
    description: OptText = ""
    tracks: list[Track] = []
    #: The criteria's headings with their guiding questions (optional; criteria name them by group).
    groups: list[CriteriaGroup] = []
    #: Fields an application may name where the program has no field models (r2-ai-plan), and
    #: where they come from (the tool's own list, where the seed gives none).
    fields: list[FieldArea] = []
    fields_note: OptText = ""
    criteria: Annotated[list[Criterion], Field(min_length=1)]
    funding: Funding | None = None
    eligibility: Eligibility
    selection: Selection = Selection()
    hearing: Hearing = Hearing()

    @model_validator(mode="after")
    def _consistent(self) -> Program:
        _unique([c.id for c in self.criteria], "criteria", "id", "評価項目 ID {} が重複しています")
        track_ids = [t.id for t in self.tracks]
        _unique(track_ids, "tracks", "id", "要件（tracks）の id {} が重複しています")
        seen: dict[int, int] = {}
        for i, t in enumerate(self.tracks):
            for j, m in enumerate(t.models):
                if m.number in seen:
                    raise LocatedError(("tracks", i, "models", j, "number"),
                                       f"分野別モデルの番号が重複しています（{m.number}、tracks[{seen[m.number]}] と同じ）")
                seen[m.number] = i
        for i, c in enumerate(self.criteria):
            for j, tid in enumerate(c.tracks or []):
                if tid not in track_ids:
                    raise LocatedError(("criteria", i, "tracks", j),
                                       f"評価項目 {c.id} の tracks に不明な要件 {shown(tid)} があります")
        _unique([g.name for g in self.groups], "groups", "name", "評価項目の区分（groups）の name {} が重複しています")
        _unique([f.id for f in self.fields], "fields", "id", "分野（fields）の id {} が重複しています")
        names = {g.name for g in self.groups}
        for i, c in enumerate(self.criteria):
            if names and c.group and c.group not in names:
                raise LocatedError(("criteria", i, "group"), f"評価項目 {c.id} の区分 {shown(c.group)} が groups にありません")
        if self.fields and self.tracks and any(t.models for t in self.tracks):
            raise LocatedError(("fields",), "分野別モデルのある事業には分野（fields）を書けません（モデルが分野です）")
        if self.funding is None and self.selection.budget_yen:
            raise LocatedError(("selection", "budget_yen"),
                               "補助金のない事業（funding なし）に予算（selection.budget_yen）は書けません")
        self._hearing_criteria()
        return self

    def _hearing_criteria(self) -> None:
        scored = {c.id for c in self.criteria if c.kind == "scored"}
        for j, cid in enumerate(self.hearing.criteria or []):
            if cid not in scored:
                raise LocatedError(("hearing", "criteria", j),
                                   f"ヒアリングの評価項目 {shown(cid)} は、この事業の加点・推奨項目"
                                   "（kind = \"scored\"）にありません")
        if self.hearing.criteria is not None and len(set(self.hearing.criteria)) != len(self.hearing.criteria):
            raise LocatedError(("hearing", "criteria"), "ヒアリングの評価項目が重複しています")

    # -- lookups ------------------------------------------------------------

    @property
    def gives_money(self) -> bool:
        return self.funding is not None

    @functools.cached_property
    def criteria_by_id(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criteria}

    @functools.cached_property
    def hearing_ids(self) -> frozenset[str]:
        """The scored criteria the hearing rates (SPEC §6.4: by default all scored ones)."""
        ids = self.hearing.criteria
        return frozenset(c.id for c in self.criteria if c.kind == "scored" and (ids is None or c.id in ids))

    def criterion(self, cid: str) -> Criterion | None:
        return self.criteria_by_id.get(cid)

    def track(self, tid: str | None) -> Track | None:
        return next((t for t in self.tracks if t.id == tid), None)

    @functools.cached_property
    def model_numbers(self) -> dict[int, tuple[Track, FieldModel]]:
        return {m.number: (t, m) for t in self.tracks for m in t.models}

    def applies(self, criterion: Criterion, app: Application) -> bool:
        """Whether ``criterion`` applies to ``app`` (its track's items; M4 only for 市町村)."""
        return scope.applies(criterion.tracks, criterion.applicant_types, app.track, app.applicant.type)

    def applicable(self, app: Application, kind: str | None = None) -> list[Criterion]:
        return [
            c for c in self.criteria
            if (kind is None or c.kind == kind) and self.applies(c, app)
        ]

    @functools.cached_property
    def _applicable_by_kind(self) -> dict[tuple[str | None, str], dict[str, Criterion]]:
        return {}

    def applicable_by_id(self, app: Application) -> dict[str, Criterion]:
        """The criteria that apply to ``app``, by id (one dict per track and applicant type)."""
        key = (app.track, app.applicant.type)
        found = self._applicable_by_kind.get(key)
        if found is None:
            found = self._applicable_by_kind[key] = {c.id: c for c in self.applicable(app)}
        return found

    def max_points(self, app: Application) -> float:
        """M: the maximum sheet score over the scored criteria that apply to ``app``."""
        return sum(5 * c.weight for c in self.applicable(app, "scored"))


# ---------------------------------------------------------------------------
# Applications (sample_applications/<program>/<id>.toml)


def _check_entity_code(type_: str, code: str | None) -> None:
    """Cross-field rules between an entity's type and its local government code."""
    if type_ == "corporation":
        if code is not None:
            raise ValueError("法人格を有する組織（corporation）には lg_code を書きません")
        return
    if code is None:
        raise ValueError("lg_code（全国地方公共団体コード6桁）が必要です（corporation 以外）")
    label = APPLICANT_TYPE_LABELS[type_]
    if code in regions.DESIGNATED_CITIES and type_ not in ("designated_city", "association"):
        raise ValueError(
            f"lg_code {code} は指定都市（{regions.DESIGNATED_CITIES[code]}）のコードです。"
            f"type は \"designated_city\" です（\"{type_}\" ではありません）"
        )
    if type_ == "designated_city" and code not in regions.DESIGNATED_CITIES:
        raise ValueError(f"lg_code {code} は指定都市のコードではありません")
    if type_ == "prefecture" and not regions.is_prefecture_code(code):
        raise ValueError(f"lg_code {code} は都道府県のコードではありません（都道府県は XX000X）")
    if type_ not in ("prefecture", "association") and regions.is_prefecture_code(code):
        raise ValueError(f"lg_code {code} は都道府県のコードです。type は \"prefecture\" です（{label}ではありません）")
    if type_ == "special_ward" and not regions.is_special_ward_code(code):
        raise ValueError(f"lg_code {code} は東京都の特別区のコードではありません")
    if type_ not in ("special_ward", "association") and regions.is_special_ward_code(code):
        raise ValueError(f"lg_code {code} は東京都の特別区のコードです。type は \"special_ward\" です")
    known = regions.municipalities().get(code)
    if type_ == "association" and known is not None:  # the shipped list holds no association codes
        raise ValueError(f"lg_code {code} は{known.name}のコードです。一部事務組合・広域連合（association）には、"
                         "構成団体のではなく、その組合・広域連合自身の団体コードを書いてください")


class Member(Strict):
    """A consortium member (構成員)."""

    name: Text
    type: ApplicantType
    lg_code: LgCode | None = None

    @model_validator(mode="after")
    def _code(self) -> Member:
        _check_entity_code(self.type, self.lg_code)
        return self


class Applicant(Strict):
    name: Text
    type: ApplicantType
    lg_code: LgCode | None = None
    prefecture: Prefecture
    governance: Governance | None = None
    related_lg_codes: list[LgCode] = []

    @model_validator(mode="after")
    def _code(self) -> Applicant:
        _check_entity_code(self.type, self.lg_code)
        if self.lg_code is not None:
            want = regions.PREFECTURE_CODES[self.prefecture]
            if self.lg_code[:2] != want:
                raise ValueError(
                    f"lg_code {self.lg_code} の上2桁 {self.lg_code[:2]} は"
                    f"{self.prefecture}のコード {want} と一致しません"
                )
        if self.type != "corporation" and (self.governance is not None or self.related_lg_codes):
            raise ValueError("governance と related_lg_codes は corporation にだけ書けます")
        return self


class ApplicationBudget(Strict):
    total_cost_yen: Yen
    overhead_yen: Yen = 0
    requested_subsidy_yen: Yen

    @model_validator(mode="after")
    def _sums(self) -> ApplicationBudget:
        if self.overhead_yen > self.total_cost_yen:
            raise ValueError("一般管理費（overhead_yen）が事業費総額（total_cost_yen）を超えています")
        return self

    @property
    def direct_cost_yen(self) -> int:
        return self.total_cost_yen - self.overhead_yen


class Declarations(Strict):
    mynumber_card_rate: Annotated[float, Field(allow_inf_nan=False, ge=0, le=1)] | None = None
    data_utilization_plan: Literal["策定済", "策定中", "未策定"] | None = None
    prior_support_years: list[Annotated[int, Field(ge=1900, le=2200)]] = []
    plan_this_year: bool | None = None
    attend_workshops: bool | None = None
    documents: list[Annotated[str, Field(max_length=200)]] | None = None


class Section(Strict):
    heading: Text
    body: Text


def _relative_path(value: str) -> str:
    """An attachment's path: relative, inside the application's folder, no ``..``."""
    if "\x00" in value or "\\" in value:
        raise ValueError("path に使えない文字があります")
    if value.startswith("/") or (len(value) > 1 and value[1] == ":"):
        raise ValueError(f"path は申請ファイルからの相対パスで書いてください（{value}）")
    parts = value.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"path に空の部分、「.」や「..」は使えません（{value}）")
    return value


class FileFacts(Strict):
    """What reading an attached file found: its format (told from the content), pages (slides,
    sheets; for Word the pages it recorded, else an estimate), size and SHA-256. Never written
    in an application file: the loader reads the file and sets it."""

    format: FileFormat
    pages: Annotated[int, Field(ge=0, le=100_000)]
    estimated: bool = False
    size: Annotated[int, Field(ge=0)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    name: Annotated[str, Field(max_length=500)]


class Attachment(Strict):
    """An attached file (SPEC §6.2): the document it is and where it lies."""

    document: Annotated[str, Field(min_length=1, max_length=200)]
    path: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_relative_path)]
    file: FileFacts | None = None


class Area(Strict):
    """主な実施地域 (SPEC §6.1): the prefecture that decides the bureau, and its municipalities."""

    prefecture: Prefecture
    lg_codes: list[LgCode] = []

    @model_validator(mode="after")
    def _codes(self) -> Area:
        want = regions.PREFECTURE_CODES[self.prefecture]
        for i, code in enumerate(self.lg_codes):
            if code[:2] != want:
                raise LocatedError(("lg_codes", i), f"lg_code {code} の上2桁 {code[:2]} は"
                                                    f"{self.prefecture}のコード {want} と一致しません")
        return self


class Application(Strict):
    id: Ident
    program: Ident
    title: Text
    track: Ident | None = None
    model: Annotated[int, Field(ge=1, le=999)] | None = None
    applicant: Applicant
    consortium: list[Member] = []
    budget: ApplicationBudget
    declarations: Declarations = Declarations()
    sections: list[Section] = []
    #: 主な実施地域 (SPEC §6.1): when given, its prefecture decides the bureau.
    area: Area | None = None
    #: The submitted files (SPEC §6.2), relative to the application file.
    attachments: list[Attachment] = []
    #: The field (分野) of a program without field models, one of its criteria's ``fields``.
    field: Ident | None = None

    @property
    def bureau(self) -> str:
        """The bureau of the main implementation area, else of the applicant's seat (SPEC §6.1)."""
        return regions.bureau_of(self.area.prefecture if self.area else self.applicant.prefecture)

    @property
    def lg_codes(self) -> set[str]:
        """Every local government code the application names (for conflicts of interest)."""
        codes = {m.lg_code for m in self.consortium if m.lg_code}
        if self.applicant.lg_code:
            codes.add(self.applicant.lg_code)
        codes.update(self.applicant.related_lg_codes)
        if self.area:
            codes.update(self.area.lg_codes)
        return codes


# ---------------------------------------------------------------------------
# Panel (panel.toml)

SSH_KEY_TYPES = (
    "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
)
_SSH_KEY_RE = re.compile(r"(\S+) ([A-Za-z0-9+/]+={0,3})( [ -~]{0,200})?")


def _ssh_key(value: str) -> str:
    m = _SSH_KEY_RE.fullmatch(value)
    if not m or m.group(1) not in SSH_KEY_TYPES:
        raise ValueError(
            "SSH 公開鍵は「種類 base64 [コメント]」の1行です（種類: ssh-ed25519, ssh-rsa, ecdsa-sha2-…）"
        )
    return value


def _os_user(value: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_.-]{0,31}", value):
        raise ValueError(f"OS のユーザー名として正しくありません（{shown(value)}）")
    return value


def _conflict(value: str) -> str:
    """A conflict of interest: six digits are a local government code, checked as any."""
    if value.isdigit() and len(value) == 6:
        return _lg_code(value)
    return value


class Evaluator(Strict):
    id: Ident
    name: Text
    affiliation: OptText = ""
    role: Literal["evaluator", "chair"] = "evaluator"
    programs: list[Ident]
    os_user: Annotated[str, AfterValidator(_os_user)] | None = None
    #: lg_codes or application ids this evaluator must not review (a code is checked as any
    #: lg_code; an id against the applications, where they are read with the panel).
    conflicts: list[Annotated[Ident, AfterValidator(_conflict)]] = []
    ssh_public_keys: list[Annotated[str, AfterValidator(_ssh_key)]] = []
    #: A chair's keys for fetching the exported workbooks (read-only SFTP of the workspace's
    #: export folder): keys of their own, since a key opens one forced command only.
    download_keys: list[Annotated[str, AfterValidator(_ssh_key)]] = []
    #: Where the evaluator is based (optional): lets automatic assignment avoid the
    #: applications of the evaluator's own bureau.
    prefecture: Prefecture | None = None

    @property
    def bureau(self) -> str | None:
        return regions.bureau_of(self.prefecture) if self.prefecture else None


def _check_download_keys(evaluators: list[Evaluator]) -> None:
    """Download keys only for chairs, and each a key of its own: authorized_keys runs the
    command of the first line with a key, so a key both logging in and downloading would do
    only one of them."""
    first: dict[str, tuple[int, str, int]] = {}
    for i, ev in enumerate(evaluators):
        if ev.download_keys and ev.role != "chair":
            raise LocatedError(("evaluators", i, "download_keys"),
                               'download_keys は委員長（role = "chair"）だけに書けます')
        for field in ("ssh_public_keys", "download_keys"):
            for j, key in enumerate(getattr(ev, field)):
                body = " ".join(key.split()[:2])  # the type and the key, without the comment
                place = first.setdefault(body, (i, field, j))
                if place != (i, field, j) and "download_keys" in (field, place[1]):
                    raise LocatedError(("evaluators", i, field, j),
                                       f"この鍵は evaluators[{place[0]}].{place[1]}[{place[2]}] にもあります。"
                                       "ダウンロード用の鍵は、ほかのどこにもない別の鍵にしてください")


class Assignment(Strict):
    evaluator: Ident
    application: Ident
    #: The application's program: needed when its id is in more than one program.
    program: Ident | None = None


class Panel(Strict):
    evaluators: Annotated[list[Evaluator], Field(min_length=1)]
    assignments: list[Assignment] = []

    @model_validator(mode="after")
    def _consistent(self) -> Panel:
        ids = [e.id for e in self.evaluators]
        _unique(ids, "evaluators", "id", "評価者 ID {} が重複しています")
        users = [e.os_user for e in self.evaluators]
        first: dict[str, int] = {}
        for i, u in enumerate(users):
            if u is None:
                continue
            if u in first:
                raise LocatedError(("evaluators", i, "os_user"),
                                   f"os_user {u} が複数の評価者に割り当てられています（evaluators[{first[u]}] と同じ）")
            first[u] = i
        _check_download_keys(self.evaluators)
        known = set(ids)
        for i, a in enumerate(self.assignments):
            if a.evaluator not in known:
                raise LocatedError(("assignments", i, "evaluator"), f"割当の評価者 {a.evaluator} が evaluators にありません")
        _unique([(a.evaluator, a.application, a.program) for a in self.assignments], "assignments", "application",
                "同じ割当（評価者と申請の組）が重複しています")
        return self

    @functools.cached_property
    def _by_id(self) -> dict[str, Evaluator]:
        return {e.id: e for e in reversed(self.evaluators)}  # the first of an id

    def evaluator(self, eid: str) -> Evaluator | None:
        return self._by_id.get(eid)


# ---------------------------------------------------------------------------
# Score sheets (batch scoring)


class Sheet(Strict):
    application: Ident
    status: Literal["draft", "submitted"]
    #: 書面審査 or ヒアリング (SPEC §6.3); one sheet per evaluator, application and stage.
    stage: Literal["written", "hearing"] = "written"
    comment: OptText = ""
    scores: dict[str, Any] = {}
    #: A note per criterion id (SPEC §6.3); a blank note is no note (dropped), so "no note"
    #: has one form. Which ids may have one is ``reviewer.rules.sheets``.
    notes: dict[str, NoteText] = {}

    @field_validator("notes")
    @classmethod
    def _no_blank_notes(cls, v: dict[str, str]) -> dict[str, str]:
        return v if all(t.strip() for t in v.values()) else {k: t for k, t in v.items() if t.strip()}

    @field_validator("scores")
    @classmethod
    def _values(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key, value in v.items():
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                raise ValueError(
                    f"{key}: 必須要件は \"pass\" か \"fail\"、加点項目は 0〜5 の整数で書いてください"
                )
        return v


class ScoreFile(Strict):
    evaluator: Ident
    program: Ident
    sheets: list[Sheet] = []
