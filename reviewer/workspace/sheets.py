"""Score sheets: one per (program, application, evaluator, stage), draft or submitted; the
stage is the written review's (``written``, the default everywhere) or the hearing's. A submitted
sheet is read-only (the schema refuses changes) until a chair reopens it; saving the same
content again changes nothing and writes no audit entry. What a sheet may contain and who may
save it are the rules' (``reviewer.rules.sheets``, ``reviewer.rules.access``): callers check
first, this module stores."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from reviewer.workspace import clock
from reviewer.workspace.assignments import AssignmentQueries
from reviewer.workspace.audit import Batch, insert_audit
from reviewer.workspace.encoding import canonical
from reviewer.workspace.errors import WorkspaceError, finalized_message
from reviewer.workspace.records import OwnSheet, SheetRecord, SubmittedSheet

if TYPE_CHECKING:
    from reviewer.domain.model import Sheet

_UNREAD = object()  # write_sheet: the stored sheet is still to be read
#: A sheet written (with the parameters ``write_sheet`` builds); a submission clears who reopened it.
SHEET_UPSERT = ("INSERT INTO sheets(program, application, evaluator, stage, status, comment, scores, notes,"
                " created_at, updated_at, submitted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(program, application, evaluator, stage) DO UPDATE SET status=excluded.status,"
                " comment=excluded.comment, scores=excluded.scores, notes=excluded.notes,"
                " updated_at=excluded.updated_at, submitted_at=excluded.submitted_at, revision=sheets.revision + 1,"
                " reopened_by=CASE WHEN excluded.status = 'submitted' THEN NULL ELSE sheets.reopened_by END,"
                " reopened_at=CASE WHEN excluded.status = 'submitted' THEN NULL ELSE sheets.reopened_at END,"
                " reopen_reason=CASE WHEN excluded.status = 'submitted' THEN NULL ELSE sheets.reopen_reason END")


@contextmanager
def _withdrawn_meanwhile(message: str) -> Iterator[None]:
    """A sheet refused by the schema for want of an active assignment: checked before the
    transaction, withdrawn since (a conflict declared meanwhile)."""
    try:
        yield
    except sqlite3.IntegrityError as e:
        if "active assignment" not in str(e):
            raise
        raise WorkspaceError(message + "（割当が取り下げられています）") from None


def stage_name(stage: str) -> str:
    """How a message names a sheet's stage before 採点票 ("" for the written one)."""
    return "ヒアリングの" if stage == "hearing" else ""


@contextmanager
def refused_meanwhile(program: str) -> Iterator[None]:
    """A write refused by the schema: the program's result was finalized, or a hearing sheet's
    application is not (or no longer) shortlisted."""
    try:
        yield
    except sqlite3.IntegrityError as e:
        if "result finalized" in str(e):
            raise WorkspaceError(finalized_message(program)) from None
        if "shortlisted" in str(e):
            raise WorkspaceError("ヒアリングの対象に選ばれていない申請には、ヒアリングの採点票を保存できません") from None
        raise


class SheetQueries(AssignmentQueries):
    def finalized(self, program: str) -> bool:
        """Whether the program's result is finalized (確定, SPEC §6.7)."""
        row = self.conn.execute("SELECT state FROM results WHERE program = ?", (program,)).fetchone()
        return row is not None and row[0] == "finalized"

    def refuse_if_finalized(self, program: str) -> None:
        """A clear refusal before writing to a finalized program (the schema refuses it anyway)."""
        if self.finalized(program):
            raise WorkspaceError(finalized_message(program))

    @contextmanager
    def open_program_write(self, program: str) -> Iterator[sqlite3.Connection]:
        """A write transaction on a program whose result is open: refused with a clear message
        when it is finalized, and when another process finalizes it before the write lands (the
        schema's refusal, said as the user reads it)."""
        with self.write() as conn, refused_meanwhile(program):
            self.refuse_if_finalized(program)
            yield conn

    def _sheet_row(self, program: str, application: str, evaluator: str, stage: str = "written") -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT * FROM sheets WHERE program=? AND application=? AND evaluator=? AND stage=?",
            (program, application, evaluator, stage)).fetchone()

    def sheet(self, program: str, application: str, evaluator: str, stage: str = "written") -> SheetRecord | None:
        row = self._sheet_row(program, application, evaluator, stage)
        return SheetRecord.from_row(row) if row else None

    def sheets(self, program: str | None = None, evaluator: str | None = None,
               status: str | None = None, application: str | None = None,
               stage: str | None = "written") -> list[SheetRecord]:
        """Sheets by any of program, evaluator, status, application and stage (None: any;
        by default the written ones)."""
        sql, args = "SELECT * FROM sheets WHERE 1=1", []
        for col, val in (("program", program), ("evaluator", evaluator), ("status", status),
                         ("application", application), ("stage", stage)):
            if val is not None:
                sql += f" AND {col} = ?"
                args.append(val)
        rows = self.conn.execute(sql + " ORDER BY program, application, evaluator, stage DESC", args).fetchall()
        return [SheetRecord.from_row(r) for r in rows]


    def submitted_list(self, program: str, stage: str = "written") -> list[SubmittedSheet]:
        """The program's submitted sheets of ``stage``, by application then evaluator: the
        chair's list, without reading the scores."""
        return [SubmittedSheet._make(r) for r in self.tuples().execute(
            "SELECT s.evaluator, s.application, p.applicant, s.submitted_at FROM sheets s"
            " JOIN applications p INDEXED BY applications_summary ON p.program = s.program AND p.id = s.application"
            " WHERE s.program = ? AND s.status = 'submitted' AND s.stage = ? ORDER BY s.application, s.evaluator",
            (program, stage))]

    def submitted_scores(self, program: str, comments: bool = True, stage: str = "written",
                         ) -> list[tuple[str, str, dict[str, Any], str, dict[str, str]]]:
        """(application, evaluator, scores, comment, notes) of the program's submitted sheets of
        ``stage``: what scoring reads, without the rest of each row. ``comments=False`` reads
        neither the comments nor the notes (empty)."""
        cols = "comment, notes" if comments else "'', '{}'"
        rows = self.conn.execute(
            f"SELECT application, evaluator, scores, {cols} FROM sheets WHERE program = ? AND status = 'submitted'"
            " AND stage = ? ORDER BY application, evaluator", (program, stage)).fetchall()
        # one parse of all the sheets (json_valid holds for every stored row): half the time
        # of a parse per row
        parsed = json.loads("[" + ",".join(r[2] for r in rows) + "]")
        notes = json.loads("[" + ",".join(r[4] for r in rows) + "]") if comments else [{} for _ in rows]
        return [(a, e, sc, c, n) for (a, e, _, c, _), sc, n in zip(rows, parsed, notes)]


    def own_submitted(self, evaluator: str) -> list[OwnSheet]:
        """An evaluator's submitted sheets (every program) with their applications' summary
        columns, by program and application: what the evaluator's calibration reads, and no one
        else's sheet."""
        rows = self.tuples().execute(
            "SELECT s.program, s.application, p.title, p.track, p.applicant_type, s.scores, s.submitted_at"
            " FROM sheets s JOIN applications p ON p.program = s.program AND p.id = s.application"
            " WHERE s.evaluator = ? AND s.status = 'submitted' AND s.stage = 'written' ORDER BY s.program, s.application",
            (evaluator,)).fetchall()
        return [OwnSheet(p, a, title, track, kind, json.loads(scores), at) for p, a, title, track, kind, scores, at in rows]

    def save_checked_sheet(self, program: str, sheet: Sheet, evaluator: str, actor: str, replace: bool = False) -> str:
        """Save one already checked sheet in its own transaction. Returns 'created', 'updated',
        'submitted', 'replaced' or 'unchanged'; a different submitted sheet is refused unless
        ``replace``."""
        with self.write():
            return self.write_sheet(program, sheet, evaluator, actor, replace)

    def save_over(self, program: str, sheet: Sheet, evaluator: str, actor: str,
                  base_revision: int) -> tuple[str, SheetRecord | None]:
        """Save a checked sheet over the revision it was based on (0: no sheet yet), in its own
        transaction. Returns (result, the stored sheet); result 'stale' (nothing written) when
        the stored sheet is no longer that revision: the caller merges and tries again. A
        draft is committed without its own sync (``write(durable=False)``); a submission is
        synced."""
        with self.write(durable=sheet.status != "draft"):
            row = self._sheet_row(program, sheet.application, evaluator, sheet.stage)
            stored = SheetRecord.from_row(row) if row else None
            if (stored.revision if stored else 0) != base_revision:
                return "stale", stored
            result = self.write_sheet(program, sheet, evaluator, actor, False, row=row)
            return result, self.sheet(program, sheet.application, evaluator, sheet.stage)

    def write_sheet(self, program: str, sheet: Sheet, evaluator: str, actor: str, replace: bool,
                    detail: str | None = None, row: Any = _UNREAD, batch: Batch | None = None) -> str:
        """Write an already checked sheet inside the caller's transaction. ``row``: the stored
        sheet as read in this transaction (None: there is none); by default it is read here.
        With ``batch`` the new rows are collected there (the caller flushes them)."""
        application, stage = sheet.application, sheet.stage
        new = {"status": sheet.status, "comment": sheet.comment, "scores": sheet.scores, "notes": sheet.notes}
        if stage != "written":
            new["stage"] = stage
        if row is _UNREAD:
            row = self._sheet_row(program, application, evaluator, stage)
        old = SheetRecord.from_row(row).content() if row else None
        if old is not None and canonical(old) == canonical(new):
            return "unchanged"
        t = clock.now()
        result = "created"
        if old is not None and old["status"] == "submitted":
            if not replace:
                raise WorkspaceError(
                    f"申請 {application} の評価者 {evaluator} の{stage_name(stage)}採点票は提出済みで、内容が異なります"
                    "（上書きするには --replace、または委員長による差し戻しが必要です）"
                )
            self.conn.execute("UPDATE sheets SET status='draft', updated_at=?, revision=revision + 1"
                              " WHERE program=? AND application=? AND evaluator=? AND stage=?",
                              (t, program, application, evaluator, stage))
            self.audit_log(actor, "sheet-reopen", program, application, evaluator, old=old,
                           new=dict(old, status="draft"), detail=f"replace {detail or ''}".strip(), batch=batch)
            result = "replaced"
        elif old is not None:
            result = "submitted" if new["status"] == "submitted" else "updated"
        elif new["status"] == "submitted":
            result = "submitted"
        submitted_at = t if sheet.status == "submitted" else None
        params = (program, application, evaluator, stage, sheet.status, sheet.comment, canonical(sheet.scores),
                  canonical(sheet.notes), t, t, submitted_at)
        if batch is not None:
            batch.sheets.append(params)
        else:
            with _withdrawn_meanwhile(f"申請 {application} は評価者 {evaluator} に割り当てられていません"), \
                    refused_meanwhile(program):
                self.conn.execute(SHEET_UPSERT, params)
        action = "sheet-submit" if sheet.status == "submitted" else ("sheet-create" if old is None else "sheet-update")
        self.audit_log(actor, action, program, application, evaluator, old=old, new=new, detail=detail, batch=batch)
        return result

    def import_sheets(self, program: str, evaluator: str, sheets: list[Sheet], actor: str,
                      replace: bool = False, detail: str | None = None) -> dict[str, int]:
        """All sheets of one file (already checked) in one transaction: whole or not at all.
        A refusal carries ``index``, the sheet's position in the file."""
        counts: dict[str, int] = {}
        with self.write():
            existing = {(r["application"], r["stage"]): r for r in self.conn.execute(
                "SELECT * FROM sheets WHERE program = ? AND evaluator = ?", (program, evaluator))}
            batch = Batch([], [])
            for i, sheet in enumerate(sheets):
                try:
                    result = self.write_sheet(program, sheet, evaluator, actor, replace, detail,
                                               row=existing.get((sheet.application, sheet.stage)), batch=batch)
                except WorkspaceError as e:
                    e.index = i
                    raise
                counts[result] = counts.get(result, 0) + 1
            with _withdrawn_meanwhile(f"評価者 {evaluator} の割当のない申請があります"), \
                    refused_meanwhile(program):
                self.conn.executemany(SHEET_UPSERT, batch.sheets)
            insert_audit(self.conn, batch.audit)
        return counts

    def reopen_sheet(self, program: str, application: str, evaluator: str, actor: str, reason: str,
                     by: str | None = None, stage: str = "written") -> None:
        """A submitted sheet back to draft (who may is ``reviewer.services.sheets``). The sheet
        keeps who reopened it (``by``, by default ``actor``), when and why until it is submitted
        again."""
        with self.open_program_write(program):
            row = self._sheet_row(program, application, evaluator, stage)
            if row is None or row["status"] != "submitted":
                raise WorkspaceError(
                    f"申請 {application} の評価者 {evaluator} の{stage_name(stage)}採点票は提出済みではありません")
            old = SheetRecord.from_row(row).content()
            t = clock.now()
            self.conn.execute(
                "UPDATE sheets SET status='draft', updated_at=?, submitted_at=NULL, revision=revision + 1,"
                " reopened_by=?, reopened_at=?, reopen_reason=?"
                " WHERE program=? AND application=? AND evaluator=? AND stage=?",
                (t, by or actor, t, reason or None, program, application, evaluator, stage))
            self.audit_log(actor, "sheet-reopen", program, application, evaluator, old=old,
                           new=dict(old, status="draft"), detail=reason or None)

