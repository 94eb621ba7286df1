"""A hostile tester's cases, on real files and real processes: links planted at a temporary
name, a full disk, a read-only workspace, leftovers of a killed init."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT, write
from wsutil import FULL, make_inputs, run

from reviewer.services.results import export_workbook
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import save_sheet
from reviewer.workspace import DB_NAME, Workspace, WorkspaceError
from reviewer.workspace.schema import STALE_BUILD_SECONDS, connect, migrate

#: ``reviewer`` in a process whose every SQLite connection may grow to ``argv[1]`` pages only:
#: SQLite's own SQLITE_FULL, exactly as a full disk reports it.
FULL_DISK = """
import sqlite3, sys
pages, real = int(sys.argv[1]), sqlite3.connect
def connect(*args, **kwargs):
    conn = real(*args, **kwargs)
    conn.execute(f"PRAGMA max_page_count = {pages}")
    return conn
sqlite3.connect = connect
from reviewer.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run_on_full_disk(pages: int, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("REVIEWER_WORKSPACE", None)
    return subprocess.run([sys.executable, "-c", FULL_DISK, str(pages), *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def init_args(tmp_path: Path, ws: Path) -> list[str]:
    return ["init", "--workspace", str(ws), "--criteria", str(tmp_path / "criteria"),
            "--applications", str(tmp_path / "apps"), "--panel", str(tmp_path / "panel.toml")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(r: subprocess.CompletedProcess, *words: str) -> bool:
    return r.returncode == 1 and "Traceback" not in r.stderr and all(w in r.stderr for w in words)


@pytest.fixture
def ws_path(tmp_path):
    make_inputs(tmp_path)
    path = tmp_path / "ws"
    assert run(*init_args(tmp_path, path)).returncode == 0
    return path


def scores(tmp_path: Path, name: str = "s.toml", comment: str = "KPIが定量的で妥当。", apps=("T-0001",)) -> Path:
    return write(tmp_path, name, {"evaluator": "e01", "program": "r2-iot", "sheets": [
        {"application": a, "status": "submitted", "comment": comment, "scores": FULL} for a in apps]})


def counts(ws: Path) -> tuple[int, int]:
    c = sqlite3.connect(f"file:{ws / DB_NAME}?mode=ro", uri=True)
    try:
        return c.execute("SELECT count(*) FROM sheets").fetchone()[0], c.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        c.close()


# -- a link planted at a predictable temporary name ------------------------------------------


def plant(folder: Path, name: str) -> Path:
    victim = folder / "victim.txt"
    victim.write_text("他人のファイル\n", "utf-8")
    (folder / f".{name}.tmp").symlink_to(victim)
    return victim


def test_export_never_follows_a_link_planted_at_the_old_temporary_name(tmp_path, ws_path):
    assert run("import-scores", "--workspace", str(ws_path), str(scores(tmp_path))).returncode == 0
    out = tmp_path / "out"
    out.mkdir()
    victim = plant(out, "result.xlsx")
    r = run("export", "--workspace", str(ws_path), "--program", "r2-iot", "--output", str(out / "result.xlsx"))
    assert r.returncode == 0, r.stderr
    assert victim.read_text("utf-8") == "他人のファイル\n"
    assert (out / ".result.xlsx.tmp").is_symlink()
    st = (out / "result.xlsx").lstat()
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
    assert zipfile.is_zipfile(out / "result.xlsx")
    assert sorted(p.name for p in out.iterdir()) == [".result.xlsx.tmp", "result.xlsx", "victim.txt"]


def test_template_never_follows_a_link_planted_at_the_old_temporary_name(tmp_path, ws_path):
    victim = plant(tmp_path, "t.toml")
    r = run("template", "--workspace", str(ws_path), "--evaluator", "e01", "--output", str(tmp_path / "t.toml"))
    assert r.returncode == 0, r.stderr
    assert victim.read_text("utf-8") == "他人のファイル\n"
    st = (tmp_path / "t.toml").lstat()
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
    assert 'evaluator = "e01"' in (tmp_path / "t.toml").read_text("utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".t.toml.") and p.name != ".t.toml.tmp"]


def test_a_replaced_export_is_private_too(tmp_path, ws_path):
    out = tmp_path / "result.xlsx"
    out.write_text("old")
    os.chmod(out, 0o644)
    with Workspace.open(ws_path) as ws:
        export_workbook(ws, "r2-iot", out, "test")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and zipfile.is_zipfile(out)


# -- a full disk ------------------------------------------------------------------------------


def migrated_pages(tmp_path: Path) -> int:
    conn = connect(tmp_path / "scratch.db")
    migrate(conn)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    return int(pages)


@pytest.mark.parametrize("where", ["schema", "contents"])
def test_init_on_a_full_disk_says_so_and_leaves_nothing(tmp_path, where):
    make_inputs(tmp_path)
    pages = 1 if where == "schema" else migrated_pages(tmp_path) + 2
    r = run_on_full_disk(pages, *init_args(tmp_path, tmp_path / "ws"))
    assert refused(r, "ディスクの空きがありません", str(tmp_path / "ws" / DB_NAME)), r.stderr
    assert "rollback" not in r.stderr and "no transaction" not in r.stderr
    assert not (tmp_path / "ws").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ws.")]


def test_synth_on_a_full_disk_says_so_and_leaves_nothing(tmp_path):
    r = run_on_full_disk(migrated_pages(tmp_path) + 2, "synth", "--workspace", str(tmp_path / "ws"),
                         "--program", "r2-iot", "--applications", "40", "--evaluators", "4",
                         "--reviews-per-application", "2")
    assert refused(r, "ディスクの空きがありません"), r.stderr
    assert "rollback" not in r.stderr
    assert not (tmp_path / "ws").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".ws.")]


def test_import_on_a_full_disk_says_so_and_writes_nothing(tmp_path, ws_path):
    before = counts(ws_path)
    f = scores(tmp_path, comment="根拠" * 2000, apps=("T-0001", "T-0002", "T-0003"))
    r = run_on_full_disk(1, "import-scores", "--workspace", str(ws_path), str(f))  # 1: no page more
    assert refused(r, "ディスクの空きがありません", str(ws_path / DB_NAME), "取り込めませんでした"), r.stderr
    assert counts(ws_path) == before
    assert run("import-scores", "--workspace", str(ws_path), str(f)).returncode == 0  # room again: it goes in
    assert counts(ws_path)[0] == before[0] + 3


def test_a_save_on_a_full_disk_is_a_workspace_error_and_the_session_goes_on(ws_path):
    with Workspace.open(ws_path) as ws:
        ws.conn.execute("PRAGMA max_page_count = 1")  # the file may not grow by a page
        with pytest.raises(WorkspaceError, match="ディスクの空きがありません") as e:
            save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2}, comment="根拠" * 3000)
        assert str(ws_path / DB_NAME) in str(e.value)
        assert not ws.conn.in_transaction and ws.sheets() == []
        assert save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2}) == "created"  # small enough to fit


@contextmanager
def small_filesystem(folder: Path, size: str = "2m"):
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                           capture_output=True).returncode:
        pytest.skip("mounting a small tmpfs needs root and a mount namespace that allows it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path, leave: int = 0) -> None:
    """Fill the file system of ``disk``, then free ``leave`` bytes again."""
    with open(disk / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
        if leave:
            os.truncate(f.fileno(), max(0, f.tell() - leave))


def test_a_really_full_filesystem(tmp_path):
    """A small tmpfs filled up: the WAL cannot take the import (it fails as it is written,
    at the COMMIT), then not even the WAL's shared memory fits; nothing changes, the reading
    commands still work."""
    make_inputs(tmp_path)
    f = scores(tmp_path, comment="根拠" * 20_000, apps=("T-0001", "T-0002", "T-0003"))
    with small_filesystem(tmp_path / "disk") as disk:
        ws = disk / "ws"
        assert run(*init_args(tmp_path, ws)).returncode == 0
        before, status = counts(ws), run("status", "--workspace", str(ws)).stdout
        fill(disk, leave=96 * 1024)  # room for the -shm (32 KiB), not for the sheets
        r = run("import-scores", "--workspace", str(ws), str(f))
        assert refused(r, f"{ws / DB_NAME}: 書き込めません（ディスクの空きがありません）"), r.stderr
        assert counts(ws) == before
        fill(disk)
        r = run("import-scores", "--workspace", str(ws), str(f))
        assert refused(r, str(ws / DB_NAME), "ディスクの空きがありません"), r.stderr
        r = run(*init_args(tmp_path, disk / "ws2"))
        assert refused(r, str(disk / "ws2"), "ディスクの空きがありません"), r.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "ws"]
        r = run("status", "--workspace", str(ws))
        assert r.returncode == 0 and r.stdout == status, r.stderr
        (disk / "filler").unlink()
        assert counts(ws) == before
        assert run("import-scores", "--workspace", str(ws), str(f)).returncode == 0
        assert counts(ws)[0] == before[0] + 3


# -- a read-only workspace --------------------------------------------------------------------


@contextmanager
def read_only(*paths: Path):
    """Make ``paths`` read-only for real: file modes for a user, the immutable attribute for
    root (whom modes do not stop)."""
    if os.geteuid() != 0:
        modes = {p: stat.S_IMODE(p.stat().st_mode) for p in paths}
        for p in paths:
            os.chmod(p, 0o500 if p.is_dir() else 0o400)
        try:
            yield
        finally:
            for p, mode in modes.items():
                os.chmod(p, mode)
        return
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", *map(str, paths)],
                                                    capture_output=True).returncode:
        pytest.skip("root ignores file modes, and this file system has no immutable attribute (chattr +i)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=False)


def read_outputs(ws: Path) -> list[str]:
    outs = []
    for args in (["status"], ["status", "--json"], ["rank", "--program", "r2-iot", "--json"], ["audit"],
                 ["template", "--evaluator", "e01", "--output", str(ws.parent / "t.toml")]):
        r = run(args[0], "--workspace", str(ws), *args[1:])
        assert r.returncode == 0 and r.stderr == "", r.stderr
        outs.append(r.stdout.replace(str(ws.parent), "TMP"))
    return outs


@pytest.mark.parametrize("what", ["folder", "file"])
def test_reading_commands_work_on_a_read_only_workspace(tmp_path, ws_path, what):
    assert run("import-scores", "--workspace", str(ws_path), str(scores(tmp_path))).returncode == 0
    expected = read_outputs(ws_path)
    assert not (ws_path / (DB_NAME + "-wal")).exists()  # closed cleanly: only the database file
    db = ws_path / DB_NAME
    frozen = digest(db)
    with read_only(db, *([ws_path] if what == "folder" else [])):
        assert read_outputs(ws_path) == expected
        with Workspace.open(ws_path, readonly=True) as ws:
            assert ws.readonly and len(ws.sheets()) == 1
    assert digest(db) == frozen


@pytest.mark.parametrize("what", ["folder", "file"])
def test_writing_commands_on_a_read_only_workspace_say_so(tmp_path, ws_path, what):
    assert run("import-scores", "--workspace", str(ws_path), str(scores(tmp_path))).returncode == 0
    f = scores(tmp_path, "b.toml", apps=("T-0002",))
    db = ws_path / DB_NAME
    frozen, before = digest(db), counts(ws_path)
    with read_only(db, *([ws_path] if what == "folder" else [])):
        r = run("import-scores", "--workspace", str(ws_path), str(f))
        assert refused(r, "読み取り専用です", str(db)), r.stderr
        r = run("reopen", "--workspace", str(ws_path), "--program", "r2-iot", "--application", "T-0001",
                "--evaluator", "e01", "--chair", "c01", "--reason", "確認")
        assert refused(r, "読み取り専用です"), r.stderr
        r = run(*init_args(tmp_path, ws_path))
        assert refused(r, "読み取り専用です"), r.stderr
        r = run("export", "--workspace", str(ws_path), "--program", "r2-iot", "--output", str(tmp_path / "x.xlsx"))
        assert refused(r, "読み取り専用"), r.stderr
        assert not (tmp_path / "x.xlsx").exists()
        with pytest.raises(WorkspaceError, match="読み取り専用"), Workspace.open(ws_path) as ws:
            save_sheet(ws, "r2-iot", "T-0003", "e01", {"A1": 2})
    assert digest(db) == frozen and counts(ws_path) == before


# -- leftovers of a killed init ---------------------------------------------------------------

BUILDER = """
import sys
from pathlib import Path
from reviewer.workspace.schema import building
with building(Path(sys.argv[1]), ".init") as conn:
    conn.execute("CREATE TABLE half_done(x)")
    print("building", flush=True)
    sys.stdin.read()
"""


def age(folder: Path, seconds: float = STALE_BUILD_SECONDS + 60) -> None:
    t = time.time() - seconds
    for p in [*folder.iterdir(), folder]:
        os.utime(p, (t, t), follow_symlinks=False)


def leftovers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".ws."))


def test_init_removes_what_a_killed_init_left_and_nothing_else(tmp_path):
    make_inputs(tmp_path)
    builder = subprocess.Popen([sys.executable, "-c", BUILDER, str(tmp_path / "ws")], cwd=ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert builder.stdout is not None and builder.stdout.readline() == "building\n"
        (killed,) = leftovers(tmp_path)
        age(tmp_path / killed)
        # a running build (it holds its lock) is not a leftover, however old
        assert run(*init_args(tmp_path, tmp_path / "ws")).returncode == 0
        assert killed in leftovers(tmp_path)
        shutil.rmtree(tmp_path / "ws")
    finally:
        builder.send_signal(signal.SIGKILL)
        builder.wait()
    assert {p.name for p in (tmp_path / killed).iterdir()} <= {DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"}
    keep = {}
    for name, files in ((".ws.notes1.init", {DB_NAME: "x", "notes.txt": "mine"}), (".ws.fresh1.init", {DB_NAME: "x"}),
                        (".ws.other.synth", {DB_NAME: "x"}), (".wsx.abcdef.init", {DB_NAME: "x"})):
        folder = tmp_path / name
        folder.mkdir()
        for f, text in files.items():
            (folder / f).write_text(text)
        if name != ".ws.fresh1.init":
            age(folder)
        keep[name] = sorted(files)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / ".ws.link1.init").symlink_to(tmp_path / "elsewhere")
    r = run(*init_args(tmp_path, tmp_path / "ws"))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert killed not in leftovers(tmp_path)
    for name, files in keep.items():
        assert sorted(p.name for p in (tmp_path / name).iterdir()) == files
    assert (tmp_path / ".ws.link1.init").is_symlink()
    with Workspace.open(tmp_path / "ws") as ws:
        assert sorted(ws.applications("r2-iot")) == ["T-0001", "T-0002", "T-0003"]


def test_a_failed_init_leaves_no_folder_and_no_lock(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    (tmp_path / "ro").mkdir()
    with read_only(tmp_path / "ro"):
        r = run(*init_args(tmp_path, tmp_path / "ro" / "ws"))
        assert refused(r, str(tmp_path / "ro" / "ws"), "作成できません"), r.stderr
    init_workspace(tmp_path / "ro" / "ws", crit, apps, panel)
    assert sorted(p.name for p in (tmp_path / "ro").iterdir()) == ["ws"]


def test_a_read_only_workspace_of_an_older_format_says_it_cannot_be_updated(ws_path):
    c = sqlite3.connect(ws_path / DB_NAME)
    version = c.execute("PRAGMA user_version").fetchone()[0]
    c.execute(f"PRAGMA user_version = {version - 1}")
    c.commit()
    c.close()
    db = ws_path / DB_NAME
    with read_only(db, ws_path):
        with pytest.raises(WorkspaceError, match=f"形式 {version} に更新できません（読み取り専用です）"):
            Workspace.open(ws_path, readonly=True)
        r = run("status", "--workspace", str(ws_path))
        assert refused(r, str(db), "読み取り専用です"), r.stderr
