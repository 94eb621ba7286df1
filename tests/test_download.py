"""Getting the workbook: exports go 0600 into the workspace's export folder under a Japan-time
name, and a chair's download key (`reviewer authorized-keys`) reads that folder over a real
OpenSSH server with the real sftp client: read-only, no shell, no pty, no forwarding, and, where
the kernel has Landlock, nothing outside the folder."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import write
from test_ssh import SSHD, keygen, ssh_args, sshd
from wsutil import PANEL, make_inputs, run

from reviewer.files import landlock
from reviewer.services import download
from reviewer.services.chair import ChairDesk
from reviewer.services.results import export_to_folder
from reviewer.services.session import Session
from reviewer.services.setup import init_workspace
from reviewer.workspace import Workspace, WorkspaceError

JST = timezone(timedelta(hours=9))
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKVNyhglMLsdbRMs3tYjey7ZHj9yH8sZcRdElNZJPJ1c yamada@laptop"
KEY2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDRgvjEgHmn+2qDu6LmZf1x8KZn9r+WTJTzWVK9N+tcU suzuki@pc"
CONFINED = landlock.abi_version() >= 1


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def ws_path(tmp_path):
    init_workspace(tmp_path / "ws", *make_inputs(tmp_path))
    return tmp_path / "ws"


# -- the export folder and the names ---------------------------------------------------


def test_an_export_goes_into_the_export_folder_named_in_japan_time(ws_path):
    when = datetime(2026, 12, 2, 0, 30, 15, tzinfo=timezone.utc)  # 09:30:15 in Japan
    with Workspace.open(ws_path) as ws:
        first = export_to_folder(ws, "r2-iot", "test", when=when).path
        assert first == ws_path.resolve() / "exports" / "r2-iot-20261202-093015.xlsx"
        assert mode(first.parent) == 0o700 and mode(first) == 0o600
        content = first.read_bytes()
        second = export_to_folder(ws, "r2-iot", "test", when=when).path   # the same second: a new name
        third = export_to_folder(ws, "r2-iot", "test", when=when).path
        assert (second.name, third.name) == ("r2-iot-20261202-093015-2.xlsx", "r2-iot-20261202-093015-3.xlsx")
        assert first.read_bytes() == content and mode(second) == 0o600
        with pytest.raises(WorkspaceError, match="nope"):
            export_to_folder(ws, "nope", "test", when=when)
        assert sorted(p.name for p in first.parent.iterdir()) == sorted([first.name, second.name, third.name])
        assert [e.detail.split()[0] for e in ws.audit("r2-iot") if e.action == "export"] == [str(first), str(second),
                                                                                              str(third)]


def umask_000(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``reviewer ARGS`` run with umask 000: the modes are the program's, not the umask's."""
    return subprocess.run(["sh", "-c", 'umask 000 && exec "$@"', "sh", sys.executable, "-m", "reviewer", *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=300,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8", **env))


def test_export_without_output_prints_the_path_in_the_export_folder(ws_path):
    before = datetime.now(JST).replace(microsecond=0)
    r = umask_000("export", "--workspace", str(ws_path), "--program", "r2-iot", TZ="America/New_York")
    after = datetime.now(JST)
    assert r.returncode == 0, r.stderr
    m = re.fullmatch(r"Excel ワークブックを書き出しました: (.+/exports/r2-iot-(\d{8}-\d{6})\.xlsx)\n", r.stdout)
    assert m, r.stdout
    stamp = datetime.strptime(m.group(2), "%Y%m%d-%H%M%S").replace(tzinfo=JST)
    assert before <= stamp <= after  # Japan time, though the server's zone is New York's
    out = Path(m.group(1))
    assert out.parent == ws_path.resolve() / "exports" and mode(out) == 0o600 and mode(out.parent) == 0o700


def test_output_elsewhere_is_written_0600_even_over_a_0644_file(ws_path, tmp_path):
    out = tmp_path / "結果.xlsx"
    out.write_bytes(b"old")
    os.chmod(out, 0o644)
    r = umask_000("export", "--workspace", str(ws_path), "--program", "r2-iot", "--output", str(out))
    assert r.returncode == 0 and r.stdout == f"Excel ワークブックを書き出しました: {out}\n", r.stderr
    assert mode(out) == 0o600 and out.read_bytes()[:2] == b"PK"
    assert not (ws_path / "exports").exists()  # --output is where it goes, and nothing else is made


def test_the_chairs_app_defaults_to_the_export_folder(ws_path, tmp_path):
    chair = Session(ws_path, "c01", actor="c01 (test)")
    try:
        desk = ChairDesk(chair)
        when = datetime(2026, 4, 1, 0, 0, 0, tzinfo=timezone.utc)
        path = desk.export_path("r2-iot", when=when)
        assert path == ws_path.resolve() / "exports" / "r2-iot-20260401-090000.xlsx" and not path.parent.exists()
        desk.export("r2-iot", "mean", None, path)  # the app makes the folder
        assert mode(path.parent) == 0o700 and mode(path) == 0o600
        assert desk.export_path("r2-iot", when=when).name == "r2-iot-20260401-090000-2.xlsx"
        assert desk.export_path("r2-iot", tmp_path, when) == tmp_path / "r2-iot-20260401-090000.xlsx"  # a folder given
        assert ChairDesk.export_name("r2-iot", tmp_path, when) == tmp_path / "r2-iot-20260401-090000.xlsx"
    finally:
        chair.close()


# -- the panel's download keys and the lines printed for them --------------------------


def chair_panel(**chair):
    return {"evaluators": [dict(PANEL["evaluators"][0], ssh_public_keys=[KEY])] + PANEL["evaluators"][1:3]
            + [dict(PANEL["evaluators"][3], **chair)]}


@pytest.mark.parametrize("panel, field, needle", [
    ({"evaluators": [dict(PANEL["evaluators"][0], download_keys=[KEY])]}, "evaluators[0].download_keys", "委員長"),
    (chair_panel(download_keys=[KEY]), "evaluators[3].download_keys[0]", "evaluators[0].ssh_public_keys[0]"),
    (chair_panel(ssh_public_keys=[KEY2], download_keys=[KEY2.replace("suzuki@pc", "other-name")]),
     "evaluators[3].download_keys[0]", "ssh_public_keys[0]"),
    (chair_panel(download_keys=[KEY2, KEY2]), "evaluators[3].download_keys[1]", "download_keys[0]"),
    (chair_panel(download_keys=["command=\"sh\" " + KEY2]), "evaluators[3].download_keys[0]", "SSH"),
])
def test_a_download_key_is_a_chairs_own_key(tmp_path, programs, panel, field, needle):
    from test_panel import problems

    probs = problems(tmp_path, programs, panel)
    assert [p.field for p in probs] == [field] and needle in probs[0].message, [str(p) for p in probs]


def test_authorized_keys_adds_a_read_only_line_for_each_download_key(tmp_path):
    sftp_server = tmp_path / "bin" / "sftp server"
    write(tmp_path, "bin/sftp server", "#!/bin/sh\n")
    os.chmod(sftp_server, 0o755)
    init_workspace(tmp_path / "ws", *make_inputs(tmp_path, panel=chair_panel(download_keys=[KEY2])))
    r = run("authorized-keys", "--workspace", str(tmp_path / "ws"), "--reviewer", "/opt/reviewer",
            "--sftp-server", str(sftp_server))
    assert r.returncode == 0, r.stderr
    ws = (tmp_path / "ws").resolve()
    assert r.stdout.splitlines() == [
        f'command="/opt/reviewer tui --workspace {ws} --evaluator e01",restrict,pty {KEY}',
        f"command=\"/opt/reviewer download --workspace {ws} --sftp-server '{sftp_server}'\",restrict {KEY2}",
    ]
    assert ("Landlock" in r.stderr) is not CONFINED
    r = run("authorized-keys", "--workspace", str(tmp_path / "ws"), "--sftp-server", str(tmp_path / "none"))
    assert r.returncode == 1 and "sftp-server" in r.stderr and not r.stdout


def test_without_download_keys_no_sftp_server_is_needed(tmp_path):
    init_workspace(tmp_path / "ws", *make_inputs(tmp_path, panel=chair_panel()))
    r = run("authorized-keys", "--workspace", str(tmp_path / "ws"), "--sftp-server", str(tmp_path / "none"))
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 1 and " download " not in r.stdout, r.stderr


def test_sftp_server_is_found_or_named(monkeypatch, tmp_path):
    found = download.find_sftp_server()
    assert str(found) in download.SFTP_SERVERS and os.access(found, os.X_OK)
    monkeypatch.setattr(download, "SFTP_SERVERS", (str(tmp_path / "sftp-server"),))
    with pytest.raises(WorkspaceError, match="--sftp-server"):
        download.find_sftp_server()
    with pytest.raises(WorkspaceError, match="sftp-server"):
        download.find_sftp_server(tmp_path / "none")
    assert download.find_sftp_server(found) == found


def test_the_server_arguments_are_read_only_and_start_in_the_folder():
    args = download.sftp_arguments(Path("/usr/lib/openssh/sftp-server"), Path("/srv/ws 100%/exports"))
    assert args[:2] == ["/usr/lib/openssh/sftp-server", "-R"]
    assert args[args.index("-d") + 1] == "/srv/ws 100%%/exports"  # sftp-server expands %: doubled
    allowed = set(args[args.index("-p") + 1].split(","))
    assert allowed and not allowed & {"write", "setstat", "fsetstat", "remove", "mkdir", "rmdir", "rename", "symlink",
                                      "posix-rename", "hardlink", "lsetstat", "copy-data", "fsync"}


def test_without_landlock_the_download_is_refused(ws_path, monkeypatch):
    monkeypatch.setattr(landlock, "abi_version", lambda: 0)
    executed = []
    monkeypatch.setattr(os, "execv", lambda *a: executed.append(a))
    with pytest.raises(WorkspaceError, match="Landlock"):
        download.serve_downloads(ws_path)
    with pytest.raises(WorkspaceError, match="ワークスペースではありません"):
        download.serve_downloads(ws_path / "exports")
    assert executed == []


# -- over a real OpenSSH server, with the real sftp client ------------------------------

needs_sshd = pytest.mark.skipif(not (Path(SSHD).exists() and shutil.which("sftp")) and not os.environ.get("CI"),
                                reason="OpenSSH server/client not installed (CI installs them)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("download")
    os.chmod(tmp, 0o700)
    login, dl, other = keygen(tmp / "chair", "chair@office"), keygen(tmp / "dl", "chair-dl@office"), keygen(tmp / "e01", "e01")
    panel = {"evaluators": [
        {"id": "e01", "name": "山田 太郎", "programs": ["r2-iot"], "ssh_public_keys": [other]},
        {"id": "c01", "name": "松本 洋子", "role": "chair", "programs": ["r2-iot"], "ssh_public_keys": [login],
         "download_keys": [dl]},
    ]}
    ws = tmp / "workspace"
    init_workspace(ws, *make_inputs(tmp, n_apps=2, panel=panel))
    r = run("export", "--workspace", str(ws), "--program", "r2-iot")
    assert r.returncode == 0, r.stderr
    workbook = Path(r.stdout.split(": ", 1)[1].strip())
    r = run("authorized-keys", "--workspace", str(ws))
    assert r.returncode == 0 and r.stdout.count("\n") == 3, r.stdout + r.stderr
    (tmp / "authorized_keys").write_text(r.stdout)
    os.chmod(tmp / "authorized_keys", 0o600)
    (tmp / "got").mkdir()
    # as Debian's sshd_config: the sftp subsystem is the plain sftp-server (reads and writes all the
    # account can); the download key's forced command takes its place
    for s in sshd(tmp, ws, f"AcceptEnv LANG LC_*\nSubsystem sftp {download.find_sftp_server()}"):
        yield dict(s, workbook=workbook)


def client(server, key: str) -> list[str]:
    """The options sftp and scp share with ssh (the port is -P for them), and the target last."""
    return ["-P", str(server["port"]), "-i", str(server["tmp"] / key), "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", "LogLevel=ERROR", f"{server['user']}@127.0.0.1"]


def sftp(server, batch: str, key: str = "dl") -> subprocess.CompletedProcess:
    path = server["tmp"] / "batch"
    path.write_text(batch)
    return subprocess.run(["sftp", "-b", str(path), *client(server, key)], capture_output=True, text=True, timeout=60,
                          cwd=server["tmp"] / "got")


def refused_without_landlock(r: subprocess.CompletedProcess) -> bool:
    """Where the kernel has no Landlock, the download refuses to start (and says why)."""
    if CONFINED:
        return False
    assert r.returncode != 0 and "Landlock" in r.stderr, r.stderr
    return True


@needs_sshd
def test_the_download_key_lists_and_gets_the_workbook(server):
    name = server["workbook"].name
    r = sftp(server, f"pwd\nls -1\nget {name}\n")
    if refused_without_landlock(r):
        return
    assert r.returncode == 0, r.stderr
    assert f"Remote working directory: {server['workbook'].parent}" in r.stdout
    assert re.search(rf"^{re.escape(name)}$", r.stdout, re.M), r.stdout
    got = server["tmp"] / "got" / name
    assert got.read_bytes() == server["workbook"].read_bytes()


@needs_sshd
def test_scp_gets_it_too(server):
    name = server["workbook"].name
    *options, target = client(server, "dl")
    out = server["tmp"] / "got" / "by-scp.xlsx"
    r = subprocess.run(["scp", *options, f"{target}:{name}", str(out)], capture_output=True, text=True, timeout=60)
    if refused_without_landlock(r):
        return
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == server["workbook"].read_bytes()


@needs_sshd
def test_nothing_can_be_written(server):
    folder = server["workbook"].parent
    before = sorted(p.name for p in folder.iterdir())
    local = server["tmp"] / "got" / "mine.xlsx"
    local.write_bytes(b"PK not a workbook")
    for command in (f"put {local} mine.xlsx", f"put {local} {server['workbook'].name}", "mkdir new",
                    f"rm {server['workbook'].name}", f"rename {server['workbook'].name} x.xlsx",
                    f"chmod 644 {server['workbook'].name}", f"put {local} ../mine.xlsx"):
        r = sftp(server, command + "\n")
        assert r.returncode != 0, command
        if refused_without_landlock(r):
            continue
        assert "denied" in r.stderr.lower() or "failure" in r.stderr.lower(), (command, r.stderr)
    assert sorted(p.name for p in folder.iterdir()) == before and mode(server["workbook"]) == 0o600
    assert not (folder.parent / "mine.xlsx").exists()


@needs_sshd
def test_nothing_outside_the_folder_can_be_read_or_listed(server):
    ws = server["ws"].resolve()
    tries = ["get ../reviewer.db", f"get {ws}/reviewer.db", "ls ..", "ls /", f"get {server['tmp']}/authorized_keys",
             "get /etc/hostname", f"ls {server['tmp']}", "get /proc/self/environ"]
    for command in tries:
        r = sftp(server, command + "\n")
        if refused_without_landlock(r):
            return
        assert r.returncode != 0 and "permission denied" in r.stderr.lower(), (command, r.stdout, r.stderr)
    for name in ("reviewer.db", "authorized_keys", "hostname", "environ"):
        assert not (server["tmp"] / "got" / name).exists(), name
    # what Landlock does not control, as the README says: a path's metadata (stat) is seen
    r = sftp(server, "cd ..\npwd\n")
    assert r.returncode == 0 and f"Remote working directory: {ws}" in r.stdout, r.stderr


@needs_sshd
def test_no_shell_no_pty_no_forwarding(server):
    r = subprocess.run(ssh_args(server, "dl", "-T") + ["echo", "hello-from-shell; id"], capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert b"hello-from-shell" not in r.stdout and b"uid=" not in r.stdout
    r = subprocess.run(ssh_args(server, "dl", "-tt") + ["sh"], capture_output=True, timeout=60,
                       input=b"echo hello-from-shell\nexit\n")
    assert b"PTY allocation request failed" in r.stderr and b"hello-from-shell" not in r.stdout
    r = subprocess.run(ssh_args(server, "dl", "-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"),
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode != 0 and "forwarding failed" in r.stderr.lower()


@needs_sshd
def test_the_chairs_login_key_does_not_download(server):
    r = sftp(server, "ls\n", key="chair")  # its forced command is the chair's app, which needs a terminal
    assert r.returncode != 0 and server["workbook"].name not in r.stdout
