"""Writing a file that holds names and scores: privately and whole.

The content goes into a new file of a random name beside the target (``mkstemp``: O_EXCL,
mode 0600, so no name another local user could plant a link at is ever opened), is synced,
and is renamed onto the target; a failure removes it and leaves the target as it was.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def private_file(path: Path, mode: str = "wb", **open_args: Any) -> Iterator[tuple[IO[Any], Path]]:
    """(an open handle, its temporary path) to write ``path`` through; renamed onto ``path``
    when the block ends without an exception. OSError where it cannot be written."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp: Path | None = Path(name)
    try:
        with os.fdopen(fd, mode, **open_args) as handle:
            yield handle, Path(name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(name, path)
        tmp = None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def unused_path(folder: Path, stem: str, suffix: str, reserve: bool = False) -> Path:
    """``folder/stem+suffix``, or ``stem-2``, ``stem-3``, ... where that name is taken: a name
    no file has. With ``reserve`` the file is made there and then (empty, 0600, O_EXCL), so no
    other writer takes the name before this one replaces it with its content."""
    for n in itertools.count(1):
        path = Path(folder) / f"{stem}{'' if n == 1 else f'-{n}'}{suffix}"
        if not reserve:
            if not os.path.lexists(path):
                return path
            continue
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600))
        except FileExistsError:
            continue
        return path
    raise AssertionError("unreachable")  # pragma: no cover - itertools.count never ends
