"""The shipped criteria files hold SPEC §1 exactly, and a fourth program is just a file."""

from __future__ import annotations

import re

import pytest
from conftest import IOT_APP, doc, write

from reviewer.domain.model import Application
from reviewer.files.load import load_paths
from reviewer.rules.checks import auto_points, reasons, run_checks

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def ids(prog, kind, track=None):
    return [c.id for c in prog.criteria if c.kind == kind and (track is None or c.tracks == [track])]


def test_three_programs_ship(programs):
    assert set(programs) == {"r2-iot", "r2-ai-plan", "r5-smartcity-2"}
    for prog in programs.values():
        assert JAPANESE.search(prog.name) and prog.source and prog.fiscal_year in (2020, 2023)
        for c in prog.criteria:
            assert JAPANESE.search(c.label), c.id
            assert len(c.description) >= 15 and JAPANESE.search(c.description), c.id


def test_r2_iot(programs):
    p = programs["r2-iot"]
    assert [(t.id, [m.number for m in t.models]) for t in p.tracks] == [
        ("A", [1, 2, 3, 4]), ("B", [5, 6, 7, 8, 9, 10, 11]), ("C", [12])]
    assert p.model_numbers[4][1].name == "観光クラウド"
    assert p.model_numbers[12][1].name == "働き方（テレワーク）"
    assert ids(p, "must") == ["M1", "M2", "M3", "M4"]
    assert all(c.tracks is None for c in p.criteria if c.kind == "must")
    assert p.criterion("M4").applicant_types == ["city", "core_city", "special_ward", "town", "village"]
    assert ids(p, "scored", "A") == [f"A{i}" for i in range(1, 9)]
    assert ids(p, "scored", "B") == [f"B{i}" for i in range(1, 11)]
    assert ids(p, "scored", "C") == [f"C{i}" for i in range(1, 8)]
    assert ids(p, "auto") == []
    tags = {c.id: c.tags for c in p.criteria if c.tags}
    assert tags == {"M1": ["model"], "A7": ["covid"], "B3": ["shared_use"], "B9": ["covid"], "C6": ["covid"]}
    assert all(c.weight == 1 for c in p.criteria)
    f = p.funding
    assert (f.subsidy_rate, f.round_down_yen, f.cap_yen, f.min_total_cost_yen, f.overhead_max_ratio) == (
        "1/2", 1000, 20_000_000, 1_000_000, "1/10")
    assert set(p.eligibility.applicant_types) == {
        "core_city", "city", "special_ward", "town", "village", "association", "corporation"}
    assert p.eligibility.corporation_needs_lg_consortium
    assert p.selection.budget_yen and p.selection.budget_yen > 0


def test_r2_iot_labels_come_from_the_seed(programs):
    p = programs["r2-iot"]
    assert p.criterion("M1").label == "分野別モデルの横展開"
    assert p.criterion("M2").label == "関係団体との連携体制"
    assert p.criterion("M4").label == "官民データ活用推進計画の策定状況"
    assert "新型コロナウイルス感染症" in p.criterion("A7").description
    assert "共同利用・共同調達" in p.criterion("B3").description


def test_r2_ai_plan(programs):
    p = programs["r2-ai-plan"]
    assert p.tracks == [] and p.funding is None
    assert ids(p, "scored") == ["V1", "V2", "V3"] and ids(p, "must") == []
    assert [c.label for c in p.criteria] == [
        "支援対象自治体の積極性", "自治体AI・ICT実装の意向がある事業者又は団体の存在", "近隣地方公共団体等への横展開の可能性"]
    e = p.eligibility
    assert "corporation" not in e.applicant_types and len(e.applicant_types) == 8
    assert [d.key for d in e.required_declarations] == ["plan_this_year", "attend_workshops"]
    assert e.excluded_prior_support_years == [2018, 2019]
    s = p.selection
    assert (s.min_selected, s.max_selected, s.bureau_min, s.bureau_max) == (50, 100, 4, 10)
    assert s.budget_yen is None


def test_r5_smartcity(programs):
    p = programs["r5-smartcity-2"]
    assert ids(p, "must") == ["1-1", "1-2", "1-3", "1-4", "1-5", "2-1", "2-2", "3-1",
                              "4-1", "4-2", "4-3", "4-4", "4-5", "6-1", "6-2", "6-3"]
    assert ids(p, "scored") == ["2-3", "3-2", "4-6", "5-1", "5-2", "5-3", "5-4", "5-5", "5-6"]
    auto = p.criterion("6-4")
    assert auto.kind == "auto" and auto.tags == ["mynumber"] and auto.only_when_oversubscribed
    assert auto.source == "mynumber_card_rate" and auto.label == "マイナンバーカード交付率"
    assert sorted((b.min, b.points) for b in auto.bands) == [(0.6, 1), (0.7, 2), (0.8, 3)]
    assert auto.default_points == 0 and "見本" in auto.note
    assert "令和5年7月末" in auto.description
    f = p.funding
    assert (f.subsidy_rate, f.cap_yen, f.min_total_cost_yen, f.overhead_max_ratio) == ("1/2", None, 3_000_000, "1/10")
    e = p.eligibility
    assert set(e.corporation_governance) == {"investment", "agreement", "consortium"}
    docs = {d.name: d.applicant_types for d in e.required_documents}
    assert docs == {"応募様式": None, "セキュリティチェックシート": None, "ガバナンス確認資料": ["corporation"]}
    assert p.criterion("1-1").label == "応募主体"
    assert p.criterion("4-4").label == "オープンAPI"


FOURTH = """
id = "r7-local5g"
name = "令和7年度 地域デジタル基盤活用推進事業（試行）"
fiscal_year = 2025
source = "テスト用の架空の実施要領"

[[tracks]]
id = "X"
name = "要件X"
[[tracks.models]]
number = 1
name = "ローカル5G"
[[tracks.models]]
number = 2
name = "衛星通信"

[[tracks]]
id = "Y"
name = "要件Y"
[[tracks.models]]
number = 3
name = "ドローン物流"

[[criteria]]
id = "K1"
kind = "must"
label = "計画の妥当性"
description = "事業計画が妥当であること。"

[[criteria]]
id = "P1"
kind = "scored"
label = "地域への波及効果"
description = "地域への波及効果が大きいこと。"
weight = 2
tracks = ["X"]

[[criteria]]
id = "AUTO1"
kind = "auto"
label = "マイナンバーカード交付率"
description = "交付率による加点。"
tags = ["mynumber"]
source = "mynumber_card_rate"
bands = [{ min = 0.5, points = 10 }]

[funding]
subsidy_rate = "2/3"
round_down_yen = 10000
cap_yen = 5_000_000
min_total_cost_yen = 500_000

[eligibility]
applicant_types = ["town", "village"]

[[eligibility.required_documents]]
name = "計画書"

[selection]
budget_yen = 9_000_000
bureau_max = 2
"""


def test_a_fourth_program_is_a_fourth_file(tmp_path, programs):
    write(tmp_path, "crit/r7-local5g.toml", FOURTH)
    app = doc(IOT_APP, program="r7-local5g", track="X", model=2,
              applicant={"name": "東川町", "type": "town", "lg_code": "014605", "prefecture": "北海道"},
              budget={"total_cost_yen": 3_000_000, "requested_subsidy_yen": 2_000_000},
              declarations={"documents": ["計画書"], "mynumber_card_rate": 0.55})
    write(tmp_path, "apps/a.toml", app)
    bundle = load_paths([tmp_path / "crit", tmp_path / "apps"], base_programs=programs)
    assert bundle.problems == []
    prog = bundle.programs["r7-local5g"]
    a: Application = bundle.applications["r7-local5g"]["T-0001"]
    assert reasons(a, prog) == []
    assert prog.max_points(a) == 10  # P1 weight 2 × 5
    assert auto_points(prog.criterion("AUTO1"), a) == 10
    # 2/3 of 3,000,001 = 2,000,000.67 → cut to the 10,000 yen → 2,000,000
    b = Application.model_validate(doc(app, budget={"total_cost_yen": 2_999_999, "requested_subsidy_yen": 2_000_000}))
    assert prog.funding.max_subsidy(2_999_999) == 1_990_000
    assert reasons(b, prog) == ["subsidy-rate"]
    c = Application.model_validate(doc(app, track="Y", model=2, applicant={"name": "函館市", "type": "core_city", "lg_code": "012025", "prefecture": "北海道"},
                                       budget={"total_cost_yen": 30_000_000, "requested_subsidy_yen": 6_000_000}, declarations={}))
    assert reasons(c, prog) == ["applicant-type", "subsidy-cap", "model", "documents"]
    assert prog.max_points(c) == 0  # P1 is for track X only
    assert {r.code for r in run_checks(c, prog)}.isdisjoint({"consortium", "commitment", "prior-support", "overhead"})


def test_a_criteria_file_overrides_the_shipped_one(tmp_path, programs):
    text = FOURTH.replace('id = "r7-local5g"', 'id = "r2-iot"')
    write(tmp_path, "crit/mine.toml", text)
    bundle = load_paths([tmp_path / "crit"], base_programs=programs)
    assert bundle.problems == [] and bundle.programs["r2-iot"].name.startswith("令和7年度")


@pytest.mark.parametrize("change, expect", [
    (('kind = "scored"\nlabel = "地域への波及効果"', 'kind = "bonus"\nlabel = "地域への波及効果"'), "criteria[1].kind"),
    (('id = "P1"', 'id = "K1"'), "重複"),
    (('tracks = ["X"]', 'tracks = ["Z"]'), "不明な要件"),
    (('subsidy_rate = "2/3"', 'subsidy_rate = "2/0"'), "funding.subsidy_rate"),
    (('subsidy_rate = "2/3"', 'subsidy_rate = "3/2"'), "funding.subsidy_rate"),
    (('source = "mynumber_card_rate"\n', ''), "source"),
    (('bands = [{ min = 0.5, points = 10 }]', 'bands = []'), "bands"),
    (('weight = 2', 'weight = 0'), "criteria[1].weight"),
    (('bureau_max = 2', 'bureau_max = 2\nbureau_min = 3'), "bureau_min"),
    (('number = 3', 'number = 2'), "分野別モデルの番号が重複"),
    (('applicant_types = ["town", "village"]', 'applicant_types = ["town", "villa"]'), "eligibility.applicant_types[1]"),
])
def test_criteria_file_errors(tmp_path, programs, change, expect):
    old, new = change
    assert old in FOURTH
    write(tmp_path, "crit/bad.toml", FOURTH.replace(old, new, 1))
    probs = load_paths([tmp_path / "crit"], base_programs=programs).problems
    assert probs, change
    assert any(expect in str(p) for p in probs), [str(p) for p in probs]


def test_duplicate_program_ids_among_given_files(tmp_path, programs):
    write(tmp_path, "crit/a.toml", FOURTH)
    write(tmp_path, "crit/b.toml", FOURTH)
    [p] = load_paths([tmp_path / "crit"], base_programs=programs).problems
    assert p.path.endswith("b.toml") and "重複" in p.message


# ---------------------------------------------------------------------------
# Bounded numbers and whole ids


@pytest.mark.parametrize("line, field", [
    ('subsidy_rate = "1e-999999999"', "funding.subsidy_rate"),
    ('subsidy_rate = "1/1' + "0" * 5000 + '"', "funding.subsidy_rate"),
    ('subsidy_rate = "0.' + "0" * 20 + '1"', "funding.subsidy_rate"),
    ('subsidy_rate = " 1/2"', "funding.subsidy_rate"),
    ('subsidy_rate = "-1/2"', "funding.subsidy_rate"),
    ('subsidy_rate = "2/3"\noverhead_max_ratio = "1E+999999999"', "funding.overhead_max_ratio"),
], ids=["exponent", "long-denominator", "long-decimal", "blank", "negative", "overhead-exponent"])
def test_ratio_strings_are_bounded_before_arithmetic(tmp_path, programs, line, field):
    import time

    write(tmp_path, "crit/bad.toml", FOURTH.replace('subsidy_rate = "2/3"', line, 1))
    t0 = time.perf_counter()
    [p] = load_paths([tmp_path / "crit"], base_programs=programs).problems
    assert time.perf_counter() - t0 < 2
    assert p.field == field and p.line is not None and "分数" in p.message and "9桁" in p.message, str(p)


def test_small_ratios_still_read(tmp_path, programs):
    text = FOURTH.replace('subsidy_rate = "2/3"', 'subsidy_rate = "0.75"\noverhead_max_ratio = "15/100"', 1)
    write(tmp_path, "crit/ok.toml", text)
    bundle = load_paths([tmp_path / "crit"], base_programs=programs)
    assert bundle.problems == [] and bundle.programs["r7-local5g"].funding.max_subsidy(1_000_000) == 750_000


@pytest.mark.parametrize("old, new, field", [
    ("weight = 2", "weight = inf", "criteria[1].weight"),
    ("weight = 2", "weight = nan", "criteria[1].weight"),
    ("min = 0.5", "min = nan", "criteria[2].bands[0].min"),
    ("min = 0.5", "min = 1e300", "criteria[2].bands[0].min"),
    ("points = 10", "points = nan", "criteria[2].bands[0].points"),
    ("bureau_max = 2", "bureau_max = 2\nmax_field_share = nan", "selection.max_field_share"),
])
def test_floats_are_finite_and_bounded(tmp_path, programs, old, new, field):
    write(tmp_path, "crit/bad.toml", FOURTH.replace(old, new, 1))
    probs = load_paths([tmp_path / "crit"], base_programs=programs).problems
    assert [p.field for p in probs] == [field], [str(p) for p in probs]


def test_a_duplicate_criterion_id_names_its_field_and_line(tmp_path, programs):
    write(tmp_path, "crit/bad.toml", FOURTH.replace('id = "P1"', 'id = "K1"', 1))
    [p] = load_paths([tmp_path / "crit"], base_programs=programs).problems
    assert (p.line, p.field) == (FOURTH.split("\n").index('id = "P1"') + 1, "criteria[1].id")
    assert "評価項目 ID K1 が重複しています" in p.message and "criteria[0]" in p.message


@pytest.mark.parametrize("old, new, field", [
    ('id = "P1"', 'id = "P1\\n"', "criteria[1].id"),
    ('id = "r7-local5g"', 'id = "r7-local5g\\n"', "id"),
    ('tracks = ["X"]', 'tracks = ["X\\n"]', "criteria[1].tracks[0]"),
])
def test_ids_match_whole(tmp_path, programs, old, new, field):
    write(tmp_path, "crit/bad.toml", FOURTH.replace(old, new, 1))
    probs = load_paths([tmp_path / "crit"], base_programs=programs).problems
    assert field in [p.field for p in probs], [str(p) for p in probs]
