"""A workspace whose stored records do not fit this version's model (written by another version
of reviewer, or edited by hand) is refused with a message naming the record and the field, exit
status 1, never a traceback."""

from __future__ import annotations

import sqlite3

import pytest
from wsutil import make_inputs, run

from reviewer.services.setup import init_workspace
from reviewer.workspace import Workspace, WorkspaceError


@pytest.fixture
def path(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    return tmp_path / "ws"


def tamper(path, sql: str) -> None:
    with sqlite3.connect(path / "reviewer.db") as db:
        db.execute(sql)
    db.close()


def test_a_program_with_a_field_this_version_lacks(path):
    tamper(path, "UPDATE programs SET json = json_set(json, '$.new_rule', 1)")
    p = run("rank", "--workspace", str(path), "--program", "r2-iot")
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    assert "事業「r2-iot」" in p.stderr and "new_rule: この版にない項目です" in p.stderr
    assert "別の版の reviewer" in p.stderr


def test_an_application_missing_a_field_this_version_needs(path):
    tamper(path, "UPDATE applications SET json = json_remove(json, '$.title') WHERE id = 'T-0002'")
    p = run("export", "--workspace", str(path), "--program", "r2-iot", "--output", str(path.parent / "out.xlsx"))
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    assert "申請「T-0002」" in p.stderr and "title: この版に必要な項目がありません" in p.stderr
    assert not (path.parent / "out.xlsx").exists()


def test_one_application_read_alone_names_itself(path):
    tamper(path, "UPDATE applications SET json = json_set(json, '$.extra', 'x') WHERE id = 'T-0003'")
    with Workspace.open(path) as ws:
        assert ws.application("r2-iot", "T-0001") is not None
        with pytest.raises(WorkspaceError, match="申請「T-0003」.*extra"):
            ws.application("r2-iot", "T-0003")


def test_an_evaluator_record_that_is_not_an_object(path):
    tamper(path, "UPDATE evaluators SET json = '[1]' WHERE id = 'e01'")
    p = run("status", "--workspace", str(path))
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    assert "評価委員「e01」" in p.stderr
