"""The program as a process: a batch command leaves at once after flushing (``cli.run``), with
its whole output and its exit status; ``--json`` lays out one application a line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from wsutil import make_inputs, run

from reviewer.present.text import json_text


def _workspace(tmp_path: Path, n_apps: int = 30) -> Path:
    crit, apps, panel = make_inputs(tmp_path, n_apps=n_apps)
    ws = tmp_path / "ws"
    done = run("init", "--workspace", str(ws), "--criteria", str(crit), "--applications", str(apps),
               "--panel", str(panel))
    assert done.returncode == 0, done.stderr
    return ws


def test_whole_output_and_status_through_the_quick_exit(tmp_path):
    ws = _workspace(tmp_path)
    done = run("rank", "--workspace", str(ws), "--program", "r2-iot", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)  # all of it arrived: it parses to the end
    ids = [a["id"] for a in result["applications"]]
    assert sorted(ids) == [f"T-{i:04d}" for i in range(1, 31)]
    lines = done.stdout.splitlines()
    for aid in ids:  # one application a line, and that line is the whole application
        line = next(x for x in lines if f'"id": "{aid}"' in x)
        assert json.loads(line.strip().rstrip(","))["id"] == aid
    bad = run("rank", "--workspace", str(tmp_path / "none"), "--program", "r2-iot")
    assert bad.returncode == 1
    assert "ワークスペースではありません" in bad.stderr and "Traceback" not in bad.stderr


def test_a_reader_that_leaves_early_gets_no_complaint(tmp_path):
    ws = _workspace(tmp_path, n_apps=60)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("REVIEWER_WORKSPACE", None)
    p = subprocess.Popen([sys.executable, "-m", "reviewer", "rank", "--workspace", str(ws), "--program", "r2-iot",
                          "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert p.stdout is not None and p.stderr is not None
    first = p.stdout.read(1)
    p.stdout.close()  # like `| head -c 1`
    err = p.stderr.read().decode("utf-8")
    assert p.wait(timeout=60) == 0
    assert first == b"{"
    assert err == ""


def test_layout_parses_to_the_same_values():
    value = {"a": 1, "list": [{"x": [1, 2], "y": "日本\u202e"}, {}, []], "empty": {}, "deep": {"k": {"z": [1]}},
             "keys": {1: "int key", None: "none key"}, "t": (1, "2")}
    text = json_text(value, indent=2)
    assert json.loads(text) == json.loads(json.dumps(value))
    assert "\u202e" not in text and "\\u202e" in text  # a bidi override is escaped
    lines = text.splitlines()
    assert '    {"x": [1, 2], "y": "日本\\u202e"},' in lines  # the second level, one item a line
    assert '    "k": {"z": [1]}' in lines
    assert '  "keys": {"1": "int key", "null": "none key"},' in lines  # json's own key conversions
    assert json_text([], indent=2) == "[]" and json_text("x", indent=2) == '"x"'
    assert json.loads(json_text(value)) == json.loads(text)
