"""Textual's Linux driver, except that a terminal that is gone ends the app.

When an SSH connection drops, the app normally gets SIGHUP and saves what is typed first
(``ReviewerApp.hang_up``). When the signal does not come (sshd killed outright, a pty torn
down), reading the terminal returns end-of-file at once, for ever: Textual's input thread
then spins on it at full CPU with nobody at the other end. Here end-of-file is the hangup:
what is typed is saved and the app exits.

The loop is Textual's ``LinuxDriver.run_input_thread`` (textual is pinned exactly) with that
one change; ``tests/test_terminal_gone.py`` runs it on a real pseudo-terminal.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Callable

from textual._loop import loop_last
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class HangupDriver(LinuxDriver):
    def _terminal_gone(self) -> None:
        hang_up: Callable[[], None] | None = getattr(self._app, "hang_up", None)
        if hang_up is not None:
            self._loop.call_soon_threadsafe(hang_up)
        else:
            self._loop.call_soon_threadsafe(self._app.exit)

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events; end-of-file ends the app."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        gone = False

        def process(selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> bool:
            for last, (_key, mask) in loop_last(selector_events):
                if mask & selectors.EVENT_READ:
                    try:
                        data = os.read(self.fileno, 1024 * 4)
                    except OSError:  # EIO: the other side of the pty is closed
                        data = b""
                    if not data:
                        return False
                    for event in parser.feed(decode(data, final=final and last)):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)
            return True

        try:
            while not self.exit_event.is_set():
                if not process(selector.select(0.1)):
                    gone = True
                    break
            if not gone:
                selector.unregister(self.fileno)
                process(selector.select(0.1), final=True)
        finally:
            selector.close()
        if gone:
            self._terminal_gone()
