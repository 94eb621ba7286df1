"""The second half of a review on the chair's screen (SPEC §6.4, §6.7), driven with Textual's Pilot
on the sample workspace and checked in the workspace itself: shortlisting from the ranking (one
application with its date and place, off again with a reason; the top of the ranking and the
boundary zone at once), the marks and the line of the highlighted row (the schedule, the written
and hearing rates of a heard application, the decision and its reason), a decision that needs its
reason, opinions, requests and their answers (a file on the server) in view 7, finalizing with the
screen's settings (確定済み in the title, a later decision refused on the message line, F and R in
the footer by turns, within 80 columns) and reopening; untrusted text shown literally."""

from __future__ import annotations

import pytest
import tuiutil
from textual.widgets import Footer, Input, OptionList, Static
from tuiutil import sample_workspace

from reviewer.present import ranking as row_words
from reviewer.present import review as review_words
from reviewer.rules.sheets import stage_criteria
from reviewer.services import review
from reviewer.services.sheets import save_sheet
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.chair import ChairScreen
from reviewer.tui.screens.dialogs import ConfirmDialog, FormDialog, InputDialog, PickDialog
from reviewer.tui.views.decisions import DecisionsView
from reviewer.tui.widgets.table import LineTable
from reviewer.workspace import Workspace
from reviewer.workspace.errors import finalized_message

pytestmark = pytest.mark.asyncio

PROGRAM = "r2-iot"
SKIPPED = "IOT-0008"  # ranked 16th, skipped for the budget: a decision to select it departs
TOP = "IOT-0023"


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


# -- driving the dialogs as a user would (the values set, then Enter) -------------------------------


async def pick(pilot, choice: str) -> None:
    dialog = pilot.app.screen
    assert isinstance(dialog, PickDialog), dialog
    options = dialog.query_one(OptionList)
    options.highlighted = options.get_option_index(choice)
    await pilot.press("enter")
    await pilot.pause()


async def fill(pilot, *values: str) -> None:
    """Type ``values`` into a form's lines, Enter on each (the last submits)."""
    dialog = pilot.app.screen
    assert isinstance(dialog, FormDialog), dialog
    for i, value in enumerate(values):
        field = dialog.query_one(f"#form-{i}", Input)
        assert field.has_focus, i
        field.value = value
        await pilot.press("enter")
        await pilot.pause()


async def answer(pilot, value: str) -> None:
    dialog = pilot.app.screen
    assert isinstance(dialog, InputDialog), dialog
    dialog.query_one("#dialog-input", Input).value = value
    await pilot.press("enter")
    await pilot.pause()


async def to_ranking(pilot, application: str | None = None) -> LineTable:
    await tuiutil.settle(pilot)
    await pilot.press("2")
    await tuiutil.settle(pilot)
    table = pilot.app.screen.query_one("#ranking-table", LineTable)
    if application is not None:
        table.move_cursor(table.index_of(application))
        await pilot.pause()
    return table


def marks_of(table: LineTable, application: str) -> str:
    header = [c.label for c in table.columns]
    return table.row_at(table.index_of(application))[header.index(row_words.MARKS)]


def notes_of(table: LineTable, application: str) -> str:
    header = [c.label for c in table.columns]
    return table.row_at(table.index_of(application))[header.index("注記")]


def detail(screen: ChairScreen) -> str:
    return str(screen.query_one("#ranking-detail", Static).render())


def last_told(app: ReviewerApp) -> tuple[str, str]:
    return app.told[-1].message, app.told[-1].severity


def listed(screen: ChairScreen) -> dict[str, str]:
    """View 7's entries: id → text."""
    options = screen.query_one("#decide-list", OptionList)
    return {o.id or "": str(o.prompt) for o in options.options}


# -- the shortlist --------------------------------------------------------------------------------


async def test_shortlisting_from_the_ranking_and_off_again(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        table = await to_ranking(pilot, "IOT-0001")
        screen = app.screen
        assert isinstance(screen, ChairScreen)
        assert marks_of(table, "IOT-0001") == ""
        assert detail(screen).startswith("IOT-0001 ") and "h ヒアリング対象" in detail(screen)
        await pilot.press("h")
        await pilot.pause()
        await fill(pilot, "2026-12-10 10:00", "https://meet.example/x")
        assert not isinstance(app.screen, FormDialog)
        with Workspace.open(ws_path) as ws:
            [entry] = ws.shortlist(PROGRAM)
        assert (entry.application, entry.scheduled, entry.place) == ("IOT-0001", "2026-12-10 10:00", "https://meet.example/x")
        assert last_told(app) == (review_words.shortlisted(PROGRAM, 1, 0), "information")
        await pilot.pause()
        assert marks_of(table, "IOT-0001") == row_words.HEARD       # at once, before the scoring again
        assert "ヒアリング 2026-12-10 10:00、https://meet.example/x" in detail(screen)
        await tuiutil.settle(pilot)
        assert next(a for a in screen.result.applications if a.id == "IOT-0001").shortlisted
        # h again: change when and where, or off the shortlist with a reason
        await pilot.press("h")
        await pilot.pause()
        await pick(pilot, "remove")
        await answer(pilot, "")                                     # the reason is required
        assert isinstance(app.screen, InputDialog)
        assert "理由を入力してください" in str(app.screen.query_one("#dialog-problem", Static).render())
        await answer(pilot, "日程が合わない")
        assert not isinstance(app.screen, InputDialog)
        with Workspace.open(ws_path) as ws:
            assert ws.shortlist(PROGRAM) == []
        await tuiutil.settle(pilot)
        assert marks_of(table, "IOT-0001") == ""


async def test_the_top_and_the_boundary_zone_at_once(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_ranking(pilot)
        screen = app.screen
        result = screen.result
        assert result.resamples and result.boundary  # the sureness is drawn: the boundary zone is offered
        await pilot.press("H")
        await pilot.pause()
        await pick(pilot, "top")
        await answer(pilot, "0")
        assert isinstance(app.screen, InputDialog)                 # 1 .. the ranked count
        await answer(pilot, "3")
        await fill(pilot, "2026-12-10", "第1会議室")
        with Workspace.open(ws_path) as ws:
            top = [e.application for e in ws.shortlist(PROGRAM)]
            audit = [r for r in ws.audit(PROGRAM) if r.action == "shortlist-add"]
        assert sorted(top) == sorted(a.id for a in result.ranked[:3])
        assert len(audit) == 3 and all(r.detail == review_words.around_why(3, False, "mean") for r in audit)
        await tuiutil.settle(pilot)
        await pilot.press("H")
        await pilot.pause()
        await pick(pilot, "boundary")
        form = app.screen
        assert isinstance(form, FormDialog)
        await fill(pilot, "2026-12-11 13:00", "第2会議室")
        with Workspace.open(ws_path) as ws:
            entries = {e.application: e for e in ws.shortlist(PROGRAM)}
        boundary = [a.id for a in screen.result.boundary]
        assert set(entries) == set(top) | set(boundary)
        # those on it already keep when and where they are heard
        assert all(entries[a].scheduled == "2026-12-10" for a in top)
        assert all(entries[a].scheduled == "2026-12-11 13:00" for a in boundary if a not in top)
        await tuiutil.settle(pilot)
        table = screen.query_one("#ranking-table", LineTable)
        assert all(marks_of(table, a) == row_words.HEARD for a in entries)


async def test_a_heard_applications_rates_are_on_its_line(ws_path):
    with Workspace.open(ws_path) as ws:
        review.shortlist(ws, PROGRAM, ["IOT-0001"], "chair", "t", "2026-12-10 10:00", "第1会議室")
        prog, app_ = ws.program(PROGRAM), ws.application(PROGRAM, "IOT-0001")
        hearing = stage_criteria(prog, app_, "hearing")
        for evaluator, points in (("e02", 5), ("e03", 3)):
            save_sheet(ws, PROGRAM, "IOT-0001", evaluator, {c: points for c in hearing}, status="submitted",
                       stage="hearing", actor="t")
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await to_ranking(pilot, "IOT-0001")
        a = next(x for x in app.screen.result.applications if x.id == "IOT-0001")
        assert a.hearing_rate is not None and len(a.hearing_sheet_rates) == 2
        line = detail(app.screen)
        assert row_words.rates_text(a) in line
        assert f"書面 {a.written_rate:.2f}・ヒアリング {a.hearing_rate:.2f}（2 件）→ 得点率 {a.score_rate:.2f}" in line
        await pilot.press("7")
        await tuiutil.settle(pilot)
        assert row_words.rates_text(a) in listed(app.screen)["s/IOT-0001"]


# -- decisions, opinions, materials ---------------------------------------------------------------


async def test_a_decision_is_recorded_with_its_reason(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await to_ranking(pilot, SKIPPED)
        screen = app.screen
        await pilot.press("d")
        await pilot.pause()
        await pick(pilot, "select")
        await answer(pilot, "   ")                                  # no reason: refused in the dialog
        assert isinstance(app.screen, InputDialog)
        with Workspace.open(ws_path) as ws:
            assert ws.decisions(PROGRAM) == {}
        await answer(pilot, "地域の重点施策に合致する")
        with Workspace.open(ws_path) as ws:
            d = ws.decisions(PROGRAM)[SKIPPED]
        assert (d.decision, d.reason) == ("select", "地域の重点施策に合致する") and d.decided_by.startswith("chair")
        assert last_told(app)[0] == review_words.decided(PROGRAM, SKIPPED, "select")
        await tuiutil.settle(pilot)
        assert marks_of(table, SKIPPED) == f"{'  '} {row_words.DECIDED['select']}"
        assert notes_of(table, SKIPPED).startswith("決定 採択（計算上は見送り）: 地域の重点施策")
        assert "決定 採択（計算上は見送り）" in detail(screen)
        final = screen.result.final
        assert SKIPPED in final.ids and final.departures == 1
        assert any("予算を超えています" in w for w in final.warnings)  # the sample's budget is spent
        assert f"{review_words.FINAL_LIST} {final.count} 件" in str(screen.query_one("#summary", Static).render())
        # view 7: the final list with the decision and its reason, the warning in a style of its own
        await pilot.press("7")
        await tuiutil.settle(pilot)
        entries = listed(screen)
        assert entries[f"f/{SKIPPED}"].endswith("採択: 地域の重点施策に合致する")
        warnings = screen.query_one("#decide-warnings", Static)
        assert warnings.display and "警告: 予算を超えています" in str(warnings.render())
        # withdrawn (with a reason) from view 7's entry
        options = screen.query_one("#decide-list", OptionList)
        options.highlighted = options.get_option_index(f"f/{SKIPPED}")
        await pilot.press("d")
        await pilot.pause()
        await pick(pilot, "withdraw")
        await answer(pilot, "再検討")
        with Workspace.open(ws_path) as ws:
            assert ws.decisions(PROGRAM) == {}


async def test_opinions_requests_and_answers_in_view_7(ws_path, tmp_path):
    received = tmp_path / "積算根拠.txt"
    received.write_bytes(b"labour 1,000,000\n")
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await to_ranking(pilot, TOP)
        screen = app.screen
        await pilot.press("i")
        await pilot.pause()
        await fill(pilot, "積算根拠の内訳", "2026-12-05")
        await pilot.press("o")
        await pilot.pause()
        await fill(pilot, "東海総合通信局", "推進体制が整っている", "2026-12-01")
        with Workspace.open(ws_path) as ws:
            [request] = ws.requests(PROGRAM)
            [opinion] = ws.opinions(PROGRAM)
        assert (request.application, request.what, request.due, request.answered) == (TOP, "積算根拠の内訳", "2026-12-05", False)
        assert (opinion.application, opinion.source, opinion.text, opinion.given_on) == (
            TOP, "東海総合通信局", "推進体制が整っている", "2026-12-01")
        assert "追加資料 1 件（回答待ち 1）" in detail(screen) and "意見 1 件" in detail(screen)
        await pilot.press("7")
        await tuiutil.settle(pilot)
        entries = listed(screen)
        key = f"q/{request.id}/{TOP}"
        assert "積算根拠の内訳" in entries[key] and review_words.WAITING in entries[key]
        assert "東海総合通信局（2026-12-01）: 推進体制が整っている" in entries[f"o/{opinion.id}/{TOP}"]
        # k on the request: a file that is not there is refused in the dialog, what was typed kept
        options = screen.query_one("#decide-list", OptionList)
        options.highlighted = options.get_option_index(key)
        await pilot.press("k")
        await pilot.pause()
        await fill(pilot, "内訳表を受領", str(tmp_path / "ない.pdf"))
        form = app.screen
        assert isinstance(form, FormDialog) and "読めません" in str(form.query_one("#dialog-problem", Static).render())
        assert form.query_one("#form-0", Input).value == "内訳表を受領"
        form.query_one("#form-1", Input).value = str(received)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, FormDialog)
        with Workspace.open(ws_path) as ws:
            [request] = ws.requests(PROGRAM)
        assert request.answered and request.answer_text == "内訳表を受領" and request.file_name == "積算根拠.txt"
        assert request.file_size == len(b"labour 1,000,000\n")
        await tuiutil.settle(pilot)
        assert "ファイル 積算根拠.txt" in listed(screen)[key]


async def test_untrusted_text_is_shown_literally(ws_path):
    evil = "[bold red]偽[/bold red] \x1b[2J\x1b]0;title\x07 \u202e逆"
    with Workspace.open(ws_path) as ws:
        review.record_opinion(ws, PROGRAM, TOP, "支援事業者 [link=x]", evil, "chair", "t")
        review.shortlist(ws, PROGRAM, [TOP], "chair", "t", "[i]明日[/i]", "\x1b[31mroom")
        review.decide(ws, PROGRAM, TOP, "reject", f"理由 {evil}", "chair", "t")
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await to_ranking(pilot, TOP)
        screen = app.screen
        line = detail(screen)
        assert "[bold red]偽[/bold red]" in line and "\x1b" not in line
        await pilot.press("7")
        await tuiutil.settle(pilot)
        entries = listed(screen)
        for shown in entries.values():
            assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert "[bold red]偽[/bold red]" in next(v for k, v in entries.items() if k.startswith("o/"))
        assert "[i]明日[/i]、" in entries[f"s/{TOP}"] and "room" in entries[f"s/{TOP}"]
        assert "[bold red]偽[/bold red]" in entries[f"x/{TOP}"]


# -- finalizing and reopening -----------------------------------------------------------------------


def footer_keys(app: ReviewerApp) -> list[tuple[str, int]]:
    return [(str(k.description), k.region.right) for k in app.screen.query_one(Footer).query("FooterKey")]


async def test_finalize_refuses_later_changes_and_reopen_allows_them(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await tuiutil.settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChairScreen)
        await pilot.press("7")
        await tuiutil.settle(pilot)
        assert isinstance(screen.query_one("#decide-list").parent, DecisionsView)
        keys = footer_keys(app)
        assert ("確定", keys[0][1]) in keys and "解除" not in dict(keys) and all(r <= 80 for _, r in keys)
        await pilot.press("R")                                      # not finalized: R says so
        await pilot.pause()
        assert "確定していません" in last_told(app)[0]
        await pilot.press("F")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        await pilot.press("n")                                      # no: nothing happens
        await pilot.pause()
        with Workspace.open(ws_path) as ws:
            assert not ws.result_state(PROGRAM).finalized
        await pilot.press("F")
        await pilot.pause()
        body = "".join(str(s.render()) for s in app.screen.query(Static))
        assert "下書きの採点票が 3\u00a0件あります" in body and "採択候補先 14 件" in body
        await pilot.press("y")
        await tuiutil.settle(pilot)
        with Workspace.open(ws_path) as ws:
            state = ws.result_state(PROGRAM)
        assert state.finalized and state.finalized_by.startswith("chair")
        title = str(screen.query_one("#title", Static).render())
        assert title.startswith(f" {review_words.FINALIZED} ")
        assert "評価結果: 確定済み" in str(screen.query_one("#decide-state", Static).render())
        keys = footer_keys(app)
        assert "解除" in dict(keys) and "確定" not in dict(keys) and all(r <= 80 for _, r in keys)
        # a decision now: refused on the message line, no dialog, nothing written
        await pilot.press("2")
        await tuiutil.settle(pilot)
        table = screen.query_one("#ranking-table", LineTable)
        table.move_cursor(table.index_of(SKIPPED))
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is screen
        message, severity = last_told(app)
        assert severity == "error" and message.startswith(finalized_message(PROGRAM))
        shown = str(screen.query_one("#messages", Static).render())
        assert "確定済みのため変更できません" in "".join(shown.split())
        for key in ("h", "H", "i"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen and last_told(app)[1] == "error", key
        with Workspace.open(ws_path) as ws:
            assert ws.decisions(PROGRAM) == {} and ws.shortlist(PROGRAM) == [] and ws.requests(PROGRAM) == []
        # reopened with a reason: the decision goes through
        await pilot.press("7")
        await tuiutil.settle(pilot)
        await pilot.press("F")                                      # finalized: F says so
        await pilot.pause()
        assert "すでに確定しています" in last_told(app)[0]
        await pilot.press("R")
        await pilot.pause()
        await answer(pilot, "ヒアリングの結果を加えるため")
        await tuiutil.settle(pilot)
        with Workspace.open(ws_path) as ws:
            state = ws.result_state(PROGRAM)
        assert not state.finalized and state.reopen_reason == "ヒアリングの結果を加えるため"
        assert review_words.FINALIZED not in str(screen.query_one("#title", Static).render())
        await pilot.press("2")
        await tuiutil.settle(pilot)
        table.move_cursor(table.index_of(SKIPPED))
        await pilot.press("d")
        await pilot.pause()
        await pick(pilot, "reject")
        await answer(pilot, "実施体制に懸念")
        with Workspace.open(ws_path) as ws:
            assert ws.decisions(PROGRAM)[SKIPPED].decision == "reject"


async def test_finalize_uses_the_screens_settings(ws_path):
    """A what-if budget on screen is the budget finalized (the confirmation says so)."""
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await to_ranking(pilot)
        await pilot.press("b")
        await pilot.pause()
        await answer(pilot, "100,000,000")
        await tuiutil.settle(pilot)
        await pilot.press("7")
        await tuiutil.settle(pilot)
        await pilot.press("F")
        await pilot.pause()
        body = "".join(str(s.render()) for s in app.screen.query(Static))
        assert "予算: 100,000,000円（試算の設定のまま確定します）" in body
        await pilot.press("y")
        await tuiutil.settle(pilot)
        with Workspace.open(ws_path) as ws:
            state = ws.result_state(PROGRAM)
        assert state.finalized and '"budget_yen": 100000000' in state.final
