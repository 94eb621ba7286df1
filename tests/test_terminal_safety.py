"""What reaches the terminal from files a hostile author wrote: no escape sequences, no C1
controls, no bidi overrides (on the chair's screens, in `reviewer rank`, in the --json outputs);
and no Textual settings taken from the environment (a client over SSH may send them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata

import pytest
import tomli_w
from conftest import IOT_APP, ROOT, doc, write
from wsutil import FULL, run

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

# ESC[2J clears the screen, OSC 0 sets the title, U+009B is a one-character CSI, U+009D an OSC,
# U+202E reverses the text, U+2066 opens an isolate, U+E0001 is a tag (beyond the BMP)
EVIL = "\x1b[2J\x1b]0;pwned\x07\x9b31m\x9d0;t\x9c\u202e\u2066\U000e0001\x7f"


def unshown(text: str) -> set[str]:
    """The characters of ``text`` a terminal would act on: C0/C1 controls and DEL, format
    characters (bidi, zero-width, tags), separators, lone surrogates."""
    return {ch for ch in text if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")}


# -- Textual's settings from the environment -------------------------------------------------

HOSTILE_ENV = {"TEXTUAL_LOG": "/tmp/x-log", "TEXTUAL_SCREENSHOT": "0", "TEXTUAL_SCREENSHOT_LOCATION": "/tmp",
               "TEXTUAL_SCREENSHOT_FILENAME": "reviewer.db", "TEXTUAL_DRIVER": "os:system", "TEXTUAL": "devtools,debug",
               "TEXTUAL_PRESS": "ctrl+q", "TEXTUAL_DEVTOOLS_HOST": "192.0.2.1"}


def python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    e.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=e, cwd=ROOT)


PROBE = ("import json, os, sys, reviewer.cli; reviewer.cli.build_parser().parse_args(['tui']); "
         "loaded = 'textual' in sys.modules; import reviewer.tui.app; from textual import constants as c; "
         "print(json.dumps({'loaded_before': loaded, 'env': sorted(k for k in os.environ if k.startswith('TEXTUAL')), "
         "'log': c.LOG_FILE, 'shot': [c.SCREENSHOT_DELAY, c.SCREENSHOT_LOCATION, c.SCREENSHOT_FILENAME], "
         "'driver': c.DRIVER, 'press': c.PRESS, 'host': c.DEVTOOLS_HOST, 'colors': c.COLOR_SYSTEM}))")


@pytest.mark.parametrize("colors, kept", [("256", "256"), ("truecolor", "truecolor"), ("bogus", "auto"), ("", "auto")])
def test_textual_settings_are_dropped_before_textual_loads(colors, kept):
    r = python(PROBE, {**HOSTILE_ENV, "TEXTUAL_COLOR_SYSTEM": colors})
    assert r.returncode == 0, r.stderr
    seen = json.loads(r.stdout)
    assert seen["loaded_before"] is False  # nothing on the way to the app imports Textual first
    assert seen["env"] == (["TEXTUAL_COLOR_SYSTEM"] if kept != "auto" else [])
    assert seen["log"] is None and seen["shot"] == [-1, None, None] and seen["driver"] is None
    assert seen["press"] == "" and seen["host"] == "127.0.0.1" and seen["colors"] == kept


def test_the_app_will_not_run_once_textual_has_read_the_environment(tmp_path):
    code = ("import textual, sys; from reviewer.tui.app import run\n"
            "from reviewer.services.errors import WorkspaceError\n"
            f"try:\n    run({str(tmp_path)!r}, 'e01')\nexcept WorkspaceError as e:\n    print('refused', e)\n")
    r = python(code, {"REVIEWER_EXIT_AFTER_FIRST_SCREEN": "1"})
    assert r.returncode == 0 and r.stdout.startswith("refused") and "Textual" in r.stdout, r.stdout + r.stderr


def test_the_scrub_keeps_other_variables():
    from reviewer.tui import scrub_environment

    env = {"TEXTUAL_LOG": "x", "TEXTUALX": "y", "TEXTUAL": "debug", "LANG": "ja_JP.UTF-8", "TEXTUAL_COLOR_SYSTEM": "256",
           "MY_TEXTUAL_LOG": "z"}
    assert sorted(scrub_environment(env)) == ["TEXTUAL", "TEXTUAL_LOG"]
    assert env == {"TEXTUALX": "y", "LANG": "ja_JP.UTF-8", "TEXTUAL_COLOR_SYSTEM": "256", "MY_TEXTUAL_LOG": "z"}


# -- plain text and JSON ---------------------------------------------------------------------


def test_clean_and_json_text():
    from reviewer.present.text import clean, json_text

    assert not unshown(clean("a" + EVIL + "b")) and clean("a" + EVIL + "b").startswith("a ")
    assert clean("普通の文字列 abc") == "普通の文字列 abc"
    value = {"name": "x" + EVIL + "\n\t\x00", "list": [EVIL, 1, None], EVIL: "key"}
    for indent in (None, 2):
        text = json_text(value, indent=indent)
        assert not unshown(text) and json.loads(text) == value
    assert json_text({"a": "日本語"}) == '{"a": "日本語"}'


# -- a criteria file, an application and a panel with escape sequences ------------------------


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory):
    from reviewer.services.setup import init_workspace
    from reviewer.services.sheets import save_sheet
    from reviewer.workspace import Workspace

    tmp = tmp_path_factory.mktemp("hostile")
    crit = tmp / "criteria"
    crit.mkdir()
    for name in ("r2-iot", "r2-ai-plan"):
        data = tomllib.loads((ROOT / "criteria" / f"{name}.toml").read_text(encoding="utf-8"))
        data["name"] = EVIL + data["name"] + EVIL
        for track in data.get("tracks", []):
            track["name"] += EVIL
            for model in track.get("models", []):
                model["name"] += EVIL
        for c in data["criteria"]:
            c["label"] = EVIL + c["label"]
        (crit / f"{name}.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    for i in range(1, 4):
        write(tmp, f"apps/T-{i:04d}.toml", doc(IOT_APP, id=f"T-{i:04d}", title=f"申請{EVIL}{i}"))
    panel = write(tmp, "panel.toml", {"evaluators": [
        {"id": "e01", "name": "山田" + EVIL, "programs": ["r2-iot"]},
        {"id": "e02", "name": "佐藤" + EVIL, "programs": ["r2-iot"]},
        {"id": "c01", "name": "松本" + EVIL, "role": "chair", "programs": ["r2-iot", "r2-ai-plan"]},
    ]})
    ws = tmp / "ws"
    init_workspace(ws, crit, tmp / "apps", panel)
    with Workspace.open(ws) as w:
        for i in range(1, 4):
            for ev in ("e01", "e02"):
                save_sheet(w, "r2-iot", f"T-{i:04d}", ev, FULL, "コメント" + EVIL, "submitted", actor=ev + EVIL)
    return ws


def test_rank_prints_no_control_characters(hostile_ws):
    r = run("rank", "--workspace", str(hostile_ws), "--program", "r2-iot")
    assert r.returncode == 0, r.stderr
    assert not unshown(r.stdout), sorted(unshown(r.stdout))
    assert "pwned" in r.stdout  # the text is shown, its controls are not


def check_json(text: str, one_per_line: bool = False, carries_text: bool = True) -> list:
    assert not unshown(text), sorted(unshown(text))
    values = [json.loads(line) for line in text.splitlines()] if one_per_line else [json.loads(text)]
    if carries_text:
        assert any(EVIL in x for x in strings(values))  # the values themselves are unchanged
    return values


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(k) + strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_audit_json_escapes_control_characters(hostile_ws):
    r = run("audit", "--workspace", str(hostile_ws), "--json")
    assert r.returncode == 0, r.stderr
    rows = check_json(r.stdout, one_per_line=True)
    assert any(row["actor"] == "e01" + EVIL for row in rows)


def test_rank_json_has_no_control_characters(hostile_ws):
    # the ranking's JSON holds ids, codes and numbers only (no names or labels from the files)
    r = run("rank", "--workspace", str(hostile_ws), "--program", "r2-iot", "--json")
    assert r.returncode == 0, r.stderr
    check_json(r.stdout, carries_text=False)


def test_status_json_escapes_control_characters(hostile_ws):
    r = run("status", "--workspace", str(hostile_ws), "--json")
    assert r.returncode == 0, r.stderr
    check_json(r.stdout)


# -- the chair's screens ---------------------------------------------------------------------


def shown_text(app) -> str:
    """Everything on screen: the screenshot's text, and each Static's whole content."""
    from textual.widgets import OptionList, Static

    parts = [app.export_screenshot()]
    for widget in app.screen.query(Static):
        parts.append(str(widget.render()))
    for widget in app.screen.query(OptionList):
        parts.extend(str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count))
    return "\n".join(parts)


@pytest.mark.asyncio
async def test_the_chairs_screens_show_no_control_characters(hostile_ws, tmp_path):
    import shutil

    import tuiutil

    from reviewer.tui.app import ReviewerApp

    ws = tmp_path / "ws"
    shutil.copytree(hostile_ws, ws)
    app = ReviewerApp(ws, "c01")
    async with app.run_test(size=(120, 40)) as pilot:
        await tuiutil.settle(pilot)
        seen = {}
        seen["progress"] = shown_text(app)
        assert "pwned" in seen["progress"]  # the program's name is in the title, cleaned
        for view in ("2", "3", "4"):
            await pilot.press(view)
            await tuiutil.settle(pilot)
            seen[view] = shown_text(app)
        assert "pwned" in seen["3"]  # model names in the balance view
        await pilot.press("2", "enter")  # the first application's detail
        await tuiutil.settle(pilot)
        seen["detail"] = shown_text(app)
        assert "pwned" in seen["detail"]
        await pilot.press("escape", "p")  # the program picker
        await pilot.pause()
        seen["picker"] = shown_text(app)
        assert seen["picker"].count("pwned") >= 2
    for where, text in seen.items():
        assert not unshown(text), f"{where}: {sorted(unshown(text))}"
