"""The chair's ranking: the decision and the notes in the row (the skip's reason, the
disagreement, why an application is out) and the what-if line (who enters, who leaves)."""

from __future__ import annotations

import pytest
import tuiutil
from textual.widgets import Static
from tuiutil import sample_workspace

from reviewer.present import ranking as row_words
from reviewer.present.result import reasons_text
from reviewer.present.text import width
from reviewer.services.results import score_workspace
from reviewer.tui.app import ReviewerApp
from reviewer.tui.views.ranking import RankingView
from reviewer.tui.widgets.table import LineTable
from reviewer.workspace import Workspace


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


def results(ws_path, *budgets):
    with Workspace.open(ws_path) as ws:
        return [score_workspace(ws, "r2-iot", budget_yen=b) for b in budgets]


# -- the words (pure) ----------------------------------------------------------------------


def test_decision_and_notes_of_each_kind_of_row(ws_path):
    [r] = results(ws_path, None)
    by = {a.id: a for a in r.applications}
    skipped = [a for a in r.applications if a.skipped_for]
    assert skipped, "the sample's budget skips some applications"
    for a in skipped:
        assert row_words.decision(a) == "見送り" and a.skipped_for in row_words.row_notes(a, r.program)
    assert "予算の残額（" in skipped[0].skipped_for
    split = next(a for a in r.applications if a.disagreement)
    assert f"評価の乖離（{split.spread:.1f}）" in row_words.row_notes(split, r.program)
    out = next(a for a in r.applications if not a.eligible)
    assert row_words.decision(out) == "対象外" and row_words.row_notes(out, r.program) == reasons_text(out, r.program)
    top = by[r.ranked[0].id]
    assert row_words.decision(top) == "採択" and row_words.row_notes(top, r.program) == ""


def test_what_if_lists_who_enters_and_who_leaves(ws_path):
    low, higher, own, more = results(ws_path, 30_000_000, 40_000_000, None, 160_000_000)
    # 30M: IOT-0023, IOT-0007, IOT-0028; 40M: IOT-0023, IOT-0001, IOT-0013 (down the ranking, greedily)
    assert row_words.what_if_changes(higher, low) == (["IOT-0001", "IOT-0013"], ["IOT-0007", "IOT-0028"])
    assert row_words.what_if_text(higher, low) == "試算で採択候補に入る: IOT-0001、IOT-0013 / 外れる: IOT-0007、IOT-0028"
    # 10,000,000 more than the program's budget: the first skipped one (15,786,000円) now fits
    assert row_words.what_if_text(more, own) == "試算で採択候補に入る: IOT-0008 / 外れる: なし"
    assert row_words.what_if_text(own, own) == f"試算でも採択候補は変わらない（{len(own.selected)} 件）"
    enters, leaves = row_words.what_if_changes(low, own)
    assert enters == [] and leaves == [a.id for a in own.selected if a.id not in {x.id for x in low.selected}]
    assert row_words.what_if_text(low, own) == f"試算で採択候補に入る: なし / 外れる: {'、'.join(leaves)}"
    # too wide for the terminal: a line a side, each naming the ids that fit and counting the rest
    first, second = row_words.what_if_text(low, own, cells=60).split("\n")
    assert first == "試算で採択候補に入る: なし" and width(second) <= 60
    prefix = "試算で採択候補から外れる: "
    named, _, rest = second.removeprefix(prefix).partition(" ほか ")
    assert named.split("、") == leaves[:len(named.split("、"))] and rest == f"{len(leaves) - len(named.split('、'))} 件"
    short = row_words.what_if_text(higher, low, cells=200)
    assert "\n" not in short                                    # fits: one line


# -- the view ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_skip_reason_and_disagreement_are_in_the_row(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        result = app.screen.result
        t = app.screen.query_one("#ranking-table", LineTable)
        header = [c.label for c in t.columns]
        decision, notes = header.index("判定"), header.index("注記")
        assert header[:2] == ["順位", "申請ID"] and t.frozen == 2
        for a in result.applications:
            row = t.row_at(t.index_of(a.id))
            assert row[decision] == row_words.decision(a)
            if a.skipped_for:
                assert a.skipped_for in row[notes]
            if a.disagreement:
                assert "評価の乖離" in row[notes]
        # at 80 columns the decision and the whole budget reason are on screen, not a scroll away
        skipped = next(a for a in result.applications if a.skipped_for)
        t.move_cursor(t.index_of(skipped.id))
        await pilot.pause()
        y = t.cursor_row - round(t.scroll_y) + 1
        shown = "".join(s.text for s in t.render_line(y))
        assert "見送り" in shown and skipped.skipped_for in shown


@pytest.mark.asyncio
async def test_a_budget_what_if_shows_who_enters_and_leaves(ws_path):
    own, more = results(ws_path, None, 160_000_000)
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        view = app.screen.query_one(RankingView)
        line = view.query_one("#ranking-whatif", Static)
        assert not line.display                        # the program's own result: no what-if line
        view.fill(more, baseline=own)
        await pilot.pause()
        assert line.display and str(line.render()) == "試算で採択候補に入る: IOT-0008 / 外れる: なし"
        assert line.region.y < view.query_one("#ranking-table", LineTable).region.y
        view.fill(own)
        await pilot.pause()
        assert not line.display


@pytest.mark.asyncio
async def test_a_long_what_if_fits_an_80_column_terminal(ws_path):
    own, low = results(ws_path, None, 30_000_000)
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        view = app.screen.query_one(RankingView)
        view.fill(low, baseline=own)
        await pilot.pause()
        shown = str(view.query_one("#ranking-whatif", Static).render()).split("\n")
        assert len(shown) == 2 and all(width(x) <= 78 for x in shown)
        assert shown[0] == "試算で採択候補に入る: なし" and shown[1].startswith("試算で採択候補から外れる: IOT-")
