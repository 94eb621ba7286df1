"""Score sheets against the criteria, the applications and the panel (pure rules).

Used by ``reviewer validate`` and by the import of score sheets: a submitted sheet scores
every criterion that applies to its application; a draft may be partial; must items are
"pass" or "fail"; scored items an integer 0..5; auto items are never typed. A note (``notes``)
is keyed as a score is: a must or scored criterion that applies.

Inside: ``sheet_problems`` (one sheet) and ``score_file_problems`` (a whole score file: its
program, its evaluator per the roster, duplicate and unknown applications, every sheet).
Both return (location, message) pairs; ``reviewer.files`` turns them into ``Problem``s with
line numbers and field names.
"""

from __future__ import annotations

from typing import Any

from reviewer.domain.model import Application, Criterion, Program, ScoreFile, Sheet
from reviewer.rules.access import Roster

SCORE_MIN, SCORE_MAX = 0, 5
MUST_VALUES = ("pass", "fail")


def stage_criteria(prog: Program, app: Application, stage: str) -> dict[str, Criterion]:
    """The criteria a sheet of ``stage`` rates for ``app``: the written sheet every must and
    scored one that applies, the hearing sheet the hearing's scored ones (SPEC §6.4)."""
    applicable = prog.applicable_by_id(app)
    if stage == "hearing":
        return {cid: c for cid, c in applicable.items() if cid in prog.hearing_ids}
    return applicable


def sheet_problems(sheet: Sheet, prog: Program, app: Application) -> list[tuple[tuple[Any, ...], str]]:
    """What is wrong with one sheet's scores: (location within the sheet, message)."""
    out: list[tuple[tuple[Any, ...], str]] = []
    applicable = stage_criteria(prog, app, sheet.stage)
    for cid, value in sheet.scores.items():
        crit = applicable.get(cid)
        if crit is not None and crit.kind == "must" and value in MUST_VALUES:
            continue  # the common cases first, checked in one go
        if crit is not None and crit.kind == "scored" and type(value) is int and SCORE_MIN <= value <= SCORE_MAX:
            continue
        loc = ("scores", cid)
        crit = prog.criterion(cid)
        if crit is None:
            out.append((loc, f"評価項目 {cid} は事業 {prog.id} にありません"))
            continue
        if crit.kind == "auto":
            out.append((loc, f"{cid}（{crit.label}）は申請内容から自動で計算する項目で、採点票には書けません"))
            continue
        if not prog.applies(crit, app):
            out.append((loc, f"{cid}（{crit.label}）は申請 {app.id} には適用されない項目です（{_why_not(crit, app)}）"))
            continue
        if sheet.stage == "hearing" and cid not in applicable:
            out.append((loc, f"{cid}（{crit.label}）はヒアリングで評価する項目ではありません"
                             "（ヒアリングの採点票には criteria の [hearing] の項目だけを書きます）"))
            continue
        if crit.kind == "must":
            if value not in MUST_VALUES:
                out.append((loc, f"{cid}（{crit.label}）は必須要件です。\"pass\" か \"fail\" で書いてください（値: {value!r}）"))
        elif isinstance(value, bool) or not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            out.append((loc, f"{cid}（{crit.label}）は {SCORE_MIN}〜{SCORE_MAX} の整数で書いてください（値: {value!r}）"))
    if sheet.notes:
        out.extend(_note_problems(sheet, prog, app, applicable))
    if sheet.status == "submitted":
        missing = [
            c for c in applicable.values() if c.kind in ("must", "scored") and c.id not in sheet.scores
        ]
        if missing:
            names = "、".join(f"{c.id}（{c.label}）" for c in missing)
            out.append((("scores",), f"提出（submitted）の採点票は全項目の採点が必要です。未採点: {names}"))
    return out


def _note_problems(sheet: Sheet, prog: Program, app: Application,
                   applicable: dict[str, Criterion]) -> list[tuple[tuple[Any, ...], str]]:
    """A note's key, as a score's: a must or scored criterion that applies to the application."""
    out: list[tuple[tuple[Any, ...], str]] = []
    for cid in sheet.notes:
        crit = applicable.get(cid)
        if crit is not None and crit.kind in ("must", "scored"):
            continue
        loc = ("notes", cid)
        crit = prog.criterion(cid)
        if crit is None:
            out.append((loc, f"評価項目 {cid} は事業 {prog.id} にありません（所見は評価項目ごとに書きます）"))
        elif crit.kind == "auto":
            out.append((loc, f"{cid}（{crit.label}）は申請内容から自動で計算する項目で、所見は書けません"))
        elif prog.applies(crit, app):
            out.append((loc, f"{cid}（{crit.label}）はヒアリングで評価する項目ではないため、所見は書けません"))
        else:
            out.append((loc, f"{cid}（{crit.label}）は申請 {app.id} には適用されない項目です（{_why_not(crit, app)}）"))
    return out


def _why_not(crit: Any, app: Application) -> str:
    if crit.tracks is not None and app.track not in crit.tracks:
        return f"要件{'・'.join(crit.tracks)}の項目で、申請は要件{app.track}"
    return "応募主体の種別が対象外"


def score_file_problems(
    sf: ScoreFile,
    programs: dict[str, Program],
    applications: dict[str, dict[str, Application]],
    roster: Roster | None,
) -> list[tuple[tuple[Any, ...], str]]:
    """What is wrong with a whole score file: the program, the evaluator, every sheet and
    item, as (location within the file, message)."""
    out: list[tuple[tuple[Any, ...], str]] = []
    prog = programs.get(sf.program)
    if prog is None:
        out.append((("program",), f"不明な事業です（{sf.program}）"))
        return out
    evaluator_ok = True
    if roster is not None:
        problem = roster.evaluator_problem(sf.evaluator, sf.program)
        if problem:
            out.append((("evaluator",), problem))
            evaluator_ok = False
    apps = applications.get(sf.program, {})
    seen: dict[tuple[str, str], int] = {}
    for i, sheet in enumerate(sf.sheets):
        base: tuple[Any, ...] = ("sheets", i)
        key = (sheet.application, sheet.stage)
        if key in seen:
            first = seen[key]
            stage = "ヒアリングの" if sheet.stage == "hearing" else ""
            out.append((base + ("application",),
                        f"申請 {sheet.application} の{stage}採点票が sheets[{first}] と重複しています"))
            continue
        seen[key] = i
        app = apps.get(sheet.application)
        if app is None:
            out.append((base + ("application",), f"申請 {sheet.application} は事業 {sf.program} の申請に見つかりません"))
            continue
        if roster is not None and evaluator_ok:
            problem = roster.assignment_problem(sf.evaluator, app)
            if problem is None and sheet.stage == "hearing":
                problem = roster.hearing_problem(app)
            if problem:
                out.append((base + ("application",), problem))
        out.extend((base + loc, msg) for loc, msg in sheet_problems(sheet, prog, app))
    return out
