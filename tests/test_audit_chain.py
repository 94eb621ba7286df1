"""The audit log as a hash chain: `reviewer audit --verify` names the first entry that does not
fit after an edit, a deletion or an insertion made behind the tool's back (with the schema's
triggers dropped, as someone with the file could), and INSERT OR REPLACE is refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from conftest import ROOT
from wsutil import FULL, make_inputs, run

from reviewer.services.setup import init_workspace
from reviewer.services.sheets import reopen_sheet, save_sheet
from reviewer.workspace import DB_NAME, Workspace


@pytest.fixture
def ws_path(tmp_path):
    init_workspace(tmp_path / "ws", *make_inputs(tmp_path))
    with Workspace.open(tmp_path / "ws") as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2}, actor="e01")
        save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, status="submitted", actor="e01")
        reopen_sheet(ws, "r2-iot", "T-0001", "e01", actor="c01", reason="確認", chair="c01")
    return tmp_path / "ws"


def raw(ws_path):
    """The database as someone with the file sees it: the append-only triggers dropped."""
    c = sqlite3.connect(ws_path / DB_NAME, isolation_level=None)
    c.execute("DROP TRIGGER audit_no_update")
    c.execute("DROP TRIGGER audit_no_delete")
    return c


def verify(ws_path):
    return run("audit", "--workspace", str(ws_path), "--verify")


def test_an_untouched_log_verifies(ws_path):
    r = verify(ws_path)
    with Workspace.open(ws_path) as ws:
        n = len(ws.audit())
    assert r.returncode == 0 and f"{n} 件" in r.stdout and "Traceback" not in r.stderr
    rows = sqlite3.connect(ws_path / DB_NAME).execute("SELECT seq, prev_hash, hash FROM audit ORDER BY seq").fetchall()
    assert [s for s, _, _ in rows] == list(range(1, n + 1))
    assert rows[0][1] == "" and all(rows[i][1] == rows[i - 1][2] for i in range(1, n))
    assert rows[-1][2] in r.stdout  # the head hash is printed, to be written down elsewhere


def test_an_edited_entry_is_found(ws_path):
    c = raw(ws_path)
    c.execute("UPDATE audit SET detail = '別の理由' WHERE action = 'sheet-reopen'")
    seq = c.execute("SELECT seq FROM audit WHERE action = 'sheet-reopen'").fetchone()[0]
    r = verify(ws_path)
    assert r.returncode == 1 and f"seq {seq} " in r.stderr and "書き換え" in r.stderr


def test_a_deleted_entry_is_found(ws_path):
    c = raw(ws_path)
    seq = c.execute("SELECT seq FROM audit WHERE action = 'sheet-submit'").fetchone()[0]
    c.execute("DELETE FROM audit WHERE seq = ?", (seq,))
    r = verify(ws_path)
    assert r.returncode == 1 and f"seq {seq + 1} " in r.stderr and "削除" in r.stderr


def test_a_rewritten_entry_with_its_own_hash_breaks_the_next_link(ws_path):
    from reviewer.workspace.audit import CHAINED, entry_hash

    c = raw(ws_path)
    seq = c.execute("SELECT seq FROM audit WHERE action = 'sheet-create'").fetchone()[0]
    c.execute("UPDATE audit SET actor = 'someone' WHERE seq = ?", (seq,))
    row = c.execute(f"SELECT {CHAINED}, prev_hash FROM audit WHERE seq = ?", (seq,)).fetchone()
    c.execute("UPDATE audit SET hash = ? WHERE seq = ?", (entry_hash(seq, row[1:10], row[10]), seq))
    r = verify(ws_path)
    assert r.returncode == 1 and f"seq {seq + 1} " in r.stderr and "前の記録" in r.stderr


def test_insert_or_replace_is_refused(ws_path):
    c = sqlite3.connect(ws_path / DB_NAME, isolation_level=None)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        c.execute("INSERT OR REPLACE INTO audit(seq, at, actor, action) VALUES (1, 'x', 'x', 'init')")
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0002", "e01", FULL, status="submitted", actor="e01")
    with pytest.raises(sqlite3.IntegrityError, match="read-only"):
        c.execute("INSERT OR REPLACE INTO sheets(program, application, evaluator, status, comment, scores, created_at,"
                  " updated_at) VALUES ('r2-iot', 'T-0002', 'e01', 'submitted', '', '{}', 't', 't')")
    assert verify(ws_path).returncode == 0


def test_a_version_2_log_joins_the_chain(ws_path):
    """Entries written before the chain have no hash; the first chained entry links to their
    digest, so an edit of an old entry is found too."""
    c = raw(ws_path)
    c.execute("UPDATE audit SET prev_hash = NULL, hash = NULL")   # as a version 2 file had them
    n = c.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0003", "e01", {"A1": 1}, actor="e01")
    assert verify(ws_path).returncode == 0
    c.execute("UPDATE audit SET actor = 'someone' WHERE seq = 1")
    r = verify(ws_path)
    assert r.returncode == 1 and f"seq {n + 1} " in r.stderr


def test_concurrent_writers_keep_one_chain(ws_path):
    """Sessions writing at once (separate processes) extend one unbroken chain."""
    code = ("import sys; from pathlib import Path\n"
            "from reviewer.services.sheets import save_sheet\nfrom reviewer.workspace import Workspace\n"
            "ws = Workspace.open(Path(sys.argv[1]))\n"
            "for i in range(15):\n"
            "    save_sheet(ws, 'r2-iot', sys.argv[2], sys.argv[3], {'A1': i % 6}, f'{i}', actor=sys.argv[3])\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(ws_path), app, ev], cwd=ROOT)
             for app, ev in (("T-0002", "e01"), ("T-0003", "e01"), ("T-0002", "e03"), ("T-0003", "e03"))]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    r = verify(ws_path)
    assert r.returncode == 0, r.stderr
