"""The audit log: who did what, when, old → new. Append-only (the schema's triggers refuse
UPDATE and DELETE); every change writes its entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reviewer.domain.vocabulary import RECORD_ONLY_ACTIONS
from reviewer.workspace import clock
from reviewer.workspace.base import Connected
from reviewer.workspace.encoding import canonical
from reviewer.workspace.records import AuditEntry

AUDIT_INSERT = ("INSERT INTO audit(at, actor, action, program, application, evaluator, old, new, detail)"
                " VALUES (?,?,?,?,?,?,?,?,?)")


@dataclass
class Batch:
    """Sheet and audit rows of one file, written together (executemany) in its transaction."""

    sheets: list[tuple[Any, ...]]
    audit: list[tuple[Any, ...]]


def audit_row(actor: str, action: str, program: str | None = None, application: str | None = None,
              evaluator: str | None = None, old: Any = None, new: Any = None, detail: str | None = None,
              at: str | None = None) -> tuple[Any, ...]:
    """An audit row as AUDIT_INSERT takes it."""
    return (at or clock.now(), actor, action, program, application, evaluator,
            None if old is None else canonical(old), None if new is None else canonical(new), detail)


class AuditLog(Connected):
    def audit_log(self, actor: str, action: str, program: str | None = None, application: str | None = None,
                  evaluator: str | None = None, old: Any = None, new: Any = None, detail: str | None = None,
                  batch: Batch | None = None) -> None:
        """Append to the audit log (inside the caller's transaction; with ``batch``, when it
        is flushed, in the same transaction)."""
        row = audit_row(actor, action, program, application, evaluator, old, new, detail)
        if batch is not None:
            batch.audit.append(row)
        else:
            self.conn.execute(AUDIT_INSERT, row)

    def record(self, actor: str, action: str, program: str | None = None, application: str | None = None,
               evaluator: str | None = None, detail: str | None = None) -> None:
        """An event worth auditing that changes nothing else (a session, an application opened)."""
        with self.write():
            self.audit_log(actor, action, program, application, evaluator, detail=detail)

    def audit(self, program: str | None = None, application: str | None = None,
              evaluator: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        sql, args = "SELECT seq, at, actor, action, program, application, evaluator, old, new, detail FROM audit WHERE 1=1", []
        for col, val in (("program", program), ("application", application), ("evaluator", evaluator)):
            if val is not None:
                sql += f" AND {col} = ?"
                args.append(val)
        sql += " ORDER BY seq"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [AuditEntry._make(r) for r in self.tuples().execute(sql, args)]

    def last_change(self) -> int:
        """The newest audit entry that changed data (not a session, an opened application or
        an export): every change writes one, so an unchanged number means nothing to reload."""
        row = self.conn.execute(
            "SELECT seq FROM audit WHERE action NOT IN (" + ",".join("?" * len(RECORD_ONLY_ACTIONS)) + ")"
            " ORDER BY seq DESC LIMIT 1", RECORD_ONLY_ACTIONS).fetchone()
        return row[0] if row else 0
