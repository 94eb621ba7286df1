"""TOML text in and out, with every problem named by file, line and field.

Inside: ``read_toml``/``parse_toml`` (bytes → dict, bounded: ``MAX_FILE_BYTES`` per file and
``MAX_DEPTH`` levels of nesting; tomllib's errors translated into Japanese, an integer of
too many digits named at its line), ``key_lines`` and its lazy ``KeyLines`` (where each key
path is in the text; one pass over each line, so linear in the text), ``line_of`` and
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
        return None, text, [_syntax_problem(p, text, e)]
    except RecursionError:
        return None, text, [Problem(p, None, "", f"入れ子が深すぎます（上限 {MAX_DEPTH} 段）")]
    except ValueError as e:
        if "integer string conversion" in str(e):  # int() refused a number of too many digits
            limit = _int_digits()
            msg = f"整数が大きすぎます（{limit:,} 桁を超えています）"
            return None, text, [Problem(p, _long_integer_line(text, limit), "", msg)]
        return None, text, [Problem(p, None, "", f"TOML として読めません（{type(e).__name__}）")]
    except MemoryError as e:
        return None, text, [Problem(p, None, "", f"TOML として読めません（{type(e).__name__}）")]
    if _depth(doc) > MAX_DEPTH:
        return None, text, [Problem(p, None, "", f"入れ子が深すぎます（上限 {MAX_DEPTH} 段）")]
    return doc, text, []


_AT_RE = re.compile(r" \(at (line (\d+), column \d+|end of document)\)")
#: A reason longer than this (it may quote a huge key) is cut.
_MAX_REASON = 300


def _syntax_problem(p: str, text: str, e: Exception) -> Problem:
    """tomllib's error as a problem at its line, the reason in Japanese."""
    msg = str(e)
    reason, line = msg, getattr(e, "lineno", None)
    cut = msg.rfind(" (at ")
    at = _AT_RE.fullmatch(msg, cut) if cut >= 0 else None
    if at:
        reason = msg[:cut].rstrip()
        if line is None and at.group(2):
            line = int(at.group(2))
        if line is None and at.group(1) == "end of document":
            line = len(text.rstrip("\n").split("\n"))
    reason = _toml_reason(reason)
    if len(reason) > _MAX_REASON:
        reason = reason[: _MAX_REASON - 1] + "…"
    return Problem(p, line, "", f"TOML の構文エラー: {reason}")


def _int_digits() -> int:
    """The most digits ``int()`` reads from a string (Python's limit; 4300 by default)."""
    get = getattr(sys, "get_int_max_str_digits", None)
    return int(get()) if get is not None else 4300


def _long_integer_line(text: str, limit: int) -> int | None:
    """The line of the first value that is a run of more than ``limit`` digits (one pass)."""
    for m in re.finditer(r"[0-9_]+", text):
        if m.end() - m.start() <= limit or len(m.group().replace("_", "")) <= limit:
            continue
        before = text[max(0, m.start() - 64): m.start()].rstrip(" \t+-")
        if not before or before[-1] in "=[,{\n":
            return text.count("\n", 0, m.start()) + 1
    return None


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


#: A run of the characters of a key as ``key_lines`` reads it (bare, quoted and dotted keys),
#: and a run of blanks: single greedy runs, nothing after them to backtrack for.
_KEY_RUN = re.compile(r"[A-Za-z0-9_\-\"'. ]*")
_BLANKS = re.compile(r"\s*")
#: Key paths longer than this are cut (no accepted document nests deeper than MAX_DEPTH).
_MAX_PARTS = MAX_DEPTH + 1


def _split_key(key: str) -> list[str]:
    return [part.strip().strip("\"'") for part in key.split(".", _MAX_PARTS)[:_MAX_PARTS]]


def _header(line: str) -> tuple[str, str] | None:
    """A table header line ``[a.b]`` or ``[[a.b]]`` (with an optional comment after it) as
    (brackets, key); None for other lines. One pass, no backtracking."""
    s = line.lstrip()
    if not s.startswith("["):
        return None
    opening = "[[" if s.startswith("[[") else "["
    if opening == "[[" and s.startswith("[[]"):
        opening = "["  # "[[]...": the key starts with "[", as the old pattern read it
    start = len(opening)
    end = s.find("]", start)
    if end <= start:
        return None
    closing = "]]" if s.startswith("]]", end) else "]"
    rest = s[end + len(closing):].lstrip()
    if rest and not rest.startswith("#"):
        return None
    if closing != opening.replace("[", "]"):
        return None
    return opening, s[start:end]


def _key(line: str) -> tuple[str, int] | None:
    """The key of a ``key = value`` line and where its value starts; None for other lines.
    One pass: the run of key characters, blanks, then ``=``."""
    i = len(line) - len(line.lstrip())
    run = _KEY_RUN.match(line, i)
    j = run.end() if run else i
    blanks = _BLANKS.match(line, j)
    k = blanks.end() if blanks else j
    if k >= len(line) or line[k] != "=":
        return None
    if j == i:  # no key characters: only "  = …" read a blank as the key
        return (" ", k + 1) if " " in line[:i] else None
    return line[i:j], k + 1


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
        h = _header(line)
        if h and h[0] == "[[":
            parts = _split_key(h[1])
            base = tuple(_resolve(parts[:-1], counters)) + (parts[-1],)
            counters[base] = counters.get(base, -1) + 1
            current = base + (counters[base],)
            lines.setdefault(base, no)
            lines[current] = no
            continue
        if h:
            current = tuple(_resolve(_split_key(h[1]), counters))
            lines.setdefault(current, no)
            continue
        k = _key(line)
        if k:
            path = current + tuple(_split_key(k[0]))
            lines.setdefault(path, no)
            rest = line[k[1]:]
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
