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
    panel = {"evaluators": [ev(affiliation="〇〇大学", os_user="yamada", conflicts=["012025", "T-0001"], ssh_public_keys=[KEY]),
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
    # conflicts: a code checked as any lg_code (the sample's old 273002 has a wrong check digit),
    # an application id against the evaluator's programs
    ({"evaluators": [ev(conflicts=["273002"])]}, "evaluators[0].conflicts[0]: 地方公共団体コード 273002 の検査数字"),
    ({"evaluators": [ev(conflicts=["IOT-9999"])]}, "evaluators[0].conflicts[0]: 不明な申請 ID です（IOT-9999）"),
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


# ---------------------------------------------------------------------------
# An application id in two programs: the assignment names its program


def two_programs(tmp_path, assignment):
    """Criteria, applications (X-0002 in r2-iot and in r2-ai-plan) and a panel with one assignment."""
    import shutil

    from conftest import AI_APP, ROOT

    crit = tmp_path / "criteria"
    crit.mkdir()
    for name in ("r2-iot.toml", "r2-ai-plan.toml"):
        shutil.copy(ROOT / "criteria" / name, crit / name)
    write(tmp_path, "apps/iot-1.toml", doc(IOT_APP, id="X-0001"))
    write(tmp_path, "apps/iot-2.toml", doc(IOT_APP, id="X-0002"))
    write(tmp_path, "apps/ai-2.toml", doc(AI_APP, id="X-0002"))
    return crit, tmp_path / "apps", write_panel(tmp_path, assignment)


def write_panel(tmp_path, assignment):
    """The panel as people write it: the assignment's table from line 11."""
    from reviewer.files.toml import toml_string

    lines = ["[[evaluators]]", 'id = "e01"', 'name = "山田 太郎"', 'programs = ["r2-iot"]', "",
             "[[evaluators]]", 'id = "e02"', 'name = "佐藤 花子"', 'programs = ["r2-ai-plan"]', "", "[[assignments]]"]
    lines += [f"{k} = {toml_string(v)}" for k, v in assignment.items()]
    return write(tmp_path, "panel.toml", "\n".join(lines) + "\n")


def test_an_id_of_two_programs_needs_the_program(tmp_path, programs):
    crit, apps, panel = two_programs(tmp_path, {"evaluator": "e02", "application": "X-0002"})
    [p] = load_paths([apps, panel], base_programs=programs).problems
    assert (p.path, p.line, p.field) == (str(panel), 13, "assignments[0].application")
    assert "r2-ai-plan、r2-iot" in p.message and "program" in p.message


def test_the_named_program_decides(tmp_path, programs):
    _, apps, panel = two_programs(tmp_path, {"evaluator": "e02", "application": "X-0002", "program": "r2-ai-plan"})
    bundle = load_paths([apps, panel], base_programs=programs)
    assert bundle.problems == []
    roster = access.PanelRoster(bundle.panel, bundle.applications)
    assert roster.assignment_problem("e02", bundle.application("r2-ai-plan", "X-0002")) is None
    # r2-iot has no explicit assignment: its evaluators score everything by default
    assert roster.assignment_problem("e01", bundle.application("r2-iot", "X-0002")) is None
    assert roster.assignment_problem("e01", bundle.application("r2-iot", "X-0001")) is None


@pytest.mark.parametrize("assignment, field, needle", [
    ({"evaluator": "e02", "application": "X-0002", "program": "r2-iot"}, "assignments[0].evaluator", "e02 は事業 r2-iot の評価者ではありません"),
    ({"evaluator": "e02", "application": "X-0001"}, "assignments[0].evaluator", "e02 は事業 r2-iot の評価者ではありません"),
    ({"evaluator": "e02", "application": "X-0001", "program": "r2-ai-plan"}, "assignments[0].application", "事業 r2-ai-plan にありません"),
    ({"evaluator": "e02", "application": "X-0001", "program": "r9"}, "assignments[0].program", "不明な事業"),
])
def test_an_assignment_outside_the_evaluators_programs(tmp_path, programs, assignment, field, needle):
    _, apps, panel = two_programs(tmp_path, assignment)
    [p] = load_paths([apps, panel], base_programs=programs).problems
    assert (p.path, p.field) == (str(panel), field) and p.line is not None and needle in p.message, str(p)


def test_init_refuses_the_ambiguous_assignment_and_writes_nothing(tmp_path):
    from wsutil import run

    crit, apps, panel = two_programs(tmp_path, {"evaluator": "e02", "application": "X-0002"})
    ws = tmp_path / "ws"
    args = ("--workspace", str(ws), "--criteria", str(crit), "--applications", str(apps), "--panel", str(panel))
    r = run("init", *args)
    v = run("validate", "--criteria", str(crit), str(apps), str(panel))
    assert r.returncode == 1 and v.returncode == 1 and "Traceback" not in r.stderr + v.stderr
    assert f"{panel}:13: assignments[0].application: 申請 ID X-0002 は複数の事業（r2-ai-plan、r2-iot）にあります" in r.stderr
    assert r.stderr.splitlines()[0] == v.stderr.splitlines()[0]
    assert not ws.exists()


def test_init_attaches_the_assignment_to_its_program_only(tmp_path):
    from wsutil import run

    from reviewer.workspace import Workspace

    crit, apps, panel = two_programs(tmp_path, {"evaluator": "e02", "application": "X-0002", "program": "r2-ai-plan"})
    ws_path = tmp_path / "ws"
    r = run("init", "--workspace", str(ws_path), "--criteria", str(crit), "--applications", str(apps), "--panel", str(panel))
    assert r.returncode == 0, r.stderr
    with Workspace.open(ws_path) as ws:
        assert {(a.application, a.evaluator, a.source) for a in ws.assignments("r2-ai-plan")} == {("X-0002", "e02", "panel")}
        assert ws.assignment_mode("r2-iot") == "default"
        assert {(a.application, a.evaluator) for a in ws.assignments("r2-iot")} == {("X-0001", "e01"), ("X-0002", "e01")}


def test_an_id_unique_among_programs_needs_no_program(tmp_path, programs):
    _, apps, panel = two_programs(tmp_path, {"evaluator": "e01", "application": "X-0001"})
    assert load_paths([apps, panel], base_programs=programs).problems == []


def test_init_refuses_an_assignment_ambiguous_in_the_workspace(tmp_path):
    """X-0002 of r2-ai-plan is in the workspace from an earlier init; the applications given now
    hold only r2-iot's: the assignment without program is still ambiguous, and nothing changes."""
    from reviewer.services.setup import init_workspace
    from reviewer.workspace import InitError, Workspace

    crit, apps, panel = two_programs(tmp_path, {"evaluator": "e01", "application": "X-0001"})
    init_workspace(tmp_path / "ws", crit, apps, panel)

    def stored():
        with Workspace.open(tmp_path / "ws") as ws:
            return [(p, sorted((a.application, a.evaluator, a.source) for a in ws.assignments(p)))
                    for p in ("r2-iot", "r2-ai-plan")]

    before = stored()
    (apps / "ai-2.toml").unlink()
    write_panel(tmp_path, {"evaluator": "e01", "application": "X-0002"})
    with pytest.raises(InitError) as e:
        init_workspace(tmp_path / "ws", crit, apps, panel)
    assert any("assignments[0].application" in str(p) and "r2-ai-plan、r2-iot" in str(p) for p in e.value.problems)
    assert stored() == before


# ---------------------------------------------------------------------------
# Whole ids, and the duplicates named by field and line


@pytest.mark.parametrize("panel, field", [
    ({"evaluators": [ev(id="e01\n")]}, "evaluators[0].id"),
    ({"evaluators": [ev(programs=["r2-iot\n"])]}, "evaluators[0].programs[0]"),
    ({"evaluators": [ev(os_user="yamada\n")]}, "evaluators[0].os_user"),
    ({"evaluators": [ev(conflicts=["T-0001\n"])]}, "evaluators[0].conflicts[0]"),
    ({"evaluators": [ev(ssh_public_keys=[KEY + "\n"])]}, "evaluators[0].ssh_public_keys[0]"),
    ({"evaluators": [ev()], "assignments": [{"evaluator": "e01", "application": "T-0001\n"}]}, "assignments[0].application"),
])
def test_ids_users_and_keys_match_whole(tmp_path, programs, panel, field):
    probs = problems(tmp_path, programs, panel)
    assert [p.field for p in probs] == [field], [str(p) for p in probs]


def test_duplicates_name_the_field_and_line(tmp_path, programs):
    text = ('[[evaluators]]\nid = "e01"\nname = "山田 太郎"\nprograms = ["r2-iot"]\nos_user = "yamada"\n\n'
            '[[evaluators]]\nid = "e01"\nname = "佐藤 花子"\nprograms = ["r2-iot"]\n')
    [p] = problems(tmp_path, programs, text)
    assert (p.line, p.field) == (8, "evaluators[1].id") and "評価者 ID e01 が重複しています" in p.message
    [p] = problems(tmp_path, programs, text.replace('id = "e01"\nname = "佐藤', 'id = "e02"\nos_user = "yamada"\nname = "佐藤'))
    assert (p.line, p.field) == (9, "evaluators[1].os_user") and "yamada" in p.message
    [p] = problems(tmp_path, programs, text.replace('id = "e01"\nname = "佐藤', 'id = "e02"\nname = "佐藤')
                   + '\n[[assignments]]\nevaluator = "e09"\napplication = "T-0001"\n')
    assert (p.line, p.field) == (13, "assignments[0].evaluator") and "e09" in p.message
