"""Score sheets as use cases: save (draft or submit), reopen, declare a conflict of interest.

Each asks ``reviewer.rules.access`` who may, ``reviewer.rules.sheets`` what the sheet may hold,
and then writes in one transaction with its audit entry. The command line, the batch import and
the terminal app all save through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reviewer.rules import access
from reviewer.rules.merge import Content, Merge, merge
from reviewer.workspace import Workspace, WorkspaceError
from reviewer.workspace.clock import current_user
from reviewer.workspace.records import AssignmentRecord, SheetRecord

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Sheet


def assignment_problem(ws: Workspace, evaluator_id: str, app: Application,
                       rows: dict[str, AssignmentRecord] | None = None) -> str | None:
    """Why ``evaluator_id`` may not score ``app`` in ``ws`` (None when they may). ``rows``: their
    assignments of the program from ``ws.assignment_rows`` (one query for a whole file)."""
    stored = rows.get(app.id) if rows is not None else ws.assignment(app.program, app.id, evaluator_id)
    return access.assignment_problem(ws.panel().evaluator(evaluator_id), evaluator_id, app, stored)


class WorkspaceRoster:
    """The workspace as the roster of one score file: each evaluator's assignments are read
    once for the file instead of once a sheet."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.rows: dict[tuple[str, str], dict[str, AssignmentRecord]] = {}

    def evaluator_problem(self, evaluator_id: str, program_id: str) -> str | None:
        return access.evaluator_problem(self.ws.panel(), evaluator_id, program_id)

    def hearing_problem(self, app: Application) -> str | None:
        return hearing_problem(self.ws, app.program, app.id)

    def assignment_problem(self, evaluator_id: str, app: Application) -> str | None:
        key = (app.program, evaluator_id)
        if key not in self.rows:
            self.rows[key] = self.ws.assignment_rows(*key)
        return assignment_problem(self.ws, evaluator_id, app, rows=self.rows[key])


def hearing_problem(ws: Workspace, program: str, application: str) -> str | None:
    """Why ``application`` takes no hearing sheet (None when it does): it is not on the shortlist.
    (A finalized program is refused before, by ``sheet_problems`` and the import.)"""
    if ws.shortlisted(program, application) is None:
        return f"申請 {application} はヒアリングの対象ではありません（ヒアリングの採点票は対象の申請にだけ書けます）"
    return None


def sheet_problems(ws: Workspace, program: str, evaluator: str, sheet: Sheet) -> list[str]:
    """What stops ``evaluator`` from saving ``sheet`` (empty when it may be saved)."""
    from reviewer.rules.sheets import sheet_problems as rules

    prog = ws.program(program)
    app = ws.application(program, sheet.application)
    if app is None:
        return [f"申請 {sheet.application} は事業 {program} にありません"]
    if ws.finalized(program):
        from reviewer.workspace.errors import finalized_message

        return [finalized_message(program)]
    stage = hearing_problem(ws, program, app.id) if sheet.stage == "hearing" else None
    for msg in (access.evaluator_problem(ws.panel(), evaluator, program), assignment_problem(ws, evaluator, app), stage):
        if msg:
            return [msg]
    return [msg for _, msg in rules(sheet, prog, app)]


_FIELD_NAMES = {"comment": "コメント", "scores": "採点", "status": "状態", "application": "申請", "notes": "所見"}


def _field(loc: tuple[Any, ...]) -> str:
    """A model error's place as the user reads it: "コメント", "所見 A1"."""
    if not loc:
        return ""
    return " ".join([_FIELD_NAMES.get(str(loc[0]), str(loc[0])), *(str(part) for part in loc[1:])])


def checked_sheet(ws: Workspace, program: str, application: str, evaluator: str, scores: dict[str, Any],
                  comment: str, status: str, *, notes: dict[str, str] | None = None, stage: str = "written") -> Sheet:
    """The sheet as the model and the rules accept it, or WorkspaceError saying why not (a
    comment or a note over the length limit included: never a traceback). ``notes``: a note
    per criterion id (None: none)."""
    from pydantic import ValidationError

    from reviewer.domain.model import Sheet

    try:
        sheet = Sheet.model_validate({"application": application, "status": status, "comment": comment,
                                      "scores": scores, "notes": notes or {}, "stage": stage})
    except ValidationError as e:
        from reviewer.files.models import translate  # only when there is something to say

        raise WorkspaceError(*(f"{_field(tuple(err['loc']))}: {translate(dict(err))}"
                               for err in e.errors(include_url=False))) from None
    problems = sheet_problems(ws, program, evaluator, sheet)
    if problems:
        raise WorkspaceError(*problems)
    return sheet


def save_sheet(ws: Workspace, program: str, application: str, evaluator: str, scores: dict[str, Any],
               comment: str = "", status: str = "draft", actor: str | None = None, replace: bool = False, *,
               notes: dict[str, str] | None = None, stage: str = "written") -> str:
    """Save one sheet in its own transaction. Returns 'created', 'updated', 'submitted',
    'replaced' or 'unchanged'; raises WorkspaceError for anything not allowed."""
    sheet = checked_sheet(ws, program, application, evaluator, scores, comment, status, notes=notes, stage=stage)
    return ws.save_checked_sheet(program, sheet, evaluator, actor or current_user(), replace)


@dataclass
class Saved:
    """What a save based on a revision did: the result, the sheet as stored now, and the merge
    where the sheet had changed meanwhile (its content is what was saved)."""

    result: str
    sheet: SheetRecord | None
    merge: Merge | None = None


def _content(sheet: SheetRecord | None) -> Content:
    return Content(sheet.scores, sheet.comment, sheet.notes) if sheet else Content({}, "")


def save_based_on(ws: Workspace, program: str, application: str, evaluator: str, base: SheetRecord | None,
                  scores: dict[str, Any], comment: str, status: str, actor: str, *,
                  notes: dict[str, str] | None = None, stage: str = "written") -> Saved:
    """Save what a screen holds over the sheet it was based on. Where the stored sheet changed
    meanwhile (an import, another session), the two are merged item by item, scores and notes
    (``reviewer.rules.merge``) and the merge is saved; a sheet submitted meanwhile is refused."""
    mine, merged = Content(dict(scores), comment, dict(notes or {})), None
    for _ in range(5):  # another save between the read and the write: merge again
        sheet = checked_sheet(ws, program, application, evaluator, mine.scores, mine.comment, status,
                              notes=mine.notes, stage=stage)
        result, stored = ws.save_over(program, sheet, evaluator, actor, base.revision if base else 0)
        if result != "stale":
            return Saved(result, stored, merged)
        if stored is not None and stored.status == "submitted":
            raise WorkspaceError(f"申請 {application} の採点票は、別の画面または取り込みで提出されました。"
                                 "提出済みの採点票は変更できません（この画面の内容は保存していません）")
        merged = merge(_content(base), mine, _content(stored))
        mine, base = merged.content, stored
    raise WorkspaceError(f"申請 {application} の採点票が保存のたびに別の画面で変わるため、保存できませんでした")


def reopen_sheet(ws: Workspace, program: str, application: str, evaluator: str, actor: str, reason: str,
                 chair: str | None = None, stage: str = "written") -> None:
    """A chair sends a submitted sheet back to draft, with a reason (not empty). The sheet keeps
    who reopened it (``chair``'s evaluator id where given, else ``actor``) until it is submitted again."""
    if not reason.strip():
        raise WorkspaceError("差し戻しの理由を書いてください")
    if chair is not None:
        problem = access.chair_problem(chair, ws.person(chair).role)
        if problem:
            raise WorkspaceError(problem)
    ws.program(program)
    ws.reopen_sheet(program, application, evaluator, actor=actor, reason=reason.strip(), by=chair, stage=stage)


def declare_conflict(ws: Workspace, program: str, application: str, evaluator: str, reason: str, actor: str) -> None:
    """An evaluator declares a conflict of interest: the assignment ends, the reason is kept."""
    if not reason.strip():
        raise WorkspaceError("取り下げの理由を書いてください")
    ws.withdraw_assignment(program, application, evaluator, reason.strip(), actor=actor)
