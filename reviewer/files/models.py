"""Parsed TOML into the domain model: one pydantic model per file kind.

Inside: ``detect_kind`` (a file's kind told apart by its content) and ``MODELS`` (the model
of each kind), ``translate`` and ``to_model`` (pydantic's validation errors as Japanese
``Problem``s at the right line and field), ``sheet_field`` (score-sheet fields named with
their application id), and ``Loaded``, ``load_doc`` and ``load_file`` (one file, parsed and
validated). Nothing here raises for bad input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from reviewer.domain.model import Application, LocatedError, Panel, Program, ScoreFile, shown
from reviewer.files.problems import Problem
from reviewer.files.toml import KeyLines, Lines, field_name, line_of, read_toml

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
    "finite_number": "有限の数値で書いてください（inf や nan は使えません）",
}

M = TypeVar("M", bound=BaseModel)


def translate(err: ErrorDetails | dict[str, Any]) -> str:
    """One pydantic error in Japanese."""
    t = err["type"]
    ctx = err.get("ctx") or {}
    if t == "value_error":
        return str(ctx.get("error", err["msg"]))
    if t == "literal_error":
        return f"次のいずれかを指定してください: {ctx.get('expected', '')}（値: {shown(err.get('input'))}）"
    if t in ("greater_than_equal", "greater_than"):
        op = "以上" if t == "greater_than_equal" else "より大きい値"
        return f"{ctx.get('ge', ctx.get('gt'))} {op}で書いてください（値: {shown(err.get('input'))}）"
    if t in ("less_than_equal", "less_than"):
        op = "以下" if t == "less_than_equal" else "未満"
        return f"{ctx.get('le', ctx.get('lt'))} {op}で書いてください（値: {shown(err.get('input'))}）"
    if t == "string_too_long" and isinstance(ctx.get("max_length"), int):
        given = err.get("input")
        length = f"、{len(given):,} 文字あります" if isinstance(given, str) else ""
        return f"文字数が多すぎます（{ctx['max_length']:,} 文字まで{length}）"
    if t == "too_short" and ctx.get("min_length") is not None:
        return f"{ctx['min_length']} 件以上必要です"
    if t in _MESSAGES:
        return _MESSAGES[t]
    return str(err.get("msg", t))


def to_model(
    cls: type[M], doc: dict[str, Any], p: str, lines: Lines,
    describe: Callable[[tuple[Any, ...]], str] = field_name,
) -> tuple[M | None, list[Problem]]:
    """Validate ``doc`` as ``cls``: the model, or the problems at their lines and fields."""
    try:
        return cls.model_validate(doc), []
    except ValidationError as e:
        problems = []
        for err in e.errors(include_url=False):
            # a rule of a whole model names the place inside it that broke it
            cause = (err.get("ctx") or {}).get("error")
            loc = tuple(err["loc"]) + (cause.loc if isinstance(cause, LocatedError) else ())
            # a union's member name ("str", "int") and the "[key]" of a dict are not locations
            loc = tuple(x for x in loc if x not in ("str", "int", "float", "bool", "list[...]"))
            problems.append(Problem(p, line_of(lines, loc), describe(loc), translate(err)))
        return None, problems
    except RecursionError:
        return None, [Problem(p, None, "", "入れ子が深すぎます")]


def sheet_field(doc: dict[str, Any]) -> Callable[[tuple[Any, ...]], str]:
    """Name a score-sheet location with the sheet's application id, e.g. sheets[2](IOT-0003).scores.A1."""
    given = doc.get("sheets")
    sheets: list[Any] = given if isinstance(given, list) else []

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


def detect_kind(doc: dict[str, Any]) -> str:
    """A file's kind (one of FILE_KINDS), told apart by its top-level keys."""
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
    lines: Lines
    doc: dict[str, Any]


def load_file(path: Path, kind: str | None = None) -> tuple[Loaded | None, list[Problem]]:
    """Read, parse and validate one file (of ``kind``, or of the kind its content shows)."""
    doc, text, problems = read_toml(path)
    if doc is None:
        return None, problems
    return load_doc(str(path), doc, text, kind)


def load_doc(p: str, doc: dict[str, Any], text: str, kind: str | None = None) -> tuple[Loaded | None, list[Problem]]:
    """Validate a parsed document as ``kind`` (or the kind its content shows)."""
    kind = kind or detect_kind(doc)
    lines = KeyLines(text)
    describe = sheet_field(doc) if kind == "scores" else field_name
    obj, problems = to_model(MODELS[kind], doc, p, lines, describe)
    if obj is None:
        return None, problems
    return Loaded(p, kind, obj, lines, doc), []
