"""Japanese line breaking (reviewer.present.text.wrap): 禁則, Latin words, hanging indents."""

from __future__ import annotations

import random
import re

import pytest

from reviewer.present.text import (
    NO_END,
    NO_START,
    _Units,
    hanging_indent,
    list_marker,
    width,
    wrap,
    wrap_spans,
    wrap_text,
    wrap_text_spans,
)

#: The characters the brief names (the module's sets hold a few more).
START = "、。，．・：；？！゛゜ヽヾゝゞ々ー）］｝〕〉》」』】〙〗〟’”｠»ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ),.:;!?]}"
END = "（［｛〔〈《「『【〘〖〝‘“｟«([{"
FILLER = "本事業地域観光情報通信基盤整備あいうえおかきくけこさしすせそアイウエオカキクケコ"


def test_the_sets_hold_the_named_characters():
    assert set(START) <= NO_START and set(END) <= NO_END
    assert not set(FILLER) & (NO_START | NO_END)


def one_character(line: str) -> bool:
    """A line of one character (with its marks): wider than a line of one cell, it still goes."""
    return _Units(line.strip(" ")).n == 1


def _content(lines: list[str], indent: int, hanging: int, cells: int, widest: int) -> list[str]:
    """The lines without their indents (which shrink where the line is too short for them and
    its widest character)."""
    out = []
    for i, line in enumerate(lines):
        pad = indent if i == 0 else hanging
        if pad + widest <= cells:
            assert line[:pad] == " " * pad or not line, (i, line)
        out.append(line[min(pad, len(line) - len(line.lstrip(" "))):])
    return out


def _rejoins(pieces: list[str], text: str) -> bool:
    """``text`` is the pieces in order with nothing between them but (dropped) spaces (also
    spaces before the first piece where they alone do not fit the line, and after the last)."""
    pattern = " *" + " *".join(re.escape(p) for p in pieces) + " *"
    return re.fullmatch(pattern, text, flags=re.DOTALL) is not None


def check(text: str, cells: int, indent: int = 0, hanging: int | None = None, kinsoku: bool = True) -> list[str]:
    """Wrap and check the invariants: lines fit, the text comes back, and (``kinsoku``) no line
    starts or ends with a forbidden character unless it is made of nothing else."""
    lines = wrap(text, cells, indent, hanging)
    assert lines, text
    for line in lines:
        assert width(line) <= cells or one_character(line), (cells, line, lines)
    widest = max(_Units(text).widths, default=1)
    pieces = _content(lines, indent, indent if hanging is None else hanging, cells, widest)
    assert _rejoins(pieces, text), (text, lines)
    if kinsoku:
        for i, piece in enumerate(pieces):
            if i and piece and not set(piece) <= NO_START:
                assert piece[0] not in NO_START, (cells, i, lines)
            if i < len(pieces) - 1 and piece.rstrip() and not set(piece) <= NO_END:
                assert piece.rstrip()[-1] not in NO_END, (cells, i, lines)
    return lines


def tempting(cells: int, seed: int) -> str:
    """A paragraph in which each line-start-forbidden character stands where a naive break (by
    cells alone) would start a line with it, and each line-end-forbidden one where it would end
    a line."""
    rnd = random.Random(seed)
    out: list[str] = []
    used = 0  # cells on the naive line so far

    def add(ch: str) -> None:
        nonlocal used
        used = width(ch) if used + width(ch) > cells else used + width(ch)
        out.append(ch)

    def fill_to(room: int) -> None:
        """Ordinary characters until the naive line has just ``room`` cells left."""
        for _ in range(rnd.randint(1, 3)):
            add(rnd.choice(FILLER))
        while (left := cells - used) != room:
            add("ｱ" if left - room == 1 else rnd.choice(FILLER))  # ｱ: halfwidth kana, one cell

    for ch in START:
        fill_to(0)  # the line is full: the naive break puts ``ch`` first on the next line
        add(ch)
    for ch in END:
        fill_to(width(ch))  # room for just ``ch``: the naive break leaves it last on its line
        add(ch)
    add("。")
    return "".join(out)


@pytest.mark.parametrize("cells", range(10, 41))
def test_forbidden_characters_where_a_naive_break_would_put_them(cells):
    for seed in range(3):
        text = tempting(cells, seed)
        lines = check(text, cells)
        assert len(lines) > 10
        check(text, cells, indent=2, hanging=4)


def test_the_tempting_paragraph_tempts():
    """A naive break really would start lines with the forbidden characters."""
    text = tempting(20, 0)
    starts, used = [], 0
    for ch in text:
        if used + width(ch) > 20:
            starts.append(ch)
            used = 0
        used += width(ch)
    assert set(START) <= set(starts)


def test_kinsoku_pushes_the_last_character_to_the_next_line():
    assert wrap("本事業は地域の。", 14) == ["本事業は地域", "の。"]
    assert wrap("情報通信基盤「観光", 14) == ["情報通信基盤", "「観光"]
    assert wrap("データを活用", 4) == ["デー", "タを", "活用"]
    assert wrap("データを活用", 2) == ["デ", "ー", "タ", "を", "活", "用"]  # ー alone: the only break there is
    assert wrap("本事業を。", 8) == ["本事業", "を。"]
    assert all(not line.startswith("ー") for line in wrap("データ" * 10, 6))


def test_latin_words_break_at_spaces_and_long_ones_by_cells():
    assert wrap("AI-OCR と RPA による効率化", 12) == ["AI-OCR と", "RPA による効", "率化"]
    assert wrap("alpha beta gamma", 11) == ["alpha beta", "gamma"]
    assert wrap("予算は12,000,000円です", 10) == ["予算は", "12,000,000", "円です"]
    url = "https://example.com/a/very/long/path"
    lines = check("参照 " + url + " を見る", 12)
    assert all(width(line) <= 12 for line in lines) and "".join(lines).replace(" ", "") == ("参照" + url + "を見る")
    assert wrap("word", 2) == ["wo", "rd"]


def test_hanging_indent_for_bullets_and_numbered_items():
    lines = wrap_text("・地域の観光データを集約し、周遊を促進する。", 16)
    assert lines == ["・地域の観光デー", "  タを集約し、周", "  遊を促進する。"]
    lines = wrap_text("（1）地域の観光データを集約し、周遊を促進する。", 17)
    assert lines[0].startswith("（1）") and all(line.startswith("     ") and line[5] != " " for line in lines[1:])
    assert len(lines) > 2
    lines = wrap("地域の観光データを集約し、周遊を促進する。", 12, indent=2, hanging=6)
    assert lines[0].startswith("  地") and all(line.startswith("      ") for line in lines[1:])
    check("地域の観光データを集約し、周遊を促進する。", 12, indent=2, hanging=6)


@pytest.mark.parametrize(("paragraph", "mark"), [
    ("・項目", "・"), ("－項目", "－"), ("- item", "- "), ("○項目", "○"), ("●項目", "●"), ("※注記", "※"),
    ("①項目", "①"), ("⑳項目", "⑳"), ("（1）説明", "（1）"), ("(1) 説明", "(1) "), ("（１２）説明", "（１２）"),
    ("1. 概要", "1. "), ("１．概要", "１．"), ("ア 説明", "ア "), ("ア．説明", "ア．"), ("（ア）説明", "（ア）"),
    ("  ・項目", "  ・"), ("　・項目", "　・"), ("  続き", "  "),
    ("　本事業は", ""), ("本事業は", ""), ("1.5倍に", ""), ("2026年", ""), ("アイデア", ""), ("-x", ""), ("A.I.を", ""),
])
def test_list_markers(paragraph, mark):
    assert list_marker(paragraph) == mark
    assert hanging_indent(paragraph) == width(mark)


def test_wrap_text_keeps_blank_lines_and_the_full_width_indent():
    text = "　本事業は、地域の観光データを集約し、周遊を促進する。\n\n・一つ目の項目で、少し長い説明。\n・二つ目"
    lines = wrap_text(text, 20)
    assert lines[0].startswith("　本事業") and not lines[1].startswith(" ") and not lines[1].startswith("　")
    assert "" in lines and lines[-1] == "・二つ目"
    assert all(width(line) <= 20 for line in lines)
    bullet = lines.index("")
    assert lines[bullet + 1].startswith("・") and lines[bullet + 2].startswith("  ")
    assert wrap_text("a\r\nb", 10) == ["a", "b"]
    assert wrap_text("", 10) == [""] and wrap_text("\n\n", 10) == ["", "", ""]


def test_spans_point_into_the_text():
    text = "・地域の観光 data を集約し、\n\n（1）周遊を促進する。"
    for cells in range(4, 30):
        spans = wrap_text_spans(text, cells)
        lines = wrap_text(text, cells)
        assert len(spans) == len(lines)
        for s, line in zip(spans, lines):
            assert (" " * s.indent + text[s.start:s.end] if s.end > s.start else "") == line
    assert wrap_spans("abc def", 4) == [(0, 0, 3), (0, 4, 7)]


@pytest.mark.parametrize("cells", [1, 2, 3])
def test_very_narrow_lines(cells):
    for text in ["本事業は「観光」。", "abc def。", "・地域の観光", "（1）説明", "」」」", "「「「", "a"]:
        lines = check(text, cells, kinsoku=False)
        check(text, cells, indent=2, hanging=3, kinsoku=False)
        for line in lines:
            assert width(line) <= cells or (cells == 1 and width(line) == 2)
        assert all(width(line) <= cells or cells == 1 for line in wrap_text(text, cells))


def test_pathological_runs_still_break_and_fit():
    for text in ["」" * 50, "「" * 50, "「」" * 30, "。、" * 30, "ー" * 40, ")" * 40, "(" * 40, " " * 30, " 」" * 20]:
        for cells in (1, 2, 5, 10, 17):
            lines = check(text, cells, kinsoku=False)
            assert len(lines) < 200
    assert wrap("」" * 9, 6) == ["」」」", "」」」", "」」」"]


def test_characters_with_marks_are_never_split():
    combining = "か\u3099" * 12  # が written with a combining voiced mark
    for cells in range(1, 9):
        for line in wrap(combining, cells):
            assert not line.startswith("\u3099")
    family = "家族\U0001f468\u200d\U0001f469\u200d\U0001f467です"
    for cells in range(1, 12):
        joined = wrap(family, cells)
        assert not any(line.startswith("\u200d") or line.endswith("\u200d") for line in joined)
    pair = "\ud83d\ude00" * 5  # a surrogate pair (as surrogatepass decoding leaves it)
    for cells in range(1, 6):
        assert all(not line.startswith("\ude00") for line in wrap(pair, cells))
    assert wrap("e\u0301" * 4, 2) == ["e\u0301e\u0301", "e\u0301e\u0301"]


KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
KANJI = "事業地域観光情報通信基盤整備計画予算申請審査評価委員会"
PUNCT = START + END


def _random_text(rnd: random.Random, isolated: bool) -> str:
    """Kana, kanji, ASCII words and punctuation. ``isolated``: no two forbidden characters side
    by side and Latin words short, so an allowed break always exists within a line."""
    out: list[str] = []
    prev_forbidden = False
    for _ in range(rnd.randint(0, 80)):
        r = rnd.random()
        if r < 0.35:
            out.append(rnd.choice(KANA))
        elif r < 0.55:
            out.append(rnd.choice(KANJI))
        elif r < 0.7:
            word = "".join(rnd.choice("abcdefghijXYZ0123456789") for _ in range(rnd.randint(1, 5 if isolated else 30)))
            out.append(word + (" " if isolated or rnd.random() < 0.5 else ""))
        elif r < 0.9 and not (isolated and prev_forbidden):
            out.append(rnd.choice(PUNCT))
            prev_forbidden = True
            continue
        elif not isolated:
            out.append(rnd.choice([" ", "　", "\u3099", "ｱ", "\u200b", "\U0001f600", "ａ"]))
        else:
            out.append(rnd.choice(KANA))
        prev_forbidden = False
    return "".join(out)


def test_random_text_keeps_the_invariants():
    rnd = random.Random(20260401)
    for _ in range(1500):
        text = _random_text(rnd, isolated=False)
        cells = rnd.randint(1, 40)
        indent, hanging = rnd.randint(0, 4), rnd.choice([None, 0, 2, 5])
        lines = wrap(text, cells, indent, hanging)
        for line in lines:
            assert width(line) <= cells or one_character(line), (text, cells, lines)
        if indent + 2 <= cells and (hanging or 0) + 2 <= cells:
            check(text, cells, indent, hanging, kinsoku=False)


def test_random_text_obeys_kinsoku_where_it_can():
    rnd = random.Random(7)
    for _ in range(1500):
        text = _random_text(rnd, isolated=True)
        cells = rnd.randint(16, 40)
        check(text, cells, rnd.randint(0, 2), rnd.choice([None, 0, 2]))
        check(text, cells)
