"""How sure the ranking is and the strategies side by side, in words (SPEC §6.5, §6.6): the
wording ``rank``, the chair's screen and the workbook share. Pure, no terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.domain.vocabulary import SELECTION_LABELS

if TYPE_CHECKING:
    from reviewer.scoring import AppResult, Result
    from reviewer.scoring.compare import Comparison, Outcome

BOUNDARY = "境界域"
BOUNDARY_SHORT = "境"
EXPECTED_RANK = "期待順位"
RANK_INTERVAL = "順位の90%区間"
P_SELECTED = "採択候補になる割合"
#: The ranking sheet's one column on how sure a rank is: 「境界域 1〜3位・100%」.
SURENESS_COLUMN = "順位の確かさ"
EFFECT = "評価者の傾向"
BOUNDARY_RULE = "90%区間が採択候補の線をまたぐか、採択候補になる割合が5〜95%"

#: What the figures mean and how they are made, for the README's reader, the workbook's notes
#: and the chair's help (one sentence a line).
SURENESS_EXPLANATION: tuple[str, ...] = (
    "順位の確かさは、採点票の再標本（ブートストラップ）で求めています。",
    "申請ごとに、提出済みの採点票から同じ枚数を重複を許して無作為に選び直し、同じ集計方法・加点・"
    "順位の規則・選定方式・予算で順位と採択候補を決め直すことを、指定の回数（既定 1,000 回）繰り返します。",
    "期待順位はその平均、順位の90%区間は下位5%から上位5%を除いた範囲、採択候補になる割合は"
    "採択候補に選ばれた回の割合です（必須要件と自動審査の結果は変えません）。",
    "順位の90%区間が採択候補の線（最後の採択候補の順位）をまたぐ申請と、採択候補になる割合が"
    "5%を超え95%未満の申請を「境界域」とし、採点のばらつきの範囲では互いに区別できない申請として扱います。",
    "同じ乱数の種（--seed、既定 0）と同じ採点票なら、結果は毎回同じです。",
)

ADJUSTED_EXPLANATION: tuple[str, ...] = (
    "集計方法「評価者の傾向を補正」は、採点票の得点率を「全体の平均 + 申請の効果 + "
    "評価者の傾向 + 誤差」と見て、評価者の傾向を0に引き寄せながら（縮小推定）当てはめ、"
    "申請の得点率を「全体の平均 + 申請の効果」とします。",
    "高めに採点する評価者・低めに採点する評価者に当たったかどうかで順位が動かないようにするためのもので、評価者の傾向は"
    "同じ申請を採点した他の評価者と比べた得点率の差（ポイント）です。",
)


def rank_interval_text(a: AppResult) -> str:
    """"3〜12位" (the 90 % interval), or "-" where none was drawn."""
    if a.rank_interval is None:
        return "-"
    lo, hi = a.rank_interval
    return f"{lo}位" if lo == hi else f"{lo}〜{hi}位"


def expected_rank_text(a: AppResult) -> str:
    return "-" if a.expected_rank is None else f"{a.expected_rank:.1f}"


def share_text(p: float | None) -> str:
    """A share as a whole percentage ("87%"), "-" where none."""
    return "-" if p is None else f"{round(100 * p)}%"


def effect_text(effect: float | None) -> str:
    """An evaluator's effect in points of rate with its sign ("+4.2", "-3.0"), "-" where none."""
    return "-" if effect is None else f"{effect:+.1f}"


SURENESS_LABEL = "順位の確かさ"
SHRINKAGE_LABEL = "評価者の傾向の縮小の強さ"
NO_BOUNDARY = f"{BOUNDARY}の申請はありません"
#: The ranking's note on the boundary zone's colour (the workbook's yellow).
BOUNDARY_NOTE = f"{BOUNDARY}（黄色）: {BOUNDARY_RULE}。一覧はシート「{BOUNDARY}」。"


def sureness_line(result: Result) -> str:
    """One line on how the figures were drawn and how many are in the boundary zone."""
    return f"{SURENESS_LABEL}: {sureness_value(result)}"


def sureness_value(result: Result) -> str:
    """``sureness_line`` without its label (where a table holds the label)."""
    if not result.resamples:
        return "求めていません（--resamples 0）"
    text = f"採点票の再標本 {result.resamples:,} 回（乱数の種 {result.seed}）"
    if result.selection_resamples and result.selection_resamples < result.resamples:
        text += f"、採択候補になる割合は最初の {result.selection_resamples:,} 回から（最適化は1回ごとに解くため）"
    return text + f"。{BOUNDARY} {len(result.boundary)} 件（{BOUNDARY_RULE}）"


def shrinkage_text(result: Result) -> str:
    """The adjusted method's shrinkage, as a chair reads it ("" for other methods)."""
    value = shrinkage_value(result)
    return f"{SHRINKAGE_LABEL}: {value}" if value else ""


def shrinkage_value(result: Result) -> str:
    """``shrinkage_text`` without its label ("" for other methods)."""
    if result.method != "adjusted" or result.shrinkage is None:
        return ""
    return f"採点票 {result.shrinkage:.1f} 枚分（データから推定）"


# -- the strategies side by side -----------------------------------------------------------


def strategy_name(strategy: str) -> str:
    """"最適化（optimal）"."""
    return f"{SELECTION_LABELS[strategy]}（{strategy}）"


def minimums_text(o: Outcome) -> str:
    """Which minimums a strategy meets: "下限 すべて満たす", "下限未満: 東北・沖縄", or "下限なし"."""
    short = [b for b, met in o.min_met.items() if not met]
    parts = []
    if o.min_met:
        parts.append("局の下限 すべて満たす" if not short else "局の下限未満: " + "・".join(short))
    if o.min_selected_met is not None:
        parts.append("全体の下限 満たす" if o.min_selected_met else "全体の下限 満たさない")
    return "、".join(parts) or "下限なし"


COMPARISON_HEADERS = ("方式", "件数", "申請額の合計", "合計点の和", "下限")


def outcome_row(o: Outcome, chosen: str) -> list[str]:
    """A strategy's line: name (the chosen one marked), count, yen, the sum of totals, minimums."""
    mark = "［採用］" if o.strategy == chosen else ""  # full-width brackets: two cells in any terminal
    return [strategy_name(o.strategy) + mark, str(len(o.selected)), f"{o.yen:,}円", f"{o.totals:.2f}",
            minimums_text(o)]


def comparison_summary(c: Comparison) -> str:
    """"3つの方式で採択候補が異なる申請: 7 件" or that they agree."""
    if not c.differences:
        return "3つの選定方式の採択候補は同じです"
    return f"選定方式によって採択候補が異なる申請: {len(c.differences)} 件"


def chosen_mark(selected: bool) -> str:
    """〇 (U+3007) or － (U+FF0D): wide in every terminal, unlike ○ and ←."""
    return "〇" if selected else "－"
