from __future__ import annotations

import pytest
from conftest import IOT_APP, doc, write

from reviewer.domain.model import Application, Panel
from reviewer.files.load import load_paths
from reviewer.rules import access

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKVNyhglMLsdbRMs3tYjey7ZHj9yH8sZcRdElNZJPJ1c yamada@laptop"


def ev(**kw):
    return {"id": "e01", "name": "山田 太郎", "programs": ["r2-iot"], **kw}


def problems(tmp_path, programs, panel, apps=(IOT_APP,)):
    for i, a in enumerate(apps):
        write(tmp_path, f"in/a{i}.toml", a)
    write(tmp_path, "in/panel.toml", panel)
    return load_paths([tmp_path / "in"], base_programs=programs).problems


def test_valid_panel(tmp_path, programs):
    panel = {"evaluators": [ev(affiliation="〇〇大学", os_user="yamada", conflicts=["012025", "IOT-0001"], ssh_public_keys=[KEY]),
                            ev(id="c01", role="chair")],
             "assignments": [{"evaluator": "e01", "application": "T-0001"}]}
    assert problems(tmp_path, programs, panel) == []


@pytest.mark.parametrize("panel, needle", [
    ({"evaluators": []}, "evaluators"),
    ({"evaluators": [ev(), ev()]}, "重複"),
    ({"evaluators": [ev(role="admin")]}, "evaluators[0].role"),
    ({"evaluators": [ev(id="e 01")]}, "evaluators[0].id"),
    ({"evaluators": [ev(programs=["r9"])]}, "不明な事業"),
    ({"evaluators": [ev(os_user="Yamada Taro")]}, "evaluators[0].os_user"),
    ({"evaluators": [ev(os_user="y"), ev(id="e02", os_user="y")]}, "os_user"),
    ({"evaluators": [ev(ssh_public_keys=["ssh-ed25519 AAAA\nssh-rsa BBBB"])]}, "SSH"),
    ({"evaluators": [ev(ssh_public_keys=["command=\"sh\" ssh-ed25519 AAAA"])]}, "SSH"),
    ({"evaluators": [ev()], "assignments": [{"evaluator": "e09", "application": "T-0001"}]}, "e09"),
    ({"evaluators": [ev()], "assignments": [{"evaluator": "e01", "application": "NOPE"}]}, "NOPE"),
    ({"evaluators": [ev()], "assignments": [{"evaluator": "e01", "application": "T-0001"}] * 2}, "重複"),
])
def test_panel_errors(tmp_path, programs, panel, needle):
    probs = problems(tmp_path, programs, panel)
    assert probs and any(needle in str(p) for p in probs), [str(p) for p in probs]


def test_default_assignment_and_conflicts():
    a = Application.model_validate(IOT_APP)
    panel = Panel.model_validate({"evaluators": [ev(), ev(id="e02", conflicts=["012360"]), ev(id="e03", conflicts=["T-0001"]),
                                                 ev(id="c01", role="chair"), ev(id="e04", programs=["r2-ai-plan"])]})
    got = {e.id: access.panel_assignment_problem(panel, e, a, {"T-0001"}) for e in panel.evaluators}
    assert got["e01"] is None
    assert "利害関係" in got["e02"] and "利害関係" in got["e03"]
    assert "委員長" in got["c01"] and "r2-iot" in got["e04"]


def test_explicit_assignments_decide_for_their_program():
    a = Application.model_validate(IOT_APP)
    b = Application.model_validate(doc(IOT_APP, id="T-0002"))
    panel = Panel.model_validate({"evaluators": [ev(), ev(id="c01", role="chair")],
                                  "assignments": [{"evaluator": "c01", "application": "T-0001"}]})
    ids = {"T-0001", "T-0002"}
    assert access.panel_assignment_problem(panel, panel.evaluator("c01"), a, ids) is None
    assert access.panel_assignment_problem(panel, panel.evaluator("e01"), a, ids)
    assert access.panel_assignment_problem(panel, panel.evaluator("c01"), b, ids)
    # assignments of another program don't count for this one
    assert access.panel_assignment_problem(panel, panel.evaluator("e01"), a, {"T-0001-other-program-only"}) is None
