"""主な実施地域 (SPEC §6.1): an application's ``[area]`` decides its bureau everywhere, its
municipalities count as conflicts, and a bad ``[area]`` is named by file, field and line."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import IOT_APP, ROOT, app, doc, write
from wsutil import run

from reviewer.domain.model import Panel
from reviewer.files.load import load_paths
from reviewer.rules.access import conflict
from reviewer.rules.assign import plan_assignment
from reviewer.tui.screens.document import area_text
from reviewer.workspace import Workspace

#: A corporation seated in 東京都 (関東) whose project is in 宮城県 (東北).
ELSEWHERE = doc(
    IOT_APP, id="T-0002", title="石巻市の観光データ連携",
    applicant={"name": "株式会社東京観光データ", "type": "corporation", "prefecture": "東京都"},
    consortium=[{"name": "石巻市", "type": "city", "lg_code": "042021"}],
    area={"prefecture": "宮城県", "lg_codes": ["042021", "042056"]},
)

PANEL = {"evaluators": [
    {"id": "e-tokyo", "name": "東京 一郎", "programs": ["r2-iot"], "prefecture": "東京都"},
    {"id": "e-sendai", "name": "仙台 花子", "programs": ["r2-iot"], "prefecture": "宮城県"},
    {"id": "e-hokkaido", "name": "札幌 次郎", "programs": ["r2-iot"], "prefecture": "北海道"},
    {"id": "c01", "name": "委員長", "role": "chair", "programs": ["r2-iot"]},
]}


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("area")
    (tmp / "criteria").mkdir()
    shutil.copy(ROOT / "criteria" / "r2-iot.toml", tmp / "criteria" / "r2-iot.toml")
    write(tmp, "apps/T-0001.toml", IOT_APP)
    write(tmp, "apps/T-0002.toml", ELSEWHERE)
    write(tmp, "panel.toml", PANEL)
    path = tmp / "ws"
    r = run("init", "--workspace", str(path), "--criteria", str(tmp / "criteria"),
            "--applications", str(tmp / "apps"), "--panel", str(tmp / "panel.toml"))
    assert r.returncode == 0, r.stderr
    return path


def test_bureau_is_the_areas():
    assert app(ELSEWHERE).bureau == "東北"
    assert app(IOT_APP).bureau == "北海道"  # without [area]: the applicant's seat
    assert app(IOT_APP, area={"prefecture": "青森県"}).bureau == "東北"


def test_rank_json_and_balance_use_the_area(ws_path):
    r = run("rank", "--workspace", str(ws_path), "--program", "r2-iot", "--json")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    bureaus = {a["id"]: a["bureau"] for a in j["applications"]}
    assert bureaus == {"T-0001": "北海道", "T-0002": "東北"}
    balance = {b["bureau"]: b["applications"] for b in j["balance"]}
    assert balance["東北"] == 1 and balance["関東"] == 0 and balance["北海道"] == 1


def test_workspace_rows_keep_the_seat_and_the_areas_bureau(ws_path):
    with Workspace.open(ws_path) as ws:
        rows = {r.id: r for r in ws.application_rows("r2-iot")}
        assert (rows["T-0002"].prefecture, rows["T-0002"].bureau) == ("東京都", "東北")
        assert (rows["T-0001"].prefecture, rows["T-0001"].bureau) == ("北海道", "北海道")
        assert ws.applications("r2-iot")["T-0002"].area is not None


def test_avoid_own_bureau_compares_the_areas_bureau():
    panel = Panel.model_validate(PANEL)
    plan = plan_assignment([app(ELSEWHERE)], panel, "r2-iot", 3, avoid_own_bureau=True)
    assigned = {e for _, e in plan.pairs}
    assert assigned == {"e-tokyo", "e-hokkaido"}  # the seat's bureau (関東) may review; the area's may not
    assert any("同じ総合通信局（東北）で除外 1 人" in s for s in plan.shortfalls)


def test_assign_command_avoids_the_areas_bureau(ws_path):
    r = run("assign", "--workspace", str(ws_path), "--program", "r2-iot", "--per-application", "2",
            "--avoid-own-bureau")
    assert r.returncode == 0, r.stderr
    with Workspace.open(ws_path) as ws:
        pairs = {(a.application, a.evaluator) for a in ws.assignments("r2-iot")}
    assert {e for a, e in pairs if a == "T-0002"} == {"e-tokyo", "e-hokkaido"}
    assert {e for a, e in pairs if a == "T-0001"} == {"e-tokyo", "e-sendai"}


def test_area_municipalities_are_conflicts():
    panel = Panel.model_validate({"evaluators": [
        {"id": "e1", "name": "気仙沼 三郎", "programs": ["r2-iot"], "conflicts": ["042056"]}]})
    assert "042056" in app(ELSEWHERE).lg_codes
    assert conflict(panel.evaluators[0], app(ELSEWHERE))
    assert not conflict(panel.evaluators[0], app(IOT_APP))


def test_document_header_names_the_area():
    assert area_text(app(ELSEWHERE)) == "宮城県（石巻市、気仙沼市）、東北総合通信局管内"
    assert area_text(app(IOT_APP, area={"prefecture": "宮城県"})) == "宮城県、東北総合通信局管内"


AREA_TOML = """\
id = "T-0009"
program = "r2-iot"
title = "実施地域のある申請"

[applicant]
name = "株式会社東京観光データ"
type = "corporation"
prefecture = "東京都"

[[consortium]]
name = "石巻市"
type = "city"
lg_code = "042021"

[budget]
total_cost_yen = 12_000_000
requested_subsidy_yen = 6_000_000

[area]
prefecture = {prefecture}
lg_codes = ["042021", {code}]
"""


def problems(tmp_path, programs, prefecture='"宮城県"', code='"042056"'):
    path = write(tmp_path, "app.toml", AREA_TOML.format(prefecture=prefecture, code=code))
    return [p for p in load_paths([path], base_programs=programs).problems if p.field.startswith("area")]


def test_valid_area_loads(tmp_path, programs):
    path = write(tmp_path, "app.toml", AREA_TOML.format(prefecture='"宮城県"', code='"042056"'))
    bundle = load_paths([path], base_programs=programs)
    assert [p for p in bundle.problems if p.field.startswith("area")] == []


def test_unknown_area_prefecture(tmp_path, programs):
    [p] = problems(tmp_path, programs, prefecture='"宮城"')
    assert p.field == "area.prefecture" and p.line == 20 and "宮城" in p.message and "都道府県名" in p.message
    assert p.path.endswith("app.toml")


def test_area_code_of_another_prefecture(tmp_path, programs):
    [p] = problems(tmp_path, programs, code='"012025"')  # 函館市, 北海道
    assert p.field == "area.lg_codes[1]" and p.line == 21
    assert "012025" in p.message and "01" in p.message and "04" in p.message and "宮城県" in p.message


def test_area_code_with_a_wrong_check_digit(tmp_path, programs):
    [p] = problems(tmp_path, programs, code='"042057"')
    assert p.field == "area.lg_codes[1]" and p.line == 21 and "検査数字" in p.message and "042056" in p.message


def test_area_code_of_no_prefecture(tmp_path, programs):
    [p] = problems(tmp_path, programs, code='"990001"')  # a right check digit, but 99 is no prefecture
    assert p.field == "area.lg_codes[1]" and p.line == 21 and "どの都道府県のコードでもありません" in p.message


def test_area_needs_its_prefecture(tmp_path, programs):
    text = AREA_TOML.format(prefecture='"宮城県"', code='"042056"').replace('prefecture = "宮城県"\n', "")
    path = write(tmp_path, "app.toml", text)
    [p] = [p for p in load_paths([path], base_programs=programs).problems if p.field.startswith("area")]
    assert p.field == "area.prefecture" and "必須" in p.message


def test_validate_command_names_file_field_and_line(tmp_path):
    path = write(tmp_path, "app.toml", AREA_TOML.format(prefecture='"宮城県"', code='"012025"'))
    r = run("validate", str(path))
    assert r.returncode == 1
    assert f"{path}:21: area.lg_codes[1]: " in r.stderr
    assert "Traceback" not in r.stderr
