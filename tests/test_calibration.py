"""An evaluator's calibration: their own submitted sheets only, each one's rate exactly as the
ranking computes it (without pandas), and the summary of their rates and item scores."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

import pytest
from conftest import ROOT
from tuiutil import sample_workspace
from wsutil import FULL, make_inputs

from reviewer.scoring.sheet import sheet_rate, spec_of
from reviewer.services.results import score_workspace
from reviewer.services.session import Session
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import save_sheet
from reviewer.workspace import Workspace, WorkspaceError


@pytest.fixture
def sample(tmp_path, tmp_path_factory):
    return sample_workspace(tmp_path, tmp_path_factory.getbasetemp())


@pytest.fixture
def ws_path(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    return tmp_path / "ws"


def calibration_of(path, evaluator):
    s = Session(path, evaluator)
    try:
        return s.calibration(evaluator)
    finally:
        s.close()


def test_the_single_sheet_rate_is_the_rankings_on_the_sample_workspace(sample):
    with Workspace.open(sample) as ws:
        checked = 0
        for pid in ws.program_names():
            result = score_workspace(ws, pid)
            prog = ws.program(pid)
            apps = ws.applications(pid, sections=False)
            by_app = {a.id: a for a in result.applications}
            for s in result.sheets:
                app = apps[s.application]
                mine = sheet_rate(spec_of(prog, app.track, app.applicant.type), s.scores)
                assert mine == pytest.approx(by_app[s.application].sheet_rates[s.evaluator], abs=1e-9)
                checked += 1
    assert checked > 20


def test_calibration_agrees_with_the_ranking_for_every_evaluator(sample):
    with Workspace.open(sample) as ws:
        results = {pid: score_workspace(ws, pid) for pid in ws.program_names()}
        evaluators = sorted({s.evaluator for s in ws.sheets(status="submitted")})
        own_scores = {(s.evaluator, s.program, s.application): s.scores for s in ws.sheets(status="submitted")}
        programs = ws.programs()
    assert len(evaluators) >= 2
    programs_of: dict[str, set[str]] = {}
    for ev in evaluators:
        cal = calibration_of(sample, ev)
        want = {(pid, a.id): a.sheet_rates[ev] for pid, r in results.items() for a in r.applications
                if ev in a.sheet_rates}
        assert {(s.program, s.application): s.rate for s in cal.sheets} == pytest.approx(want, abs=1e-9)
        rates = list(want.values())
        assert cal.count == len(rates) and not cal.empty
        assert cal.mean == pytest.approx(statistics.fmean(rates))
        assert cal.std == pytest.approx(statistics.pstdev(rates))
        assert (cal.min, cal.max) == (pytest.approx(min(rates)), pytest.approx(max(rates)))
        programs_of[ev] = {s.program for s in cal.sheets}
        if len(programs_of[ev]) == 1:  # the chair's 評価者統計 of this evaluator says the same
            [pid] = programs_of[ev]
            stats = next(s for s in results[pid].evaluator_stats if s.evaluator == ev)
            assert (cal.count, cal.mean, cal.std) == (stats.count, pytest.approx(stats.mean), pytest.approx(stats.std))
        for m in cal.criteria:
            values = [sc[m.criterion] for (e, p, _), sc in own_scores.items()
                      if e == ev and p == m.program and type(sc.get(m.criterion)) is int]
            assert m.count == len(values) and m.mean == pytest.approx(statistics.fmean(values))
            assert m.label == programs[m.program].criterion(m.criterion).label
        fails = {(p, a): sum(1 for v in sc.values() if v == "fail") for (e, p, a), sc in own_scores.items() if e == ev}
        assert {(s.program, s.application): s.failed_musts for s in cal.sheets} == fails
    # both cases are there: an evaluator of one program and one of several
    assert {len(p) == 1 for p in programs_of.values()} == {True, False}


def test_calibration_reads_the_evaluators_own_submitted_sheets_only(ws_path):
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", dict(FULL, M2="fail", A1=5), "", "submitted")
        save_sheet(ws, "r2-iot", "T-0002", "e01", {"A1": 0}, "", "draft")      # a draft never counts
        save_sheet(ws, "r2-iot", "T-0001", "e03", dict(FULL, A1=0), "", "submitted")
        save_sheet(ws, "r2-iot", "T-0002", "e03", dict(FULL, A2=5), "", "submitted")
        result = score_workspace(ws, "r2-iot")
    cal = calibration_of(ws_path, "e01")
    [sheet] = cal.sheets
    rates = {a.id: a.sheet_rates for a in result.applications}
    assert (sheet.program, sheet.application, sheet.title) == ("r2-iot", "T-0001", "申請 1")
    assert sheet.rate == pytest.approx(rates["T-0001"]["e01"]) and sheet.rate != rates["T-0001"]["e03"]
    assert sheet.failed_musts == 1 and sheet.submitted_at
    assert (cal.count, cal.std, cal.min, cal.max) == (1, 0.0, sheet.rate, sheet.rate)
    means = {m.criterion: (m.mean, m.count) for m in cal.criteria}
    assert means["A1"] == (5, 1) and means["A2"] == (3, 1) and "M2" not in means
    assert [m.criterion for m in cal.criteria] == [f"A{i}" for i in range(1, 9)]  # the criteria file's order
    other = calibration_of(ws_path, "e03")
    assert [s.application for s in other.sheets] == ["T-0001", "T-0002"] and other.count == 2
    assert other.std == pytest.approx(statistics.pstdev([rates["T-0001"]["e03"], rates["T-0002"]["e03"]]))
    # only the session's own evaluator
    s = Session(ws_path, "e01")
    try:
        with pytest.raises(WorkspaceError):
            s.calibration("e03")
    finally:
        s.close()


def test_nothing_submitted_is_an_empty_calibration(ws_path):
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 3})
    cal = calibration_of(ws_path, "e01")
    assert cal.empty and cal.count == 0 and cal.sheets == () and cal.criteria == ()
    assert cal.mean is cal.std is cal.min is cal.max is None and cal.evaluator == "e01"


def test_calibration_loads_no_pandas(ws_path):
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, "", "submitted")
    code = ("import sys, json; from pathlib import Path; from reviewer.services.session import Session; "
            f"s = Session(Path({str(ws_path)!r}), 'e01'); c = s.calibration('e01'); s.close(); "
            "print(json.dumps([c.count, round(c.mean, 6), [m for m in ('pandas', 'numpy') if m in sys.modules]]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [1, 60.0, []]  # every item 3 of 5


def test_the_command_line_shows_the_evaluators_own_calibration(sample):
    from wsutil import run

    with Workspace.open(sample) as ws:
        own = {s.application for s in ws.sheets(evaluator="e01", status="submitted")}
        others = {s.application for s in ws.sheets(status="submitted")} - own
    out = run("calibration", "--workspace", str(sample), "--evaluator", "e01")
    assert out.returncode == 0, out.stderr
    assert f"提出済み {len(own)} 件" in out.stdout and "項目別の自分の平均点" in out.stdout
    assert all(a in out.stdout for a in own) and not any(a in out.stdout for a in others)
    data = json.loads(run("calibration", "--workspace", str(sample), "--evaluator", "e01", "--json").stdout)
    assert data["count"] == len(own) and {s["application"] for s in data["sheets"]} == own
    assert data["mean"] == pytest.approx(calibration_of(sample, "e01").mean)
    bad = run("calibration", "--workspace", str(sample), "--evaluator", "nobody")
    assert bad.returncode == 1 and "nobody" in bad.stderr and "Traceback" not in bad.stderr
