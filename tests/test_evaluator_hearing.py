"""The evaluator's screens for the second half of a review (SPEC §6.3, §6.4), driven with Pilot
on real demo workspaces: the hearing's sheet beside the written one for a shortlisted
application only, scored and submitted as a stage="hearing" sheet with the written scores in
view; the list's marks; the additional materials in the reader, shown literally; and a finalized
program's refusal told on the message line."""

from __future__ import annotations

import hashlib

import pytest
from textual.widgets import Footer, Static, TextArea
from tuiutil import open_listed, sample_workspace

from reviewer.services import review
from reviewer.tui.app import ReviewerApp
from reviewer.tui.screens.queue import QueueScreen
from reviewer.tui.screens.submit import SubmitDialog
from reviewer.tui.widgets.items import Item
from reviewer.tui.widgets.messages import MessageLine
from reviewer.tui.widgets.prose import Prose
from reviewer.tui.widgets.reader import Reader
from reviewer.tui.widgets.table import LineTable
from reviewer.workspace import Workspace

pytestmark = pytest.mark.asyncio

P = "r2-iot"
WHEN, WHERE = "2026-12-10 10:00", "https://meet.example/hearing"
ACTOR = "chair (test)"


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    with Workspace.open(path) as ws:  # e04 has IOT-0027 as a draft and IOT-0023 submitted
        review.shortlist(ws, P, ["IOT-0023", "IOT-0027"], "chair", ACTOR, WHEN, WHERE)
    return path


def sheet(path, application: str, evaluator: str, stage: str = "written"):
    with Workspace.open(path) as ws:
        return ws.sheet(P, application, evaluator, stage)


def status_text(screen) -> str:
    return str(screen.query_one("#status", Static).render())


def head_text(screen) -> str:
    return str(screen.query_one("#form-head", Static).render())


async def test_the_hearing_sheet_is_offered_for_a_shortlisted_application_only(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_listed(pilot, f"{P}/IOT-0026")  # not shortlisted
        assert not screen.query("#hearing-form") and screen.stage == "written"
        assert head_text(screen).startswith("採点  入力")   # as before: no tabs
        keys = " ".join(str(k.description) for k in screen.query_one(Footer).query("FooterKey"))
        assert "ヒアリング" not in keys
        await pilot.press("h")
        await pilot.pause()
        assert screen.stage == "written" and "ヒアリング" not in status_text(screen)
        await pilot.press("escape")
        screen = await open_listed(pilot, f"{P}/IOT-0027")  # shortlisted, its written sheet a draft
        assert screen.stage == "written" and "[書面審査] ヒアリング" in head_text(screen)
        keys = " ".join(str(k.description) for k in screen.query_one(Footer).query("FooterKey"))
        assert "ヒアリング" in keys
        await pilot.press("h")
        await pilot.pause()
        assert screen.stage == "hearing" and screen.query_one("#hearing-form").display
        assert not screen.query_one("#form").display
        assert "書面審査 [ヒアリング]" in head_text(screen)
        assert WHEN in status_text(screen) and WHERE in status_text(screen)
        assert isinstance(screen.focused, Item) and screen.focused.stage == "hearing"
        await pilot.press("h")
        await pilot.pause()
        assert screen.stage == "written" and screen.query_one("#form").display


async def test_scoring_and_submitting_the_hearing_stores_a_hearing_sheet(ws_path):
    written = sheet(ws_path, "IOT-0023", "e04")
    assert written.status == "submitted"
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_listed(pilot, f"{P}/IOT-0023")
        assert screen.stage == "hearing"  # the written sheet is submitted: the hearing's is left
        tab = screen.tabs["hearing"]
        hearing_ids = {c.id for c in tab.criteria}
        assert hearing_ids and all(c.kind == "scored" for c in tab.criteria)
        assert hearing_ids <= set(written.scores)
        items = screen.tab_items()
        assert [i.criterion.id for i in items] == [c.id for c in tab.criteria]
        # the evaluator's own written score beside each item, and in its description
        for item in items:
            assert f"書面 {written.scores[item.criterion.id]}" in item.text(60).plain
        assert f"書面審査でのご自身の点数: {written.scores[items[0].criterion.id]} 点" in "".join(
            screen.query_one("#criterion", Prose).plain_lines())
        assert screen.focused is items[0]
        for n, _ in enumerate(items):
            await pilot.press(str(n % 6))
            await pilot.press("down")
        await pilot.pause()
        draft = sheet(ws_path, "IOT-0023", "e04", "hearing")
        assert draft.stage == "hearing" and draft.status == "draft"
        assert draft.scores == {item.criterion.id: n % 6 for n, item in enumerate(items)}
        assert "下書き" in status_text(screen)
        await pilot.press("f2")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SubmitDialog) and dialog.summary.stage == "hearing"
        assert not dialog.summary.missing and dialog.summary.rate is not None
        assert "ヒアリングの採点票の提出" in str(dialog.query_one(".title", Static).render())
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen and screen.readonly
        stored = sheet(ws_path, "IOT-0023", "e04", "hearing")
        assert stored.status == "submitted" and stored.scores == draft.scores
        assert sheet(ws_path, "IOT-0023", "e04") == written  # the written sheet untouched
        assert "ヒアリングの採点票を提出しました" in screen.query_one(MessageLine).text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one("#queue", LineTable)
        row = [str(c) for c in table.row_at(table.index_of(f"{P}/IOT-0023"))]
        assert "12/10 10:00 提出済" in row


async def test_each_sheet_keeps_what_is_typed_on_it(ws_path):
    """Scores and comments go to the sheet they were typed on, a comment typed just before the
    switch included; the hearing's reference follows the written score just changed."""
    before = sheet(ws_path, "IOT-0027", "e04")
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_listed(pilot, f"{P}/IOT-0027")
        hearing_ids = [c.id for c in screen.tabs["hearing"].criteria]
        cid = hearing_ids[0]
        item = screen.query_one(f"#item-{cid}", Item)
        item.focus()
        await pilot.press("1")
        await pilot.press("h")
        await pilot.pause()
        hearing_item = screen.query_one(f"#hearing-item-{cid}", Item)
        assert hearing_item.reference == "書面 1"
        hearing_item.focus()
        await pilot.press("5")
        comment = screen.query_one("#hearing-comment", TextArea)
        comment.focus()
        await pilot.press(*"説明が明快")
        assert comment.text == "説明が明快"  # h would be typed here: F9 switches from the comment
        await pilot.press("f9")  # at once, before the comment's autosave
        await pilot.pause()
        assert screen.stage == "written" and screen.focused is item  # back where it was
        written, heard = sheet(ws_path, "IOT-0027", "e04"), sheet(ws_path, "IOT-0027", "e04", "hearing")
        assert written.scores == {**before.scores, cid: 1} and written.comment == before.comment
        assert heard.scores == {cid: 5} and heard.comment == "説明が明快" and heard.status == "draft"


async def test_the_list_marks_the_shortlisted_applications(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#queue", LineTable)
        column = [c.label for c in table.columns].index("ヒアリング")
        cells = {key: str(table.row_at(table.index_of(key))[column]) for key in
                 (f"{P}/IOT-0023", f"{P}/IOT-0027", f"{P}/IOT-0026")}
        assert cells == {f"{P}/IOT-0023": "12/10 10:00 未採点", f"{P}/IOT-0027": "12/10 10:00 未採点",
                         f"{P}/IOT-0026": ""}
        table.move_cursor(table.index_of(f"{P}/IOT-0027"))
        await pilot.pause()
        bar = str(screen.query_one("#hearing", Static).render())
        assert WHEN in bar and WHERE in bar and "未採点" in bar
        assert "ヒアリング 提出済 0 / 2" in str(screen.query_one("#filterbar", Static).render())
        table.move_cursor(table.index_of(f"{P}/IOT-0026"))
        await pilot.pause()
        assert not screen.query_one("#hearing", Static).display
        while screen.filter != "hearing":
            await pilot.press("s")
        await pilot.pause()
        assert table.row_count == 2
        # a hearing draft shows as one
        opened = await open_listed(pilot, f"{P}/IOT-0027")
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("4", "escape")
        await pilot.pause()
        assert str(table.row_at(table.index_of(f"{P}/IOT-0027"))[column]) == "12/10 10:00 下書き"
        assert opened.tabs["hearing"].status == "draft"


async def test_the_additional_materials_are_shown_literally(ws_path):
    text_file = "積算根拠\n1. 機器費 3,000,000円\n\x1b[31m赤\x1b[0m [bold]太字[/bold]\n".encode()
    binary = bytes(range(256)) * 4
    with Workspace.open(ws_path) as ws:
        one = review.request_materials(ws, P, "IOT-0027", "事業費の[b]積算根拠[/b]", "2026-12-15", "chair", ACTOR)
        two = review.request_materials(ws, P, "IOT-0027", "見積書", "", "chair", ACTOR)
        three = review.request_materials(ws, P, "IOT-0027", "KPI の算定方法", "2026-12-20", "chair", ACTOR)
        review.answer_request(ws, P, one, "chair", ACTOR, "別添のとおり[red]提出[/red]",
                              review.Received("answer.txt", text_file))
        review.answer_request(ws, P, two, "chair", ACTOR, "", review.Received("estimate.pdf", binary))
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_listed(pilot, f"{P}/IOT-0027")
        reader = screen.query_one(Reader)
        headings = [t for _, t in reader.headings()]
        assert headings.index("自動審査") < headings.index("ヒアリング") < headings.index("追加資料 3 件（回答 2）")
        assert "追加資料 3 件（回答 2）" in str(screen.query_one("#doc-head", Static).render())
        lines = reader.text_lines()
        text = "\n".join(lines)
        squeezed = "".join(line.strip() for line in lines)
        assert f"依頼 {one}" in text and "事業費の[b]積算根拠[/b]" in text and "期限 2026-12-15" in text
        assert "別添のとおり[red]提出[/red]" in text  # markup shown as typed
        assert "answer.txt（" in text and f"{len(text_file):,} バイト" in text
        assert hashlib.sha256(text_file).hexdigest() in squeezed  # the whole hash: the version read
        assert "1. 機器費 3,000,000円" in text and "[bold]太字[/bold]" in text
        assert "\x1b" not in text
        assert "estimate.pdf" in text and hashlib.sha256(binary).hexdigest() in squeezed
        assert "テキストのファイルではない" in text
        assert f"依頼 {three}" in text and "回答待ち" in text and "期限なし" in text
        assert WHEN in text and WHERE in text
        # the section is reached from the headings (F5)
        assert reader.jump_to_heading(headings.index("追加資料 3 件（回答 2）"))


async def test_a_finalized_program_refuses_on_the_message_line(ws_path):
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_listed(pilot, f"{P}/IOT-0027")
        with Workspace.open(ws_path) as ws:  # the chair finalizes meanwhile
            ws.finalize(P, "{}", ACTOR, "test")
        for stage in ("written", "hearing"):
            if stage == "hearing":
                await pilot.press("h")
            item = next(i for i in screen.tab_items() if i.criterion.kind == "scored")
            item.focus()
            await pilot.press("0" if item.value != 0 else "1")
            await pilot.pause()
            line = screen.query_one(MessageLine)
            assert "確定済み" in line.text and "保存できません" in line.text and line.display
            assert app.screen is screen
        assert sheet(ws_path, "IOT-0027", "e04", "hearing") is None
        await pilot.press("escape")
        await pilot.pause()
        # opened again: both sheets read-only, said so; a key tells why instead of saving
        screen = await open_listed(pilot, f"{P}/IOT-0027")
        assert screen.readonly and "確定済み" in status_text(screen)
        await pilot.press("y")
        await pilot.pause()
        assert "確定済み" in screen.query_one(MessageLine).text
        await pilot.press("h")
        await pilot.pause()
        assert screen.stage == "hearing" and screen.readonly and "確定済" in head_text(screen)
        keys = " ".join(str(k.description) for k in screen.query_one(Footer).query("FooterKey"))
        assert "提出" not in keys.replace("提出済", "")


async def test_the_footer_fits_80_columns_with_the_hearing_key(ws_path):
    """At 80 columns the footer keeps its keys within the line: the hearing's key is said in the
    form's head instead, and works all the same."""
    app = ReviewerApp(ws_path, "e04")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_listed(pilot, f"{P}/IOT-0027")
        for stage in ("written", "hearing", "written"):
            await pilot.pause()
            assert screen.stage == stage and "h: 切替" in head_text(screen)
            keys = list(screen.query_one(Footer).query("FooterKey"))
            labels = " ".join(str(k.description) for k in keys)
            assert "提出" in labels and "ヘルプ" in labels and "終了" in labels
            assert all(k.region.right <= 80 and k.region.width > 0 for k in keys)
            await pilot.press("h")
