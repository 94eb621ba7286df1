"""``reviewer validate``: files of any kind read and checked against each other, over the
shipped criteria (a criteria file given with the same id takes their place)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reviewer.files.load import Bundle, load_paths


class BrokenInstallation(Exception):
    """The shipped criteria do not load: the installation is broken, not the user's input."""

    def __init__(self, problems: Sequence[object]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def validate(paths: list[Path], criteria: list[Path], shipped: bool = True) -> Bundle:
    base = {}
    if shipped:
        from reviewer.shipped import criteria_dir

        installed = load_paths([criteria_dir()])
        if installed.problems:
            raise BrokenInstallation(installed.problems)
        base = installed.programs
    return load_paths(list(criteria) + list(paths), base_programs=base)
