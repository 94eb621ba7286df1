"""The shipped criteria say what the seeds say (conditions, headings, questions), and
tools/compare_seeds.py finds where a criteria text differs from its seed."""

from __future__ import annotations

import importlib.util
import sys

import pytest
import tomllib
from conftest import ROOT

from reviewer.shipped import criteria_dir

M1_CORE = "新たな実証ではなく、成功モデルを当該事業に導入するものであることが具体的に示されていること"


def models(program):
    return {m.number: m for t in program.tracks for m in t.models}


@pytest.mark.parametrize(("number", "start", "words"), [
    (1, "ただし、", "地域の連携"),
    (3, "ただし、", "自治体が認めた"),
    (10, "ただし、", "十分な業務削減効果"),
    (12, "ただし、", "就労者がICTを利用して働くことが要件"),
])
def test_r2_iot_models_carry_the_seeds_conditions(programs, number, start, words):
    m = models(programs["r2-iot"])[number]
    assert m.condition.startswith(start) and words in m.condition
    assert m.condition in m.description  # the description stays the seed's full text of the model


def test_r2_iot_models_without_a_condition_have_none(programs):
    assert [n for n, m in sorted(models(programs["r2-iot"]).items()) if m.condition] == [1, 3, 10, 12]


def test_r2_iot_m1_names_the_core_condition(programs):
    assert M1_CORE in programs["r2-iot"].criterion("M1").description


def test_r5_labels_are_the_seeds_headings(programs):
    p = programs["r5-smartcity-2"]
    assert p.criterion("1-3").label == "3つの基本理念：市民（利用者）中心主義"
    assert p.criterion("1-4").label == p.criterion("1-5").label == "3つの基本理念：ビジョン・課題中心主義"
    assert "分野間連携①" in p.criterion("5-1").label
    assert "分野間連携②" in p.criterion("5-2").label
    assert "都市間連携①" in p.criterion("5-4").label
    assert "都市間連携②" in p.criterion("5-5").label
    assert "①one to many" in p.criterion("5-2").description and "②many to one" in p.criterion("5-2").description


def test_r5_groups_have_the_seeds_questions(programs):
    p = programs["r5-smartcity-2"]
    groups = {g.name: g.question for g in p.groups}
    assert set(groups) == {c.group for c in p.criteria}
    assert groups["(1) 適合性"] == "事業の目的に適合しているか。"
    assert all(q for name, q in groups.items() if name != "(6) その他"), groups


def test_every_group_a_criterion_names_is_listed(programs):
    for prog in programs.values():
        names = {g.name for g in prog.groups}
        assert names and all(c.group in names for c in prog.criteria), prog.id


def test_no_criteria_file_has_max_field_share(programs):
    for path in sorted(criteria_dir().glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert "max_field_share" not in data.get("selection", {}), path.name
    assert all(p.selection.max_field_share is None for p in programs.values())


def test_r2_ai_plan_fields_are_the_tools_default(programs):
    p = programs["r2-ai-plan"]
    assert len(p.fields) >= 8
    assert {"ai-ocr", "rpa", "other"} <= {f.id for f in p.fields}
    assert "本ツールの既定" in p.fields_note and "実施要領に分野の定めはありません" in p.fields_note


# ---------------------------------------------------------------------------
# tools/compare_seeds.py on a made-up criteria file and seed

SEED = """# 事業の実施要領

本事業は、地域の　課題を解決することを目的として実施する。

(1) 「適合性」：事業の目的に適合しているか。
(1) - 1	必須要件	【応募主体】 都道府県、市町村のいずれかであること
(1) - 2	推奨要件	【実施計画】 事業の実施計画が
効率的に組み立てられていること
"""

CRITERIA = """
id = "toy"
name = "見本の事業"
fiscal_year = 2023
source = "見本"
description = "本事業は、地域の課題を解決することを目的として実施する。"
fields_note = "本ツールの既定の分類です。"

[[groups]]
name = "(1) 適合性"
question = "事業の目的に適合しているか。"

[[criteria]]
id = "1-1"
kind = "must"
group = "(1) 適合性"
label = "応募主体"
description = "都道府県、市町村のいずれかであること"

[[criteria]]
id = "1-2"
kind = "scored"
group = "(1) 適合性"
label = "実施計画"
description = "事業の実施計画が効率的に組み立てられていること"
note = "本ツールの注記"
"""


@pytest.fixture(scope="module")
def compare():
    spec = importlib.util.spec_from_file_location("compare_seeds", ROOT / "tools" / "compare_seeds.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module.main


def run(compare, tmp_path, criteria):
    (tmp_path / "criteria").mkdir(exist_ok=True)
    (tmp_path / "criteria" / "toy.toml").write_text(criteria, encoding="utf-8")
    (tmp_path / "seed.txt").write_text(SEED, encoding="utf-8")
    return compare(["--criteria", str(tmp_path / "criteria"), str(tmp_path / "seed.txt")])


def test_compare_passes_texts_the_seed_holds(compare, tmp_path, capsys):
    assert run(compare, tmp_path, CRITERIA) == 0
    out = capsys.readouterr().out
    assert "0 differences" in out and "DIFFERS" not in out
    assert "skipped (the tool's own text): fields_note" in out
    assert "skipped (the tool's own text): criteria[1].note" in out


def test_compare_reports_a_changed_label(compare, tmp_path, capsys):
    assert run(compare, tmp_path, CRITERIA.replace('label = "実施計画"', 'label = "実施計画の妥当性"')) == 1
    out = capsys.readouterr().out
    assert "DIFFERS toy.toml criteria[1].label" in out
    assert "ours: 実施計画の妥当性" in out and "seed (closest, ratio" in out and "実施計画" in out


def test_compare_reports_a_heading_with_another_criterions_description(compare, tmp_path, capsys):
    swapped = CRITERIA.replace('label = "応募主体"', 'label = "実施計画"', 1)
    assert run(compare, tmp_path, swapped) == 1
    assert "criteria[0].label+description" in capsys.readouterr().out


def test_compare_map_names_the_seed(compare, tmp_path, capsys):
    (tmp_path / "other.txt").write_text("関係のない文書。", encoding="utf-8")
    run(compare, tmp_path, CRITERIA)
    capsys.readouterr()
    code = compare(["--criteria", str(tmp_path / "criteria"), "--map", f"toy={tmp_path / 'other.txt'}",
                    str(tmp_path / "seed.txt")])
    assert code == 1 and "other.txt (--map)" in capsys.readouterr().out
