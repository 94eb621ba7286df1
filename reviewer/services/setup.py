"""Creating and updating a workspace from files (``reviewer init``).

A new workspace is built in a temporary folder beside the target and renamed into place
only when everything loaded, so a failed init leaves nothing behind. Re-running init on an
existing workspace runs in one transaction: it adds new applications and evaluators, and
refuses changed criteria or changed applications unless told explicitly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.domain.model import Application
from reviewer.files.load import Bundle, Loaded, Problem, load_paths
from reviewer.workspace.workspace import DB_NAME, InitError, Workspace, WorkspaceError, building, current_user, now, sha256


@dataclass
class InitReport:
    created: bool = False
    programs_added: list[str] = field(default_factory=list)
    programs_changed: list[str] = field(default_factory=list)
    applications_added: int = 0
    applications_changed: int = 0
    applications_unchanged: int = 0
    evaluators: int = 0
    assignments_added: int = 0
    skipped: list[str] = field(default_factory=list)


def load_inputs(criteria: Path, applications: Path, panel: Path) -> tuple[Bundle, Bundle]:
    """Read the criteria folder, the applications folder and the panel file, as validate does."""
    crit = load_paths([criteria], only={"criteria"})
    problems = list(crit.problems)
    if not crit.problems and not crit.programs:
        problems.append(Problem(str(criteria), None, "", "審査基準ファイル（*.toml）がありません"))
    if not panel.is_file():
        problems.append(Problem(str(panel), None, "", "評価者名簿のファイルが見つかりません"))
    bundle = load_paths([applications, panel], base_programs=crit.programs, only={"application", "panel"})
    problems.extend(bundle.problems)
    if not bundle.problems and bundle.panel is None:
        problems.append(Problem(str(panel), None, "", "評価者名簿ではありません（[[evaluators]] がありません）"))
    if problems:
        raise InitError(problems)
    return crit, bundle


def _file_of(bundle: Bundle, kind: str, predicate) -> Loaded:
    return next(f for f in bundle.files if f.kind == kind and predicate(f.obj))


def init_workspace(path: Path, criteria: Path, applications: Path, panel: Path,
                   allow_criteria_change: bool = False, update_applications: bool = False,
                   actor: str | None = None) -> InitReport:
    actor = actor or current_user()
    crit, bundle = load_inputs(criteria, applications, panel)
    path = Path(path)
    if (path / DB_NAME).exists():
        with Workspace.open(path) as ws:
            return _update(ws, crit, bundle, allow_criteria_change, update_applications, actor)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise InitError([f"{path}: 空でないフォルダ（またはファイル）で、ワークスペースではありません"])
    with building(path, ".init") as conn:
        report = _update(Workspace(path, conn), crit, bundle, False, False, actor)
    report.created = True
    return report


def _update(ws: Workspace, crit: Bundle, bundle: Bundle, allow_criteria_change: bool,
            update_applications: bool, actor: str) -> InitReport:
    report = InitReport()
    problems: list[str] = []
    conn = ws.conn
    t = now()
    with ws.write():
        # criteria: stored content and hash
        for pid, prog in sorted(crit.programs.items()):
            item = _file_of(crit, "criteria", lambda o, pid=pid: o.id == pid)
            content = Path(item.path).read_text("utf-8-sig")
            digest = sha256(content)
            row = conn.execute("SELECT sha256 FROM programs WHERE id = ?", (pid,)).fetchone()
            if row is None:
                conn.execute("INSERT INTO programs(id, source_name, content, sha256, json, loaded_at) VALUES (?,?,?,?,?,?)",
                             (pid, Path(item.path).name, content, digest, prog.model_dump_json(), t))
                ws.audit_log(actor, "criteria-add", pid, detail=f"{item.path} sha256={digest}")
                report.programs_added.append(pid)
            elif row["sha256"] != digest:
                if not allow_criteria_change:
                    problems.append(
                        f"{item.path}: 事業 {pid} の審査基準が、このワークスペースに登録済みの内容と異なります。"
                        "審査中の基準を変えるには --allow-criteria-change を付けてください"
                    )
                    continue
                conn.execute("UPDATE programs SET source_name=?, content=?, sha256=?, json=?, loaded_at=? WHERE id=?",
                             (Path(item.path).name, content, digest, prog.model_dump_json(), t, pid))
                ws.audit_log(actor, "criteria-change", pid, old={"sha256": row["sha256"]}, new={"sha256": digest},
                             detail=item.path)
                report.programs_changed.append(pid)
        known = {r["id"] for r in conn.execute("SELECT id FROM programs")}
        # applications
        for pid, apps in sorted(bundle.applications.items()):
            if pid not in known:
                continue
            for aid, app in sorted(apps.items()):
                item = _file_of(bundle, "application", lambda o, pid=pid, aid=aid: o.program == pid and o.id == aid)
                content = Path(item.path).read_text("utf-8-sig")
                digest = sha256(content)
                row = conn.execute("SELECT sha256 FROM applications WHERE program=? AND id=?", (pid, aid)).fetchone()
                if row is not None and row["sha256"] == digest:
                    report.applications_unchanged += 1
                    continue
                if row is not None and not update_applications:
                    problems.append(
                        f"{item.path}: 申請 {aid} が、このワークスペースに登録済みの内容と異なります。"
                        "審査中の申請を差し替えるには --update-applications を付けてください"
                    )
                    continue
                _put_application(ws, app, item.path, content, digest, t)
                if row is None:
                    ws.audit_log(actor, "application-add", pid, aid, detail=item.path)
                    report.applications_added += 1
                else:
                    ws.audit_log(actor, "application-change", pid, aid, old={"sha256": row["sha256"]},
                                 new={"sha256": digest}, detail=item.path)
                    report.applications_changed += 1
        # panel: evaluators upserted, explicit assignments added
        panel = bundle.panel
        panel_file = _file_of(bundle, "panel", lambda o: True)
        content = Path(panel_file.path).read_text("utf-8-sig")
        digest = sha256(content)
        row = conn.execute("SELECT sha256 FROM panel WHERE id = 1").fetchone()
        if row is None or row["sha256"] != digest:
            conn.execute("INSERT INTO panel(id, source_name, content, sha256, loaded_at) VALUES (1,?,?,?,?)"
                         " ON CONFLICT(id) DO UPDATE SET source_name=excluded.source_name, content=excluded.content,"
                         " sha256=excluded.sha256, loaded_at=excluded.loaded_at",
                         (Path(panel_file.path).name, content, digest, t))
            ws.audit_log(actor, "panel-load", old={"sha256": row["sha256"]} if row else None,
                         new={"sha256": digest}, detail=panel_file.path)
        for ev in panel.evaluators:
            conn.execute("INSERT INTO evaluators(id, name, role, os_user, json) VALUES (?,?,?,?,?)"
                         " ON CONFLICT(id) DO UPDATE SET name=excluded.name, role=excluded.role,"
                         " os_user=excluded.os_user, json=excluded.json",
                         (ev.id, ev.name, ev.role, ev.os_user, ev.model_dump_json()))
        report.evaluators = len(panel.evaluators)
        ws.forget_cached()
        program_of: dict[str, str] = {}
        for pid, aid in sorted((tuple(r) for r in conn.execute("SELECT program, id FROM applications")), reverse=True):
            program_of[aid] = pid  # the first program in sorted order wins, as before
        for a in panel.assignments:
            pid = program_of.get(a.application)
            if pid is None:
                continue
            cur = conn.execute("INSERT OR IGNORE INTO assignments(program, application, evaluator, source)"
                               " VALUES (?,?,?,'panel')", (pid, a.application, a.evaluator))
            report.assignments_added += cur.rowcount
        # explicit assignments replace the default ones without sheets
        for pid in known:
            if ws.assignment_mode(pid) != "default":
                conn.execute("DELETE FROM assignments WHERE program=? AND source='default' AND NOT EXISTS"
                             " (SELECT 1 FROM sheets s WHERE s.program=assignments.program AND"
                             " s.application=assignments.application AND s.evaluator=assignments.evaluator)", (pid,))
            report.assignments_added += ws.add_default_assignments(pid)
        if problems:
            raise InitError(problems)
        ws.audit_log(actor, "init", detail=json.dumps({
            "programs_added": report.programs_added, "applications_added": report.applications_added,
            "applications_changed": report.applications_changed}, ensure_ascii=False))
    ws._programs = None
    return report


def _put_application(ws: Workspace, app: Application, source: str, content: str, digest: str, t: str) -> None:
    ws.conn.execute(
        "INSERT INTO applications(program, id, source_name, content, sha256, json, title, applicant, applicant_type,"
        " prefecture, bureau, track, model, requested_subsidy_yen, loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(program, id) DO UPDATE SET source_name=excluded.source_name, content=excluded.content,"
        " sha256=excluded.sha256, json=excluded.json, title=excluded.title, applicant=excluded.applicant,"
        " applicant_type=excluded.applicant_type, prefecture=excluded.prefecture, bureau=excluded.bureau,"
        " track=excluded.track, model=excluded.model, requested_subsidy_yen=excluded.requested_subsidy_yen,"
        " loaded_at=excluded.loaded_at",
        (app.program, app.id, Path(source).name, content, digest, app.model_dump_json(), app.title,
         app.applicant.name, app.applicant.type, app.applicant.prefecture, app.bureau, app.track, app.model,
         app.budget.requested_subsidy_yen, t))


__all__ = ["InitError", "InitReport", "WorkspaceError", "init_workspace", "load_inputs"]
