"""Text for terminals: display widths of Japanese text and aligned tables."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta, timezone


def width(text: str) -> int:
    """Cells a string takes in a terminal (East Asian wide and fullwidth count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


JST = timezone(timedelta(hours=9), "JST")


def jst(stamp: str | None) -> str:
    """A stored timestamp (ISO 8601, UTC) as Japan time, "YYYY-MM-DD HH:MM" ("" when absent)."""
    if not stamp:
        return ""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:16]
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(JST).strftime("%Y-%m-%d %H:%M")


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


def _json_escape(ch: str) -> str:
    n = ord(ch)
    if n > 0xFFFF:  # beyond the BMP: a surrogate pair, as JSON writes it
        n -= 0x10000
        return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"
    return f"\\u{n:04x}"


def json_text(value: object, indent: int | None = None) -> str:
    """``value`` as JSON for a terminal: readable (not ASCII-only), with every ``UNSHOWN``
    character escaped as ``\\uXXXX``. Still valid JSON that parses to the same values; the
    escaped characters can occur only inside strings (json escapes C0 controls itself)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
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
