"""The evaluator's screen for hours of reading and scoring (issue 13), driven with Pilot on
real workspaces: reading beside the form, the focused item's description, notes, the submit
summary, read-only sheets, a reopen's reason, calibration, and the chrome."""

from __future__ import annotations

import pytest
from textual.widgets import Footer, Input, Static
from tuiutil import open_listed, sample_workspace

from reviewer.present.text import NO_END, NO_START, width
from reviewer.services.sheets import reopen_sheet
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.calibration import CalibrationPage
from reviewer.tui.screens.dialogs import InputDialog
from reviewer.tui.screens.help import HelpScreen
from reviewer.tui.screens.queue import QueueScreen
from reviewer.tui.screens.review import ReviewScreen
from reviewer.tui.widgets.items import Item
from reviewer.tui.widgets.messages import MessageLine
from reviewer.tui.widgets.prose import Prose
from reviewer.tui.widgets.reader import Reader
from reviewer.tui.widgets.table import LineTable
from reviewer.workspace import Workspace

pytestmark = pytest.mark.asyncio


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


open_review = open_listed


def stored(path, application: str, evaluator: str):
    with Workspace.open(path) as ws:
        return ws.sheet("r2-iot", application, evaluator)


# -- reading -------------------------------------------------------------------------------

async def test_page_keys_scroll_the_application_from_anywhere_in_the_form(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, "r2-iot/IOT-0026")
        reader = screen.query_one(Reader)
        item = screen.focused
        assert isinstance(item, Item) and reader.scroll_offset.y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert reader.scroll_offset.y > 0 and screen.focused is item  # the focus stays on the item
        # from the comment too: the page keys scroll the application, not the comment
        comment = screen.query_one("#comment")
        comment.focus()
        await pilot.press("pageup")
        await pilot.pause()
        assert reader.scroll_offset.y == 0 and screen.focused is comment
        await pilot.press("pagedown")
        await pilot.pause()
        assert reader.scroll_offset.y > 0 and screen.focused is comment


async def test_hidden_form_takes_no_keys_at_80x24(ws_path):
    """At 80x24 the application alone (F6): the focus leaves the hidden items, so typing `n`
    while reading judges nothing; back on the form, the focus is where it was."""
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, "r2-iot/IOT-0026")
        item = screen.focused
        assert isinstance(item, Item) and item.value is None
        before = stored(ws_path, "IOT-0026", "e04")
        await pilot.press("f6")  # 両方 -> 申請書
        await pilot.pause()
        assert not screen.query_one("#form-pane").display or screen.query_one("#form-pane").region.height == 0
        assert isinstance(screen.focused, Reader)
        await pilot.press("n", "y", "3", "down", "down")
        await pilot.pause()
        after = stored(ws_path, "IOT-0026", "e04")
        assert after.scores == before.scores and after.revision == before.revision
        assert screen.query_one(Reader).scroll_offset.y == 2  # Down scrolls the text instead
        await pilot.press("f6")  # 申請書 -> 採点欄
        await pilot.pause()
        assert screen.focused is item and screen.query_one("#doc-pane").region.height == 0
        await pilot.press("f6")  # 採点欄 -> 両方
        await pilot.pause()
        assert screen.query_one("#doc-pane").region.height > 0 and screen.query_one("#form-pane").region.height > 0


async def test_jump_to_a_heading_and_search(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, "r2-iot/IOT-0026")
        reader = screen.query_one(Reader)
        item = screen.focused
        headings = [text for _, text in reader.headings()]
        assert "自動審査" in headings and len(headings) >= 3
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second heading
        await pilot.pause()
        top = reader.text_lines()[reader.scroll_offset.y]
        assert headings[1] in top and screen.focused is item
        # search: `/` from an item, hits counted, Enter/Down next, Up previous, Esc back
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(screen.focused, Input)
        await pilot.press(*"レセプト")
        await pilot.pause()
        hits = reader.hit_count
        assert hits >= 2 and reader.hit_status() == f"1 / {hits} 件"
        await pilot.press("enter")
        assert reader.hit_status() == f"2 / {hits} 件"
        await pilot.press("up")
        assert reader.hit_status() == f"1 / {hits} 件"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.focused is item and isinstance(app.screen, ReviewScreen)  # Esc closed the search only
        await pilot.press("f8")
        assert reader.hit_status() == f"2 / {hits} 件"
        head = str(screen.query_one("#doc-head", Static).render())
        assert f"2 / {hits} 件" in head


async def test_the_header_shows_what_the_application_declares_and_the_model_conditions(ws_path):
    app = ReviewerApp(ws_path, "e01")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, "r2-iot/IOT-0023")  # 分野別モデル10 AI-OCR
        text = "".join(line.strip() for line in screen.query_one(Reader).text_lines()[:20])
        assert "分野別モデルの条件" in text and "十分な業務削減効果が得られるものに限る。" in text
        assert "官民データ活用推進計画策定済" in text.replace(" ", "")
        await pilot.press("escape")
        screen = await open_review(pilot, "r2-iot/IOT-0003")  # 分野別モデル3
        text = "".join(line.strip() for line in screen.query_one(Reader).text_lines()[:20])
        assert "自治体が認めたものであること。" in text


async def test_forbidden_line_starts_and_ends_in_the_application(tmp_path):
    """A paragraph with every character that may not start or end a line, read at 80x24."""
    from conftest import IOT_APP, doc, write
    from wsutil import make_inputs

    from reviewer.services.setup import init_workspace

    starts, ends = sorted(c for c in NO_START if width(c) == 2), sorted(c for c in NO_END if width(c) == 2)
    body = "".join(f"あいうえおかきく{c}" for c in starts) + "".join(f"さしすせそたち{c}つてと" for c in ends)
    crit, apps, panel = make_inputs(tmp_path, n_apps=0)
    write(tmp_path, "apps/x.toml", doc(IOT_APP, id="T-0001", sections=[{"heading": "禁則", "body": body}]))
    init_workspace(tmp_path / "ws", crit, apps, panel)
    app = ReviewerApp(tmp_path / "ws", "e01")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, "r2-iot/T-0001")
        reader = screen.query_one(Reader)
        lines = [line.strip() for line in reader.text_lines()]
        at = next(i for i, line in enumerate(lines) if line == "禁則")
        para = [line for line in lines[at + 1:] if line]
        assert "".join(para) == body and len(para) > 5
        for line in para:
            assert width(line) <= reader.content_region.width
            assert line[0] not in NO_START, line
            assert line[-1] not in NO_END, line


# -- scoring -------------------------------------------------------------------------------

async def test_the_focused_items_description_stays_in_view(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, "r2-iot/IOT-0026")
        items = list(screen.query(Item))
        items[0].focus()
        prose = screen.query_one("#criterion", Prose)
        for item in items:
            await pilot.pause()
            assert screen.focused is item
            lines = prose.plain_lines()
            c = item.criterion
            assert lines[0].startswith(f"{c.id} ") and prose.region.y >= 0 and prose.region.bottom <= 40
            shown = "".join(line.strip() for line in lines)
            assert c.description.replace(" ", "")[:20] in shown.replace(" ", "")
            assert ("3 標準的" in shown) if c.kind == "scored" else ("不適合:" in shown)
            await pilot.press("down")


async def test_a_note_per_item_is_saved_and_counted(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, "r2-iot/IOT-0026")
        item = screen.query_one("#item-B2", Item)
        item.focus()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, InputDialog)
        await pilot.press(*"KPIの根拠が弱い", "enter")
        await pilot.pause()
        assert app.screen is screen and item.note == "KPIの根拠が弱い"
        sheet = stored(ws_path, "IOT-0026", "e04")
        assert sheet.notes == {"B2": "KPIの根拠が弱い"}
        assert item.text(60).plain.endswith("所見 4 点")  # the item line shows it has a note
        assert "所見: KPIの根拠が弱い" in "".join(screen.query_one("#criterion", Prose).plain_lines())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one("#queue", LineTable)
        row = table.row_at(table.index_of("r2-iot/IOT-0026"))
        applicable = len([c for c in screen.criteria])
        assert str(row[1]) == f"{len(sheet.scores)}/{applicable}"


async def test_a_reopened_sheet_says_who_when_and_why(ws_path):
    with Workspace.open(ws_path) as ws:
        reopen_sheet(ws, "r2-iot", "IOT-0003", "e01", actor="chair (test)", reason="M3 の判定理由を補ってください",
                     chair="chair")
    app = ReviewerApp(ws_path, "e01")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#queue", LineTable)
        table.move_cursor(table.index_of("r2-iot/IOT-0003"))
        await pilot.pause()
        row = table.row_at(table.index_of("r2-iot/IOT-0003"))
        assert str(row[0]) == "差し戻し"
        bar = str(app.screen.query_one("#reopened", Static).render())
        assert "松本 洋子" in bar and "M3 の判定理由を補ってください" in bar
        screen = await open_review(pilot, "r2-iot/IOT-0003")
        status = str(screen.query_one("#status", Static).render())
        assert "差し戻し" in status and "松本 洋子" in status and "M3 の判定理由を補ってください" in status
        assert not screen.readonly


async def test_calibration_shows_the_evaluators_own_sheets_only(ws_path):
    with Workspace.open(ws_path) as ws:
        own = {s.application for s in ws.sheets(evaluator="e01", status="submitted")}
        others = {s.application for s in ws.sheets(status="submitted")} - own
    app = ReviewerApp(ws_path, "e01")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CalibrationPage)
        text = str(app.screen.query_one("#calibration", Static).render())
        assert f"提出済み {len(own)} 件" in text
        assert all(a in text for a in own) and not any(a in text for a in others)


# -- chrome ----------------------------------------------------------------------------------

async def test_messages_take_their_own_line_and_go_at_the_next_key(ws_path):
    app = ReviewerApp(ws_path, "e01")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, "r2-iot/IOT-0003")  # submitted: read-only
        await pilot.press("n")
        await pilot.pause()
        line = screen.query_one(MessageLine)
        assert "変更できません" in line.text and line.display
        panes = screen.query_one("#panes").region
        assert line.region.y >= panes.bottom  # below the panes, not over them
        assert not app._notifications  # no toast over the text
        await pilot.press("down")
        await pilot.pause()
        assert line.text == "" and not line.display


async def test_the_footer_fits_80_columns(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, "r2-iot/IOT-0026")
        await pilot.pause()
        keys = list(screen.query_one(Footer).query("FooterKey"))
        assert len(keys) >= 7
        assert all(k.region.right <= 80 and k.region.width > 0 for k in keys)
        labels = " ".join(str(k.description) for k in keys)
        assert "提出" in labels and "ヘルプ" in labels and "終了" in labels


async def test_help_per_role(ws_path):
    app = ReviewerApp(ws_path, "e01")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.page().plain
        assert "採点" in text and "所見" in text and "\n委員長\n" not in text and "Excel" not in text
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        text = app.screen.page().plain
        assert "\n委員長\n" in text and "Excel" in text and "その項目の所見（メモ）を書く" not in text


async def test_dialogs_keep_the_input_and_say_what_is_wrong(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_review(pilot, "r2-iot/IOT-0026")
        await pilot.press("f4")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, InputDialog)
        await pilot.press("space", "enter")  # a blank reason
        await pilot.pause()
        assert app.screen is dialog and "理由を入力してください" in str(dialog.query_one("#dialog-problem").render())
        assert dialog.query_one(Input).value == " "
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one(Input).value = "百万円くらい"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and dialog.query_one(Input).value == "百万円くらい"
        assert "予算" in str(dialog.query_one("#dialog-problem").render())
