"""The evaluator's own calibration: each of their submitted sheets with its rate, how they score
on the whole (mean, spread) and per item. Nobody else's sheet is on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding

from reviewer.present import calibration as words
from reviewer.present.text import fit, pad, width
from reviewer.tui.chrome import safe
from reviewer.tui.screens.dialogs import TextPage

if TYPE_CHECKING:
    from reviewer.services.calibration import Calibration


def calibration_text(c: Calibration) -> Text:
    t = Text()
    t.append(words.TITLE + "\n\n", style="bold")
    if c.empty:
        t.append(words.EMPTY + "\n")
        return t
    t.append(words.summary_line(c) + "\n", style="bold")
    t.append(words.NOTE + "\n\n", style="dim")
    h = words.SHEET_HEADERS
    t.append(pad(h[0], 10) + pad(h[1], 44) + pad(h[2], 8, right=True) + "  " + h[3] + "\n", style="bold")
    for app, title, rate, failed in words.sheet_rows(c):
        t.append(pad(app, 10))
        t.append_text(safe(pad(fit(title, 42), 44)))
        t.append(pad(rate, 8, right=True) + "  " + failed + "\n")
    rows = words.criterion_rows(c)
    if rows:
        t.append("\n" + words.CRITERIA_TITLE + "\n", style="bold")
        w = min(max(width(name) for name, _, _ in rows), 50)
        for name, mean, count in rows:
            t.append("  ")
            t.append_text(safe(pad(fit(name, w), w)))
            t.append(f"  {mean}（{count} 件）\n")
    return t


class CalibrationPage(TextPage):
    BINDINGS = [Binding("escape,enter,q,c", "app.pop_screen", "閉じる")]
    PAGE_ID = "calibration"
    KEYS = "Esc: 閉じる  PgUp / PgDn: スクロール"

    def __init__(self, calibration: Calibration):
        super().__init__()
        self.calibration = calibration

    def page(self) -> Text:
        return calibration_text(self.calibration)
