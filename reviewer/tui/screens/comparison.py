"""The selection strategies side by side, for the chair (``v`` on the ranking; SPEC §6.5): one
line per strategy (how many it selects, their requested amount and totals, the minimums it
meets; the one in use marked), then every application some strategy selects and another does
not, its ○ / － per strategy and, under it, each strategy's reason, wrapped to the page.

The wording is ``present.sureness``'s; application ids and reasons are shown as data (cleaned).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding

from reviewer.domain.vocabulary import METHOD_LABELS, SELECTION_LABELS
from reviewer.present import result as words
from reviewer.present import sureness
from reviewer.present.text import clean, pad, width, wrap
from reviewer.tui.chrome import safe
from reviewer.tui.screens.dialogs import TextPage

if TYPE_CHECKING:
    from reviewer.scoring import Result
    from reviewer.scoring.compare import Comparison

GAP = "  "
INDENT = 6  # the reasons under an application, and the minimums under a strategy
DIFFERENCE_HEADERS = ("順位", "申請ID", "総合通信局")
#: The outcome table's columns that are numbers (right-aligned): 件数, 申請額の合計, 合計点の和.
NUMBERS = (1, 2, 3)


@dataclass(frozen=True)
class DifferenceRow:
    """An application the strategies disagree on: its cells (rank, id, bureau, a mark per
    strategy) and each strategy's reason (label, reason)."""

    cells: list[str]
    reasons: list[tuple[str, str]]


def strategies(c: Comparison) -> list[str]:
    return [o.strategy for o in c.outcomes]


def outcome_rows(c: Comparison) -> list[list[str]]:
    """The outcome table's rows (``sureness.COMPARISON_HEADERS``), one per strategy."""
    return [[clean(x) for x in sureness.outcome_row(o, c.chosen)] for o in c.outcomes]


def difference_rows(c: Comparison) -> list[DifferenceRow]:
    """The differences in rank order: 順位, 申請ID, 総合通信局 and ○ / － per strategy."""
    order = strategies(c)
    return [DifferenceRow([str(d.rank), clean(d.id), clean(d.bureau)] + [sureness.chosen_mark(d.selected[s]) for s in order],
                          [(SELECTION_LABELS[s], clean(d.why.get(s, ""))) for s in order])
            for d in c.differences]


def _widths(rows: list[list[str]]) -> list[int]:
    return [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]


def _line(cells: list[str], widths: list[int], right: tuple[int, ...] = ()) -> str:
    return GAP.join(pad(c, w, right=i in right) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()


def outcome_lines(c: Comparison, cells: int) -> list[tuple[str, str]]:
    """The outcome table as (text, style) lines: all five columns where they fit in ``cells``,
    else the minimums on a line of their own under each strategy; its notes under it."""
    head = list(sureness.COMPARISON_HEADERS)
    rows = outcome_rows(c)
    widths = _widths([head] + rows)
    whole = sum(widths) + width(GAP) * (len(widths) - 1) <= cells
    keep = len(head) if whole else len(head) - 1
    lines = [(_line(head[:keep], widths[:keep], NUMBERS), "bold")]
    for o, row in zip(c.outcomes, rows):
        lines.append((_line(row[:keep], widths[:keep], NUMBERS), "bold" if o.strategy == c.chosen else ""))
        under = ([] if whole else [f"{head[-1]}: {row[-1]}"]) + [clean(n) for n in o.notes]
        lines += [(line, "") for text in under for line in wrap(text, cells, indent=INDENT)]
    return lines


def difference_lines(c: Comparison, cells: int) -> list[tuple[str, str]]:
    """The differences as (text, style) lines: an application's line, then its reasons."""
    rows = difference_rows(c)
    if not rows:
        return []
    head = list(DIFFERENCE_HEADERS) + [SELECTION_LABELS[s] for s in strategies(c)]
    widths = _widths([head] + [r.cells for r in rows])
    lines = [(_line(head, widths, (0,)), "bold")]
    for r in rows:
        lines.append((_line(r.cells, widths, (0,)), ""))
        for label, why in r.reasons:
            lines += [(line, "dim") for line in wrap(f"{label}: {why}", cells, indent=INDENT,
                                                      hanging=INDENT + width(label) + 2)]
    return lines


def comparison_text(result: Result, cells: int, what_if: bool = False) -> Text:
    """The page: the settings compared under, the summary, the outcomes and the differences."""
    c = result.comparison
    t = Text()
    t.append("選定方式の比較", style="bold")
    settings = [result.program.id, f"集計: {METHOD_LABELS[result.method]}"]
    if result.program.gives_money or what_if:
        settings.append(words.budget_text(result, what_if))
    t.append_text(safe(GAP + GAP.join(settings)))
    t.append("\n")
    if c is None:  # not asked for
        return t
    t.append(sureness.comparison_summary(c) + "\n\n", style="bold")
    lines = outcome_lines(c, cells)
    differences = difference_lines(c, cells)
    if differences:
        lines += [("", "")] + differences
    for i, (text, style) in enumerate(lines):
        t.append("\n" if i else "")
        t.append_text(safe(text, style=style))
    return t


class ComparisonScreen(TextPage):
    BINDINGS = [Binding("escape,q,v", "app.pop_screen", "閉じる")]
    DEFAULT_CSS = """
    ComparisonScreen > VerticalScroll { width: 110; height: auto; max-height: 90%; }
    ComparisonScreen .keys { color: $text-muted; margin-top: 1; }
    """
    PAGE_ID = "comparison"
    KEYS = "Esc: 閉じる  PgUp / PgDn: スクロール"

    def __init__(self, result: Result, what_if: bool = False):
        super().__init__()
        self.result, self.what_if = result, what_if

    def page(self) -> Text:
        # the page is at most 110 columns wide, less its border, padding, scrollbar and margin
        return comparison_text(self.result, max(min(self.app.size.width, 110) - 8, 40), self.what_if)
