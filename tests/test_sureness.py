"""How sure the ranking is (SPEC §6.6) and the strategies side by side (SPEC §6.5): the
resampling's figures on hand-made panels, the vectorised walks against the scalar selection, the
seed, the comparison's reasons, and both through ``rank``."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from test_scoring import application, program, sheet
from test_selection_strategies import app, ranked
from wsutil import run as cli

from reviewer.domain.model import Selection
from reviewer.domain.regions import BUREAUS
from reviewer.scoring import score_program
from reviewer.scoring import uncertainty as u
from reviewer.scoring.compare import compare
from reviewer.scoring.selection import select


def score(apps, sheets, resamples=400, seed=0, **selection):
    prog = program(**selection) if selection else program()
    return score_program(prog, {a.id: a for a in apps}, sheets, resamples=resamples, seed=seed)


def by_id(result):
    return {a.id: a for a in result.applications}


def test_sheets_that_agree_leave_no_doubt():
    """Every evaluator gives each application the same rate: every resample is the ranking itself."""
    apps = [application(x) for x in "ABC"]
    sheets = [sheet(x, e, r) for x, r in zip("ABC", (100, 80, 60)) for e in ("e1", "e2", "e3")]
    r = score(apps, sheets, budget_yen=10)  # one fits
    a = by_id(r)
    assert [a[x].rank_interval for x in "ABC"] == [(1, 1), (2, 2), (3, 3)]
    assert [a[x].expected_rank for x in "ABC"] == [1.0, 2.0, 3.0]
    assert [a[x].p_selected for x in "ABC"] == [1.0, 0.0, 0.0]
    assert r.boundary == [] and r.resamples == 400 and r.seed == 0


def test_two_alike_at_the_line_are_the_boundary():
    """A and B have the same sheets in another order; one place: each is selected about half the time."""
    apps = [application(x) for x in "ABC"]
    sheets = [sheet("A", "e1", 100), sheet("A", "e2", 40), sheet("B", "e1", 40), sheet("B", "e2", 100),
              sheet("C", "e1", 20), sheet("C", "e2", 20)]
    r = score(apps, sheets, resamples=2000, budget_yen=10)
    a = by_id(r)
    assert a["A"].p_selected + a["B"].p_selected == pytest.approx(1.0)
    assert 0.3 < a["A"].p_selected < 0.7
    assert a["A"].rank_interval == (1, 2) and a["B"].rank_interval == (1, 2)
    assert [x.id for x in r.boundary] == ["A", "B"]
    assert a["C"].rank_interval == (3, 3) and not a["C"].boundary
    j = r.to_json()
    ja = {x["id"]: x for x in j["applications"]}
    assert ja["A"]["rank_interval"] == [1, 2] and ja["A"]["boundary"] is True
    assert j["resamples"] == 2000 and j["seed"] == 0


def test_the_seed_makes_it_reproducible():
    rng = random.Random(5)
    apps = [application(f"A{i}") for i in range(8)]
    sheets = [sheet(f"A{i}", f"e{j}", rng.choice([20, 40, 60, 80, 100])) for i in range(8) for j in range(3)]
    one = score(apps, sheets, seed=3, budget_yen=30).to_json()
    again = score(apps, sheets, seed=3, budget_yen=30).to_json()
    other = score(apps, sheets, seed=4, budget_yen=30).to_json()
    assert one == again
    assert [a["p_selected"] for a in one["applications"]] != [a["p_selected"] for a in other["applications"]]


def test_no_resamples_no_figures():
    r = score([application("A")], [sheet("A", "e1", 60)], resamples=0)
    a = r.to_json()["applications"][0]
    assert a["expected_rank"] is None and a["rank_interval"] is None and a["p_selected"] is None
    assert r.resamples == 0 and r.seed is None


def random_draws(rng: random.Random, n: int) -> tuple[list, u.Draws]:
    apps = ranked(*[app(f"X{i:02d}", 50.0, rng.choice(BUREAUS[:4]), rng.randint(1, 9) * 10) for i in range(n)])
    d = u.Draws([np.zeros(1)] * n, np.zeros(n), np.array([a.requested_subsidy_yen for a in apps], dtype=np.int64),
                np.array([BUREAUS.index(a.bureau) for a in apps]), np.arange(n))
    return apps, d


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("strategy", ["greedy", "quota"])
def test_the_vectorised_walk_is_the_selection(seed, strategy):
    """Each resample's walk selects what ``select`` selects on that resample's ranking."""
    rng = random.Random(seed)
    n = rng.randint(1, 14)
    apps, d = random_draws(rng, n)
    sel = Selection(bureau_min=rng.choice([None, 1, 2]), bureau_max=rng.choice([None, 2, 3]),
                    max_selected=rng.choice([None, 3, 6]))
    if sel.bureau_min and sel.bureau_max and sel.bureau_min > sel.bureau_max:
        sel = Selection(bureau_min=sel.bureau_max, bureau_max=sel.bureau_max, max_selected=sel.max_selected)
    budget = rng.choice([None, rng.randint(20, 200)])
    order = np.array([rng.sample(range(n), n) for _ in range(7)])
    flags = u.walk(order, d, sel, budget, strategy == "quota")
    for r in range(len(order)):
        walk_apps = ranked(*[apps[i] for i in order[r]])
        for a in walk_apps:
            a.selected, a.skipped_for = False, None
        select(walk_apps, sel, budget, strategy)
        assert sorted(a.id for a in walk_apps if a.selected) == sorted(apps[i].id for i in np.flatnonzero(flags[r]))


def test_the_resampled_optimal_sets_are_optimal():
    """Stages 1 and 2 per resample: as many places and as great a sum as the full selection."""
    from reviewer.scoring.optimal import Panel, optimal_set

    rng = random.Random(11)
    apps, d = random_draws(rng, 12)
    sel = Selection(bureau_min=1, max_selected=5)
    order = np.array([rng.sample(range(12), 12) for _ in range(5)])
    rates = np.array([[rng.randint(30, 90) for _ in range(12)] for _ in range(5)], dtype=float)
    flags = u.optimal_flags(order, rates, d, sel, 150)
    for r in range(5):
        o = order[r]
        panel = Panel(rates[r, o].tolist(), d.yen[o].tolist(), [BUREAUS[c] for c in d.bureau[o]])
        _, best = optimal_set(panel, sel, 150)
        assert sum(rates[r, i] for i in np.flatnonzero(flags[r])) == pytest.approx(
            sum(t for t, b in zip(panel.totals, best) if b))


# -- the strategies side by side -----------------------------------------------------------


def test_the_comparison_says_who_and_why():
    """A tight budget: greedy takes 1 and skips the dear 2 and 3; optimal takes 2 and 3 instead."""
    apps = ranked(app("A", 90, yen=60), app("B", 80, yen=50), app("C", 70, yen=50), app("D", 20, "東北", yen=10))
    c = compare(apps, Selection(), 100, "greedy")
    by = {o.strategy: o for o in c.outcomes}
    assert by["greedy"].selected == ["A", "D"] and by["greedy"].yen == 70 and by["greedy"].totals == 110
    assert by["quota"].selected == ["A", "D"]
    assert by["optimal"].selected == ["B", "C"] and by["optimal"].yen == 100 and by["optimal"].totals == 150
    assert by["greedy"].min_met == {} and by["greedy"].min_selected_met is None
    diff = {d.id: d for d in c.differences}
    assert list(diff) == ["A", "B", "C", "D"]
    assert diff["B"].selected == {"greedy": False, "quota": False, "optimal": True}
    assert diff["B"].why["greedy"] == "見送り: 予算の残額（40円）を超える"
    assert diff["B"].why["optimal"] == "合計点の和が最大になる組に入る"
    assert diff["A"].why["greedy"] == "順位順に収まる"
    assert diff["A"].why["optimal"] == "加えると予算の残額（0円）を超えるため、合計点の和が最大になる組に入らない"
    # afterwards the chosen strategy's selection holds again
    assert [a.id for a in apps if a.selected] == ["A", "D"]


def test_the_comparison_explains_the_minimum_and_the_optimum():
    # 東北's only application is poor; quota takes it first, greedy never reaches it within two places
    apps = ranked(app("A", 90), app("B", 80), app("C", 30, "東北"))
    c = compare(apps, Selection(bureau_min=1, max_selected=2), None, "quota")
    by = {o.strategy: o for o in c.outcomes}
    assert by["greedy"].selected == ["A", "B"] and by["greedy"].min_met["東北"] is False
    assert by["quota"].selected == ["A", "C"] and by["quota"].min_met["東北"] is True
    assert by["optimal"].selected == ["A", "C"]
    diff = {d.id: d for d in c.differences}
    assert set(diff) == {"B", "C"}
    assert diff["C"].why["quota"] == "東北の下限（1件）を満たすため先に選ぶ"
    assert diff["C"].why["optimal"] == "東北の下限（1件）を満たす組に入る"
    assert diff["C"].why["greedy"] == "見送り: 採択数の上限（2）"
    assert "採択数の上限（2）" in diff["B"].why["optimal"]
    assert [a.id for a in apps if a.selected] == ["A", "C"]


# -- through the command line -------------------------------------------------------------


def test_rank_states_the_sureness_and_compares(sample_ws):
    def rank(*extra):
        r = cli("rank", "--workspace", str(sample_ws), "--program", "r5-smartcity-2", "--json", *extra)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    j = rank("--resamples", "300", "--seed", "7", "--budget", "100000000", "--compare")
    assert j["resamples"] == 300 and j["seed"] == 7
    ranked_apps = [a for a in j["applications"] if a["rank"]]
    assert all(a["rank_interval"][0] <= a["rank_interval"][1] for a in ranked_apps)
    assert all(0 <= a["p_selected"] <= 1 for a in ranked_apps)
    assert j == rank("--resamples", "300", "--seed", "7", "--budget", "100000000", "--compare")
    comp = j["comparison"]
    assert comp["chosen"] == "greedy" and [s["strategy"] for s in comp["strategies"]] == ["greedy", "quota", "optimal"]
    selected = [a["id"] for a in j["applications"] if a["selected"]]
    assert comp["strategies"][0]["selected"] == selected
    for d in comp["differences"]:
        assert len(set(d["selected"].values())) == 2 and set(d["why"]) == {"greedy", "quota", "optimal"}
    assert rank("--resamples", "0")["applications"][0]["p_selected"] is None
    text = cli("rank", "--workspace", str(sample_ws), "--program", "r5-smartcity-2", "--budget", "100000000",
               "--compare", "--resamples", "200").stdout
    assert "順位の確かさ: 採点票の再標本 200 回（乱数の種 0）" in text
    assert "選定方式の比較" in text and "順に選ぶ（greedy）［採用］" in text


def test_rank_refuses_bad_resamples(sample_ws):
    for bad in ("-1", "many", "100001"):
        r = cli("rank", "--workspace", str(sample_ws), "--program", "r2-iot", "--resamples", bad)
        assert r.returncode == 2 and "--resamples" in r.stderr and "Traceback" not in r.stderr


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory):
    from conftest import ROOT

    ws = tmp_path_factory.mktemp("sure") / "ws"
    samples = ROOT / "sample_applications"
    r = cli("init", "--workspace", str(ws), "--criteria", str(ROOT / "criteria"), "--applications", str(samples),
            "--panel", str(samples / "panel.toml"))
    assert r.returncode == 0, r.stderr
    r = cli("import-scores", "--workspace", str(ws), str(samples / "scores"))
    assert r.returncode == 0, r.stderr
    return ws


def test_the_readme_explains_the_method_as_the_workbook_does():
    from conftest import ROOT

    from reviewer.present.sureness import ADJUSTED_EXPLANATION, SURENESS_EXPLANATION

    readme = (ROOT / "README.md").read_text("utf-8")
    for line in (*SURENESS_EXPLANATION, *ADJUSTED_EXPLANATION):
        assert f"- {line}" in readme


def test_one_key_orders_as_the_three_keys():
    """orders() sorts one integer key; it ranks as total, rate (both at 1e-9), then the tie do,
    with ties on the total across bonus levels, negative rates (adjusted) and, past the integer's
    range, by the three keys themselves."""
    import numpy as np

    from reviewer.scoring.uncertainty import Draws, orders

    rng = np.random.default_rng(5)
    for trial in range(300):
        n = int(rng.integers(1, 60))
        bonus = rng.choice([0.0, 1.0, 2.5], size=n)
        tie = rng.permutation(n)
        rates = rng.choice(np.linspace(-20, 100, 13), size=(7, n)) + rng.choice([0, 1e-12], size=(7, n))
        if trial % 50 == 0:
            rates[0, 0] = 1e12  # beyond the one key's range
        d = Draws([], bonus, np.zeros(n, dtype=np.int64), np.zeros(n, dtype=int), tie)
        totals = np.round(rates + bonus, 9)
        expected = np.lexsort((np.broadcast_to(tie, rates.shape), -np.round(rates, 9), -totals), axis=-1)
        assert (orders(rates, d) == expected).all(), trial
