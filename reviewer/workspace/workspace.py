"""The workspace: one SQLite database that many evaluators use at once, and the only owner of
its SQL. ``Workspace`` is composed of query groups, one module each:

- ``schema``: tables, triggers, migrations, connections, building a new workspace;
- ``content``: programs, applications and the panel (stored with their text and hash: editing a
  file later never silently changes a running review);
- ``assignments``, ``sheets``, ``progress``, ``audit``: who scores what, the score sheets, the
  counters, the append-only log;
- ``bulk``: the writers that ``init`` and ``synth`` share;
- ``records``: the typed records the queries return (never an SQL row).

No rules live here beyond integrity: what a sheet may hold is ``reviewer.rules.sheets``, who may
write it ``reviewer.rules.access``, and the use cases that combine them ``reviewer.services``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from reviewer.workspace.errors import WorkspaceError
from reviewer.workspace.progress import ProgressQueries
from reviewer.workspace.schema import DB_NAME, connect, migrate


class Workspace(ProgressQueries):
    """An open workspace. Cheap to open; content is read lazily and cached per instance."""

    @classmethod
    def open(cls, path: Path) -> Workspace:
        db = Path(path) / DB_NAME
        if not db.is_file():
            raise WorkspaceError(f"{path}: ワークスペースではありません"
                                 f"（{DB_NAME} がありません。reviewer init で作成してください）")
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

    def __enter__(self) -> Workspace:
        return self
