"""A table drawn line by line (Textual's line API): only the rows on screen are rendered.

The chair's lists run to every application and every submitted sheet (20,000 and 100,000 at
national scale). A DataTable measures and lays out every row up front; this table keeps the
rows as plain cells, measures column widths with ``str`` arithmetic, and renders just the
lines in view, so filling it with 20,000 rows costs about what 20 do, and the first screen
comes up at once.

It draws with spaces only (no box characters: they are East Asian ambiguous width). The
header stays put while the rows scroll; a cursor row moves with Up/Down/PgUp/PgDn/Home/End
and the mouse; Enter (or a click on the cursor row) posts ``RowSelected``. Left/Right scroll a
table wider than the terminal sideways; ``frozen`` leading columns (an id, a rank) stay at the
left meanwhile, only the columns after them scroll. Flex columns shrink so that the table fits the
terminal's width, or with ``fit`` so that its first ``fit`` columns do (the later ones are then
reached by scrolling, while the ones that matter keep their room).
Untrusted text is data: cells are shown literally (never parsed as markup), with control
and format characters removed.

Rows come from a list (``set_rows``) or from a ``RowSource`` (``set_source``) that hands out
windows of rows on demand: a list of 20,000 applications kept in the workspace is then read
a page at a time, as the user scrolls, and the table opens at once at any scale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reviewer.tui.chrome import clean_line

GUTTER = 2
ELLIPSIS = "..."
SIDEWAYS = 8  # the least a Left / Right scrolls, in cells


@dataclass(frozen=True)
class Column:
    label: str
    right: bool = False  # right-aligned (numbers)
    max_width: int | None = None  # longer cells are cut with "..."
    flex: bool = False  # shrinks (down to min_width) so the table fits the terminal's width
    min_width: int = 8


Row = Sequence["str | Text"]
#: Rows a RowSource is asked for at a time.
PAGE = 256


class RowSource(Protocol):
    """Rows in display order, handed out a window at a time (keys may be None)."""

    def __len__(self) -> int: ...

    def window(self, start: int, stop: int) -> Sequence[tuple[str | None, Row]]: ...

    def index_of(self, key: str) -> int | None: ...

    def widths(self) -> Sequence[int]:
        """The widest cell of each column, in terminal cells (an upper bound will do)."""
        ...


class ListSource:
    """Rows held in memory (``LineTable.set_rows``)."""

    def __init__(self, rows: Sequence[Row], keys: Sequence[str | None] | None, columns: list[Column]):
        if keys is not None and len(keys) != len(rows):
            raise ValueError("keys and rows differ in number")
        n = len(columns)
        self.rows = [_clean_row(row, n) for row in rows]
        self.keys = list(keys) if keys is not None else [None] * len(self.rows)
        self.index = {k: i for i, k in enumerate(self.keys) if k is not None}
        self.columns = columns

    def __len__(self) -> int:
        return len(self.rows)

    def window(self, start: int, stop: int) -> list[tuple[str | None, Row]]:
        return list(zip(self.keys[start:stop], self.rows[start:stop]))

    def index_of(self, key: str) -> int | None:
        return self.index.get(key)

    def widths(self) -> list[int]:
        return _column_widths(self.rows, self.columns)


def _clean(cell: str | Text) -> str | Text:
    """A cell free of control characters (a plain ``str`` stays one: cheaper to keep and draw)."""
    if isinstance(cell, Text):
        if cell.plain.isprintable():
            return cell
        return Text(clean_line(" ".join(cell.plain.splitlines())), style=cell.style)
    cell = str(cell)
    return cell if cell.isprintable() else clean_line(" ".join(cell.splitlines()))


def _text(cell: str | Text) -> str:
    return cell if isinstance(cell, str) else cell.plain


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _clean_row(row: Sequence[str | Text], n: int) -> tuple[str | Text, ...]:
    """A row of ``n`` clean cells. Rows of printable strings (nearly all) are checked in one go."""
    if len(row) != n:
        row = tuple(row[:n]) + ("",) * (n - len(row))
    try:
        if "".join(row).isprintable():  # type: ignore[arg-type]  # TypeError where a cell is a Text
            return tuple(row)
    except TypeError:
        pass
    return tuple(map(_clean, row))


def _column_widths(rows: list[tuple[str | Text, ...]], columns: list[Column]) -> list[int]:
    """The widest cell of each column (header included), in terminal cells; a column of ASCII
    strings is measured with len alone."""
    widths = []
    for i, col in enumerate(columns):
        cells = [r[i] for r in rows]
        try:
            joined = "".join(cells)  # type: ignore[arg-type]  # TypeError where a cell is a Text
            plain: list[str] = cells  # type: ignore[assignment]
        except TypeError:
            plain = [_text(c) for c in cells]
            joined = "".join(plain)
        measure: Callable[[str], int] = len if joined.isascii() else cell_len
        widths.append(max(_width(col.label), max(map(measure, plain), default=0)))
    return widths


class LineTable(ScrollView, can_focus=True):
    """Rows of cells under a fixed header, with a cursor row; see the module docstring."""

    COMPONENT_CLASSES = {"line-table--header", "line-table--cursor", "line-table--even"}
    DEFAULT_CSS = """
    LineTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .line-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .line-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .line-table--even { background: $surface-lighten-1 50%; }
        &:dark > .line-table--even { background: $surface-darken-1 40%; }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .line-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", "上", show=False),
        Binding("down", "cursor(1)", "下", show=False),
        Binding("pageup", "page(-1)", "前頁", show=False),
        Binding("pagedown", "page(1)", "次頁", show=False),
        Binding("home", "cursor_to(0)", "先頭", show=False),
        Binding("end", "cursor_to(-1)", "末尾", show=False),
        Binding("left", "columns(-1)", "左", show=False),
        Binding("right", "columns(1)", "右", show=False),
        Binding("enter", "select", "開く", show=False),
    ]

    @dataclass
    class RowHighlighted(Message):
        table: LineTable
        row: int
        key: str | None

        @property
        def control(self) -> LineTable:
            return self.table

    @dataclass
    class RowSelected(Message):
        table: LineTable
        row: int
        key: str | None

        @property
        def control(self) -> LineTable:
            return self.table

    def __init__(self, *columns: Column | str, id: str | None = None, classes: str | None = None,
                 frozen: int = 0, fit: int | None = None):
        super().__init__(id=id, classes=classes)
        self.columns = [c if isinstance(c, Column) else Column(c) for c in columns]
        #: Leading columns drawn at the left whatever the sideways scroll (0: none).
        self.frozen = max(0, min(frozen, len(self.columns)))
        #: The leading columns the flex columns shrink to fit in the width (None: all).
        self.fit = fit
        self._source: RowSource = ListSource([], [], self.columns)
        self._count = 0
        self._pages: dict[int, list[tuple[str | None, tuple[str | Text, ...]]]] = {}
        self._widths = [_width(c.label) for c in self.columns]
        self._fitted: dict[int, list[int]] = {}
        self._cursor = 0
        self._update_size()

    # -- data -----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row], keys: Sequence[str | None] | None = None) -> None:
        """Replace the rows. The cursor stays on the row with the same key where there is one."""
        self.set_source(ListSource(rows, keys, self.columns))

    def set_source(self, source: RowSource) -> None:
        """Show the rows of ``source`` (read a page at a time). The cursor stays on its key."""
        current = self.cursor_key
        self._source = source
        self._pages = {}
        self._count = len(source)
        widths = [max(_width(c.label), w) for c, w in zip(self.columns, source.widths())]
        self._widths = [min(w, c.max_width) if c.max_width else w for w, c in zip(widths, self.columns)]
        self._fitted = {}
        self._update_size()
        found = source.index_of(current) if current is not None else None
        self._cursor = found if found is not None else (min(self._cursor, self._count - 1) if current else 0)
        self._cursor = max(0, min(self._cursor, self._count - 1))
        self.refresh()

    def _entry(self, i: int) -> tuple[str | None, tuple[str | Text, ...]]:
        """The key and clean cells of row ``i``."""
        src = self._source
        if isinstance(src, ListSource):
            return src.keys[i], src.rows[i]
        page = self._pages.get(i // PAGE)
        if page is None:
            start = i - i % PAGE
            n = len(self.columns)
            page = self._pages[i // PAGE] = [(k, _clean_row(r, n))
                                             for k, r in src.window(start, min(start + PAGE, self._count))]
        j = i % PAGE
        return page[j] if j < len(page) else (None, ("",) * len(self.columns))  # the source shrank meanwhile

    def _update_size(self) -> None:
        room = self.scrollable_content_region.width if self.is_mounted else 0
        widths = self._widths_for(room) if room else self._widths
        self.virtual_size = Size(self._total(widths), self._count + 1)

    def _total(self, widths: list[int]) -> int:
        return sum(widths) + GUTTER * max(0, len(widths) - 1) + 2

    def _widths_for(self, room: int) -> list[int]:
        """Column widths for a viewport ``room`` cells wide: flex columns give up what is missing."""
        if room not in self._fitted:
            widths = list(self._widths)
            fit = len(widths) if self.fit is None else self.fit
            over = self._total(widths[:fit]) - room
            flex = [i for i, col in enumerate(self.columns[:fit]) if col.flex]
            while over > 0 and flex:  # the widest flex column gives up a cell, until it fits
                i = max(flex, key=lambda j: widths[j] - self.columns[j].min_width)
                if widths[i] <= self.columns[i].min_width:
                    break
                widths[i] -= 1
                over -= 1
            self._fitted[room] = widths
        return self._fitted[room]

    def on_resize(self) -> None:
        self._update_size()

    @property
    def row_count(self) -> int:
        return self._count

    def key_at(self, row: int) -> str | None:
        return self._entry(row)[0]

    def row_at(self, row: int) -> list[str]:
        """The cells of a row as plain text."""
        return [_text(c) for c in self._entry(row)[1]]

    @property
    def keys(self) -> list[str | None]:
        return [k for k, _ in self._source.window(0, self._count)]

    def index_of(self, key: str) -> int | None:
        return self._source.index_of(key)

    # -- cursor ---------------------------------------------------------------------------

    @property
    def cursor_row(self) -> int:
        return self._cursor if self._count else -1

    @property
    def cursor_key(self) -> str | None:
        return self._entry(self._cursor)[0] if self._count else None

    def move_cursor(self, row: int) -> None:
        if not self._count:
            return
        row = max(0, min(row, self._count - 1))
        changed = row != self._cursor
        self._cursor = row
        self._scroll_to_cursor()
        self.refresh()
        if changed:
            self.post_message(self.RowHighlighted(self, row, self.key_at(row)))

    def _scroll_to_cursor(self) -> None:
        body = max(1, self.scrollable_content_region.height - 1)  # lines below the header
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + body:
            self.scroll_to(y=self._cursor - body + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self._cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self._cursor + direction * max(1, self.scrollable_content_region.height - 2))

    def action_cursor_to(self, row: int) -> None:
        self.move_cursor(row if row >= 0 else self._count - 1)

    def action_columns(self, direction: int) -> None:
        """Scroll sideways (a wide table on a narrow terminal) by a quarter of the width, at
        least SIDEWAYS cells: a wide table's far columns a few presses away."""
        step = max(SIDEWAYS, self.scrollable_content_region.width // 4)
        self.scroll_to(x=self.scroll_x + step * direction, animate=False)

    def action_select(self) -> None:
        if self._count:
            self.post_message(self.RowSelected(self, self._cursor, self.key_at(self._cursor)))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = round(self.scroll_y) + offset.y - 1
        if 0 <= row < self._count:
            if row == self._cursor:
                self.action_select()
            else:
                self.move_cursor(row)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing --------------------------------------------------------------------------

    def _line(self, cells: Sequence[str | Text], widths: list[int], base: Style) -> Strip:
        segments: list[Segment] = [Segment(" ", base)]
        for i, (cell, width, col) in enumerate(zip(cells, widths, self.columns)):
            if i:
                segments.append(Segment(" " * GUTTER, base))
            plain = _text(cell)
            used = _width(plain)
            if used > width:  # cut to the column, ending in "..."
                cell = cell.copy() if isinstance(cell, Text) else Text(cell)
                cell.truncate(max(0, width - len(ELLIPSIS)), overflow="crop")
                cell.rstrip()  # the pad where a wide character did not fit
                cell.append(ELLIPSIS)
                used = _width(cell.plain)
            gap = " " * max(0, width - used)
            if col.right and gap:
                segments.append(Segment(gap, base))
            if isinstance(cell, str):
                segments.append(Segment(cell, base))
            else:
                segments.extend(Segment(s.text, base + s.style if s.style else base)
                                for s in cell.render(self.app.console) if s.text)
            if not col.right and gap:
                segments.append(Segment(gap, base))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        widths = self._widths_for(width)
        if y == 0:
            style = base + self.get_component_rich_style("line-table--header")
            strip = self._line([c.label for c in self.columns], widths, style)
        else:
            row = scroll_y + y - 1
            if row >= self._count:
                return Strip.blank(width, base)
            style = base
            if row == self._cursor:
                style += self.get_component_rich_style("line-table--cursor")
            elif row % 2:
                style += self.get_component_rich_style("line-table--even")
            strip = self._line(self._entry(row)[1], widths, style)
        return self._scrolled(strip, widths, scroll_x, width, style)

    def _scrolled(self, strip: Strip, widths: list[int], scroll_x: int, width: int, style: Style) -> Strip:
        """The part of a line in view: the frozen columns, then the rest from ``scroll_x`` on
        (the whole line scrolls where the frozen columns would leave no room)."""
        left = 1 + sum(widths[:self.frozen]) + GUTTER * self.frozen if self.frozen else 0
        if not left or not scroll_x or left >= width:
            return strip.crop_extend(scroll_x, scroll_x + width, style)
        rest = strip.crop(left + scroll_x, left + scroll_x + width - left)
        return Strip.join([strip.crop(0, left), rest]).crop_extend(0, width, style)
