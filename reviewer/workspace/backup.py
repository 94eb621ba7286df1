"""SQLite's online backup of a workspace's database into a new file (``services.backup`` decides
where it goes and names it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reviewer.workspace.errors import WorkspaceError


def copy_database(source: sqlite3.Connection, db: Path, tmp: Path) -> None:
    """SQLite's online backup of the database ``db`` open as ``source`` into the (empty) file
    ``tmp``, in one step, checked, and made a single file (journal mode DELETE)."""
    try:
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE").fetchone()
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        finally:
            copy.close()
    except sqlite3.Error as e:
        raise WorkspaceError(f"{db}: バックアップに失敗しました（{e}）") from None
    if problems != ["ok"]:
        raise WorkspaceError(f"{tmp}: バックアップの検査（integrity_check）に失敗しました: " + "; ".join(problems[:5]))
