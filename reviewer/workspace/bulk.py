"""Bulk writers: the rows ``reviewer init`` and ``reviewer synth`` both put into a workspace
(inside the caller's transaction), so that both write the tables one way."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.workspace.audit import insert_audit
from reviewer.workspace.encoding import canonical

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Evaluator, Program
    from reviewer.files.attachments import Extracted


#: The connection the writers take (a workspace being built, or an open one's).
Connection = sqlite3.Connection


def put_program(conn: sqlite3.Connection, prog: Program, source: str, content: str, digest: str, t: str) -> None:
    """Add or replace a program's criteria (with the file's text and hash)."""
    conn.execute("INSERT INTO programs(id, source_name, content, sha256, json, loaded_at) VALUES (?,?,?,?,?,?)"
                 " ON CONFLICT(id) DO UPDATE SET source_name=excluded.source_name, content=excluded.content,"
                 " sha256=excluded.sha256, json=excluded.json, loaded_at=excluded.loaded_at",
                 (prog.id, Path(source).name, content, digest, prog.model_dump_json(), t))


def application_row(app: Application, source: str, content: str, digest: str, t: str) -> tuple[Any, ...]:
    return (app.program, app.id, Path(source).name, content, digest, app.model_dump_json(), app.title,
            app.applicant.name, app.applicant.type, app.applicant.prefecture, app.bureau, app.track, app.model,
            app.budget.requested_subsidy_yen, t)


def put_applications(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Add or replace applications (rows from ``application_row``)."""
    conn.executemany(
        "INSERT INTO applications(program, id, source_name, content, sha256, json, title, applicant, applicant_type,"
        " prefecture, bureau, track, model, requested_subsidy_yen, loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(program, id) DO UPDATE SET source_name=excluded.source_name, content=excluded.content,"
        " sha256=excluded.sha256, json=excluded.json, title=excluded.title, applicant=excluded.applicant,"
        " applicant_type=excluded.applicant_type, prefecture=excluded.prefecture, bureau=excluded.bureau,"
        " track=excluded.track, model=excluded.model, requested_subsidy_yen=excluded.requested_subsidy_yen,"
        " loaded_at=excluded.loaded_at", rows)


def put_panel(conn: sqlite3.Connection, source: str, content: str, digest: str, t: str) -> None:
    """The panel file's text and hash (the evaluators are ``put_evaluators``)."""
    conn.execute("INSERT INTO panel(id, source_name, content, sha256, loaded_at) VALUES (1,?,?,?,?)"
                 " ON CONFLICT(id) DO UPDATE SET source_name=excluded.source_name, content=excluded.content,"
                 " sha256=excluded.sha256, loaded_at=excluded.loaded_at", (Path(source).name, content, digest, t))


def put_evaluators(conn: sqlite3.Connection, evaluators: Iterable[Evaluator]) -> None:
    conn.executemany("INSERT INTO evaluators(id, name, role, os_user, json) VALUES (?,?,?,?,?)"
                     " ON CONFLICT(id) DO UPDATE SET name=excluded.name, role=excluded.role,"
                     " os_user=excluded.os_user, json=excluded.json",
                     ((ev.id, ev.name, ev.role, ev.os_user, ev.model_dump_json()) for ev in evaluators))


def put_assignments(conn: sqlite3.Connection, program: str, pairs: Iterable[tuple[str, str]], source: str) -> None:
    """New (application, evaluator) assignments of one source (default, panel or auto)."""
    conn.executemany("INSERT INTO assignments(program, application, evaluator, source) VALUES (?,?,?,?)",
                     ((program, a, e, source) for a, e in pairs))


#: A submitted sheet as the bulk writer takes it: (application, evaluator, comment, scores),
#: optionally followed by its notes (criterion id → note).
SubmittedRow = tuple[str, str, str, dict[str, Any]] | tuple[str, str, str, dict[str, Any], dict[str, str]]


def put_submitted_sheets(conn: sqlite3.Connection, program: str, sheets: Iterable[SubmittedRow], t: str) -> None:
    """New submitted sheets (``SubmittedRow``), as a sheet saved once."""
    conn.executemany(
        "INSERT INTO sheets(program, application, evaluator, status, comment, scores, notes, created_at,"
        " updated_at, submitted_at) VALUES (?,?,?,'submitted',?,?,?,?,?,?)",
        ((program, s[0], s[1], s[2], canonical(s[3]), canonical(s[4] if len(s) > 4 else {}), t, t, t)
         for s in sheets))


def put_audit(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Audit rows from ``reviewer.workspace.audit.audit_row``, appended to the chain."""
    insert_audit(conn, rows)


def put_attachments(conn: sqlite3.Connection, program: str, application: str,
                    attached: Iterable[tuple[str, str, Extracted]], replacing: bool = True) -> None:
    """An application's attachments (document, path, what was read), replacing those it had
    (``replacing``: it had been stored before)."""
    attached = list(attached)
    if not attached and not replacing:
        return
    conn.execute("DELETE FROM attachments WHERE program = ? AND application = ?", (program, application))
    conn.executemany(
        "INSERT INTO attachments(program, application, position, document, path, name, format, size, sha256,"
        " page_count, estimated, truncated, pages) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(program, application, i, document, path, ex.name, ex.format, ex.size, ex.sha256, ex.page_count,
          int(ex.estimated), int(ex.truncated),
          json.dumps([{"title": p.title, "text": p.text, "rows": [list(r) for r in p.rows]} for p in ex.pages],
                     ensure_ascii=False))
         for i, (document, path, ex) in enumerate(attached)])
