"""The words of the second half of a review (SPEC §6.4, §6.7): the shortlist, the requests for
additional materials, the opinions, the decisions and the final list (採択候補先), as the
command line prints them and the chair's screen and the workbook label them. Untrusted text
(titles, requests, answers, opinions, reasons) goes through ``clean``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.present.text import clean, fit, jst, table

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Program
    from reviewer.scoring import AppResult, Result
    from reviewer.workspace.records import MaterialRequest, Opinion, ShortlistEntry

#: How a decision is said.
DECISION_LABELS = {"select": "採択", "reject": "不採択"}
#: The final list's name, as the seeds write it.
FINAL_LIST = "採択候補先"
HEARING = "ヒアリング"
MATERIALS = "追加資料"
OPINIONS = "意見"
FINALIZED = "確定済み"
OPEN = "未確定"


def decision_label(decision: str | None) -> str:
    return DECISION_LABELS.get(decision or "", "")


def state_label(finalized: bool) -> str:
    return FINALIZED if finalized else OPEN


def removed(program: str, application: str) -> str:
    return f"ヒアリングの対象から外しました: {program} / {application}"


def around_why(top: int | None, boundary: bool, method: str) -> str:
    """The audit's note of how a shortlist was chosen."""
    return f"境界域（集計 {method}）" if boundary else f"上位 {top} 件（集計 {method}）"


def shortlisted(program: str, added: int, changed: int) -> str:
    return f"ヒアリングの対象: {program} に {added} 件を追加、{changed} 件の日時・場所を変更しました"


def schedule(entry: ShortlistEntry) -> str:
    """When and where an application is heard, on one line."""
    when = clean(entry.scheduled) or "日時未定"
    return f"{when}、{clean(entry.place)}" if entry.place else when


def shortlist_text(entries: list[ShortlistEntry], program: Program, apps: dict[str, Application]) -> str:
    if not entries:
        return f"{program.id}: ヒアリングの対象はまだありません"
    rows = [[e.application, fit(apps[e.application].applicant.name if e.application in apps else "", 24),
             fit(e.scheduled or "日時未定", 20), fit(e.place, 40)] for e in entries]
    return f"{program.id}: ヒアリングの対象 {len(entries)} 件\n" + table(["申請", "申請者", "日時", "場所"], rows)


def requested(number: int, program: str, application: str) -> str:
    return f"追加資料を依頼しました（依頼 {number}）: {program} / {application}"


def answer_summary(r: MaterialRequest) -> str:
    """A request's answer on one line: the file (name, size, SHA-256's head) and/or the text."""
    if not r.answered:
        return "回答待ち"
    parts = []
    if r.file_name:
        parts.append(f"ファイル {clean(r.file_name)}（{r.file_size or 0:,}バイト、SHA-256 {(r.file_sha256 or '')[:12]}…）")
    if r.answer_text:
        parts.append(fit(r.answer_text, 60))
    return f"回答 {jst(r.answered_at)}: " + "／".join(parts)


def answered(r: MaterialRequest) -> str:
    return f"回答を記録しました（依頼 {r.id}、申請 {r.application}）: {answer_summary(r)}"


def requests_text(found: list[MaterialRequest], open_only: bool = False) -> str:
    if not found:
        return "回答待ちの追加資料の依頼はありません" if open_only else "追加資料の依頼はありません"
    rows = [[str(r.id), r.application, fit(r.what, 40), fit(r.due or "", 12), jst(r.requested_at),
             fit(answer_summary(r), 50)] for r in found]
    waiting = sum(1 for r in found if not r.answered)
    return (f"追加資料の依頼 {len(found)} 件（回答待ち {waiting} 件）\n"
            + table(["番号", "申請", "依頼する資料", "期限", "依頼日時", "回答"], rows))


def opinion_recorded(number: int, program: str, application: str) -> str:
    return f"意見を記録しました（{number}）: {program} / {application}"


def opinions_text(found: list[Opinion]) -> str:
    if not found:
        return "記録された意見はありません"
    rows = [[o.application, fit(o.source, 20), fit(o.given_on or jst(o.recorded_at), 16), fit(o.text, 60)]
            for o in found]
    return f"意見 {len(found)} 件\n" + table(["申請", "述べた者", "日付", "意見"], rows)


def decided(program: str, application: str, decision: str | None) -> str:
    if decision is None:
        return f"決定の記録を取り消しました: {program} / {application}"
    return f"{decision_label(decision)}と記録しました: {program} / {application}"


def final_text(result: Result, opinions: list[Opinion]) -> str:
    """The final list with its totals against the budget and the quotas, each decision with its
    reason (and the opinions on it), and the warnings."""
    final = result.final
    assert final is not None
    by_id = {a.id: a for a in result.applications}
    heard = {o.application for o in opinions}
    lines = [f"{result.program.id}: {FINAL_LIST} {final.count} 件（{state_label(result.finalized)}）"]
    if result.program.gives_money:
        budget = f"（予算 {final.budget_yen:,}円）" if final.budget_yen is not None else ""
        lines.append(f"補助金申請額の合計 {final.yen:,}円{budget}")
    rows = []
    for aid in final.ids:
        a = by_id[aid]
        rows.append([str(a.rank or "—"), aid, fit(a.applicant, 20), a.bureau,
                     f"{a.total:.2f}" if a.total is not None else "—",
                     decision_label(a.decision) or "計算どおり", fit(a.decision_reason or "", 40),
                     "あり" if aid in heard else ""])
    lines.append(table(["順位", "申請", "申請者", "総合通信局", "合計", "決定", "理由", "意見"], rows))
    rejected = [a for a in result.applications if a.decision == "reject"]
    if rejected:
        lines.append("不採択と決定した申請: " + "、".join(
            f"{a.id}（{'計算上は採択候補' if a.selected else '計算上も対象外'}: {clean(a.decision_reason or '')}）"
            for a in rejected))
    lines.append(f"決定の記録 {final.decided} 件（うち計算上の選定と異なる {final.departures} 件）")
    lines.extend(f"警告: {w}" for w in final.warnings)
    return "\n".join(lines)


def finalized(result: Result) -> str:
    final = result.final
    count = final.count if final else 0
    return (f"評価結果を確定しました: {result.program.id}（{FINAL_LIST} {count} 件）。"
            "以後、採点票・ヒアリングの対象・追加資料の依頼・決定は変更できません（解除は reviewer reopen-result）")


def result_reopened(program: str) -> str:
    return f"評価結果の確定を解除しました: {program}"


def review_marks(a: AppResult) -> list[str]:
    """What the ranking notes of the second half beside an application: on the hearing's
    shortlist, heard, and the decision where it is recorded."""
    marks = []
    if a.hearing_rate is not None:
        marks.append("ヒアリング済")
    elif a.shortlisted:
        marks.append("ヒアリング対象")
    if a.decision is not None:
        marks.append(f"決定: {decision_label(a.decision)}")
    return marks


WRITTEN_RATE = "書面"
HEARING_RATE = "ヒアリング"
COMBINED_RATE = "得点率"
HEARING_REVIEWS = "ヒアリング評価数"


def hearing_heading(result: Result) -> str:
    w = result.program.hearing.weight
    return (f"ヒアリング（得点率 = {1 - w:g} × 書面 + {w:g} × ヒアリング、ヒアリングのない申請は書面のまま）")


def final_summary(result: Result) -> str:
    """The final list on one line: its count and subsidies against the budget, its decisions and its state."""
    final = result.final
    assert final is not None
    money = ""
    if result.program.gives_money:
        money = f"、補助金申請額 {final.yen:,}円" + (f"（予算 {final.budget_yen:,}円）" if final.budget_yen is not None else "")
    return (f"{FINAL_LIST} {final.count} 件{money}、決定の記録 {final.decided} 件（計算上の選定と異なる {final.departures} 件）"
            f"、{state_label(result.finalized)}（詳しくは reviewer decisions）")
