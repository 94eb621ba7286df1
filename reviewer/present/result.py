"""A scoring ``Result`` in words and numbers: what ``rank``, the chair's screen and the workbook
say about it. Each wording lives here once; the faces only lay it out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.domain.limits import MAX_YEN
from reviewer.domain.vocabulary import (
    CHECK_LABELS,
    MUST_REASON_PREFIX,
    SELECTION_LABELS,
    UNSCORED,
    UNSCORED_LABEL,
)

if TYPE_CHECKING:
    from reviewer.domain.model import Program
    from reviewer.scoring import Agreement, AppResult, Result


# -- numbers -----------------------------------------------------------------------------


def yen(n: int) -> str:
    """An amount of money: "1,234,000円"."""
    return f"{n:,}円"


def rate(x: float | None) -> str:
    """A score rate or total to two decimals ("-" where there is none)."""
    return "-" if x is None else f"{x:.2f}"


def points(x: float) -> str:
    """Bonus points as few digits as they need ("3", "1.5")."""
    return f"{x:g}"


def percent_done(done: int, total: int) -> str:
    """Progress as a whole percentage, rounded down ("-" with nothing assigned)."""
    return f"{100 * done // total}%" if total else "-"


def progress_line(done: int, total: int) -> str:
    """"提出済 8 / 割当 10（80%）"."""
    return f"提出済 {done} / 割当 {total}" + (f"（{percent_done(done, total)}）" if total else "")


def range_text(lo: int | None, hi: int | None) -> str:
    """A quota "4〜10" (either end may be open); "" when neither is set."""
    if lo is None and hi is None:
        return ""
    return f"{'' if lo is None else lo}〜{'' if hi is None else hi}"


def parse_yen(text: str) -> int:
    """A budget typed by a person ("250,000,000", "2_500_000円") as yen; ValueError says why not."""
    cleaned = text.strip().replace(",", "").replace("_", "").replace("円", "")
    try:
        n = int(cleaned)
    except ValueError:
        raise ValueError(f"円の整数で指定してください（{text!r}）") from None
    if n < 0 or n > MAX_YEN:
        raise ValueError(f"0 以上 10兆円以下で指定してください（{text!r}）")
    return n


# -- an application ----------------------------------------------------------------------


def field_label(program: Program, track: str | None, model: int | None) -> str:
    """The track and field model an application applies under: "要件A / 分野別モデル4 観光クラウド"
    ("" for a program without tracks)."""
    if not track:
        return ""
    t = program.track(track)
    text = t.name if t else track
    if model is not None and model in program.model_numbers:
        text += f" / 分野別モデル{model} {program.model_numbers[model][1].name}"
    return text


def field_code(track: str | None, model: int | None) -> str:
    """The short form of narrow lists: "A-4" ("" without a track)."""
    if not track:
        return ""
    return track + (f"-{model}" if model is not None else "")


def note_lines(program: Program, notes: dict[str, str]) -> list[str]:
    """A sheet's notes per criterion as lines "M1: …", in the criteria file's order (ids it does
    not know last, by id)."""
    order = {c.id: i for i, c in enumerate(program.criteria)}
    return [f"{cid}: {notes[cid]}" for cid in sorted(notes, key=lambda c: (order.get(c, len(order)), c))]


def reason_label(code: str, program: Program) -> str:
    """A reason code in Japanese."""
    if code.startswith(MUST_REASON_PREFIX):
        cid = code[len(MUST_REASON_PREFIX):]
        c = program.criterion(cid)
        return f"必須要件 {cid}（{c.label if c else '?'}）を満たさない"
    if code == UNSCORED:
        return UNSCORED_LABEL
    return CHECK_LABELS.get(code, code)


def reasons_text(a: AppResult, program: Program) -> str:
    """Why an application is not ranked: its reasons, in words, one after another."""
    return "、".join(reason_label(r, program) for r in a.reasons)


def ineligible_note(a: AppResult, program: Program) -> str:
    return "対象外: " + reasons_text(a, program)


def skipped_note(a: AppResult) -> str:
    return f"見送り: {a.skipped_for}"


def disagreement_note(a: AppResult) -> str:
    return f"評価の乖離（{a.spread:.1f}）"


def verdict(a: AppResult, program: Program) -> str:
    """The outcome of one application in one phrase: 採択候補, 見送り: why, 対象外: why ("" when
    ranked below the line without a skip)."""
    if not a.eligible:
        return ineligible_note(a, program)
    if a.selected:
        return SELECTED
    return skipped_note(a) if a.skipped_for else ""


def notes(a: AppResult, program: Program) -> list[str]:
    """What the ranking notes beside an application: disagreement, a skip, the reasons it is out."""
    out = []
    if a.disagreement:
        out.append(disagreement_note(a))
    if a.skipped_for:
        out.append(skipped_note(a))
    if not a.eligible:
        out.append(ineligible_note(a, program))
    return out


SELECTED = "採択候補"
UNMET = "下限を満たせない"  # the minimums a selection cannot meet
GRANT_NOTES = "交付申請までに必要なこと"  # what a selected applicant must still have (grant_conditions)
SELECTED_SHORT = "採択"
CUT_LINE = "ここまで採択候補"


def cut_line(result: Result) -> str:
    """The line under the last selected application, with what the selection holds."""
    return f"採択候補ここまで（{len(result.selected)} 件、{yen(result.selected_yen)}）"


# -- the program's result ----------------------------------------------------------------


def strategy_text(result: Result, code: bool = True) -> str:
    """"選定: 下限を先に満たす（quota）": the selection strategy used (SPEC §6.5); without ``code``
    (the workbook, an official document), in words only."""
    label = f"選定: {SELECTION_LABELS[result.selection]}"
    return f"{label}（{result.selection}）" if code else label


def budget_text(result: Result, what_if: bool = False) -> str:
    """"予算 250,000,000円" (with "（試算）" for a what-if), or "予算なし"."""
    if result.budget_yen is None:
        return "予算なし"
    return f"予算 {yen(result.budget_yen)}" + ("（試算）" if what_if else "")


def is_what_if(result: Result) -> bool:
    """Whether the result's budget is not the criteria file's: a what-if (試算)."""
    return result.program.gives_money and result.budget_yen != result.program.selection.budget_yen


def budget_basis(result: Result) -> str:
    """Where the budget comes from, for an official: a what-if (and the criteria's budget), or
    the criteria file's, with its note where it has one (e.g. that it is a sample value)."""
    sel = result.program.selection
    if not result.program.gives_money:
        return "補助金のない事業"
    if is_what_if(result):
        base = f"審査基準の予算 {yen(sel.budget_yen)}" if sel.budget_yen is not None else "審査基準に予算の定めなし"
        return f"試算（{base}に代えて指定した額）"
    return "審査基準の予算" + (f"。{sel.note}" if sel.note else "")


def bonus_names(program: Program) -> str:
    """The auto bonus criteria, by label ("" when the program has none)."""
    return "・".join(c.label for c in program.criteria if c.kind == "auto")


def bonus_state(result: Result) -> str:
    """Whether the auto bonus applies: 適用（予算超過）, 適用なし（予算内）, or 項目なし."""
    if not bonus_names(result.program):
        return "項目なし"
    return "適用（予算超過）" if result.oversubscribed else "適用なし（予算内）"


def bonus_sentence(result: Result) -> str:
    """The bonus state as a sentence, with the criteria it concerns."""
    names = bonus_names(result.program)
    if not names:
        return "自動加点の項目なし"
    if result.oversubscribed:
        return f"適用した（予算を上回る応募があったため）: {names}"
    return f"適用していない（応募額が予算内のため）: {names}"


def selection_text(result: Result) -> str:
    """The conditions of the selection and the rule that applies them."""
    s = result.program.selection
    parts = []
    if result.budget_yen is not None:
        parts.append(f"予算 {yen(result.budget_yen)}以内")
    if s.min_selected is not None or s.max_selected is not None:
        parts.append(f"採択数 {range_text(s.min_selected, s.max_selected)}")
    if s.bureau_min is not None or s.bureau_max is not None:
        parts.append(f"総合通信局ごとに {range_text(s.bureau_min, s.bureau_max)}")
    text = "、".join(parts) or "条件なし"
    return text + "。" + RULES[result.selection]


#: How each selection strategy applies the conditions (SPEC §6.5).
RULES = {
    "greedy": "順位の高い順に、条件に収まる申請を採択候補とし、収まらない申請は見送って次へ進む。",
    "quota": "まず下限に満たない総合通信局の申請を順位の高い順に、条件に収まる限り採択候補とし、"
             "次に残りの申請を順位の高い順に、条件に収まる申請を採択候補とする。",
    "optimal": "条件の中で、満たす下限の数が最も多く、次に合計点の和が最も大きい組を採択候補とする"
               "（同じ組が複数あれば、順位の高い申請を含む組）。",
}


def agreement_text(ag: Agreement) -> str:
    """Krippendorff's alpha and what it rests on."""
    if ag.alpha is None:
        return "算出できません（2件以上の評価がある申請が必要です）"
    return f"{ag.alpha:.3f}（申請 {ag.applications} 件・評価 {ag.reviews} 件にもとづく）"


#: An evaluator's tendency: a mean more than ``TENDENCY_POINTS`` points of rate below or above the panel's.
TENDENCY_LOW = "平均より低めに採点"
TENDENCY_HIGH = "平均より高めに採点"
TENDENCY_POINTS = 5


def tendency(deviation: float | None) -> str:
    """An evaluator's mean against the panel's: 平均より低めに採点 below −5, 平均より高めに採点 above +5."""
    if deviation is None:
        return ""
    if deviation < -TENDENCY_POINTS:
        return TENDENCY_LOW
    return TENDENCY_HIGH if deviation > TENDENCY_POINTS else "標準"


# -- names the faces share ---------------------------------------------------------------

#: The automatic checks of an application's content, as a section or a kind of check.
AUTO_CHECKS = "自動審査"
#: The must criteria the evaluators judge, as a section or a kind of check.
MUST_CRITERIA = "必須要件"
#: An application's track and field model, as one heading.
FIELDS = "要件・分野別モデル"


def fields_word(program: Program) -> str:
    """What the program's fields are called: 要件・分野別モデル where it has tracks, 分野 where it
    lists fields of its own (r2-ai-plan)."""
    return "分野" if program.fields and not program.tracks else FIELDS
#: A field model over its share of the selection.
FIELD_FLAGGED = "偏りあり"
