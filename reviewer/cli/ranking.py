"""``reviewer rank`` as text: the ranking with the cut line, the regional and the field balance,
and the agreement between evaluators. Every string from the input files is cleaned of control
characters (``table`` cleans its cells)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.domain.vocabulary import BALANCE_LABELS, FIELD_KIND_LABELS, METHOD_LABELS, SELECTION_LABELS
from reviewer.present import result as words
from reviewer.present import review, sureness
from reviewer.present.text import clean, table

if TYPE_CHECKING:
    from reviewer.scoring import Result


def print_ranking(result: Result, what_if: bool = False) -> None:
    prog = result.program
    print(f"{clean(prog.name)}（{prog.id}）")  # names and labels come from the criteria file: cleaned
    print(f"集計方法: {METHOD_LABELS[result.method]}　{words.strategy_text(result)}　{words.budget_text(result, what_if)}"
          f"　申請額合計（自動審査通過分）: {words.yen(result.demand_yen)}" + ("　予算超過" if result.oversubscribed else ""))
    if words.bonus_names(prog):
        print(f"自動加点（{clean(words.bonus_names(prog))}）: {words.bonus_state(result)}")
    print(sureness.sureness_line(result))
    _ranking_table(result)
    print()
    print("地域バランス")
    print(table(["総合通信局", "申請", "対象", "採択候補", "下限", "上限", "状態"],
                [[b.bureau, str(b.applications), str(b.eligible), str(b.selected),
                  "-" if b.min is None else str(b.min), "-" if b.max is None else str(b.max),
                  BALANCE_LABELS[b.status]] for b in result.balance], right={1, 2, 3, 4, 5}))
    for note in result.selection_notes:
        print(f"{words.UNMET}: {note}")
    for note in result.grant_notes:
        print(f"{words.GRANT_NOTES}: {note}")
    if result.field_balance:
        share = prog.selection.max_field_share
        print()
        print("分野バランス" + (f"（採択候補に占める割合の上限 {share:.0%}）" if share else ""))
        if prog.fields and prog.fields_note:
            print(clean(prog.fields_note))
        print(table(["区分", "番号", "名称", "申請", "対象", "採択候補", "割合", "偏り"],
                    [[FIELD_KIND_LABELS[f.kind], f.key if f.kind != "field" else "", f.name, str(f.applications), str(f.eligible),
                      str(f.selected), "-" if f.share is None else f"{f.share:.0%}", "偏りあり" if f.flagged else ""]
                     for f in result.field_balance], right={3, 4, 5, 6}, max_width={2: 30}))
    if result.agreement.alpha is not None:
        print(f"\n評価者間の一致度（Krippendorff の α、間隔尺度）: {words.agreement_text(result.agreement)}")
    _effects(result)
    _boundary(result)
    _comparison(result)
    _hearing(result)
    _final(result)


def _hearing(result: Result) -> None:
    """The heard applications: the written, the hearing's and the combined rate (SPEC §6.4)."""
    heard = [a for a in result.applications if a.hearing_rate is not None]
    if not heard:
        return
    print()
    print(review.hearing_heading(result))
    print(table(["順位", "申請ID", "申請者", review.WRITTEN_RATE, review.HEARING_RATE, review.COMBINED_RATE,
                 review.HEARING_REVIEWS],
                [[str(a.rank or "-"), a.id, a.applicant, words.rate(a.written_rate), words.rate(a.hearing_rate),
                  words.rate(a.score_rate), str(len(a.hearing_sheet_rates))] for a in heard],
                right={0, 3, 4, 5, 6}, max_width={2: 24}))


def _final(result: Result) -> None:
    """The final list (採択候補先) where a decision is recorded or the result is finalized."""
    if result.final is None or not (result.final.decided or result.finalized):
        return
    print()
    print(review.final_summary(result))
    for w in result.final.warnings:
        print(f"警告: {w}")


def _effects(result: Result) -> None:
    """With method adjusted: each evaluator's fitted effect, the harshest first."""
    if result.method != "adjusted":
        return
    print()
    print(f"{sureness.EFFECT}（同じ申請を採点した他の評価者と比べた得点率の差）　{sureness.shrinkage_text(result)}")
    stats = sorted(result.evaluator_stats, key=lambda e: (e.effect or 0.0, e.evaluator))
    print(table(["評価者ID", "氏名", "採点票", sureness.EFFECT, "平均"],
                [[e.evaluator, e.name, str(e.count), sureness.effect_text(e.effect), words.rate(e.mean)] for e in stats],
                right={2, 3, 4}, max_width={1: 20}))


def _boundary(result: Result) -> None:
    """The applications in the boundary zone (``sureness.BOUNDARY_RULE``)."""
    if not result.resamples:
        return
    print()
    zone = result.boundary
    print(f"{sureness.BOUNDARY}（{sureness.BOUNDARY_RULE}）: {len(zone)} 件")
    if zone:
        print(table(["順位", "申請ID", "申請者", "合計", sureness.EXPECTED_RANK, sureness.RANK_INTERVAL,
                     sureness.P_SELECTED, "採択候補"],
                    [[str(a.rank), a.id, a.applicant, words.rate(a.total), sureness.expected_rank_text(a),
                      sureness.rank_interval_text(a), sureness.share_text(a.p_selected),
                      words.SELECTED_SHORT if a.selected else ""] for a in zone],
                    right={0, 3, 4, 6}, max_width={2: 24}))


def _comparison(result: Result) -> None:
    """The strategies side by side: each one's selection, then the applications they differ on."""
    c = result.comparison
    if c is None:
        return
    print()
    print("選定方式の比較")
    print(table(list(sureness.COMPARISON_HEADERS), [sureness.outcome_row(o, c.chosen) for o in c.outcomes],
                right={1, 2, 3}))
    for o in c.outcomes:
        for note in o.notes:
            print(f"{sureness.strategy_name(o.strategy)}: {words.UNMET}: {note}")
    print(sureness.comparison_summary(c))
    if c.differences:
        names = [o.strategy for o in c.outcomes]
        print(table(["順位", "申請ID", "総合通信局", "申請額", *[sureness.strategy_name(s) for s in names]],
                    [[str(d.rank), d.id, d.bureau, f"{d.requested_subsidy_yen:,}",
                      *[sureness.chosen_mark(d.selected[s]) for s in names]] for d in c.differences],
                    right={0, 3}))
        print("理由")
        for d in c.differences:
            print(f"  {d.id}（{d.rank}位）")
            for s in names:
                print(f"    {SELECTION_LABELS[s]}: {clean(d.why[s])}")


def _ranking_table(result: Result) -> None:
    prog = result.program
    headers = ["順位", "申請ID", "申請者", "総合通信局", "得点率", "加点", "合計", "評価数", "申請額", "採択候補",
               sureness.RANK_INTERVAL, "採択割合", "注記"]
    rows: list[list[str]] = []
    cut = result.cut_rank
    lines_after: dict[int, str] = {}
    for a in result.applications:
        rows.append([str(a.rank) if a.rank else "-", a.id, a.applicant, a.bureau, words.rate(a.score_rate),
                     words.points(a.bonus), words.rate(a.total), str(a.reviews), f"{a.requested_subsidy_yen:,}",
                     words.SELECTED_SHORT if a.selected else "", sureness.rank_interval_text(a),
                     sureness.share_text(a.p_selected),
                     " ".join(([sureness.BOUNDARY] if a.boundary else []) + review.review_marks(a)
                              + words.notes(a, prog))])
        if cut is not None and a.rank == cut:
            lines_after[len(rows) - 1] = f"==== {words.cut_line(result)} ===="
    for i, line in enumerate(table(headers, rows, right={0, 4, 5, 6, 7, 8, 11}, max_width={2: 24}).splitlines()):
        print(line)
        if i - 2 in lines_after:
            print(lines_after[i - 2])
