"""Bounded work on any input: 1 MiB files built to hit the worst case of each part of the
loaders (line mapping, parsing, validation, cross-checks) finish quickly, with a problem list
(or nothing to say) and never a traceback.

A functional bound, not a benchmark: each ``reviewer validate`` gets a generous 5 seconds
(the quadratic line mapping took 37 s on 160 KB)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
from conftest import DELETE, IOT_APP, ROOT, doc, write
from wsutil import run

from reviewer.files.toml import key_lines, toml_string

MIB = 1 << 20
BOUND_S = 5.0
IOT_CRITERIA = (ROOT / "criteria" / "r2-iot.toml").read_text("utf-8")


def fill(head: str, unit: Callable[[int], str], tail: str = "", size: int = MIB) -> str:
    """``head``, then ``unit(0)``, ``unit(1)``, … up to about ``size`` bytes, then ``tail``."""
    parts, n, i = [head], len(head.encode()), 0
    while n < size:
        u = unit(i)
        parts.append(u)
        n += len(u.encode())
        i += 1
    return "".join(parts) + tail


def long_key_line(size: int = MIB) -> str:
    """One line of key characters and blanks without ``=`` (a string in an array, so it parses):
    the blanks in one run, the worst case of a pattern that backtracks over them."""
    return '"a' + " " * (size - 3) + '"'


# -- criteria ---------------------------------------------------------------

def criteria_files() -> dict[str, str]:
    base = IOT_CRITERIA.replace('id = "r2-iot"', 'id = "r9-big"', 1)
    return {
        # a parsed file with a problem, so the lines are mapped: a long array line without "="
        "criteria-long-line": base + "\n[selection.extra]\nx = [\n" + long_key_line() + ",\n]\n",
        "criteria-many-lines": base + "\n[selection.extra]\nx = [\n"
        + fill("", lambda i: '  "a' + " " * 2000 + 'b",\n') + "]\n",
        "criteria-many-tables": fill('id = "r9-big"\nname = "x"\nfiscal_year = 2025\nsource = "s"\n',
                                     lambda i: f'[[criteria]]\nid = "C{i}"\nkind = "scored"\n'),
        "criteria-many-keys": base.replace("[selection]", fill("[selection]\n", lambda i: f"k{i} = {i}\n"), 1),
        "criteria-deep": fill(base + "\n", lambda i: f"deep{i} = " + "[" * 31 + "1" + "]" * 31 + "\n"),
        "criteria-deep-tables": fill(base + "\n", lambda i: "[" + ".".join(f"t{i}x{j}" for j in range(31)) + "]\nv = 1\n"),
        "criteria-huge-string": base.replace('name = "', 'name = "' + "あ" * (MIB // 3), 1),
        "criteria-long-numbers": fill(base + "\n[selection.extra]\n", lambda i: f"n{i} = {'9' * 4000}\n"),
        "criteria-long-floats": base.replace("[selection]", "[selection]\nlong_float = 0." + "1" * (MIB - 100), 1),
        "criteria-ratio-bomb": base.replace('subsidy_rate = "1/2"', 'subsidy_rate = "1e-999999999"', 1),
        "criteria-too-long-integer": base.replace("round_down_yen = 1000", "round_down_yen = " + "9" * 5000, 1),
        "criteria-many-bands": base.replace("[funding]", "[[criteria]]\nid = \"Z1\"\nkind = \"auto\"\nlabel = \"z\"\n"
                                            "source = \"mynumber_card_rate\"\nbands = ["
                                            + "{ min = 0.5, points = nan }, " * (MIB // 32) + "]\n\n[funding]", 1),
    }


# -- applications -----------------------------------------------------------

def application_files() -> dict[str, str]:
    text = tomli_w.dumps(doc(IOT_APP, id="B-0001", consortium=DELETE, sections=DELETE))
    return {
        "application-long-line": text + "\nextra = [\n" + long_key_line() + ",\n]\n",
        "application-many-sections": fill(text, lambda i: f'\n[[sections]]\nheading = "h{i}"\nbody = " "\n'),
        "application-many-members": fill(text, lambda i: '\n[[consortium]]\nname = "x"\ntype = "city"\nlg_code = "012360\\n"\n'),
        "application-huge-id": text.replace('id = "B-0001"', "id = " + toml_string("B" * MIB), 1),
        "application-huge-lg-code": text.replace('lg_code = "012025"', "lg_code = " + toml_string("0" * MIB), 1),
        "application-huge-literal": text.replace('type = "core_city"', "type = " + toml_string("c" * MIB), 1),
        "application-many-keys": text.replace("[declarations]", fill("[declarations]\n", lambda i: f'"k {i}" = {i}\n'), 1),
        "application-long-ints": text.replace("[budget]", fill("[budget]\n", lambda i: f"n{i} = {'9' * 4300}\n"), 1),
    }


# -- panel ------------------------------------------------------------------

def panel_files() -> dict[str, str]:
    ev = '[[evaluators]]\nid = "e{i}"\nname = "評価者"\nprograms = ["r2-iot"]\nos_user = "u{i}"\n\n'
    return {
        "panel-many-evaluators": fill("", lambda i: ev.format(i=i)),
        "panel-duplicate-users": fill("", lambda i: ev.format(i=i).replace(f'"u{i}"', '"u"')),
        "panel-many-assignments": fill(ev.format(i=0) + ev.format(i=1),
                                       lambda i: f'[[assignments]]\nevaluator = "e{i % 2}"\napplication = "T-{i:06d}"\n'),
        "panel-unknown-assignments": fill(ev.format(i=0),
                                          lambda i: f'[[assignments]]\nevaluator = "e{i}"\napplication = "T-{i:06d}"\n'),
        "panel-many-conflicts": ev.format(i=0).replace("programs", "conflicts = [" + fill("", lambda i: f'"c{i}", ', size=MIB - 200)
                                                       + "]\nprograms"),
        "panel-many-keys": fill("[[evaluators]]\n", lambda i: f'"ssh key {i}" = "ssh-ed25519 AAAA"\n'),
        "panel-long-line": ev.format(i=0) + "[[assignments]]\nevaluator = \"e0\"\napplication = [\n" + long_key_line() + ",\n]\n",
    }


# -- score files ------------------------------------------------------------

def score_files() -> dict[str, str]:
    head = 'evaluator = "e01"\nprogram = "r2-iot"\n'
    scores = "".join(f"{c} = 3\n" for c in ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"))
    return {
        "scores-many-sheets": fill(head, lambda i: f'\n[[sheets]]\napplication = "T-{i:06d}"\nstatus = "draft"\n'),
        "scores-many-scores": fill(head, lambda i: f'\n[[sheets]]\napplication = "IOT-0001"\nstatus = "submitted"\n[sheets.scores]\n{scores}'),
        "scores-many-items": fill(head + '\n[[sheets]]\napplication = "IOT-0001"\nstatus = "draft"\n[sheets.scores]\n',
                                  lambda i: f'"X {i}" = {i}\n'),
        "scores-bad-values": fill(head + '\n[[sheets]]\napplication = "IOT-0001"\nstatus = "draft"\n[sheets.scores]\n',
                                  lambda i: f"Y{i} = [1.5]\n"),
        "scores-long-line": head + '\n[[sheets]]\napplication = "IOT-0001"\nstatus = "draft"\ncomment = [\n' + long_key_line() + ",\n]\n",
    }


ALL = {**criteria_files(), **application_files(), **panel_files(), **score_files()}


@pytest.mark.parametrize("name", sorted(ALL))
def test_validate_is_bounded(tmp_path: Path, name: str) -> None:
    text = ALL[name]
    assert MIB * 0.9 < len(text.encode()) < MIB * 1.3 or "bomb" in name or "too-long" in name, len(text.encode())
    path = write(tmp_path, f"{name}.toml", text)
    # the score files are read with the shipped applications and panel, as a chair checks them
    extra = [str(ROOT / "sample_applications")] if name.startswith("scores") else []
    t0 = time.perf_counter()
    r = run("validate", "-q", *extra, str(path))
    took = time.perf_counter() - t0
    assert r.returncode in (0, 1), r.stderr[-2000:]
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    print(f"{name}: {took:.2f} s, {len(r.stderr.splitlines())} lines")
    assert took < BOUND_S, f"{name}: {took:.1f} s"


@pytest.mark.parametrize("text", [
    long_key_line(),
    "[" + long_key_line()[1:],
    "[[" + "a " * (MIB // 2),
    "[a" + " " * MIB,
    "a" + " " * MIB + "\t",
    fill("", lambda i: "a " * 40 + "\n"),
    fill("", lambda i: '"a' + " " * 2000 + '",\n'),
    fill("", lambda i: "[" + "a." * 60 + "a]\n"),
    fill("", lambda i: "[[" + "a." * 60 + "a]]\n"),
    "[" + "a." * (MIB // 2) + "a]\n",
    fill("", lambda i: f"k{i} = {i}\n"),
    fill("", lambda i: 'x = """' + " " * 60 + "\n"),
], ids=["long-line", "header-unclosed", "aot-unclosed", "header-blanks", "blanks-tab", "many-lines", "many-blank-runs",
        "many-dotted-headers", "many-dotted-aot", "one-dotted-header", "many-keys", "many-multiline"])
def test_key_lines_is_linear(text: str) -> None:
    t0 = time.perf_counter()
    key_lines(text)
    assert time.perf_counter() - t0 < 1.0
