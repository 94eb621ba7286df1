"""The second half of a review as stored (SPEC §6.4, §6.7): the hearing's shortlist, requests
for additional materials and their answers, opinions from others, the decisions and a
program's result state. Each write is one transaction with its audit entry; once a program's
result is finalized, the schema refuses every write to its sheets, shortlist, requests and
decisions (from any process), and these queries say so first. Who may is the services'.
"""

from __future__ import annotations

from reviewer.workspace import clock
from reviewer.workspace.errors import WorkspaceError
from reviewer.workspace.progress import ProgressQueries
from reviewer.workspace.records import Decision, MaterialRequest, Opinion, ResultState, ShortlistEntry

_REQUEST_COLUMNS = ("id, program, application, what, due, requested_by, requested_at, answered_by, answered_at,"
                    " answer_text, file_name, file_size, file_sha256")


class ReviewQueries(ProgressQueries):
    # -- the hearing's shortlist ---------------------------------------------------------------

    def shortlist(self, program: str) -> list[ShortlistEntry]:
        """The program's shortlist, by scheduled time then application (unscheduled last)."""
        return [ShortlistEntry._make(r) for r in self.tuples().execute(
            "SELECT program, application, scheduled, place, added_by, added_at FROM shortlist WHERE program = ?"
            " ORDER BY scheduled = '', scheduled, application", (program,))]

    def hearing_progress(self, program: str) -> list[tuple[ShortlistEntry, int, int, int]]:
        """Each shortlisted application with its active assignments and its hearing sheets in
        draft and submitted, in the shortlist's order."""
        counts = {r[0]: (r[1], r[2], r[3]) for r in self.tuples().execute(
            "SELECT l.application,"
            " (SELECT count(*) FROM assignments a WHERE a.program = l.program AND a.application = l.application"
            "  AND a.active = 1),"
            " (SELECT count(*) FROM sheets s WHERE s.program = l.program AND s.application = l.application"
            "  AND s.stage = 'hearing' AND s.status = 'draft'),"
            " (SELECT count(*) FROM sheets s WHERE s.program = l.program AND s.application = l.application"
            "  AND s.stage = 'hearing' AND s.status = 'submitted')"
            " FROM shortlist l WHERE l.program = ?", (program,))}
        return [(e, *counts.get(e.application, (0, 0, 0))) for e in self.shortlist(program)]

    def shortlisted(self, program: str, application: str) -> ShortlistEntry | None:
        row = self.tuples().execute(
            "SELECT program, application, scheduled, place, added_by, added_at FROM shortlist"
            " WHERE program = ? AND application = ?", (program, application)).fetchone()
        return ShortlistEntry._make(row) if row else None

    def set_shortlist(self, program: str, entries: list[tuple[str, str, str]], actor: str,
                      detail: str | None = None) -> tuple[int, int]:
        """Add (application, scheduled, place) to the shortlist, or change when and where an
        application already on it is heard, in one transaction. Returns (added, changed)."""
        added = changed = 0
        with self.open_program_write(program):
            t = clock.now()
            for application, scheduled, place in entries:
                old = self.shortlisted(program, application)
                new = {"scheduled": scheduled, "place": place}
                if old is not None and (old.scheduled, old.place) == (scheduled, place):
                    continue
                self.conn.execute(
                    "INSERT INTO shortlist(program, application, scheduled, place, added_by, added_at)"
                    " VALUES (?,?,?,?,?,?) ON CONFLICT(program, application) DO UPDATE SET"
                    " scheduled = excluded.scheduled, place = excluded.place",
                    (program, application, scheduled, place, actor, t))
                self.audit_log(actor, "shortlist-add" if old is None else "shortlist-change", program, application,
                               old=None if old is None else {"scheduled": old.scheduled, "place": old.place},
                               new=new, detail=detail)
                added, changed = added + (old is None), changed + (old is not None)
        return added, changed

    def remove_from_shortlist(self, program: str, application: str, actor: str, reason: str) -> None:
        """Take an application off the shortlist (refused once it has hearing sheets)."""
        with self.open_program_write(program):
            old = self.shortlisted(program, application)
            if old is None:
                raise WorkspaceError(f"申請 {application} はヒアリングの対象ではありません")
            heard = self.conn.execute("SELECT count(*) FROM sheets WHERE program = ? AND application = ?"
                                      " AND stage = 'hearing'", (program, application)).fetchone()[0]
            if heard:
                raise WorkspaceError(f"申請 {application} にはヒアリングの採点票が {heard} 件あるため、"
                                     "ヒアリングの対象から外せません")
            self.conn.execute("DELETE FROM shortlist WHERE program = ? AND application = ?", (program, application))
            self.audit_log(actor, "shortlist-remove", program, application,
                           old={"scheduled": old.scheduled, "place": old.place}, detail=reason)

    # -- additional materials --------------------------------------------------------------------

    def requests(self, program: str, application: str | None = None, open_only: bool = False,
                 ) -> list[MaterialRequest]:
        """The program's requests for additional materials (of one application), oldest first."""
        sql, args = f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE program = ?", [program]
        if application is not None:
            sql += " AND application = ?"
            args.append(application)
        if open_only:
            sql += " AND answered_at IS NULL"
        return [MaterialRequest._make(r) for r in self.tuples().execute(sql + " ORDER BY id", args)]

    def request(self, program: str, request_id: int) -> MaterialRequest | None:
        row = self.tuples().execute(f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE program = ? AND id = ?",
                                    (program, request_id)).fetchone()
        return MaterialRequest._make(row) if row else None

    def request_file(self, program: str, request_id: int) -> tuple[str, bytes] | None:
        """The file received in answer to a request: (name, bytes), or None."""
        row = self.conn.execute("SELECT file_name, file_data FROM requests WHERE program = ? AND id = ?"
                                " AND file_data IS NOT NULL", (program, request_id)).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def add_request(self, program: str, application: str, what: str, due: str, actor: str) -> int:
        """Record a request for additional materials; returns its number."""
        with self.open_program_write(program):
            cur = self.conn.execute(
                "INSERT INTO requests(program, application, what, due, requested_by, requested_at)"
                " VALUES (?,?,?,?,?,?)", (program, application, what, due, actor, clock.now()))
            number = int(cur.lastrowid or 0)
            self.audit_log(actor, "request-add", program, application, new={"id": number, "what": what, "due": due})
        return number

    def answer_request(self, program: str, request_id: int, actor: str, text: str | None,
                       file: tuple[str, bytes, str] | None) -> MaterialRequest:
        """Mark a request answered with the received text and/or file (name, bytes, SHA-256)."""
        with self.open_program_write(program):
            old = self.request(program, request_id)
            if old is None:
                raise WorkspaceError(f"事業 {program} に追加資料の依頼 {request_id} はありません")
            if old.answered:
                raise WorkspaceError(f"追加資料の依頼 {request_id} は回答済みです（{old.answered_at}）")
            name, data, digest = file if file else (None, None, None)
            self.conn.execute(
                "UPDATE requests SET answered_by = ?, answered_at = ?, answer_text = ?, file_name = ?, file_size = ?,"
                " file_sha256 = ?, file_data = ? WHERE program = ? AND id = ?",
                (actor, clock.now(), text, name, None if data is None else len(data), digest, data, program, request_id))
            self.audit_log(actor, "request-answer", program, old.application,
                           new={"id": request_id, "text": text, "file": name, "sha256": digest})
        found = self.request(program, request_id)
        assert found is not None
        return found

    # -- opinions ----------------------------------------------------------------------------

    def opinions(self, program: str, application: str | None = None) -> list[Opinion]:
        sql, args = ("SELECT id, program, application, source, text, given_on, recorded_by, recorded_at FROM opinions"
                     " WHERE program = ?", [program])
        if application is not None:
            sql += " AND application = ?"
            args.append(application)
        return [Opinion._make(r) for r in self.tuples().execute(sql + " ORDER BY application, id", args)]

    def add_opinion(self, program: str, application: str, source: str, text: str, given_on: str, actor: str) -> int:
        """Record an opinion (kept as given: never changed)."""
        with self.write():
            cur = self.conn.execute(
                "INSERT INTO opinions(program, application, source, text, given_on, recorded_by, recorded_at)"
                " VALUES (?,?,?,?,?,?,?)", (program, application, source, text, given_on, actor, clock.now()))
            number = int(cur.lastrowid or 0)
            self.audit_log(actor, "opinion-add", program, application,
                           new={"id": number, "source": source, "text": text, "given_on": given_on})
        return number

    # -- decisions and the result ------------------------------------------------------------------

    def decisions(self, program: str) -> dict[str, Decision]:
        return {r[1]: Decision._make(r) for r in self.tuples().execute(
            "SELECT program, application, decision, reason, decided_by, decided_at FROM decisions WHERE program = ?",
            (program,))}

    def decide(self, program: str, application: str, decision: str | None, reason: str, actor: str) -> None:
        """Record (or, with ``decision`` None, withdraw) the decision on an application."""
        with self.open_program_write(program):
            old = self.decisions(program).get(application)
            if decision is None:
                if old is None:
                    raise WorkspaceError(f"申請 {application} には決定が記録されていません")
                self.conn.execute("DELETE FROM decisions WHERE program = ? AND application = ?", (program, application))
            else:
                self.conn.execute(
                    "INSERT INTO decisions(program, application, decision, reason, decided_by, decided_at)"
                    " VALUES (?,?,?,?,?,?) ON CONFLICT(program, application) DO UPDATE SET"
                    " decision = excluded.decision, reason = excluded.reason, decided_by = excluded.decided_by,"
                    " decided_at = excluded.decided_at", (program, application, decision, reason, actor, clock.now()))
            self.audit_log(actor, "decision-clear" if decision is None else "decision", program, application,
                           old=None if old is None else {"decision": old.decision, "reason": old.reason},
                           new=None if decision is None else {"decision": decision, "reason": reason},
                           detail=reason or None)

    def result_state(self, program: str) -> ResultState:
        row = self.tuples().execute(
            "SELECT program, state, finalized_by, finalized_at, final, reopened_by, reopened_at, reopen_reason"
            " FROM results WHERE program = ?", (program,)).fetchone()
        return ResultState._make(row) if row else ResultState(program, "open", None, None, None, None, None, None)

    def finalize(self, program: str, final_json: str, actor: str, detail: str) -> None:
        """Finalize the program's result (its final list as ``final_json``): from now on the
        schema refuses every write to its sheets, shortlist, requests and decisions."""
        with self.write():
            if self.finalized(program):
                raise WorkspaceError(f"事業 {program} の評価結果はすでに確定しています")
            t = clock.now()
            self.conn.execute(
                "INSERT INTO results(program, state, finalized_by, finalized_at, final) VALUES (?, 'finalized', ?, ?, ?)"
                " ON CONFLICT(program) DO UPDATE SET state = 'finalized', finalized_by = excluded.finalized_by,"
                " finalized_at = excluded.finalized_at, final = excluded.final", (program, actor, t, final_json))
            self.audit_log(actor, "result-finalize", program, detail=detail)

    def reopen_result(self, program: str, reason: str, actor: str) -> None:
        """Reopen a finalized result, with a reason (kept until it is finalized again)."""
        with self.write():
            if not self.finalized(program):
                raise WorkspaceError(f"事業 {program} の評価結果は確定していません")
            self.conn.execute("UPDATE results SET state = 'open', reopened_by = ?, reopened_at = ?, reopen_reason = ?"
                              " WHERE program = ?", (actor, clock.now(), reason, program))
            self.audit_log(actor, "result-reopen", program, detail=reason)
