"""An open connection to a workspace and its write transaction: what every query group shares."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from reviewer.workspace.errors import WorkspaceError

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Panel, Program


#: The database file in a workspace's folder.
DB_NAME = "reviewer.db"

#: SQLite's primary result codes that open and write code tells apart.
SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = 8, 10, 13, 14

#: What a failure of the database file itself means to the user, by SQLite's primary result
#: code (an error of the SQL or a refused constraint is not one of them: it propagates).
CAUSES = {
    3: "アクセスが許可されていません",         # SQLITE_PERM
    5: "ほかの処理がロックしたままです",       # SQLITE_BUSY
    6: "ほかの処理がロックしたままです",       # SQLITE_LOCKED
    8: "読み取り専用です",                     # SQLITE_READONLY
    10: "ディスクの読み書きに失敗しました",    # SQLITE_IOERR
    11: "データベースが壊れています",          # SQLITE_CORRUPT
    13: "ディスクの空きがありません",          # SQLITE_FULL
    14: "ファイルを開けません",                # SQLITE_CANTOPEN
    15: "ロックの手順に失敗しました",          # SQLITE_PROTOCOL
    22: "ファイルが大きすぎます",              # SQLITE_NOLFS
    23: "アクセスが許可されていません",        # SQLITE_AUTH
    26: "データベースのファイルではありません",  # SQLITE_NOTADB
}


def result_code(e: BaseException) -> int:
    """SQLite's primary result code of an error (0 when it has none)."""
    return (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF


def storage_error(e: BaseException) -> sqlite3.Error | None:
    """The failure of the database file behind ``e`` (itself or what it was raised while
    handling, as a failed ROLLBACK after SQLite already rolled back), or None."""
    seen: BaseException | None = e
    while seen is not None:
        if isinstance(seen, sqlite3.Error) and result_code(seen) in CAUSES:
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def database_error(db: Path, e: sqlite3.Error, what: str = "書き込めません") -> WorkspaceError:
    """A failure of the database file, as the user reads it: the file, what failed, why."""
    code = result_code(e)
    cause = CAUSES.get(code) or str(e)
    if code == SQLITE_IOERR and _disk_full(Path(db).parent):
        cause = CAUSES[SQLITE_FULL]  # the shared memory of the WAL could not grow, say
    return WorkspaceError(f"{db}: {what}（{cause}）")


def _disk_full(folder: Path) -> bool:
    """Whether the file system of ``folder`` has (next to) no room left."""
    for where in (folder, *folder.parents):
        try:
            st = os.statvfs(where)
        except (OSError, AttributeError):
            continue
        return st.f_bavail * st.f_frsize < 64 * 1024
    return False


def rollback(conn: sqlite3.Connection) -> None:
    """End a failed transaction if SQLite has not already (a full disk or an I/O error rolls
    it back itself); a rollback that fails too adds nothing to the first error."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


Sync = Literal["FULL", "NORMAL", "OFF"]


@contextmanager
def transaction(conn: sqlite3.Connection, synchronous: Sync = "FULL") -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (BEGIN IMMEDIATE) so that a read-modify-write never
    fails half-way on a lock; rolled back on any failure (``rollback``). ``synchronous``: how its
    commit reaches the disk. FULL (the connections' own) syncs it; NORMAL (a draft's autosave,
    WAL) leaves the sync to the next FULL commit: a crash of the program loses nothing, a power
    loss may lose the last such commits whole, never half of one; OFF, for a workspace being
    built that nobody sees before its final checkpoint syncs it."""
    if synchronous != "FULL":
        conn.execute(f"PRAGMA synchronous = {synchronous}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    finally:
        if synchronous != "FULL":
            conn.execute("PRAGMA synchronous = FULL")


class Connected:
    """A workspace's path and connection, and the per-instance caches of parsed content."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        #: Opened read-only (``Workspace.open(readonly=True)`` on a database it cannot write).
        self.readonly = False
        self._programs: dict[str, Program] | None = None
        self._apps: dict[str, dict[str, Application]] = {}
        self._apps_lean: dict[str, dict[str, Application]] = {}  # without their sections
        self._panel: Panel | None = None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """A short write ``transaction``. A failure of the database file (a full disk, a
        read-only file, an I/O error), at any point up to the COMMIT, rolls back and is a
        ``WorkspaceError`` naming the file and the cause.

        ``durable=False`` (a draft's autosave) commits with synchronous NORMAL: at a hundred
        saves a second every sync otherwise holds the write lock for the others
        (bench/load.py)."""
        try:
            with transaction(self.conn, "FULL" if durable else "NORMAL"):
                yield self.conn
        except BaseException as e:
            failure = None if isinstance(e, WorkspaceError) else storage_error(e)
            if failure is not None:
                raise database_error(self.db_path, failure) from None
            raise

    @property
    def db_path(self) -> Path:
        return Path(self.path) / DB_NAME

    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version`` of this connection: it differs from the last value
        read when another connection has committed a change meanwhile (this one's own commits
        leave it). A few microseconds: a screen may ask every second."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def tuples(self) -> sqlite3.Cursor:
        """A cursor that returns plain tuples (for records built with ``_make``)."""
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur
