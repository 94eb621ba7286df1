"""A one-line progress bar on standard error, for long batch commands."""

from __future__ import annotations

import sys


class ProgressBar:
    """A one-line progress bar on stderr (only on a terminal, unless forced)."""

    def __init__(self, total: int, label: str, enabled: bool):
        self.total, self.label, self.enabled, self.done = total, label, enabled and total > 0, 0

    def clear(self) -> None:
        """Clear the bar's line before other output is printed on the terminal."""
        if self.enabled and self.done < self.total:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    def step(self) -> None:
        self.done += 1
        if self.enabled:
            filled = int(30 * self.done / self.total)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}")
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()
