"""The terminal app (Textual). Imported only by `reviewer tui` and `reviewer demo`.

Before anything here imports Textual, the process's environment loses every ``TEXTUAL`` and
``TEXTUAL_*`` variable but a valid ``TEXTUAL_COLOR_SYSTEM``. Textual reads them once, when it is
imported, and several of them act on the server: ``TEXTUAL_LOG`` appends to any file,
``TEXTUAL_SCREENSHOT_LOCATION``/``_FILENAME`` write an SVG over any file (the workspace
database), ``TEXTUAL_DRIVER`` imports code, ``TEXTUAL_PRESS`` types keys, ``TEXTUAL_DEVTOOLS_*``
send the screen elsewhere. Over SSH the client chooses them wherever sshd accepts them
(``AcceptEnv``). This module must stay free of Textual and Rich imports.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

#: The values of TEXTUAL_COLOR_SYSTEM Textual (Rich) knows on a terminal; any other is dropped.
COLOR_SYSTEMS = frozenset({"auto", "standard", "256", "truecolor"})


def scrub_environment(environ: MutableMapping[str, str] = os.environ) -> list[str]:
    """Drop Textual's settings from ``environ`` except a known colour system; the names dropped."""
    dropped = []
    for name in list(environ):
        if name != "TEXTUAL" and not name.startswith("TEXTUAL_"):
            continue
        if name == "TEXTUAL_COLOR_SYSTEM" and environ[name] in COLOR_SYSTEMS:
            continue
        del environ[name]
        dropped.append(name)
    return dropped


#: True when Textual was loaded before this package (a host such as the test runner, which
#: keeps its own settings): too late to scrub, so ``reviewer.tui.app.run`` refuses to start.
TEXTUAL_LOADED_FIRST = "textual" in sys.modules
if not TEXTUAL_LOADED_FIRST:
    scrub_environment()
