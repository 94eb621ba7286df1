"""Who is assigned what: default, panel and automatic assignments, and withdrawals for a
declared conflict of interest (the reason is kept; a withdrawn pair is never assigned again),
the chair's list of those declarations and an assignment a chair makes by hand.
Who *may* be assigned is ``reviewer.rules.access``; this module only stores it."""

from __future__ import annotations

from typing import Any, NamedTuple

from reviewer.rules.access import not_assigned
from reviewer.workspace import clock
from reviewer.workspace.content import ContentQueries
from reviewer.workspace.errors import WorkspaceError
from reviewer.workspace.records import AssignmentRecord, SheetRecord

_COLUMNS = "program, application, evaluator, source, active, withdrawn_reason, withdrawn_at"


class Declaration(NamedTuple):
    """A declared conflict of interest (a withdrawn assignment) as the chair's list shows it."""

    evaluator: str
    name: str                 # the evaluator's ("" when no longer on the panel)
    application: str
    applicant: str
    reason: str
    at: str                   # when it was declared (stored UTC time)
    assigned: int             # the application's active assignments now


def _record(row: tuple[Any, ...]) -> AssignmentRecord:
    program, application, evaluator, source, active, reason, at = row
    return AssignmentRecord(program, application, evaluator, source, bool(active), reason, at)


class AssignmentQueries(ContentQueries):
    def assignments(self, program: str | None = None, evaluator: str | None = None,
                    active: bool = True) -> list[AssignmentRecord]:
        sql = f"SELECT {_COLUMNS} FROM assignments WHERE active = ?"
        args: list[Any] = [1 if active else 0]
        if program:
            sql += " AND program = ?"
            args.append(program)
        if evaluator:
            sql += " AND evaluator = ?"
            args.append(evaluator)
        return [_record(r) for r in self.tuples().execute(sql + " ORDER BY program, application, evaluator", args)]

    def assignment(self, program: str, application: str, evaluator: str) -> AssignmentRecord | None:
        """One stored assignment (active or withdrawn), or None."""
        row = self.tuples().execute(f"SELECT {_COLUMNS} FROM assignments WHERE program = ? AND application = ?"
                                    " AND evaluator = ?", (program, application, evaluator)).fetchone()
        return _record(row) if row else None

    def assignment_rows(self, program: str, evaluator: str) -> dict[str, AssignmentRecord]:
        """The evaluator's assignments in the program (active or withdrawn), by application."""
        return {r[1]: _record(r) for r in self.tuples().execute(
            f"SELECT {_COLUMNS} FROM assignments WHERE program = ? AND evaluator = ?", (program, evaluator))}

    def assignment_mode(self, program: str) -> str:
        """'default' (everyone reviews everything but conflicts) or 'panel' / 'auto'."""
        row = self.conn.execute(
            "SELECT source FROM assignments WHERE program = ? AND source != 'default' LIMIT 1", (program,)).fetchone()
        return row["source"] if row else "default"

    def add_assignments(self, program: str, pairs: list[tuple[str, str]], source: str) -> int:
        """Add (application, evaluator) pairs not yet stored (inside the caller's transaction);
        returns how many were new. Withdrawn pairs stay withdrawn."""
        added = 0
        for application, evaluator in pairs:
            cur = self.conn.execute("INSERT OR IGNORE INTO assignments(program, application, evaluator, source)"
                                    " VALUES (?,?,?,?)", (program, application, evaluator, source))
            added += cur.rowcount
        return added

    def drop_default_assignments(self, program: str) -> None:
        """Remove the default assignments without a sheet (explicit ones replace them)."""
        self.conn.execute("DELETE FROM assignments WHERE program=? AND source='default' AND NOT EXISTS"
                          " (SELECT 1 FROM sheets s WHERE s.program=assignments.program AND"
                          " s.application=assignments.application AND s.evaluator=assignments.evaluator)", (program,))

    def assignment_state(self, program: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
        """(pairs with a sheet, which an automatic assignment must keep; withdrawn pairs)."""
        with_sheet = {(r[0], r[1]) for r in self.tuples().execute(
            "SELECT application, evaluator FROM sheets WHERE program = ?", (program,))}
        withdrawn = {(r[0], r[1]) for r in self.tuples().execute(
            "SELECT application, evaluator FROM assignments WHERE program = ? AND active = 0", (program,))}
        return with_sheet, withdrawn

    def replace_assignments(self, program: str, pairs: list[tuple[str, str]], actor: str, detail: str) -> None:
        """Replace the program's active assignments that have no sheet by ``pairs`` (source auto)."""
        with self.write():
            before = len(self.assignments(program))
            self.conn.execute(
                "DELETE FROM assignments WHERE program = ? AND active = 1 AND NOT EXISTS"
                " (SELECT 1 FROM sheets s WHERE s.program = assignments.program"
                " AND s.application = assignments.application AND s.evaluator = assignments.evaluator)", (program,))
            self.conn.executemany(
                "INSERT INTO assignments(program, application, evaluator, source) VALUES (?,?,?,'auto')"
                " ON CONFLICT(program, application, evaluator) DO UPDATE SET source = 'auto'",
                [(program, a, e) for a, e in pairs])
            after = len(self.assignments(program))
            self.audit_log(actor, "assign", program, old={"count": before}, new={"count": after}, detail=detail)

    def withdraw_assignment(self, program: str, application: str, evaluator: str, reason: str, actor: str) -> None:
        """A declared conflict of interest: the assignment ends (its draft is deleted first) and
        the reason is kept. A submitted sheet must be reopened first."""
        with self.write():
            row = self.assignment(program, application, evaluator)
            if row is None or not row.active:
                raise WorkspaceError(not_assigned(evaluator, application))
            stages = self.conn.execute("SELECT * FROM sheets WHERE program=? AND application=? AND evaluator=?"
                                       " ORDER BY stage DESC", (program, application, evaluator)).fetchall()
            if any(row["status"] == "submitted" for row in stages):
                raise WorkspaceError(f"申請 {application} の採点票は提出済みです。委員長の差し戻し後に取り下げてください")
            sheet = stages[0] if stages else None  # the written one, where there is one
            if stages:  # first: an assignment with a sheet cannot end
                self.conn.execute("DELETE FROM sheets WHERE program=? AND application=? AND evaluator=?",
                                  (program, application, evaluator))
            self.conn.execute(
                "UPDATE assignments SET active = 0, withdrawn_reason = ?, withdrawn_at = ?"
                " WHERE program=? AND application=? AND evaluator=?",
                (reason, clock.now(), program, application, evaluator))
            self.audit_log(actor, "conflict-declared", program, application, evaluator,
                           old=dict(SheetRecord.from_row(sheet).content()) if sheet else None, detail=reason)

    # -- the chair's view of declared conflicts ------------------------------------------------

    def declarations(self, program: str) -> list[Declaration]:
        """The program's declared conflicts of interest (its withdrawn assignments), the newest
        first, with the evaluator's name, the applicant and the application's active
        assignments now."""
        return [Declaration._make(r) for r in self.tuples().execute(
            "SELECT a.evaluator, COALESCE(e.name, ''), a.application, p.applicant, COALESCE(a.withdrawn_reason, ''),"
            " COALESCE(a.withdrawn_at, ''), COALESCE(g.assigned, 0)"
            " FROM assignments a"
            " JOIN applications p INDEXED BY applications_summary ON p.program = a.program AND p.id = a.application"
            " LEFT JOIN evaluators e ON e.id = a.evaluator"
            " LEFT JOIN progress g ON g.program = a.program AND g.kind = 'application' AND g.key = a.application"
            " WHERE a.program = ? AND a.active = 0 ORDER BY a.withdrawn_at DESC, a.application, a.evaluator",
            (program,))]

    def application_assignments(self, program: str, application: str) -> dict[str, AssignmentRecord]:
        """The application's stored assignments (active or withdrawn), by evaluator."""
        return {r[2]: _record(r) for r in self.tuples().execute(
            f"SELECT {_COLUMNS} FROM assignments WHERE program = ? AND application = ?", (program, application))}

    def add_assignment(self, program: str, application: str, evaluator: str, source: str, actor: str,
                       reason: str) -> None:
        """One assignment made by hand (a chair's, in place of a declared conflict) with its audit
        entry, in one transaction; refused where the pair is stored already (active, or
        withdrawn: a withdrawn pair is never assigned again). Who may be assigned is the
        service's to check (``reviewer.services.assignments``)."""
        with self.write():
            row = self.assignment(program, application, evaluator)
            if row is not None:
                state = "すでにあります" if row.active else f"取り下げられています（{row.withdrawn_reason}）"
                raise WorkspaceError(f"申請 {application} の評価者 {evaluator} の割当は{state}")
            self.conn.execute("INSERT INTO assignments(program, application, evaluator, source) VALUES (?,?,?,?)",
                              (program, application, evaluator, source))
            self.audit_log(actor, "assignment-add", program, application, evaluator,
                           new={"source": source, "active": True}, detail=reason)
