"""評価者: each evaluator's sheet rates beside their statistics, on one 0–100 axis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.present import charts
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
        return None if self.result is None else charts.evaluator_lines(self.result, self.names, cells)

    def fill(self, result: Result, names: dict[str, str]) -> None:
        self.result, self.names = result, dict(names)
        self.lay_out()
