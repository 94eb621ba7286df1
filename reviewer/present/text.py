"""Text for terminals: display widths of Japanese text and aligned tables."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Set as AbstractSet
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple


def width(text: str) -> int:
    """Cells a string takes in a terminal (East Asian wide and fullwidth count two)."""
    if text.isascii():  # ids, numbers, dates: one cell a character
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


JST = timezone(timedelta(hours=9), "JST")


#: The eras an official date is written in (和暦): first day, name.
ERAS = ((date(2019, 5, 1), "令和"), (date(1989, 1, 8), "平成"))


def wareki(day: date) -> str:
    """``day`` in the Japanese calendar, as an official document writes it: "令和8年12月2日"
    (the first year is 元年); before 平成, the Western year."""
    for start, era in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def official_time(when: datetime) -> str:
    """A time for an official document: 和暦, Japan time and its zone ("令和8年12月2日 15:37（日本時間）");
    a time without a zone is taken as Japan time."""
    local = when.astimezone(JST) if when.tzinfo else when
    return f"{wareki(local.date())} {local:%H:%M}（日本時間）"


def stored_time(stamp: str) -> datetime | None:
    """A stored timestamp (ISO 8601, UTC where it has no zone) in Japan time; None where it does not parse."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(JST)


def jst(stamp: str | None) -> str:
    """A stored timestamp (ISO 8601, UTC) as Japan time, "YYYY-MM-DD HH:MM" ("" when absent)."""
    if not stamp:
        return ""
    when = stored_time(stamp)
    return stamp[:16] if when is None else when.strftime("%Y-%m-%d %H:%M")


#: The characters a terminal acts on instead of showing: C0 and C1 controls and DEL (Cc: ESC
#: starts escape sequences, U+009B is a one-character CSI, U+009D an OSC), format characters
#: (Cf: bidi overrides and isolates, zero-width characters), line and paragraph separators,
#: and lone surrogates (which cannot even be written as UTF-8).
UNSHOWN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def clean(text: str) -> str:
    """Text for a terminal: each control, format or separator character (``UNSHOWN``) becomes a
    space, so escape sequences, bidi overrides and newlines do nothing."""
    if text.isprintable():
        return text
    return "".join(" " if unicodedata.category(ch) in UNSHOWN else ch for ch in text)


def clean_lines(text: str) -> str:
    """``clean`` line by line: line breaks (any of \\r\\n, \\r, \\n) kept as \\n."""
    return "\n".join(clean(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _json_escape(ch: str) -> str:
    n = ord(ch)
    if n > 0xFFFF:  # beyond the BMP: a surrogate pair, as JSON writes it
        n -= 0x10000
        return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"
    return f"\\u{n:04x}"


#: One encoder for every compact value: its C implementation (``json.dumps`` with an indent
#: runs the pure-Python one, a seventh of ``rank --json``'s time at 2,000 applications).
_COMPACT = json.JSONEncoder(ensure_ascii=False)

#: How many levels of containers ``json_text`` lays out one item a line; deeper ones are
#: written on their item's line (``rank --json``: one application, one bureau a line).
LAID_OUT = 2


def _laid_out(value: object, indent: int, depth: int) -> str:
    """``value`` as JSON, its containers down to ``LAID_OUT`` levels one item a line."""
    if depth >= LAID_OUT or not isinstance(value, (dict, list, tuple)) or not value:
        return _COMPACT.encode(value)
    inner, outer = " " * (indent * (depth + 1)), " " * (indent * depth)
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):  # json's own key conversions
            return _COMPACT.encode(value)
        items = [f"{inner}{_COMPACT.encode(key)}: {_laid_out(item, indent, depth + 1)}"
                 for key, item in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{outer}}}"
    return "[\n" + ",\n".join(f"{inner}{_laid_out(item, indent, depth + 1)}" for item in value) + f"\n{outer}]"


def json_text(value: object, indent: int | None = None) -> str:
    """``value`` as JSON for a terminal: readable (not ASCII-only), with every ``UNSHOWN``
    character escaped as ``\\uXXXX``. Still valid JSON that parses to the same values; the
    escaped characters can occur only inside strings (json escapes C0 controls itself). With
    ``indent``, the outer ``LAID_OUT`` levels take one item a line, deeper ones stay on it."""
    text = _COMPACT.encode(value) if indent is None else _laid_out(value, indent, 0)
    escapes = {ord(ch): _json_escape(ch) for ch in set(text)
               if ch != "\n" and unicodedata.category(ch) in UNSHOWN}
    return text.translate(escapes) if escapes else text


def fit(text: str, cells: int) -> str:
    """Cut ``text`` to at most ``cells`` cells (with "..." when cut)."""
    text = clean(text)
    if width(text) <= cells:
        return text
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > cells - 3:
            break
        out += ch
        used += w
    return out + "..."


def pad(text: str, cells: int, right: bool = False) -> str:
    gap = " " * max(0, cells - width(text))
    return gap + text if right else text + gap


def table(headers: list[str], rows: list[list[str]], right: AbstractSet[int] = frozenset(),
          max_width: dict[int, int] | None = None) -> str:
    """A plain aligned table, measured in terminal cells."""
    max_width = max_width or {}
    rows = [[fit(str(c), max_width.get(i, 10_000)) for i, c in enumerate(r)] for r in rows]
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, widths[i], i in right) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(pad(c, widths[i], i in right) for i, c in enumerate(r)).rstrip())
    return "\n".join(lines)


# -- line breaking (Japanese) -------------------------------------------------------------
#
# ``wrap`` breaks one paragraph into lines of at most so many cells, the way Japanese text is
# set: anywhere between kana and kanji, between Latin words only at spaces, and with 禁則
# (JIS X 4051): no line starts with closing brackets, punctuation, small kana or iteration
# marks, and none ends with an opening bracket. A forbidden break is resolved by pushing
# characters to the next line (追い出し); a line never grows past its width (no 追い込み,
# no hanging punctuation). Where no allowed break exists (a line of nothing but 」, a word
# longer than the line) the text is broken anyway, so every line fits and wrapping ends.

#: No line starts with these (行頭禁則): closing brackets, punctuation, middle dots, the
#: prolonged sound mark, iteration marks, small kana (also halfwidth), hyphens and dashes.
NO_START = frozenset(
    "、。，．・：；？！゛゜ヽヾゝゞ々ー）］｝〕〉》」』】〙〗〟’”｠»"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ〻‐゠–〜～‼⁇⁈⁉"
    "｡｣､･ｰｧｨｩｪｫｬｭｮｯﾞﾟ"
    "),.:;!?]}"
)
#: No line ends with these (行末禁則): opening brackets and quotes.
NO_END = frozenset("（［｛〔〈《「『【〘〖〝‘“｟«｢([{")

_SPACE, _WORD, _WIDE = 0, 1, 2


class Span(NamedTuple):
    """One wrapped line: ``indent`` cells of spaces, then ``text[start:end]``."""

    indent: int
    start: int
    end: int


@lru_cache(maxsize=4096)
def _char(ch: str) -> tuple[int, bool, int]:
    """A character's cells, whether it belongs to the character before it (a combining or
    enclosing mark, a variation selector, an emoji joiner or skin tone), and its kind."""
    mark = unicodedata.category(ch) in ("Mn", "Me", "Mc") or ch == "\u200d" or "\U0001f3fb" <= ch <= "\U0001f3ff"
    if ch.isspace() and ch != "\u3000":
        kind = _SPACE
    elif width(ch) == 1 and not "\uff61" <= ch <= "\uff9f":  # narrow, but not halfwidth kana
        kind = _WORD
    else:
        kind = _WIDE  # wide (kana, kanji, fullwidth forms) and zero-width characters
    return width(ch), mark, kind


class _Units:
    """A paragraph as the characters a line may not split (a base character with its marks,
    an emoji sequence, a surrogate pair): where each starts, its cells and its kind."""

    def __init__(self, text: str):
        starts: list[int] = []
        widths: list[int] = []
        kinds: list[int] = []
        prev = ""
        for i, ch in enumerate(text):
            cells, mark, kind = _char(ch)
            if starts and (mark or prev == "\u200d" or ("\udc00" <= ch <= "\udfff" and "\ud800" <= prev <= "\udbff")):
                widths[-1] += cells
                if kinds[-1] == _SPACE:
                    kinds[-1] = _WIDE  # a space with a mark on it is kept
            else:
                starts.append(i)
                widths.append(cells)
                kinds.append(kind)
            prev = ch
        self.text = text
        self.n = len(starts)
        self.starts = starts + [len(text)]
        self.widths = widths
        self.kinds = kinds
        # the width of the run of narrow non-space characters (a Latin word) each unit is in
        self.runs = [0] * self.n
        i = 0
        while i < self.n:
            j = i + 1
            if kinds[i] == _WORD:
                while j < self.n and kinds[j] == _WORD:
                    j += 1
                self.runs[i:j] = [sum(widths[i:j])] * (j - i)
            i = j

    def base(self, i: int) -> str:
        return self.text[self.starts[i]]

    def fill(self, pos: int, room: int) -> int:
        """The end of the longest line from ``pos`` that fits ``room`` (at least one unit)."""
        end, used = pos, 0
        while end < self.n and (end == pos or used + self.widths[end] <= room):
            used += self.widths[end]
            end += 1
        return end

    def trim(self, pos: int, end: int) -> int:
        """``end`` moved back over spaces (not before ``pos``)."""
        while end > pos and self.kinds[end - 1] == _SPACE:
            end -= 1
        return end

    def skip(self, pos: int) -> int:
        while pos < self.n and self.kinds[pos] == _SPACE:
            pos += 1
        return pos

    def can_break(self, pos: int, b: int, long: int, kinsoku: bool) -> bool:
        """Whether a line from ``pos`` may end before unit ``b``: not inside a Latin word (unless
        it is wider than ``long``), not after nothing but spaces, and (``kinsoku``) neither
        starting the next line nor ending this one with a forbidden character."""
        if self.kinds[b - 1] == _WORD == self.kinds[b] and self.runs[b] <= long:
            return False
        last = self.trim(pos, b)
        if last == pos:
            return False
        if not kinsoku:
            return True
        nxt = self.skip(b)
        return (nxt >= self.n or self.base(nxt) not in NO_START) and self.base(last - 1) not in NO_END

    def break_before(self, pos: int, end: int, long: int) -> int:
        """Where the line from ``pos`` (fitting up to ``end``) ends: the last allowed break, else
        the last break that only 禁則 forbids, else ``end`` itself (the text breaks anyway)."""
        for kinsoku in (True, False):
            for b in range(end, pos, -1):
                if self.can_break(pos, b, long, kinsoku):
                    return b
        return end


def _fit_indent(indent: int, cells: int, widest: int) -> int:
    """An indent that leaves room for the widest character (narrowed when the line is short)."""
    indent = max(0, indent)
    return indent if indent + widest <= cells else max(0, cells - widest)


def wrap_spans(text: str, cells: int, indent: int = 0, hanging: int | None = None) -> list[Span]:
    """Where ``wrap`` breaks ``text``: one ``Span`` per line, with offsets into ``text`` (the
    spaces at a break belong to no line). See ``wrap``."""
    u = _Units(text)
    cells = max(1, cells)
    widest = max(u.widths, default=1)
    first = _fit_indent(indent, cells, widest)
    rest = _fit_indent(indent if hanging is None else hanging, cells, widest)
    long = max(cells - first, cells - rest)  # a Latin word wider than any line may be split
    spans: list[Span] = []
    pos = 0
    while True:
        pad = rest if spans else first
        end = u.fill(pos, cells - pad)
        if end >= u.n:
            spans.append(Span(pad, u.starts[pos], len(text)))
            return spans
        b = u.break_before(pos, end, long)
        if u.trim(pos, b) > pos:  # (only leading spaces too many for the line make no line)
            spans.append(Span(pad, u.starts[pos], u.starts[u.trim(pos, b)]))
        pos = u.skip(b)
        if pos >= u.n:
            return spans or [Span(first, 0, 0)]


def wrap(text: str, cells: int, indent: int = 0, hanging: int | None = None) -> list[str]:
    """One paragraph as lines of at most ``cells`` terminal cells (``width``), broken the
    Japanese way (see above). The first line starts with ``indent`` spaces, the others with
    ``hanging`` spaces (default: ``indent``); indents shrink where a line would otherwise have
    no room for a character. Spaces at a break are dropped; everything else is kept, in order.
    Only a character wider than the whole line (``cells`` = 1) makes a line longer."""
    return [" " * s.indent + text[s.start:s.end] if s.end > s.start else "" for s in wrap_spans(text, cells, indent, hanging)]


#: The marks that begin a list item or a numbered paragraph: bullets, circled numbers,
#: (1) / （１） / （ア）, 1. / １． / 1), ア． / ア） / "ア " and a) / "a. " (with their spaces).
_MARKER = re.compile(
    r"[ \u3000]*(?:"
    r"[・－○●◎◇◆□■※＊★☆•]"
    r"|[-*+](?= )"
    r"|[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf\u2776-\u277f]"
    r"|[（(] ?(?:[0-9０-９]{1,3}|[ァ-ヶ]|[a-zA-Zａ-ｚＡ-Ｚ]|[一二三四五六七八九十]{1,3}) ?[）)]"
    r"|[0-9０-９]{1,3}[.．)）](?![0-9０-９])"
    r"|[ァ-ヶ](?:[.．)）]|(?=[ \u3000]))"
    r"|[a-zA-Zａ-ｚＡ-Ｚ][.．)）](?=[ \u3000])"
    r")[ \u3000]*"
)


def list_marker(paragraph: str) -> str:
    """The paragraph's own list or number mark with the spaces around it ("・", "（1）",
    "１．", "  - "...), or just its leading ASCII spaces (an indented block), or ""."""
    m = _MARKER.match(paragraph)
    if m:
        return m.group(0)
    return paragraph[: len(paragraph) - len(paragraph.lstrip(" "))]


def hanging_indent(paragraph: str) -> int:
    """Cells the continuation lines of ``paragraph`` are indented by, so they align under its
    text after the mark ("・項目" → 2, "（1）説明" → 5). A leading full-width space alone is a
    first-line indent (字下げ) and does not hang."""
    return width(list_marker(paragraph))


def wrap_text_spans(text: str, cells: int) -> list[Span]:
    """Where ``wrap_text`` breaks ``text``: spans with offsets into the whole ``text``."""
    spans: list[Span] = []
    offset = 0
    for para in text.split("\n"):
        size = len(para) + 1
        para = para.removesuffix("\r")
        if not para.strip():
            spans.append(Span(0, offset, offset))
        else:
            hang = hanging_indent(para)
            hang = hang if hang * 2 <= cells else 0  # a mark wider than half the line does not hang
            spans.extend(Span(s.indent, s.start + offset, s.end + offset) for s in wrap_spans(para, cells, 0, hang))
        offset += size
    return spans


def wrap_text(text: str, cells: int) -> list[str]:
    """Text of several paragraphs (one a line) as lines of at most ``cells`` cells: blank lines
    kept (as ""), each paragraph wrapped with ``wrap``, continuation lines hanging under the
    text after the paragraph's own mark (``hanging_indent``), a leading full-width space kept
    on the first line only."""
    return [" " * s.indent + text[s.start:s.end] if s.end > s.start else "" for s in wrap_text_spans(text, cells)]


def pack(items: list[str], cells: int, gap: int = 2) -> list[str]:
    """Items on lines of at most ``cells`` cells, ``gap`` spaces between items on a line, broken
    only between items (an item wider than a line has a line of its own)."""
    lines: list[str] = []
    for item in (i for i in items if i):
        if lines and width(lines[-1]) + gap + width(item) <= cells:
            lines[-1] += " " * gap + item
        else:
            lines.append(item)
    return lines
