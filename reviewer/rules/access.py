"""Who may see and score what: the security boundary of a shared workspace.

- **Conflicts**: an evaluator's ``conflicts`` name application ids or local government codes;
  an application conflicts when it names one of them (applicant, members, related codes).
- **Assignment**: a program's explicit assignments (the panel's ``[[assignments]]`` or
  ``reviewer assign``) decide who scores what; without any, every evaluator (role
  ``evaluator``) of the program scores every application but their conflicts.
- **Withdrawal**: a declared conflict ends an assignment; it is never made again.
- **Roles**: only a chair reopens a sheet; a chair scores nothing unassigned.
- **Sessions**: the terminal app acts only as the identity fixed when it started (the SSH
  forced command); in the demo, the chair may look through an evaluator's eyes.

Pure functions over the domain model: the workspace supplies the stored assignments, and
every path that reads or writes a sheet asks here first.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Assignment, Evaluator, Panel


class AssignmentState(Protocol):
    """A stored assignment as the gate needs it."""

    @property
    def active(self) -> bool: ...

    @property
    def withdrawn_reason(self) -> str | None: ...


def conflict(evaluator: Evaluator, app: Application) -> bool:
    """Whether ``evaluator`` has a conflict of interest with ``app``."""
    conflicts = set(evaluator.conflicts)
    return app.id in conflicts or bool(conflicts & app.lg_codes)


def conflict_problem(evaluator: Evaluator, app: Application) -> str | None:
    if conflict(evaluator, app):
        return f"評価者 {evaluator.id} は申請 {app.id} と利害関係があります（conflicts）"
    return None


def explicit_pairs(panel: Panel, program_app_ids: set[str], program: str | None = None) -> set[tuple[str, str]]:
    """(evaluator, application) of the panel's explicit assignments of one program: those of
    its applications, but an assignment that names another ``program``."""
    return {(a.evaluator, a.application) for a in panel.assignments if a.application in program_app_ids
            and (program is None or a.program is None or a.program == program)}


def default_reviewer(evaluator: Evaluator, program: str) -> bool:
    """Whether ``evaluator`` takes part in a program's default assignment."""
    return evaluator.role == "evaluator" and program in evaluator.programs


def default_pairs(evaluators: Iterable[Evaluator], program: str,
                  apps: Iterable[Application]) -> list[tuple[str, str]]:
    """(application, evaluator) of the default assignment: every evaluator of the program,
    every application, but conflicts."""
    apps = list(apps)
    return [(app.id, ev.id) for ev in evaluators if default_reviewer(ev, program)
            for app in apps if not conflict(ev, app)]


def evaluator_problem(panel: Panel, evaluator_id: str, program_id: str) -> str | None:
    """Why ``evaluator_id`` may not score in ``program_id`` at all (None when they may)."""
    ev = panel.evaluator(evaluator_id)
    if ev is None:
        return unknown_evaluator(evaluator_id)
    if program_id not in ev.programs:
        return f"評価者 {evaluator_id} は事業 {program_id} の評価者ではありません"
    return None


def unknown_evaluator(evaluator_id: str) -> str:
    return f"評価者 {evaluator_id} は評価者名簿にありません"


def not_assigned(evaluator_id: str, application_id: str) -> str:
    return f"申請 {application_id} は評価者 {evaluator_id} に割り当てられていません"


def panel_assignment_problem(panel: Panel, evaluator: Evaluator, app: Application, program_app_ids: set[str],
                             explicit: set[tuple[str, str]] | None = None) -> str | None:
    """Why ``evaluator`` may not score ``app`` by a panel file alone (None when they may)."""
    problem = conflict_problem(evaluator, app)
    if problem:
        return problem
    if explicit is None:
        explicit = explicit_pairs(panel, program_app_ids)
    if explicit:
        return None if (evaluator.id, app.id) in explicit else not_assigned(evaluator.id, app.id)
    if app.program not in evaluator.programs:
        return f"評価者 {evaluator.id} は事業 {app.program} の評価者ではありません"
    if evaluator.role != "evaluator":
        return f"{evaluator.id} は委員長（chair）で、割当のない申請は評価しません"
    return None


def assignment_problem(evaluator: Evaluator | None, evaluator_id: str, app: Application,
                       stored: AssignmentState | None) -> str | None:
    """Why ``evaluator_id`` may not score ``app`` in a workspace, given their stored
    assignment of it (None when they may)."""
    if evaluator is None:
        return unknown_evaluator(evaluator_id)
    problem = conflict_problem(evaluator, app)
    if problem:
        return problem
    if stored is None:
        return not_assigned(evaluator_id, app.id)
    if not stored.active:
        return f"申請 {app.id} の割当は取り下げられています（{stored.withdrawn_reason}）"
    return None


def _who(ev: Evaluator) -> str:
    return f"評価者 {ev.id}（{ev.name}）"


def assignable_problem(panel: Panel, evaluator_id: str, app: Application, active: bool | None,
                       withdrawn_reason: str | None) -> str | None:
    """Why a chair may not assign ``evaluator_id`` to ``app`` (None when they may): on the panel
    and the program, an evaluator (not a chair), no conflict of interest, not assigned already
    (``active`` True) and not withdrawn from it (``active`` False: they declared a conflict)."""
    problem = evaluator_problem(panel, evaluator_id, app.program)  # on the panel, of the program
    ev = panel.evaluator(evaluator_id)
    if problem or ev is None:
        return problem or unknown_evaluator(evaluator_id)
    if not default_reviewer(ev, app.program):
        return f"{ev.id}（{ev.name}）は委員長（chair）です。割り当てられるのは評価者（role = \"evaluator\"）だけです"
    if conflict(ev, app):
        why = "、".join(sorted(set(ev.conflicts) & (app.lg_codes | {app.id})))
        return f"{_who(ev)}は申請 {app.id} と利害関係があります（評価者名簿の conflicts: {why}）"
    if active:
        return f"{_who(ev)}はすでに申請 {app.id} に割り当てられています"
    if active is not None:
        return (f"{_who(ev)}は申請 {app.id} について利害関係を申し出ています（{withdrawn_reason}）。"
                "同じ評価者には割り当てません")
    return None


def chair_problem(person_id: str, role: str, action: str = "差し戻し") -> str | None:
    """Why ``person_id`` may not take a chair's action (None for a chair)."""
    if role != "chair":
        return f"{person_id} は委員長（chair）ではありません。{action}は委員長だけができます"
    return None


def session_problem(identity: str, requested: str, requested_role: str, viewing_as: str | None,
                    demo: bool) -> str | None:
    """Why a session started as ``identity`` may not open ``requested``'s scoring screen: only
    its own (in the demo, also the evaluator the chair chose to look through); never a chair's
    outside the demo."""
    allowed = viewing_as or identity
    if requested != allowed or (requested_role == "chair" and not demo):
        return f"評価者 {requested} の画面は開けません"
    return None


def _assignment_program(a: Assignment, programs: Collection[str], app_ids: Mapping[str, Collection[str]],
                        by_app: Mapping[str, list[str]]) -> tuple[str | None, tuple[str, str] | None]:
    """The program of one assignment, or None with (field, message) saying why there is none.
    ``app_ids`` (application ids by program) empty: no application was read, ids are not checked."""
    if a.program is not None:
        if a.program not in programs:
            return None, ("program", f"不明な事業です（{a.program}）")
        if app_ids and a.application not in app_ids.get(a.program, ()):
            return None, ("application", f"申請 {a.application} が事業 {a.program} にありません")
        return a.program, None
    having = by_app.get(a.application, [])
    if len(having) > 1:
        return None, ("application", f"申請 ID {a.application} は複数の事業（{'、'.join(having)}）にあります。"
                                     f"program = \"…\" でどの事業の申請かを書いてください")
    if not having:
        return None, ("application", f"申請 {a.application} が見つかりません") if app_ids else None
    return having[0], None


def place_assignments(panel: Panel, programs: Collection[str], app_ids: Mapping[str, Collection[str]],
                      ) -> tuple[list[tuple[str, Assignment]], list[tuple[tuple[Any, ...], str]]]:
    """The panel's assignments, each with its program: the one it names, or the one program
    that has its application (an id in more than one program must name it), and an evaluator
    of that program; and (location, message) of those that have none. ``app_ids``: application
    ids by program (empty: none read, ids are not checked)."""
    by_app: dict[str, list[str]] = {}
    for program in sorted(app_ids):
        for aid in app_ids[program]:
            by_app.setdefault(aid, []).append(program)
    evaluators = {ev.id: ev for ev in panel.evaluators}
    placed: list[tuple[str, Assignment]] = []
    pairs: list[tuple[tuple[Any, ...], str]] = []
    for i, a in enumerate(panel.assignments):
        pid, why = _assignment_program(a, programs, app_ids, by_app)
        if why is not None:
            pairs.append((("assignments", i, why[0]), why[1]))
        if pid is None:
            continue
        ev = evaluators.get(a.evaluator)
        if ev is not None and pid not in ev.programs:
            pairs.append((("assignments", i, "evaluator"),
                          f"評価者 {a.evaluator} は事業 {pid} の評価者ではありません（programs にありません）"))
            continue
        placed.append((pid, a))
    return placed, pairs


class Roster(Protocol):
    """Who may score what: the panel file in ``validate``, the workspace on import."""

    def evaluator_problem(self, evaluator_id: str, program_id: str) -> str | None: ...

    def assignment_problem(self, evaluator_id: str, app: Application) -> str | None: ...

    def hearing_problem(self, app: Application) -> str | None:
        """Why ``app`` takes no hearing sheet (SPEC §6.4: only shortlisted ones do)."""
        ...


class PanelRoster:
    """The rules of a panel file alone (explicit assignments, or everyone but conflicts)."""

    def __init__(self, panel: Panel, applications: dict[str, dict[str, Application]]):
        self.panel = panel
        self.applications = applications
        self._programs: dict[str, tuple[set[str], set[tuple[str, str]]]] = {}  # ids, explicit pairs

    def evaluator_problem(self, evaluator_id: str, program_id: str) -> str | None:
        return evaluator_problem(self.panel, evaluator_id, program_id)

    def hearing_problem(self, app: Application) -> str | None:
        return None  # a panel file has no shortlist: the workspace decides on import

    def assignment_problem(self, evaluator_id: str, app: Application) -> str | None:
        ev = self.panel.evaluator(evaluator_id)
        if ev is None:
            return None
        if app.program not in self._programs:  # once per program, not per sheet
            ids = set(self.applications.get(app.program, {}))
            self._programs[app.program] = ids, explicit_pairs(self.panel, ids, app.program)
        ids, explicit = self._programs[app.program]
        return panel_assignment_problem(self.panel, ev, app, ids, explicit)
