"""The command line speaks Japanese throughout (issue 20, point 3): help, section titles, usage
errors (argparse's own messages translated, with the subcommand's usage), every option
described, the shipped program ids and the methods named, unknown ids an error, counts that
say what they count, and a missing file told once."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from conftest import write
from wsutil import FULL, make_inputs, run

from reviewer.cli.argtext import HelpFormatter, japanese
from reviewer.cli.parser import build_parser
from reviewer.domain.vocabulary import METHOD_LABELS, METHODS

#: argparse's English, which no help or usage error may show.
ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments", "show this help message",
           "show program's version", "the following arguments are required", "invalid choice", "expected one argument",
           "unrecognized arguments", "choose from", "invalid int value", "one of the arguments", "not allowed with",
           "(default:")
SHIPPED = ("r2-iot", "r2-ai-plan", "r5-smartcity-2")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


COMMANDS = sorted(subcommands())


def english_in(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase in text]


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args([*argv, "--help"])
    assert e.value.code == 0
    return capsys.readouterr().out


def test_there_are_subcommands():
    assert {"rank", "audit", "validate", "import-scores", "init", "demo", "intake"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommands_help_is_japanese(capsys, command):
    text = help_of(capsys, command)
    assert not english_in(text), (english_in(text), text)
    assert text.startswith(f"使い方: reviewer {command} ")
    assert "オプション:" in text and "この説明を表示して終わる" in text


@pytest.mark.parametrize("argv", [[], ["validate"], ["rank"], ["demo"], ["intake"]])
def test_help_in_a_subprocess_is_japanese(argv):
    r = run(*argv, "--help")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert not english_in(r.stdout), (english_in(r.stdout), r.stdout)
    assert r.stdout.startswith("使い方: reviewer")


def test_the_top_level_help_lists_the_commands_under_a_japanese_title(capsys):
    text = help_of(capsys)
    assert "コマンド:" in text and "バージョンを表示して終わる" in text
    assert all(f"    {c} " in text or f"    {c}\n" in text for c in COMMANDS)


OPTION_LINE = re.compile(r"^(  -\S+(?: \S+)*?)( {2,})(\S.*)$")


@pytest.mark.parametrize("command", COMMANDS)
def test_the_help_column_is_aligned_by_cells(capsys, command):
    from reviewer.present.text import width

    text = help_of(capsys, command)
    columns = {width(m[1]) + len(m[2]) for line in text.splitlines() if (m := OPTION_LINE.match(line))}
    assert len(columns) == 1, (columns, text)  # a wide metavar (日時) does not push its help right


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    return [("reviewer", build_parser()), *subcommands().items()]


@pytest.mark.parametrize(("name", "parser"), _parsers(), ids=[n for n, _ in _parsers()])
def test_every_option_is_described(name, parser):
    undescribed = [action.option_strings or [action.dest] for action in parser._actions
                   if action.help in (None, argparse.SUPPRESS) or not str(action.help).strip()]
    assert not undescribed, (name, undescribed)
    english_metavars = [a.dest for a in parser._actions if a.option_strings and a.nargs != 0 and a.metavar is None
                        and a.choices is None]
    assert not english_metavars, (name, english_metavars)  # argparse would show the dest in capitals


def test_program_help_lists_the_shipped_ids(capsys):
    with_program = [c for c, p in subcommands().items() if any("--program" in a.option_strings for a in p._actions)]
    assert {"rank", "audit", "intake", "synth", "template", "export"} <= set(with_program)
    for command in with_program:
        text = help_of(capsys, command)
        flat = re.sub(r"\s+", "", text)
        assert all(pid in flat for pid in SHIPPED), (command, text)


def test_method_help_lists_the_methods(capsys):
    flat = re.sub(r"\s+", "", help_of(capsys, "rank"))
    assert all(m in flat for m in METHODS) and all(re.sub(r"\s+", "", METHOD_LABELS[m]) in flat for m in METHODS)


def test_validate_help_is_laid_out_by_cells(capsys):
    from reviewer.present.text import width

    text = help_of(capsys, "validate")
    assert all(width(line) <= 100 for line in text.splitlines()), text
    assert "引数:" in text and "検査するファイルまたはフォルダ" in text
    # the description wraps by cells at the formatter's width: no line far wider than another
    description = text.split("\n\n")[1].splitlines()
    assert len(description) >= 2 and all(width(line) <= width(description[0]) + 2 for line in description)


# -- usage errors --------------------------------------------------------------------------------


def usage_error(*argv: str) -> str:
    r = run(*argv)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and not english_in(r.stderr), r.stderr
    assert "使い方の誤り" in r.stderr
    return r.stderr


def test_missing_required_option_shows_the_subcommands_usage_and_names_it():
    err = usage_error("rank")
    assert err.startswith("使い方: reviewer rank ") and "reviewer rank: 使い方の誤り:" in err
    assert "--program" in err.splitlines()[-1] and "指定してください" in err
    assert all(pid in err for pid in SHIPPED)


def test_invalid_choice_lists_the_valid_methods():
    err = usage_error("rank", "--workspace", "W", "--program", "r2-iot", "--method", "best")
    last = err.splitlines()[-1]
    assert "'best'" in last and "選べません" in last and all(m in last for m in METHODS)
    assert METHOD_LABELS["median"] in last
    assert err.startswith("使い方: reviewer rank ")


def test_unknown_command_lists_the_commands():
    err = usage_error("frobnicate")
    assert err.startswith("使い方: reviewer [-h]") and "frobnicate" in err and "validate" in err and "rank" in err


@pytest.mark.parametrize(("argv", "command", "words"), [
    (["rank", "--program"], "rank", ["--program", "値を1つ指定してください"]),
    (["rank", "--program", "r2-iot", "--bogus", "1"], "rank", ["解釈できない引数", "--bogus"]),
    (["assign", "--program", "r2-iot", "--per-application", "two"], "assign", ["--per-application", "整数ではありません"]),
    (["decide", "--program", "r2-iot", "--chair", "c", "--application", "a", "--reason", "r"], "decide",
     ["--select", "--reject", "--clear", "どれか1つ"]),
    (["decide", "--program", "r2-iot", "--chair", "c", "--application", "a", "--reason", "r", "--select", "--reject"],
     "decide", ["--reject", "一緒には指定できません"]),
    (["validate"], "validate", ["PATH", "指定してください"]),
    (["template", "--evaluator", "e01"], "template", ["--output"]),
    (["demo", "--mouse=yes"], "demo", ["--mouse"]),
])
def test_usage_errors_are_japanese_with_the_subcommands_usage(argv, command, words):
    err = usage_error(*argv)
    assert err.startswith(f"使い方: reviewer {command} "), err
    assert all(w in err for w in words), err


def test_a_missing_workspace_shows_the_subcommands_usage():
    err = usage_error("rank", "--program", "r2-iot")
    assert err.startswith("使い方: reviewer rank ") and "--workspace" in err.splitlines()[-1]


@pytest.mark.parametrize(("english", "words"), [
    ("the following arguments are required: --program, --output", ["--program、--output", "r2-iot"]),
    ("argument --method: invalid choice: 'x' (choose from 'mean', 'median')", ["'x'", "mean（平均）、median"]),
    ("argument --method: invalid choice: 'x' (choose from mean, median)", ["'x'", "mean（平均）、median"]),  # 3.12.8+
    ("argument --top: invalid int value: 'x'", ["--top", "整数ではありません"]),
    ("argument --budget: expected one argument", ["--budget", "値を1つ"]),
    ("ambiguous option: --re could match --reason, --remove", ["--re", "--reason、--remove"]),
    ("unrecognized arguments: a b", ["a b"]),
    ("one of the arguments --select --reject --clear is required", ["--select、--reject、--clear"]),
    ("argument --clear: not allowed with argument --select", ["--select", "一緒には"]),
    ("argument --json: ignored explicit argument 'x'", ["--json", "'x'"]),
    ("argument --budget: 金額が正しくありません", ["--budget: 金額が正しくありません"]),  # our own types' Japanese
])
def test_the_translation_table(english, words):
    text = japanese(english)
    assert not english_in(text) and all(w in text for w in words), text


def test_the_section_titles_of_every_python(capsys):
    f = HelpFormatter("reviewer")
    for old in ("positional arguments", "options", "optional arguments"):
        f.start_section(old)
        f.add_text("x")
        f.end_section()
    text = f.format_help()
    assert not english_in(text) and text.count("オプション:") == 2 and "引数:" in text


# -- unknown ids, counts, a missing file --------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from reviewer.services.setup import demo_workspace

    path = tmp_path_factory.mktemp("demo") / "ws"
    chair = demo_workspace(path)
    return path, chair


@pytest.mark.parametrize(("argv", "unknown", "hint"), [
    (["audit", "--evaluator", "nobody"], "nobody", "e01"),
    (["audit", "--application", "NO-0001"], "NO-0001", "reviewer status"),
    (["audit", "--program", "nope"], "nope", "r2-iot"),
    (["audit", "--program", "r2-iot", "--application", "NO-0001"], "NO-0001", "r2-iot"),
    (["opinion", "--program", "r2-iot", "--application", "NO-0001"], "NO-0001", "reviewer status"),
    (["calibration", "--evaluator", "nobody"], "nobody", "e01"),
    (["template", "--evaluator", "nobody", "--output", "x.toml"], "nobody", "e01"),
    (["reopen", "--program", "r2-iot", "--application", "NO-0001", "--evaluator", "e01", "--chair", "chair",
      "--reason", "r"], "NO-0001", "reviewer status"),
    (["reopen", "--program", "r2-iot", "--application", "IOT-0001", "--evaluator", "nobody", "--chair", "chair",
      "--reason", "r"], "nobody", "e01"),
])
def test_an_unknown_id_is_an_error_naming_it(demo, tmp_path, argv, unknown, hint):
    path, chair = demo
    argv = [chair if a == "chair" else a for a in argv]
    r = run(argv[0], "--workspace", str(path), *argv[1:], cwd=tmp_path)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stdout == "" and unknown in r.stderr and hint in r.stderr and "Traceback" not in r.stderr
    assert "ありません" in r.stderr
    assert not (tmp_path / "x.toml").exists()


def test_a_known_evaluator_still_lists_the_audit_log(demo):
    r = run("audit", "--workspace", str(demo[0]), "--evaluator", "e01", "--program", "r2-iot")
    assert r.returncode == 0 and "e01" in r.stdout, r.stderr


def test_import_scores_says_what_it_counts(tmp_path):
    from reviewer.services.setup import init_workspace

    crit, apps, panel = make_inputs(tmp_path)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    ws = str(tmp_path / "ws")

    def sheets(*items: tuple[str, str, dict]) -> Path:
        return write(tmp_path, "s.toml", {"evaluator": "e01", "program": "r2-iot", "sheets": [
            {"application": a, "status": status, "comment": "KPIが定量的で妥当。", "scores": scores}
            for a, status, scores in items]})

    first = run("import-scores", "--workspace", ws, str(sheets(("T-0001", "submitted", FULL), ("T-0002", "draft", {"A1": 1}),
                                                               ("T-0003", "draft", {"A1": 2}))))
    assert first.returncode == 0, first.stderr
    assert "（提出済み 1 件、下書き 2 件（新しく作成 2 件））" in first.stdout, first.stdout
    again = run("import-scores", "--workspace", ws, str(sheets(("T-0001", "submitted", FULL), ("T-0002", "draft", {"A1": 3}),
                                                               ("T-0003", "submitted", FULL))))
    assert "（提出済み 1 件、下書き 1 件（更新 1 件）、変更なし 1 件）" in again.stdout, again.stdout
    replaced = run("import-scores", "--workspace", ws, "--replace",
                   str(sheets(("T-0001", "submitted", dict(FULL, A1=4)), ("T-0002", "draft", {"A1": 3}))))
    assert "（提出済みを差し替え 1 件、変更なし 1 件）" in replaced.stdout, replaced.stdout
    assert "新規" not in first.stdout + again.stdout + replaced.stdout


def test_a_missing_panel_file_is_told_once(tmp_path):
    from conftest import ROOT

    r = run("init", "--workspace", str(tmp_path / "ws"), "--criteria", str(ROOT / "criteria"),
            "--applications", str(ROOT / "sample_applications"), "--panel", "/nonexistent.toml")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if "/nonexistent.toml" in line]
    assert len(lines) == 1 and "評価者名簿" in lines[0], r.stderr


def test_the_parser_reads_no_criteria_until_help_is_shown():
    import subprocess
    import sys

    code = ("import sys, reviewer.cli; reviewer.cli.build_parser().parse_args(['tui']); "
            "print(sorted(m for m in ('tomllib', 'tomli', 'pydantic', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr
