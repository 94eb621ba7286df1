"""What every loader reports instead of raising: a ``Problem``.

One problem with one input file, named by path, line (when known) and field, with a
Japanese message; printed as ``path:line: field: message``. Sorting orders problems by
file, then line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem with one input: where it is and what is wrong, in Japanese."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
