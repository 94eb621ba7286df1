"""The README cannot promise what the tool does not do: every `reviewer …` command it shows (in
its shell blocks and inline) is accepted by the real parser (the subcommand exists, every option
it names is one of that subcommand's, the values parse); the examples whose whole run the tests
can afford are run (the administrator's guide in tests/test_admin_guide.py, the office's path in
tests/test_intake.py, the evaluators' guide in tests/test_evaluator_guide.py)."""

from __future__ import annotations

import re
import shlex

import pytest
from conftest import ROOT

from reviewer.cli.parser import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: Lines of authorized_keys the README shows: output, not commands.
OUTPUT = re.compile(r'^`?command="')


def shell_blocks(text: str) -> list[str]:
    """The fenced blocks of shell (```sh, ```bash, ```console or no language), fence by fence."""
    blocks: list[str] = []
    lang: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("```"):
            if lang is None:
                lang, lines = line[3:].strip(), []
            else:
                if lang in ("", "sh", "bash", "console"):
                    blocks.append("\n".join(lines) + "\n")
                lang = None
        elif lang is not None:
            lines.append(line)
    return blocks


def _commands() -> list[str]:
    """`reviewer <subcommand> …` as the README writes them: each line of a shell block (backslash
    continuations joined, comments, pipes and redirections cut) and each inline span."""
    found: list[str] = []
    for block in shell_blocks(README):
        names: dict[str, str] = {}  # the block's own variables (C="--workspace W …")
        for line in block.replace("\\\n", " ").splitlines():
            line = re.split(r"\s#(?:\s|$)", line)[0].strip()
            assigned = re.fullmatch(r"([A-Za-z_]+)=(.*)", line)
            if assigned:
                names[assigned.group(1)] = " ".join(shlex.split(assigned.group(2)))
                continue
            line = re.sub(r"\$\{?([A-Za-z_]+)\}?", lambda m, known=names: known.get(m.group(1), m.group(0)), line)
            if OUTPUT.match(line):
                continue
            m = re.search(r"(?:^|[\s/\"'])reviewer\s+([a-z][a-z-]+)", line)
            if m:
                found.append(re.split(r"\s(?:\||>|&&|;)\s", line[m.start(1):])[0])
    found += [" ".join(s.split())[len("reviewer "):] for s in re.findall(r"`(reviewer [^`]+)`", README)]
    return found


def _args(command: str) -> list[str]:
    """The words of a command as the parser gets them: optional parts ([…]) and elisions (…)
    left out; the placeholders (W, P, ID) are values like any."""
    text = re.sub(r"\[[^\]]*\]", "", command).replace("...", "").replace("…", "x")
    return shlex.split(text)


COMMANDS = _commands()


def test_the_readme_shows_the_commands():
    subs = {_args(c)[0] for c in COMMANDS}
    assert len(COMMANDS) >= 25
    assert {"init", "import-scores", "rank", "export", "intake", "intake-template", "backup", "authorized-keys",
            "tui", "demo", "validate"} <= subs


@pytest.mark.parametrize("command", COMMANDS)
def test_each_readme_command_is_one_the_tool_accepts(command, capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices
    args = _args(command)
    assert args[0] in sub, f"README: unknown command: reviewer {command}"
    options = {s for a in sub[args[0]]._actions for s in a.option_strings}
    named = [w.split("=")[0] for w in args[1:] if w.startswith("--")]
    assert set(named) <= options, f"README: reviewer {command}: {sorted(set(named) - options)}"
    if len(args) > 1 and "..." not in command and "…" not in command:   # a whole command line: it parses
        try:
            parser.parse_args(args)
        except SystemExit as e:
            assert e.code == 0, f"README: reviewer {command}: {capsys.readouterr().err}"
