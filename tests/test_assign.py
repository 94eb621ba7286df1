"""Balanced automatic assignment."""

from __future__ import annotations

from collections import Counter

from conftest import IOT_APP, doc
from wsutil import make_inputs, run

from reviewer.domain.model import Application, Panel
from reviewer.domain.regions import municipalities
from reviewer.rules.assign import plan_assignment
from reviewer.services.setup import init_workspace
from reviewer.workspace import Workspace


def apps_in(prefectures: list[tuple[str, str, str]]) -> list[Application]:
    out = []
    for i, (name, code, pref) in enumerate(prefectures, start=1):
        out.append(Application.model_validate(doc(
            IOT_APP, id=f"A-{i:03d}", applicant={"name": name, "type": "city", "lg_code": code, "prefecture": pref},
            consortium=[])))
    return out


from reviewer.domain.regions import DESIGNATED_CITIES
from reviewer.services.sheets import save_sheet

CITIES = [(m.name, m.code, m.prefecture) for m in municipalities().values()
          if m.name.endswith("市") and m.code not in DESIGNATED_CITIES and not m.code.startswith("13")][::3]


def panel(n: int, **extra) -> Panel:
    prefs = ["北海道", "宮城県", "東京都", "長野県", "石川県", "愛知県", "大阪府", "広島県", "愛媛県", "福岡県", "沖縄県"]
    return Panel.model_validate({"evaluators": [
        {"id": f"e{i:02d}", "name": f"評価者{i}", "programs": ["r2-iot"], "prefecture": prefs[i % len(prefs)], **extra}
        for i in range(n)] + [{"id": "chair", "name": "委員長", "role": "chair", "programs": ["r2-iot"]}]})


def test_each_application_gets_n_distinct_evaluators_with_even_loads():
    apps = apps_in(CITIES[:100])
    plan = plan_assignment(apps, panel(7), "r2-iot", 3, seed=1)
    per_app = Counter(a for a, _ in plan.pairs)
    assert set(per_app.values()) == {3} and len(per_app) == 100
    assert len(set(plan.pairs)) == 300
    loads = Counter(e for _, e in plan.pairs)
    assert "chair" not in loads
    assert max(loads.values()) - min(loads.values()) <= 1
    assert plan.shortfalls == []


def test_deterministic_for_a_seed():
    apps = apps_in(CITIES[:40])
    a = plan_assignment(apps, panel(6), "r2-iot", 2, seed=7)
    b = plan_assignment(list(reversed(apps)), panel(6), "r2-iot", 2, seed=7)
    c = plan_assignment(apps, panel(6), "r2-iot", 2, seed=8)
    assert a.pairs == b.pairs and a.pairs != c.pairs


def test_conflicts_are_never_assigned():
    apps = apps_in(CITIES[:30])
    p = panel(5)
    conflicted = Panel.model_validate({"evaluators": [
        dict(e.model_dump(exclude_none=True), conflicts=[apps[0].applicant.lg_code, apps[1].id]) if e.id == "e00"
        else e.model_dump(exclude_none=True) for e in p.evaluators]})
    plan = plan_assignment(apps, conflicted, "r2-iot", 4, seed=3)
    assert ("A-001", "e00") not in plan.pairs and ("A-002", "e00") not in plan.pairs
    assert Counter(a for a, _ in plan.pairs)["A-001"] == 4


def test_avoid_own_bureau():
    apps = apps_in(CITIES[:120])
    p = panel(11)
    plan = plan_assignment(apps, p, "r2-iot", 3, seed=2, avoid_own_bureau=True)
    by_app = {a.id: a for a in apps}
    for a, e in plan.pairs:
        assert p.evaluator(e).bureau != by_app[a].bureau
    assert plan.shortfalls == []


def test_shortfalls_are_explained():
    apps = apps_in(CITIES[:3])  # all in 北海道
    p = Panel.model_validate({"evaluators": [
        {"id": "e1", "name": "a", "programs": ["r2-iot"], "prefecture": "北海道"},
        {"id": "e2", "name": "b", "programs": ["r2-iot"], "conflicts": [apps[0].applicant.lg_code]},
    ]})
    plan = plan_assignment(apps, p, "r2-iot", 2, avoid_own_bureau=True)
    assert any("A-001" in s and "利害関係で除外 1 人" in s and "同じ総合通信局（北海道）で除外 1 人" in s for s in plan.shortfalls)


def test_kept_pairs_count_toward_n():
    apps = apps_in(CITIES[:10])
    plan = plan_assignment(apps, panel(4), "r2-iot", 2, keep={("A-001", "e03")}, excluded={("A-001", "e00")})
    mine = [e for a, e in plan.pairs if a == "A-001"]
    assert len(mine) == 1 and "e00" not in mine and "e03" not in mine
    assert ("A-001", "e03") in plan.kept


def test_assign_command_keeps_pairs_with_sheets(tmp_path):
    crit, apps, panel_path = make_inputs(tmp_path, n_apps=6, panel={"evaluators": [
        {"id": f"e{i}", "name": f"評価者{i}", "programs": ["r2-iot"]} for i in range(1, 5)]})
    init_workspace(tmp_path / "ws", crit, apps, panel_path)
    with Workspace.open(tmp_path / "ws") as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e4", {"A1": 2})
    r = run("assign", "--workspace", str(tmp_path / "ws"), "--program", "r2-iot", "--per-application", "2", "--seed", "5")
    assert r.returncode == 0, r.stderr
    assert "維持 1" in r.stdout
    with Workspace.open(tmp_path / "ws") as ws:
        rows = ws.assignments("r2-iot")
        per_app = Counter(r.application for r in rows)
        assert set(per_app.values()) == {2}
        assert ("T-0001", "e4") in {(r.application, r.evaluator) for r in rows}
        loads = Counter(r.evaluator for r in rows)
        assert max(loads.values()) - min(loads.values()) <= 1
        assert ws.assignment_mode("r2-iot") == "auto"
        assert [r.action for r in ws.audit()][-1] == "assign"
    again = run("assign", "--workspace", str(tmp_path / "ws"), "--program", "r2-iot", "--per-application", "2", "--seed", "5")
    assert again.stdout == r.stdout


def test_assign_reports_what_it_could_not_satisfy(tmp_path):
    crit, apps, panel_path = make_inputs(tmp_path, n_apps=2)
    init_workspace(tmp_path / "ws", crit, apps, panel_path)
    r = run("assign", "--workspace", str(tmp_path / "ws"), "--program", "r2-iot", "--per-application", "3")
    assert r.returncode == 0
    assert "満たせなかった条件" in r.stderr and "利害関係で除外 1 人" in r.stderr
