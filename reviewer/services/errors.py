"""The errors the services raise for problems a user can fix (the faces catch these)."""

from reviewer.workspace.errors import InitError, WorkspaceError

__all__ = ["InitError", "WorkspaceError"]
