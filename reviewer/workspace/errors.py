"""The workspace's errors: problems a user can fix, said in Japanese, one per line."""

from __future__ import annotations

from typing import Any


class WorkspaceError(Exception):
    """A problem the user can fix; ``messages`` are shown one per line. ``index``: the
    position of the refused sheet in a score file (when one was refused)."""

    def __init__(self, *messages: str, index: int | None = None):
        super().__init__("\n".join(messages))
        self.messages = list(messages)
        self.index = index


class InitError(Exception):
    """Inputs that stop ``reviewer init``: the same problems ``validate`` reports."""

    def __init__(self, problems: list[Any]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
