"""A session of the terminal app: one person, fixed when it starts, and the evaluator's use cases.

The identity comes from ``--evaluator`` (fixed by the SSH forced command) or the panel's
``os_user`` for the login account; every scoring screen opens for that identity only (in the
demo, the chair may look through an evaluator's eyes). The app shows what this returns and
calls it for every change; it never touches the workspace itself.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.domain import scope
from reviewer.rules import access
from reviewer.services import sheets
from reviewer.workspace import Workspace, WorkspaceError
from reviewer.workspace.clock import current_user
from reviewer.workspace.records import (
    CriterionScope,
    MaterialRequest,
    Person,
    Presence,
    QueueEntry,
    SheetRecord,
    ShortlistEntry,
    StoredAttachment,
)

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Program
    from reviewer.rules.checks import CheckResult
    from reviewer.services.calibration import Calibration


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


def _warm_sheet_model() -> None:
    """Build the sheet model's validator now, while the screen opens, not at the first keypress
    (the model defers building until first used: tens of milliseconds)."""
    from reviewer.domain.model import Sheet

    Sheet.model_validate({"application": "warm-up", "status": "draft"})


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def queue_entries(ws: Workspace, rows: list[QueueEntry]) -> list[QueueEntry]:
    """``rows`` with ``items`` (the must and scored criteria that apply to each application, from
    its program's criteria and its track and applicant type) and the reopener's name where
    ``reopened_by`` is on the panel: one read of each program's criteria and one of the names,
    whatever the number of rows, and no model built."""
    counts: dict[tuple[str, str | None, str], int] = {}
    scopes: dict[str, list[CriterionScope]] = {}
    for r in rows:
        key = (r.program, r.track, r.applicant_type)
        if key not in counts:
            if r.program not in scopes:
                scopes[r.program] = [c for c in ws.criterion_scopes(r.program) if c.kind in ("must", "scored")]
            counts[key] = sum(1 for c in scopes[r.program] if scope.applies(c.tracks, c.applicant_types, r.track,
                                                                            r.applicant_type))
    names = ws.evaluator_names(r.reopened_by for r in rows if r.reopened_by)
    return [r._replace(items=counts[(r.program, r.track, r.applicant_type)],
                       reopened_by_name=names.get(r.reopened_by) if r.reopened_by else None) for r in rows]


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
    #: SPEC §6.4: when and where the application is heard (None: not shortlisted), and the
    #: evaluator's hearing sheet as saved.
    hearing: ShortlistEntry | None = None
    hearing_sheet: SheetRecord | None = None
    #: requests for additional materials with their answers (what evaluators see of them)
    materials: list[MaterialRequest] = field(default_factory=list)
    finalized: bool = False
    #: SPEC §6.2: the submitted files with their text, page by page
    attachments: list[StoredAttachment] = field(default_factory=list)


class Session:
    """One person's session over one workspace connection."""

    def __init__(self, workspace: Path, identity: str, *, demo: bool = False, actor: str | None = None):
        self.ws = Workspace.open(workspace)
        self.path = Path(workspace)
        self.identity: Person = self.ws.person(identity)
        self.demo = demo
        self.actor = actor or f"{self.identity.id} ({current_user()})"
        self.viewing_as: str | None = None  # demo: the chair looking through an evaluator's eyes
        self.id = uuid.uuid4().hex          # this session's screens, for the others to see
        self.host = socket.gethostname()

    def close(self) -> None:
        try:
            self.ws.leave_sheet(self.id)
        except WorkspaceError:
            pass  # closing: a full disk or a read-only file must not stop it
        self.ws.close()

    @property
    def is_chair(self) -> bool:
        return self.identity.role == "chair"

    def record_start(self) -> None:
        """Audit the session's start: who, in which role, and from where ("via ssh from
        192.0.2.1 port 50022", from SSH_CONNECTION or SSH_CLIENT; "via local" without either)."""
        import ipaddress

        via = "local"
        client = (os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT") or "").split()
        if client:
            try:
                address = str(ipaddress.ip_address(client[0].split("%")[0]))
            except ValueError:
                address = "?"
            port = client[1] if len(client) > 1 and client[1].isascii() and client[1].isdigit() else "?"
            via = f"ssh from {address} port {port[:5]}"
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
        """The evaluator's assignments with their status (their own only), each with the number of
        items that apply to it (``items``: must and scored criteria) and, for a reopened draft, the
        reopener's name where ``reopened_by`` is on the panel. Two queries besides the list's own,
        whatever its length; no program or application is parsed (the first screen)."""
        self.gate(evaluator_id)
        return queue_entries(self.ws, self.ws.evaluator_queue(evaluator_id))

    def calibration(self, evaluator_id: str) -> Calibration:
        """The evaluator's own submitted sheets, their rates and item means (``Calibration``):
        only this evaluator's sheets are read."""
        from reviewer.services.calibration import calibration

        self.gate(evaluator_id)
        return calibration(self.ws, evaluator_id)

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
        self.ws.enter_sheet(self.id, program, application, evaluator_id, self.host, os.getpid())
        _warm_sheet_model()
        return OpenedSheet(evaluator_id, prog, app, run_checks(app, prog),
                           self.ws.sheet(program, application, evaluator_id),
                           self.ws.shortlisted(program, application),
                           self.ws.sheet(program, application, evaluator_id, "hearing"),
                           self.ws.requests(program, application), self.ws.finalized(program),
                           self.ws.attachments(program, application, pages=True))

    def close_sheet(self, opened: OpenedSheet) -> None:
        """The screen of ``opened`` closed (the other sessions no longer see it)."""
        self.ws.leave_sheet(self.id)

    def others_on(self, opened: OpenedSheet) -> list[Presence]:
        """The other sessions that have this sheet open now (a session of this machine whose
        process is gone is forgotten)."""
        others = []
        for p in self.ws.present(opened.program.id, opened.application.id, opened.evaluator):
            if p.session == self.id:
                continue
            if p.host == self.host and not _alive(p.pid):
                self.ws.leave_sheet(p.session)
                continue
            others.append(p)
        return others

    def next_unfinished(self, evaluator_id: str, program: str, application: str) -> tuple[str, str] | None:
        """The next application after this one (in list order, wrapping) with a sheet still to
        submit: its written one, or, where it is shortlisted, its hearing sheet (unless the
        program's result is finalized)."""
        rows = self.queue(evaluator_id)
        heard = self.hearings(evaluator_id, rows)
        open_programs = {p for p in {r.program for r in rows} if not self.ws.finalized(p)}
        keys = [(r.program, r.application) for r in rows]
        i = keys.index((program, application)) if (program, application) in keys else -1
        for r in rows[i + 1:] + rows[: max(i, 0)]:
            key = (r.program, r.application)
            hearing = heard.get(key)
            hearing_due = hearing is not None and (hearing[1] is None or hearing[1].status != "submitted")
            if (r.status != "submitted" or (hearing_due and r.program in open_programs)) and key != (program, application):
                return key
        return None

    def sheet_rate(self, opened: OpenedSheet, scores: dict[str, Any], stage: str = "written") -> float | None:
        """The rate (0–100) that ``scores`` give the opened sheet (of ``stage``), as the ranking
        computes one sheet's; None where no scored criterion applies (the ranking counts such a
        sheet as 0)."""
        from reviewer.scoring.sheet import hearing_spec, sheet_rate, spec_of

        kind = hearing_spec if stage == "hearing" else spec_of
        spec = kind(opened.program, opened.application.track, opened.application.applicant.type)
        return sheet_rate(spec, scores) if spec[2] > 0 else None

    def hearing_criteria(self, opened: OpenedSheet) -> list[str]:
        """The ids of the criteria the hearing sheet rates for the opened application (SPEC §6.4)."""
        from reviewer.rules.sheets import stage_criteria

        return list(stage_criteria(opened.program, opened.application, "hearing"))

    def hearings(self, evaluator_id: str, rows: list[QueueEntry]
                 ) -> dict[tuple[str, str], tuple[ShortlistEntry, SheetRecord | None]]:
        """Of the evaluator's ``rows`` (from ``queue``), those shortlisted for the hearing, by
        (program, application): when and where each is heard and the evaluator's hearing sheet
        (None: none yet). Two queries a program, whatever the number of rows."""
        self.gate(evaluator_id)
        keys = {(r.program, r.application) for r in rows}
        found: dict[tuple[str, str], tuple[ShortlistEntry, SheetRecord | None]] = {}
        for program in sorted({p for p, _ in keys}):
            entries = [e for e in self.ws.shortlist(program) if (program, e.application) in keys]
            if not entries:
                continue
            sheets = {s.application: s for s in self.ws.sheets(program=program, evaluator=evaluator_id,
                                                                stage="hearing")}
            for e in entries:
                found[program, e.application] = (e, sheets.get(e.application))
        return found

    def answer_file(self, opened: OpenedSheet, request_id: int) -> tuple[str, bytes] | None:
        """The file received in answer to one of the opened application's requests."""
        self.gate(opened.evaluator)
        if all(r.id != request_id for r in opened.materials):
            raise WorkspaceError("この申請の追加資料ではありません")
        return self.ws.request_file(opened.program.id, request_id)

    def save_draft(self, opened: OpenedSheet, base: SheetRecord | None, scores: dict[str, Any],
                   comment: str, notes: dict[str, str] | None = None, stage: str = "written") -> sheets.Saved:
        """Save the opened sheet (of ``stage``: the written one or the hearing's) as a draft
        (partial scores allowed) over ``base``, the sheet as the screen last had it; a sheet
        changed meanwhile is merged (``Saved.merge``). ``notes``: a note per criterion id."""
        return self._save(opened, base, scores, comment, "draft", notes, stage)

    def submit(self, opened: OpenedSheet, base: SheetRecord | None, scores: dict[str, Any],
               comment: str, notes: dict[str, str] | None = None, stage: str = "written") -> sheets.Saved:
        """Submit the opened sheet of ``stage`` (every criterion it rates scored; read-only afterwards)."""
        return self._save(opened, base, scores, comment, "submitted", notes, stage)

    def _save(self, opened: OpenedSheet, base: SheetRecord | None, scores: dict[str, Any], comment: str,
              status: str, notes: dict[str, str] | None, stage: str = "written") -> sheets.Saved:
        self.gate(opened.evaluator)
        return sheets.save_based_on(self.ws, opened.program.id, opened.application.id, opened.evaluator, base,
                                    scores, comment, status, self.actor, notes=notes, stage=stage)

    def declare_conflict(self, opened: OpenedSheet, reason: str) -> None:
        self.gate(opened.evaluator)
        sheets.declare_conflict(self.ws, opened.program.id, opened.application.id, opened.evaluator, reason,
                                actor=self.actor)
