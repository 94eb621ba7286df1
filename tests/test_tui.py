"""The terminal app driven with Textual's Pilot, on real workspaces."""

from __future__ import annotations

import html
import re
import unicodedata

import pytest
import tuiutil
from textual.widgets import Input, Static
from tuiutil import sample_workspace

from reviewer.present.text import width
from reviewer.services.sheets import reopen_sheet
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.chair import ChairScreen
from reviewer.tui.screens.queue import QueueScreen
from reviewer.tui.screens.review import ReviewScreen
from reviewer.tui.screens.submit import SubmitDialog
from reviewer.tui.widgets.items import Item
from reviewer.tui.widgets.reader import Reader
from reviewer.tui.widgets.table import LineTable
from reviewer.workspace import Workspace

pytestmark = pytest.mark.asyncio


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


def table_keys(app, selector):
    return app.screen.query_one(selector, LineTable).keys


async def settle(pilot):
    await tuiutil.settle(pilot)


async def test_evaluator_sees_only_their_assignments(ws_path):
    app = ReviewerApp(ws_path, "e01")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        keys = table_keys(app, "#queue")
        assert len(keys) == 27 and "r2-iot/IOT-0001" not in keys  # 釧路市 is e01's conflict
        assert all(k.startswith("r2-iot/") for k in keys)
        progress = str(app.screen.query_one("#progress", Static).render())
        assert "提出済 27 / 割当 27" in progress


async def test_filter_and_search(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("s", "s")  # すべて → 未着手 → 下書き
        assert table_keys(app, "#queue") == ["r2-iot/IOT-0026", "r2-iot/IOT-0027", "r2-iot/IOT-0028"]
        await pilot.press("s")       # 差し戻し (none)
        assert table_keys(app, "#queue") == []
        await pilot.press("s")       # 提出済
        assert len(table_keys(app, "#queue")) == 25
        await pilot.press("escape", "slash")
        for ch in "四国":
            await pilot.press(ch)
        await pilot.pause()
        keys = table_keys(app, "#queue")
        assert keys and len(keys) < 28
        with Workspace.open(ws_path) as ws:
            bureaus = {r.id: r.bureau for r in ws.application_rows("r2-iot")}
        assert all(bureaus[k.split("/")[1]] == "四国" for k in keys)


async def open_app(pilot, key):
    await tuiutil.open_listed(pilot, key)


async def test_score_autosaves_drafts(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_app(pilot, "r2-iot/IOT-0026")
        screen = app.screen
        m2 = screen.query_one("#item-M2", Item)
        m2.focus()
        await pilot.press("n")
        b1 = screen.query_one("#item-B1", Item)
        b1.focus()
        await pilot.press("4", "right")
        await pilot.pause()
        with Workspace.open(ws_path) as ws:
            s = ws.sheet("r2-iot", "IOT-0026", "e04")
            assert s.status == "draft" and s.scores["M2"] == "fail" and s.scores["B1"] == 5
        await pilot.press("backspace")
        screen.query_one("#comment").focus()
        await pilot.press(*"KPI")
        for _ in range(100):  # the comment is saved shortly after typing stops (up to 10 s when loaded)
            await pilot.pause(0.1)
            with Workspace.open(ws_path) as ws:
                if ws.sheet("r2-iot", "IOT-0026", "e04").comment.startswith("KPI"):
                    break
        with Workspace.open(ws_path) as ws:
            s = ws.sheet("r2-iot", "IOT-0026", "e04")
            assert "B1" not in s.scores and s.comment.startswith("KPI「")
            actions = [r.action for r in ws.audit("r2-iot", "IOT-0026", "e04")]
            assert actions.count("sheet-update") >= 3


async def fill_everything(pilot):
    for item in pilot.app.screen.query(Item):
        item.focus()
        await pilot.press("y" if item.criterion.kind == "must" else "3")
    await pilot.pause()


async def test_submit_checks_completeness_and_asks(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_app(pilot, "r2-iot/IOT-0027")
        review = app.screen
        await pilot.press("f2")
        await pilot.pause()
        # incomplete: the summary says what is missing and offers to go to it, not to submit
        assert isinstance(app.screen, SubmitDialog)
        missing = [line.criterion for line in app.screen.summary.missing]
        assert missing and "提出できません" in str(app.screen.query_one("#submit-missing", Static).render())
        await pilot.press("y")  # no submission: y goes to the first missing item
        await pilot.pause()
        assert app.screen is review and review.focused.id == f"item-{missing[0]}"
        with Workspace.open(ws_path) as ws:
            assert ws.sheet("r2-iot", "IOT-0027", "e04").status == "draft"
        await fill_everything(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SubmitDialog) and not app.screen.summary.missing
        summary = str(app.screen.query_one("#submit-summary", Static).render())
        assert "得点率" in summary and "C1" in summary and "3 点" in summary
        await pilot.press("n")
        await pilot.pause()
        with Workspace.open(ws_path) as ws:
            assert ws.sheet("r2-iot", "IOT-0027", "e04").status == "draft"
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        with Workspace.open(ws_path) as ws:
            s = ws.sheet("r2-iot", "IOT-0027", "e04")
            assert s.status == "submitted" and s.scores["C1"] == 3
        # read-only now: no editing key is offered, a change is refused and said so
        item = app.screen.query_one("#item-C1", Item)
        item.focus()
        await pilot.press("5")
        assert item.value == 3 and "変更できません" in app.told[-1].message
        offered = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert "submit" not in offered and "declare_conflict" not in offered and "note" not in offered


async def test_save_and_next_goes_to_the_next_unfinished(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_app(pilot, "r2-iot/IOT-0026")
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.application_id == "IOT-0027"
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen.application_id == "IOT-0028"
        await pilot.press("f3")   # wraps round to the first unfinished one
        await pilot.pause()
        assert app.screen.application_id == "IOT-0026"


async def test_declare_a_conflict(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_app(pilot, "r2-iot/IOT-0028")
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one(Input).value = "申請者の顧問を務めている"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert "r2-iot/IOT-0028" not in table_keys(app, "#queue")
    with Workspace.open(ws_path) as ws:
        [row] = ws.assignments("r2-iot", "e04", active=False)
        assert row.application == "IOT-0028" and row.withdrawn_reason == "申請者の顧問を務めている"


async def test_an_evaluator_cannot_reach_other_sheets_or_the_chair_views(ws_path):
    app = ReviewerApp(ws_path, "e01")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in ("1", "2", "3", "4", "x", "b", "r", "e", "p", "m"):
            await pilot.press(key)
        await pilot.pause()
        assert not any(isinstance(s, ChairScreen) for s in app.screen_stack)
        assert not any(isinstance(s, ReviewScreen) for s in app.screen_stack)
        app.open_application("e01", "r2-iot", "IOT-0001")   # a conflict
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
        from reviewer.workspace import WorkspaceError

        with pytest.raises(WorkspaceError):
            app.open_application("e02", "r2-iot", "IOT-0002")  # another evaluator's sheet
        await open_app(pilot, "r2-iot/IOT-0002")
        text = "\n".join(app.screen.query_one(Reader).text_lines())
        assert "e02" not in text and "佐藤" not in text  # nobody else's scores or names


async def test_chair_ranking_budget_what_if_and_bonus_state(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChairScreen)
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#dialog-options").highlighted = 2   # r5-smartcity-2
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        keys = table_keys(app, "#ranking-table")
        assert keys[0] == "SC-0007" and "--cut--" in keys
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "自動加点: 適用（予算超過）" in summary and "予算 250,000,000円" in summary
        await pilot.press("b")
        await pilot.pause()
        app.screen.query_one(Input).value = "1,000,000,000"
        await pilot.press("enter")
        await settle(pilot)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "予算 1,000,000,000円（試算）" in summary and "適用なし" in summary
        assert app.screen.result.budget_yen == 1_000_000_000


async def test_chair_progress_and_balance(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert table_keys(app, "#progress-evaluators")  # r2-iot first: e04 is late
        t = app.screen.query_one("#progress-evaluators", LineTable)
        assert t.row_at(0)[0] == "e04"
        assert t.row_at(0)[-1] == "2026-04-01 09:30"  # 最終操作, Japan time (the sample's fixed clock)
        with Workspace.open(ws_path) as ws:
            ids = {r.id for r in ws.application_rows("r2-iot")}
        keys = table_keys(app, "#progress-applications")  # every application, the most left to do first
        assert set(keys) == ids and len(keys) == len(ids)
        table = app.screen.query_one("#progress-applications", LineTable)
        order = [(int(r[3]) - int(r[5]), int(r[4])) for r in map(table.row_at, range(len(keys)))]  # (left, drafts)
        assert order == sorted(order, key=lambda o: (-o[0], o[1]))
        assert order[0] == (1, 1) and order[-1] == (0, 0)  # 3 of 4 submitted before 3 of 3
        await pilot.press("3")
        await pilot.pause()
        bars = str(app.screen.query_one("#balance-bars", Static).render())
        for b in ("北海道", "東北", "沖縄"):
            assert b in bars
        assert "要件・分野別モデル別" in bars


async def test_chair_reopens_a_sheet(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await pilot.pause()
        key = app.screen.query_one("#sheets-table", LineTable).cursor_key
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one(Input).value = "根拠の再確認"
        await pilot.press("enter")
        await pilot.pause()
    application, evaluator = key.split("/")
    with Workspace.open(ws_path) as ws:
        assert ws.sheet("r2-iot", application, evaluator).status == "draft"
        assert ws.audit("r2-iot", application, evaluator)[-1].detail == "根拠の再確認"


async def test_chair_exports_with_the_path_shown(ws_path, tmp_path):
    app = ReviewerApp(ws_path, "chair", export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field.value.startswith(str(tmp_path)) and field.value.endswith(".xlsx")
        field.value = str(tmp_path / "out" / "結果.xlsx")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.3)
        busy = str(app.screen.query_one("#busy", Static).render())
        assert f"書き出しました: {tmp_path / 'out' / '結果.xlsx'}" in busy
    assert (tmp_path / "out" / "結果.xlsx").stat().st_size > 5000
    with Workspace.open(ws_path) as ws:
        assert ws.audit()[-1].action == "export"


async def test_demo_switches_to_an_evaluator_and_back(ws_path):
    app = ReviewerApp(ws_path, "chair", demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")   # e01
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen) and app.screen.evaluator_id == "e01"
        await open_app(pilot, "r2-iot/IOT-0002")
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, ChairScreen)


async def test_help_screen(ws_path):
    app = ReviewerApp(ws_path, "e01")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


HOSTILE = "[bold red]赤[/] \x1b[31mESC\x1b[0m \u202eRLO\u202c [link=http://x]L[/link] " + "長" * 5000


async def test_untrusted_text_is_shown_literally(tmp_path):
    from conftest import IOT_APP, doc, write
    from wsutil import make_inputs

    from reviewer.services.setup import init_workspace

    crit, apps, panel = make_inputs(tmp_path, n_apps=0)
    write(tmp_path, "apps/x.toml", doc(IOT_APP, id="T-0001", title=HOSTILE[:60],
                                       sections=[{"heading": "見出し[b]", "body": HOSTILE}]))
    init_workspace(tmp_path / "ws", crit, apps, panel)
    app = ReviewerApp(tmp_path / "ws", "e01")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        cell = app.screen.query_one("#queue", LineTable).row_at(0)[-1]  # 件名, the last column
        assert "[bold red]赤[/]" in cell and "\x1b" not in cell and "\u202e" not in cell
        await open_app(pilot, "r2-iot/T-0001")
        reader = app.screen.query_one(Reader)
        lines = reader.text_lines()
        plain = "".join(line.strip() for line in lines).replace(" ", "")
        assert "[boldred]赤[/]" in plain and "[link=http://x]L[/link]" in plain and "見出し[b]" in plain
        assert "\x1b" not in plain and "\u202e" not in plain and "ESC" in plain
        # a huge line is wrapped whole to the pane, never wider than it
        assert plain.count("長") >= 2000 and max(width(line) for line in lines) <= reader.content_region.width
        svg = app.export_screenshot()
        assert "\x1b" not in svg


def screen_text(app) -> str:
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r">([^<]*)</text>", svg)))


async def test_no_ambiguous_width_symbols_in_the_chrome(ws_path):
    with Workspace.open(ws_path) as ws:
        data = "".join(r["content"] for r in ws.conn.execute("SELECT content FROM applications"))
        data += "".join(r["content"] for r in ws.conn.execute("SELECT content FROM programs"))
    allowed = set(data)

    def check(app, where):
        bad = {ch for ch in screen_text(app) if unicodedata.east_asian_width(ch) == "A" and ch not in allowed}
        assert not bad, f"{where}: {sorted(bad)}"

    app = ReviewerApp(ws_path, "chair", demo=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for view in "1234":
            await pilot.press(view)
            await settle(pilot)
            check(app, f"chair view {view}")
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        check(app, "application detail")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        check(app, "budget dialog")
        await pilot.press("escape", "e")
        await pilot.pause()
        check(app, "pick dialog")
        await pilot.press("enter")
        await pilot.pause()
        check(app, "queue")
        await open_app(pilot, "r2-iot/IOT-0002")
        check(app, "review")
        await pilot.press("f1")
        await pilot.pause()
        check(app, "help")


async def test_works_with_80x24_and_larger(ws_path):
    for size in ((80, 24), (160, 50)):
        app = ReviewerApp(ws_path, "e04")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await open_app(pilot, "r2-iot/IOT-0026")
            form = app.screen.query_one("#form-pane")
            doc = app.screen.query_one("#doc-pane")
            assert form.display and doc.display
            if size[0] < 100:  # stacked: the application above the form, F6 switches views
                assert doc.region.y < form.region.y and doc.region.width == form.region.width
                await pilot.press("f6")
                await pilot.pause()
                assert doc.region.height > 0 and form.region.height == 0
            else:
                assert doc.region.width > form.region.width and doc.region.y == form.region.y


async def test_chair_opens_an_application_in_detail(ws_path):
    from reviewer.tui.screens.detail import ApplicationDetail

    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        top = app.screen.query_one("#ranking-table", LineTable).cursor_key
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationDetail)
        text = str(app.screen.query_one("#detail", Static).render())
        assert top in text and "1 位" in text and "採択候補" in text
        for part in ("自動審査", "[適]", "評価者別の得点率", "項目別の平均"):
            assert part in text
        result = app.screen.result
        a = next(x for x in result.applications if x.id == top)
        for ev in a.sheet_rates:
            assert ev in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChairScreen)
        # an application out of the running says why
        out = next(x for x in result.applications if not x.eligible)
        table = app.screen.query_one("#ranking-table", LineTable)
        table.move_cursor(table.index_of(out.id))
        await pilot.press("enter")
        await pilot.pause()
        text = str(app.screen.query_one("#detail", Static).render())
        from reviewer.present.result import reason_label

        assert "対象外: " + "、".join(reason_label(r, result.program) for r in out.reasons) in text
        assert "[否]" in text or "否が半数以上" in text or out.reasons == ["unscored"]


async def test_queue_columns_show_program_and_track_only_where_they_differ(ws_path):
    from reviewer.tui.screens.queue import QueueScreen as Q

    with Workspace.open(ws_path) as ws:
        people = {p.id: p for p in ws.people()}
        multi = next(p.id for p in people.values() if len(p.programs) > 1 and p.role == "evaluator")
        programs = {r.program for r in ws.evaluator_queue(multi)}
    assert len(programs) > 1  # the samples give e02 applications of two programs
    for evaluator, want_program in (("e04", False), (multi, True)):
        app = ReviewerApp(ws_path, evaluator)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, Q)
            labels = [c.label for c in app.screen.query_one("#queue", LineTable).columns]
            assert ("事業" in labels) == want_program
            assert "要件" in labels  # both have r2-iot applications, which have tracks


async def test_chair_reloads_on_return_only_when_the_workspace_changed(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        chair = app.screen
        await pilot.press("2")
        await pilot.pause()
        result = chair.result
        await pilot.press("enter", "escape")  # the detail view and back: nothing changed
        await settle(pilot)
        assert chair.result is result
        # another session sends a sheet back meanwhile: the next return reloads
        with Workspace.open(ws_path) as ws:
            application, evaluator = ws.submitted_list("r2-iot")[0][1], ws.submitted_list("r2-iot")[0][0]
            reopen_sheet(ws, "r2-iot", application, evaluator, actor="other", reason="確認")
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert chair.result is not result
        assert "提出済 106 / 割当 110" in str(chair.query_one("#summary", Static).render())
