"""The chair and the assignments: the declared conflicts of interest (who, which application,
why, when), the evaluators who may take over an application, assigning one of them (checked
by ``reviewer.rules.access``, one transaction with its audit entry), and when each evaluator
last did something (the progress list).

Who may be assigned: an evaluator (role ``evaluator``) of the program, with no conflict of
interest with the application (``access.conflict``: the panel's ``conflicts``), not assigned
to it already, and who has not withdrawn from it (a declared conflict is never assigned again).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reviewer.rules import access
from reviewer.workspace import Workspace, WorkspaceError
from reviewer.workspace.assignments import Declaration

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Panel
    from reviewer.workspace.records import AssignmentRecord

__all__ = ["Candidate", "Declaration", "assign_evaluator", "assignment_problem", "candidates", "declarations",
           "default_reason", "last_activity"]


class Candidate(NamedTuple):
    """An evaluator who may take over an application, with their load in the program."""

    evaluator: str
    name: str
    assigned: int             # active assignments in the program
    left: int                 # of them, sheets not submitted yet


def declarations(ws: Workspace, program: str) -> list[Declaration]:
    """The program's declared conflicts of interest, the newest first."""
    ws.program(program)  # an unknown program is told, not an empty list
    return ws.declarations(program)


def default_reason(withdrawn: str) -> str:
    """The reason recorded for an evaluator assigned in place of ``withdrawn``."""
    return f"利害関係の申出（{withdrawn}）の代わり"


def assignment_problem(panel: Panel, evaluator_id: str, app: Application,
                       stored: AssignmentRecord | None) -> str | None:
    """Why ``evaluator_id`` may not be assigned ``app`` (``rules.access.assignable_problem``),
    given their stored assignment of it (active or withdrawn) if any."""
    return access.assignable_problem(panel, evaluator_id, app, None if stored is None else stored.active,
                                     stored.withdrawn_reason if stored is not None else None)


def _application(ws: Workspace, program: str, application: str) -> Application:
    ws.program(program)
    app = ws.application(program, application)
    if app is None:
        raise WorkspaceError(f"申請 {application} は事業 {program} にありません")
    return app


def candidates(ws: Workspace, program: str, application: str) -> list[Candidate]:
    """The evaluators who may be assigned ``application``, the least left to do first (then
    the fewest assigned, then by id)."""
    app = _application(ws, program, application)
    panel = ws.panel()
    stored = ws.application_assignments(program, application)
    load = ws.progress(program, "evaluator").by_evaluator
    found = [Candidate(ev.id, ev.name, load[ev.id].assigned if ev.id in load else 0,
                       load[ev.id].left if ev.id in load else 0)
             for ev in panel.evaluators if assignment_problem(panel, ev.id, app, stored.get(ev.id)) is None]
    return sorted(found, key=lambda c: (c.left, c.assigned, c.evaluator))


def assign_evaluator(ws: Workspace, program: str, application: str, evaluator: str, chair: str, reason: str,
                     actor: str) -> None:
    """A chair assigns ``evaluator`` to ``application`` (in place of a declared conflict, say),
    with a reason; audited (``assignment-add``). Refused, with why, for someone who is not a
    chair, an unknown program, application or evaluator, and an evaluator who may not be
    assigned it (``assignment_problem``)."""
    if not reason.strip():
        raise WorkspaceError("割当の理由を書いてください")
    problem = access.chair_problem(chair, ws.person(chair).role, "評価者の割当")
    if problem:
        raise WorkspaceError(problem)
    app = _application(ws, program, application)
    problem = assignment_problem(ws.panel(), evaluator, app, ws.assignment(program, application, evaluator))
    if problem:
        raise WorkspaceError(problem)
    # a program where everyone scores everything keeps its mode: a 'panel' row would make the
    # next ``init`` drop its default assignments
    source = "default" if ws.assignment_mode(program) == "default" else "panel"
    ws.add_assignment(program, application, evaluator, source, actor=actor, reason=reason.strip())


def last_activity(path: Path, program: str) -> dict[str, str]:
    """When each evaluator of the program last saved a sheet or declared a conflict (stored
    UTC time), by id; on a connection of its own (the progress view reads it in a worker
    thread: it reads every sheet of the program)."""
    with Workspace.open(Path(path), readonly=True) as ws:
        return ws.last_activity(program)
