"""The hearing (SPEC §6.3, §6.4) on real workspaces: the shortlist, hearing sheets (accepted only for
shortlisted applications, rating only the hearing's criteria), the combination
R = (1 − w) R_written + w R_hearing hand-computed for w = 0, 0.5 and 1, the batch path
(template --stage hearing, import-scores) and the move of an older workspace to the stage."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from wsutil import make_inputs, run

from reviewer.services import review
from reviewer.services.results import score_workspace
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import save_sheet
from reviewer.workspace import DB_NAME, SCHEMA_VERSION, Workspace, WorkspaceError, schema

P = "r2-iot"
ALL_A = {f"A{i}": 3 for i in range(1, 9)}
MUSTS = {"M1": "pass", "M2": "pass", "M3": "pass", "M4": "pass"}


def _workspace(tmp_path: Path, weight: float | None = 1.0, criteria: list[str] | None = None) -> Path:
    """Three track-A applications of r2-iot; e01 and e03 score all of them (e02 has a conflict)."""
    crit, apps, panel = make_inputs(tmp_path)
    if weight is not None:
        lines = ["", "[hearing]", f"weight = {weight}"]
        if criteria is not None:
            lines.append("criteria = [" + ", ".join(f'"{c}"' for c in criteria) + "]")
        with open(crit / "r2-iot.toml", "a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    ws = tmp_path / "ws"
    init_workspace(ws, crit, apps, panel)
    with Workspace.open(ws) as w:
        for aid in ("T-0001", "T-0002", "T-0003"):
            save_sheet(w, P, aid, "e01", MUSTS | ALL_A, status="submitted", actor="t")              # r = 60
        save_sheet(w, P, "T-0001", "e03", MUSTS | {k: 5 for k in ALL_A}, status="submitted", actor="t")  # r = 100
        for aid in ("T-0002", "T-0003"):
            save_sheet(w, P, aid, "e03", MUSTS | ALL_A, status="submitted", actor="t")
    return ws


@pytest.mark.parametrize(("weight", "expected"), [(0.0, 80.0), (0.5, 70.0), (1.0, 60.0)])
def test_the_combination_by_hand(tmp_path, weight, expected):
    ws = _workspace(tmp_path, weight, ["A1", "A2"])
    with Workspace.open(ws) as w:
        review.shortlist(w, P, ["T-0001"], "c01", "t", "2026-12-10 10:00", "第1会議室")
        save_sheet(w, P, "T-0001", "e01", {"A1": 5, "A2": 5}, status="submitted", stage="hearing", actor="t")  # 100
        save_sheet(w, P, "T-0001", "e03", {"A1": 1, "A2": 1}, status="submitted", stage="hearing", actor="t")  # 20
        result = score_workspace(w, P)
    a = next(x for x in result.applications if x.id == "T-0001")
    assert a.written_rate == pytest.approx(80.0)       # (60 + 100) / 2
    assert a.hearing_rate == pytest.approx(60.0)       # (100 + 20) / 2 over A1, A2 only
    assert a.score_rate == pytest.approx(expected)     # (1 − w) 80 + w 60
    assert a.total == pytest.approx(expected + a.bonus)
    assert a.reviews == 2 and a.hearing_sheet_rates == {"e01": 100.0, "e03": 20.0}
    assert a.shortlisted
    other = next(x for x in result.applications if x.id == "T-0002")
    assert other.hearing_rate is None and other.score_rate == pytest.approx(60.0) and not other.shortlisted
    done = run("rank", "--workspace", str(ws), "--program", P, "--json", "--resamples", "50")
    assert done.returncode == 0, done.stderr
    js = json.loads(done.stdout)
    row = next(x for x in js["applications"] if x["id"] == "T-0001")
    assert (row["written_rate"], row["hearing_rate"], row["hearing_reviews"]) == (80.0, 60.0, 2)
    assert row["score_rate"] == pytest.approx(expected) and js["hearing_weight"] == weight
    assert row["rank_interval"] is not None  # the resampling runs with the hearing's sheets
    text = run("rank", "--workspace", str(ws), "--program", P, "--resamples", "0")
    assert text.returncode == 0 and f"得点率 = {1 - weight:g} × 書面 + {weight:g} × ヒアリング" in text.stdout
    line = next(x for x in text.stdout.splitlines() if "T-0001" in x and "ヒアリング済" in x)
    assert f"{expected:.2f}" in line


def test_hearing_sheets_only_for_the_shortlist_and_its_criteria(tmp_path):
    ws = _workspace(tmp_path, 0.5, ["A1", "A2"])
    with Workspace.open(ws) as w:
        with pytest.raises(WorkspaceError, match="ヒアリングの対象ではありません"):
            save_sheet(w, P, "T-0001", "e01", {"A1": 3}, stage="hearing", actor="t")
        review.shortlist(w, P, ["T-0001"], "c01", "t")
        with pytest.raises(WorkspaceError, match="ヒアリングで評価する項目ではありません"):
            save_sheet(w, P, "T-0001", "e01", {"A3": 3}, stage="hearing", actor="t")
        with pytest.raises(WorkspaceError, match="ヒアリングで評価する項目ではありません"):
            save_sheet(w, P, "T-0001", "e01", {"M1": "pass"}, stage="hearing", actor="t")
        with pytest.raises(WorkspaceError, match="全項目の採点が必要"):
            save_sheet(w, P, "T-0001", "e01", {"A1": 3}, status="submitted", stage="hearing", actor="t")
        with pytest.raises(WorkspaceError, match="割り当てられていません|利害関係"):
            save_sheet(w, P, "T-0001", "e02", {"A1": 3}, stage="hearing", actor="t")  # e02 is not assigned
        assert save_sheet(w, P, "T-0001", "e01", {"A1": 3}, stage="hearing", actor="t") == "created"
        # the written sheet is untouched, the hearing sheet is its own row
        assert w.sheet(P, "T-0001", "e01").status == "submitted"
        assert w.sheet(P, "T-0001", "e01", "hearing").scores == {"A1": 3}
        # the written progress does not count hearing sheets
        assert w.progress(P).by_evaluator["e01"] == (3, 0, 3)
        # the schema itself refuses a hearing sheet of an unlisted application
        with pytest.raises(sqlite3.IntegrityError, match="shortlisted"):
            w.conn.execute("INSERT INTO sheets(program, application, evaluator, stage, status, scores, created_at,"
                           " updated_at) VALUES (?, 'T-0002', 'e01', 'hearing', 'draft', '{}', 't', 't')", (P,))
        # an application with hearing sheets stays on the shortlist
        with pytest.raises(WorkspaceError, match="外せません"):
            review.unshortlist(w, P, "T-0001", "c01", "t", "日程が合わない")
        review.shortlist(w, P, ["T-0002"], "c01", "t")
        review.unshortlist(w, P, "T-0002", "c01", "t", "辞退")
        assert [e.application for e in w.shortlist(P)] == ["T-0001"]
        with pytest.raises(WorkspaceError, match="委員長"):
            review.shortlist(w, P, ["T-0003"], "e01", "t")
        actions = [e.action for e in w.audit(program=P)]
    assert actions.count("shortlist-add") == 2 and "shortlist-remove" in actions


def test_the_batch_path_template_and_import(tmp_path):
    ws = _workspace(tmp_path, 1.0, ["A1", "A2"])
    with Workspace.open(ws) as w:
        review.shortlist(w, P, ["T-0002"], "c01", "t", "2026-12-11 14:00", "https://meet.example/r")
    out = tmp_path / "h.toml"
    done = run("template", "--workspace", str(ws), "--evaluator", "e01", "--stage", "hearing", "--output", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    assert 'application = "T-0002"' in text and 'stage = "hearing"' in text
    assert "T-0001" not in text and "T-0003" not in text                       # not shortlisted
    assert "# A1 = 0" in text and "A3" not in text and "M1" not in text        # the hearing's criteria only
    assert "書面審査では 3" in text and "2026-12-11 14:00" in text
    filled = text.replace("# A1 = 0", "A1 = 4").replace("# A2 = 0", "A2 = 2").replace('status = "draft"',
                                                                                      'status = "submitted"')
    out.write_text(filled, "utf-8")
    done = run("import-scores", "--workspace", str(ws), str(out))
    assert done.returncode == 0, done.stderr
    with Workspace.open(ws) as w:
        s = w.sheet(P, "T-0002", "e01", "hearing")
        assert s is not None and s.status == "submitted" and s.scores == {"A1": 4, "A2": 2}
        assert w.sheet(P, "T-0002", "e01").scores == MUSTS | ALL_A   # the written sheet unchanged
    done = run("reopen", "--workspace", str(ws), "--program", P, "--application", "T-0002", "--evaluator", "e01",
               "--chair", "c01", "--reason", "A2 の根拠を確認", "--stage", "hearing")
    assert done.returncode == 0 and "ヒアリング" in done.stdout, done.stderr
    with Workspace.open(ws) as w:
        assert w.sheet(P, "T-0002", "e01", "hearing").status == "draft"
        assert w.sheet(P, "T-0002", "e01").status == "submitted"
    assert run("import-scores", "--workspace", str(ws), str(out)).returncode == 0  # submitted again
    status = json.loads(run("status", "--workspace", str(ws), "--program", P, "--json").stdout)[0]
    assert status["hearing"] == [{"application": "T-0002", "scheduled": "2026-12-11 14:00",
                                  "place": "https://meet.example/r", "assigned": 2, "drafted": 0, "submitted": 1}]
    assert status["finalized"] is False and status["open_requests"] == 0
    assert "ヒアリング: 対象 1 件、採点票 提出 1 / 割当 2" in run("status", "--workspace", str(ws), "--program", P).stdout
    # a hearing sheet of an unlisted application is refused with its place in the file, nothing written
    bad = tmp_path / "bad.toml"
    bad.write_text('evaluator = "e03"\nprogram = "r2-iot"\n[[sheets]]\napplication = "T-0002"\nstage = "hearing"\n'
                   'status = "draft"\n[sheets.scores]\nA1 = 1\n[[sheets]]\napplication = "T-0003"\nstage = "hearing"\n'
                   'status = "draft"\n[sheets.scores]\nA1 = 1\n', "utf-8")
    done = run("import-scores", "--workspace", str(ws), str(bad))
    assert done.returncode == 1 and "T-0003" in done.stderr and "ヒアリングの対象ではありません" in done.stderr
    assert "Traceback" not in done.stderr
    with Workspace.open(ws) as w:
        assert w.sheet(P, "T-0002", "e03", "hearing") is None


def test_a_hearing_criterion_must_be_a_scored_one(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    with open(crit / "r2-iot.toml", "a", encoding="utf-8") as f:
        f.write('\n[hearing]\nweight = 0.5\ncriteria = ["A1", "M1"]\n')
    done = run("validate", str(crit))
    assert done.returncode == 1
    assert "hearing" in done.stderr + done.stdout and "M1" in done.stderr + done.stdout
    text = (crit / "r2-iot.toml").read_text("utf-8").replace('criteria = ["A1", "M1"]', "").replace(
        "weight = 0.5", "weight = 1.5")
    (crit / "r2-iot.toml").write_text(text, "utf-8")
    done = run("validate", str(crit))
    assert done.returncode == 1 and "weight" in done.stderr + done.stdout


def test_a_version_4_workspace_gains_the_stage(tmp_path, monkeypatch):
    crit, apps, panel = make_inputs(tmp_path)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 4)  # built as the last release did
    init_workspace(tmp_path / "ws", crit, apps, panel)
    c = sqlite3.connect(tmp_path / "ws" / DB_NAME)
    assert c.execute("PRAGMA user_version").fetchone()[0] == 4
    c.execute("INSERT INTO sheets(program, application, evaluator, status, comment, scores, created_at, updated_at,"
              " submitted_at) VALUES ('r2-iot', 'T-0001', 'e01', 'submitted', '良い', ?, 't', 't', 't')",
              (json.dumps(MUSTS | ALL_A),))
    c.execute("INSERT INTO sheets(program, application, evaluator, status, comment, scores, created_at, updated_at)"
              " VALUES ('r2-iot', 'T-0002', 'e01', 'draft', '', '{}', 't', 't')")
    c.commit()
    c.close()
    monkeypatch.undo()
    with Workspace.open(tmp_path / "ws") as w:
        assert w.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        s = w.sheet(P, "T-0001", "e01")
        assert s is not None and s.stage == "written" and s.comment == "良い" and s.status == "submitted"
        assert w.progress(P).by_evaluator["e01"] == (3, 1, 1)
        with pytest.raises(sqlite3.IntegrityError, match="read-only"):  # the rebuilt table keeps its guards
            w.conn.execute("UPDATE sheets SET scores = '{}' WHERE application = 'T-0001'")
        with pytest.raises(sqlite3.IntegrityError, match="an assignment with a sheet cannot end"):
            w.conn.execute("UPDATE assignments SET active = 0 WHERE application = 'T-0001' AND evaluator = 'e01'")
        save_sheet(w, P, "T-0003", "e01", {"A1": 1}, actor="t")
        assert w.progress(P).by_evaluator["e01"] == (3, 2, 1)


def test_next_unfinished_counts_the_hearing_sheet(tmp_path):
    """F3's next application: all written sheets are submitted, so only a hearing sheet still to
    submit makes an application unfinished; once the result is finalized nothing is."""
    from reviewer.services.session import Session

    ws = _workspace(tmp_path, 1.0, ["A1", "A2"])
    s = Session(ws, "e01")
    try:
        assert s.next_unfinished("e01", P, "T-0001") is None
        review.shortlist(s.ws, P, ["T-0003"], "c01", "t")
        assert s.next_unfinished("e01", P, "T-0001") == (P, "T-0003")
        save_sheet(s.ws, P, "T-0003", "e01", {"A1": 1, "A2": 1}, status="submitted", stage="hearing", actor="t")
        assert s.next_unfinished("e01", P, "T-0001") is None
        review.shortlist(s.ws, P, ["T-0002"], "c01", "t")
        review.finalize(s.ws, P, "c01", "t", score_workspace(s.ws, P))
        assert s.next_unfinished("e01", P, "T-0001") is None
    finally:
        s.close()
