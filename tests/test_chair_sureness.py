"""How sure the ranking is, on the chair's screen (issue 15, points 3–5): the ranking marks the
boundary zone (境) on exactly the result's boundary rows, with the 90 % interval and the share of
resamples selected as columns and the sureness line above the table, drawn after the ranking
(which does not wait for it); ``v`` compares the selection strategies (the outcome and the
differences with their reasons), Esc closes it; the detail of an application shows its
sureness; the evaluators view shows each evaluator's effect under the method adjusted; the help
explains the key and the zone; the key line keeps within 80 columns. Snapshots of the
comparison at 80x24 and 120x40 (the ranking's are in test_tui_snapshots.py)."""

from __future__ import annotations

import time

import pytest
import tuiutil
from textual.widgets import Footer, Static
from tuiutil import sample_workspace

from reviewer.domain.limits import DEFAULT_RESAMPLES
from reviewer.present import sureness
from reviewer.services.results import score_workspace
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.chair import SEED, ChairScreen
from reviewer.tui.screens.comparison import ComparisonScreen, difference_rows, outcome_rows
from reviewer.tui.screens.detail import ApplicationDetail
from reviewer.tui.screens.help import HelpScreen
from reviewer.tui.views.ranking import CUT_KEY, DRAWING
from reviewer.tui.widgets.table import LineTable
from reviewer.workspace import Workspace

PROGRAM = "r2-iot"
WHAT_IF = 100_000_000  # a budget under which the strategies select differently (the sample)
SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


def scored(ws_path, **options):
    """The program scored as the chair's screen does, straight through the service."""
    with Workspace.open(ws_path) as ws:
        return score_workspace(ws, PROGRAM, **options)


def squeeze(text: str) -> str:
    """Text without its line breaks and spaces (wrapped lines compared with what was wrapped)."""
    return "".join(text.split())


def line(t: LineTable, y: int) -> str:
    return "".join(s.text for s in t.render_line(y))


async def ranking(pilot):
    await tuiutil.settle(pilot)
    await pilot.press("2")
    await tuiutil.settle(pilot)
    return pilot.app.screen.query_one("#ranking-table", LineTable)


async def what_if(pilot, budget: int = WHAT_IF):
    await ranking(pilot)
    await pilot.press("b")
    await pilot.pause()
    pilot.app.screen.query_one("Input").value = f"{budget:,}"
    await pilot.press("enter")
    await tuiutil.settle(pilot)


async def until(pilot, fn, seconds: float = 20.0) -> None:
    t0 = time.monotonic()
    while not fn():
        if time.monotonic() - t0 > seconds:
            pytest.fail(f"not within {seconds} s")
        await pilot.pause(0.05)


# -- the ranking ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_boundary_mark_is_on_exactly_the_boundary_rows(ws_path):
    expected = scored(ws_path, resamples=DEFAULT_RESAMPLES, seed=SEED)
    assert expected.boundary, "the sample has applications in the boundary zone"
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        t = await ranking(pilot)
        screen = app.screen
        assert isinstance(screen, ChairScreen)
        result = screen.result
        assert result is not None and (result.resamples, result.seed) == (DEFAULT_RESAMPLES, SEED)
        header = [c.label for c in t.columns]
        mark = header.index(sureness.BOUNDARY_SHORT)
        interval, share = header.index(sureness.RANK_INTERVAL), header.index(sureness.P_SELECTED)
        by = {a.id: a for a in expected.applications}
        marked = []
        for row in range(t.row_count):
            key, cells = t.key_at(row), t.row_at(row)
            if key == CUT_KEY:
                continue
            a = by[key]
            if cells[mark] == sureness.BOUNDARY_SHORT:
                marked.append(key)
            else:
                assert cells[mark] == "", (key, cells)
            shown = (sureness.rank_interval_text(a), sureness.share_text(a.p_selected)) if a.rank else ("", "")
            assert (cells[interval], cells[share]) == shown, key
        assert marked == [a.id for a in expected.boundary] == [a.id for a in result.boundary]
        # at 80 columns the mark is in view beside the decision (the columns are a scroll away)
        assert sureness.BOUNDARY_SHORT in line(t, 0) and "判定" in line(t, 0)
        first = expected.boundary[0]
        t.move_cursor(t.index_of(first.id))
        await pilot.pause()
        shown = line(t, t.cursor_row - round(t.scroll_y) + 1)
        assert f"{first.id}  " in shown and f"  {sureness.BOUNDARY_SHORT}  " in shown, shown
        # the sureness line above the table says what the mark means
        text = str(screen.query_one("#ranking-sureness", Static).render())
        assert squeeze(text) == squeeze(sureness.sureness_line(expected))
        assert screen.query_one("#ranking-sureness").region.y < t.region.y


@pytest.mark.asyncio
async def test_a_what_if_is_drawn_with_its_sureness_too(ws_path):
    expected = scored(ws_path, budget_yen=WHAT_IF, resamples=DEFAULT_RESAMPLES, seed=SEED)
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await what_if(pilot)
        screen = app.screen
        result = screen.result
        assert result.budget_yen == WHAT_IF and result.resamples == DEFAULT_RESAMPLES
        assert [a.id for a in result.boundary] == [a.id for a in expected.boundary]
        assert screen.baseline is not None and screen.baseline.budget_yen != WHAT_IF
        t = screen.query_one("#ranking-table", LineTable)
        mark = [c.label for c in t.columns].index(sureness.BOUNDARY_SHORT)
        marked = [t.key_at(r) for r in range(t.row_count) if t.row_at(r)[mark] == sureness.BOUNDARY_SHORT]
        assert marked == [a.id for a in expected.boundary]


@pytest.mark.asyncio
async def test_the_ranking_does_not_wait_for_the_sureness(ws_path):
    """The result comes first, without the sureness; the sureness (slowed here to 3 s) after it,
    the busy line saying so meanwhile; the app answers keys meanwhile."""
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        t = await ranking(pilot)
        screen = app.screen
        real = screen.score_more
        draws: list[int] = []

        def slow(program, asked, resamples=0, compare=False):
            if resamples:
                draws.append(resamples)
                time.sleep(3.0)
            return real(program, asked, resamples, compare)

        screen.score_more = slow  # type: ignore[method-assign]
        before = screen.result
        line = screen.query_one("#ranking-sureness", Static)
        top = t.region.y
        await pilot.press("f5")
        await until(pilot, lambda: screen.result is not before)
        assert screen.result.resamples == 0 and screen._busy == "順位の確かさを計算中"
        mark = [c.label for c in t.columns].index(sureness.BOUNDARY_SHORT)
        assert all(t.row_at(r)[mark] == "" for r in range(t.row_count) if t.key_at(r) != CUT_KEY)
        await pilot.pause()
        assert str(line.render()).split("\n")[0] == DRAWING and t.region.y == top  # its place kept
        await pilot.press("down")  # the app answers meanwhile
        assert t.cursor_row == 1
        await tuiutil.settle(pilot)
        assert draws == [DEFAULT_RESAMPLES] and screen.result.resamples == DEFAULT_RESAMPLES
        assert squeeze(str(line.render())) == squeeze(sureness.sureness_line(screen.result))
        assert t.region.y == top and t.cursor_row == 1


# -- the comparison ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_v_compares_the_strategies_and_esc_closes(ws_path):
    expected = scored(ws_path, budget_yen=WHAT_IF, compare=True).comparison
    assert expected.differences, "the strategies differ under the what-if budget"
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await what_if(pilot)
        chair = app.screen
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ComparisonScreen))
        page = app.screen
        c = page.result.comparison
        assert c.chosen == expected.chosen == "greedy"
        assert outcome_rows(c) == [sureness.outcome_row(o, expected.chosen) for o in expected.outcomes]
        rows = difference_rows(c)
        strategies = [o.strategy for o in expected.outcomes]
        assert [r.cells for r in rows] == [[str(d.rank), d.id, d.bureau] + [sureness.chosen_mark(d.selected[s])
                                                                          for s in strategies]
                                           for d in expected.differences]
        assert [[why for _, why in r.reasons] for r in rows] == [[d.why[s] for s in strategies]
                                                                 for d in expected.differences]
        # and on the page: each strategy's line, each application's line and its reasons
        text = str(page.query_one("#comparison", Static).render())
        lines = text.split("\n")
        assert sureness.comparison_summary(expected) in lines
        for o in expected.outcomes:
            cells = sureness.outcome_row(o, expected.chosen)
            assert any(x.split() == " ".join(cells).split() for x in lines), cells
        flat = squeeze(text)
        for d in expected.differences:
            marks = [sureness.chosen_mark(d.selected[s]) for s in strategies]
            assert any(x.split() == [str(d.rank), d.id, d.bureau, *marks] for x in lines), d.id
            for s in strategies:
                assert squeeze(d.why[s]) in flat
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is chair
        await pilot.press("v")  # nothing changed: the comparison at hand, at once
        await pilot.pause()
        assert isinstance(app.screen, ComparisonScreen) and app.screen.result is page.result
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is chair


@pytest.mark.asyncio
async def test_the_comparison_is_computed_in_a_worker_with_the_busy_line(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await ranking(pilot)
        screen = app.screen
        real = screen.score_more
        asked: list[bool] = []

        def slow(program, asked_for, resamples=0, compare=False):
            if compare:
                asked.append(compare)
                time.sleep(1.0)
            return real(program, asked_for, resamples, compare)

        screen.score_more = slow  # type: ignore[method-assign]
        await pilot.press("v")
        await pilot.pause(0.2)
        assert app.screen is screen and screen._tasks.get("compare") == "選定方式を比較中"
        if list(screen._tasks) == ["compare"]:  # the busy line shows the first task under way
            assert "選定方式を比較中" in str(screen.query_one("#busy", Static).render())
        await pilot.press("v")  # pressed again meanwhile: still one comparison
        await until(pilot, lambda: isinstance(app.screen, ComparisonScreen) and bool(app.screen.query("#comparison")))
        assert asked == [True] and "compare" not in screen._tasks
        text = str(app.screen.query_one("#comparison", Static).render())
        assert "3つの選定方式の採択候補は同じです" in text  # the sample's own budget: they agree
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_comparison_snapshot(snap_compare, ws_path, size):
    async def compare(pilot):
        await what_if(pilot)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(pilot.app.screen, ComparisonScreen))
        await pilot.pause()

    assert snap_compare(ReviewerApp(ws_path, "chair"), terminal_size=size, run_before=compare)


# -- the detail, the evaluators, the help, the key line ---------------------------------------


@pytest.mark.asyncio
async def test_the_detail_shows_the_sureness(ws_path):
    expected = scored(ws_path, resamples=DEFAULT_RESAMPLES, seed=SEED)
    a = expected.boundary[0]
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        t = await ranking(pilot)
        t.move_cursor(t.index_of(a.id))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationDetail)
        text = str(app.screen.query_one("#detail", Static).render())
        want = (f"{sureness.EXPECTED_RANK} {sureness.expected_rank_text(a)}  {sureness.RANK_INTERVAL} "
                f"{sureness.rank_interval_text(a)}  {sureness.P_SELECTED} {sureness.share_text(a.p_selected)}"
                f"  {sureness.BOUNDARY}")
        assert want in text.split("\n")
        await pilot.press("escape")
        await pilot.pause()
        calm = next(x for x in expected.ranked if not x.boundary)
        t.move_cursor(t.index_of(calm.id))
        await pilot.press("enter")
        await pilot.pause()
        text = str(app.screen.query_one("#detail", Static).render())
        assert f"{sureness.RANK_INTERVAL} {sureness.rank_interval_text(calm)}" in text
        assert sureness.BOUNDARY not in text


@pytest.mark.asyncio
async def test_the_evaluators_view_shows_the_effects_under_adjusted(ws_path):
    expected = scored(ws_path, method="adjusted")
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("6")
        await tuiutil.settle(pilot)
        screen = app.screen
        chart = screen.query_one("#evaluators-chart", Static)
        assert sureness.EFFECT not in str(chart.render())  # the mean: no effects
        while screen.method != "adjusted":
            await pilot.press("m")
            await tuiutil.settle(pilot)
        text = str(chart.render())
        lines = text.split("\n")
        assert sureness.shrinkage_text(expected) in lines
        effects = "\n".join(x for x in lines[lines.index(sureness.shrinkage_text(expected)) + 1:])
        assert effects.startswith(sureness.EFFECT)
        shown = effects.removeprefix(sureness.EFFECT).split()
        order = sorted(expected.evaluator_stats, key=lambda s: (s.mean is None, s.mean or 0.0, s.evaluator))
        assert shown == [x for s in order for x in (s.evaluator, sureness.effect_text(s.effect))]
        assert all(s.effect is not None for s in expected.evaluator_stats)
        await pilot.press("m")  # the next method: the effects go
        await tuiutil.settle(pilot)
        assert sureness.EFFECT not in str(chart.render())


@pytest.mark.asyncio
async def test_the_chairs_help_explains_the_key_and_the_boundary_zone(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one(Static).render())
        assert any(x.strip().startswith("v ") and "選定方式" in x for x in text.split("\n"))
        flat = squeeze(text)
        for sentence in sureness.SURENESS_EXPLANATION + sureness.ADJUSTED_EXPLANATION:
            assert squeeze(sentence) in flat
        assert all(len(x) <= 80 for x in text.split("\n"))


@pytest.mark.asyncio
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_the_key_line_shows_v_on_the_ranking_and_fits(ws_path, size):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=size) as pilot:
        await tuiutil.settle(pilot)
        for view in "123456":
            await pilot.press(view)
            await tuiutil.settle(pilot)
            keys = list(app.screen.query_one(Footer).query("FooterKey"))
            labels = [str(k.description) for k in keys]
            assert ("比較" in labels) == (view == "2"), (view, labels)
            assert "ヘルプ" in labels and "終了" in labels
            assert all(0 < k.region.width and k.region.right <= size[0] for k in keys), (view, labels)
