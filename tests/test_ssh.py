"""Scoring over SSH end to end: a real OpenSSH server on 127.0.0.1, a real ssh client under
tmux, keys from the panel, and the forced command that `reviewer authorized-keys` writes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import IOT_APP, doc, write
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
    keygen(tmp / "host", "host")
    port = free_port()
    config = tmp / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {tmp / 'host'}",
        f"AuthorizedKeysFile {tmp / 'authorized_keys'}", "PasswordAuthentication no",
        "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no", "PermitRootLogin prohibit-password",
        f"PidFile {tmp / 'sshd.pid'}", "LogLevel VERBOSE", "AcceptEnv LANG LC_*", "",
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


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=30).stdout


def in_tmux(name: str, command: list[str], wait_for: str, timeout: float = 40) -> str:
    import shlex

    tmux("kill-session", "-t", name)
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                    "TERM=xterm-256color " + " ".join(shlex.quote(c) for c in command) + "; echo SSH-EXITED; sleep 30"],
                   check=True, timeout=30)
    deadline = time.time() + timeout
    out = ""
    while time.time() < deadline:
        out = tmux("capture-pane", "-p", "-t", name)
        if wait_for in out:
            return out
        time.sleep(0.2)
    raise AssertionError(f"{wait_for!r} did not appear:\n{out}")


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
