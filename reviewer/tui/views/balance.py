"""バランス: selected applications by bureau and by track and field model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from reviewer.present import result as words
from reviewer.present.text import clean, pad

if TYPE_CHECKING:
    from reviewer.scoring import Result


def balance_text(result: Result) -> Text:
    from reviewer.domain.vocabulary import BALANCE_LABELS as labels

    text = Text()
    text.append("総合通信局別（#: 申請  =: 対象  採: 採択候補）\n", style="bold")
    peak = max([b.applications for b in result.balance] + [1])
    scale = max(1, -(-peak // 30))
    for b in result.balance:
        text.append(pad(clean(b.bureau), 8))
        text.append(" " * (b.selected // scale), style="reverse bold")
        text.append("=" * ((b.eligible - b.selected) // scale))
        text.append("#" * ((b.applications - b.eligible) // scale), style="dim")
        quota = f"  枠 {words.range_text(b.min, b.max)}" if words.range_text(b.min, b.max) else ""
        text.append(f"  申請 {b.applications} 対象 {b.eligible} 採択 {b.selected}{quota}  ")
        text.append(labels[b.status], style="bold" if b.status != "ok" else "")
        text.append("\n")
    if result.field_balance:
        share = result.program.selection.max_field_share
        limit = f"（採択に占める割合の上限 {share:.0%}）" if share else ""
        text.append(f"\n要件・分野別モデル別{limit}\n", style="bold")
        for f in result.field_balance:
            name = (f"要件{f.key}" if f.kind == "track" else f"  {f.key} {f.name}")
            text.append(pad(clean(name)[:24], 26))  # a model's name comes from the criteria file
            text.append(" " * f.selected, style="reverse bold")
            text.append("=" * (f.eligible - f.selected))
            text.append(f"  申請 {f.applications} 対象 {f.eligible} 採択 {f.selected}")
            if f.share is not None:
                text.append(f"（{f.share:.0%}）")
            if f.flagged:
                text.append("  偏りあり", style="bold reverse")
            text.append("\n")
    return text


class BalanceView(VerticalScroll):
    FOCUS = None

    def compose(self) -> ComposeResult:
        yield Static("集計中...", id="balance-bars", markup=False)

    def fill(self, result: Result) -> None:
        self.query_one("#balance-bars", Static).update(balance_text(result))
