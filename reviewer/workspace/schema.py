"""The workspace's SQL schema: one SQLite file, its migrations and how it is opened.

- WAL mode, a busy timeout and short ``BEGIN IMMEDIATE`` write transactions, so concurrent
  evaluators never see "database is locked"; foreign keys on; full sync.
- ``PRAGMA user_version`` is the schema version; ``MIGRATIONS`` moves older files forward and
  are frozen text once released (a change is a new migration).
- A submitted sheet is read-only (triggers refuse changes) until a chair reopens it; the
  ``audit`` log is append-only (triggers refuse UPDATE and DELETE); progress counters are kept
  by triggers in the same transaction as the change.

Only the ``reviewer.workspace`` package writes SQL.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reviewer.workspace.errors import WorkspaceError
from reviewer.workspace.migrations import MIGRATIONS

DB_NAME = "reviewer.db"
BUSY_TIMEOUT_MS = 60_000

SCHEMA_VERSION = max(MIGRATIONS)


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
