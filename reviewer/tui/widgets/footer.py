"""The key line, redrawn only when the keys it shows change.

Textual's footer recomposes itself whenever the screen's bindings are refreshed, which happens
at every focus change: moving between scoring items would resend the whole line over SSH for
nothing. This one keeps what it last showed and recomposes only when that differs.

Where the keys do not fit the width with Textual's spacing (two spaces between keys), they are
drawn compact (one space): the chair's ranking has a key more than the other views, and the
line keeps within 80 columns.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.screen import Screen
from textual.widgets import Footer

#: The cells a key takes besides its key and description, spaced: " k desc ".
SPACED = 3


class KeyFooter(Footer):
    _shown: tuple[tuple[str, str, bool], ...] | None = None
    _cells = 0  # the shown keys' cells, spaced

    def _keys(self, screen: Screen[object]) -> tuple[tuple[str, str, bool], ...]:
        return tuple((b.binding.key, b.binding.description, b.enabled)
                     for b in screen.active_bindings.values() if b.binding.show)

    def _spaced_cells(self, screen: Screen[object]) -> int:
        """The cells the keys take with Textual's spacing (a key per action, as the footer shows them)."""
        actions: set[str] = set()
        cells = 0
        for b in screen.active_bindings.values():
            if b.binding.show and b.binding.action not in actions:
                actions.add(b.binding.action)
                cells += cell_len(self.app.get_key_display(b.binding)) + cell_len(b.binding.description) + SPACED
        return cells

    def _fit(self) -> None:
        room = self.size.width or self.app.size.width
        self.compact = self._cells > room

    def bindings_changed(self, screen: Screen[object]) -> None:
        keys = self._keys(screen)
        if keys == self._shown and self._bindings_ready:
            return
        self._shown = keys
        self._cells = self._spaced_cells(screen)
        self._fit()
        super().bindings_changed(screen)

    def on_resize(self) -> None:
        self._fit()
