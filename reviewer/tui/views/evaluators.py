"""評価者: each evaluator's sheet rates beside their statistics, on one 0–100 axis; under the
method adjusted, each evaluator's fitted effect (評価者の傾向) and the shrinkage under the chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.present import charts, sureness
from reviewer.present.text import clean
from reviewer.tui.views.balance import ChartView

if TYPE_CHECKING:
    from reviewer.scoring import Result


class EvaluatorsView(ChartView):
    """One line per evaluator, the harshest first: id, name, sheets, mean, SD and a strip of
    their sheet rates, the panel's mean on every strip."""

    FOCUS = None
    BODY = "evaluators-chart"
    result: Result | None = None
    names: dict[str, str] = {}

    def chart(self, cells: int) -> list[charts.Line] | None:
        if self.result is None:
            return None
        return charts.evaluator_lines(self.result, self.names, cells) + effect_lines(self.result, cells)

    def fill(self, result: Result, names: dict[str, str]) -> None:
        self.result, self.names = result, dict(names)
        self.lay_out()


def effect_lines(result: Result, cells: int) -> list[charts.Line]:
    """Under the method adjusted: the shrinkage, then each evaluator's effect in the chart's
    order ("e02 -5.1"), as many on a line as fit; nothing for the other methods."""
    shrinkage = sureness.shrinkage_text(result)
    if not shrinkage:
        return []
    stats = charts.by_mean(result.evaluator_stats)
    items: list[charts.Line] = [[(f"{clean(s.evaluator)} {sureness.effect_text(s.effect)}", charts.PLAIN)] for s in stats]
    return [[], [(shrinkage, charts.PLAIN)]] + charts.pack(items, cells, first=[(sureness.EFFECT, charts.HEAD)])
