"""The wording of the documents an official files for a decision (決裁): the cover, the method of
the review, the list of 採択候補先 and the applications not selected, with why (issue 17).

Every sentence states what the tool really does (the rules of ``scoring``), in the ministry's
vocabulary, without an internal code; the faces only lay it out.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from reviewer.domain.vocabulary import METHOD_LABELS, MUST_REASON_PREFIX, SELECTION_LABELS, UNSCORED
from reviewer.present import result as words
from reviewer.present.text import clean, stored_time, wareki
from reviewer.scoring.result import DISAGREEMENT_SPREAD

if TYPE_CHECKING:
    from reviewer.domain.model import Criterion, Program
    from reviewer.scoring import AppResult, Result
    from reviewer.workspace.records import ShortlistEntry

COVER = "表紙"
METHOD = "審査方法"
SELECTED_LIST = "採択候補先一覧"
NOT_SELECTED = "不採択・対象外"
NOTIFY = "通知先一覧"
#: The outcome an applicant is told: selected in the end, or not.
NOTIFIED_SELECTED = "採択候補先"
NOTIFIED_NOT = "採択候補先とならず"
#: The boxes of the 確認・決裁 row, from the most senior.
APPROVERS = ("課長", "課長補佐", "係長", "担当")
APPROVAL = "確認・決裁"
NO_SHEETS = "提出された採点票なし"
NO_HEARING = "ヒアリングは行っていない"
#: Under the cover's facts: where the rest is.
ATTACHMENTS = (f"審査の方法は「{METHOD}」、採択候補先は「{SELECTED_LIST}」、その他の申請は「{NOT_SELECTED}」のシートに記載。"
               "各申請の評価は「ランキング」のシート（評価結果一覧）に記載。")


def subject(program: Program) -> str:
    """The cover's 件名."""
    return f"{program.name} 外部評価の結果について"


def stamp_day(stamp: str | None) -> str:
    """A stored timestamp (ISO 8601, UTC where it has no zone) as its day in Japan, in 和暦 ("" when absent)."""
    if not stamp:
        return ""
    when = stored_time(stamp)
    return clean(stamp)[:10] if when is None else wareki(when.date())


def period(first: str | None, last: str | None) -> str:
    """The days between two timestamps in 和暦: one day, or "A〜B" (``NO_SHEETS`` without)."""
    a, b = stamp_day(first), stamp_day(last)
    if not a:
        return NO_SHEETS
    return a if a == b or not b else f"{a}〜{b}"


def written_period(first: str | None, last: str | None, sheets: int) -> str:
    """When the written sheets were submitted, and how many."""
    if not sheets or not first:
        return NO_SHEETS
    return f"{period(first, last)}（採点票 {sheets} 件を提出）"


def _scheduled_day(scheduled: str) -> str:
    """A shortlist's time as its day in 和暦 where it is "YYYY-MM-DD …", else as the chair wrote it."""
    text = " ".join(clean(scheduled).split())
    head = text.partition(" ")[0]
    try:
        return wareki(datetime.strptime(head, "%Y-%m-%d").date())
    except ValueError:
        return text


def hearing_days(entries: tuple[ShortlistEntry, ...] | list[ShortlistEntry], heard: int) -> str:
    """The hearing's days (in order, each once), the shortlist's size, and those not scheduled."""
    if not entries:
        return NO_HEARING if not heard else f"ヒアリングの採点票のある申請 {heard} 件"
    days: list[str] = []
    for e in entries:
        day = _scheduled_day(e.scheduled) if e.scheduled.strip() else ""
        if day and day not in days:
            days.append(day)
    open_ = sum(1 for e in entries if not e.scheduled.strip())
    text = "、".join(days) if days else "日時未定"
    return f"{text}（対象 {len(entries)} 件" + (f"、うち日時未定 {open_} 件）" if open_ and days else "）")


# -- the result in three lines -------------------------------------------------------------------


def chosen(r: Result) -> list[AppResult]:
    """The applications selected in the end (as decided, else as computed), in rank order."""
    out = [a for a in r.applications if a.final_selected]
    return sorted(out, key=lambda a: (a.rank is None, a.rank or 0, a.id))


def result_lines(r: Result, decided: bool) -> list[str]:
    """The program's result in three lines: the applications, the 採択候補先 against the budget,
    and what is missing or warned of. ``decided``: the final list says more than the computation."""
    eligible = len(r.ranked)
    first = f"申請 {len(r.applications)} 件、うち適格 {eligible} 件（対象外 {len(r.applications) - eligible} 件）。"
    count, yen = (r.final.count, r.final.yen) if decided and r.final is not None else (len(r.selected), r.selected_yen)
    second = f"採択候補先 {count} 件"
    if r.program.gives_money:
        second += f"、補助金申請額の合計 {words.yen(yen)}"
        second += f"（予算 {words.yen(r.budget_yen)}）" if r.budget_yen is not None else "（予算の定めなし）"
    else:
        second += "（補助金のない事業）"
    second += "。" + ("採否の決定を反映した一覧。" if decided else "順位による計算上の選定。")
    return [first, second, _third(r, decided)]


#: The warnings the cover names (the rest are counted).
WARNINGS_SHOWN = 3


def _third(r: Result, decided: bool) -> str:
    """What is missing (sheets not submitted) and what the selection or the final list is warned of."""
    c = r.progress
    missing = f"未提出の採点票 {c.assigned - c.submitted} 件（割当 {c.assigned} 件）" if c is not None else ""
    warnings = list(r.final.warnings) if decided and r.final is not None else [*r.selection_notes, *r.grant_notes]
    shown = "／".join(warnings[:WARNINGS_SHOWN]) + (
        f" ほか {len(warnings) - WARNINGS_SHOWN} 件（「概要」に記載）" if len(warnings) > WARNINGS_SHOWN else "")
    parts = [p for p in (missing, f"警告 {len(warnings)} 件: {shown}" if warnings else "警告なし") if p]
    return "。".join(parts) + "。"


# -- the method of the review -------------------------------------------------------------------

#: What each aggregation method does with an application's sheet rates.
METHOD_TEXT = {
    "mean": "各評価委員の採点票の得点率（100点満点）の平均を、申請の得点率とする。",
    "median": "各評価委員の採点票の得点率（100点満点）の中央値を、申請の得点率とする。",
    "trimmed": "採点票が4件以上の申請は、得点率の最高と最低を1件ずつ除いた平均を、3件以下の申請は平均を、申請の得点率とする。",
    "zscore": "各評価委員の得点率を、その委員の平均と標準偏差で標準化し、全採点票の平均と標準偏差の尺度に戻した値の平均を、"
              "申請の得点率とする（高めに採点する委員・低めに採点する委員による差を除く）。",
    "adjusted": "申請の効果と評価委員の傾向を同時に推定する加法モデルで、各委員の傾向（0に向けて縮小）を除いた得点率を、"
                "申請の得点率とする。",
}
SHEET_RATE = ("採点票ごとに、採点項目の点数に重みを掛けた合計を、その申請に適用される項目の満点で割り、"
              "100を掛けた値を採点票の得点率とする。下書きの採点票は集計に含めない。")
MUST_RULE = ("必須要件は、提出された採点票のうち「否」の数が「適」の数以上のとき満たさないものとする（同数は満たさない）。"
             "必須要件を満たさない申請と、自動審査を満たさない申請は対象外とし、順位を付けない。"
             "提出された採点票のない申請も順位を付けない。")
TOTAL_RULE = "合計 = 得点率 + 自動加点。順位は合計の高い順に付ける。"
TIE_BREAK = ("合計が同じとき（差が10億分の1点以下）は得点率の高い順、それも同じときは補助金申請額の少ない順、"
             "それも同じときは申請IDの順とする。同順位は設けない。")
NO_BONUS = "この事業には自動加点の項目がない。"


def method_text(method: str) -> str:
    return f"{METHOD_LABELS[method]}。{METHOD_TEXT.get(method, '')}"


def disagreement_text() -> str:
    return (f"評価委員ごとの得点率の最高と最低の差が {DISAGREEMENT_SPREAD:g} ポイントを超える申請を「評価の乖離」として"
            "評価結果一覧に示す（順位と選定には影響しない）。")


def _threshold(c: Criterion, value: float) -> str:
    """A band's lower end: a rate as a percentage ("80%"), anything else as it is."""
    if (c.source or "").endswith("_rate"):
        return f"{value * 100:g}%"
    return f"{value:g}"


def band_text(c: Criterion) -> str:
    """「80%以上: 3点、70%以上: 2点、…」 and the points otherwise."""
    bands = sorted(c.bands, key=lambda b: b.min, reverse=True)
    text = "、".join(f"{_threshold(c, b.min)}以上: {words.points(b.points)}点" for b in bands)
    return f"{text}。いずれにも当たらない場合・申告のない場合: {words.points(c.default_points)}点。"


def bonus_rows(program: Program) -> list[tuple[str, str]]:
    """(label, sentence) of each auto bonus criterion: what it is, its bands, when it applies,
    and its note (e.g. that the bands are the tool's default); one row saying so without any."""
    auto = [c for c in program.criteria if c.kind == "auto"]
    if not auto:
        return [("自動加点", NO_BONUS)]
    rows = []
    for c in auto:
        when = ("予算を上回る応募があった場合に限り加点する。" if c.only_when_oversubscribed
                else "応募額にかかわらず加点する。")
        rows.append((f"自動加点: {c.label}", c.description.rstrip("。") + "。" if c.description else ""))
        rows.append(("　区分と点数", band_text(c) + when))
        if c.note:
            rows.append(("　留意事項", c.note))
    return rows


def skip_text(selection: str) -> str:
    """How a selection treats an application that does not fit."""
    if selection == "optimal":
        return ("最適化では、条件に収まる組の中から選ぶため、順位の高い申請が採択候補とならないことがある。"
                "その申請は「見送り」とし理由を示す。")
    return ("予算や総合通信局ごとの上限、採択数の上限に収まらない申請は「見送り」とし、"
            "選定を止めずに次の順位の申請へ進む（下位の申請が採択候補となることがある）。")


def selection_rows(r: Result) -> list[tuple[str, str]]:
    return [("選定方式", f"{SELECTION_LABELS[r.selection]}。{words.selection_text(r)}"),
            ("予算の扱い", words.budget_basis(r)),
            ("見送り", skip_text(r.selection))]


# -- the applications not selected ------------------------------------------------------------------


def outcome(a: AppResult, program: Program) -> str:
    """Why an application is not on the final list, in words."""
    if a.decision == "reject":
        reason = clean(a.decision_reason or "")
        return "不採択の決定" + (f": {reason}" if reason else "")
    verdict = words.verdict(a, program)
    if verdict:
        return verdict
    return f"順位が採択候補の範囲外（第{a.rank}位）" if a.rank is not None else "順位なし"


def reason_group(a: AppResult) -> str:
    """The kind of reason, for the counts by reason."""
    if a.decision == "reject":
        return "不採択の決定"
    if not a.eligible:
        if any(r.startswith(MUST_REASON_PREFIX) for r in a.reasons):
            return "必須要件を満たさない"
        if a.reasons == [UNSCORED]:
            return "提出された採点票なし"
        return "自動審査の要件を満たさない"
    return "条件に収まらず見送り" if a.skipped_for else "順位が採択候補の範囲外"
