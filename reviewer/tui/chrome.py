"""The app's own chrome stays clear of East Asian ambiguous-width symbols (box drawing, block
elements, arrows, circles): Japanese terminals often draw them two cells wide, which breaks
alignment. Borders are ASCII or absent, scrollbars are plain cells, key names are spelled out.
Untrusted text is shown as data: never parsed as markup, control characters removed.
"""

from __future__ import annotations

import gc
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from rich.text import Text
from textual.scrollbar import ScrollBar, ScrollBarRender

from reviewer.present.text import UNSHOWN


class PlainScrollBarRender(ScrollBarRender):
    """Scrollbars drawn with spaces only (the default uses block elements for smooth ends)."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


def install() -> None:
    from reviewer.tui import patches

    ScrollBar.renderer = PlainScrollBarRender
    patches.install()


KEY_NAMES = {
    "up": "Up", "down": "Down", "left": "Left", "right": "Right", "enter": "Enter", "escape": "Esc",
    "tab": "Tab", "shift+tab": "S-Tab", "space": "Space", "slash": "/", "question_mark": "?",
    "delete": "Del", "backspace": "BS", "pageup": "PgUp", "pagedown": "PgDn",
}


def key_display(key: str) -> str:
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "C-" + key_display(key[5:])
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    return key


def clean_line(text: str) -> str:
    """Drop control and format characters (ESC, bidi overrides, zero-width) from one line."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == "\t":
            out.append("    ")
        elif cat in UNSHOWN or cat == "Co":  # what a terminal acts on, and private-use glyphs
            continue
        else:
            out.append(ch)
    return "".join(out)


MAX_LINE = 2_000


def safe(text: str | None, multiline: bool = False, style: str = "") -> Text:
    """Untrusted text as a Rich Text: literal (no markup), no control characters, long lines cut."""
    text = text or ""
    if multiline:
        lines = [clean_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        lines = [line if len(line) <= MAX_LINE else line[:MAX_LINE] + " ..." for line in lines]
        return Text("\n".join(lines), style=style)
    line = clean_line(" ".join(text.split("\n")))
    if len(line) > MAX_LINE:
        line = line[:MAX_LINE] + " ..."
    return Text(line, style=style)


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic collector off while a list of 20,000 rows is built (the ranking at national
    scale): it would walk the new rows again and again; they hold no cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
