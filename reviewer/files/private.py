"""Writing a file that holds names and scores: privately and whole.

The content goes into a new file of a random name beside the target (``mkstemp``: O_EXCL,
mode 0600, so no name another local user could plant a link at is ever opened), is synced,
and is renamed onto the target; a failure removes it and leaves the target as it was.
"""

from __future__ import annotations

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
