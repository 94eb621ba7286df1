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
UNSCHEDULED = "日時未定"


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


def when_heard(scheduled: str) -> str:
    """The hearing's date and time as the chair wrote it, cleaned, or 日時未定."""
    return clean(scheduled) or UNSCHEDULED


def schedule(entry: ShortlistEntry) -> str:
    """When and where an application is heard, on one line."""
    when = when_heard(entry.scheduled)
    return f"{when}、{clean(entry.place)}" if entry.place else when


def shortlist_text(entries: list[ShortlistEntry], program: Program, apps: dict[str, Application]) -> str:
    if not entries:
        return f"{program.id}: ヒアリングの対象はまだありません"
    rows = [[e.application, fit(apps[e.application].applicant.name if e.application in apps else "", 24),
             fit(when_heard(e.scheduled), 20), fit(e.place, 40)] for e in entries]
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
    if opinions:
        lines.append(f"{OPINIONS}（評価者には見せていません）")
        lines.extend(f"  {o.application} {clean(o.source)}（{clean(o.given_on) or jst(o.recorded_at)}）: {clean(o.text)}"
                     for o in opinions)
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
    return f"{HEARING}の重み {weight_text(result.program)}"


def final_summary(result: Result) -> str:
    """The final list on one line: its count and subsidies against the budget, its decisions and its state."""
    return f"{final_totals(result)}　{state_label(result.finalized)}（詳しくは reviewer decisions）"


# -- the workbook's words for the second half -----------------------------------------------

#: The workbook's sheet of the requests and the opinions.
MATERIALS_OPINIONS = f"{MATERIALS}・{OPINIONS}"
#: On the final list without a decision: selected as computed.
AS_COMPUTED = "計算どおり"
SHORTLISTED_MARK = "対象"
FINAL_COLUMN = "最終"
DECISION_COLUMN = "決定"
REASON_COLUMN = "決定理由"
SHORTLIST_COLUMN = "ヒアリング対象"
WAITING = "回答待ち"
NO_FINAL_WARNINGS = "警告はありません（予算・採択件数・総合通信局ごとの上限と下限に収まっています）"
NO_DEPARTURES = "計算上の選定と異なる決定はありません"
#: Under the ranking: what its columns of the second half mean.
DECISION_NOTE = ("決定: 委員長の記録した採否（赤字は計算上の選定と異なる決定）。"
                 f"最終: 決定を反映した{FINAL_LIST}（決定のない申請は計算どおり）。")
OPINIONS_NOTE = "意見は委員長・所管課のための記録で、評価者には示していません。"


def state_text(result: Result) -> str:
    """The result's state on one line: 確定済み with when (Japan time) and by whom, or 未確定
    (with the last reopening, where it was reopened)."""
    return OPEN if result.state is None else state_line(result.state, reason_cells=None)


def weight_text(program: Program) -> str:
    """The hearing's weight and what it does, on one line."""
    w = program.hearing.weight
    return (f"w = {w:g}（ヒアリングの採点票のある申請の得点率 = {1 - w:g} × 書面 + {w:g} × ヒアリング、"
            "ほかの申請は書面のまま）")


def final_decision(a: AppResult) -> str:
    """How an application came onto the final list: 採択 where so decided, else 計算どおり."""
    return decision_label(a.decision) or AS_COMPUTED


def computed_label(a: AppResult) -> str:
    """What the computation made of an application: 採択候補, 採択候補外 or 対象外 (not eligible)."""
    return "採択候補" if a.selected else "採択候補外" if a.eligible else "対象外"


def departure_heading(count: int) -> str:
    return f"計算上の選定と異なる決定（{count} 件）"


def final_heading(result: Result) -> str:
    """The final list sheet's title: the program, the list and its state."""
    return f"{result.program.name} {FINAL_LIST}　{state_text(result)}"


def final_totals(result: Result) -> str:
    """The final list's count, its subsidies against the budget and its decisions, on one line."""
    final = result.final
    money = ""
    if result.program.gives_money:
        money = f"　補助金申請額の合計 {final.yen:,}円" + (
            f"（予算 {final.budget_yen:,}円）" if final.budget_yen is not None else "")
    return (f"{FINAL_LIST} {final.count} 件{money}　決定の記録 {final.decided} 件"
            f"（うち計算上の選定と異なる {final.departures} 件）")


def budget_gap(yen: int, budget: int) -> str:
    """The subsidies against the budget: what is left, or by how much it is over."""
    if yen > budget:
        return f"予算 {budget:,}円を {yen - budget:,}円超過"
    return f"予算 {budget:,}円の内（残り {budget - yen:,}円）"


def requests_line(found: list[MaterialRequest], opinions: list[Opinion]) -> str:
    waiting = sum(1 for r in found if not r.answered)
    return f"{MATERIALS}の依頼 {len(found)} 件（{WAITING} {waiting} 件）　{OPINIONS} {len(opinions)} 件"


def hearing_when(entry: ShortlistEntry | None) -> str:
    """When an application is heard, for a table cell: 日時未定, or off the shortlist."""
    if entry is None:
        return "（対象から外れています）"
    return when_heard(entry.scheduled)


# -- the evaluator's view of the hearing and the materials (the scoring screen, the list) ----------

#: A hearing sheet's state, as the evaluator's list says it.
HEARING_SHEET_LABELS: dict[str | None, str] = {None: "未採点", "draft": "下書き", "submitted": "提出済"}


def short_schedule(entry: ShortlistEntry) -> str:
    """When an application is heard, in a list's cell: "12/10 10:00" for "2026-12-10 10:00";
    any other wording as the chair wrote it, cut to 16 cells ("日時未定" when none)."""
    when = " ".join(clean(entry.scheduled).split())
    date, _, time = when.partition(" ")
    parts = date.split("-")
    if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts) and len(parts[0]) == 4:
        return f"{int(parts[1])}/{int(parts[2])}" + (f" {fit(time, 5)}" if time else "")
    return fit(when, 16) if when else UNSCHEDULED


def request_line(r: MaterialRequest) -> str:
    """A request on one line: what is asked, by when, since when."""
    due = f"期限 {clean(r.due)}、" if r.due else ""
    return f"{clean(r.what)}（{due}依頼 {jst(r.requested_at)}）"


def file_line(r: MaterialRequest) -> str:
    """A received file: its name and size (the SHA-256 goes on a line of its own)."""
    return f"{clean(r.file_name or '')}（{r.file_size or 0:,} バイト）"


def materials_count(found: list[MaterialRequest]) -> str:
    """"追加資料 2 件（回答 1）" ("" with none)."""
    if not found:
        return ""
    return f"{MATERIALS} {len(found)} 件（回答 {sum(1 for r in found if r.answered)}）"


# -- the chair's screen: the second half (view 7, the ranking's keys) ----------------------------

if TYPE_CHECKING:
    from reviewer.workspace.records import ResultState


def refused_finalized(program: str) -> str:
    """Why the chair's screen does not change a finalized program, and how to reopen it there."""
    from reviewer.workspace.errors import finalized_message

    return finalized_message(program) + "。この画面での解除は「7 決定」で R"


def state_line(state: ResultState, reason_cells: int | None = 40) -> str:
    """A result's state as the workspace keeps it: 確定済み (when, by whom) or 未確定 (with the last
    reopening and its reason, cut to ``reason_cells`` where given)."""
    if state.finalized:
        return f"{FINALIZED}（{jst(state.finalized_at)} に {clean(state.finalized_by or '')} が確定）"
    if state.reopened_at:
        reason = state.reopen_reason or ""
        return (f"{OPEN}（{jst(state.reopened_at)} に {clean(state.reopened_by or '')} が確定を解除: "
                f"{clean(reason) if reason_cells is None else fit(reason, reason_cells)}）")
    return OPEN


def finalized_on_screen(result: Result) -> str:
    final = result.final
    return (f"評価結果を確定しました: {result.program.id}（{FINAL_LIST} {final.count if final else 0} 件）。"
            "確定の解除は「7 決定」で R")


def bureau_counts(result: Result) -> str:
    """The final list by bureau: "総合通信局別: 北海道 1、東北 2、…" (every bureau, 0 included)."""
    final = result.final
    return "総合通信局別: " + "、".join(f"{b} {n}" for b, n in final.by_bureau.items())


def opinion_line(o: Opinion) -> str:
    """An opinion on one line: who gave it, when, and what it says."""
    return f"{clean(o.source)}（{clean(o.given_on) or jst(o.recorded_at)}）: {clean(o.text)}"


def finalize_lines(result: Result, drafts: int, what_if: bool) -> list[str]:
    """What the chair confirms before finalizing: the settings scored, the final list, its
    warnings, the drafts left out and what finalizing stops."""
    from reviewer.domain.vocabulary import METHOD_LABELS, SELECTION_LABELS

    final = result.final
    lines = [f"集計: {METHOD_LABELS[result.method]}　選定: {SELECTION_LABELS.get(result.selection, result.selection)}"
             + (f"　予算: {result.budget_yen:,}円" if result.budget_yen is not None else "")
             + ("（試算の設定のまま確定します）" if what_if else "")]
    if final is not None:
        lines.append(final_totals(result))
        lines.extend(f"警告: {w}" for w in final.warnings)
    if drafts:
        lines.append(f"下書きの採点票が {drafts}\u00a0件あります（集計に入りません）。下書きのまま確定します。")
    lines.append("確定すると、採点票・ヒアリングの対象・追加資料の依頼・決定は変更できなくなります"
                 "（解除は「7 決定」で R）。")
    return lines
