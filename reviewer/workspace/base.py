"""An open connection to a workspace and its write transaction: what every query group shares."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Panel, Program


class Connected:
    """A workspace's path and connection, and the per-instance caches of parsed content."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
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

    def tuples(self) -> sqlite3.Cursor:
        """A cursor that returns plain tuples (for records built with ``_make``)."""
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur
