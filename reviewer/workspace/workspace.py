"""The workspace: one SQLite database that many evaluators use at once, and the only owner of
its SQL. ``Workspace`` is composed of query groups, one module each:

- ``schema``: tables, triggers, migrations, connections, building a new workspace;
- ``content``: programs, applications and the panel (stored with their text and hash: editing a
  file later never silently changes a running review);
- ``assignments``, ``sheets``, ``progress``, ``audit``: who scores what, the score sheets, the
  counters, the append-only log;
- ``review``: the hearing's shortlist, additional materials, opinions, decisions and the result
  state (SPEC §6.4, §6.7);
- ``bulk``: the writers that ``init`` and ``synth`` share;
- ``records``: the typed records the queries return (never an SQL row).

No rules live here beyond integrity: what a sheet may hold is ``reviewer.rules.sheets``, who may
write it ``reviewer.rules.access``, and the use cases that combine them ``reviewer.services``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from reviewer.workspace.base import SQLITE_CANTOPEN, SQLITE_READONLY, database_error, result_code
from reviewer.workspace.errors import WorkspaceError
from reviewer.workspace.review import ReviewQueries
from reviewer.workspace.schema import DB_NAME, connect, migrate


class Workspace(ReviewQueries):
    """An open workspace. Cheap to open; content is read lazily and cached per instance."""

    @classmethod
    def open(cls, path: Path, readonly: bool = False) -> Workspace:
        """Open the workspace at ``path``. ``readonly``: the caller only reads, so a database
        it cannot write (a read-only file or folder, a copy on read-only media) is opened
        read-only (``ws.readonly``) instead of refused."""
        db = Path(path) / DB_NAME
        if not db.is_file():
            raise WorkspaceError(f"{path}: ワークスペースではありません"
                                 f"（{DB_NAME} がありません。reviewer init で作成してください）")
        if hasattr(os, "geteuid") and db.stat().st_uid != os.geteuid():
            # One service account owns the workspace; every evaluator reaches it through that
            # account's forced command, so their identity is whatever that command fixed.
            raise WorkspaceError(f"{path}: このワークスペースは所有者のアカウントでだけ開けます")
        writable = _writable(db)
        try:
            conn = _connected(db) if writable or not readonly else None
        except WorkspaceError:
            if not readonly:
                raise
            conn = None  # a full disk, say, that a reader need not write to
        if conn is None:
            conn = _connected(db, readonly=True)
            writable = False
        ws = cls(Path(path), conn)
        ws.readonly = not writable
        return ws

    def __enter__(self) -> Workspace:
        return self


def _connected(db: Path, readonly: bool = False) -> sqlite3.Connection:
    """A connection to ``db`` at the current schema; a failure of the file is a
    ``WorkspaceError`` naming it and the cause."""
    conn = None
    try:
        conn = _read_only(db) if readonly else connect(db)
        migrate(conn, db)
        return conn
    except BaseException as e:
        if conn is not None:
            conn.close()
        if not isinstance(e, sqlite3.DatabaseError):
            raise
        if not readonly and result_code(e) in (SQLITE_READONLY, SQLITE_CANTOPEN) and not _writable(db):
            raise WorkspaceError(f"{db}: 書き込めません（読み取り専用です）") from None
        raise database_error(db, e, "データベースを開けません") from None


def _writable(db: Path) -> bool:
    return os.access(db, os.W_OK) and os.access(db.parent, os.W_OK)


def _read_only(db: Path) -> sqlite3.Connection:
    """A read-only connection: through the WAL where SQLite can read it (a -wal file exists
    or the folder takes the shared memory), else, in a read-only folder without a -wal file
    (so every change is in the database file), the file read as immutable."""
    conn = connect(db, readonly=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as e:
        conn.close()
        wal = db.with_name(db.name + "-wal")
        if result_code(e) != SQLITE_CANTOPEN or (wal.exists() and wal.stat().st_size):
            raise
    return connect(db, readonly=True, immutable=True)
