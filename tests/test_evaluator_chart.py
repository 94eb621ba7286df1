"""Evaluators at a glance (issue 14, point 8): each evaluator's sheet rates on one 0–100 axis
beside their statistics, the harshest first."""

from __future__ import annotations

import re

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static
from tuiutil import sample_workspace

from reviewer.present import charts
from reviewer.present.text import width
from reviewer.services.results import score_workspace
from reviewer.tui.views.evaluators import EvaluatorsView
from reviewer.workspace import Workspace


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = sample_workspace(tmp_path_factory.mktemp("evaluators"), tmp_path_factory.getbasetemp())
    with Workspace.open(path) as ws:
        return score_workspace(ws, "r2-iot"), {p.id: p.name for p in ws.people()}


def test_a_rate_falls_in_its_cell():
    assert [charts.cell_of(r, 41) for r in (0, 1.2, 1.3, 25, 50, 62.5, 75, 99, 100)] == [0, 0, 1, 10, 20, 25, 30, 40, 40]
    assert [charts.cell_of(r, 5) for r in (0, 12.4, 12.5, 100)] == [0, 0, 1, 4]
    assert [charts.strip_cells(c) for c in (3, 37, 40, 41, 44, 45, 200)] == [5, 37, 37, 41, 41, 45, 101]


def test_the_axis_is_labelled_at_each_quarter_over_its_ticks():
    labels, ticks = charts.axis_lines(41)
    assert ticks == "+" + "-" * 9 + "+" + "-" * 9 + "+" + "-" * 9 + "+" + "-" * 9 + "+"
    assert labels.index("0") == 0 and labels.index("25") == 9 and labels.index("50") == 19
    assert labels.index("75") == 29 and labels.endswith("100") and len(labels) == 41
    labels, ticks = charts.axis_lines(5)
    assert ticks == "+++++" and labels.startswith("0") and labels.endswith("100")


def test_marks_count_the_sheets_at_each_cell_with_both_means():
    line = charts.strip([0, 0, 100, 50], own=25, panel=50, cells=5)
    assert charts.plain(line) == "2+1.1"
    styles = [style for text, style in line for _ in text]
    assert styles == [charts.MARK, charts.OWN, charts.PANEL, charts.DOT, charts.MARK]
    # ten sheets or more at one cell; the evaluator's own mean over the panel's in one cell
    line = charts.strip([50] * 12 + [100], own=50, panel=51, cells=5)
    assert charts.plain(line) == "..*.1"
    assert [style for text, style in line for _ in text][2] == charts.OWN
    # the panel's mean where no sheet is
    assert charts.plain(charts.strip([100], own=100, panel=0, cells=9)) == "|.......1"


def test_evaluators_are_listed_harshest_first_on_one_axis(result):
    result, names = result
    cells = 116
    lines = charts.evaluator_lines(result, names, cells)
    text = [charts.plain(line) for line in lines]
    assert all(width(t) <= cells for t in text)
    assert "平均の低い順" in text[0]
    means = sorted((s.mean, s.evaluator) for s in result.evaluator_stats)
    rows = [t for t in text if re.match(r"e\d\d ", t)]
    assert [r.split()[0] for r in rows] == [e for _, e in means] == ["e02", "e01", "e04", "e03"]
    head = next(i for i, t in enumerate(text) if t.startswith("ID"))
    axis, ticks = text[head], text[head + 1]
    strip_at = width(ticks) - len(ticks.lstrip())
    cols = charts.stat_columns(result.evaluator_stats, names, cells)
    assert strip_at == cols.lead and ticks.strip() == charts.axis_lines(cols.strip)[1]
    assert lines[head][-1] == (charts.axis_lines(cols.strip)[0], charts.AXIS)
    assert width(charts.plain(lines[head][:-1])) == cols.lead and axis.endswith("100")
    rates = charts.evaluator_rates(result)
    mu = sum(r for per in rates.values() for r in per) / sum(map(len, rates.values()))
    for s in result.evaluator_stats:
        row = next(line for line in lines if charts.plain(line).startswith(s.evaluator + " "))
        plain = charts.plain(row)
        assert names[s.evaluator] in plain and f"{s.mean:.1f}" in plain and f"{s.std:.1f}" in plain
        strip = [(ch, style) for text, style in row for ch in text][-cols.strip:]
        assert len(strip) == cols.strip
        marks = "".join(ch for ch, _ in strip)
        assert sum(int(ch) for ch in marks if ch.isdigit()) == s.count == len(rates[s.evaluator])  # no "*" here
        for r in rates[s.evaluator]:
            assert marks[charts.cell_of(r, cols.strip)].isdigit()
        assert strip[charts.cell_of(s.mean, cols.strip)][1] == charts.OWN
        panel = charts.cell_of(mu, cols.strip)
        if panel != charts.cell_of(s.mean, cols.strip):
            assert strip[panel][1] == charts.PANEL
    assert f"全体の平均 {mu:.1f}" in "\n".join(text)


def test_without_sheets_the_chart_says_so(result):
    import dataclasses

    empty = dataclasses.replace(result[0], evaluator_stats=[], applications=[])
    text = [charts.plain(line) for line in charts.evaluator_lines(empty, {}, 76)]
    assert text[-1] == "提出された採点票はまだありません"


class Host(App[None]):
    def __init__(self, result, names):
        super().__init__()
        self.result, self.names = result, names

    def compose(self) -> ComposeResult:
        yield EvaluatorsView(id="evaluators")

    def on_mount(self) -> None:
        self.query_one(EvaluatorsView).fill(self.result, self.names)


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_evaluators_view_fits_its_terminal(result, size):
    result, names = result
    app = Host(result, names)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        view = app.query_one(EvaluatorsView)
        body = view.query_one("#evaluators-chart", Static)
        lines = str(body.render()).split("\n")
        cells = body.content_region.width
        assert cells >= size[0] - 4
        assert all(width(line) <= cells for line in lines)
        assert max(map(width, lines)) > cells - 6  # the strip takes the room there is
        rows = [line for line in lines if re.match(r"e\d\d ", line)]
        assert [r.split()[0] for r in rows] == ["e02", "e01", "e04", "e03"]
        assert all(names[r.split()[0]] in r for r in rows)
        shot = app.export_screenshot()
        assert "e03" in shot and "100" in shot


@pytest.mark.asyncio
async def test_the_evaluators_view_is_laid_out_again_on_resize(result):
    result, names = result
    app = Host(result, names)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        body = app.query_one("#evaluators-chart", Static)
        narrow = str(body.render()).split("\n")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        wide = str(body.render()).split("\n")
        assert max(map(width, wide)) > max(map(width, narrow)) + 30
        assert all(width(line) <= body.content_region.width for line in wide)
