"""The evaluator's own calibration: each of their submitted sheets with its rate, how they score
on the whole (mean, spread) and per item. Nobody else's sheet is on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding

from reviewer.present.text import fit, pad, width
from reviewer.tui.chrome import safe
from reviewer.tui.screens.dialogs import TextPage

if TYPE_CHECKING:
    from reviewer.services.calibration import Calibration


def _n(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def calibration_text(c: Calibration) -> Text:
    t = Text()
    t.append("自分の採点の傾向（提出済みの採点票だけ。ほかの評価者の採点票は含みません）\n\n", style="bold")
    if c.empty:
        t.append("提出済みの採点票はまだありません。\n")
        return t
    t.append(f"提出済み {c.count} 件   得点率の平均 {_n(c.mean)}   標準偏差 {_n(c.std)}"
             f"   最低 {_n(c.min)}   最高 {_n(c.max)}\n", style="bold")
    t.append("（得点率は 0〜100。ランキングの評価者別の得点率と同じ計算です）\n\n", style="dim")
    t.append(pad("申請ID", 10) + pad("件名", 44) + "得点率  不適合\n", style="bold")
    for s in sorted(c.sheets, key=lambda s: (-s.rate, s.application)):
        t.append(pad(s.application, 10))
        t.append_text(safe(pad(fit(s.title, 42), 44)))
        t.append(f"{s.rate:6.1f}  " + (f"{s.failed_musts}" if s.failed_musts else "-") + "\n")
    if c.criteria:
        t.append("\n項目別の自分の平均点（0〜5）\n", style="bold")
        w = min(max(width(f"{m.criterion} {m.label}") for m in c.criteria), 50)
        for m in c.criteria:
            t.append("  ")
            t.append_text(safe(pad(fit(f"{m.criterion} {m.label}", w), w)))
            t.append(f"  {m.mean:4.2f}（{m.count} 件）\n")
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
