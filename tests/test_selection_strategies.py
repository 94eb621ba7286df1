"""The selection strategies (SPEC §6.5): greedy, quota (the minimums first) and optimal (the mixed-
integer programs), on hand-computed panels; optimal against a brute force over every subset of
random small panels; ``rank --json --selection``."""

from __future__ import annotations

import itertools
import json
import random

import numpy as np
import pytest
from conftest import ROOT
from test_scoring import application, program, run, sheet
from wsutil import run as cli

from reviewer.domain.model import Selection
from reviewer.scoring.optimal import TOL
from reviewer.scoring.result import AppResult
from reviewer.scoring.selection import select


def app(aid: str, total: float, bureau: str = "北海道", yen: int = 10) -> AppResult:
    return AppResult(aid, aid, aid, "city", "", bureau, None, None, yen, [], [], {}, {}, {}, 100.0, 3,
                     total, total, 0.0, 0.0, total, True)


def ranked(*apps: AppResult) -> list[AppResult]:
    for i, a in enumerate(apps, 1):
        a.rank = i
    return list(apps)


def chosen(apps: list[AppResult]) -> list[str]:
    return [a.id for a in apps if a.selected]


def thin_bureau():
    """北海道 holds the two best, 東北 a poor third; two places, one a bureau at least."""
    return ranked(app("A", 90), app("B", 80), app("C", 50, "東北")), Selection(bureau_min=1, max_selected=2)


def test_greedy_is_the_walk_down_the_ranking():
    apps, sel = thin_bureau()
    assert select(apps, sel, None, "greedy") == []  # greedy says nothing of minimums
    assert chosen(apps) == ["A", "B"]
    assert apps[2].skipped_for == "採択数の上限（2）"


def test_quota_fills_the_thin_bureau_first():
    apps, sel = thin_bureau()
    # walk 1: A (北海道 0 < 1), B passed over (北海道 holds 1), C (東北 0 < 1); walk 2: B, no place left
    notes = select(apps, sel, None, "quota")
    assert chosen(apps) == ["A", "C"]
    assert apps[1].skipped_for == "採択数の上限（2）"
    assert notes == ["関東・信越・北陸・東海・近畿・中国・四国・九州・沖縄: 下限 1 件に対し対象の申請なし"]


def test_quota_first_walk_respects_the_budget():
    # budget 50: walk 1 takes A (40), C (30) would not fit (70), D (10) does; walk 2: B (20) no longer fits
    apps = ranked(app("A", 90, yen=40), app("B", 80, yen=20), app("C", 70, "東北", 30), app("D", 60, "東北", 10))
    select(apps, Selection(bureau_min=1), 50, "quota")
    assert chosen(apps) == ["A", "D"]
    assert apps[1].skipped_for == "予算の残額（0円）を超える"
    assert apps[2].skipped_for == "予算の残額（0円）を超える"


def test_optimal_minimums_come_before_totals():
    apps, sel = thin_bureau()  # {A, B}: 1 place, 170 points; {A, C}: 2 places, 140
    select(apps, sel, None, "optimal")
    assert chosen(apps) == ["A", "C"]
    assert apps[1].skipped_for == "最適な組に含まれない"


def test_optimal_takes_the_best_set_within_a_binding_budget():
    # budget 100: greedy takes A (60) and then neither B nor C fits: 90 points; {B, C} is 100 yen, 150 points
    apps = ranked(app("A", 90, yen=60), app("B", 80, yen=50), app("C", 70, yen=50))
    select(apps, Selection(), 100, "greedy")
    assert chosen(apps) == ["A"]
    apps = ranked(app("A", 90, yen=60), app("B", 80, yen=50), app("C", 70, yen=50))
    select(apps, Selection(), 100, "optimal")
    assert chosen(apps) == ["B", "C"]


def test_optimal_total_minimum():
    # min_selected 3, budget 100: three fit only as B, C, D (60 yen, 50 points), not with A (70 yen)
    apps = ranked(app("A", 90, yen=70), app("B", 20, yen=20), app("C", 20, yen=20), app("D", 10, yen=20))
    assert select(apps, Selection(min_selected=3), 100, "optimal") == []
    assert chosen(apps) == ["B", "C", "D"]


def test_ties_prefer_the_better_ranked_set():
    # {A} and {B, C} both sum to 80 (within TOL however the floats round): the set holding rank 1
    apps = ranked(app("A", 80.0, yen=100), app("B", 46.7, yen=50), app("C", 33.3, yen=50))
    select(apps, Selection(), 100, "optimal")
    assert chosen(apps) == ["A"]
    # three equal totals, two places: ranks 1 and 2
    apps = ranked(app("A", 50), app("B", 50), app("C", 50))
    select(apps, Selection(max_selected=2), None, "optimal")
    assert chosen(apps) == ["A", "B"]
    apps = ranked(app("A", 60, yen=60), app("B", 40, yen=40), app("C", 40, yen=40), app("D", 30, yen=50))
    # budget 100: {A, B} and {A, C} are 100 points; B is better ranked
    select(apps, Selection(), 100, "optimal")
    assert chosen(apps) == ["A", "B"]


def test_minimums_that_cannot_be_met_say_which_and_why():
    # 東北 has one eligible application against a minimum of 2
    apps = ranked(app("A", 90), app("B", 80), app("C", 50, "東北"))
    notes = select(apps, Selection(bureau_min=2), None, "optimal")
    assert "東北: 下限 2 件に対し対象の申請が 1 件" in notes
    assert chosen(apps) == ["A", "B", "C"]
    # budget 50: 北海道 (40) and 東北 (30) cannot both have one; A's 90 points win the one place
    apps = ranked(app("A", 90, yen=40), app("C", 50, "東北", 30))
    notes = select(apps, Selection(bureau_min=1), 50, "optimal")
    assert chosen(apps) == ["A"]
    assert "東北: 下限 1 件に対し採択候補 0 件（予算内では下限を満たせない）" in notes
    # no budget, two places, three bureaus wanting one each: the maximum is why
    apps = ranked(app("A", 90), app("C", 50, "東北"), app("D", 40, "関東"))
    notes = select(apps, Selection(bureau_min=1, max_selected=2), None, "optimal")
    assert chosen(apps) == ["A", "C"]
    assert "関東: 下限 1 件に対し採択候補 0 件（採択数の上限（2）の範囲では満たせない）" in notes


# -- the brute force ----------------------------------------------------------------------


def fits(subset: tuple[AppResult, ...], sel: Selection, budget: int | None) -> bool:
    if sel.max_selected is not None and len(subset) > sel.max_selected:
        return False
    per: dict[str, int] = {}
    for a in subset:
        per[a.bureau] = per.get(a.bureau, 0) + 1
    if sel.bureau_max is not None and any(v > sel.bureau_max for v in per.values()):
        return False
    return budget is None or sum(a.requested_subsidy_yen for a in subset) <= budget


def objective(subset: tuple[AppResult, ...], sel: Selection) -> tuple[int, float]:
    per: dict[str, int] = {}
    for a in subset:
        per[a.bureau] = per.get(a.bureau, 0) + 1
    places = sum(min(v, sel.bureau_min) for v in per.values()) if sel.bureau_min else 0
    places += min(len(subset), sel.min_selected) if sel.min_selected else 0
    return places, sum(a.total or 0.0 for a in subset)


def brute_force(apps: list[AppResult], sel: Selection, budget: int | None) -> tuple[int, float, list[list[str]]]:
    """The best (places, totals) over every subset, and the equally good sets whose ranks sum least."""
    subsets = [s for k in range(len(apps) + 1) for s in itertools.combinations(apps, k) if fits(s, sel, budget)]
    scored = [(objective(s, sel), s) for s in subsets]
    places = max(o[0] for o, _ in scored)
    best = max(o[1] for o, _ in scored if o[0] == places)
    good = [s for o, s in scored if o[0] == places and o[1] >= best - TOL]
    least = min(sum(a.rank or 0 for a in s) for s in good)
    return places, best, [[a.id for a in s] for s in good if sum(a.rank or 0 for a in s) == least]


def random_panel(rng: random.Random) -> tuple[list[AppResult], Selection, int | None]:
    n = rng.randint(1, 12)
    bureaus = ["北海道", "東北", "関東"]
    apps = sorted((app(f"X{i:02d}", rng.choice([rng.randint(30, 90), rng.randint(300, 900) / 10]),
                       rng.choice(bureaus), rng.randint(1, 9) * 10) for i in range(n)),
                  key=lambda a: -(a.total or 0))
    lo = rng.choice([None, 1, 2])
    hi = rng.choice([None, 2, 3]) if lo is None or lo <= 2 else None
    top = rng.choice([None, 3, 5, 8])
    least = rng.choice([None, 2, 4]) if top is None else rng.choice([None, min(2, top)])
    sel = Selection(bureau_min=lo, bureau_max=hi, max_selected=top, min_selected=least)
    budget = rng.choice([None, rng.randint(50, 250)])
    return ranked(*apps), sel, budget


@pytest.mark.parametrize("seed", range(40))
def test_optimal_equals_the_brute_force(seed):
    rng = random.Random(seed)
    apps, sel, budget = random_panel(rng)
    places, best, firsts = brute_force(apps, sel, budget)
    select(apps, sel, budget, "optimal")
    mine = tuple(a for a in apps if a.selected)
    assert fits(mine, sel, budget)
    assert objective(mine, sel)[0] == places
    assert objective(mine, sel)[1] == pytest.approx(best, abs=TOL)
    assert chosen(apps) in firsts


# -- through scoring and the command line --------------------------------------------------


def test_the_result_states_the_strategy_and_the_minimums():
    apps = [application("A"), application("B"), application("C", pref="宮城県")]
    sheets = [sheet("A", "e1", 100), sheet("B", "e1", 80), sheet("C", "e1", 20)]
    prog = program(budget_yen=None, bureau_min=1, max_selected=2, min_selected=2)
    r = run(apps, sheets, prog=prog)
    assert r.selection == "greedy" and [a.id for a in r.selected] == ["A", "B"]
    j = r.to_json()
    bal = {b["bureau"]: b["min_met"] for b in j["balance"]}
    assert j["selection"] == "greedy" and bal["北海道"] is True and bal["東北"] is False
    assert j["min_selected_met"] is True
    from reviewer.scoring import score_program

    q = score_program(prog, {a.id: a for a in apps}, sheets, selection="quota")
    assert q.selection == "quota" and [a.id for a in q.selected] == ["A", "C"]
    assert {b["bureau"]: b["min_met"] for b in q.to_json()["balance"]}["東北"] is True
    with pytest.raises(ValueError, match="選定方式"):
        score_program(prog, {a.id: a for a in apps}, sheets, selection="best")


def test_no_minimum_states_null():
    r = run([application("A")], [sheet("A", "e1", 60)])
    j = r.to_json()
    assert all(b["min_met"] is None for b in j["balance"]) and "min_selected_met" not in j


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory):
    path = tmp_path_factory.mktemp("samples") / "ws"
    r = cli("init", "--workspace", str(path), "--criteria", str(ROOT / "criteria"),
            "--applications", str(ROOT / "sample_applications"), "--panel", str(ROOT / "sample_applications" / "panel.toml"))
    assert r.returncode == 0, r.stderr
    r = cli("import-scores", "--workspace", str(path), str(ROOT / "sample_applications" / "scores"))
    assert r.returncode == 0, r.stderr
    return path


def test_rank_json_selection(sample_ws):
    def rank(*extra):
        r = cli("rank", "--workspace", str(sample_ws), "--program", "r2-ai-plan", "--json", *extra)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    own = rank()
    assert own["selection"] == "quota"  # the shipped criteria file's
    # the samples: at least 50 eligible in all, but 沖縄 has 3 applications where 4 are wanted
    assert own["min_selected_met"] is True
    assert all(b["min_met"] is (b["selected"] >= 4) for b in own["balance"])
    assert [b["bureau"] for b in own["balance"] if not b["min_met"]] == ["沖縄"]
    assert "沖縄: 下限 4 件に対し対象の申請が 3 件" in own["selection_notes"]
    assert rank("--selection", "optimal")["selection"] == "optimal"
    iot = cli("rank", "--workspace", str(sample_ws), "--program", "r2-iot", "--json", "--selection", "greedy")
    assert json.loads(iot.stdout)["selection"] == "greedy"
    text = cli("rank", "--workspace", str(sample_ws), "--program", "r2-ai-plan", "--selection", "optimal")
    assert "選定: 最適化（optimal）" in text.stdout and "下限を満たせない: 沖縄: 下限 4 件" in text.stdout
    bad = cli("rank", "--workspace", str(sample_ws), "--program", "r2-ai-plan", "--selection", "best")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "--selection" in bad.stderr


def test_the_workbook_names_the_strategy(sample_ws, tmp_path):
    import openpyxl

    out = tmp_path / "結果.xlsx"
    r = cli("export", "--workspace", str(sample_ws), "--program", "r2-ai-plan", "--selection", "optimal",
            "--output", str(out))
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    ov = {row[0]: row[1] for row in wb["概要"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert ov["選定方式"] == "最適化"
    assert ov["下限を満たせない"] == "沖縄: 下限 4 件に対し対象の申請が 3 件"
    assert ov["選定の条件"].endswith("同じ組が複数あれば、順位の高い申請を含む組）。")
    assert "選定: 最適化　" in str(wb["ランキング"].cell(row=2, column=1).value)


def test_an_unknown_strategy_in_the_criteria_file_is_told(tmp_path):
    bad = tmp_path / "crit.toml"
    bad.write_text((ROOT / "criteria" / "r2-ai-plan.toml").read_text(encoding="utf-8")
                   .replace('strategy = "quota"', 'strategy = "best"'), encoding="utf-8")
    r = cli("validate", str(bad))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "selection.strategy" in r.stdout + r.stderr and "'optimal'" in r.stdout + r.stderr


@pytest.mark.parametrize("seed", range(12))
def test_the_dominated_are_never_needed(seed):
    """The candidates' program is as good as the whole panel's, on panels too big to enumerate."""
    from reviewer.scoring import optimal

    rng = random.Random(1000 + seed)
    bureaus = ["北海道", "東北", "関東", "信越"]
    apps = ranked(*sorted((app(f"Y{i:03d}", rng.randint(300, 900) / 10, rng.choice(bureaus), rng.randint(1, 9) * 10)
                           for i in range(60)), key=lambda a: -(a.total or 0)))
    sel = Selection(bureau_min=rng.choice([None, 2]), bureau_max=rng.choice([None, 4, 6]),
                    max_selected=rng.choice([None, 10]), min_selected=rng.choice([None, 5]))
    budget = rng.choice([None, rng.randint(100, 600)])
    panel = optimal.Panel.of(apps)
    keep = optimal.candidates(panel, sel, budget)
    if budget is not None or sel.max_selected or sel.bureau_max:  # something bounds a set
        assert len(keep) < len(apps)
    whole = optimal.best_set(optimal.build(panel, sel, budget), None)
    cut = optimal.best_set(optimal.build(panel.subset(keep), sel, budget), None)
    assert cut[0] == whole[0]
    assert cut[1] == pytest.approx(whole[1], abs=TOL)


@pytest.mark.parametrize("seed", range(12))
def test_reduced_cost_fixing_and_the_knapsack_lose_nothing(seed):
    """Stage 2 by fixing and enumeration equals the solver's plain answer (panels without minimums)."""
    from reviewer.scoring import optimal

    rng = random.Random(2000 + seed)
    apps = ranked(*sorted((app(f"Z{i:03d}", rng.randint(300, 900) / 10, rng.choice(["北海道", "東北", "関東"]),
                               rng.randint(1, 30) * 10) for i in range(rng.randint(20, 80))), key=lambda a: -(a.total or 0)))
    sel = Selection(bureau_max=rng.choice([None, 5]), max_selected=rng.choice([None, 8]))
    p = optimal.build(optimal.Panel.of(apps), sel, rng.randint(100, 900))
    fast, x = optimal.most_totals(p)
    plain = optimal.solve(p, p.sums, [], {})
    assert plain is not None
    assert fast == pytest.approx(plain[0], abs=TOL)
    assert sum(t for t, xi in zip(p.totals, x) if xi) == pytest.approx(fast, abs=TOL)
    for row, hi in zip(p.rows, p.hi):
        assert sum(r * xi for r, xi in zip(row, x)) <= hi + 1e-9


def test_the_knapsack_is_exact():
    from reviewer.scoring import optimal

    rng = random.Random(7)
    for _ in range(30):
        n = rng.randint(0, 12)
        w = [rng.randint(1, 50) for _ in range(n)]
        v = [rng.randint(1, 90) / 3 for _ in range(n)]
        cap = rng.randint(0, 200)
        best = max(sum(vi for vi, b in zip(v, bits) if b) for bits in itertools.product([0, 1], repeat=n)
                   if sum(wi for wi, b in zip(w, bits) if b) <= cap)
        x = optimal.knapsack(np.array(w, dtype=np.int64), np.array(v), cap)
        assert sum(wi * xi for wi, xi in zip(w, x)) <= cap
        assert sum(vi * xi for vi, xi in zip(v, x)) == pytest.approx(best)
