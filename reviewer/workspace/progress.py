"""Progress: assigned, drafted and submitted sheets per evaluator and per application, read from
the counters the schema's triggers keep (no join of every assignment to its sheet), each
evaluator's own queue and last activity, and which screens have a sheet open."""

from __future__ import annotations

from reviewer.workspace import clock
from reviewer.workspace.records import ApplicationProgress, Counts, Presence, Progress, ProgressWidths, QueueEntry
from reviewer.workspace.sheets import SheetQueries


class ProgressQueries(SheetQueries):
    def progress(self, program: str, kind: str | None = None) -> Progress:
        """Assigned, drafted and submitted sheets of the active assignments, per evaluator and
        per application; ``kind`` ("evaluator" or "application") reads one tally only."""
        tallies: dict[str, dict[str, Counts]] = {"evaluator": {}, "application": {}}
        sql = "SELECT kind, key, assigned, drafted, submitted FROM progress WHERE program = ? AND assigned > 0"
        args: tuple[str, ...] = (program,)
        if kind:
            sql, args = sql + " AND kind = ?", (program, kind)
        for k, key, assigned, drafted, submitted in self.tuples().execute(sql + " ORDER BY kind, key", args):
            tallies[k][key] = Counts(assigned, drafted, submitted)
        return Progress(tallies["evaluator"], tallies["application"])

    def application_progress(self, program: str, start: int = 0, stop: int | None = None) -> list[ApplicationProgress]:
        """The program's applications with their counters, the most left to do first: the
        most sheets still to submit (assigned − submitted), then the fewest drafts (more not
        even started), then by id; positions ``start`` to ``stop``: the chair's list, a page at
        a time (every application has its counter row)."""
        count = -1 if stop is None else max(0, stop - start)
        # the window is cut from the counters alone (a bounded sort over the program's rows of
        # the primary key: no index to keep up on every submission), then joined to the names
        return [ApplicationProgress._make(r) for r in self.tuples().execute(
            "SELECT g.key, p.applicant, p.bureau, g.assigned, g.drafted, g.submitted FROM"
            " (SELECT key, assigned, drafted, submitted FROM progress"
            "  WHERE program = ? AND kind = 'application'"
            "  ORDER BY assigned - submitted DESC, drafted, key LIMIT ? OFFSET ?) g"
            " JOIN applications p INDEXED BY applications_summary ON p.program = ? AND p.id = g.key"
            " ORDER BY g.assigned - g.submitted DESC, g.drafted, g.key", (program, count, max(0, start), program))]

    def application_count(self, program: str) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM applications INDEXED BY applications_summary"
                                     " WHERE program = ?", (program,)).fetchone()[0])

    def application_progress_position(self, program: str, application: str) -> int | None:
        """Where ``application`` stands in ``application_progress`` (None when it is not there)."""
        row = self.conn.execute("SELECT assigned - submitted, drafted FROM progress"
                                " WHERE program = ? AND kind = 'application' AND key = ?",
                                (program, application)).fetchone()
        if row is None:
            return None
        left, drafted = row[0], row[1]
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM progress WHERE program = ? AND kind = 'application'"
            " AND (assigned - submitted > ? OR (assigned - submitted = ?"
            "      AND (drafted < ? OR (drafted = ? AND key < ?))))",
            (program, left, left, drafted, drafted, application)).fetchone()[0])

    def application_progress_widths(self, program: str) -> ProgressWidths:
        """The longest id, applicant and bureau of the list (characters), and the digits of the
        largest count: bounds for its columns."""
        ids, names, bureaus = self.conn.execute(
            "SELECT MAX(LENGTH(id)), MAX(LENGTH(applicant)), MAX(LENGTH(bureau)) FROM applications"
            " INDEXED BY applications_summary WHERE program = ?", (program,)).fetchone()
        most = self.conn.execute("SELECT MAX(assigned) FROM progress WHERE program = ? AND kind = 'application'",
                                 (program,)).fetchone()[0]
        return ProgressWidths(ids or 0, names or 0, bureaus or 0, len(str(most or 0)))

    def last_activity(self, program: str) -> dict[str, str]:
        """When each evaluator of the program last did something in it (stored UTC time), by
        id, in one query: the newest write of their sheets (a sheet a chair reopened and they
        have not touched since counts from its first save: the reopen was the chair's) or of
        their conflict declarations. Evaluators without either are absent. It reads every sheet
        of the program (about 0.1 s at 100,000); the audit log, larger and not indexed by
        evaluator, is not read."""
        return {r[0]: r[1] for r in self.tuples().execute(
            "SELECT evaluator, MAX(t) FROM ("
            " SELECT evaluator, CASE WHEN updated_at = reopened_at THEN created_at ELSE updated_at END AS t"
            "  FROM sheets WHERE program = ?"
            " UNION ALL SELECT evaluator, withdrawn_at FROM assignments WHERE program = ? AND active = 0"
            ") WHERE t IS NOT NULL GROUP BY evaluator", (program, program))}

    def evaluator_queue(self, evaluator: str) -> list[QueueEntry]:
        """An evaluator's active assignments with their sheet status and summary columns, how
        many scores and notes the sheet holds and, for a reopened draft, who reopened it, when
        and why; without reading any other evaluator's sheets. ``items`` is the service's."""
        return [QueueEntry(*r) for r in self.tuples().execute(
            "SELECT a.program, a.application, p.title, p.applicant, p.bureau, p.prefecture, p.track, p.model,"
            " s.status, s.updated_at,"
            " coalesce((SELECT count(*) FROM json_each(s.scores)), 0),"
            " coalesce((SELECT count(*) FROM json_each(s.notes)), 0),"
            " CASE WHEN s.status = 'draft' THEN s.reopened_by END,"
            " CASE WHEN s.status = 'draft' THEN s.reopened_at END,"
            " CASE WHEN s.status = 'draft' THEN s.reopen_reason END, p.applicant_type"
            " FROM assignments a JOIN applications p ON p.program = a.program AND p.id = a.application"
            " LEFT JOIN sheets s ON s.program = a.program AND s.application = a.application AND s.evaluator = a.evaluator"
            " AND s.stage = 'written'"
            " WHERE a.evaluator = ? AND a.active = 1 ORDER BY a.program, a.application", (evaluator,))]

    # -- who has a sheet open ---------------------------------------------------------------

    def enter_sheet(self, session: str, program: str, application: str, evaluator: str, host: str, pid: int) -> None:
        """A screen opened the sheet (not audited: the opening itself is, as application-open)."""
        with self.write():
            self.conn.execute("INSERT OR REPLACE INTO presence(session, program, application, evaluator, host, pid,"
                              " opened_at) VALUES (?,?,?,?,?,?,?)",
                              (session, program, application, evaluator, host, pid, clock.now()))

    def leave_sheet(self, session: str) -> None:
        with self.write():
            self.conn.execute("DELETE FROM presence WHERE session = ?", (session,))

    def present(self, program: str, application: str, evaluator: str) -> list[Presence]:
        """The screens that have this sheet open."""
        return [Presence._make(r) for r in self.tuples().execute(
            "SELECT session, host, pid, opened_at FROM presence WHERE program = ? AND application = ? AND evaluator = ?"
            " ORDER BY opened_at", (program, application, evaluator))]
