"""The chair's screen follows the workspace (issue 14): another session's submission shows within
2 seconds without a key, F5 refreshes at once, a check that finds nothing scores nothing, the
view and the cursor stay where they were, a change during scoring scores once more after, and a
what-if keeps the program's own result beside it (``ChairScreen.baseline``).

Driven with Textual's Pilot on the sample workspace; the other session is a real ``Session``
on a connection of its own, as another evaluator's process would have."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Footer, Static
from tuiutil import sample_workspace, settle

from reviewer.services.session import Session
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.chair import ChairScreen
from reviewer.tui.widgets.table import LineTable

pytestmark = pytest.mark.asyncio

PROGRAM = "r2-iot"
SUBMITTED = 5  # the column of 提出済 in the chair's table of evaluators
LIVE_SECONDS = 2.0  # the measure


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


def submit_a_draft(path, evaluator: str = "e04") -> str:
    """Another session (another evaluator's process) scores every item of one of the
    evaluator's drafts and submits it; the application."""
    other = Session(path, evaluator)
    try:
        row = next(r for r in other.queue(evaluator) if r.status == "draft" and r.program == PROGRAM)
        opened = other.open_sheet(evaluator, row.program, row.application)
        criteria = opened.program.applicable(opened.application)
        scores = {c.id: "pass" if c.kind == "must" else 3 for c in criteria if c.kind in ("must", "scored")}
        other.submit(opened, opened.sheet, scores, "委員長の画面の確認")
        other.close_sheet(opened)
        return row.application
    finally:
        other.close()


def submitted_of(screen: ChairScreen, evaluator: str) -> int:
    table = screen.query_one("#progress-evaluators", LineTable)
    index = table.index_of(evaluator)
    assert index is not None
    return int(table.row_at(index)[SUBMITTED])


def summary(screen: ChairScreen) -> str:
    return str(screen.query_one("#summary", Static).render())


def count_scoring(app: ReviewerApp, delays: list[float] | None = None) -> list[tuple]:
    """The calls of ``ChairDesk.score`` for a ranking from now on (not those that draw its
    sureness or compare the strategies, which follow a ranking); the real scoring still runs (the
    first calls after the given ``delays``, in seconds)."""
    desk = app.chair
    real = desk.score
    calls: list[tuple] = []
    waits = list(delays or [])

    def score(program, method, budget, selection=None, **more):
        if more.get("resamples") or more.get("compare"):
            return real(program, method, budget, selection, **more)
        calls.append((program, method, budget) + ((selection,) if selection else ()))  # a strategy's what-if
        if waits:
            time.sleep(waits.pop(0))
        return real(program, method, budget, selection)

    desk.score = score  # type: ignore[method-assign]
    return calls


async def wait_for(pilot, fn, seconds: float) -> float:
    """Seconds until ``fn()`` is true, pausing the app meanwhile (pytest.fail after ``seconds``)."""
    t0 = time.monotonic()
    while not fn():
        if time.monotonic() - t0 > seconds:
            pytest.fail(f"not within {seconds} s")
        await pilot.pause(0.05)
    return time.monotonic() - t0


async def test_a_submission_elsewhere_shows_within_two_seconds_without_a_key(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChairScreen)
        before = submitted_of(screen, "e04")
        assert "提出済 107 / 割当 110" in summary(screen)
        result = screen.result
        submit_a_draft(ws_path)
        took = await wait_for(pilot, lambda: submitted_of(screen, "e04") == before + 1, LIVE_SECONDS)
        assert "提出済 108 / 割当 110" in summary(screen), took
        await settle(pilot)
        assert screen.result is not result  # scored again, in the worker
        assert "提出済 108 / 割当 110" in summary(screen)


async def test_nothing_is_scored_while_nothing_changes(ws_path):
    """Idle, and while another session only starts and opens an application (audited, but no
    data the chair sees): no scoring. A real change: one."""
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChairScreen)
        calls = count_scoring(app)
        await pilot.pause(2.5)
        other = Session(ws_path, "e01")
        try:
            other.record_start()
            row = other.queue("e01")[0]
            other.close_sheet(other.open_sheet("e01", row.program, row.application))
        finally:
            other.close()
        await pilot.pause(2.5)
        assert calls == []
        submit_a_draft(ws_path)
        await wait_for(pilot, lambda: calls, LIVE_SECONDS)
        await settle(pilot)
        await pilot.pause(1.5)
        assert calls == [(PROGRAM, "mean", None)]


async def test_f5_refreshes_at_once(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChairScreen)
        [key] = [k for k in screen.query_one(Footer).query("FooterKey") if str(k.description) == "更新"]
        assert key.key_display == "F5" and 0 < key.region.right <= 120  # on the key line
        screen._checker.pause()  # no check by the timer: only the key
        before = submitted_of(screen, "e04")
        submit_a_draft(ws_path)
        await pilot.pause(1.5)
        assert submitted_of(screen, "e04") == before  # the timer really is off
        calls = count_scoring(app)
        await pilot.press("f5")
        assert submitted_of(screen, "e04") == before + 1
        assert "提出済 108 / 割当 110" in summary(screen)
        await settle(pilot)
        assert calls == [(PROGRAM, "mean", None)]
        await pilot.press("f5")  # nothing changed: F5 scores again all the same
        await settle(pilot)
        assert len(calls) == 2


async def test_the_view_and_the_cursor_stay_after_a_refresh(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChairScreen)
        evaluators = screen.query_one("#progress-evaluators", LineTable)
        evaluators.focus()
        await pilot.press("down", "down")
        assert evaluators.cursor_key == "e02"
        submit_a_draft(ws_path)  # the rows are read and sorted again
        await wait_for(pilot, lambda: submitted_of(screen, "e04") == 26, LIVE_SECONDS)
        assert evaluators.cursor_key == "e02" and app.focused is evaluators
        await settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        table = screen.query_one("#ranking-table", LineTable)
        await pilot.press("down", "down", "down", "down", "down")
        key = table.cursor_key
        assert key is not None and table.cursor_row == 5
        result = screen.result
        submit_a_draft(ws_path)
        await wait_for(pilot, lambda: screen.result is not result and screen._busy is None, 10)
        assert screen.view == "ranking" and app.focused is table
        assert table.cursor_key == key


async def test_a_change_during_scoring_scores_once_more_after(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChairScreen)
        calls = count_scoring(app, delays=[3.0])  # the next scoring takes 3 s
        await pilot.press("f5")
        assert screen._scoring and screen._busy == "集計中"
        for _ in range(2):  # two changes while it runs, each seen by a check: once more after it
            seen = screen._seen
            submit_a_draft(ws_path)
            await wait_for(pilot, lambda seen=seen: screen._seen != seen, LIVE_SECONDS)  # the app is not blocked
            assert len(calls) == 1 and screen._scoring and screen._again
        await settle(pilot)
        await pilot.pause(1.5)  # no further change: no further scoring
        await settle(pilot)
        assert calls == [(PROGRAM, "mean", None)] * 2
        assert "提出済 109 / 割当 110" in summary(screen)
        assert screen.result is not None
        assert sum(1 for s in screen.result.sheets if s.evaluator == "e04") == submitted_of(screen, "e04")


async def test_a_what_if_keeps_the_programs_own_result_beside_it(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChairScreen)
        assert screen.baseline is None  # the program's own result is the one shown
        own = screen.result
        calls = count_scoring(app)
        await pilot.press("2", "m")  # another method
        await settle(pilot)
        assert screen.result is not None and screen.result.method == "median"
        assert screen.baseline is own  # nothing changed: the own result at hand serves
        assert calls == [(PROGRAM, "median", None)]
        await pilot.press("b")
        await pilot.pause()
        app.screen.query_one("Input").value = "30000000"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.result.budget_yen == 30_000_000 and screen.baseline is own
        submit_a_draft(ws_path)  # the data changed: the own result is scored again too
        await wait_for(pilot, lambda: len(calls) >= 4, LIVE_SECONDS + 1)
        await settle(pilot)
        assert calls[2:] == [(PROGRAM, "median", 30_000_000), (PROGRAM, "mean", None)]
        baseline = screen.baseline
        assert baseline is not None and baseline is not own and baseline.method == "mean"
        assert baseline.budget_yen == own.budget_yen
        while screen.method != "mean":
            await pilot.press("m")
            await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        app.screen.query_one("Input").value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert screen.baseline is None and screen.result.method == "mean"


async def test_a_selection_strategy_is_a_what_if_too(ws_path):
    """``s`` cycles the strategy from the criteria file's (r2-iot: greedy); another is a what-if
    beside the program's own result, and the summary names it; back at greedy, the own result."""
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChairScreen)
        own = screen.result
        assert own is not None and own.selection == "greedy" and "選定: 順に選ぶ（greedy）" in summary(screen)
        calls = count_scoring(app)
        await pilot.press("s")
        await settle(pilot)
        assert calls == [(PROGRAM, "mean", None, "quota")]
        assert screen.result.selection == "quota" and screen.baseline is own
        assert "選定: 下限を先に満たす（quota）" in summary(screen)
        await pilot.press("s")
        await settle(pilot)
        assert screen.result.selection == "optimal" and "選定: 最適化（optimal）" in summary(screen)
        await pilot.press("s")
        await settle(pilot)
        assert screen.selection is None and screen.baseline is None and screen.result.selection == "greedy"
        assert calls[-1] == (PROGRAM, "mean", None)
