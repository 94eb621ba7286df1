"""One correction to Textual's compositor (textual is pinned exactly; the byte test in
``tests/test_terminal_bytes.py`` watches it).

Scrolling reflows only the visible widgets and repaints those whose place changed, compared
with the visible map of the last frame. But whenever the full map has been rebuilt in between
(which happens at every focus change: finding the focused widget to scroll it into view reads
the full map), that visible map is dropped, nothing compares as unchanged and the whole screen
is repainted: 5–15 KB over SSH for one item's move. The full map is then exactly the last
frame's geometry, so it serves as the old map instead.
"""

from __future__ import annotations

from textual._compositor import Compositor
from textual.geometry import Size
from textual.widget import Widget

_reflow_visible = Compositor.reflow_visible


def _reflow_visible_against_last_frame(self: Compositor, parent: Widget, size: Size) -> set[Widget]:
    if self._visible_map is None and not self._full_map_invalidated and self._full_map and size == self.size:
        self._visible_map = self._full_map
    return _reflow_visible(self, parent, size)


def install() -> None:
    Compositor.reflow_visible = _reflow_visible_against_last_frame  # type: ignore[method-assign]
