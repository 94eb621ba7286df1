"""reviewer import-scores, template, status and reopen through the command line."""

from __future__ import annotations

import pytest
import tomllib
from conftest import write
from wsutil import FULL, make_inputs, run

from reviewer.services.setup import init_workspace
from reviewer.services.sheets import reopen_sheet
from reviewer.workspace import Workspace, WorkspaceError


@pytest.fixture
def ws_path(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    return tmp_path / "ws"


def scores_file(tmp_path, name, sheets, evaluator="e01"):
    return write(tmp_path, name, {"evaluator": evaluator, "program": "r2-iot", "sheets": sheets})


def sheet(app, status="submitted", scores=None, comment="KPIが定量的で妥当。"):
    return {"application": app, "status": status, "comment": comment, "scores": FULL if scores is None else scores}


def sheet_count(ws_path):
    with Workspace.open(ws_path) as ws:
        return len(ws.sheets()), ws.conn.execute("SELECT COUNT(*) FROM audit WHERE action LIKE 'sheet-%'").fetchone()[0]


def test_import_then_reimport_changes_nothing(tmp_path, ws_path):
    f = scores_file(tmp_path, "s.toml", [sheet("T-0001"), sheet("T-0002", "draft", {"A1": 1})])
    r = run("import-scores", "--workspace", str(ws_path), str(f))
    assert r.returncode == 0, r.stderr
    assert "提出済み 1 件、下書き 1 件（新しく作成 1 件）" in r.stdout
    before = sheet_count(ws_path)
    r = run("import-scores", "--workspace", str(ws_path), str(f))
    assert r.returncode == 0 and "変更なし 2" in r.stdout
    assert sheet_count(ws_path) == before == (2, 2)


def test_a_file_imports_whole_or_not_at_all(tmp_path, ws_path):
    bad = scores_file(tmp_path, "bad.toml", [sheet("T-0001"), sheet("T-0002", scores=dict(FULL, A3=7)), sheet("T-0003", scores={"M1": "pass"})])
    good = scores_file(tmp_path, "good.toml", [sheet("T-0001")], evaluator="e03")
    r = run("import-scores", "--workspace", str(ws_path), str(bad), str(good))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert any(l.startswith(f"{bad}:") and "sheets[1]（T-0002）.scores.A3" in l for l in lines)
    assert any("sheets[2]（T-0003）.scores" in l and "未採点" in l for l in lines)
    assert "1 件のファイルを取り込めませんでした" in lines[-1]
    with Workspace.open(ws_path) as ws:
        assert [(s.application, s.evaluator) for s in ws.sheets()] == [("T-0001", "e03")]


def test_different_content_over_a_submitted_sheet_needs_replace(tmp_path, ws_path):
    scores_file(tmp_path, "a.toml", [sheet("T-0001"), sheet("T-0002")])
    assert run("import-scores", "--workspace", str(ws_path), str(tmp_path / "a.toml")).returncode == 0
    f = scores_file(tmp_path, "b.toml", [sheet("T-0002", "draft", {"A1": 1}), sheet("T-0001", scores=dict(FULL, A1=5))])
    r = run("import-scores", "--workspace", str(ws_path), str(f))
    assert r.returncode == 1
    assert f"{f}:" in r.stderr and "sheets[0]（T-0002）" in r.stderr and "--replace" in r.stderr
    with Workspace.open(ws_path) as ws:
        assert ws.sheet("r2-iot", "T-0001", "e01").scores["A1"] == 3  # nothing of b.toml was written
    r = run("import-scores", "--workspace", str(ws_path), "--replace", str(f))
    assert r.returncode == 0 and "差し替え 2" in r.stdout
    with Workspace.open(ws_path) as ws:
        assert ws.sheet("r2-iot", "T-0001", "e01").scores["A1"] == 5
        assert ws.sheet("r2-iot", "T-0002", "e01").status == "draft"


def test_unassigned_and_conflicting_sheets_are_refused(tmp_path, ws_path):
    conflict = scores_file(tmp_path, "c.toml", [sheet("T-0001")], evaluator="e02")
    chair = scores_file(tmp_path, "d.toml", [sheet("T-0001")], evaluator="c01")
    unknown = scores_file(tmp_path, "e.toml", [sheet("T-0099")])
    r = run("import-scores", "--workspace", str(ws_path), str(conflict), str(chair), str(unknown))
    assert r.returncode == 1
    assert "利害関係" in r.stderr and "割り当てられていません" in r.stderr and "T-0099" in r.stderr
    assert sheet_count(ws_path) == (0, 0)


def test_wrong_kind_and_broken_files(tmp_path, ws_path):
    app = tmp_path / "apps" / "T-0001.toml"
    broken = write(tmp_path, "broken.toml", "evaluator = \n")
    r = run("import-scores", "--workspace", str(ws_path), str(app), str(broken), str(tmp_path / "missing.toml"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "採点票ではありません" in r.stderr and f"{broken}:1:" in r.stderr and "見つかりません" in r.stderr


def test_progress_bar_for_many_files(tmp_path, ws_path):
    files = [scores_file(tmp_path, f"p{i}.toml", [sheet(f"T-000{i}", "draft", {"A1": i})]) for i in (1, 2, 3)]
    r = run("import-scores", "--workspace", str(ws_path), "--progress", *map(str, files))
    assert r.returncode == 0
    assert "採点票の取り込み [" in r.stderr and "3/3" in r.stderr
    plain = run("import-scores", "--workspace", str(ws_path), *map(str, files))
    assert plain.stderr == ""  # no bar when stderr is not a terminal


def test_template_lists_assignments_with_labels_and_imports_as_is(tmp_path, ws_path):
    out = tmp_path / "tpl.toml"
    r = run("template", "--workspace", str(ws_path), "--evaluator", "e01", "--output", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text("utf-8")
    doc = tomllib.loads(text)
    assert doc["evaluator"] == "e01" and [s["application"] for s in doc["sheets"]] == ["T-0001", "T-0002", "T-0003"]
    assert "# A7 = 0  # 加点 新型コロナウイルス感染症対策（0〜5 の整数）" in text
    assert '# M4 = "pass"  # 必須 官民データ活用推進計画の策定状況（"pass" / "fail"）' in text
    assert "B1" not in text  # another track's item
    # as it is, it imports as empty drafts
    assert run("import-scores", "--workspace", str(ws_path), str(out)).returncode == 0
    # filled in offline (uncomment every line, submit) it imports as submitted sheets
    filled = text.replace("# M", "M").replace("# A", "A").replace('status = "draft"', 'status = "submitted"')
    out.write_text(filled, "utf-8")
    r = run("import-scores", "--workspace", str(ws_path), str(out))
    assert r.returncode == 0 and "提出済み 3 件" in r.stdout, r.stderr
    # and a template written now carries the saved values
    run("template", "--workspace", str(ws_path), "--evaluator", "e01", "--output", str(out))
    again = tomllib.loads(out.read_text("utf-8"))
    assert again["sheets"][0]["status"] == "submitted" and again["sheets"][0]["scores"]["A1"] == 0
    assert run("import-scores", "--workspace", str(ws_path), str(out)).stdout.count("変更なし 3") == 1


def test_template_escapes_untrusted_text(tmp_path):
    from conftest import IOT_APP, doc

    crit, apps, panel = make_inputs(tmp_path, n_apps=0)
    write(tmp_path, "apps/x.toml", doc(IOT_APP, id="T-0001", title='悪意\n[[sheets]]\napplication = "X" ="'))
    init_workspace(tmp_path / "ws", crit, apps, panel)
    out = tmp_path / "t.toml"
    assert run("template", "--workspace", str(tmp_path / "ws"), "--evaluator", "e01", "--output", str(out)).returncode == 0
    doc_ = tomllib.loads(out.read_text("utf-8"))
    assert [s["application"] for s in doc_["sheets"]] == ["T-0001"]


def test_template_needs_program_when_ambiguous(tmp_path, ws_path):
    r = run("template", "--workspace", str(ws_path), "--evaluator", "e09", "--output", str(tmp_path / "x.toml"))
    assert r.returncode == 1 and "e09" in r.stderr


def test_status_shows_progress_per_evaluator_and_application(tmp_path, ws_path):
    scores_file(tmp_path, "a.toml", [sheet("T-0001"), sheet("T-0002", "draft", {"A1": 1})])
    run("import-scores", "--workspace", str(ws_path), str(tmp_path / "a.toml"))
    r = run("status", "--workspace", str(ws_path), "--program", "r2-iot")
    assert r.returncode == 0
    line = next(l for l in r.stdout.splitlines() if l.startswith("e01"))
    assert line.split()[-5:] == ["3", "1", "1", "1", "33%"]
    assert "提出済 1 / 割当 6" in r.stdout
    import json

    data = json.loads(run("status", "--workspace", str(ws_path), "--json").stdout)
    apps = {a["application"]: a for a in data[0]["applications"]}
    assert (apps["T-0002"]["assigned"], apps["T-0002"]["drafted"], apps["T-0002"]["submitted"]) == (2, 1, 0)


def test_reopen_command(tmp_path, ws_path):
    scores_file(tmp_path, "a.toml", [sheet("T-0001")])
    run("import-scores", "--workspace", str(ws_path), str(tmp_path / "a.toml"))
    r = run("reopen", "--workspace", str(ws_path), "--program", "r2-iot", "--application", "T-0001",
            "--evaluator", "e01", "--chair", "e03", "--reason", "x")
    assert r.returncode == 1 and "委員長" in r.stderr
    r = run("reopen", "--workspace", str(ws_path), "--program", "r2-iot", "--application", "T-0001",
            "--evaluator", "e01", "--chair", "c01", "--reason", "根拠の再確認")
    assert r.returncode == 0
    r = run("audit", "--workspace", str(ws_path))
    assert "差し戻し" in r.stdout and "根拠の再確認" in r.stdout and "c01" in r.stdout


def test_progress_bar_counts_failed_files_too(tmp_path, ws_path):
    bad = write(tmp_path, "bad.toml", "evaluator = \n")
    good = scores_file(tmp_path, "good.toml", [sheet("T-0001", "draft", {"A1": 1})])
    r = run("import-scores", "--workspace", str(ws_path), "--progress", str(bad), str(good))
    assert r.returncode == 1 and "2/2" in r.stderr


@pytest.mark.parametrize("reason", ["", "   ", "\u3000\n"])
def test_reopen_refuses_an_empty_reason(tmp_path, ws_path, reason):
    scores_file(tmp_path, "a.toml", [sheet("T-0001")])
    assert run("import-scores", "--workspace", str(ws_path), str(tmp_path / "a.toml")).returncode == 0
    before = sheet_count(ws_path)
    r = run("reopen", "--workspace", str(ws_path), "--program", "r2-iot", "--application", "T-0001",
            "--evaluator", "e01", "--chair", "c01", "--reason", reason)
    assert r.returncode == 2 and "差し戻しの理由を書いてください" in r.stderr and "Traceback" not in r.stderr
    assert sheet_count(ws_path) == before
    with Workspace.open(ws_path) as ws:
        with pytest.raises(WorkspaceError, match="差し戻しの理由を書いてください"):
            reopen_sheet(ws, "r2-iot", "T-0001", "e01", actor="c01", reason=reason, chair="c01")
        assert ws.sheet("r2-iot", "T-0001", "e01").status == "submitted"
