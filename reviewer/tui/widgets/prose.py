"""A few paragraphs of Japanese, wrapped by the app's own rules (禁則, hanging indents) to the
widget's width: the description of the item being scored, beside the form.

Content is a list of parts: ``Para(text, style)`` a paragraph (untrusted text is cleaned here
and never read as markup), ``Choices(entries, chosen)`` a row of short entries (the meaning of
each score) that wraps between entries only, with the chosen one shown reversed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from reviewer.present.text import clean, clean_lines, width, wrap, wrap_text


@dataclass(frozen=True)
class Para:
    text: str
    style: str = ""


@dataclass(frozen=True)
class Choices:
    entries: tuple[tuple[object, str], ...]
    chosen: object = None


Part = Para | Choices


def _choice_lines(part: Choices, cells: int) -> list[list[tuple[str, str]]]:
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    for value, label in part.entries:
        style = "reverse bold" if value == part.chosen else ""
        label = clean(label)
        w = width(label) + 2
        if w > cells:  # an entry wider than the line: wrapped on lines of its own
            if used:
                lines.append([])
            for piece in wrap(label, cells - 2, hanging=0):
                lines[-1].append((f" {piece} ", style))
                lines.append([])
            used = 0
            continue
        if used and used + w > cells:
            lines.append([])
            used = 0
        lines[-1].append((f" {label} ", style))
        used += w
    return [line for line in lines if line]


def lay_out(parts: list[Part], cells: int) -> Text:
    """The parts as lines of at most ``cells`` cells (no further wrapping needed)."""
    cells = max(cells, 4)
    out = Text(no_wrap=True, overflow="crop", end="")
    first = True
    for part in parts:
        if isinstance(part, Para):
            rows = [[(line, part.style)] for line in wrap_text(clean_lines(part.text), cells)]
        else:
            rows = _choice_lines(part, cells)
        for row in rows:
            if not first:
                out.append("\n")
            first = False
            for text, style in row:
                out.append(text, style=style)
    return out


#: Cells of margin drawn as spaces of the text itself (not as CSS padding): a line is then one
#: run of one style, a few bytes over SSH instead of four runs.
MARGIN = 1


def framed(text: Text, cells: int, margin: int = MARGIN) -> Text:
    """Each line of ``text`` with ``margin`` spaces before and filled with spaces to ``cells``."""
    out = Text(no_wrap=True, overflow="crop", end="")
    for i, line in enumerate(text.split("\n", allow_blank=True)):
        if i:
            out.append("\n")
        out.append(" " * margin)
        out.append_text(line)
        out.append(" " * max(0, cells - margin - line.cell_len))
    return out


class Prose(Widget):
    DEFAULT_CSS = "Prose { height: auto; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None):  # noqa: A002 (Textual's name)
        super().__init__(id=id, classes=classes)
        self.parts: list[Part] = []
        self._laid: tuple[int, Text] | None = None
        #: At most this many lines; a longer text ends with ``more`` on its last line
        self.max_lines: int | None = None
        self.more = "..."

    def limit(self, max_lines: int | None, more: str) -> None:
        if (max_lines, more) != (self.max_lines, self.more):
            self.max_lines, self.more = max_lines, more
            self._laid = None
            self.refresh()

    def show(self, parts: list[Part]) -> None:
        if parts == self.parts:
            return
        self.parts = parts
        self._laid = None
        height = self.styles.height
        self.refresh(layout=height is None or height.is_auto)  # a fixed height: this box alone

    def _text(self, cells: int) -> Text:
        if self._laid is None or self._laid[0] != cells:
            text = lay_out(self.parts, cells - 2 * MARGIN)
            lines = list(text.split("\n", allow_blank=True))
            if self.max_lines and len(lines) > self.max_lines:
                kept = [*lines[: self.max_lines - 1], Text(self.more, style="dim")]
                text = Text("\n", no_wrap=True, overflow="crop", end="").join(kept)
            self._laid = (cells, framed(text, cells))
        return self._laid[1]

    @staticmethod
    def lines_for(parts: list[Part], cells: int) -> int:
        """How many lines ``parts`` take in a Prose ``cells`` wide."""
        return len(lay_out(parts, cells - 2 * MARGIN).plain.split("\n"))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._text(width).plain.split("\n")) if self.parts else 0

    def render(self) -> Text:
        return self._text(self.content_region.width or self.size.width)

    def plain_lines(self) -> list[str]:
        """What is shown, line by line, without the margins (for tests and for reading back)."""
        text = self._text(self.content_region.width or self.size.width)
        return [line[MARGIN:].rstrip() for line in text.plain.split("\n")]
