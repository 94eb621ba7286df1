"""A long document read a screen at a time: an application (a header of facts, then sections
with headings and bodies), wrapped the Japanese way and drawn line by line (Textual's line API).

The document is a list of ``Block``s. Each is wrapped with ``present.text`` (禁則, hanging
indents under list marks) to the width of the widget; the wrapped lines are kept per width, so
a resize back and forth re-wraps nothing. Only the lines on screen are drawn, and nothing is
drawn, posted or timed while nothing changes (the app runs over SSH: idle means no bytes).

The screen scrolls the reader from its own key bindings while the focus stays in the scoring
form (``page``, ``line``, ``to_top``, ``to_end``, ``jump_to_heading``); where the form is
hidden it may set ``can_focus`` and let the reader take Up/Down/PgUp/PgDn/Home/End itself.
``search`` finds a text in the blocks as written (a hit across a wrap is found and shown on both
lines) and ``next_hit``/``previous_hit`` step through the hits. ``Reader.Scrolled`` tells the
screen when the lines in view change (for ``position()`` in a pane header).

Untrusted text is data: blocks are shown literally (a ``str`` is never parsed as markup, a
``Text`` keeps its spans), control characters become spaces (``present.text.clean``). The
reader draws spaces only around the text: no box drawing or ambiguous-width characters.
"""

from __future__ import annotations

import string
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Span as TextSpan
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reviewer.present.text import clean, width, wrap_spans, wrap_text_spans

#: The kinds of block, and what each holds.
HEADING, PARA, FACT, BLANK = "heading", "para", "fact", "blank"
#: Cells between a fact's label and its value.
LABEL_GAP = 2
#: Widths whose wrapped lines are kept (the current one and a few it was resized from).
KEEP_LAYOUTS = 4
_FOLD = str.maketrans(string.ascii_uppercase + "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
                      string.ascii_lowercase + "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ")


class Block(NamedTuple):
    """One piece of the document.

    ``kind``: "heading" (a section's title, drawn bold), "para" (body text: one paragraph a
    line, blank lines kept, each wrapped with its own list mark's hanging indent), "fact" (a
    ``label`` in a column of labels and the ``text`` as its value, wrapped under the value
    column; consecutive facts share the column) or "blank" (an empty line).
    ``text``: a ``str`` (shown literally, in ``style``) or a Rich ``Text`` (its spans kept,
    under ``style``); newlines separate paragraphs; control characters are shown as spaces.
    ``style``: a Rich style for the whole text ("" for none). ``label``: a fact's label.
    A plain tuple ``(kind, text, style)`` or ``(kind, text, style, label)`` will do.
    """

    kind: str
    text: str | Text = ""
    style: str = ""
    label: str | Text = ""


class _Piece(NamedTuple):
    part: int  # 0: the block's text, 1: its label
    x: int  # the cell the piece starts at
    start: int  # the piece is text[start:end]
    end: int


class _Line(NamedTuple):
    block: int
    pieces: tuple[_Piece, ...]


class _Layout(NamedTuple):
    lines: list[_Line]
    first: list[int]  # each block's first line
    #: (block, part) -> where each line of it starts in the part, and the line (see ``_line_of``)
    places: dict[tuple[int, int], tuple[list[int], list[int]]]


class _Hit(NamedTuple):
    block: int
    part: int
    start: int
    end: int


def _as_text(value: str | Text, style: str) -> Text:
    """A block's text, cleaned (same length: spans keep their places), under ``style``."""
    plain = value if isinstance(value, str) else value.plain
    if not plain.isprintable():
        plain = "\n".join(clean(line) for line in plain.split("\n"))
    if isinstance(value, str):
        return Text(plain, style=style, end="")
    spans = list(value.spans)
    if value.style:
        spans.insert(0, TextSpan(0, len(plain), value.style))
    return Text(plain, style=style, spans=spans, end="")


def _label_columns(blocks: Sequence[Block]) -> list[int]:
    """For each fact, the cell its value starts at: past the widest label of its run of facts."""
    cols = [0] * len(blocks)
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and blocks[j].kind == FACT:
            j += 1
        if j > i:
            col = max(width(_plain(b.label)) for b in blocks[i:j]) + LABEL_GAP
            cols[i:j] = [col] * (j - i)
        i = max(j, i + 1)
    return cols


def _plain(value: str | Text) -> str:
    return value if isinstance(value, str) else value.plain


class Reader(ScrollView, can_focus=False, inherit_bindings=False):
    """A document of blocks, wrapped to the width and scrolled a line or a page at a time;
    see the module docstring."""

    COMPONENT_CLASSES = {"reader--heading", "reader--label", "reader--hit", "reader--current"}
    DEFAULT_CSS = """
    Reader {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        padding: 0 1;
        background: $surface;
        color: $foreground;
        & > .reader--heading { text-style: bold; }
        & > .reader--label { text-style: bold; }
        & > .reader--hit { text-style: reverse; }
        & > .reader--current { text-style: bold reverse; color: $warning; }
        &:ansi > .reader--current { text-style: bold reverse; color: ansi_yellow; }
        &:focus { background-tint: $foreground 5%; }
    }
    """
    BINDINGS = [
        Binding("up", "line(-1)", "上", show=False),
        Binding("down", "line(1)", "下", show=False),
        Binding("pageup", "page(-1)", "前頁", show=False),
        Binding("pagedown", "page(1)", "次頁", show=False),
        Binding("home", "to_top", "先頭", show=False),
        Binding("end", "to_end", "末尾", show=False),
    ]

    @dataclass
    class Scrolled(Message):
        """The lines in view changed (scrolled, resized or re-wrapped): ``top`` to ``bottom``
        of ``total`` (counted from 1; 0 when there is nothing to show)."""

        reader: Reader
        top: int
        bottom: int
        total: int

        @property
        def control(self) -> Reader:
            return self.reader

    def __init__(self, blocks: Iterable[Block | tuple[Any, ...]] = (), *, id: str | None = None,
                 classes: str | None = None, name: str | None = None):
        super().__init__(id=id, classes=classes, name=name)
        self._blocks: list[Block] = []
        self._texts: list[tuple[Text, Text]] = []
        self._cols: list[int] = []
        self._layouts: dict[int, _Layout] = {}
        self._cells = 0  # the width the current layout is for (0: not laid out yet)
        self._query = ""
        self._hits: list[_Hit] = []
        #: (block, part) -> the ends of its hits, in order, and the hits' numbers
        self._hits_of: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
        self._current = -1
        self._reported: tuple[int, int, int] | None = None
        self.set_blocks(blocks)

    # -- the document -------------------------------------------------------------------

    def set_blocks(self, blocks: Iterable[Block | tuple[Any, ...]]) -> None:
        """Show ``blocks`` (from the top; a search is cleared). The same blocks again do nothing."""
        new = [b if isinstance(b, Block) else Block(*b) for b in blocks]
        if new == self._blocks and self._texts:
            return
        self._blocks = new
        self._texts = [(_as_text(b.text, b.style), _as_text(b.label, "")) for b in new]
        self._cols = _label_columns(new)
        self._layouts = {}
        self._cells = 0
        self._clear_hits()
        if self.is_mounted:
            self.virtual_size = Size(0, 0)
            self._lay_out_to(self._content_width())
            self.scroll_to(y=0, animate=False)
            self.refresh()
            self._report()

    @property
    def blocks(self) -> list[Block]:
        return list(self._blocks)

    @property
    def line_count(self) -> int:
        """Lines in the document as wrapped to the present width."""
        return len(self._layout().lines)

    def text_lines(self) -> list[str]:
        """The wrapped document as plain text, a line each (for tests and for copying out)."""
        return [self._plain_line(line) for line in self._layout().lines]

    def _plain_line(self, line: _Line) -> str:
        out, x = "", 0
        for p in line.pieces:
            piece = self._texts[line.block][p.part].plain[p.start:p.end]
            out += " " * max(0, p.x - x) + piece
            x = max(x, p.x) + cell_len(piece)
        return out

    # -- wrapping -----------------------------------------------------------------------

    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def _layout(self) -> _Layout:
        return self._layouts.get(self._cells) or _Layout([], [], {})

    def _lay_out_to(self, cells: int) -> None:
        """Wrap to ``cells`` (kept per width) and size the scrollable area to the lines."""
        if cells <= 0:
            return
        if cells not in self._layouts:
            if len(self._layouts) >= KEEP_LAYOUTS:
                self._layouts.pop(next(iter(self._layouts)))
            self._layouts[cells] = self._wrap(cells)
        self._cells = cells
        self.virtual_size = Size(cells, len(self._layouts[cells].lines))

    def _wrap(self, cells: int) -> _Layout:
        lines: list[_Line] = []
        first: list[int] = []
        for i, block in enumerate(self._blocks):
            first.append(len(lines))
            text, label = self._texts[i]
            if block.kind == BLANK:
                lines.append(_Line(i, ()))
            elif block.kind == FACT:
                lines.extend(self._fact_lines(i, cells))
            else:
                lines.extend(_Line(i, (_Piece(0, s.indent, s.start, s.end),) if s.end > s.start else ())
                             for s in wrap_text_spans(text.plain, cells))
        return _Layout(lines, first, {})

    def _fact_lines(self, i: int, cells: int) -> list[_Line]:
        """A label in its column and the value wrapped under the value column. A label too wide
        for a third of the line goes on lines of its own, above its value."""
        text, label = self._texts[i]
        col = self._cols[i]
        lines: list[_Line] = []
        if col > max(cells // 3, LABEL_GAP + 1):
            lines = [_Line(i, (_Piece(1, s.indent, s.start, s.end),)) for s in wrap_spans(label.plain, cells)]
            col = min(2 * LABEL_GAP, cells // 3)
            head: tuple[_Piece, ...] = ()
        else:
            head = (_Piece(1, 0, 0, len(label.plain)),) if label.plain else ()
        value = [_Piece(0, col + s.indent, s.start, s.end)
                 for s in wrap_text_spans(text.plain, cells - col) if s.end > s.start]
        if not value:
            return lines + [_Line(i, head)] if head else lines or [_Line(i, ())]
        lines.append(_Line(i, head + (value[0],)))
        lines.extend(_Line(i, (p,)) for p in value[1:])
        return lines

    def _line_of(self, block: int, part: int, offset: int) -> int:
        """The line showing character ``offset`` of a block's text (``part`` 0) or label (1)."""
        layout = self._layout()
        if not layout.lines:
            return 0
        if (block, part) not in layout.places:
            starts, rows = [], []
            y = layout.first[block]
            while y < len(layout.lines) and layout.lines[y].block == block:
                for p in layout.lines[y].pieces:
                    if p.part == part:
                        starts.append(p.start)
                        rows.append(y)
                y += 1
            layout.places[block, part] = (starts, rows)
        starts, rows = layout.places[block, part]
        k = bisect_right(starts, offset) - 1
        return rows[k] if k >= 0 else layout.first[block]

    def on_resize(self, event: events.Resize) -> None:
        cells = self._content_width()
        if cells != self._cells and cells > 0:
            anchor = self._anchor()
            self._lay_out_to(cells)
            if anchor is not None:
                self.scroll_to(y=self._line_of(*anchor), animate=False)
        self._report()

    def _anchor(self) -> tuple[int, int, int] | None:
        """Where the top line starts in the document (to keep it on top across a re-wrap)."""
        lines = self._layout().lines
        top = round(self.scroll_y)
        if not 0 < top < len(lines):
            return None
        line = lines[top]
        piece = line.pieces[-1] if line.pieces else None
        return (line.block, piece.part, piece.start) if piece else (line.block, 0, 0)

    # -- scrolling ----------------------------------------------------------------------

    @property
    def _height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def line(self, direction: int = 1) -> None:
        """Scroll by ``direction`` lines (negative: up)."""
        self.scroll_to(y=round(self.scroll_y) + direction, animate=False)

    def page(self, direction: int = 1) -> None:
        """Scroll by a page (the lines in view less one, kept for context) down or up."""
        self.scroll_to(y=round(self.scroll_y) + direction * max(1, self._height - 1), animate=False)

    def to_top(self) -> None:
        self.scroll_to(y=0, animate=False)

    def to_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def action_line(self, direction: int) -> None:
        self.line(direction)

    def action_page(self, direction: int) -> None:
        self.page(direction)

    def action_to_top(self) -> None:
        self.to_top()

    def action_to_end(self) -> None:
        self.to_end()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._report()

    def _range(self) -> tuple[int, int, int]:
        total = len(self._layout().lines)
        if not total:
            return (0, 0, 0)
        top = min(round(self.scroll_y), total - 1)
        return (top + 1, min(total, top + self._height), total)

    def position(self) -> str:
        """The lines in view, as "12-40 / 230 行" (ASCII hyphen: no ambiguous-width dash)."""
        top, bottom, total = self._range()
        return f"{top}-{bottom} / {total} 行"

    def _report(self) -> None:
        """Post ``Scrolled`` if the lines in view differ from those last told (only then)."""
        if not self.is_mounted or not self._cells:
            return
        now = self._range()
        if now != self._reported:
            self._reported = now
            self.post_message(self.Scrolled(self, *now))

    # -- headings -----------------------------------------------------------------------

    def headings(self) -> list[tuple[int, str]]:
        """The headings in order: (block index, heading text on one line)."""
        return [(i, " ".join(self._texts[i][0].plain.split("\n")))
                for i, b in enumerate(self._blocks) if b.kind == HEADING]

    def jump_to_heading(self, index: int) -> bool:
        """Scroll so that heading ``index`` (a position in ``headings()``) is the top line (as far
        as the end of the document allows). False where there is no such heading."""
        heads = self.headings()
        if not 0 <= index < len(heads) or not self._cells:
            return False
        self.scroll_to(y=self._layout().first[heads[index][0]], animate=False, immediate=True)
        return True

    def current_heading(self) -> int | None:
        """The heading (a position in ``headings()``) of the section at the top of the view."""
        layout = self._layout()
        if not layout.lines:
            return None
        block = layout.lines[min(round(self.scroll_y), len(layout.lines) - 1)].block
        found = None
        for n, (i, _) in enumerate(self.headings()):
            if i > block:
                break
            found = n
        return found

    # -- search -------------------------------------------------------------------------

    def search(self, query: str) -> int:
        """Find ``query`` in the blocks (labels included; ASCII letters in either case) and go to
        the first hit at or below the top of the view. The number of hits; "" clears the search."""
        self._clear_hits()
        self._query = query
        if query:
            needle = query.translate(_FOLD)
            for i, (text, label) in enumerate(self._texts):
                for part, t in ((1, label), (0, text)):
                    hay = t.plain.translate(_FOLD)
                    at = hay.find(needle)
                    while at >= 0:
                        self._hits.append(_Hit(i, part, at, at + len(needle)))
                        at = hay.find(needle, at + len(needle))
            for n, hit in enumerate(self._hits):
                ends, numbers = self._hits_of.setdefault((hit.block, hit.part), ([], []))
                ends.append(hit.end)
                numbers.append(n)
        if self._hits:
            top = round(self.scroll_y)
            below = (n for n, h in enumerate(self._hits) if self._line_of(h.block, h.part, h.start) >= top)
            self._current = next(below, 0)
            self._show_current()
        self.refresh()
        return len(self._hits)

    def clear_search(self) -> None:
        if self._query:
            self._clear_hits()
            self.refresh()

    def _clear_hits(self) -> None:
        self._query = ""
        self._hits = []
        self._hits_of = {}
        self._current = -1

    def next_hit(self) -> None:
        """Go to the next hit (after the last, the first)."""
        self._step(1)

    def previous_hit(self) -> None:
        """Go to the previous hit (before the first, the last)."""
        self._step(-1)

    def _step(self, direction: int) -> None:
        if self._hits:
            self._current = (self._current + direction) % len(self._hits)
            self._show_current()
            self.refresh()

    def _show_current(self) -> None:
        """Scroll the current hit into view (a third from the top) unless it is in view."""
        if not self._cells:
            return
        hit = self._hits[self._current]
        first = self._line_of(hit.block, hit.part, hit.start)
        last = self._line_of(hit.block, hit.part, max(hit.start, hit.end - 1))
        top = round(self.scroll_y)
        if first < top or last >= top + self._height:
            self.scroll_to(y=max(0, first - self._height // 3), animate=False)

    def hit_status(self) -> str:
        """"3 / 12 件", "見つかりません", or "" with no search."""
        if not self._query:
            return ""
        if not self._hits:
            return "見つかりません"
        return f"{self._current + 1} / {len(self._hits)} 件"

    @property
    def search_query(self) -> str:
        """What is being searched for ("" for nothing)."""
        return self._query

    @property
    def hit_count(self) -> int:
        return len(self._hits)

    # -- drawing ------------------------------------------------------------------------

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _piece_text(self, block: int, piece: _Piece) -> Text:
        """A piece of a line as Rich text: its spans, with the search hits on it marked."""
        text = self._texts[block][piece.part][piece.start:piece.end]
        ends, numbers = self._hits_of.get((block, piece.part), ([], []))
        for k in range(bisect_right(ends, piece.start), len(ends)):  # the hits ending past the start
            hit = self._hits[numbers[k]]
            if hit.start >= piece.end:
                break
            name = "reader--current" if numbers[k] == self._current else "reader--hit"
            text.stylize(self.get_component_rich_style(name, partial=True),
                         max(hit.start, piece.start) - piece.start, min(hit.end, piece.end) - piece.start)
        return text

    def render_line(self, y: int) -> Strip:
        cells = self.scrollable_content_region.width
        base = self.rich_style
        lines = self._layout().lines
        row = round(self.scroll_y) + y
        if not 0 <= row < len(lines):
            return Strip.blank(cells, base)
        line = lines[row]
        kind = self._blocks[line.block].kind
        segments: list[Segment] = []
        x = 0
        for piece in line.pieces:
            if piece.x > x:
                segments.append(Segment(" " * (piece.x - x), base))
                x = piece.x
            style = base
            if piece.part == 1:
                style += self.get_component_rich_style("reader--label", partial=True)
            elif kind == HEADING:
                style += self.get_component_rich_style("reader--heading", partial=True)
            for seg in self._piece_text(line.block, piece).render(self.app.console):
                if seg.text:
                    segments.append(Segment(seg.text, style + seg.style if seg.style else style))
                    x += cell_len(seg.text)
        return Strip(segments).crop_extend(0, cells, base)

