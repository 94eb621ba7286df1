"""The application reader (reviewer.tui.widgets.reader): wrapping, scrolling without focus,
headings, search with highlights, literal text, and quiet when idle."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Input

from reviewer.present.text import NO_END, NO_START, width
from reviewer.tui.chrome import safe
from reviewer.tui.widgets.reader import Block, Reader

pytestmark = pytest.mark.asyncio

BODY = ("本事業は、地域の観光データを集約し、周遊を促進する。「観光クラウド」を構築し、"
        "AI-OCR と RPA による窓口業務の効率化を図る。")


def document(sections: int = 8) -> list[Block]:
    blocks = [
        Block("fact", "函館市（中核市、北海道、北海道総合通信局）", label="申請者"),
        Block("fact", "総額 12,000,000 円（うち一般管理費 1,000,000 円）  補助金申請額 6,000,000 円" * 2, label="事業費"),
        Block("fact", "北斗市、七飯町", label="構成員"),
        Block("blank"),
    ]
    for k in range(sections):
        blocks += [
            Block("heading", f"{k + 1}. 第{k + 1}節の見出し"),
            Block("para", BODY * 3 + "\n\n・箇条書きの項目: " + BODY + "\n（1）番号付きの項目: " + BODY),
            Block("blank"),
        ]
    return blocks


class ReaderApp(App):
    def __init__(self, blocks: list[Block]):
        super().__init__()
        self.blocks = blocks
        self.scrolled: list[tuple[int, int, int]] = []

    def compose(self) -> ComposeResult:
        yield Input(id="form")
        yield Reader(self.blocks, id="reader")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_reader_scrolled(self, event: Reader.Scrolled) -> None:
        self.scrolled.append((event.top, event.bottom, event.total))


def line_text(reader: Reader, y: int) -> str:
    return "".join(s.text for s in reader.render_line(y))


def segments_with(reader: Reader, y: int, text: str):
    return [s for s in reader.render_line(y) if text in s.text]


async def test_wrapping_follows_the_width():
    app = ReaderApp(document())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        cells = reader.scrollable_content_region.width
        wide = reader.line_count
        assert wide > 3 * reader.scrollable_content_region.height  # several pages
        assert reader.virtual_size.height == wide
        assert all(width(line) <= cells for line in reader.text_lines())
        await pilot.resize_terminal(50, 24)
        await pilot.pause()
        narrow_cells = reader.scrollable_content_region.width
        assert narrow_cells < cells and reader.line_count > wide
        lines = reader.text_lines()
        assert all(width(line) <= narrow_cells for line in lines)
        continued = [line.lstrip(" ") for line in lines if line.strip() and not line.startswith("・箇条書き")]
        assert not any(line[:1] in NO_START for line in continued)
        assert not any(line.rstrip()[-1:] in NO_END for line in lines if line.strip())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert reader.line_count == wide  # the lines for this width again (kept)
        reader.jump_to_heading(4)
        await pilot.pause()
        await pilot.resize_terminal(44, 24)
        await pilot.pause()
        assert line_text(reader, 0).startswith("5. 第5節")  # the top line stays on top across a re-wrap


async def test_facts_align_their_values():
    app = ReaderApp(document(1))
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        lines = reader.text_lines()
        col = width("申請者") + 2
        assert lines[0].startswith("申請者  函館市")
        assert lines[1].startswith("事業費  総額")
        assert lines[2].startswith(" " * col) and lines[2][col] != " "  # the value continues under itself
        assert any(line.startswith("構成員  北斗市") for line in lines[:6])


async def test_the_screen_scrolls_the_reader_while_the_form_keeps_the_focus():
    app = ReaderApp(document())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        form = app.query_one(Input)
        height = reader.scrollable_content_region.height
        reader.page(1)
        await pilot.pause()
        assert reader.scroll_offset.y == height - 1
        reader.line(1)
        reader.line(1)
        await pilot.pause()
        assert reader.scroll_offset.y == height + 1
        reader.line(-1)
        reader.page(-1)
        await pilot.pause()
        assert reader.scroll_offset.y == 1
        reader.to_end()
        await pilot.pause()
        assert reader.scroll_offset.y == reader.max_scroll_y == reader.line_count - height
        reader.to_top()
        await pilot.pause()
        assert reader.scroll_offset.y == 0
        assert app.focused is form and not reader.has_focus
        await pilot.press("pagedown")  # keys go to the form, not to the reader
        assert reader.scroll_offset.y == 0


async def test_a_focusable_reader_takes_the_scroll_keys():
    app = ReaderApp(document())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        assert not reader.can_focus
        reader.can_focus = True
        reader.focus()
        await pilot.pause()
        assert app.focused is reader
        height = reader.scrollable_content_region.height
        await pilot.press("down", "down")
        assert reader.scroll_offset.y == 2
        await pilot.press("pagedown")
        assert reader.scroll_offset.y == 2 + height - 1
        await pilot.press("up", "pageup")
        assert reader.scroll_offset.y == 1
        await pilot.press("end")
        assert reader.scroll_offset.y == reader.max_scroll_y
        await pilot.press("home")
        assert reader.scroll_offset.y == 0


async def test_jump_to_a_heading_puts_it_on_top():
    app = ReaderApp(document())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        heads = reader.headings()
        assert [text for _, text in heads][:2] == ["1. 第1節の見出し", "2. 第2節の見出し"]
        assert all(reader.blocks[i].kind == "heading" for i, _ in heads)
        assert reader.jump_to_heading(3)
        await pilot.pause()
        assert line_text(reader, 0).startswith("4. 第4節の見出し")
        assert reader.current_heading() == 3
        bold = segments_with(reader, 0, "第4節")
        assert bold and bold[0].style.bold
        assert not reader.jump_to_heading(99)
        reader.to_top()
        await pilot.pause()
        assert reader.current_heading() is None  # above the first heading: the facts


async def test_search_counts_hits_across_a_wrap_and_cycles():
    app = ReaderApp(document(2))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        cells = reader.scrollable_content_region.width
        # a word that the wrap splits: two characters end the first line, two start the next
        split = "あ" * (cells // 2 - 2) + "目印語句" + "いう"
        reader.set_blocks([Block("para", "目印語句が最初に。"), Block("para", split),
                           Block("para", "alpha " * (cells // 6) + "end"), Block("para", "最後の目印語句。")])
        await pilot.pause()
        lines = reader.text_lines()
        assert lines[1].endswith("目印") and lines[2].startswith("語句")
        assert reader.search("目印語句") == 3
        assert reader.hit_status() == "1 / 3 件"
        reader.next_hit()
        assert reader.hit_status() == "2 / 3 件"
        # the current hit is marked on both lines of the wrap
        for y, part in ((1, "目印"), (2, "語句")):
            [seg] = segments_with(reader, y, part)
            assert seg.text == part and seg.style.reverse and seg.style.bold
        [other] = segments_with(reader, 0, "目印語句")
        assert other.style.reverse and not other.style.bold  # a hit, not the current one
        assert other.style.color != segments_with(reader, 1, "目印")[0].style.color
        assert segments_with(reader, 0, "が最初に")[0].style.reverse is not True
        reader.next_hit()
        reader.next_hit()
        assert reader.hit_status() == "1 / 3 件"  # round again
        reader.previous_hit()
        assert reader.hit_status() == "3 / 3 件"
        # a hit across a break between Latin words (the space is not drawn)
        assert reader.search("ALPHA END") == 1
        assert reader.search("xyz") == 0 and reader.hit_status() == "見つかりません"
        reader.clear_search()
        assert reader.hit_status() == "" and reader.hit_count == 0
        assert not any(s.style and s.style.reverse for y in range(4) for s in reader.render_line(y))


async def test_a_hit_out_of_view_is_scrolled_to_a_third_from_the_top():
    blocks = document(8) + [Block("para", "ここにだけある語。")]
    app = ReaderApp(blocks)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        height = reader.scrollable_content_region.height
        assert reader.search("ここにだけある") == 1
        await pilot.pause()
        row = reader.text_lines().index("ここにだけある語。")
        assert reader.scroll_offset.y == min(reader.max_scroll_y, row - height // 3)
        assert "ここにだけある" in line_text(reader, row - reader.scroll_offset.y)


async def test_text_is_shown_literally():
    hostile = "[bold]x[/] \x1b[31m赤\x1b[0m [link=http://evil]ここ[/link] \u202eRLO"
    blocks = [Block("heading", hostile), Block("para", safe(hostile, multiline=True)),
              Block("fact", hostile, label="[b]ラベル[/b]"), Block("para", Text("太字", style="bold"), "underline")]
    app = ReaderApp(blocks)
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        for y in range(3):
            line = line_text(reader, y)
            assert "[bold]x[/]" in line and "[link=http://evil]ここ[/link]" in line
            assert "\x1b" not in line and "\u202e" not in line
        assert line_text(reader, 2).startswith("[b]ラベル[/b]  ")
        [seg] = segments_with(reader, 3, "太字")
        assert seg.style.bold and seg.style.underline  # a Text keeps its style, under the block's


async def test_position_and_scrolled_messages_only_on_change():
    app = ReaderApp(document())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        height = reader.scrollable_content_region.height
        total = reader.line_count
        assert reader.position() == f"1-{height} / {total} 行"
        assert app.scrolled == [(1, height, total)]
        reader.page(1)
        await pilot.pause()
        assert app.scrolled[-1] == (height, 2 * height - 1, total)
        assert reader.position() == f"{height}-{2 * height - 1} / {total} 行"
        assert set(reader.position()) <= set("0123456789-/ 行")  # no ambiguous-width dash
        told = len(app.scrolled)
        reader.line(0)  # no move: nothing to tell
        reader.to_top()
        reader.to_top()
        await pilot.pause()
        assert app.scrolled[told:] == [(1, height, total)]
        await pilot.resize_terminal(60, 24)  # re-wrapped: more lines
        await pilot.pause()
        assert app.scrolled[-1][2] == reader.line_count > total


async def test_nothing_is_drawn_or_posted_while_idle(monkeypatch):
    app = ReaderApp(document())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        reader.search("観光")
        reader.page(1)
        await pilot.pause(0.2)
        drawn: list[int] = []
        original = Reader.render_line

        def counting(self, y):
            drawn.append(y)
            return original(self, y)

        monkeypatch.setattr(Reader, "render_line", counting)
        told = len(app.scrolled)
        await pilot.pause(0.6)
        assert drawn == [] and len(app.scrolled) == told
        reader.line(1)
        await pilot.pause()
        assert drawn and len(app.scrolled) == told + 1


async def test_an_empty_reader_and_new_blocks():
    app = ReaderApp([])
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        assert reader.line_count == 0 and reader.position() == "0-0 / 0 行"
        assert reader.headings() == [] and reader.search("x") == 0 and not reader.jump_to_heading(0)
        reader.page(1)
        reader.next_hit()
        assert line_text(reader, 0).strip() == ""
        reader.set_blocks([("heading", "見出し", ""), ("para", "本文", "")])
        await pilot.pause()
        assert reader.text_lines() == ["見出し", "本文"] and reader.hit_status() == ""
        assert app.scrolled[-1] == (1, 2, 2)
