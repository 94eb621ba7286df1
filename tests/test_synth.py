"""reviewer.synth: synthetic workspaces and input files are valid, balanced and deterministic."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections import Counter

import pytest
from conftest import ROOT

from reviewer import synth
from reviewer.cli import build_parser, main
from reviewer.domain import regions
from reviewer.domain.model import Application, Sheet
from reviewer.files.load import load_paths
from reviewer.rules import access
from reviewer.rules.checks import application_problems, run_checks
from reviewer.rules.sheets import sheet_problems
from reviewer.services.results import score_workspace
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import assignment_problem
from reviewer.workspace import Workspace

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROGRAM = "r5-smartcity-2"
N, E, K, SEED = 220, 8, 3, 7


@pytest.fixture(scope="module")
def data():
    return synth.generate(PROGRAM, N, E, K, SEED)


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("synth") / "ws"
    summary = synth.synth_workspace(path, PROGRAM, N, E, K, SEED, data=data)
    assert summary["applications"] == N and summary["sheets"] == N * K and summary["chair"] == "chair"
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("inputs")
    synth.write_inputs(folder, PROGRAM, N, E, K, SEED, data=data)
    return folder


def rows(path, sql, *args):
    with sqlite3.connect(path / "reviewer.db") as db:
        return db.execute(sql, args).fetchall()


# ---------------------------------------------------------------------------
# the workspace


def test_applications_revalidate_from_stored_json_and_toml(ws_path):
    with Workspace.open(ws_path) as ws:
        prog = ws.program(PROGRAM)
        apps = ws.applications(PROGRAM)
    assert len(apps) == N
    stored = {aid: content for aid, content in rows(ws_path, "SELECT id, content FROM applications")}
    for aid, app in apps.items():
        again = Application.model_validate(tomllib.loads(stored[aid]))
        assert again == app
        assert application_problems(app, prog) == []


def test_applicants_are_real_municipalities_with_the_right_types(data):
    codes = regions.municipalities()
    types = Counter()
    for app in data.applications:
        a = app.applicant
        types[a.type] += 1
        if a.type == "corporation":
            assert a.lg_code is None and a.governance and a.related_lg_codes or app.id in data.intended_failures
            continue
        m = codes[a.lg_code]
        assert (m.prefecture, m.name) == (a.prefecture, a.name)
        expected = {"prefecture": regions.is_prefecture_code(a.lg_code),
                    "designated_city": a.lg_code in regions.DESIGNATED_CITIES,
                    "special_ward": regions.is_special_ward_code(a.lg_code),
                    "town": a.name.endswith("町"), "village": a.name.endswith("村"),
                    "core_city": a.name in regions.CORE_CITIES}
        assert expected.get(a.type, a.type == "city" and a.name.endswith("市")), (a.type, a.name)
        for member in app.consortium:
            if member.lg_code:
                assert codes[member.lg_code].name == member.name
    assert {"city", "town", "corporation"} <= set(types)


def test_all_eleven_bureaus(ws_path):
    bureaus = {b for (b,) in rows(ws_path, "SELECT DISTINCT bureau FROM applications")}
    assert bureaus == set(regions.BUREAUS)


def test_each_application_has_k_submitted_valid_sheets(ws_path):
    per_app = dict(rows(ws_path, "SELECT application, COUNT(*) FROM sheets WHERE status = 'submitted' GROUP BY application"))
    assert len(per_app) == N and set(per_app.values()) == {K}
    assert rows(ws_path, "SELECT COUNT(*) FROM sheets WHERE status != 'submitted'") == [(0,)]
    unassigned = rows(ws_path, "SELECT COUNT(*) FROM sheets s LEFT JOIN assignments a ON a.program = s.program"
                               " AND a.application = s.application AND a.evaluator = s.evaluator"
                               " WHERE a.active IS NOT 1")
    assert unassigned == [(0,)]
    with Workspace.open(ws_path) as ws:
        prog, apps = ws.program(PROGRAM), ws.applications(PROGRAM)
        for s in ws.sheets(PROGRAM):
            assert assignment_problem(ws, s.evaluator, apps[s.application]) is None
            sheet = Sheet.model_validate({"application": s.application, "status": s.status,
                                          "comment": s.comment, "scores": s.scores})
            assert sheet_problems(sheet, prog, apps[s.application]) == []


def test_loads_are_balanced_and_conflicts_avoided(ws_path, data):
    loads = dict(rows(ws_path, "SELECT evaluator, COUNT(*) FROM assignments WHERE active = 1 GROUP BY evaluator"))
    evaluators = [e for e in data.panel.evaluators if e.role == "evaluator"]
    assert len(evaluators) == E and set(loads) == {e.id for e in evaluators}
    assert max(loads.values()) - min(loads.values()) <= 1
    chair = [e for e in data.panel.evaluators if e.role == "chair"]
    assert [c.id for c in chair] == ["chair"] and chair[0].programs == [PROGRAM]
    assert len({e.prefecture for e in evaluators}) == E  # spread over the country
    apps = {a.id: a for a in data.applications}
    for aid, eid in data.pairs:
        assert not access.conflict(data.panel.evaluator(eid), apps[aid])


def test_audit_has_one_summary_row_per_bulk_action(ws_path):
    actions = [a for (a,) in rows(ws_path, "SELECT action FROM audit ORDER BY seq")]
    assert actions == ["criteria-add", "application-add", "panel-load", "assign", "sheet-submit", "init"]
    (new,) = rows(ws_path, "SELECT new FROM audit WHERE action = 'sheet-submit'")[0]
    assert json.loads(new) == {"count": N * K}


def test_rank_works_and_shows_the_intended_failures(ws_path, data, capsys):
    with Workspace.open(ws_path) as ws:
        result = score_workspace(ws, PROGRAM)
    assert result.ranked and result.selected and result.oversubscribed
    by_id = {a.id: a for a in result.applications}
    for aid, code in data.intended_failures.items():
        assert code in by_id[aid].reasons
    assert data.intended_failures, "a few applications break one automatic check"
    assert sum(1 for a in result.applications if not a.eligible) < N // 4
    rates = [s.mean for s in result.evaluator_stats]
    assert max(rates) - min(rates) > 3  # evaluators differ in severity
    assert result.agreement.alpha is not None and 0 < result.agreement.alpha < 1
    assert main(["rank", "--workspace", str(ws_path), "--program", PROGRAM, "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert len(j["applications"]) == N and any(a["selected"] for a in j["applications"])


def test_must_items_mostly_pass_with_some_fails(data):
    marks = Counter(v for *_, scores in data.sheets for v in scores.values() if isinstance(v, str))
    assert marks["fail"] > 0 and marks["pass"] > 50 * marks["fail"]
    values = Counter(v for *_, scores in data.sheets for v in scores.values() if isinstance(v, int))
    assert len(values) >= 5  # the scale is used


# ---------------------------------------------------------------------------
# determinism


def test_deterministic_for_a_seed(data):
    again = synth.generate(PROGRAM, N, E, K, SEED)
    assert again.application_texts == data.application_texts
    assert again.panel == data.panel and again.pairs == data.pairs and again.sheets == data.sheets
    other = synth.generate(PROGRAM, N, E, K, SEED + 1)
    assert other.application_texts != data.application_texts and other.sheets != data.sheets
    # the applications depend on (program, N, seed) only
    assert synth.generate(PROGRAM, N, E + 2, K - 1, SEED, with_sheets=False).application_texts == data.application_texts


# ---------------------------------------------------------------------------
# the TOML files


def test_write_inputs_pass_load_paths(inputs, data):
    bundle = load_paths([inputs])
    assert bundle.problems == [], "\n".join(map(str, bundle.problems[:10]))
    assert bundle.applications[PROGRAM] == {a.id: a for a in data.applications}
    assert bundle.count("scores") == E and sum(len(sf.sheets) for _, sf in bundle.score_files) == N * K
    assert len(bundle.panel.assignments) == N * K
    for aid, app in bundle.applications[PROGRAM].items():
        assert (inputs / "applications" / f"{aid}.toml").read_text("utf-8") == data.application_texts[aid]


def test_score_files_have_the_sample_format(inputs):
    """Line for line the layout of sample_applications/scores (keys in the same order)."""
    sample = (ROOT / "sample_applications" / "scores" / f"e08-{PROGRAM}.toml").read_text("utf-8").splitlines()
    ours = sorted((inputs / "scores").glob("*.toml"))[0].read_text("utf-8").splitlines()

    def keys(lines):
        return [line.split(" = ")[0] if " = " in line else line for line in lines[2:40]]

    assert ours[0].startswith("# 採点票") and keys(ours) == keys(sample)


def test_imported_score_files_equal_the_synthetic_sheets(tmp_path, data, inputs, ws_path):
    target = tmp_path / "target"
    synth.synth_workspace(target, PROGRAM, N, E, K, SEED, with_sheets=False, data=data)
    assert rows(target, "SELECT COUNT(*) FROM sheets") == [(0,)]
    assert main(["import-scores", "--workspace", str(target), str(inputs / "scores")]) == 0
    q = "SELECT application, evaluator, status, comment, scores FROM sheets ORDER BY application, evaluator"
    assert rows(target, q) == rows(ws_path, q)


def test_init_from_the_files_stores_the_same_contents(tmp_path, inputs, ws_path):
    path = tmp_path / "ws"
    report = init_workspace(path, inputs / "criteria", inputs / "applications", inputs / "panel.toml")
    assert report.applications_added == N
    q = "SELECT id, sha256 FROM applications ORDER BY id"
    assert rows(path, q) == rows(ws_path, q)
    pairs = "SELECT application, evaluator FROM assignments ORDER BY application, evaluator"
    assert rows(path, pairs) == rows(ws_path, pairs)


# ---------------------------------------------------------------------------
# the other programs


@pytest.mark.parametrize("program", ["r2-iot", "r2-ai-plan"])
def test_other_programs(program):
    d = synth.generate(program, 150, 6, 2, 3)
    prog = d.program
    for app in d.applications:
        assert app.applicant.type in prog.eligibility.applicant_types or d.intended_failures.get(app.id) == "applicant-type"
        assert application_problems(app, prog) == []
        failed = [r.code for r in run_checks(app, prog) if not r.passed]
        assert failed == ([d.intended_failures[app.id]] if app.id in d.intended_failures else [])
    if program == "r2-iot":
        assert all(app.track and app.model for app in d.applications)
        corps = [a for a in d.applications if a.applicant.type == "corporation" and a.id not in d.intended_failures]
        assert corps and all(any(m.type != "corporation" for m in a.consortium) for a in corps)
    else:
        assert all(a.budget.requested_subsidy_yen == 0 and a.declarations.plan_this_year is not None
                   for a in d.applications)
    assert len(d.sheets) == 150 * 2


# ---------------------------------------------------------------------------
# the command


def synth_cmd(*argv: str) -> int:
    args = build_parser().parse_args(["synth", *argv])
    return args.func(args)


def test_command_creates_a_workspace(tmp_path, capsys):
    ws = tmp_path / "ws"
    rc = synth_cmd("--workspace", str(ws), "--program", "r2-iot", "--applications", "30", "--evaluators", "4",
                   "--reviews-per-application", "2", "--seed", "5", "--write-inputs", str(tmp_path / "in"))
    out = capsys.readouterr().out
    assert rc == 0 and "合成ワークスペース" in out and "採点票: 60 枚" in out
    assert (tmp_path / "in" / "panel.toml").is_file() and len(list((tmp_path / "in" / "scores").glob("*.toml"))) == 4


@pytest.mark.parametrize("argv, message", [
    (["--program", PROGRAM, "--applications", "10", "--evaluators", "3", "--reviews-per-application", "4"],
     "評価者数 3 を超えています"),
    (["--program", "no-such", "--applications", "10", "--evaluators", "3", "--reviews-per-application", "2"],
     "事業 no-such の審査基準がありません"),
    (["--program", PROGRAM, "--applications", "0", "--evaluators", "3", "--reviews-per-application", "2"],
     "申請数"),
    (["--program", PROGRAM, "--applications", "5", "--evaluators", "3", "--reviews-per-application", "0"],
     "1 以上です"),
])
def test_command_refuses_bad_input(tmp_path, capsys, argv, message):
    rc = synth_cmd("--workspace", str(tmp_path / "ws"), *argv)
    err = capsys.readouterr().err
    assert rc == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "ws").exists()


def test_command_refuses_an_existing_workspace(tmp_path, capsys):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "x").write_text("x")
    rc = synth_cmd("--workspace", str(ws), "--program", PROGRAM, "--applications", "5", "--evaluators", "3",
                   "--reviews-per-application", "2")
    assert rc == 1 and "既にあります" in capsys.readouterr().err
