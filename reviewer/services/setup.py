"""Making and updating a workspace from files (``reviewer init``), and the demo's workspace.

A new workspace is built in a temporary folder beside the target and renamed into place only
when everything loaded, so a failed init leaves nothing behind. Re-running init on an existing
workspace runs in one transaction: it adds new applications and evaluators, and refuses
changed criteria or changed applications unless told explicitly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewer.files.load import Bundle, Loaded, Problem, load_paths
from reviewer.rules import access
from reviewer.workspace import DB_NAME, InitError, Workspace, bulk, clock
from reviewer.workspace.encoding import sha256
from reviewer.workspace.schema import building


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


@dataclass
class _Init:
    """One run of init inside its transaction: the workspace, who acts, when, what happened."""

    ws: Workspace
    actor: str
    t: str
    allow_criteria_change: bool
    update_applications: bool
    report: InitReport = field(default_factory=InitReport)
    problems: list[str] = field(default_factory=list)


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


def _file_of(bundle: Bundle, kind: str, predicate: Callable[[Any], bool]) -> Loaded:
    return next(f for f in bundle.files if f.kind == kind and predicate(f.obj))


def _criteria_file(crit: Bundle, pid: str) -> Loaded:
    return _file_of(crit, "criteria", lambda o: bool(o.id == pid))


def _application_file(bundle: Bundle, pid: str, aid: str) -> Loaded:
    return _file_of(bundle, "application", lambda o: bool(o.program == pid and o.id == aid))


def init_workspace(path: Path, criteria: Path, applications: Path, panel: Path,
                   allow_criteria_change: bool = False, update_applications: bool = False,
                   actor: str | None = None) -> InitReport:
    actor = actor or clock.current_user()
    crit, bundle = load_inputs(criteria, applications, panel)
    path = Path(path)
    if (path / DB_NAME).exists():
        with Workspace.open(path) as ws:
            return _update(_Init(ws, actor, clock.now(), allow_criteria_change, update_applications), crit, bundle)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise InitError([f"{path}: 空でないフォルダ（またはファイル）で、ワークスペースではありません"])
    with building(path, ".init") as conn:
        report = _update(_Init(Workspace(path, conn), actor, clock.now(), False, False), crit, bundle)
    report.created = True
    return report


def _update(run: _Init, crit: Bundle, bundle: Bundle) -> InitReport:
    ws, report = run.ws, run.report
    with ws.write():
        _put_criteria(run, crit)
        known = set(ws.program_names())
        _put_applications(run, bundle, known)
        _put_panel(run, bundle)
        _put_assignments(run, bundle, known)
        if run.problems:
            raise InitError(run.problems)
        ws.audit_log(run.actor, "init", detail=json.dumps({
            "programs_added": report.programs_added, "applications_added": report.applications_added,
            "applications_changed": report.applications_changed}, ensure_ascii=False))
    ws._programs = None
    return report


def _put_criteria(run: _Init, crit: Bundle) -> None:
    """Each program's criteria, stored with the file's text and hash; a changed file is refused
    unless ``allow_criteria_change``."""
    ws = run.ws
    for pid, prog in sorted(crit.programs.items()):
        item = _criteria_file(crit, pid)
        content = Path(item.path).read_text("utf-8-sig")
        digest = sha256(content)
        stored = ws.stored_hash("programs", pid)
        if stored == digest:
            continue
        if stored is not None and not run.allow_criteria_change:
            run.problems.append(f"{item.path}: 事業 {pid} の審査基準が、このワークスペースに登録済みの内容と異なります。"
                                "審査中の基準を変えるには --allow-criteria-change を付けてください")
            continue
        bulk.put_program(ws.conn, prog, item.path, content, digest, run.t)
        if stored is None:
            ws.audit_log(run.actor, "criteria-add", pid, detail=f"{item.path} sha256={digest}")
            run.report.programs_added.append(pid)
        else:
            ws.audit_log(run.actor, "criteria-change", pid, old={"sha256": stored}, new={"sha256": digest},
                         detail=item.path)
            run.report.programs_changed.append(pid)


def _put_applications(run: _Init, bundle: Bundle, known: set[str]) -> None:
    """New applications; a changed one is refused unless ``update_applications``."""
    ws, report = run.ws, run.report
    for pid, apps in sorted(bundle.applications.items()):
        if pid not in known:
            continue
        for aid, app in sorted(apps.items()):
            item = _application_file(bundle, pid, aid)
            content = Path(item.path).read_text("utf-8-sig")
            found = bundle.extracted.get((pid, aid), [])
            # the files are part of what was submitted: a changed file is a changed application
            digest = sha256(content + "".join(f"\n{att.path} {ex.sha256}" for att, ex in zip(app.attachments, found)))
            stored = ws.stored_hash("applications", pid, aid)
            if stored == digest:
                report.applications_unchanged += 1
                continue
            if stored is not None and not run.update_applications:
                run.problems.append(f"{item.path}: 申請 {aid} が（添付ファイルを含め）、このワークスペースに登録済みの"
                                    "内容と異なります。審査中の申請を差し替えるには --update-applications を付けてください")
                continue
            bulk.put_applications(ws.conn, [bulk.application_row(app, item.path, content, digest, run.t)])
            bulk.put_attachments(ws.conn, pid, aid, [(att.document, att.path, ex) for att, ex in zip(app.attachments, found)],
                                 replacing=stored is not None)
            if stored is None:
                ws.audit_log(run.actor, "application-add", pid, aid, detail=item.path)
                report.applications_added += 1
            else:
                ws.audit_log(run.actor, "application-change", pid, aid, old={"sha256": stored},
                             new={"sha256": digest}, detail=item.path)
                report.applications_changed += 1


def _put_panel(run: _Init, bundle: Bundle) -> None:
    """The panel file (text and hash) and its evaluators, added or updated."""
    ws = run.ws
    panel_file = _file_of(bundle, "panel", lambda o: True)
    content = Path(panel_file.path).read_text("utf-8-sig")
    digest = sha256(content)
    stored = ws.stored_hash("panel")
    if stored != digest:
        bulk.put_panel(ws.conn, panel_file.path, content, digest, run.t)
        ws.audit_log(run.actor, "panel-load", old={"sha256": stored} if stored else None,
                     new={"sha256": digest}, detail=panel_file.path)
    assert bundle.panel is not None  # load_inputs refused a bundle without one
    bulk.put_evaluators(ws.conn, bundle.panel.evaluators)
    run.report.evaluators = len(bundle.panel.evaluators)
    ws.forget_cached()


def _put_assignments(run: _Init, bundle: Bundle, known: set[str]) -> None:
    """The panel's explicit assignments; where a program has none, the default assignment
    (explicit ones replace the default ones without sheets)."""
    from reviewer.files.kinds import placed_assignments

    ws, report = run.ws, run.report
    assert bundle.panel is not None
    app_ids: dict[str, set[str]] = {}
    for pid, aid in ws.application_keys():
        app_ids.setdefault(pid, set()).add(aid)
    # each assignment in the program it names, or the one program that has its application
    placed, problems = placed_assignments(_file_of(bundle, "panel", lambda o: True), known, app_ids)
    run.problems.extend(map(str, problems))
    for program, a in placed:
        if a.application in app_ids.get(program, ()):
            report.assignments_added += ws.add_assignments(program, [(a.application, a.evaluator)], "panel")
    for pid in known:
        if ws.assignment_mode(pid) != "default":
            ws.drop_default_assignments(pid)
            continue
        pairs = access.default_pairs(ws.panel().evaluators, pid, ws.applications(pid).values())
        report.assignments_added += ws.add_assignments(pid, pairs, "default")


def demo_workspace(path: Path) -> str:
    """A workspace made from the shipped criteria, samples, panel and score sheets; returns
    the id of its chair."""
    from reviewer.files.load import toml_files
    from reviewer.services.scores import import_score_file
    from reviewer.shipped import criteria_dir, samples_dir

    samples = samples_dir()
    init_workspace(path, criteria_dir(), samples, samples / "panel.toml", actor="demo")
    with Workspace.open(path) as ws:
        files, _ = toml_files([samples / "scores"])
        for f in files:
            outcome = import_score_file(ws, f, actor=f"demo ({clock.current_user()})", detail=f"demo {f.name}")
            if outcome.problems:  # the shipped samples are checked by the tests: a broken install
                raise InitError(outcome.problems)
        return next(e.id for e in ws.people() if e.role == "chair")
