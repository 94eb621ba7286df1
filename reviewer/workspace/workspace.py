"""The workspace: one SQLite database that many evaluators use at once.

- WAL mode, a busy timeout and short ``BEGIN IMMEDIATE`` write transactions, so concurrent
  evaluators never see "database is locked"; foreign keys on.
- ``PRAGMA user_version`` is the schema version; ``MIGRATIONS`` moves older files forward.
- The criteria, applications and panel a review started with are stored with their content
  and hash: editing a file later never silently changes a running review.
- Score sheets: one per (program, application, evaluator), draft or submitted. A submitted
  sheet is read-only (the database refuses changes) until a chair reopens it.
- ``audit``: an append-only log (who, when, what, old → new) that triggers protect against
  UPDATE and DELETE.

No rules live here beyond integrity: validation is ``reviewer.rules.sheets`` and ``reviewer.rules.checks``.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from reviewer.domain.vocabulary import RECORD_ONLY_ACTIONS
from reviewer.rules.access import conflict

if TYPE_CHECKING:  # the model (pydantic) loads on first use: the app's first screen needs only SQL
    from reviewer.domain.model import Application, Evaluator, Panel, Program, Sheet

DB_NAME = "reviewer.db"
BUSY_TIMEOUT_MS = 60_000

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE programs (
        id          TEXT PRIMARY KEY,
        source_name TEXT NOT NULL,
        content     TEXT NOT NULL,
        sha256      TEXT NOT NULL,
        json        TEXT NOT NULL,
        loaded_at   TEXT NOT NULL
    );
    CREATE TABLE applications (
        program     TEXT NOT NULL REFERENCES programs(id),
        id          TEXT NOT NULL,
        source_name TEXT NOT NULL,
        content     TEXT NOT NULL,
        sha256      TEXT NOT NULL,
        json        TEXT NOT NULL,
        title       TEXT NOT NULL,
        applicant   TEXT NOT NULL,
        applicant_type TEXT NOT NULL,
        prefecture  TEXT NOT NULL,
        bureau      TEXT NOT NULL,
        track       TEXT,
        model       INTEGER,
        requested_subsidy_yen INTEGER NOT NULL,
        loaded_at   TEXT NOT NULL,
        PRIMARY KEY (program, id)
    );
    CREATE TABLE panel (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        source_name TEXT NOT NULL,
        content  TEXT NOT NULL,
        sha256   TEXT NOT NULL,
        loaded_at TEXT NOT NULL
    );
    CREATE TABLE evaluators (
        id       TEXT PRIMARY KEY,
        name     TEXT NOT NULL,
        role     TEXT NOT NULL CHECK (role IN ('evaluator', 'chair')),
        os_user  TEXT UNIQUE,
        json     TEXT NOT NULL
    );
    CREATE TABLE assignments (
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        evaluator   TEXT NOT NULL REFERENCES evaluators(id),
        source      TEXT NOT NULL CHECK (source IN ('default', 'panel', 'auto')),
        active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        withdrawn_reason TEXT,
        withdrawn_at TEXT,
        PRIMARY KEY (program, application, evaluator),
        FOREIGN KEY (program, application) REFERENCES applications(program, id)
    );
    CREATE INDEX assignments_by_evaluator ON assignments(evaluator, program);
    CREATE TABLE sheets (
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        evaluator   TEXT NOT NULL REFERENCES evaluators(id),
        status      TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
        comment     TEXT NOT NULL DEFAULT '',
        scores      TEXT NOT NULL CHECK (json_valid(scores)),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        submitted_at TEXT,
        PRIMARY KEY (program, application, evaluator),
        FOREIGN KEY (program, application) REFERENCES applications(program, id)
    );
    CREATE INDEX sheets_by_evaluator ON sheets(evaluator, program);
    -- A submitted sheet is read-only: the only change allowed is a reopen (status back
    -- to draft with the same content), and it cannot be deleted.
    CREATE TRIGGER sheets_submitted_readonly BEFORE UPDATE ON sheets
    WHEN OLD.status = 'submitted'
     AND NOT (NEW.status = 'draft' AND NEW.scores = OLD.scores AND NEW.comment = OLD.comment)
    BEGIN SELECT RAISE(ABORT, 'submitted sheet is read-only: reopen it first'); END;
    CREATE TRIGGER sheets_submitted_nodelete BEFORE DELETE ON sheets
    WHEN OLD.status = 'submitted'
    BEGIN SELECT RAISE(ABORT, 'submitted sheet cannot be deleted'); END;
    CREATE TABLE audit (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        program     TEXT,
        application TEXT,
        evaluator   TEXT,
        old         TEXT,
        new         TEXT,
        detail      TEXT
    );
    CREATE INDEX audit_by_sheet ON audit(program, application, evaluator);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    """,
    2: """
    -- Progress counters (per evaluator and per application), kept by triggers in the same
    -- transaction as the change: the chair's first screen reads them instead of joining
    -- every assignment to its sheet (100,000 of each at national scale).
    CREATE TABLE progress (
        program   TEXT NOT NULL,
        kind      TEXT NOT NULL CHECK (kind IN ('evaluator', 'application')),
        key       TEXT NOT NULL,
        assigned  INTEGER NOT NULL DEFAULT 0,
        drafted   INTEGER NOT NULL DEFAULT 0,
        submitted INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (program, kind, key)
    ) WITHOUT ROWID;
    INSERT INTO progress(program, kind, key, assigned, drafted, submitted)
    SELECT a.program, 'evaluator', a.evaluator, COUNT(*), COALESCE(SUM(s.status = 'draft'), 0),
           COALESCE(SUM(s.status = 'submitted'), 0)
    FROM assignments a LEFT JOIN sheets s
      ON s.program = a.program AND s.application = a.application AND s.evaluator = a.evaluator
    WHERE a.active = 1 GROUP BY a.program, a.evaluator;
    INSERT INTO progress(program, kind, key, assigned, drafted, submitted)
    SELECT a.program, 'application', a.application, COUNT(*), COALESCE(SUM(s.status = 'draft'), 0),
           COALESCE(SUM(s.status = 'submitted'), 0)
    FROM assignments a LEFT JOIN sheets s
      ON s.program = a.program AND s.application = a.application AND s.evaluator = a.evaluator
    WHERE a.active = 1 GROUP BY a.program, a.application;
    -- every application has its row (the chair's list reads the most urgent first, from here)
    INSERT INTO progress(program, kind, key)
    SELECT program, 'application', id FROM applications WHERE true
    ON CONFLICT(program, kind, key) DO NOTHING;
    CREATE TRIGGER progress_application_insert AFTER INSERT ON applications
    BEGIN
        INSERT INTO progress(program, kind, key) VALUES (NEW.program, 'application', NEW.id)
        ON CONFLICT(program, kind, key) DO NOTHING;
    END;
    CREATE TRIGGER progress_assignment_insert AFTER INSERT ON assignments WHEN NEW.active = 1
    BEGIN
        INSERT INTO progress(program, kind, key, assigned) VALUES (NEW.program, 'evaluator', NEW.evaluator, 1)
        ON CONFLICT(program, kind, key) DO UPDATE SET assigned = assigned + 1;
        INSERT INTO progress(program, kind, key, assigned) VALUES (NEW.program, 'application', NEW.application, 1)
        ON CONFLICT(program, kind, key) DO UPDATE SET assigned = assigned + 1;
    END;
    CREATE TRIGGER progress_assignment_active AFTER UPDATE OF active ON assignments
    WHEN NEW.active != OLD.active
    BEGIN
        INSERT INTO progress(program, kind, key, assigned) VALUES (NEW.program, 'evaluator', NEW.evaluator, 1)
        ON CONFLICT(program, kind, key) DO UPDATE SET assigned = assigned + NEW.active - OLD.active;
        INSERT INTO progress(program, kind, key, assigned) VALUES (NEW.program, 'application', NEW.application, 1)
        ON CONFLICT(program, kind, key) DO UPDATE SET assigned = assigned + NEW.active - OLD.active;
    END;
    CREATE TRIGGER progress_assignment_delete AFTER DELETE ON assignments WHEN OLD.active = 1
    BEGIN
        UPDATE progress SET assigned = assigned - 1
        WHERE program = OLD.program AND kind = 'evaluator' AND key = OLD.evaluator;
        UPDATE progress SET assigned = assigned - 1
        WHERE program = OLD.program AND kind = 'application' AND key = OLD.application;
    END;
    CREATE TRIGGER progress_sheet_insert AFTER INSERT ON sheets
    BEGIN
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft'), submitted = submitted + (NEW.status = 'submitted')
        WHERE program = NEW.program AND kind = 'evaluator' AND key = NEW.evaluator;
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft'), submitted = submitted + (NEW.status = 'submitted')
        WHERE program = NEW.program AND kind = 'application' AND key = NEW.application;
    END;
    CREATE TRIGGER progress_sheet_status AFTER UPDATE OF status ON sheets WHEN NEW.status != OLD.status
    BEGIN
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft') - (OLD.status = 'draft'),
                            submitted = submitted + (NEW.status = 'submitted') - (OLD.status = 'submitted')
        WHERE program = NEW.program AND kind = 'evaluator' AND key = NEW.evaluator;
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft') - (OLD.status = 'draft'),
                            submitted = submitted + (NEW.status = 'submitted') - (OLD.status = 'submitted')
        WHERE program = NEW.program AND kind = 'application' AND key = NEW.application;
    END;
    CREATE TRIGGER progress_sheet_delete AFTER DELETE ON sheets
    BEGIN
        UPDATE progress SET drafted = drafted - (OLD.status = 'draft'), submitted = submitted - (OLD.status = 'submitted')
        WHERE program = OLD.program AND kind = 'evaluator' AND key = OLD.evaluator;
        UPDATE progress SET drafted = drafted - (OLD.status = 'draft'), submitted = submitted - (OLD.status = 'submitted')
        WHERE program = OLD.program AND kind = 'application' AND key = OLD.application;
    END;
    -- Every sheet belongs to an active assignment (the counters rely on it): a sheet is
    -- written only under one, and an assignment ends only once its sheet is gone.
    CREATE TRIGGER sheets_need_assignment BEFORE INSERT ON sheets
    WHEN NOT EXISTS (SELECT 1 FROM assignments WHERE program = NEW.program AND application = NEW.application
                     AND evaluator = NEW.evaluator AND active = 1)
    BEGIN SELECT RAISE(ABORT, 'a sheet needs an active assignment'); END;
    CREATE TRIGGER assignments_end_without_sheet BEFORE UPDATE OF active ON assignments
    WHEN NEW.active = 0 AND EXISTS (SELECT 1 FROM sheets WHERE program = NEW.program
                                    AND application = NEW.application AND evaluator = NEW.evaluator)
    BEGIN SELECT RAISE(ABORT, 'an assignment with a sheet cannot end: remove the sheet first'); END;
    -- Summary columns of the applications without reading their documents (lists, progress).
    CREATE INDEX applications_summary ON applications(program, id, title, applicant, applicant_type, prefecture,
                                                      bureau, track, model, requested_subsidy_yen);
    """,
}
SCHEMA_VERSION = max(MIGRATIONS)

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


class WorkspaceError(Exception):
    """A problem the user can fix; ``messages`` are shown one per line."""

    def __init__(self, *messages: str):
        super().__init__("\n".join(messages))
        self.messages = list(messages)


class InitError(Exception):
    """Inputs that stop ``reviewer init``: the same problems ``validate`` reports."""

    def __init__(self, problems: list[Any]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def connect(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextmanager
def building(path: Path, suffix: str) -> Iterator[sqlite3.Connection]:
    """A new workspace, built in a private temporary folder beside ``path`` (0700, database
    0600) and renamed into place only when the body returns: a failed build leaves nothing.
    ``path`` must not exist or be an empty folder (callers check, with their own message)."""
    import shutil
    import tempfile

    path = Path(path)
    parent = path.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=suffix, dir=parent))
    conn = None
    try:
        os.chmod(tmp, 0o700)
        db = tmp / DB_NAME
        conn = connect(db)
        os.chmod(db, 0o600)
        migrate(conn)
        yield conn
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        conn = None
        for leftover in ("-wal", "-shm"):
            sidecar = tmp / (DB_NAME + leftover)
            if sidecar.exists():
                os.chmod(sidecar, 0o600)
        if path.exists():
            path.rmdir()  # empty, checked by the caller
        os.replace(tmp, path)
    except BaseException:
        if conn is not None:
            conn.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"このワークスペースは新しい版の reviewer で作られています（形式 {version}、この版は {SCHEMA_VERSION} まで）"
        )
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for v in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _statements(MIGRATIONS[v]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {v}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements (triggers hold semicolons before END)."""
    buf = ""
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


_UNREAD = object()  # _write_sheet: the stored sheet is still to be read
AUDIT_INSERT = ("INSERT INTO audit(at, actor, action, program, application, evaluator, old, new, detail)"
                " VALUES (?,?,?,?,?,?,?,?,?)")
SHEET_UPSERT = ("INSERT INTO sheets(program, application, evaluator, status, comment, scores, created_at, updated_at,"
                " submitted_at) VALUES (?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(program, application, evaluator) DO UPDATE SET status=excluded.status,"
                " comment=excluded.comment, scores=excluded.scores, updated_at=excluded.updated_at,"
                " submitted_at=excluded.submitted_at")


@dataclass
class _Batch:
    """Sheet and audit rows of one file, written together (executemany) in its transaction."""

    sheets: list[tuple[Any, ...]]
    audit: list[tuple[Any, ...]]


class Counts(NamedTuple):
    assigned: int
    drafted: int
    submitted: int

    @property
    def not_started(self) -> int:
        return self.assigned - self.drafted - self.submitted


class Progress(NamedTuple):
    by_evaluator: dict[str, Counts]  # evaluators with an active assignment, by id
    by_application: dict[str, Counts]  # applications with an active assignment, by id


@dataclass(frozen=True)
class Person:
    """Who an evaluator or chair is (the panel's entry, read without the model)."""

    id: str
    name: str
    affiliation: str
    role: str
    programs: list[str]


@dataclass(frozen=True)
class SheetRecord:
    program: str
    application: str
    evaluator: str
    status: str
    comment: str
    scores: dict[str, Any]
    created_at: str
    updated_at: str
    submitted_at: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> SheetRecord:
        return cls(row["program"], row["application"], row["evaluator"], row["status"], row["comment"],
                   json.loads(row["scores"]), row["created_at"], row["updated_at"], row["submitted_at"])

    def content(self) -> dict[str, Any]:
        return {"status": self.status, "comment": self.comment, "scores": self.scores}


_APPLICATION_LIST = None


def _application_list():
    global _APPLICATION_LIST
    if _APPLICATION_LIST is None:
        from pydantic import TypeAdapter

        from reviewer.domain.model import Application

        _APPLICATION_LIST = TypeAdapter(list[Application])
    return _APPLICATION_LIST


class Workspace:
    """An open workspace. Cheap to open; content is read lazily and cached per instance."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self._programs: dict[str, Program] | None = None
        self._apps: dict[str, dict[str, Application]] = {}
        self._apps_lean: dict[str, dict[str, Application]] = {}  # without their sections
        self._panel: Panel | None = None

    # -- opening ----------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Workspace:
        db = Path(path) / DB_NAME
        if not db.is_file():
            raise WorkspaceError(f"{path}: ワークスペースではありません（{DB_NAME} がありません。reviewer init で作成してください）")
        if hasattr(os, "geteuid") and db.stat().st_uid != os.geteuid():
            # One service account owns the workspace; every evaluator reaches it through that
            # account's forced command, so their identity is whatever that command fixed.
            raise WorkspaceError(f"{path}: このワークスペースは所有者のアカウントでだけ開けます")
        try:
            conn = connect(db)
            migrate(conn)
        except sqlite3.DatabaseError as e:
            raise WorkspaceError(f"{db}: データベースを開けません（{e}）") from None
        return cls(Path(path), conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction, taken at once (BEGIN IMMEDIATE) so that a
        read-modify-write never fails half-way on a lock."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def audit_log(self, actor: str, action: str, program: str | None = None, application: str | None = None,
                  evaluator: str | None = None, old: Any = None, new: Any = None, detail: str | None = None,
                  batch: _Batch | None = None) -> None:
        """Append to the audit log (inside the caller's transaction; with ``batch``, when it
        is flushed, in the same transaction)."""
        row = (now(), actor, action, program, application, evaluator,
               None if old is None else canonical(old), None if new is None else canonical(new), detail)
        if batch is not None:
            batch.audit.append(row)
        else:
            self.conn.execute(AUDIT_INSERT, row)

    # -- content ----------------------------------------------------------------

    def programs(self) -> dict[str, Program]:
        from reviewer.domain.model import Program

        if self._programs is None:
            rows = self.conn.execute("SELECT id, json FROM programs ORDER BY id").fetchall()
            self._programs = {r["id"]: Program.model_validate_json(r["json"]) for r in rows}
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
        col = "json" if sections else "json_remove(json, '$.sections')"
        rows = self.conn.execute(f"SELECT {col} FROM applications WHERE program = ? ORDER BY id", (program,)).fetchall()
        # one validation call for the whole program: much less overhead than one per row
        apps = {a.id: a for a in _application_list().validate_json("[" + ",".join(r[0] for r in rows) + "]")}
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
        return Application.model_validate_json(row["json"]) if row else None

    def program_names(self) -> dict[str, str]:
        """Program ids and names, without building the model."""
        return {r["id"]: json.loads(r["json"])["name"] for r in self.conn.execute("SELECT id, json FROM programs ORDER BY id")}

    def person(self, eid: str) -> Person:
        """An evaluator's identity from the panel, without building the model."""
        row = self.conn.execute("SELECT json FROM evaluators WHERE id = ?", (eid,)).fetchone()
        if row is None:
            raise WorkspaceError(f"評価者 {eid} は評価者名簿にありません")
        d = json.loads(row["json"])
        return Person(d["id"], d["name"], d.get("affiliation") or "", d.get("role") or "evaluator", list(d.get("programs") or []))

    def people(self) -> list[Person]:
        return [self.person(r["id"]) for r in self.conn.execute("SELECT id FROM evaluators ORDER BY id")]

    def application_rows(self, program: str) -> list[sqlite3.Row]:
        """Summary columns of the applications (no parsing): for lists and progress."""
        return self.conn.execute(
            "SELECT id, title, applicant, applicant_type, prefecture, bureau, track, model, requested_subsidy_yen"
            " FROM applications WHERE program = ? ORDER BY id", (program,)).fetchall()

    def panel(self) -> Panel:
        from reviewer.domain.model import Evaluator, Panel

        if self._panel is None:
            rows = self.conn.execute("SELECT json FROM evaluators ORDER BY id").fetchall()
            evaluators = [Evaluator.model_validate_json(r["json"]) for r in rows]
            self._panel = Panel.model_construct(evaluators=evaluators, assignments=[])
        return self._panel

    def evaluator(self, eid: str) -> Evaluator:
        ev = self.panel().evaluator(eid)
        if ev is None:
            raise WorkspaceError(f"評価者 {eid} は評価者名簿にありません")
        return ev

    def evaluator_for_os_user(self, user: str) -> Person | None:
        row = self.conn.execute("SELECT id FROM evaluators WHERE os_user = ?", (user,)).fetchone()
        return self.person(row["id"]) if row else None

    # -- assignments -------------------------------------------------------------

    def assignments(self, program: str | None = None, evaluator: str | None = None,
                    active: bool = True) -> list[sqlite3.Row]:
        sql = "SELECT * FROM assignments WHERE active = ?"
        args: list[Any] = [1 if active else 0]
        if program:
            sql += " AND program = ?"
            args.append(program)
        if evaluator:
            sql += " AND evaluator = ?"
            args.append(evaluator)
        return self.conn.execute(sql + " ORDER BY program, application, evaluator", args).fetchall()

    def assignment_mode(self, program: str) -> str:
        """'default' (everyone reviews everything but conflicts) or 'panel' / 'auto'."""
        row = self.conn.execute(
            "SELECT source FROM assignments WHERE program = ? AND source != 'default' LIMIT 1", (program,)).fetchone()
        return row["source"] if row else "default"

    def evaluator_problem(self, evaluator_id: str, program_id: str) -> str | None:
        from reviewer.rules.access import evaluator_problem

        return evaluator_problem(self.panel(), evaluator_id, program_id)

    def assignment_problem(self, evaluator_id: str, app: Application,
                           rows: dict[str, sqlite3.Row] | None = None) -> str | None:
        """Why ``evaluator_id`` may not score ``app`` (None when they may). ``rows``: their
        assignments of the program from ``assignment_rows`` (one query for a whole file)."""
        ev = self.panel().evaluator(evaluator_id)
        if ev is None:
            return f"評価者 {evaluator_id} は評価者名簿にありません"
        if conflict(ev, app):
            return f"評価者 {evaluator_id} は申請 {app.id} と利害関係があります（conflicts）"
        if rows is not None:
            row = rows.get(app.id)
        else:
            row = self.conn.execute(
                "SELECT application, active, withdrawn_reason FROM assignments"
                " WHERE program = ? AND application = ? AND evaluator = ?",
                (app.program, app.id, evaluator_id)).fetchone()
        if row is None:
            return f"申請 {app.id} は評価者 {evaluator_id} に割り当てられていません"
        if not row["active"]:
            return f"申請 {app.id} の割当は取り下げられています（{row['withdrawn_reason']}）"
        return None

    def assignment_rows(self, program: str, evaluator: str) -> dict[str, sqlite3.Row]:
        """The evaluator's assignments in the program (active or withdrawn), by application."""
        return {r["application"]: r for r in self.conn.execute(
            "SELECT application, active, withdrawn_reason FROM assignments WHERE program = ? AND evaluator = ?",
            (program, evaluator))}

    def add_default_assignments(self, program: str) -> int:
        """Without explicit assignments, every evaluator (role evaluator) of the program
        reviews every application but their conflicts. Idempotent; keeps withdrawals."""
        if self.assignment_mode(program) != "default":
            return 0
        apps = self.applications(program)
        added = 0
        for ev in self.panel().evaluators:
            if ev.role != "evaluator" or program not in ev.programs:
                continue
            for app in apps.values():
                if conflict(ev, app):
                    continue
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO assignments(program, application, evaluator, source) VALUES (?,?,?,'default')",
                    (program, app.id, ev.id))
                added += cur.rowcount
        return added

    def assignment_state(self, program: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
        """(pairs with a sheet, which an automatic assignment must keep; withdrawn pairs)."""
        with_sheet = {(r["application"], r["evaluator"]) for r in self.conn.execute(
            "SELECT application, evaluator FROM sheets WHERE program = ?", (program,))}
        withdrawn = {(r["application"], r["evaluator"]) for r in self.conn.execute(
            "SELECT application, evaluator FROM assignments WHERE program = ? AND active = 0", (program,))}
        return with_sheet, withdrawn

    def replace_assignments(self, program: str, pairs: list[tuple[str, str]], actor: str, detail: str) -> None:
        """Replace the program's active assignments that have no sheet by ``pairs`` (source auto)."""
        with self.write():
            before = [(r["application"], r["evaluator"]) for r in self.assignments(program)]
            self.conn.execute(
                "DELETE FROM assignments WHERE program = ? AND active = 1 AND NOT EXISTS"
                " (SELECT 1 FROM sheets s WHERE s.program = assignments.program"
                " AND s.application = assignments.application AND s.evaluator = assignments.evaluator)", (program,))
            self.conn.executemany(
                "INSERT INTO assignments(program, application, evaluator, source) VALUES (?,?,?,'auto')"
                " ON CONFLICT(program, application, evaluator) DO UPDATE SET source = 'auto'",
                [(program, a, e) for a, e in pairs])
            after = [(r["application"], r["evaluator"]) for r in self.assignments(program)]
            self.audit_log(actor, "assign", program, old={"count": len(before)}, new={"count": len(after)},
                           detail=detail)

    def withdraw_assignment(self, program: str, application: str, evaluator: str, reason: str, actor: str) -> None:
        """A declared conflict of interest: the assignment ends and the reason is kept."""
        if not reason.strip():
            raise WorkspaceError("取り下げの理由を書いてください")
        with self.write():
            row = self.conn.execute(
                "SELECT active FROM assignments WHERE program=? AND application=? AND evaluator=?",
                (program, application, evaluator)).fetchone()
            if row is None or not row["active"]:
                raise WorkspaceError(f"申請 {application} は評価者 {evaluator} に割り当てられていません")
            sheet = self._sheet_row(program, application, evaluator)
            if sheet is not None and sheet["status"] == "submitted":
                raise WorkspaceError(f"申請 {application} の採点票は提出済みです。委員長の差し戻し後に取り下げてください")
            if sheet is not None:  # first: an assignment with a sheet cannot end
                self.conn.execute("DELETE FROM sheets WHERE program=? AND application=? AND evaluator=?",
                                  (program, application, evaluator))
            self.conn.execute(
                "UPDATE assignments SET active = 0, withdrawn_reason = ?, withdrawn_at = ?"
                " WHERE program=? AND application=? AND evaluator=?",
                (reason, now(), program, application, evaluator))
            self.audit_log(actor, "conflict-declared", program, application, evaluator,
                           old=dict(SheetRecord.from_row(sheet).content()) if sheet else None, detail=reason)

    # -- sheets -------------------------------------------------------------------

    def _sheet_row(self, program: str, application: str, evaluator: str) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT * FROM sheets WHERE program=? AND application=? AND evaluator=?",
            (program, application, evaluator)).fetchone()

    def sheet(self, program: str, application: str, evaluator: str) -> SheetRecord | None:
        row = self._sheet_row(program, application, evaluator)
        return SheetRecord.from_row(row) if row else None

    def sheets(self, program: str | None = None, evaluator: str | None = None,
               status: str | None = None) -> list[SheetRecord]:
        sql, args = "SELECT * FROM sheets WHERE 1=1", []
        for col, val in (("program", program), ("evaluator", evaluator), ("status", status)):
            if val is not None:
                sql += f" AND {col} = ?"
                args.append(val)
        rows = self.conn.execute(sql + " ORDER BY program, application, evaluator", args).fetchall()
        return [SheetRecord.from_row(r) for r in rows]

    def last_change(self) -> int:
        """The newest audit entry that changed data (not a session, an opened application or
        an export): every change writes one, so an unchanged number means nothing to reload."""
        row = self.conn.execute(
            "SELECT seq FROM audit WHERE action NOT IN (" + ",".join("?" * len(RECORD_ONLY_ACTIONS)) + ")"
            " ORDER BY seq DESC LIMIT 1", RECORD_ONLY_ACTIONS).fetchone()
        return row[0] if row else 0

    def submitted_list(self, program: str) -> list[tuple[str, str, str, str]]:
        """(evaluator, application, applicant, submitted_at) of the program's submitted sheets,
        by application then evaluator: the chair's list, without reading the scores."""
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur.execute(
            "SELECT s.evaluator, s.application, p.applicant, s.submitted_at FROM sheets s"
            " JOIN applications p INDEXED BY applications_summary ON p.program = s.program AND p.id = s.application"
            " WHERE s.program = ? AND s.status = 'submitted' ORDER BY s.application, s.evaluator",
            (program,)).fetchall()

    def submitted_scores(self, program: str, comments: bool = True) -> list[tuple[str, str, dict[str, Any], str]]:
        """(application, evaluator, scores, comment) of the program's submitted sheets: what
        scoring reads, without the rest of each row."""
        col = "comment" if comments else "''"
        rows = self.conn.execute(
            f"SELECT application, evaluator, scores, {col} FROM sheets WHERE program = ? AND status = 'submitted'"
            " ORDER BY application, evaluator", (program,)).fetchall()
        # one parse of all the sheets (json_valid holds for every stored row): half the time
        # of a parse per row
        parsed = json.loads("[" + ",".join(r[2] for r in rows) + "]")
        return [(a, e, sc, c) for (a, e, _, c), sc in zip(rows, parsed)]

    def check_sheet(self, program: str, application: str, evaluator: str, sheet: Sheet) -> list[str]:
        """What stops ``evaluator`` from saving ``sheet`` (empty when it may be saved)."""
        prog = self.program(program)
        app = self.application(program, application)
        if app is None:
            return [f"申請 {application} は事業 {program} にありません"]
        problems = []
        for msg in (self.evaluator_problem(evaluator, program), self.assignment_problem(evaluator, app)):
            if msg:
                return [msg]
        from reviewer.rules.sheets import sheet_problems

        for loc, msg in sheet_problems(sheet, prog, app):
            problems.append(msg)
        return problems

    def save_sheet(self, program: str, application: str, evaluator: str, scores: dict[str, Any],
                   comment: str = "", status: str = "draft", actor: str | None = None,
                   replace: bool = False) -> str:
        """Save one sheet in its own transaction. Returns 'created', 'updated', 'submitted',
        'replaced' or 'unchanged'; raises WorkspaceError for anything not allowed."""
        from reviewer.domain.model import Sheet

        sheet = Sheet.model_validate({"application": application, "status": status, "comment": comment,
                                      "scores": scores})
        problems = self.check_sheet(program, application, evaluator, sheet)
        if problems:
            raise WorkspaceError(*problems)
        with self.write():
            return self._write_sheet(program, sheet, evaluator, actor or current_user(), replace)

    def _write_sheet(self, program: str, sheet: Sheet, evaluator: str, actor: str, replace: bool,
                     detail: str | None = None, row: Any = _UNREAD, batch: _Batch | None = None) -> str:
        """Write an already checked sheet inside the caller's transaction. ``row``: the stored
        sheet as read in this transaction (None: there is none); by default it is read here.
        With ``batch`` the new rows are collected there (the caller flushes them)."""
        application = sheet.application
        new = {"status": sheet.status, "comment": sheet.comment, "scores": sheet.scores}
        if row is _UNREAD:
            row = self._sheet_row(program, application, evaluator)
        old = SheetRecord.from_row(row).content() if row else None
        if old is not None and canonical(old) == canonical(new):
            return "unchanged"
        t = now()
        result = "created"
        if old is not None and old["status"] == "submitted":
            if not replace:
                raise WorkspaceError(
                    f"申請 {application} の評価者 {evaluator} の採点票は提出済みで、内容が異なります"
                    "（上書きするには --replace、または委員長による差し戻しが必要です）"
                )
            self.conn.execute("UPDATE sheets SET status='draft', updated_at=? WHERE program=? AND application=? AND evaluator=?",
                              (t, program, application, evaluator))
            self.audit_log(actor, "sheet-reopen", program, application, evaluator, old=old,
                           new=dict(old, status="draft"), detail=f"replace {detail or ''}".strip(), batch=batch)
            result = "replaced"
        elif old is not None:
            result = "submitted" if new["status"] == "submitted" else "updated"
        elif new["status"] == "submitted":
            result = "submitted"
        submitted_at = t if sheet.status == "submitted" else None
        params = (program, application, evaluator, sheet.status, sheet.comment, canonical(sheet.scores), t, t,
                  submitted_at)
        if batch is not None:
            batch.sheets.append(params)
        else:
            with _withdrawn_meanwhile(f"申請 {application} は評価者 {evaluator} に割り当てられていません"):
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
            existing = {r["application"]: r for r in self.conn.execute(
                "SELECT * FROM sheets WHERE program = ? AND evaluator = ?", (program, evaluator))}
            batch = _Batch([], [])
            for i, sheet in enumerate(sheets):
                try:
                    result = self._write_sheet(program, sheet, evaluator, actor, replace, detail,
                                               row=existing.get(sheet.application), batch=batch)
                except WorkspaceError as e:
                    e.index = i  # type: ignore[attr-defined]
                    raise
                counts[result] = counts.get(result, 0) + 1
            with _withdrawn_meanwhile(f"評価者 {evaluator} の割当のない申請があります"):
                self.conn.executemany(SHEET_UPSERT, batch.sheets)
            self.conn.executemany(AUDIT_INSERT, batch.audit)
        return counts

    def reopen_sheet(self, program: str, application: str, evaluator: str, actor: str, reason: str,
                     chair: str | None = None) -> None:
        """A chair sends a submitted sheet back to draft."""
        if chair is not None and self.evaluator(chair).role != "chair":
            raise WorkspaceError(f"{chair} は委員長（chair）ではありません。差し戻しは委員長だけができます")
        with self.write():
            row = self._sheet_row(program, application, evaluator)
            if row is None or row["status"] != "submitted":
                raise WorkspaceError(f"申請 {application} の評価者 {evaluator} の採点票は提出済みではありません")
            old = SheetRecord.from_row(row).content()
            self.conn.execute(
                "UPDATE sheets SET status='draft', updated_at=?, submitted_at=NULL"
                " WHERE program=? AND application=? AND evaluator=?", (now(), program, application, evaluator))
            self.audit_log(actor, "sheet-reopen", program, application, evaluator, old=old,
                           new=dict(old, status="draft"), detail=reason or None)

    # -- progress ------------------------------------------------------------------

    def progress(self, program: str, kind: str | None = None) -> Progress:
        """Assigned, drafted and submitted sheets of the active assignments, per evaluator and
        per application (the counters the schema's triggers keep); ``kind`` ("evaluator" or
        "application") reads one tally only."""
        tallies: dict[str, dict[str, Counts]] = {"evaluator": {}, "application": {}}
        sql = "SELECT kind, key, assigned, drafted, submitted FROM progress WHERE program = ? AND assigned > 0"
        args: tuple[str, ...] = (program,)
        if kind:
            sql, args = sql + " AND kind = ?", (program, kind)
        for k, key, assigned, drafted, submitted in self.conn.execute(sql + " ORDER BY kind, key", args):
            tallies[k][key] = Counts(assigned, drafted, submitted)
        return Progress(tallies["evaluator"], tallies["application"])

    def application_progress(self, program: str, start: int = 0,
                             stop: int | None = None) -> list[tuple[str, str, str, int, int, int]]:
        """(id, applicant, bureau, assigned, drafted, submitted) of the program's applications,
        the fewest submitted first (then by id), positions ``start`` to ``stop``: the chair's
        list, a page at a time (every application has its counter row)."""
        cur = self.conn.cursor()
        cur.row_factory = None
        count = -1 if stop is None else max(0, stop - start)
        # the window is cut from the counters alone (a bounded sort: no index to keep up on every
        # submission), then joined to the names
        return cur.execute(
            "SELECT g.key, p.applicant, p.bureau, g.assigned, g.drafted, g.submitted FROM"
            " (SELECT key, assigned, drafted, submitted FROM progress"
            "  WHERE program = ? AND kind = 'application' ORDER BY submitted, key LIMIT ? OFFSET ?) g"
            " JOIN applications p INDEXED BY applications_summary ON p.program = ? AND p.id = g.key"
            " ORDER BY g.submitted, g.key", (program, count, max(0, start), program)).fetchall()

    def application_count(self, program: str) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM applications INDEXED BY applications_summary"
                                 " WHERE program = ?", (program,)).fetchone()[0]

    def application_progress_position(self, program: str, application: str) -> int | None:
        """Where ``application`` stands in ``application_progress`` (None when it is not there)."""
        row = self.conn.execute("SELECT submitted FROM progress WHERE program = ? AND kind = 'application' AND key = ?",
                                (program, application)).fetchone()
        if row is None:
            return None
        return self.conn.execute(
            "SELECT COUNT(*) FROM progress WHERE program = ? AND kind = 'application'"
            " AND (submitted < ? OR (submitted = ? AND key < ?))",
            (program, row[0], row[0], application)).fetchone()[0]

    def application_progress_widths(self, program: str) -> tuple[int, int, int, int]:
        """Upper bounds of the list's column widths in terminal cells: id, applicant, bureau
        (two cells a character), and the digits of the largest count."""
        ids, names, bureaus = self.conn.execute(
            "SELECT MAX(LENGTH(id)), MAX(LENGTH(applicant)), MAX(LENGTH(bureau)) FROM applications"
            " INDEXED BY applications_summary WHERE program = ?", (program,)).fetchone()
        most = self.conn.execute("SELECT MAX(assigned) FROM progress WHERE program = ? AND kind = 'application'",
                                 (program,)).fetchone()[0]
        return ids or 0, 2 * (names or 0), 2 * (bureaus or 0), len(str(most or 0))

    def evaluator_queue(self, evaluator: str) -> list[sqlite3.Row]:
        """An evaluator's active assignments with their sheet status and summary columns,
        without reading any other evaluator's sheets."""
        return self.conn.execute(
            "SELECT a.program AS program, a.application AS application, p.title AS title,"
            " p.applicant AS applicant, p.bureau AS bureau, p.prefecture AS prefecture, p.track AS track,"
            " p.model AS model, s.status AS status, s.updated_at AS updated_at"
            " FROM assignments a JOIN applications p ON p.program = a.program AND p.id = a.application"
            " LEFT JOIN sheets s ON s.program = a.program AND s.application = a.application AND s.evaluator = a.evaluator"
            " WHERE a.evaluator = ? AND a.active = 1 ORDER BY a.program, a.application", (evaluator,)).fetchall()

    def record(self, actor: str, action: str, program: str | None = None, application: str | None = None,
               evaluator: str | None = None, detail: str | None = None) -> None:
        """An event worth auditing that changes nothing else (a session, an application opened)."""
        with self.write():
            self.audit_log(actor, action, program, application, evaluator, detail=detail)

    # -- audit -----------------------------------------------------------------------

    def audit(self, program: str | None = None, application: str | None = None,
              evaluator: str | None = None, limit: int | None = None) -> list[sqlite3.Row]:
        sql, args = "SELECT * FROM audit WHERE 1=1", []
        for col, val in (("program", program), ("application", application), ("evaluator", evaluator)):
            if val is not None:
                sql += f" AND {col} = ?"
                args.append(val)
        sql += " ORDER BY seq"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self.conn.execute(sql, args).fetchall()
