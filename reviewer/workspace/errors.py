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


def finalized_message(program: str) -> str:
    """Why a write to a finalized program is refused (SPEC §6.7), as every front end says it."""
    return (f"事業 {program} の評価結果は確定済みのため変更できません"
            "（変更するには委員長が reviewer reopen-result で理由を付けて確定を解除してください）")
