"""Reading TOML files into the domain model, with every problem named by file, line and field.

Nothing here raises for bad input: loaders return the parsed object or a list of
``Problem``s. ``load_paths`` reads a set of files and folders (criteria, applications, panel,
score sheets, told apart by their content) and checks them against each other.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError

from reviewer.domain.model import Application, Panel, Program, ScoreFile
from reviewer.domain.vocabulary import FILE_KINDS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: Files larger than this are refused before parsing.
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Arrays and tables nested deeper than this are refused.
MAX_DEPTH = 32


@dataclass(frozen=True, order=True)
class Problem:
    """One problem with one input: where it is and what is wrong, in Japanese."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


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
        line = raw[: e.start].count(b"\n") + 1
        return None, "", [Problem(p, line, "", "UTF-8 として読めません（文字コードを UTF-8 にしてください）")]
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
    (r"^Cannot (overwrite a value|mutate immutable namespace .+|redefine namespace .+)$", "定義済みのキーやテーブルを上書きしています"),
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


def line_of(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
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


# ---------------------------------------------------------------------------
# dict → model

_MESSAGES: dict[str, str] = {
    "missing": "必須の項目がありません",
    "extra_forbidden": "不明な項目です（綴りを確認してください）",
    "string_type": "文字列で書いてください",
    "int_type": "整数で書いてください",
    "float_type": "数値で書いてください",
    "bool_type": "true か false で書いてください",
    "list_type": "配列（[...]）で書いてください",
    "dict_type": "テーブルで書いてください",
    "model_type": "テーブルで書いてください",
    "model_attributes_type": "テーブルで書いてください",
    "too_short": "要素が足りません",
    "too_long": "要素が多すぎます",
    "string_too_long": "文字数が多すぎます",
    "int_from_float": "整数で書いてください",
    "is_instance_of": "値の型が正しくありません",
}

M = TypeVar("M", bound=BaseModel)


def translate(err: dict[str, Any]) -> str:
    t = err["type"]
    ctx = err.get("ctx") or {}
    if t == "value_error":
        return str(ctx.get("error", err["msg"]))
    if t == "literal_error":
        return f"次のいずれかを指定してください: {ctx.get('expected', '')}（値: {err.get('input')!r}）"
    if t in ("greater_than_equal", "greater_than"):
        op = "以上" if t == "greater_than_equal" else "より大きい値"
        return f"{ctx.get('ge', ctx.get('gt'))} {op}で書いてください（値: {err.get('input')!r}）"
    if t in ("less_than_equal", "less_than"):
        op = "以下" if t == "less_than_equal" else "未満"
        return f"{ctx.get('le', ctx.get('lt'))} {op}で書いてください（値: {err.get('input')!r}）"
    if t == "too_short" and ctx.get("min_length") is not None:
        return f"{ctx['min_length']} 件以上必要です"
    if t in _MESSAGES:
        return _MESSAGES[t]
    return str(err.get("msg", t))


def to_model(
    cls: type[M], doc: dict[str, Any], p: str, lines: dict[tuple[Any, ...], int],
    describe: Callable[[tuple[Any, ...]], str] = field_name,
) -> tuple[M | None, list[Problem]]:
    try:
        return cls.model_validate(doc), []
    except ValidationError as e:
        problems = []
        for err in e.errors(include_url=False):
            loc = tuple(err["loc"])
            # a union's member name ("str", "int") and the "[key]" of a dict are not locations
            loc = tuple(x for x in loc if x not in ("str", "int", "float", "bool", "list[...]"))
            problems.append(Problem(p, line_of(lines, loc), describe(loc), translate(err)))
        return None, problems
    except RecursionError:
        return None, [Problem(p, None, "", "入れ子が深すぎます")]


def sheet_field(doc: dict[str, Any]) -> Callable[[tuple[Any, ...]], str]:
    """Name a score-sheet location with the sheet's application id, e.g. sheets[2](IOT-0003).scores.A1."""
    sheets = doc.get("sheets") if isinstance(doc.get("sheets"), list) else []

    def describe(loc: tuple[Any, ...]) -> str:
        name = field_name(loc)
        if len(loc) >= 2 and loc[0] == "sheets" and isinstance(loc[1], int) and loc[1] < len(sheets):
            s = sheets[loc[1]]
            app = s.get("application") if isinstance(s, dict) else None
            if isinstance(app, str):
                head = f"sheets[{loc[1]}]"
                name = f"{head}（{app}）" + name[len(head):]
        return name

    return describe


# ---------------------------------------------------------------------------
# Files of each kind


KINDS = FILE_KINDS


def detect_kind(doc: dict[str, Any]) -> str:
    if "criteria" in doc:
        return "criteria"
    if "evaluators" in doc:
        return "panel"
    if "sheets" in doc or "evaluator" in doc:
        return "scores"
    return "application"


MODELS: dict[str, type[BaseModel]] = {
    "criteria": Program, "application": Application, "panel": Panel, "scores": ScoreFile,
}


@dataclass
class Loaded:
    """One parsed file."""

    path: str
    kind: str
    obj: Any
    lines: dict[tuple[Any, ...], int]
    doc: dict[str, Any]


def load_file(path: Path, kind: str | None = None) -> tuple[Loaded | None, list[Problem]]:
    doc, text, problems = read_toml(path)
    if doc is None:
        return None, problems
    return load_doc(str(path), doc, text, kind)


class KeyLines(Mapping):
    """``key_lines(text)``, computed on first use: most files have no problem to locate, and
    mapping every key of a large score file costs as much as parsing it."""

    def __init__(self, text: str):
        self._text = text
        self._lines: dict[tuple[Any, ...], int] | None = None

    def _map(self) -> dict[tuple[Any, ...], int]:
        if self._lines is None:
            self._lines = key_lines(self._text)
        return self._lines

    def __getitem__(self, key: tuple[Any, ...]) -> int:
        return self._map()[key]

    def __iter__(self):
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())


def load_doc(p: str, doc: dict[str, Any], text: str, kind: str | None = None) -> tuple[Loaded | None, list[Problem]]:
    kind = kind or detect_kind(doc)
    lines = KeyLines(text)
    describe = sheet_field(doc) if kind == "scores" else field_name
    obj, problems = to_model(MODELS[kind], doc, p, lines, describe)
    if obj is None:
        return None, problems
    return Loaded(p, kind, obj, lines, doc), []


def toml_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders (recursively, *.toml, sorted); name missing paths as problems."""
    out: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(q for q in path.rglob("*.toml") if q.is_file()))
        elif path.is_file():
            out.append(path)
        else:
            problems.append(Problem(str(path), None, "", "ファイルもフォルダも見つかりません"))
    seen: set[Path] = set()
    unique = []
    for q in out:
        r = q.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(q)
    return unique, problems


@dataclass
class Bundle:
    """Everything read from a set of paths, after cross-checks."""

    programs: dict[str, Program] = field(default_factory=dict)
    applications: dict[str, dict[str, Application]] = field(default_factory=dict)
    panels: list[Panel] = field(default_factory=list)
    score_files: list[tuple[str, ScoreFile]] = field(default_factory=list)
    files: list[Loaded] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def application(self, program: str, app_id: str) -> Application | None:
        return self.applications.get(program, {}).get(app_id)

    @property
    def panel(self) -> Panel | None:
        return self.panels[0] if self.panels else None

    def count(self, kind: str) -> int:
        return sum(1 for f in self.files if f.kind == kind)


def load_paths(paths: list[Path], base_programs: dict[str, Program] | None = None,
               only: set[str] | None = None) -> Bundle:
    """Read files and folders of any kind and check them against each other.

    ``base_programs`` (the shipped criteria) are known programs; a criteria file among
    ``paths`` with the same id takes their place. With ``only``, files of other kinds are
    skipped (after parsing: a broken file is still a problem).
    """
    from reviewer.rules.access import PanelRoster
    from reviewer.rules.checks import application_problems
    from reviewer.rules.sheets import score_file_problems

    bundle = Bundle()
    files, bundle.problems = toml_files(paths)
    loaded: list[Loaded] = []
    for path in files:
        doc, text, problems = read_toml(path)
        if doc is not None and only is not None and detect_kind(doc) not in only:
            continue
        if doc is not None:
            item, problems = load_doc(str(path), doc, text)
        bundle.problems.extend(problems)
        if doc is not None and item is not None:
            loaded.append(item)
    bundle.files = loaded

    # programs: the given criteria files, over the base ones
    given: dict[str, Loaded] = {}
    for item in (f for f in loaded if f.kind == "criteria"):
        prog: Program = item.obj
        if prog.id in given:
            bundle.problems.append(Problem(item.path, item.lines.get(("id",)), "id", f"事業 ID {prog.id} は {given[prog.id].path} と重複しています"))
            continue
        given[prog.id] = item
    bundle.programs = dict(base_programs or {})
    bundle.programs.update({pid: item.obj for pid, item in given.items()})

    # applications: known program, fits the program, unique id within it
    first_seen: dict[tuple[str, str], str] = {}
    for item in (f for f in loaded if f.kind == "application"):
        app: Application = item.obj
        prog = bundle.programs.get(app.program)
        if prog is None:
            known = "、".join(sorted(bundle.programs)) or "なし"
            bundle.problems.append(Problem(item.path, item.lines.get(("program",)), "program", f"不明な事業です（{app.program}）。既知の事業: {known}"))
            continue
        problems = [Problem(item.path, line_of(item.lines, loc), field_name(loc), msg) for loc, msg in application_problems(app, prog)]
        if problems:
            bundle.problems.extend(problems)
            continue
        key = (app.program, app.id)
        if key in first_seen:
            bundle.problems.append(Problem(item.path, item.lines.get(("id",)), "id", f"申請 ID {app.id} は {first_seen[key]} と重複しています"))
            continue
        first_seen[key] = item.path
        bundle.applications.setdefault(app.program, {})[app.id] = app

    # panels: programs known, assignments name known applications
    for item in (f for f in loaded if f.kind == "panel"):
        panel: Panel = item.obj
        bad = False
        for i, ev in enumerate(panel.evaluators):
            for j, pid in enumerate(ev.programs):
                if pid not in bundle.programs:
                    bad = True
                    bundle.problems.append(Problem(item.path, line_of(item.lines, ("evaluators", i, "programs")), f"evaluators[{i}].programs[{j}]", f"不明な事業です（{pid}）"))
        if bundle.applications:
            all_ids = {aid for apps in bundle.applications.values() for aid in apps}
            for i, a in enumerate(panel.assignments):
                if a.application not in all_ids:
                    bad = True
                    bundle.problems.append(Problem(item.path, line_of(item.lines, ("assignments", i, "application")), f"assignments[{i}].application", f"申請 {a.application} が見つかりません"))
        if not bad:
            bundle.panels.append(panel)
    if len(bundle.panels) > 1:
        extra = [f for f in loaded if f.kind == "panel"][1]
        bundle.problems.append(Problem(extra.path, None, "", "評価者名簿（panel）が複数あります。1つにしてください"))

    # score sheets: against the criteria, the applications and the panel
    roster = PanelRoster(bundle.panel, bundle.applications) if bundle.panel else None
    for item in (f for f in loaded if f.kind == "scores"):
        sf: ScoreFile = item.obj
        problems = score_file_problems(sf, item, bundle.programs, bundle.applications, roster)
        bundle.problems.extend(problems)
        if not problems:
            bundle.score_files.append((item.path, sf))
    return bundle
