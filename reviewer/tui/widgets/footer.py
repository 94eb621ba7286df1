"""The key line, redrawn only when the keys it shows change.

Textual's footer recomposes itself whenever the screen's bindings are refreshed, which happens
at every focus change: moving between scoring items would resend the whole line over SSH for
nothing. This one keeps what it last showed and recomposes only when that differs.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    _shown: tuple[tuple[str, str, bool], ...] | None = None

    def _keys(self, screen: Screen[object]) -> tuple[tuple[str, str, bool], ...]:
        return tuple((b.binding.key, b.binding.description, b.enabled)
                     for b in screen.active_bindings.values() if b.binding.show)

    def bindings_changed(self, screen: Screen[object]) -> None:
        keys = self._keys(screen)
        if keys == self._shown and self._bindings_ready:
            return
        self._shown = keys
        super().bindings_changed(screen)
