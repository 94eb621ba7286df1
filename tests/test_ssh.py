"""Scoring over SSH end to end: a real OpenSSH server on 127.0.0.1, a real ssh client under
tmux, keys from the panel, and the forced command that `reviewer authorized-keys` writes."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import IOT_APP, doc, write
from tmuxutil import tmux
from tmuxutil import wait_for as wait_until
from wsutil import make_inputs, run

from reviewer.services.setup import init_workspace

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
pytestmark = pytest.mark.skipif(
    not (Path(SSHD).exists() and shutil.which("ssh") and shutil.which("tmux")) and not os.environ.get("CI"),
    reason="OpenSSH server/client or tmux not installed (CI installs them)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path, comment: str) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], check=True)
    return path.with_suffix(".pub").read_text().strip()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ssh")
    os.chmod(tmp, 0o700)
    k1 = keygen(tmp / "e01", "e01@laptop")
    k2 = keygen(tmp / "e02", "e02@pc")
    kc = keygen(tmp / "chair", "chair@office")
    panel = {"evaluators": [
        {"id": "e01", "name": "山田 太郎", "programs": ["r2-iot"], "ssh_public_keys": [k1], "conflicts": ["T-0001"]},
        {"id": "e02", "name": "佐藤 花子", "programs": ["r2-iot"], "ssh_public_keys": [k2], "conflicts": ["012360"]},
        {"id": "c01", "name": "松本 洋子", "role": "chair", "programs": ["r2-iot"], "ssh_public_keys": [kc]},
    ]}
    crit, apps, panel_path = make_inputs(tmp, n_apps=2, panel=panel)
    write(tmp, "apps/T-0003.toml", doc(IOT_APP, id="T-0003", consortium=[]))
    ws = tmp / "workspace"
    init_workspace(ws, crit, apps, panel_path)
    r = run("authorized-keys", "--workspace", str(ws))
    assert r.returncode == 0, r.stderr
    (tmp / "authorized_keys").write_text(r.stdout)
    os.chmod(tmp / "authorized_keys", 0o600)
    yield from sshd(tmp, ws, "AcceptEnv LANG LC_*")


def sshd(tmp: Path, ws: Path, accept_env: str):
    """Run an OpenSSH server on 127.0.0.1 with ``tmp/authorized_keys`` until the caller is done."""
    keygen(tmp / "host", "host")
    port = free_port()
    config = tmp / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {tmp / 'host'}",
        f"AuthorizedKeysFile {tmp / 'authorized_keys'}", "PasswordAuthentication no",
        "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no", "PermitRootLogin prohibit-password",
        f"PidFile {tmp / 'sshd.pid'}", "LogLevel VERBOSE", accept_env, "",
    ]))
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=open(tmp / "sshd.log", "w"))
    deadline = time.time() + 20
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield {"tmp": tmp, "port": port, "ws": ws, "user": os.environ.get("USER") or "root"}
    proc.terminate()
    proc.wait(timeout=10)


def ssh_args(server, key: str, *extra: str) -> list[str]:
    return ["ssh", "-i", str(server["tmp"] / key), "-p", str(server["port"]),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", *extra, f"{server['user']}@127.0.0.1"]


def in_tmux(name: str, command: list[str], wait_for: str, timeout: float = 40) -> str:
    import shlex

    tmux("kill-session", "-t", name)
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                    "TERM=xterm-256color " + " ".join(shlex.quote(c) for c in command) + "; echo SSH-EXITED; sleep 30"],
                   check=True, timeout=30)
    return wait_until(name, wait_for, timeout)


def close(name: str) -> None:
    tmux("send-keys", "-t", name, "C-q")
    time.sleep(0.5)
    tmux("kill-session", "-t", name)


def test_a_key_opens_its_evaluators_own_list(server):
    out = in_tmux("ssh-e01", ssh_args(server, "e01", "-tt"), "評価者 山田 太郎（e01）")
    assert "T-0002" in out and "T-0003" in out and "T-0001" not in out  # T-0001 is e01's conflict
    close("ssh-e01")
    out = in_tmux("ssh-e02", ssh_args(server, "e02", "-tt"), "評価者 佐藤 花子（e02）")
    assert "T-0003" in out and "T-0001" not in out and "T-0002" not in out  # 北斗市 is a member of both
    close("ssh-e02")


def test_another_command_still_gets_only_the_app(server):
    out = in_tmux("ssh-cmd", ssh_args(server, "e01", "-tt") + ["sh", "-c", "id; cat /etc/passwd"], "評価者 山田 太郎（e01）")
    assert "uid=" not in out and "root:x" not in out
    close("ssh-cmd")


def test_another_evaluator_cannot_be_asked_for(server):
    cmd = ssh_args(server, "e01", "-tt") + ["reviewer", "tui", "--workspace", str(server["ws"]), "--evaluator", "c01"]
    out = in_tmux("ssh-other", cmd, "評価者 山田 太郎（e01）")
    assert "委員長" not in out
    close("ssh-other")


def test_the_chairs_key_gets_the_chair_view(server):
    out = in_tmux("ssh-chair", ssh_args(server, "chair", "-tt"), "委員長 松本 洋子（c01）")
    assert "評価者別" in out
    close("ssh-chair")


def test_no_forwarding_and_no_plain_session_without_a_terminal(server):
    # restrict: remote forwarding is refused
    r = subprocess.run(ssh_args(server, "e01", "-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "forwarding failed" in r.stderr.lower()
    # without a terminal the forced command still runs (the app, not the command asked for), and fails cleanly
    r = subprocess.run(ssh_args(server, "e01", "-T") + ["echo", "hello-from-shell"], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert "hello-from-shell" not in r.stdout


def test_the_sessions_are_audited(server):
    r = run("audit", "--workspace", str(server["ws"]), "--json")
    import json

    rows = [json.loads(line) for line in r.stdout.splitlines()]
    starts = [x for x in rows if x["action"] == "session-start"]
    assert any(x["evaluator"] == "e01" and "via ssh" in x["detail"] for x in starts)
    assert any(x["evaluator"] == "c01" for x in starts)


# -- an administrator's looser setup: TEXTUAL_* accepted, paths with spaces, quotes, backslashes --

ODD_NAME = "work space 'q' \"d\" \\b"


@pytest.fixture(scope="module")
def lenient_server(tmp_path_factory):
    """sshd accepting every TEXTUAL_* variable from the client; the workspace and the reviewer
    command live in folders whose names have spaces, quotes and a backslash; authorized_keys
    comes from `reviewer authorized-keys` run as that reviewer (no --reviewer)."""
    import sys

    tmp = tmp_path_factory.mktemp("ssh-lenient")
    os.chmod(tmp, 0o700)
    k1 = keygen(tmp / "e01", "e01@laptop")
    kc = keygen(tmp / "chair", "chair@office")
    panel = {"evaluators": [
        {"id": "e01", "name": "山田 太郎", "programs": ["r2-iot"], "ssh_public_keys": [k1]},
        {"id": "c01", "name": "松本 洋子", "role": "chair", "programs": ["r2-iot"], "ssh_public_keys": [kc]},
    ]}
    crit, apps, panel_path = make_inputs(tmp, n_apps=2, panel=panel)
    ws = tmp / ODD_NAME
    init_workspace(ws, crit, apps, panel_path)
    tools = tmp / ("tools " + ODD_NAME)
    tools.mkdir()
    reviewer = tools / "reviewer"  # a copy of the venv's script (its #! names the venv's python)
    shutil.copy(Path(sys.executable).parent / "reviewer", reviewer)
    r = subprocess.run([str(reviewer), "authorized-keys", "--workspace", str(ws)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    (tmp / "authorized_keys").write_text(r.stdout)
    os.chmod(tmp / "authorized_keys", 0o600)
    for server in sshd(tmp, ws, "AcceptEnv LANG LC_* TEXTUAL_* TEXTUAL"):
        yield dict(server, reviewer=reviewer, lines=r.stdout.splitlines())


pane_until = wait_until


def test_a_login_works_with_spaces_quotes_and_backslashes_in_the_paths(lenient_server):
    ws = lenient_server["ws"]
    for line in lenient_server["lines"]:  # sshd undoes \" only; the shell then reads the quoting
        command = line[len('command="'): line.index('",restrict,pty ')].replace('\\"', '"')
        assert shlex.split(command)[:4] == [str(lenient_server["reviewer"]), "tui", "--workspace", str(ws.resolve())]
    out = in_tmux("ssh-odd", ssh_args(lenient_server, "e01", "-tt"), "評価者 山田 太郎（e01）")
    assert "T-0001" in out and "T-0002" in out
    close("ssh-odd")


def test_textual_settings_sent_by_the_client_write_no_file(lenient_server):
    tmp, ws = lenient_server["tmp"], lenient_server["ws"]
    db = ws / "reviewer.db"
    before = db.read_bytes()[:16]
    assert before == b"SQLite format 3\x00"
    log = tmp / "textual.log"
    sent = ["env", f"TEXTUAL_SCREENSHOT_LOCATION={ws}", "TEXTUAL_SCREENSHOT_FILENAME=reviewer.db"]
    command = sent + ssh_args(lenient_server, "e01", "-tt", "-o", "SendEnv=TEXTUAL_*",
                              "-o", f"SetEnv=TEXTUAL_LOG={log} TEXTUAL_SCREENSHOT=1 TEXTUAL=debug")
    in_tmux("ssh-env", command, "評価者 山田 太郎（e01）")
    time.sleep(3)  # past the screenshot the client asked for
    out = tmux("capture-pane", "-p", "-t", "ssh-env")
    assert "SSH-EXITED" not in out and "評価者 山田 太郎（e01）" in out  # still running: no screenshot-and-exit
    tmux("send-keys", "-t", "ssh-env", "C-q")
    pane_until("ssh-env", "SSH-EXITED")
    tmux("kill-session", "-t", "ssh-env")
    assert db.read_bytes()[:16] == before
    r = run("status", "--workspace", str(ws))
    assert r.returncode == 0, r.stderr
    assert not log.exists()
    assert not [p for p in tmp.rglob("*.svg")] and not [p for p in Path.cwd().glob("*.svg")]


def test_the_session_start_names_the_client_address(lenient_server):
    import json

    in_tmux("ssh-addr", ssh_args(lenient_server, "chair", "-tt"), "委員長 松本 洋子（c01）")
    close("ssh-addr")
    r = run("audit", "--workspace", str(lenient_server["ws"]), "--json")
    starts = [json.loads(line) for line in r.stdout.splitlines() if '"session-start"' in line]
    mine = [x for x in starts if x["evaluator"] == "c01"]
    assert mine and all(re.fullmatch(r"chair via ssh from 127\.0\.0\.1 port \d+", x["detail"]) for x in mine), mine
