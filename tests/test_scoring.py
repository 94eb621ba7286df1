"""Aggregation, ranking and selection: hand-computed cases for every rule of SPEC §4."""

from __future__ import annotations

import math

import pytest
import tomllib

from reviewer.domain.model import Application, Program
from reviewer.scoring import SheetInput, bureau_status, score_program
from reviewer.services.sheets import save_sheet

TINY = """
id = "tiny"
name = "テスト事業"
fiscal_year = 2024
source = "テスト用"

[[criteria]]
id = "K1"
kind = "must"
label = "必須"
description = "必須の項目"

[[criteria]]
id = "P1"
kind = "scored"
label = "加点1"

[[criteria]]
id = "P2"
kind = "scored"
label = "加点2"
weight = 2

[[criteria]]
id = "AU"
kind = "auto"
label = "マイナンバーカード交付率"
tags = ["mynumber"]
source = "mynumber_card_rate"
bands = [{ min = 0.8, points = 3 }, { min = 0.7, points = 2 }]

[funding]
subsidy_rate = "1/2"
round_down_yen = 1

[eligibility]
applicant_types = ["city", "core_city", "town", "village", "special_ward"]

[selection]
budget_yen = 100
"""

PREFS = {"北海道": ("012025", "函館市", "core_city"), "宮城県": ("042021", "石巻市", "city"),
         "東京都": ("131016", "千代田区", "special_ward"), "沖縄県": ("472018", "那覇市", "core_city"),
         "大阪府": ("272035", "豊中市", "core_city")}


def program(**selection) -> Program:
    data = tomllib.loads(TINY)
    data["selection"] = {**data["selection"], **selection}
    return Program.model_validate(data)


def application(aid: str, requested: int = 10, pref: str = "北海道", rate: float | None = None,
                type_: str | None = None) -> Application:
    code, name, t = PREFS[pref]
    decl = {} if rate is None else {"mynumber_card_rate": rate}
    return Application.model_validate({
        "id": aid, "program": "tiny", "title": f"申請{aid}",
        "applicant": {"name": name, "type": type_ or t, "lg_code": code, "prefecture": pref},
        "budget": {"total_cost_yen": 2 * requested, "requested_subsidy_yen": requested},
        "declarations": decl,
    })


# S = P1 + 2 × P2, M = 15: these give the sheet rates named
RATE = {20: (1, 1), 40: (2, 2), 60: (1, 4), 80: (2, 5), 100: (5, 5), 0: (0, 0)}


def sheet(app: str, ev: str, rate: int, must: str | None = "pass") -> SheetInput:
    p1, p2 = RATE[rate]
    scores = {"P1": p1, "P2": p2}
    if must:
        scores["K1"] = must
    return SheetInput(app, ev, scores, f"{ev} の所見")


def run(apps, sheets, method="mean", prog=None, budget=None):
    prog = prog or program()
    return score_program(prog, {a.id: a for a in apps}, sheets, method=method, budget_yen=budget)


def by_id(result):
    return {a.id: a for a in result.applications}


def test_sheet_rate_uses_weights():
    r = run([application("A")], [SheetInput("A", "e1", {"P1": 3, "P2": 4, "K1": "pass"})])
    a = by_id(r)["A"]
    assert a.max_points == 15
    assert a.score_rate == pytest.approx(100 * 11 / 15)
    assert a.panel_score == pytest.approx(11)


FOUR = [("e1", 20), ("e2", 40), ("e3", 60), ("e4", 100)]


@pytest.mark.parametrize("method, expected", [("mean", 55.0), ("median", 50.0), ("trimmed", 50.0)])
def test_mean_median_trimmed(method, expected):
    r = run([application("A")], [sheet("A", e, v) for e, v in FOUR], method)
    assert by_id(r)["A"].score_rate == pytest.approx(expected)
    assert by_id(r)["A"].panel_score == pytest.approx(expected * 15 / 100)


def test_trimmed_keeps_everything_below_four_sheets():
    r = run([application("A")], [sheet("A", e, v) for e, v in FOUR[:3] + [("e4", 100)]][1:], "trimmed")
    assert by_id(r)["A"].score_rate == pytest.approx((40 + 60 + 100) / 3)


def test_zscore_by_hand():
    # e1: a=40, b=80 (mean 60, sd 20: z = -1, +1); e2: a=60, b=60 (sd 0: z = 0)
    # all rates 40, 80, 60, 60: mean 60, population sd sqrt(200)
    sheets = [sheet("a", "e1", 40), sheet("b", "e1", 80), sheet("a", "e2", 60), sheet("b", "e2", 60)]
    r = by_id(run([application("a"), application("b")], sheets, "zscore"))
    sd = math.sqrt(200)
    assert r["a"].score_rate == pytest.approx(60 - 0.5 * sd)
    assert r["b"].score_rate == pytest.approx(60 + 0.5 * sd)


@pytest.mark.parametrize("marks, fails", [
    (["pass", "pass", "fail", "fail"], True),   # a tie fails
    (["pass", "pass", "pass", "fail"], False),
    (["fail"], True),
    (["pass", None], False),                     # a sheet without a mark doesn't count
    ([None, None], False),                       # no marks at all: not failed
])
def test_must_majority(marks, fails):
    sheets = [sheet("A", f"e{i}", 60, m) for i, m in enumerate(marks)]
    a = by_id(run([application("A")], sheets))["A"]
    assert ("must:K1" in a.reasons) is fails
    assert a.eligible is (not fails)
    assert a.rank == (None if fails else 1)


def test_unscored_is_not_failed():
    a = by_id(run([application("A")], []))["A"]
    assert a.reasons == ["unscored"] and a.rank is None and a.score_rate is None and a.total is None
    assert a.to_json()["total"] is None and a.to_json()["reviews"] == 0


def test_bonus_only_when_oversubscribed():
    apps = [application("A", 60, rate=0.85), application("B", 50, rate=0.72), application("C", 10, rate=0.5)]
    sheets = [sheet(x, "e1", 60) for x in "ABC"]
    over = run(apps, sheets)  # demand 120 > budget 100
    assert over.oversubscribed and over.demand_yen == 120
    assert [by_id(over)[x].bonus for x in "ABC"] == [3, 2, 0]
    assert by_id(over)["A"].total == pytest.approx(63)
    under = run(apps, sheets, budget=120)  # demand 120 is not more than 120
    assert not under.oversubscribed
    assert [by_id(under)[x].bonus for x in "ABC"] == [0, 0, 0]
    assert by_id(under)["A"].total == pytest.approx(60)
    assert by_id(under)["A"].auto_points == 3


def test_demand_counts_only_applications_that_pass_the_automatic_checks():
    apps = [application("A", 60), application("B", 50, type_="city", pref="宮城県")]
    bad = application("X", 500, pref="沖縄県", type_="core_city")
    bad = bad.model_copy(update={"budget": bad.budget.model_copy(update={"requested_subsidy_yen": 900})})
    r = run(apps + [bad], [])
    assert r.demand_yen == 110 and "subsidy-rate" in by_id(r)["X"].reasons


def test_no_budget_never_oversubscribed():
    prog = program(budget_yen=None)
    r = run([application("A", 10**9, rate=0.9)], [sheet("A", "e1", 60)], prog=prog)
    assert not r.oversubscribed and r.budget_yen is None and by_id(r)["A"].bonus == 0


def test_tie_breaks():
    apps = [application("A", 10, rate=0.85), application("B", 10), application("C", 5), application("D", 10),
            application("E", 10)]
    sheets = [sheet(x, "e1", 60) for x in "ABCDE"]
    r = run(apps, sheets, prog=program(budget_yen=1))  # oversubscribed: A gets its 3 points
    # A first on total; C before B, D, E on the smaller request; then by id
    assert [a.id for a in r.ranked] == ["A", "C", "B", "D", "E"]
    assert [a.rank for a in r.ranked] == [1, 2, 3, 4, 5]


def test_equal_totals_are_broken_by_score_rate():
    data = tomllib.loads(TINY)
    data["criteria"][3]["bands"] = [{"min": 0.8, "points": 20}]
    data["selection"]["budget_yen"] = 1  # oversubscribed
    prog = Program.model_validate(data)
    a = application("A", 10, rate=0.85)   # R 60 + 20 = 80
    b = application("B", 10)              # R 80 + 0 = 80
    r = run([a, b], [sheet("A", "e1", 60), sheet("B", "e1", 80)], prog=prog)
    assert by_id(r)["A"].total == pytest.approx(by_id(r)["B"].total)
    assert [x.id for x in r.ranked] == ["B", "A"]


def result(aid, total, rate, requested):
    from reviewer.scoring import AppResult

    return AppResult(id=aid, title="", applicant="", applicant_type="city", prefecture="北海道", bureau="北海道",
                     track=None, model=None, requested_subsidy_yen=requested, checks=[], reasons=[], must={},
                     sheet_rates={}, criterion_means={}, max_points=15, reviews=1, score_rate=rate,
                     panel_score=None, auto_points=0, bonus=0, total=total, eligible=True)


def test_near_equal_values_compare_at_1e9():
    from reviewer.scoring import ranking

    # 0.1 + 0.2 != 0.3 in floating point: these are ties, decided by the request, then the id
    x = result("X", 60 + 0.1 + 0.2, 60.3, 20)
    y = result("Y", 60.3, 60 + 0.1 + 0.2, 10)
    assert x.total != y.total
    assert [a.id for a in ranking([x, y])] == ["Y", "X"]
    # a real difference above 1e-9 decides
    z = result("Z", 60.3 + 2e-9, 0, 99)
    assert [a.id for a in ranking([x, y, z])] == ["Z", "Y", "X"]
    w = result("W", 60.3, 60.3 + 2e-9, 99)
    assert [a.id for a in ranking([y, w])] == ["W", "Y"]
    v = result("V", 60.3, 60.3, 10)
    assert [a.id for a in ranking([y, v])] == ["V", "Y"]


def test_selection_skips_what_does_not_fit_and_goes_on():
    apps = [application("A", 60), application("B", 50), application("C", 40)]
    sheets = [sheet("A", "e1", 100), sheet("B", "e1", 80), sheet("C", "e1", 60)]
    r = by_id(run(apps, sheets))
    assert (r["A"].selected, r["B"].selected, r["C"].selected) == (True, False, True)
    assert "予算" in r["B"].skipped_for


def test_selection_max_total_and_per_bureau():
    prog = program(budget_yen=None, max_selected=2, bureau_max=1)
    apps = [application("A", pref="北海道"), application("B", pref="北海道"), application("C", pref="宮城県"),
            application("D", pref="東京都")]
    sheets = [sheet(x, "e1", v) for x, v in zip("ABCD", (100, 80, 60, 40))]
    r = run(apps, sheets, prog=prog)
    got = by_id(r)
    assert [a.id for a in r.selected] == ["A", "C"]
    assert "北海道の上限" in got["B"].skipped_for and "採択数の上限" in got["D"].skipped_for
    assert r.cut_rank == 3


def test_balance_statuses():
    prog = program(budget_yen=None, bureau_min=1, bureau_max=1)
    apps = [application("A", pref="北海道"), application("B", pref="北海道"), application("C", pref="宮城県", type_="city")]
    sheets = [sheet("A", "e1", 100), sheet("B", "e1", 80), sheet("C", "e1", 60, "fail")]
    r = run(apps, sheets, prog=prog)
    bal = {b.bureau: b for b in r.balance}
    assert (bal["北海道"].applications, bal["北海道"].eligible, bal["北海道"].selected) == (2, 2, 1)
    assert bal["北海道"].status == "ok"
    assert bal["東北"].status == "under" and bal["東北"].eligible == 0
    assert [b.bureau for b in r.balance][:3] == ["北海道", "東北", "関東"] and len(r.balance) == 11
    no_quota = run(apps, [sheet("A", "e1", 100), sheet("B", "e1", 80), sheet("C", "e1", 60)],
                   prog=program(budget_yen=None, max_selected=1))
    nb = {b.bureau: b for b in no_quota.balance}
    assert nb["東北"].status == "unserved" and nb["関東"].status == "ok" and nb["東北"].min is None
    assert bureau_status(3, 3, 1, 2) == "over"
    assert bureau_status(0, 0, None, None) == "ok"
    assert bureau_status(0, 2, None, 5) == "unserved"
    assert bureau_status(0, 2, 1, 5) == "under"


def test_disagreement_is_a_spread_above_30():
    apps = [application("A"), application("B")]
    sheets = [sheet("A", "e1", 20), sheet("A", "e2", 60), sheet("B", "e1", 40), sheet("B", "e2", 60)]
    r = by_id(run(apps, sheets))
    assert r["A"].spread == pytest.approx(40) and r["A"].disagreement
    assert r["B"].spread == pytest.approx(20) and not r["B"].disagreement
    edge = [SheetInput("A", "e1", {"P1": 0, "P2": 0}), SheetInput("A", "e2", {"P1": 0, "P2": 0})]
    assert not by_id(run([application("A")], edge))["A"].disagreement


def test_json_shape():
    r = run([application("A"), application("B")], [sheet("A", "e1", 60)])
    j = r.to_json()
    assert list(j) == ["program", "budget_yen", "oversubscribed", "method", "selection", "selection_notes",
                       "grant_notes", "resamples", "selection_resamples", "seed", "hearing_weight", "finalized", "finalized_at",
                       "finalized_by", "applications", "balance", "final"]
    # min_selected_met only with a min_selected, comparison only where asked for
    assert list(j["applications"][0]) == ["id", "rank", "eligible", "reasons", "panel_score", "max_points",
                                          "score_rate", "bonus", "total", "reviews", "selected", "bureau",
                                          "requested_subsidy_yen", "disagreement", "expected_rank",
                                          "rank_interval", "p_selected", "boundary", "written_rate",
                                          "hearing_rate", "hearing_reviews", "shortlisted", "decision",
                                          "decision_reason", "final_selected", "field"]
    assert [a["id"] for a in j["applications"]] == ["A", "B"]
    assert list(j["balance"][0]) == ["bureau", "applications", "eligible", "selected", "min", "max", "status",
                                     "min_met"]
    assert j["selection"] == "greedy" and j["balance"][0]["min_met"] is None


def test_evaluator_statistics_and_criterion_means():
    sheets = [sheet("A", "e1", 40), sheet("B", "e1", 80), sheet("A", "e2", 60), sheet("B", "e2", 60)]
    r = run([application("A"), application("B")], sheets)
    st = {s.evaluator: s for s in r.evaluator_stats}
    assert (st["e1"].count, st["e1"].mean, st["e1"].std) == (2, pytest.approx(60), pytest.approx(20))
    assert st["e2"].std == pytest.approx(0) and st["e2"].deviation == pytest.approx(0)
    # P1 values: 2, 2, 1, 1 → 1.5; P2: 2, 5, 4, 4 → 3.75
    assert r.criterion_means == {"P1": pytest.approx(1.5), "P2": pytest.approx(3.75)}
    assert by_id(r)["A"].criterion_means == {"P1": pytest.approx(1.5), "P2": pytest.approx(3.0)}


def test_agreement():
    apps = [application(x) for x in "ABC"]
    same = [sheet(x, e, v) for x, v in zip("ABC", (20, 60, 100)) for e in ("e1", "e2")]
    r = run(apps, same)
    assert r.agreement.alpha == pytest.approx(1.0) and r.agreement.reviews == 6 and r.agreement.applications == 3
    crossed = [sheet("A", "e1", 20), sheet("A", "e2", 100), sheet("B", "e1", 100), sheet("B", "e2", 20),
               sheet("C", "e1", 60)]
    r = run(apps, crossed)
    assert r.agreement.alpha < 0 and r.agreement.reviews == 4 and r.agreement.applications == 2
    assert run(apps, [sheet("A", "e1", 60)]).agreement.alpha is None


def test_drafts_never_count(tmp_path):
    from wsutil import FULL, make_inputs

    from reviewer.services.results import score_workspace
    from reviewer.services.setup import init_workspace
    from reviewer.workspace import Workspace

    crit, apps, panel = make_inputs(tmp_path, n_apps=2)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    with Workspace.open(tmp_path / "ws") as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, status="submitted")
        save_sheet(ws, "r2-iot", "T-0002", "e01", dict(FULL, A1=5), status="draft")
        r = by_id(score_workspace(ws, "r2-iot"))
    assert r["T-0001"].reviews == 1 and r["T-0001"].score_rate == pytest.approx(60)
    assert r["T-0002"].reasons == ["unscored"]


def test_field_balance_flags_a_model_holding_too_much_of_the_selection():
    data = tomllib.loads(TINY)
    data["tracks"] = [{"id": "X", "name": "要件X", "models": [{"number": 1, "name": "モデル1"}, {"number": 2, "name": "モデル2"}]}]
    data["selection"] = {"max_field_share": 0.5}
    data["funding"] = {"subsidy_rate": "1/2", "round_down_yen": 1}
    prog = Program.model_validate(data)

    def app(aid, model):
        a = application(aid)
        return a.model_copy(update={"track": "X", "model": model})

    apps = [app("A", 1), app("B", 1), app("C", 2), app("D", 2)]
    sheets = [sheet("A", "e1", 100), sheet("B", "e1", 80), sheet("C", "e1", 60), sheet("D", "e1", 40, "fail")]
    r = score_program(prog, {a.id: a for a in apps}, sheets)
    fb = {(f.kind, f.key): f for f in r.field_balance}
    # the program's only track holds every selection: no imbalance to flag
    assert (fb[("track", "X")].applications, fb[("track", "X")].selected) == (4, 3) and not fb[("track", "X")].flagged
    m1, m2 = fb[("model", "1")], fb[("model", "2")]
    assert (m1.applications, m1.eligible, m1.selected) == (2, 2, 2) and m1.share == pytest.approx(2 / 3) and m1.flagged
    assert (m2.applications, m2.eligible, m2.selected) == (2, 1, 1) and not m2.flagged


def test_field_balance_flags_a_track_holding_too_much_of_the_selection(tmp_path, tmp_path_factory):
    """The sample r2-iot has no share limit (seed 000 sets none): nothing is flagged; with a
    limit under 要件B's share of the selection, 要件B is."""
    from tuiutil import sample_workspace

    from reviewer.domain.model import Program
    from reviewer.scoring.balance import field_balance
    from reviewer.services.results import score_workspace
    from reviewer.workspace import Workspace

    with Workspace.open(sample_workspace(tmp_path, tmp_path_factory.getbasetemp())) as ws:
        r = score_workspace(ws, "r2-iot")
    assert r.program.selection.max_field_share is None and not any(f.flagged for f in r.field_balance)
    b = next(f for f in r.field_balance if (f.kind, f.key) == ("track", "B"))
    assert b.share == pytest.approx(b.selected / len(r.selected))
    data = r.program.model_dump()
    data["selection"]["max_field_share"] = round(b.share - 0.05, 2)
    limited = field_balance(r.applications, Program.model_validate(data))
    for f in limited:
        assert f.flagged == (f.share is not None and f.share > data["selection"]["max_field_share"] + 1e-9), f
    assert next(f for f in limited if (f.kind, f.key) == ("track", "B")).flagged


@pytest.mark.parametrize("seed", range(6))
def test_agreement_matches_the_reference_implementation(seed):
    """The closed form equals the krippendorff package on incomplete designs."""
    import random

    import krippendorff
    import pandas as pd

    from reviewer.scoring import agreement

    rng = random.Random(seed)
    evaluators = [f"e{i}" for i in range(rng.randint(3, 8))]
    units = [f"A{i}" for i in range(rng.randint(5, 40))]
    rows = []
    for u in units:
        quality = rng.uniform(20, 90)
        for e in rng.sample(evaluators, rng.randint(1, len(evaluators))):
            rows.append((u, e, round(min(100, max(0, quality + rng.gauss(0, 15))), 3)))
    df = pd.DataFrame(rows, columns=["application", "evaluator", "r"])
    matrix = df.pivot_table(index="evaluator", columns="application", values="r").to_numpy(dtype=float)
    ours = agreement(df)
    reference = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert ours.alpha == pytest.approx(reference, abs=1e-9)
    assert ours.reviews == int(df.groupby("application")["r"].count().pipe(lambda c: c[c >= 2].sum()))
