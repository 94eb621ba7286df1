"""The chair's balance view (issue 14, point 4): scrollable, aligned, names cut with "...", a
legend of the glyphs drawn, quotas shown, and every track and model over the share limit flagged."""

from __future__ import annotations

import dataclasses

import pytest
import tuiutil
from textual.widgets import Static
from tuiutil import sample_workspace

from reviewer.present import charts
from reviewer.present.text import width
from reviewer.services.results import score_workspace
from reviewer.tui.app import ReviewerApp
from reviewer.tui.views.balance import BalanceView
from reviewer.workspace import Workspace


@pytest.fixture
def ws_path(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


@pytest.fixture
def result(ws_path):
    with Workspace.open(ws_path) as ws:
        return score_workspace(ws, "r2-iot")


def shown_lines(view: BalanceView) -> list[str]:
    return str(view.query_one("#balance-bars", Static).render()).split("\n")


def bar_rows(lines: list[charts.Line]) -> list[charts.Line]:
    """The lines with bars (not the legend)."""
    return [line for line in lines if line[:1] != [("凡例", charts.HEAD)]
            and any(style in charts.BAR_STYLES for _, style in line)]


def bar_start(line: charts.Line) -> int:
    before = 0
    for text, style in line:
        if style in charts.BAR_STYLES:
            return before
        before += width(text)
    raise AssertionError("no bar")


def row_of(lines: list[charts.Line], start: str) -> str:
    found = [charts.plain(line) for line in lines if charts.plain(line).startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


@pytest.mark.asyncio
async def test_the_balance_fits_80_columns_and_scrolls_to_its_end(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("3")
        await tuiutil.settle(pilot)
        view = app.screen.query_one(BalanceView)
        body = view.query_one("#balance-bars", Static)
        assert app.focused is view  # the keys scroll it
        lines = shown_lines(view)
        cells = body.content_region.width
        assert 70 <= cells <= 80
        assert all(width(line) <= cells for line in lines), [line for line in lines if width(line) > cells]
        last = max(i for i, line in enumerate(lines) if "働き方" in line)  # model 12, the last line
        assert last == len(lines) - 1
        height = view.scrollable_size.height
        assert last >= height and view.scroll_y == 0  # below the fold at first
        for _ in range(10):
            await pilot.press("pagedown")
            await pilot.pause()
        assert view.scroll_y == view.max_scroll_y > 0
        assert view.scroll_y <= last < view.scroll_y + height
        assert "働き方（テレワーク）" in app.export_screenshot()
        await pilot.press("home")
        await pilot.pause()
        assert view.scroll_y == 0
        await pilot.press("end")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y


@pytest.mark.asyncio
async def test_the_balance_is_laid_out_again_for_a_wider_terminal(ws_path):
    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("3")
        await tuiutil.settle(pilot)
        view = app.screen.query_one(BalanceView)
        narrow = shown_lines(view)
        await pilot.resize_terminal(120, 40)
        await tuiutil.settle(pilot)
        wide = shown_lines(view)
        cells = view.query_one("#balance-bars", Static).content_region.width
        assert cells > 110 and all(width(line) <= cells for line in wide)
        assert max(map(width, wide)) > max(map(width, narrow))
        assert any("AIによる保育所入所選考マッチング" in line for line in wide)  # room for the whole name now
        assert not any("AIによる保育所入所選考マッチング" in line for line in narrow)


def test_names_are_cut_with_dots_and_every_bar_and_count_starts_in_one_column(result):
    cells = 76
    lines = charts.balance_lines(result, cells)
    assert all(charts.cells_of(line) <= cells for line in lines)
    rows = bar_rows(lines)
    assert len(rows) == sum(1 for b in result.balance + result.field_balance if b.applications)
    starts = {bar_start(line) for line in rows}
    assert len(starts) == 1
    # the counts (and what follows them) start where the bar column ends, padded to one width
    cols = charts.columns(charts.bureau_rows(result) + charts.field_rows(result), cells)
    for line in rows:
        text = charts.plain(line)
        lead = next(i for i in range(len(text)) if width(text[:i]) == cols.bar_start + cols.bar)
        assert text[lead:lead + 2] == "  " and text[lead + 2:].lstrip()[0].isdigit()
    long = [f for f in result.field_balance if f.kind == "model" and width(f.name) + 5 > cols.name]
    assert long  # the sample has model names longer than the column
    for f in long:
        text = row_of(lines, f"  {f.key:>2} ")
        name = text[:next(i for i in range(len(text)) if width(text[:i]) == cols.name)]
        assert name.rstrip().endswith("...") and f.name not in text
        assert f.name.startswith(name.strip().removeprefix(f.key).strip().removesuffix("..."))
    # the counts are right-aligned in their columns
    hokkaido = row_of(lines, "北海道")
    assert hokkaido.rstrip().endswith("1     1     1")


def test_the_legend_names_exactly_the_glyphs_drawn(result):
    def legend(lines):
        line = next(line for line in lines if line and line[0] == ("凡例", charts.HEAD))
        return {(text, style) for text, style in line if style in charts.BAR_STYLES}

    def drawn(lines):
        return {(text[0], style) for line in bar_rows(lines) for text, style in line if style in charts.BAR_STYLES}

    lines = charts.balance_lines(result, 76)
    assert legend(lines) == drawn(lines) == {("#", charts.SELECTED), ("=", charts.ELIGIBLE), (".", charts.OUT)}
    # every application eligible: no "." drawn, none in the legend
    everyone = dataclasses.replace(
        result, balance=[dataclasses.replace(b, eligible=b.applications) for b in result.balance],
        field_balance=[dataclasses.replace(f, eligible=f.applications) for f in result.field_balance])
    lines = charts.balance_lines(everyone, 76)
    assert legend(lines) == drawn(lines) == {("#", charts.SELECTED), ("=", charts.ELIGIBLE)}
    assert "対象外" not in charts.plain(next(line for line in lines if line and line[0][0] == "凡例"))


def test_a_track_over_the_share_limit_is_flagged_on_screen(result):
    # seed 000 sets no share, nor does the shipped file: nothing is flagged, the heading says so
    assert result.program.selection.max_field_share is None
    lines = charts.balance_lines(result, 76)
    assert not any("偏りあり" in charts.plain(line) for line in lines)
    assert "要件・分野別モデルの割合の上限 なし" in " ".join(charts.plain(line) for line in lines[:3])
    # a criteria file that sets one flags the track over it (the largest track's share, less a little)
    tracks = [f for f in result.field_balance if f.kind == "track"]
    top = max(tracks, key=lambda f: f.share or 0)
    limit = round((top.share or 0) - 0.05, 2)
    program = result.program.model_copy(
        update={"selection": result.program.selection.model_copy(update={"max_field_share": limit})})
    lines = charts.balance_lines(dataclasses.replace(result, program=program), 76)
    for f in tracks:
        assert ("偏りあり" in row_of(lines, f"要件{f.key}")) == ((f.share or 0) > limit), f
    assert f"{(top.share or 0) * 100:.1f}%" in row_of(lines, f"要件{top.key}")
    assert f"割合の上限 {limit:.0%}" in " ".join(charts.plain(line) for line in lines[:3])


def test_models_and_tracks_over_a_lower_limit_are_flagged(result):
    program = result.program.model_copy(
        update={"selection": result.program.selection.model_copy(update={"max_field_share": 0.1})})
    lines = charts.balance_lines(dataclasses.replace(result, program=program), 76)
    for f in result.field_balance:
        start = f"要件{f.key}" if f.kind == "track" else f"  {f.key:>2} "
        assert ("偏りあり" in row_of(lines, start)) == (f.share is not None and f.share > 0.1), f
    assert "割合の上限 10%" in " ".join(charts.plain(line) for line in lines[:3])


def test_quotas_and_their_breaches_are_shown(ws_path):
    with Workspace.open(ws_path) as ws:
        result = score_workspace(ws, "r2-ai-plan")  # min 50, max 100 selected; 4 to 10 a bureau
    s = result.program.selection
    assert (s.min_selected, s.max_selected, s.bureau_min, s.bureau_max) == (50, 100, 4, 10)
    lines = charts.balance_lines(result, 76)
    text = "\n".join(charts.plain(line) for line in lines)
    assert f"採択候補 {len(result.selected)} 件（採択数の枠 50〜100）" in text
    assert "総合通信局ごとの枠 4〜10" in text
    # the samples: 50 or more in all, 沖縄 alone under its minimum
    assert len(result.selected) >= 50 and "下限未満" not in charts.plain(lines[0])
    for b in result.balance:
        label = {"under": "下限未満", "over": "上限超過", "unserved": "採択なし", "ok": "適正"}[b.status]
        assert row_of(lines, b.bureau).endswith(label)
    assert row_of(lines, "沖縄").endswith("下限未満") and [b.bureau for b in result.balance if b.status == "under"] == ["沖縄"]
    assert "分野の割合の上限 なし" in text and "分野別" in text                  # r2-ai-plan's fields
    assert "分野は本ツールの既定の分類です" in text.replace("\n", "")           # labelled as the tool's own
    assert row_of(lines, "  AI-OCR")


def test_without_quotas_the_balance_says_so(result):
    text = "\n".join(charts.plain(line) for line in charts.balance_lines(result, 76))
    assert "採択数の枠 なし" in text and "総合通信局ごとの枠 なし" in text


@pytest.mark.asyncio
async def test_the_balance_shows_a_new_result_filled_while_another_view_was_shown(ws_path):
    from textual.widgets import Input

    app = ReviewerApp(ws_path, "chair")
    async with app.run_test(size=(80, 24)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("3")
        await tuiutil.settle(pilot)
        view = app.screen.query_one(BalanceView)
        before = len(app.screen.result.selected)
        assert any(f"採択候補 {before} 件" in line for line in shown_lines(view))
        await pilot.press("2", "b")  # a what-if budget, while the ranking is shown
        await pilot.pause()
        app.screen.query_one(Input).value = "30,000,000"
        await pilot.press("enter")
        await tuiutil.settle(pilot)
        after = len(app.screen.result.selected)
        assert after < before
        await pilot.press("3")
        await tuiutil.settle(pilot)
        assert app.focused is view
        lines = shown_lines(view)
        assert any(f"採択候補 {after} 件" in line for line in lines)
        assert all(width(line) <= view.query_one("#balance-bars", Static).content_region.width for line in lines)
