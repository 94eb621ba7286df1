"""A session of the terminal app: one person, fixed when it starts, and the evaluator's use cases.

The identity comes from ``--evaluator`` (fixed by the SSH forced command) or the panel's
``os_user`` for the login account; every scoring screen opens for that identity only (in the
demo, the chair may look through an evaluator's eyes). The app shows what this returns and
calls it for every change; it never touches the workspace itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.rules import access
from reviewer.services import sheets
from reviewer.workspace import Workspace, WorkspaceError
from reviewer.workspace.clock import current_user
from reviewer.workspace.records import Person, QueueEntry, SheetRecord

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Program
    from reviewer.rules.checks import CheckResult


def resolve_identity(ws: Workspace, evaluator_id: str | None) -> str:
    """Who the session is: ``evaluator_id`` when given (it must be on the panel), else the panel's
    entry whose ``os_user`` is this login."""
    if evaluator_id:
        ws.person(evaluator_id)
        return evaluator_id
    user = current_user()
    ev = ws.evaluator_for_os_user(user)
    if ev is None:
        raise WorkspaceError(f"このアカウント（{user}）は評価者名簿の os_user にありません。"
                             "--evaluator で評価者 ID を指定してください")
    return ev.id


def identify(workspace: Path, evaluator_id: str | None) -> str:
    """``resolve_identity`` on a workspace opened for the purpose."""
    with Workspace.open(workspace) as ws:
        return resolve_identity(ws, evaluator_id)


@dataclass(frozen=True)
class OpenedSheet:
    """An application opened for scoring: the program, the application, its automatic checks and
    the evaluator's sheet as saved (None before the first save)."""

    evaluator: str
    program: Program
    application: Application
    checks: list[CheckResult]
    sheet: SheetRecord | None


class Session:
    """One person's session over one workspace connection."""

    def __init__(self, workspace: Path, identity: str, *, demo: bool = False, actor: str | None = None):
        self.ws = Workspace.open(workspace)
        self.path = Path(workspace)
        self.identity: Person = self.ws.person(identity)
        self.demo = demo
        self.actor = actor or f"{self.identity.id} ({current_user()})"
        self.viewing_as: str | None = None  # demo: the chair looking through an evaluator's eyes

    def close(self) -> None:
        self.ws.close()

    @property
    def is_chair(self) -> bool:
        return self.identity.role == "chair"

    def record_start(self) -> None:
        via = "ssh" if os.environ.get("SSH_CONNECTION") else "local"
        self.ws.record(self.actor, "session-start", evaluator=self.identity.id,
                       detail=f"{'chair' if self.is_chair else 'evaluator'} via {via}")

    # -- who ----------------------------------------------------------------------------

    def person(self, eid: str) -> Person:
        return self.ws.person(eid)

    def people(self) -> list[Person]:
        return self.ws.people()

    def program_names(self) -> dict[str, str]:
        return self.ws.program_names()

    def view_as(self, evaluator_id: str | None) -> None:
        """Demo only: the chair looks through an evaluator's eyes (None: back to the chair)."""
        if evaluator_id is not None and not (self.demo and self.is_chair):
            raise WorkspaceError("評価者の画面への切替はデモでだけできます")
        self.viewing_as = evaluator_id

    def gate(self, evaluator_id: str) -> None:
        """Refuse (WorkspaceError) a screen of anyone but the session's own evaluator."""
        problem = access.session_problem(self.identity.id, evaluator_id, self.ws.person(evaluator_id).role,
                                         self.viewing_as, self.demo)
        if problem:
            raise WorkspaceError(problem)

    # -- the evaluator's work -----------------------------------------------------------

    def queue(self, evaluator_id: str) -> list[QueueEntry]:
        """The evaluator's assignments with their status (their own only)."""
        self.gate(evaluator_id)
        return self.ws.evaluator_queue(evaluator_id)

    def open_sheet(self, evaluator_id: str, program: str, application: str) -> OpenedSheet:
        """Open an application for scoring, through the access gate; the opening is audited."""
        from reviewer.rules.checks import run_checks

        self.gate(evaluator_id)
        app = self.ws.application(program, application)
        if app is None:
            raise WorkspaceError("申請が見つかりません")
        problem = sheets.assignment_problem(self.ws, evaluator_id, app)
        if problem:
            raise WorkspaceError(problem)
        prog = self.ws.program(program)
        self.ws.record(self.actor, "application-open", program, application, evaluator_id)
        return OpenedSheet(evaluator_id, prog, app, run_checks(app, prog),
                           self.ws.sheet(program, application, evaluator_id))

    def next_unfinished(self, evaluator_id: str, program: str, application: str) -> tuple[str, str] | None:
        """The next application after this one (in list order, wrapping) that is not submitted."""
        rows = self.queue(evaluator_id)
        keys = [(r.program, r.application) for r in rows]
        i = keys.index((program, application)) if (program, application) in keys else -1
        for r in rows[i + 1:] + rows[: max(i, 0)]:
            if r.status != "submitted" and (r.program, r.application) != (program, application):
                return r.program, r.application
        return None

    def save_draft(self, opened: OpenedSheet, scores: dict[str, Any], comment: str) -> str:
        """Save the opened sheet as a draft (partial scores allowed)."""
        return self._save(opened, scores, comment, "draft")

    def submit(self, opened: OpenedSheet, scores: dict[str, Any], comment: str) -> str:
        """Submit the opened sheet (every applicable criterion scored; read-only afterwards)."""
        return self._save(opened, scores, comment, "submitted")

    def _save(self, opened: OpenedSheet, scores: dict[str, Any], comment: str, status: str) -> str:
        self.gate(opened.evaluator)
        return sheets.save_sheet(self.ws, opened.program.id, opened.application.id, opened.evaluator, scores,
                                 comment, status, actor=self.actor)

    def declare_conflict(self, opened: OpenedSheet, reason: str) -> None:
        self.gate(opened.evaluator)
        sheets.declare_conflict(self.ws, opened.program.id, opened.application.id, opened.evaluator, reason,
                                actor=self.actor)
