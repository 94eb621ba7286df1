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

import errno
import os
import shutil
import sqlite3
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from reviewer.workspace.base import DB_NAME, database_error, rollback, storage_error
from reviewer.workspace.errors import WorkspaceError
from reviewer.workspace.migrations import MIGRATIONS

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: leftovers of killed builds stay
    fcntl = None  # type: ignore[assignment]

__all__ = ["BUSY_TIMEOUT_MS", "DB_NAME", "SCHEMA_VERSION", "building", "connect", "migrate"]

BUSY_TIMEOUT_MS = 60_000

SCHEMA_VERSION = max(MIGRATIONS)

#: A build folder (``.NAME.*.init``) untouched this long, whose builder holds no lock on it,
#: is the leftover of a killed build.
STALE_BUILD_SECONDS = 600

#: What a build folder may hold: the database and its sidecars, nothing else.
BUILD_FILES = frozenset({DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", DB_NAME + "-journal"})

#: What an error of the file system means to the user (otherwise its own words).
OS_CAUSES = {errno.ENOSPC: "ディスクの空きがありません", errno.EDQUOT: "ディスクの割り当てを超えました",
             errno.EROFS: "読み取り専用です", errno.EACCES: "アクセスが許可されていません",
             errno.EPERM: "アクセスが許可されていません", errno.EIO: "ディスクの読み書きに失敗しました"}


def connect(db_path: Path, readonly: bool = False, immutable: bool = False) -> sqlite3.Connection:
    """A connection to a workspace's database. ``readonly``: opened read-only (``mode=ro``),
    for a database the caller cannot write; ``immutable``: read as a file nobody changes,
    without the WAL's shared memory (a read-only folder without a -wal file)."""
    target: str | Path = db_path
    if readonly or immutable:
        target = Path(db_path).absolute().as_uri() + "?mode=ro" + ("&immutable=1" if immutable else "")
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False, uri=readonly or immutable)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if readonly or immutable:
            conn.execute("PRAGMA query_only = ON")
        else:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def os_error(path: Path, e: OSError, what: str) -> WorkspaceError:
    """A failure of the file system, as the user reads it."""
    cause = OS_CAUSES.get(e.errno or 0) or e.strerror or str(e)
    return WorkspaceError(f"{path}: {what}（{cause}）")


@contextmanager
def building(path: Path, suffix: str) -> Iterator[sqlite3.Connection]:
    """A new workspace, built in a private temporary folder beside ``path`` (0700, database
    0600) and renamed into place only when the body returns: a failed build leaves nothing.
    ``path`` must not exist or be an empty folder (callers check, with their own message).
    The builder holds a lock on its folder; leftovers of killed builds (unlocked, untouched
    for ``STALE_BUILD_SECONDS``, holding only a database) are removed first. A failure of
    the disk is a ``WorkspaceError`` naming the workspace and the cause."""
    path = Path(path)
    parent = path.resolve().parent
    db_name = path / DB_NAME
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_stale_builds(parent, path.name, suffix)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=suffix, dir=parent))
    except OSError as e:
        raise os_error(path, e, "作成できません") from None
    lock = conn = None
    try:
        lock = _lock(tmp)
        os.chmod(tmp, 0o700)
        db = tmp / DB_NAME
        conn = connect(db)
        os.chmod(db, 0o600)
        migrate(conn, db_name)
        yield conn
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        conn = None
        _finish(tmp, path)
    except BaseException as e:
        if conn is not None:
            rollback(conn)
            conn.close()
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, WorkspaceError):
            raise
        failure = storage_error(e)
        if failure is not None:
            raise database_error(db_name, failure, "作成できません") from None
        if isinstance(e, OSError):
            raise os_error(path, e, "作成できません") from None
        raise
    finally:
        if lock is not None:
            os.close(lock)


def _finish(tmp: Path, path: Path) -> None:
    """The built folder's sidecars private, and the folder renamed into place."""
    for leftover in ("-wal", "-shm"):
        sidecar = tmp / (DB_NAME + leftover)
        if sidecar.exists():
            os.chmod(sidecar, 0o600)
    if path.exists():
        path.rmdir()  # empty, checked by the caller
    os.replace(tmp, path)


def _lock(folder: Path) -> int | None:
    """An exclusive lock on a build folder, held (by its open descriptor) while the build
    runs and released by the system when the builder dies; None where there is no flock."""
    if fcntl is None:  # pragma: no cover
        return None
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


def remove_stale_builds(parent: Path, name: str, suffix: str) -> list[Path]:
    """Remove the leftovers of killed builds of ``name`` in ``parent``: folders
    ``.NAME.*SUFFIX`` of this user, holding nothing but a database and its sidecars, untouched
    for ``STALE_BUILD_SECONDS`` and locked by no running builder. Returns those removed;
    anything else is left as it is."""
    removed: list[Path] = []
    if fcntl is None:  # pragma: no cover
        return removed
    prefix = f".{name}."
    try:
        with os.scandir(parent) as entries:
            candidates = [Path(e.path) for e in entries if e.name.startswith(prefix) and e.name.endswith(suffix)
                          and len(e.name) > len(prefix + suffix)]
    except OSError:  # a folder one may write but not list: nothing to tidy
        return removed
    for folder in candidates:
        with suppress(OSError):
            if _remove_if_stale(folder):
                removed.append(folder)
    return removed


def _remove_if_stale(folder: Path) -> bool:
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "geteuid") and st.st_uid != os.geteuid()):
        return False
    files = []
    newest = st.st_mtime
    for entry in os.scandir(folder):
        est = entry.stat(follow_symlinks=False)
        if entry.name not in BUILD_FILES or not stat.S_ISREG(est.st_mode):
            return False
        files.append(Path(entry.path))
        newest = max(newest, est.st_mtime)
    if time.time() - newest < STALE_BUILD_SECONDS:
        return False
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a running builder holds it: not stale
        for f in files:
            f.unlink()
        folder.rmdir()
    finally:
        os.close(fd)
    return True


def migrate(conn: sqlite3.Connection, db: Path | None = None) -> None:
    """Bring the database to ``SCHEMA_VERSION`` in one transaction (``db``: the file named in
    a message; by default the connection's own)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"このワークスペースは新しい版の reviewer で作られています（形式 {version}、この版は {SCHEMA_VERSION} まで）"
        )
    if version == SCHEMA_VERSION:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for v in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _statements(MIGRATIONS[v]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {v}")
        conn.execute("COMMIT")
    except BaseException as e:
        rollback(conn)
        failure = storage_error(e)
        if failure is not None:
            where = db or Path(next(r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"))
            raise database_error(where, failure, f"形式 {SCHEMA_VERSION} に更新できません") from None
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
