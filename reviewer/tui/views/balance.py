"""バランス: selected applications by bureau and by track and field model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from reviewer.present import charts

if TYPE_CHECKING:
    from reviewer.scoring import Result

#: How the terminal app draws the charts' styles (``present.charts``).
STYLES: dict[str, str] = {
    charts.PLAIN: "", charts.HEAD: "bold", charts.SELECTED: "reverse bold", charts.ELIGIBLE: "",
    charts.OUT: "dim", charts.FLAG: "bold reverse", charts.AXIS: "dim", charts.DOT: "dim",
    charts.MARK: "bold", charts.PANEL: "bold underline", charts.OWN: "reverse bold",
}


def chart_text(lines: list[charts.Line]) -> Text:
    """Chart lines as Rich text, one line each (never wrapped)."""
    text = Text(no_wrap=True, overflow="crop", end="")
    for i, line in enumerate(lines):
        if i:
            text.append("\n")
        for part, style in line:
            text.append(part, style=STYLES[style])
    return text


class ChartView(VerticalScroll):
    """A chart laid out for the view's width (again when it changes), scrolled with the keys
    when focused (Up/Down, PgUp/PgDn, Home/End). Subclasses say what ``BODY`` holds."""

    DEFAULT_CSS = """
    ChartView { scrollbar-gutter: stable; }
    ChartView > Static { width: 1fr; padding: 0 1; text-wrap: nowrap; text-overflow: clip; }
    """
    BODY = "chart"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._laid_for = -1

    def compose(self) -> ComposeResult:
        yield Static("集計中...", id=self.BODY, markup=False)

    def chart(self, cells: int) -> list[charts.Line] | None:
        """The chart in ``cells`` (None before there is anything to show)."""
        raise NotImplementedError

    def cells(self) -> int:
        """The cells a line has: the view's width (as last laid out, also while hidden) less
        the scrollbar's and the text's padding; 0 or less before the first layout."""
        body = self.query_one(f"#{self.BODY}", Static)
        return self.outer_size.width - self.gutter.width - body.styles.gutter.width

    def lay_out(self, force: bool = True) -> None:
        cells = self.cells()
        if cells <= 0:  # not laid out yet: once it is (a Resize follows, or the next refresh)
            self._laid_for = -1
            if force:
                self.call_after_refresh(self.lay_out, False)
            return
        if not force and cells == self._laid_for:
            return
        lines = self.chart(cells)
        if lines is not None:
            self._laid_for = cells
            self.query_one(f"#{self.BODY}", Static).update(chart_text(lines))

    def on_resize(self, event: events.Resize) -> None:
        self.lay_out(force=False)

    def on_show(self) -> None:
        """Take the focus when shown, so the keys scroll the chart (``FOCUS`` is None: the
        chair's screen focuses only tables)."""
        self.focus()


class BalanceView(ChartView):
    """バランス: the quotas, then bars per bureau and per track and field model."""

    FOCUS = None
    BODY = "balance-bars"
    result: Result | None = None

    def chart(self, cells: int) -> list[charts.Line] | None:
        return None if self.result is None else charts.balance_lines(self.result, cells)

    def fill(self, result: Result) -> None:
        self.result = result
        self.lay_out()
