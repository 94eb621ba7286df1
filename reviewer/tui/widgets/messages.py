"""The message line: what the app tells the user, in the layout instead of over it.

Textual's toasts are drawn over the screen and cut the text under them (and, at a pane's edge,
the toast's own wide characters). Here a message takes a line of its own above the footer,
stays until the next key (so nothing repaints while the user reads, and an idle screen sends
nothing over SSH) and is gone from the layout when there is none.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reviewer.tui.chrome import safe

#: How a severity is spelled out (readable without colour).
SEVERITY_PREFIX = {"information": "", "warning": "注意: ", "error": "エラー: "}
ORDER = {"information": 0, "warning": 1, "error": 2}


class MessageLine(Static):
    DEFAULT_CSS = """
    MessageLine { height: auto; max-height: 6; padding: 0 1; background: $panel; display: none; }
    MessageLine.-shown { display: block; }
    MessageLine.-warning { background: $warning 30%; }
    MessageLine.-error { background: $error 40%; text-style: bold; }
    """

    def __init__(self) -> None:
        super().__init__("", id="messages", markup=False)
        #: (title, message, severity) told since the last key
        self.messages: list[tuple[str, str, str]] = []

    @property
    def text(self) -> str:
        return "\n".join(SEVERITY_PREFIX.get(v, "") + (f"{t}: " if t else "") + m for t, m, v in self.messages)

    def tell(self, message: str, title: str = "", severity: str = "information") -> None:
        """Add ``message`` to what is shown (untrusted parts in it are shown literally)."""
        self.messages.append((title, message, severity))
        body = Text()
        for i, (t, m, v) in enumerate(self.messages[-6:]):
            if i:
                body.append("\n")
            body.append(SEVERITY_PREFIX.get(v, "") + (f"{t}: " if t else ""), style="bold")
            body.append_text(safe(m, multiline=True))
        worst = max((v for _, _, v in self.messages), key=lambda v: ORDER.get(v, 0))
        self.set_classes(["-shown", f"-{worst}"])
        self.update(body)

    def clear(self) -> None:
        if self.messages:
            self.messages = []
            self.set_classes([])
            self.update("")
