"""argparse in Japanese: the help's layout (section titles, the usage prefix, lines wrapped by
terminal cells) and its usage errors, translated from argparse's English by a table of patterns.

Python 3.10–3.13 word a few messages differently ("optional arguments" before 3.10, the choices
quoted or not); the patterns take either. A message no pattern knows is shown as argparse wrote
it (the options' own type checks already raise Japanese ones)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from reviewer.domain.vocabulary import METHOD_LABELS, SELECTION_LABELS
from reviewer.present.text import width, wrap

#: argparse's section titles → ours.
SECTION_TITLES = {"positional arguments": "引数", "options": "オプション", "optional arguments": "オプション"}
USAGE_PREFIX = "使い方: "
HELP_HELP = "この説明を表示して終わる"
#: In a help text: replaced, when the help is shown, by the ids of the shipped programs.
SHIPPED_IDS = "<shipped-program-ids>"
#: What a choice means, shown beside it where an invalid choice lists the valid ones.
CHOICE_LABELS: dict[str, str] = {**METHOD_LABELS, **SELECTION_LABELS, "written": "書面審査", "hearing": "ヒアリング"}
#: Widest help, in cells: Japanese lines longer than this are hard to read.
MAX_WIDTH = 100


@lru_cache(maxsize=1)
def shipped_program_ids() -> tuple[str, ...]:
    """The ids of the shipped criteria (a plain TOML read: no model, no pydantic)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    from reviewer.shipped import criteria_dir

    ids = []
    for path in sorted(criteria_dir().glob("*.toml")):
        try:
            pid = tomllib.loads(path.read_text("utf-8-sig")).get("id")
        except (OSError, ValueError):
            continue
        if isinstance(pid, str):
            ids.append(pid)
    return tuple(ids)


def shipped_ids_text() -> str:
    return "、".join(shipped_program_ids()) or "なし"


class HelpFormatter(argparse.HelpFormatter):
    """Japanese titles and usage prefix; text wrapped by terminal cells, kept to a readable width."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 30,
                 width: int | None = None, **kwargs: Any) -> None:
        if width is None:
            import shutil

            width = min(shutil.get_terminal_size().columns - 2, MAX_WIDTH)
        super().__init__(prog, indent_increment, max_help_position, max(width, 40), **kwargs)

    def start_section(self, heading: str | None) -> None:
        super().start_section(SECTION_TITLES.get(heading or "", heading))

    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None) -> str:
        # argparse aligns the usage's lines by characters: a stand-in as many characters wide as
        # the prefix takes cells, replaced afterwards
        stand_in = "u" * (width(USAGE_PREFIX) - 1) + " "
        text = super()._format_usage(usage, actions, groups, stand_in if prefix is None else prefix)
        return USAGE_PREFIX + text[len(stand_in):] if prefix is None else text

    def _expand_help(self, action: argparse.Action) -> str:
        return super()._expand_help(action).replace(SHIPPED_IDS, shipped_ids_text())

    def _format_action(self, action: argparse.Action) -> str:
        # argparse pads the option column by characters; a wide metavar (日時) takes two cells
        text = super()._format_action(action)
        head = self._format_action_invocation(action)
        extra = width(head) - len(head)
        first, sep, rest = text.partition("\n")
        start = " " * self._current_indent + head
        after = first[len(start):]
        if extra <= 0 or not first.startswith(start) or not after.strip():
            return text
        spaces = len(after) - len(after.lstrip(" "))
        if spaces - extra >= 2:  # the help still fits beside it
            return start + after[extra:] + sep + rest
        help_position = min(self._action_max_length + 2, self._max_help_position)
        return start + "\n" + " " * help_position + after.lstrip(" ") + sep + rest

    def _split_lines(self, text: str, width: int) -> list[str]:
        return [line for paragraph in text.splitlines() for line in wrap(paragraph.strip(), width)]

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(line for paragraph in text.splitlines()
                         for line in wrap(paragraph.strip(), width, indent=len(indent)))


def _names(text: str) -> str:
    """"'mean', 'median'" or "mean, median" → "mean、median"."""
    return "、".join(n.strip().strip("'\"") for n in text.split(","))


def _choices(text: str) -> str:
    names = [n.strip().strip("'\"") for n in text.split(",")]
    return "、".join(f"{n}（{CHOICE_LABELS[n]}）" if n in CHOICE_LABELS else n for n in names)


def _required(m: re.Match[str]) -> str:
    names = _names(m["args"])
    hint = f"。--program は事業 ID です（同梱の審査基準の事業: {shipped_ids_text()}）" if "--program" in names.split("、") else ""
    return f"次の引数を指定してください: {names}{hint}"


def _invalid_value(m: re.Match[str]) -> str:
    kind = {"int": "整数", "float": "数"}.get(m["type"])
    return f"{kind}ではありません（{m['value']}）" if kind else f"値が正しくありません（{m['value']}）"


#: An argparse message about one argument (after "argument X: ") → Japanese.
ARGUMENT_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.*)\)"),
     lambda m: f"{m['value']} は選べません（選べるもの: {_choices(m['choices'])}）"),
    (re.compile(r"expected one argument"), lambda m: "値を1つ指定してください"),
    (re.compile(r"expected at most one argument"), lambda m: "値は1つまでです"),
    (re.compile(r"expected at least one argument"), lambda m: "値を1つ以上指定してください"),
    (re.compile(r"expected (?P<n>\d+) arguments?"), lambda m: f"値を {m['n']} 個指定してください"),
    (re.compile(r"invalid (?P<type>\w+) value: (?P<value>.+)"), _invalid_value),
    (re.compile(r"not allowed with argument (?P<other>.+)"), lambda m: f"{_names(m['other'])} と一緒には指定できません"),
    (re.compile(r"ignored explicit argument (?P<value>.+)"),
     lambda m: f"このオプションは値をとりません（{m['value']}）"),
]

#: A whole argparse message → Japanese.
MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"the following arguments are required: (?P<args>.+)"), _required),
    (re.compile(r"one of the arguments (?P<args>.+) is required"),
     lambda m: f"次のどれか1つを指定してください: {'、'.join(m['args'].split())}"),
    (re.compile(r"unrecognized arguments: (?P<args>.+)"), lambda m: f"解釈できない引数があります: {m['args']}"),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)"),
     lambda m: f"{m['option']} がどのオプションか決まりません（候補: {_names(m['matches'])}）"),
    (re.compile(r"argument (?P<arg>.+?): (?P<message>.+)", re.DOTALL), lambda m: f"{m['arg']}: {_argument(m['message'])}"),
]


def _argument(message: str) -> str:
    for pattern, japanese in ARGUMENT_MESSAGES:
        m = pattern.fullmatch(message)
        if m:
            return japanese(m)
    return message


def japanese(message: str) -> str:
    """One of argparse's usage errors in Japanese (unknown ones as they are)."""
    for pattern, words in MESSAGES:
        m = pattern.fullmatch(message)
        if m:
            return words(m)
    return message
