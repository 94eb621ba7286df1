"""Opening a workspace for a face: the handle every use case takes (the faces hold it, never
look inside it)."""

from __future__ import annotations

from pathlib import Path

from reviewer.workspace import Workspace
from reviewer.workspace.clock import current_user


def open_workspace_at(path: Path, readonly: bool = False) -> Workspace:
    """An open workspace (WorkspaceError where there is none or it cannot be opened). With
    ``readonly``, one that cannot be written opens read-only instead of being refused."""
    return Workspace.open(Path(path), readonly=readonly)


__all__ = ["Workspace", "current_user", "open_workspace_at"]
