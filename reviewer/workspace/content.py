"""What a workspace holds: programs, applications and the panel, parsed on first use and cached
per instance (the app's first screen needs only SQL)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from reviewer.rules.access import unknown_evaluator
from reviewer.workspace.audit import AuditLog
from reviewer.workspace.errors import WorkspaceError
from reviewer.workspace.records import ApplicationSummary, CriterionScope, Person, StoredAttachment

if TYPE_CHECKING:  # the model (pydantic) loads on first use
    from reviewer.domain.model import Application, Evaluator, Panel, Program

_APPLICATION_LIST: Any = None


def _application_list() -> Any:
    global _APPLICATION_LIST
    if _APPLICATION_LIST is None:
        from pydantic import TypeAdapter

        from reviewer.domain.model import Application

        _APPLICATION_LIST = TypeAdapter(list[Application])
    return _APPLICATION_LIST


#: What the workspace says when a stored record does not fit this version's model.
UNREADABLE = ("{db}: 保存されている{what}「{key}」をこの版の reviewer では読めません（{where}: {problem}）。"
              "このワークスペースは別の版の reviewer で作られたか、直接書き換えられています。"
              "作った版の reviewer で開くか、criteria と申請から作り直してください（reviewer init）")


#: pydantic's error types a version change gives, in words.
PROBLEMS = {"extra_forbidden": "この版にない項目です", "missing": "この版に必要な項目がありません"}


def _unreadable(db: object, what: str, key: str, error: Any, index: bool = False) -> WorkspaceError:
    """The message for a stored record that fails this version's model (``error``: pydantic's
    ValidationError; with ``index``, its first location is the record's place in a list)."""
    first: dict[str, Any] = dict(error.errors()[0]) if error.errors() else {"msg": str(error)}
    loc = list(first.get("loc", ()))[1 if index else 0:]
    where = ".".join(str(x) for x in loc) or "全体"
    problem = PROBLEMS.get(str(first.get("type", "")), str(first.get("msg", "")))
    return WorkspaceError(UNREADABLE.format(db=db, what=what, key=key, where=where, problem=problem))


class ContentQueries(AuditLog):
    def programs(self) -> dict[str, Program]:
        from pydantic import ValidationError

        from reviewer.domain.model import Program

        if self._programs is None:
            rows = self.conn.execute("SELECT id, json FROM programs ORDER BY id").fetchall()
            programs = {}
            for r in rows:
                try:
                    programs[r["id"]] = Program.model_validate_json(r["json"])
                except ValidationError as e:
                    raise _unreadable(self.db_path, "事業", r["id"], e) from None
            self._programs = programs
        return self._programs

    def program(self, pid: str) -> Program:
        prog = self.programs().get(pid)
        if prog is None:
            known = "、".join(self.programs()) or "なし"
            raise WorkspaceError(f"事業 {pid} はこのワークスペースにありません（登録済み: {known}）")
        return prog

    def applications(self, program: str, sections: bool = True) -> dict[str, Application]:
        """The program's applications by id. ``sections=False`` leaves out the narrative
        sections (scoring and the workbook need none of them: a third less to parse)."""
        if program in self._apps:  # the full ones serve either way
            return self._apps[program]
        if not sections and program in self._apps_lean:
            return self._apps_lean[program]
        from pydantic import ValidationError

        col = "json" if sections else "json_remove(json, '$.sections')"
        rows = self.conn.execute(f"SELECT id, {col} FROM applications WHERE program = ? ORDER BY id",
                                 (program,)).fetchall()
        # one validation call for the whole program: much less overhead than one per row
        try:
            apps = {a.id: a for a in _application_list().validate_json("[" + ",".join(r[1] for r in rows) + "]")}
        except ValidationError as e:
            loc = e.errors()[0].get("loc", ()) if e.errors() else ()
            at = loc[0] if loc and isinstance(loc[0], int) and loc[0] < len(rows) else None
            raise _unreadable(self.db_path, "申請", rows[at][0] if at is not None else program, e,
                              index=at is not None) from None
        (self._apps if sections else self._apps_lean)[program] = apps
        return apps

    def forget_cached(self) -> None:
        """Drop the parsed panel and applications (after they change in this connection)."""
        self._panel = None
        self._apps.clear()
        self._apps_lean.clear()

    def application(self, program: str, application: str) -> Application | None:
        """One application (parsed alone, without loading its program's others)."""
        from reviewer.domain.model import Application

        if program in self._apps:
            return self._apps[program].get(application)
        row = self.conn.execute("SELECT json FROM applications WHERE program = ? AND id = ?",
                                (program, application)).fetchone()
        if not row:
            return None
        from pydantic import ValidationError

        try:
            return Application.model_validate_json(row["json"])
        except ValidationError as e:
            raise _unreadable(self.db_path, "申請", application, e) from None

    def attachments(self, program: str, application: str, pages: bool = False) -> list[StoredAttachment]:
        """The application's attachments in order; with ``pages``, their text page by page."""
        cols = ("position, document, path, name, format, size, sha256, page_count, estimated, truncated"
                + (", pages" if pages else ""))
        rows = self.conn.execute(f"SELECT {cols} FROM attachments WHERE program = ? AND application = ?"
                                 " ORDER BY position", (program, application)).fetchall()
        return [StoredAttachment.from_row(r, pages) for r in rows]

    def program_attachments(self, program: str) -> dict[str, list[StoredAttachment]]:
        """Every attachment of the program's applications (without their text), by application."""
        rows = self.conn.execute("SELECT application, position, document, path, name, format, size, sha256,"
                                 " page_count, estimated, truncated FROM attachments WHERE program = ?"
                                 " ORDER BY application, position", (program,)).fetchall()
        out: dict[str, list[StoredAttachment]] = {}
        for r in rows:
            out.setdefault(r["application"], []).append(StoredAttachment.from_row(r, False))
        return out

    def attachment_counts(self, program: str) -> dict[str, int]:
        """How many files each application of the program has attached (those with any)."""
        rows = self.conn.execute("SELECT application, count(*) FROM attachments WHERE program = ?"
                                 " GROUP BY application", (program,)).fetchall()
        return {r[0]: r[1] for r in rows}

    def program_names(self) -> dict[str, str]:
        """Program ids and names, without building the model."""
        return {r["id"]: json.loads(r["json"])["name"] for r in self.conn.execute("SELECT id, json FROM programs ORDER BY id")}

    def criterion_scopes(self, program: str) -> list[CriterionScope]:
        """The program's criteria, each with its kind and whom it applies to, without building
        the model (the evaluator's first screen counts the items of each application)."""
        row = self.conn.execute("SELECT json FROM programs WHERE id = ?", (program,)).fetchone()
        if row is None:
            return []
        return [CriterionScope(c["id"], c["kind"], c.get("tracks"), c.get("applicant_types"))
                for c in json.loads(row["json"])["criteria"]]

    def evaluator_names(self, ids: Iterable[str]) -> dict[str, str]:
        """The names of those of ``ids`` that are on the panel, in one query."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        return {r[0]: r[1] for r in self.tuples().execute(f"SELECT id, name FROM evaluators WHERE id IN ({marks})",
                                                             wanted)}

    def person(self, eid: str) -> Person:
        """An evaluator's identity from the panel, without building the model."""
        row = self.conn.execute("SELECT name, json FROM evaluators WHERE id = ?", (eid,)).fetchone()
        if row is None:
            raise WorkspaceError(unknown_evaluator(eid))
        try:
            d = json.loads(row["json"])
        except ValueError:
            d = None
        if not isinstance(d, dict):
            raise WorkspaceError(UNREADABLE.format(db=self.db_path, what="評価委員", key=eid, where="全体",
                                                   problem="JSON のオブジェクトではありません"))
        return Person(eid, row["name"], d.get("affiliation") or "", d.get("role") or "evaluator",
                      list(d.get("programs") or []))

    def people(self) -> list[Person]:
        return [self.person(r["id"]) for r in self.conn.execute("SELECT id FROM evaluators ORDER BY id")]

    def application_rows(self, program: str) -> list[ApplicationSummary]:
        """Summary columns of the applications (no parsing): for lists and progress."""
        return [ApplicationSummary._make(r) for r in self.tuples().execute(
            "SELECT id, title, applicant, applicant_type, prefecture, bureau, track, model, requested_subsidy_yen"
            " FROM applications WHERE program = ? ORDER BY id", (program,))]

    def panel(self) -> Panel:
        from reviewer.domain.model import Evaluator, Panel

        if self._panel is None:
            from pydantic import ValidationError

            rows = self.conn.execute("SELECT id, json FROM evaluators ORDER BY id").fetchall()
            evaluators = []
            for r in rows:
                try:
                    evaluators.append(Evaluator.model_validate_json(r["json"]))
                except ValidationError as e:
                    raise _unreadable(self.db_path, "評価委員", r["id"], e) from None
            self._panel = Panel.model_construct(evaluators=evaluators, assignments=[])
        return self._panel

    def evaluator(self, eid: str) -> Evaluator:
        ev = self.panel().evaluator(eid)
        if ev is None:
            raise WorkspaceError(unknown_evaluator(eid))
        return ev

    def evaluator_for_os_user(self, user: str) -> Person | None:
        row = self.conn.execute("SELECT id FROM evaluators WHERE os_user = ?", (user,)).fetchone()
        return self.person(row["id"]) if row else None

    # -- what init compares against --------------------------------------------------

    def stored_hash(self, table: str, *key: str) -> str | None:
        """The stored file hash of a program (``"programs", id``), an application
        (``"applications", program, id``) or the panel (``"panel"``); None when not stored."""
        sql = {"programs": "SELECT sha256 FROM programs WHERE id = ?",
               "applications": "SELECT sha256 FROM applications WHERE program = ? AND id = ?",
               "panel": "SELECT sha256 FROM panel WHERE id = 1"}[table]
        row = self.conn.execute(sql, key).fetchone()
        return row[0] if row else None

    def application_keys(self) -> list[tuple[str, str]]:
        """(program, id) of every application."""
        return [(r[0], r[1]) for r in self.tuples().execute("SELECT program, id FROM applications ORDER BY program, id")]
