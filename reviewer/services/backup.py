"""A copy of a workspace's database while evaluators keep working: SQLite's online backup.

``backup_workspace`` reads the database through SQLite (never the file's bytes: a copy of the
file beside a live WAL can miss committed changes or be torn), in one step, so the copy is the
state at one moment; in WAL mode the writers are not held up meanwhile. The copy is written to a
new private file beside the target (0600), checked with ``PRAGMA integrity_check``, made a
single self-contained file (journal mode DELETE: no -wal file beside it) and renamed into place.
An existing file is never overwritten; a folder as the target gets a new file named in Japan
time. A target inside the workspace's folder is refused (a backup must survive the folder).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from reviewer.present.text import JST
from reviewer.services.errors import WorkspaceError
from reviewer.workspace import DB_NAME, Workspace, clock
from reviewer.workspace.backup import copy_database

#: The file name a backup gets in a target folder: the database's stem and the time (JST).
NAME_FORMAT = Path(DB_NAME).stem + "-%Y%m%d-%H%M%S.sqlite"


def backup_name(now: datetime | None = None) -> str:
    """The name of a backup made at ``now`` (default: the clock), in Japan time."""
    when = now or datetime.fromisoformat(clock.now())
    return when.astimezone(JST).strftime(NAME_FORMAT)


def backup_workspace(workspace: Path, target: Path) -> Path:
    """Copy the database of ``workspace`` to ``target`` (a new file, or a folder to put a
    new, time-named file in) and return the copy's path. WorkspaceError, in the user's words,
    when the workspace is missing or not this account's, the target is inside the workspace,
    exists, or its folder is missing, or the copy fails its check."""
    workspace, target = Path(workspace), Path(target)
    destination = _destination(workspace, target)
    tmp = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as e:
        raise WorkspaceError(f"{destination.parent}: バックアップを書けません（{e.strerror or e}）") from None
    os.close(fd)
    try:
        with Workspace.open(workspace, readonly=True) as ws:  # this account's, at the current schema
            copy_database(ws.conn, ws.db_path, tmp)
        os.chmod(tmp, 0o600)
        _rename_new(tmp, destination)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return destination


def _destination(workspace: Path, target: Path) -> Path:
    """Where the copy goes (checked: outside the workspace, new, in an existing folder)."""
    if not (workspace / DB_NAME).is_file():
        raise WorkspaceError(f"{workspace}: ワークスペースではありません（{DB_NAME} がありません）")
    folder = workspace.resolve()
    where = target.resolve()
    if where == folder or folder in where.parents:
        raise WorkspaceError(f"{target}: ワークスペースのフォルダの中にはバックアップを作れません"
                             f"（{workspace} の外のフォルダかファイルを指定してください）")
    destination = target / backup_name() if target.is_dir() else target
    if destination.exists() or destination.is_symlink():
        raise WorkspaceError(f"{destination}: すでにあります（バックアップはファイルを上書きしません。"
                             "別の名前かフォルダを指定してください）")
    if not destination.parent.is_dir():
        raise WorkspaceError(f"{destination.parent}: フォルダがありません")
    return destination


def _rename_new(tmp: Path, destination: Path) -> None:
    """Move ``tmp`` to ``destination`` unless a file appeared there meanwhile (a hard link
    fails on an existing name; where links are not supported, a checked rename)."""
    try:
        os.link(tmp, destination)
    except FileExistsError:
        raise WorkspaceError(f"{destination}: すでにあります（バックアップはファイルを上書きしません）") from None
    except OSError:
        if destination.exists():
            raise WorkspaceError(f"{destination}: すでにあります（バックアップはファイルを上書きしません）") from None
        os.replace(tmp, destination)
        return
    tmp.unlink()
