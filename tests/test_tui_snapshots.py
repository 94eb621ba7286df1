"""Snapshots of the main screens at 80×24 and 120×40 (pytest-textual-snapshot, committed SVGs).

Update after a deliberate change: pytest tests/test_tui_snapshots.py --snapshot-update,
then look at snapshot_report.html.
"""

from __future__ import annotations

import pytest
import tuiutil
from tuiutil import sample_workspace

from reviewer.tui.app import ReviewerApp

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


async def _settle(pilot):
    await tuiutil.settle(pilot)


async def _open_first_draft(pilot):
    await pilot.pause()
    await pilot.press("s", "s", "enter")
    await pilot.pause()
    await pilot.pause()  # the description box takes its height after the first layout


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_evaluator_list(snap_compare, ws_path, size):
    assert snap_compare(ReviewerApp(ws_path, "e04"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_application_and_form(snap_compare, ws_path, size):
    assert snap_compare(ReviewerApp(ws_path, "e04"), terminal_size=size, run_before=_open_first_draft)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_reading_the_application(snap_compare, ws_path, size):
    """Reading: the application paged down and searched (at 80x24 in the application-only view),
    the hits highlighted, the focus back in the form."""
    async def read(pilot):
        await _open_first_draft(pilot)
        if size[0] < 100:
            await pilot.press("f6")
        await pilot.press("pagedown", "slash", *"レセプト", "enter", "escape")
        await pilot.pause()

    assert snap_compare(ReviewerApp(ws_path, "e04"), terminal_size=size, run_before=read)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_scoring_an_item(snap_compare, ws_path, size):
    """Scoring: further down the form (at 80x24 in the form-only view), a score given and a
    note written; the focused item's description and score meanings above the form."""
    async def score(pilot):
        await _open_first_draft(pilot)
        if size[0] < 100:
            await pilot.press("f6", "f6")
        await pilot.press("down", "down", "down", "4", "m", *"根拠が弱い", "enter")
        await pilot.pause()

    assert snap_compare(ReviewerApp(ws_path, "e04"), terminal_size=size, run_before=score)


def test_submit_summary(snap_compare, ws_path):
    async def submit(pilot):
        await _open_first_draft(pilot)
        await pilot.press("f2")
        await pilot.pause()

    assert snap_compare(ReviewerApp(ws_path, "e04"), terminal_size=(120, 40), run_before=submit)


def test_calibration(snap_compare, ws_path):
    assert snap_compare(ReviewerApp(ws_path, "e01"), terminal_size=(80, 24), press=["c"])


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_chair_progress(snap_compare, ws_path, size):
    assert snap_compare(ReviewerApp(ws_path, "chair"), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_chair_ranking(snap_compare, ws_path, size):
    async def ranking(pilot):
        await _settle(pilot)
        await pilot.press("2")
        await _settle(pilot)

    assert snap_compare(ReviewerApp(ws_path, "chair"), terminal_size=size, run_before=ranking)


def _chair_view(*keys: str):
    async def run(pilot):
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_chair_balance(snap_compare, ws_path, size):
    assert snap_compare(ReviewerApp(ws_path, "chair"), terminal_size=size, run_before=_chair_view("3"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_chair_evaluators(snap_compare, ws_path, size):
    assert snap_compare(ReviewerApp(ws_path, "chair"), terminal_size=size, run_before=_chair_view("6"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_chair_sheet_detail(snap_compare, ws_path, size):
    """Enter on a submitted sheet: its items, notes and comment."""
    assert snap_compare(ReviewerApp(ws_path, "chair"), terminal_size=size, run_before=_chair_view("4", "enter"))


def test_help(snap_compare, ws_path):
    assert snap_compare(ReviewerApp(ws_path, "e01"), terminal_size=(80, 24), press=["f1"])


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_chair_sheets(snap_compare, ws_path, size):
    assert snap_compare(ReviewerApp(ws_path, "chair"), terminal_size=size, run_before=_chair_view("4"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_chair_application_detail(snap_compare, ws_path, size):
    assert snap_compare(ReviewerApp(ws_path, "chair"), terminal_size=size, run_before=_chair_view("2", "down", "enter"))


def test_chair_what_if(snap_compare, ws_path):
    """A what-if budget: the ranking says who enters and who leaves against the program's own."""
    async def what_if(pilot):
        await _chair_view("2")(pilot)
        await pilot.press("b")
        await pilot.pause()
        pilot.app.screen.query_one("Input").value = "100,000,000"
        await pilot.press("enter")
        await _settle(pilot)

    assert snap_compare(ReviewerApp(ws_path, "chair"), terminal_size=(120, 40), run_before=what_if)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_chair_assignments(snap_compare, ws_path, size):
    """The 割当 view with two conflict declarations (fixed times: the snapshot stays the same)."""
    from unittest import mock

    from reviewer.services.sheets import declare_conflict
    from reviewer.workspace import Workspace

    with Workspace.open(ws_path) as ws, mock.patch("reviewer.workspace.clock.now",
                                                   return_value="2026-04-02T05:10:00.000+00:00"):
        declare_conflict(ws, "r2-iot", "IOT-0026", "e04", "申請者の顧問を務めている", actor="e04")
        declare_conflict(ws, "r2-iot", "IOT-0027", "e04", "構成員の企業と取引関係がある", actor="e04")
    assert snap_compare(ReviewerApp(ws_path, "chair"), terminal_size=size, run_before=_chair_view("5"))
