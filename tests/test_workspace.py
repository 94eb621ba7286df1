"""reviewer init and the workspace's database, on real SQLite files."""

from __future__ import annotations

import sqlite3
import stat

import pytest
from conftest import IOT_APP, doc, write
from wsutil import make_inputs, run

from reviewer.services.setup import InitError, init_workspace
from reviewer.services.sheets import save_sheet
from reviewer.workspace import DB_NAME, SCHEMA_VERSION, Workspace, WorkspaceError, encoding, schema


@pytest.fixture
def ws_path(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    path = tmp_path / "ws"
    report = init_workspace(path, crit, apps, panel)
    assert report.created and report.applications_added == 3
    return path


def test_init_creates_a_private_wal_database(ws_path):
    db = ws_path / DB_NAME
    assert stat.S_IMODE(ws_path.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with Workspace.open(ws_path) as ws:
        c = ws.conn
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert set(ws.programs()) == {"r2-iot"}
        assert sorted(ws.applications("r2-iot")) == ["T-0001", "T-0002", "T-0003"]
        assert [e.id for e in ws.panel().evaluators] == ["c01", "e01", "e02", "e03"]


def test_init_stores_criteria_content_and_hash(tmp_path, ws_path):
    with Workspace.open(ws_path) as ws:
        row = ws.conn.execute("SELECT content, sha256 FROM programs WHERE id='r2-iot'").fetchone()
    text = (tmp_path / "criteria" / "r2-iot.toml").read_text("utf-8")
    assert row["content"] == text and row["sha256"] == encoding.sha256(text)
    # editing the file later does not change the running review
    (tmp_path / "criteria" / "r2-iot.toml").write_text(text.replace("cap_yen = 20_000_000", "cap_yen = 1_000"), "utf-8")
    with Workspace.open(ws_path) as ws:
        assert ws.program("r2-iot").funding.cap_yen == 20_000_000


def test_default_assignments_skip_conflicts_and_chairs(ws_path):
    with Workspace.open(ws_path) as ws:
        pairs = {(r.application, r.evaluator) for r in ws.assignments("r2-iot")}
    # e02 has a conflict with 012360 (北斗市), a consortium member of every test application
    assert pairs == {(f"T-000{i}", e) for i in (1, 2, 3) for e in ("e01", "e03")}


def test_invalid_input_fails_like_validate_and_leaves_nothing(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    write(tmp_path, "apps/bad.toml", doc(IOT_APP, id="T-0009", applicant__lg_code="012024"))
    path = tmp_path / "ws"
    with pytest.raises(InitError) as e:
        init_workspace(path, crit, apps, panel)
    assert any("applicant.lg_code" in str(p) and "bad.toml" in str(p) for p in e.value.problems)
    assert not path.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ws")] == []
    r = run("init", "--workspace", str(path), "--criteria", str(crit), "--applications", str(apps), "--panel", str(panel))
    v = run("validate", str(apps))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[0] == v.stderr.splitlines()[0]
    assert not path.exists()


def test_init_refuses_a_non_empty_folder_that_is_no_workspace(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "notes.txt").write_text("x")
    with pytest.raises(InitError):
        init_workspace(tmp_path / "ws", crit, apps, panel)
    assert (tmp_path / "ws" / "notes.txt").exists() and not (tmp_path / "ws" / DB_NAME).exists()


def test_reinit_adds_new_applications_and_is_idempotent(tmp_path, ws_path):
    crit, apps, panel = tmp_path / "criteria", tmp_path / "apps", tmp_path / "panel.toml"
    write(tmp_path, "apps/T-0004.toml", doc(IOT_APP, id="T-0004"))
    report = init_workspace(ws_path, crit, apps, panel)
    assert not report.created and report.applications_added == 1 and report.applications_unchanged == 3
    assert report.assignments_added == 2
    again = init_workspace(ws_path, crit, apps, panel)
    assert again.applications_added == 0 and again.assignments_added == 0


def test_reinit_refuses_changed_criteria_unless_told(tmp_path, ws_path):
    crit, apps, panel = tmp_path / "criteria", tmp_path / "apps", tmp_path / "panel.toml"
    f = crit / "r2-iot.toml"
    f.write_text(f.read_text("utf-8").replace("budget_yen = 150_000_000", "budget_yen = 90_000_000"), "utf-8")
    write(tmp_path, "apps/T-0004.toml", doc(IOT_APP, id="T-0004"))
    with pytest.raises(InitError) as e:
        init_workspace(ws_path, crit, apps, panel)
    assert "--allow-criteria-change" in str(e.value)
    with Workspace.open(ws_path) as ws:  # nothing of the refused run was kept
        assert ws.program("r2-iot").selection.budget_yen == 150_000_000
        assert "T-0004" not in ws.applications("r2-iot")
    report = init_workspace(ws_path, crit, apps, panel, allow_criteria_change=True)
    assert report.programs_changed == ["r2-iot"] and report.applications_added == 1
    with Workspace.open(ws_path) as ws:
        assert ws.program("r2-iot").selection.budget_yen == 90_000_000
        assert [r.action for r in ws.audit() if r.action == "criteria-change"] == ["criteria-change"]


def test_reinit_refuses_changed_applications_unless_told(tmp_path, ws_path):
    crit, apps, panel = tmp_path / "criteria", tmp_path / "apps", tmp_path / "panel.toml"
    write(tmp_path, "apps/T-0001.toml", doc(IOT_APP, id="T-0001", title="差し替えた題名"))
    with pytest.raises(InitError):
        init_workspace(ws_path, crit, apps, panel)
    report = init_workspace(ws_path, crit, apps, panel, update_applications=True)
    assert report.applications_changed == 1
    with Workspace.open(ws_path) as ws:
        assert ws.applications("r2-iot")["T-0001"].title == "差し替えた題名"


def test_reinit_adds_evaluators(tmp_path, ws_path):
    from wsutil import PANEL

    crit, apps = tmp_path / "criteria", tmp_path / "apps"
    panel = write(tmp_path, "panel.toml", {"evaluators": PANEL["evaluators"] + [{"id": "e04", "name": "新任", "programs": ["r2-iot"]}]})
    report = init_workspace(ws_path, crit, apps, panel)
    assert report.assignments_added == 3
    with Workspace.open(ws_path) as ws:
        assert len(ws.assignments("r2-iot", "e04")) == 3


def test_panel_assignments_replace_the_default(tmp_path):
    from wsutil import PANEL

    crit, apps, _ = make_inputs(tmp_path)
    panel = write(tmp_path, "panel2.toml", dict(PANEL, assignments=[
        {"evaluator": "e01", "application": "T-0001"}, {"evaluator": "c01", "application": "T-0002"}]))
    init_workspace(tmp_path / "ws", crit, apps, panel)
    with Workspace.open(tmp_path / "ws") as ws:
        pairs = {(r.application, r.evaluator, r.source) for r in ws.assignments("r2-iot")}
        assert pairs == {("T-0001", "e01", "panel"), ("T-0002", "c01", "panel")}
        assert ws.assignment_mode("r2-iot") == "panel"


def test_applications_folder_may_hold_the_panel_and_score_sheets(tmp_path):
    """`--applications sample_applications` holds panel.toml and scores/: they are not applications."""
    from wsutil import PANEL

    crit, apps, _ = make_inputs(tmp_path)
    panel = write(tmp_path, "apps/panel.toml", PANEL)
    write(tmp_path, "apps/scores/e01.toml", {"evaluator": "e01", "program": "r2-iot", "sheets": []})
    report = init_workspace(tmp_path / "ws", crit, apps, panel)
    assert report.applications_added == 3


def test_forward_migrations(tmp_path, monkeypatch):
    db = tmp_path / "ws" / DB_NAME
    db.parent.mkdir()
    sqlite3.connect(db).close()  # version 0: an empty file
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    monkeypatch.setitem(schema.MIGRATIONS, SCHEMA_VERSION + 1, "ALTER TABLE sheets ADD COLUMN note TEXT;")
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert "note" in [r[1] for r in ws.conn.execute("PRAGMA table_info(sheets)")]


def test_newer_workspace_is_refused(tmp_path):
    db = tmp_path / "ws" / DB_NAME
    db.parent.mkdir()
    c = sqlite3.connect(db)
    c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    c.close()
    with pytest.raises(WorkspaceError, match="新しい版"):
        Workspace.open(tmp_path / "ws")


def test_missing_workspace_is_a_clear_error(tmp_path):
    r = run("status", "--workspace", str(tmp_path / "nope"))
    assert r.returncode == 1 and "ワークスペースではありません" in r.stderr and "Traceback" not in r.stderr
    r = run("status")
    assert r.returncode == 2 and "--workspace" in r.stderr


def test_workspace_from_environment(tmp_path, ws_path):
    r = run("status", env={"REVIEWER_WORKSPACE": str(ws_path)})
    assert r.returncode == 0 and "r2-iot" in r.stdout


def test_cli_init_on_the_shipped_samples(tmp_path):
    r = run("init", "--workspace", str(tmp_path / "ws"), "--criteria", "criteria",
            "--applications", "sample_applications", "--panel", "sample_applications/panel.toml")
    assert r.returncode == 0, r.stderr
    assert "申請: 追加 109" in r.stdout


def test_a_version_1_workspace_moves_forward_with_its_sheets(tmp_path):
    """A workspace written before the progress counters (version 1) opens, gains them with the
    right counts, and keeps them right."""
    crit, apps, panel = make_inputs(tmp_path)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    with Workspace.open(tmp_path / "ws") as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2})
        expected = ws.progress("r2-iot")
    v1 = sqlite3.connect(":memory:")
    for statement in schema._statements(schema.MIGRATIONS[1]):
        v1.execute(statement)
    keep = {r[0] for r in v1.execute("SELECT name FROM sqlite_master")}
    c = sqlite3.connect(tmp_path / "ws" / DB_NAME)
    for name, kind in c.execute("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall():
        if name not in keep and kind != "index":  # a table's drop takes its indexes and triggers along
            c.execute(f"DROP {kind.upper()} IF EXISTS {name}")
    c.execute("DROP INDEX IF EXISTS applications_summary")
    # version 5 rebuilt the sheets table (its key holds the stage): back to version 1's, with its triggers
    for (trigger,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'sheets'").fetchall():
        c.execute(f"DROP TRIGGER {trigger}")
    c.execute("ALTER TABLE sheets RENAME TO sheets_v5")
    for statement in schema._statements(schema.MIGRATIONS[1]):
        if "sheets" in statement and ("CREATE TABLE sheets" in statement or " ON sheets" in statement
                                      or "INDEX sheets_by_evaluator" in statement):
            c.execute(statement.replace("CREATE INDEX sheets_by_evaluator", "CREATE INDEX sheets_by_evaluator_v1"))
    c.execute("INSERT INTO sheets SELECT program, application, evaluator, status, comment, scores, created_at, updated_at,"
              " submitted_at FROM sheets_v5 WHERE stage = 'written'")
    c.execute("DROP TABLE sheets_v5")
    for table, column in (("audit", "prev_hash"), ("audit", "hash")):  # added later
        c.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    c.execute("PRAGMA user_version = 1")
    c.commit()
    c.close()
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert ws.progress("r2-iot") == expected and expected.by_evaluator["e01"] == (3, 1, 0)
        save_sheet(ws, "r2-iot", "T-0002", "e01", {"A1": 3})
        assert ws.progress("r2-iot").by_evaluator["e01"] == (3, 2, 0)
