"""The workspace's export folder: where workbooks go unless another file is named, and the
only folder a chair's download key reads (``services.download``)."""

from __future__ import annotations

from pathlib import Path

from reviewer.workspace.base import DB_NAME
from reviewer.workspace.errors import WorkspaceError
from reviewer.workspace.schema import os_error

#: The export folder's name inside the workspace's folder.
EXPORTS_NAME = "exports"


def exports_folder(workspace: Path) -> Path:
    """The workspace's export folder (absolute; it may not exist yet)."""
    return Path(workspace).resolve() / EXPORTS_NAME


def make_exports_folder(workspace: Path) -> Path:
    """The workspace's export folder, made (0700) where missing; a folder that is no workspace
    is refused."""
    if not (Path(workspace) / DB_NAME).is_file():
        raise WorkspaceError(f"{workspace}: ワークスペースではありません（{DB_NAME} がありません）")
    folder = exports_folder(workspace)
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as e:
        raise os_error(folder, e, "書き出し用のフォルダを作れません") from None
    if not folder.is_dir() or folder.is_symlink():
        raise WorkspaceError(f"{folder}: 書き出し用のフォルダではありません（フォルダでないか、リンクです）")
    return folder
