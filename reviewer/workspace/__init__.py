"""The workspace package: the SQLite file many evaluators share, and the only owner of its SQL."""

from reviewer.workspace.errors import InitError, WorkspaceError
from reviewer.workspace.schema import DB_NAME, SCHEMA_VERSION
from reviewer.workspace.workspace import Workspace

__all__ = ["DB_NAME", "SCHEMA_VERSION", "InitError", "Workspace", "WorkspaceError"]
