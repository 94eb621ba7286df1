"""Who and when: the time stamp and the login name every stored change carries.

Every module calls ``clock.now()`` through this module, so a test can fix the clock in one
place.
"""

from __future__ import annotations

import getpass
import os
from datetime import datetime, timezone


def now() -> str:
    """The current time in UTC, ISO 8601 to the millisecond (how the workspace stores time)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def current_user() -> str:
    """The login name of this process (``uid:N`` where there is none)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"
