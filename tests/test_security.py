"""Boundaries under misuse: workspace ownership, authorized_keys lines, formulas from text, audit."""

from __future__ import annotations

import os

import openpyxl
import pytest
from wsutil import FULL, PANEL, make_inputs, run

from reviewer.services.setup import init_workspace
from reviewer.services.sheets import reopen_sheet, save_sheet
from reviewer.workspace import Workspace, WorkspaceError

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKVNyhglMLsdbRMs3tYjey7ZHj9yH8sZcRdElNZJPJ1c yamada@laptop"


@pytest.fixture
def ws_path(tmp_path):
    panel = {"evaluators": [dict(PANEL["evaluators"][0], ssh_public_keys=[KEY])] + PANEL["evaluators"][1:]}
    crit, apps, panel_path = make_inputs(tmp_path, panel=panel)
    init_workspace(tmp_path / "ws w\"x", crit, apps, panel_path)
    return tmp_path / "ws w\"x"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to hand the file to another uid")
def test_only_the_owner_account_opens_the_workspace(ws_path):
    db = ws_path / "reviewer.db"
    os.chown(db, 65534, 65534)
    try:
        with pytest.raises(WorkspaceError, match="所有者"):
            Workspace.open(ws_path)
        r = run("status", "--workspace", str(ws_path))
        assert r.returncode == 1 and "所有者" in r.stderr
    finally:
        os.chown(db, os.geteuid(), os.getegid())


def test_authorized_keys_force_the_evaluators_app(ws_path):
    import shlex

    r = run("authorized-keys", "--workspace", str(ws_path), "--reviewer", "/opt/reviewer/bin/reviewer")
    assert r.returncode == 0, r.stderr
    [line] = r.stdout.splitlines()
    assert line.endswith(" " + KEY)
    options = line[: -len(KEY) - 1]
    assert options.startswith('command="') and options.endswith('",restrict,pty')
    command = options[len('command="'): -len('",restrict,pty')].replace('\\"', '"').replace("\\\\", "\\")
    argv = shlex.split(command)
    assert argv == ["/opt/reviewer/bin/reviewer", "tui", "--workspace", str(ws_path.resolve()), "--evaluator", "e01"]


def test_authorized_keys_without_keys(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    r = run("authorized-keys", "--workspace", str(tmp_path / "ws"))
    assert r.returncode == 1 and "ssh_public_keys" in r.stderr


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1:A2)", "=cmd|' /C calc'!A0", "http://example.com/x",
                                  "mailto:a@example.com", "\t=1", "\x00\x07制御"])
def test_text_never_becomes_a_formula(ws_path, tmp_path, text):
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, text, "submitted", actor="test")
    out = tmp_path / "x.xlsx"
    r = run("export", "--workspace", str(ws_path), "--program", "r2-iot", "--output", str(out))
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    cells = [c for row in wb["コメント"].iter_rows(min_row=5) for c in row if c.column == 6 and c.value is not None]
    assert len(cells) == 1
    assert cells[0].data_type == "s"
    assert cells[0].value.replace("\x00", "").replace("\x07", "") .endswith(text.lstrip("\t=").replace("\x00", "").replace("\x07", "")[-3:])
    assert not wb["コメント"]._hyperlinks


def test_audit_shows_who_opened_changed_submitted_reopened_and_exported(ws_path, tmp_path):
    with Workspace.open(ws_path) as ws:
        ws.record("e01 (yamada)", "application-open", "r2-iot", "T-0001", "e01")
        save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2}, actor="e01 (yamada)")
        save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, status="submitted", actor="e01 (yamada)")
        reopen_sheet(ws, "r2-iot", "T-0001", "e01", actor="c01", reason="確認", chair="c01")
    assert run("export", "--workspace", str(ws_path), "--program", "r2-iot", "--output", str(tmp_path / "a.xlsx")).returncode == 0
    r = run("audit", "--workspace", str(ws_path), "--application", "T-0001")
    text = r.stdout
    for label in ("申請の閲覧", "採点票の作成", "採点票の提出", "差し戻し"):
        assert label in text
    assert "e01 (yamada)" in text and "c01" in text
    r = run("audit", "--workspace", str(ws_path))
    assert "Excel 書き出し" in r.stdout and "a.xlsx" in r.stdout


def test_audit_cannot_be_edited_through_the_tool(ws_path):
    with Workspace.open(ws_path) as ws:
        n = len(ws.audit())
        with pytest.raises(Exception):
            ws.conn.execute("DELETE FROM audit WHERE seq = 1")
        with pytest.raises(Exception):
            ws.conn.execute("UPDATE audit SET detail = 'x' WHERE seq = 1")
        assert len(ws.audit()) == n
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "reviewer", "--help"], capture_output=True, text=True)
    assert "audit" in out.stdout and "delete" not in out.stdout.lower()


def test_audit_rows_with_control_characters_print_cleanly(ws_path):
    with Workspace.open(ws_path) as ws:
        ws.record("\x1b[31mevil\x1b[0m", "session-start", detail="\u202edetail")
    r = run("audit", "--workspace", str(ws_path))
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout and "evil" in r.stdout


def sshd_command(option: str) -> str:
    """What sshd runs for command="...": it undoes \\" and nothing else (auth-options.c)."""
    assert option.startswith('command="')
    out, i = [], len('command="')
    while option[i] != '"':
        if option[i] == "\\" and option[i + 1] == '"':
            i += 1
        out.append(option[i])
        i += 1
    return "".join(out)


def test_authorized_keys_keep_spaces_quotes_and_backslashes(tmp_path):
    import shlex

    panel = {"evaluators": [dict(PANEL["evaluators"][0], ssh_public_keys=[KEY])] + PANEL["evaluators"][1:]}
    crit, apps, panel_path = make_inputs(tmp_path, panel=panel)
    ws = tmp_path / "ws 'a' \"b\" \\c \\\"d"
    init_workspace(ws, crit, apps, panel_path)
    exe = "/opt/my tools/it's \\ \"here\"/reviewer"
    r = run("authorized-keys", "--workspace", str(ws), "--reviewer", exe)
    assert r.returncode == 0, r.stderr
    [line] = r.stdout.splitlines()
    assert shlex.split(sshd_command(line)) == [exe, "tui", "--workspace", str(ws.resolve()), "--evaluator", "e01"]


def test_authorized_keys_refuse_a_line_break_in_a_path(tmp_path):
    panel = {"evaluators": [dict(PANEL["evaluators"][0], ssh_public_keys=[KEY])] + PANEL["evaluators"][1:]}
    crit, apps, panel_path = make_inputs(tmp_path, panel=panel)
    init_workspace(tmp_path / "ws", crit, apps, panel_path)
    r = run("authorized-keys", "--workspace", str(tmp_path / "ws"), "--reviewer", "/opt/x\nssh-ed25519 AAAA evil")
    assert r.returncode == 1 and "改行" in r.stderr and "ssh-ed25519 AAAA evil" not in r.stdout


@pytest.mark.parametrize("env, detail", [
    ({"SSH_CONNECTION": "192.0.2.10 50022 192.0.2.1 22"}, "evaluator via ssh from 192.0.2.10 port 50022"),
    ({"SSH_CLIENT": "2001:db8::1 40000 22"}, "evaluator via ssh from 2001:db8::1 port 40000"),
    ({"SSH_CONNECTION": "\x1b]0;x\x07evil \x9b2J 1 2"}, "evaluator via ssh from ? port ?"),
    ({}, "evaluator via local"),
])
def test_the_session_start_records_where_from(ws_path, monkeypatch, env, detail):
    from reviewer.services.session import Session

    for name in ("SSH_CONNECTION", "SSH_CLIENT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    session = Session(ws_path, "e01")
    try:
        session.record_start()
    finally:
        session.close()
    with Workspace.open(ws_path) as ws:
        assert ws.audit()[-1].detail == detail
