"""The chair reads sheets: Enter on a submitted sheet shows every item with the criterion's label,
the value, the note and the comment; an application's detail shows its sheets' items side by
side with the spread per item; ``t`` opens the application's text in the reader."""

from __future__ import annotations

import pytest
import tuiutil
from textual.widgets import Static
from tuiutil import sample_workspace

from reviewer.present import sheets as sheet_words
from reviewer.present.text import jst
from reviewer.services.sheets import reopen_sheet, save_sheet
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.chair import ChairScreen
from reviewer.tui.screens.detail import ApplicationDetail
from reviewer.tui.screens.sheet_detail import ApplicationText, SheetDetail
from reviewer.tui.widgets.reader import Reader
from reviewer.tui.widgets.table import LineTable
from reviewer.workspace import Workspace

APP, EV = "IOT-0015", "e03"
NOTES = {"M2": "体制図に責任者の記載がない", "B3": "KPI の根拠（現状値）が示されていない"}
COMMENT = "全体として具体的。\n共同利用の範囲は要確認。"


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    """The sample, where e03's sheet of IOT-0015 was sent back and submitted again with notes."""
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    with Workspace.open(path) as ws:
        old = ws.sheet("r2-iot", APP, EV)
        reopen_sheet(ws, "r2-iot", APP, EV, actor="chair", reason="所見の追記", chair="chair")
        save_sheet(ws, "r2-iot", APP, EV, dict(old.scores, M2="fail"), COMMENT, status="submitted", actor=EV,
                   notes=NOTES)
    return path


def sheet(ws_path, application=APP, evaluator=EV):
    with Workspace.open(ws_path) as ws:
        return ws.program("r2-iot"), ws.application("r2-iot", application), ws.sheet("r2-iot", application, evaluator)


async def open_sheets(pilot, key):
    await tuiutil.settle(pilot)
    await pilot.press("4")
    await pilot.pause()
    table = pilot.app.screen.query_one("#sheets-table", LineTable)
    table.move_cursor(table.index_of(key))
    await pilot.press("enter")
    await pilot.pause()


# -- the words (pure) ----------------------------------------------------------------------


def test_sheet_items_are_every_applicable_item_in_order(ws_path):
    program, app, s = sheet(ws_path)
    items = sheet_words.sheet_items(program, app.track, app.applicant.type, s.scores, s.notes)
    applicable = [c for c in program.applicable(app) if c.kind != "auto"]
    assert [i.id for i in items] == [c.id for c in applicable]
    by = {i.id: i for i in items}
    assert by["M2"].value == "不適合" and by["M1"].value == "適合" and by["M2"].note == NOTES["M2"]
    assert by["B3"].value == str(s.scores["B3"]) and by["B3"].label == program.criterion("B3").label
    # an id the criteria no longer have is kept, last; an item without a value says so
    more = sheet_words.sheet_items(program, app.track, app.applicant.type, {"ZZ9": 2}, {})
    assert more[-1].id == "ZZ9" and more[-1].value == "2" and more[0].value == sheet_words.NOT_SCORED


def test_grid_text_lays_out_values_spreads_and_rates():
    rows = [sheet_words.GridRow("A1", "加点一", "scored", ("3", "5"), 2),
            sheet_words.GridRow("M1", "必須", "must", ("適", "否"), None)]
    text = sheet_words.grid_text(["e01", "e02"], rows, {"e01": 60.0}).splitlines()
    assert text[0].split() == ["項目", "e01", "e02", "幅"]
    assert text[2].split() == ["A1", "加点一", "3", "5", "2"] and text[3].split() == ["M1", "必須", "適", "否"]
    assert text[4].split() == ["得点率", "60.0", "-"]


# -- the sheet's page ----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_enter_on_a_sheet_shows_every_item_note_and_the_comment(ws_path):
    program, app_, s = sheet(ws_path)
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sheets(pilot, f"{APP}/{EV}")
        assert isinstance(app.screen, SheetDetail)
        reader = app.screen.query_one(Reader)
        lines = reader.text_lines()
        text = "\n".join(lines)
        assert EV in text and APP in text and app_.applicant.name in text
        assert f"{jst(s.submitted_at)}（日本時間）" in text
        rate = sheet_words.rate_of_sheet(program, app_.track, app_.applicant.type, s.scores)
        assert f"得点率  {rate:.2f}" in text
        for c in program.applicable(app_):
            if c.kind == "auto":
                continue
            row = next(line for line in lines if line.startswith(f"{c.id} "))
            value = {"pass": "適合", "fail": "不適合"}.get(s.scores[c.id], str(s.scores[c.id]))
            assert row.split()[:2] == [c.id, value] and c.label[:10] in row, row
        for cid, note in NOTES.items():
            assert f"所見: {note}" in text
        assert "全体として具体的。" in text and "共同利用の範囲は要確認。" in text
        await pilot.press("pagedown", "end")                   # the reader scrolls
        await pilot.pause()
        assert reader.scroll_y > 0
        await pilot.press("t")                                 # the application's text, one key away
        await pilot.pause()
        assert isinstance(app.screen, ApplicationText)
        doc = "\n".join(app.screen.query_one(Reader).text_lines())
        assert "自動審査" in doc and all(sec.heading in doc for sec in app_.sections)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SheetDetail)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChairScreen)


@pytest.mark.asyncio
async def test_a_sheet_reopened_meanwhile_opens_no_page(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("4")
        await pilot.pause()
        app.screen._checker.pause()                            # the list stays as it was shown
        with Workspace.open(ws_path) as ws:                    # another session sends it back
            reopen_sheet(ws, "r2-iot", APP, EV, actor="chair", reason="再確認", chair="chair")
        table = app.screen.query_one("#sheets-table", LineTable)
        row = table.index_of(f"{APP}/{EV}")
        assert row is not None
        table.move_cursor(row)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChairScreen)


# -- the application's detail ----------------------------------------------------------------


def grid_lines(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("項目別の採点")) + 1
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    return lines[start:end]


@pytest.mark.asyncio
async def test_application_detail_shows_the_items_side_by_side(ws_path):
    with Workspace.open(ws_path) as ws:
        program = ws.program("r2-iot")
        application = ws.application("r2-iot", APP)
        sheets = {s.evaluator: s.scores for s in ws.sheets(program="r2-iot", status="submitted", application=APP)}
    evaluators = sorted(sheets)
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#ranking-table", LineTable)
        table.move_cursor(table.index_of(APP))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationDetail)
        grid = grid_lines(str(app.screen.query_one("#detail", Static).render()))
        assert grid[0].split() == ["項目", *evaluators, "幅"]
        by_id = {line.split()[0]: line.split() for line in grid[2:]}
        for c in program.applicable(application):
            if c.kind == "auto":
                continue
            values = [sheets[e][c.id] for e in evaluators]
            cells = by_id[c.id]
            if c.kind == "must":
                assert cells[-len(evaluators):] == [{"pass": "適", "fail": "否"}[v] for v in values]
            else:
                assert cells[-len(evaluators) - 1:] == [*map(str, values), str(max(values) - min(values))]
        assert by_id["M2"][-len(evaluators):][evaluators.index(EV)] == "否"
        assert by_id["得点率"][0] == "得点率"
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationText)
        doc = "\n".join(app.screen.query_one(Reader).text_lines())
        assert application.sections and application.sections[0].heading in doc
        await pilot.press("pagedown")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationDetail)
