"""TOML text in and out, with every problem named by file, line and field.

Inside: ``read_toml``/``parse_toml`` (bytes → dict, bounded: ``MAX_FILE_BYTES`` per file and
``MAX_DEPTH`` levels of nesting; tomllib's errors translated into Japanese), ``key_lines``
and its lazy ``KeyLines`` (where each key path is in the text), ``line_of`` and
``field_name`` (a pydantic-style location as a line and a dotted name), ``problems_at``
(location/message pairs of the rules as ``Problem``s), and ``toml_string`` (the TOML basic
string writer of the templates and the synthetic data).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from reviewer.files.problems import Problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: Files larger than this are refused before parsing.
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Arrays and tables nested deeper than this are refused.
MAX_DEPTH = 32

#: Where each key path of a document is: 1-based line numbers.
Lines = Mapping[tuple[Any, ...], int]


# ---------------------------------------------------------------------------
# TOML text → dict


def read_toml(path: Path) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Parse ``path``; return (document, text, problems)."""
    p = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, "", [Problem(p, None, "", f"ファイルが大きすぎます（{size:,} バイト、上限 {MAX_FILE_BYTES:,} バイト）")]
        raw = path.read_bytes()
    except OSError as e:
        return None, "", [Problem(p, None, "", f"読み込めません（{e.strerror or e}）")]
    return parse_toml(p, raw)


def parse_toml(p: str, raw: bytes) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    if len(raw) > MAX_FILE_BYTES:
        return None, "", [Problem(p, None, "", f"ファイルが大きすぎます（上限 {MAX_FILE_BYTES:,} バイト）")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        at = raw[: e.start].count(b"\n") + 1
        return None, "", [Problem(p, at, "", "UTF-8 として読めません（文字コードを UTF-8 にしてください）")]
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None)
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if line is None and m:
            line = int(m.group(1))
        if line is None and "end of document" in msg:
            line = len(text.rstrip("\n").split("\n"))
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg)
        return None, text, [Problem(p, line, "", f"TOML の構文エラー: {_toml_reason(reason)}")]
    except RecursionError:
        return None, text, [Problem(p, None, "", f"入れ子が深すぎます（上限 {MAX_DEPTH} 段）")]
    except (MemoryError, ValueError) as e:
        return None, text, [Problem(p, None, "", f"TOML として読めません（{type(e).__name__}）")]
    if _depth(doc) > MAX_DEPTH:
        return None, text, [Problem(p, None, "", f"入れ子が深すぎます（上限 {MAX_DEPTH} 段）")]
    return doc, text, []


_TOML_REASONS = (
    (r"^Cannot declare (.+) twice$", r"\1 が2回定義されています"),
    (
        r"^Cannot (overwrite a value|mutate immutable namespace .+|redefine namespace .+)$",
        "定義済みのキーやテーブルを上書きしています",
    ),
    (r"^Duplicate inline table key (.+)$", r"インラインテーブルのキー \1 が重複しています"),
    (r"^Expected '=' after a key in a key/value pair$", "キーの後に = がありません"),
    (r"^Expected '\]' at the end of a table declaration$", "テーブル見出しが ] で閉じられていません"),
    (r"^Expected '\]\]' at the end of an array declaration$", "配列テーブル見出しが ]] で閉じられていません"),
    (r"^Expected newline or end of document after a statement$", "1行に1つの定義だけを書いてください（改行がありません）"),
    (r"^(Found invalid|Illegal) character (.+)$", r"使えない文字 \2 があります"),
    (r"^Invalid value$", "値が正しくありません（文字列は \"...\" で囲みます）"),
    (r"^Invalid statement$", "解釈できない行です"),
    (r"^Invalid initial character for a key part$", "キーに使えない文字で始まっています"),
    (r"^Invalid date or datetime$", "日付・日時が正しくありません"),
    (r"^Unclosed array$", "配列が ] で閉じられていません"),
    (r"^Unclosed inline table$", "インラインテーブルが } で閉じられていません"),
    (r"^Unterminated string$", "文字列が閉じられていません"),
)


def _toml_reason(reason: str) -> str:
    for pattern, japanese in _TOML_REASONS:
        if re.match(pattern, reason):
            return re.sub(pattern, japanese, reason)
    return reason


def _depth(value: Any, limit: int = MAX_DEPTH + 1) -> int:
    """Nesting depth of parsed TOML (tables and arrays), counted up to ``limit``: level by
    level, so a score file's 100,000 plain values cost one isinstance each."""
    depth, level = 0, [value]
    while depth < limit:
        containers = [v for v in level if isinstance(v, (dict, list))]
        if not containers:
            break
        depth += 1
        level = [x for c in containers for x in (c.values() if isinstance(c, dict) else c)]
    return depth


# ---------------------------------------------------------------------------
# Where a key is in the text


_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*(\]\]?)\s*(#.*)?$")
_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def _split_key(key: str) -> list[str]:
    return [part.strip().strip("\"'") for part in key.split(".")]


def key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Map each key path (as pydantic reports locations) to its 1-based line.

    Handles the layouts people write: tables, arrays of tables, dotted keys, multi-line
    strings. Inline tables map to the line of their key.
    """
    lines: dict[tuple[Any, ...], int] = {}
    counters: dict[tuple[Any, ...], int] = {}
    current: tuple[Any, ...] = ()
    in_multiline: str | None = None
    for no, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if in_multiline in line:
                in_multiline = None
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _HEADER_RE.match(line)
        if m and m.group(1) == "[[" and m.group(3) == "]]":
            parts = _split_key(m.group(2))
            base = tuple(_resolve(parts[:-1], counters)) + (parts[-1],)
            counters[base] = counters.get(base, -1) + 1
            current = base + (counters[base],)
            lines.setdefault(base, no)
            lines[current] = no
            continue
        if m and m.group(1) == "[" and m.group(3) == "]":
            current = tuple(_resolve(_split_key(m.group(2)), counters))
            lines.setdefault(current, no)
            continue
        k = _KEY_RE.match(line)
        if k:
            path = current + tuple(_split_key(k.group(1)))
            lines.setdefault(path, no)
            rest = line[k.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) == 1:
                    in_multiline = quote
    return lines


def _resolve(parts: list[str], counters: dict[tuple[Any, ...], int]) -> list[Any]:
    """Insert the current index after each prefix that is an array of tables."""
    out: list[Any] = []
    for part in parts:
        out.append(part)
        if tuple(out) in counters:
            out.append(counters[tuple(out)])
    return out


class KeyLines(Mapping[tuple[Any, ...], int]):
    """``key_lines(text)``, computed on first use: most files have no problem to locate, and
    mapping every key of a large score file costs as much as parsing it."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[tuple[Any, ...], int] | None = None

    def _map(self) -> dict[tuple[Any, ...], int]:
        if self._lines is None:
            self._lines = key_lines(self._text)
        return self._lines

    def __getitem__(self, key: tuple[Any, ...]) -> int:
        return self._map()[key]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())


def line_of(lines: Lines, loc: tuple[Any, ...]) -> int | None:
    """The line of ``loc`` or of its nearest enclosing key."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def field_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def problems_at(
    p: str, lines: Lines, pairs: Iterable[tuple[tuple[Any, ...], str]],
    describe: Callable[[tuple[Any, ...]], str] = field_name,
) -> list[Problem]:
    """The rules' (location, message) pairs as problems of file ``p``, with lines and field names."""
    return [Problem(p, line_of(lines, loc), describe(loc), msg) for loc, msg in pairs]


# ---------------------------------------------------------------------------
# str → TOML text


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, but for DEL, which TOML wants escaped)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
