"""The panel's administration: automatic assignment, progress reports, the audit log, and the
SSH keys' forced commands."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from reviewer.rules import access
from reviewer.rules.assign import Plan, plan_assignment
from reviewer.workspace import Workspace, WorkspaceError
from reviewer.workspace.audit import ChainCheck
from reviewer.workspace.records import AuditEntry, Counts


def assign(ws: Workspace, program: str, per_application: int, actor: str, seed: int = 0,
           avoid_own_bureau: bool = False, dry_run: bool = False) -> Plan:
    """Plan a balanced assignment (keeping pairs with sheets and never remaking withdrawn ones)
    and, unless ``dry_run``, store it in place of the active assignments without sheets."""
    ws.program(program)
    keep, withdrawn = ws.assignment_state(program)
    plan = plan_assignment(list(ws.applications(program).values()), ws.panel(), program, per_application,
                           seed=seed, avoid_own_bureau=avoid_own_bureau, keep=keep, excluded=withdrawn)
    plan.applications = len(ws.applications(program))
    if not dry_run:
        detail = (f"per_application={per_application} seed={seed} "
                  f"avoid_own_bureau={avoid_own_bureau} new={len(plan.pairs)} kept={len(plan.kept)}")
        ws.replace_assignments(program, plan.pairs, actor, detail)
    return plan


def status_report(ws: Workspace, program: str | None = None) -> list[dict[str, Any]]:
    """Progress per evaluator and per application, for each program (or the one given)."""
    programs = [ws.program(program).id] if program else list(ws.programs())
    names = {e.id: e.name for e in ws.people()}
    none = Counts(0, 0, 0)
    result = []
    for pid in programs:
        progress = ws.progress(pid)
        result.append({
            "program": pid,
            "evaluators": [{"evaluator": ev, "name": names.get(ev, ""), "assigned": c.assigned,
                            "not_started": c.not_started, "drafted": c.drafted, "submitted": c.submitted}
                           for ev, c in progress.by_evaluator.items()],
            "applications": [{"application": row.id, "applicant": row.applicant, "bureau": row.bureau,
                              **progress.by_application.get(row.id, none)._asdict()}
                             for row in ws.application_rows(pid)],
            "hearing": [{"application": e.application, "scheduled": e.scheduled, "place": e.place,
                         "assigned": assigned, "drafted": drafted, "submitted": submitted}
                        for e, assigned, drafted, submitted in ws.hearing_progress(pid)],
            "open_requests": len(ws.requests(pid, open_only=True)),
            "finalized": ws.finalized(pid),
        })
    return result


def audit_entries(ws: Workspace, program: str | None = None, application: str | None = None,
                  evaluator: str | None = None) -> list[AuditEntry]:
    return ws.audit(program, application, evaluator)


def verify_audit(ws: Workspace) -> ChainCheck:
    """The audit log's hash chain checked from the first entry to the newest."""
    return ws.verify_audit()


def names(ws: Workspace) -> dict[str, str]:
    """Evaluators' names by id."""
    return {e.id: e.name for e in ws.people()}


def authorized_keys_lines(ws: Workspace, reviewer: str, sftp_server: str | None = None) -> list[str]:
    """One line per key: the key may run only this evaluator's app (restrict: no forwarding,
    no agent, no X11, no user rc; pty: a terminal for the app). The command ignores whatever
    the client asks to run. Then one line per chair's download key: ``reviewer download``
    (the export folder's read-only sftp-server, ``services.download``), restrict and no pty;
    ``sftp_server`` (else the one found here) is written into it.

    ``reviewer`` is the command that starts reviewer, quoted for the shell (``shlex.quote``).
    sshd runs ``command="..."`` with the account's shell after undoing one escape only, ``\\"``
    for ``"`` (a backslash before anything else stays as it is), so quotes are escaped and
    backslashes are not. A line break cannot be written in authorized_keys at all."""
    workspace = shlex.quote(str(Path(ws.path).resolve()))
    lines = []
    for ev in ws.panel().evaluators:
        for key in ev.ssh_public_keys:
            command = f"{reviewer} tui --workspace {workspace} --evaluator {shlex.quote(ev.id)}"
            lines.append(_key_line(ev.id, command, "restrict,pty", key))
    downloads = [(ev, key) for ev in ws.panel().evaluators for key in ev.download_keys]
    if downloads:
        from reviewer.services.download import find_sftp_server

        server = shlex.quote(str(find_sftp_server(sftp_server)))
        for ev, key in downloads:
            problem = access.chair_problem(ev.id, ev.role, "書き出しのダウンロード")
            if problem:
                raise WorkspaceError(problem)
            command = f"{reviewer} download --workspace {workspace} --sftp-server {server}"
            lines.append(_key_line(ev.id, command, "restrict", key))
    return lines


def _key_line(evaluator: str, command: str, options: str, key: str) -> str:
    """``command="...",options key``, refused where a line break or NUL would split it."""
    option = command.replace('"', '\\"')
    line = f'command="{option}",{options} {key}'
    if any(ch in line for ch in "\r\n\0"):
        raise WorkspaceError(f"評価者 {evaluator}: authorized_keys の1行に書けない文字（改行など）が"
                             f"コマンドのパスか鍵にあります: {line!r}")
    return line


def template_for(ws: Workspace, evaluator_id: str, program: str | None, stage: str = "written") -> str:
    """An evaluator's score sheet template of ``stage`` (their only program unless ``program`` is given)."""
    from reviewer.services.template import render_template

    ev = ws.evaluator(evaluator_id)
    if program is None:
        if len(ev.programs) != 1:
            raise WorkspaceError(f"評価者 {ev.id} は複数の事業（{'、'.join(ev.programs)}）を担当しています。"
                                 "--program で指定してください")
        program = ev.programs[0]
    if program not in ev.programs:
        raise WorkspaceError(f"評価者 {ev.id} は事業 {program} の評価者ではありません")
    return render_template(ws, ev.id, program, stage)
