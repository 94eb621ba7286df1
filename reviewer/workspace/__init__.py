"""The workspace package: the SQLite file many evaluators share, and the only owner of its SQL."""

from reviewer.workspace.errors import InitError, WorkspaceError
from reviewer.workspace.exports import EXPORTS_NAME, exports_folder, make_exports_folder
from reviewer.workspace.schema import DB_NAME, SCHEMA_VERSION
from reviewer.workspace.workspace import Workspace

__all__ = ["DB_NAME", "EXPORTS_NAME", "SCHEMA_VERSION", "InitError", "Workspace", "WorkspaceError", "exports_folder",
           "make_exports_folder"]
