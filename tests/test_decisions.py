"""Decisions, additional materials, opinions and the finalized result (SPEC §6.7) on real
workspaces: the final list against the budget and the quotas with its warnings, the §6.7 fields
of rank --json, finalize refusing every later write (from this process, another process and plain
SQL) until reopen-result, and each step in the audit log."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from wsutil import make_inputs, run

from reviewer.domain.vocabulary import AUDIT_LABELS
from reviewer.scoring.decisions import final_list
from reviewer.services import review
from reviewer.services.results import score_workspace
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import reopen_sheet, save_sheet
from reviewer.workspace import DB_NAME, Workspace, WorkspaceError

P = "r2-iot"
MUSTS = {"M1": "pass", "M2": "pass", "M3": "pass", "M4": "pass"}


def _workspace(tmp_path: Path, budget: int = 13_000_000, n: int = 4) -> Path:
    """``n`` applications of 6,000,000 yen each; T-0001 best, T-000n worst; the budget fits two."""
    crit, apps, panel = make_inputs(tmp_path, n_apps=n)
    text = (crit / "r2-iot.toml").read_text("utf-8")
    assert "budget_yen" in text
    lines = [f"budget_yen = {budget}" if line.startswith("budget_yen") else line for line in text.splitlines()]
    (crit / "r2-iot.toml").write_text("\n".join(lines) + "\n", "utf-8")
    ws = tmp_path / "ws"
    init_workspace(ws, crit, apps, panel)
    with Workspace.open(ws) as w:
        for i in range(1, n + 1):
            scores = MUSTS | {f"A{k}": 5 - i for k in range(1, 9)}
            for ev in ("e01", "e03"):
                save_sheet(w, P, f"T-{i:04d}", ev, scores, status="submitted", actor="t")
    return ws


def _rank(ws: Path) -> dict:
    done = run("rank", "--workspace", str(ws), "--program", P, "--json", "--resamples", "0")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_decisions_and_the_final_list(tmp_path):
    ws = _workspace(tmp_path)
    js = _rank(ws)
    assert [a["id"] for a in js["applications"] if a["selected"]] == ["T-0001", "T-0002"]
    assert all(a["decision"] is None and a["final_selected"] == a["selected"] for a in js["applications"])
    assert js["final"]["warnings"] == [] and js["final"]["selected_yen"] == 12_000_000
    base = ["--workspace", str(ws), "--program", P, "--chair", "c01"]
    assert run("decide", *base, "--application", "T-0003", "--select", "--reason", "地域バランスを考慮").returncode == 0
    assert run("decide", *base, "--application", "T-0002", "--reject", "--reason", "追加資料の提出なし").returncode == 0
    assert run("decide", *base, "--application", "T-0004", "--select", "--reason", "政策的な重要性").returncode == 0
    js = _rank(ws)
    by = {a["id"]: a for a in js["applications"]}
    assert (by["T-0003"]["decision"], by["T-0003"]["decision_reason"]) == ("select", "地域バランスを考慮")
    assert by["T-0003"]["selected"] is False and by["T-0003"]["final_selected"] is True
    assert by["T-0002"]["selected"] is True and by["T-0002"]["final_selected"] is False
    final = js["final"]
    assert final["selected"] == ["T-0001", "T-0003", "T-0004"] and final["count"] == 3
    assert final["selected_yen"] == 18_000_000 and final["decided"] == 3 and final["departures"] == 3
    assert any("予算を超えています" in w and "5,000,000円超過" in w for w in final["warnings"])
    text = run("decisions", "--workspace", str(ws), "--program", P)
    assert text.returncode == 0 and "採択候補先 3 件（未確定）" in text.stdout
    assert "警告: 予算を超えています" in text.stdout and "追加資料の提出なし" in text.stdout
    # withdrawing a decision brings back the computed selection; a reason is always required
    assert run("decide", *base, "--application", "T-0004", "--clear", "--reason", "誤り").returncode == 0
    assert "T-0004" not in _rank(ws)["final"]["selected"]
    empty = run("decide", *base, "--application", "T-0004", "--select", "--reason", "  ")
    assert empty.returncode == 1 and "理由を書いてください" in empty.stderr
    evaluator = run("decide", "--workspace", str(ws), "--program", P, "--chair", "e01", "--application", "T-0004",
                    "--select", "--reason", "x")
    assert evaluator.returncode == 1 and "委員長" in evaluator.stderr
    with Workspace.open(ws) as w:
        actions = [e.action for e in w.audit(program=P)]
    assert actions.count("decision") == 3 and actions.count("decision-clear") == 1


def test_a_quota_broken_by_the_decisions_is_warned(tmp_path):
    ws = _workspace(tmp_path, budget=100_000_000)
    with Workspace.open(ws) as w:
        result = score_workspace(w, P)
    assert result.final is not None and result.final.count == 4 and result.final.warnings == []
    sel = result.program.selection.model_copy(update={"max_selected": 3, "bureau_max": 2})
    warnings = final_list(result.applications, sel, result.budget_yen, True).warnings
    assert "採択件数の上限を超えています: 4件（上限 3件）" in warnings
    assert "北海道の採択件数が上限を超えています: 4件（上限 2件）" in warnings


def test_materials_and_opinions(tmp_path):
    ws = _workspace(tmp_path)
    base = ["--workspace", str(ws), "--program", P, "--chair", "c01"]
    done = run("request", *base, "--application", "T-0001", "--what", "事業費の積算根拠", "--due", "2026-12-15")
    assert done.returncode == 0 and "依頼 1" in done.stdout, done.stderr
    assert run("request", *base, "--application", "T-0002", "--what", "体制図").returncode == 0
    answer = tmp_path / "積算根拠.pdf"
    answer.write_bytes(b"%PDF-1.4 answer")
    done = run("request", *base, "--answer", "1", "--file", str(answer), "--text", "別紙のとおり")
    assert done.returncode == 0, done.stderr
    waiting = run("requests", "--workspace", str(ws), "--program", P, "--open", "--json")
    assert [r["id"] for r in json.loads(waiting.stdout)] == [2]
    twice = run("request", *base, "--answer", "1", "--text", "再送")
    assert twice.returncode == 1 and "回答済み" in twice.stderr
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(10 * 1024 * 1024 + 1)
    too_big = run("request", *base, "--answer", "2", "--file", str(big))
    assert too_big.returncode == 1 and "big.bin" in too_big.stderr and "大きすぎます" in too_big.stderr
    missing = run("request", *base, "--answer", "2", "--file", str(tmp_path / "none.pdf"))
    assert missing.returncode == 1 and "none.pdf" in missing.stderr and "Traceback" not in missing.stderr
    with Workspace.open(ws) as w:
        r = w.request(P, 1)
        assert r is not None and r.answered and r.answer_text == "別紙のとおり" and r.file_name == "積算根拠.pdf"
        assert r.file_sha256 == hashlib.sha256(b"%PDF-1.4 answer").hexdigest() and r.file_size == 15
        assert w.request_file(P, 1) == ("積算根拠.pdf", b"%PDF-1.4 answer")
        assert not w.request(P, 2).answered
    done = run("opinion", *base, "--application", "T-0001", "--source", "北海道総合通信局", "--text",
               "地域の連携体制に実績あり", "--date", "2026-12-05")
    assert done.returncode == 0, done.stderr
    listed = run("opinion", "--workspace", str(ws), "--program", P, "--json")
    opinions = json.loads(listed.stdout)
    assert [(o["application"], o["source"], o["given_on"]) for o in opinions] == [
        ("T-0001", "北海道総合通信局", "2026-12-05")]
    with Workspace.open(ws) as w:
        with pytest.raises(sqlite3.IntegrityError, match="kept as given"):
            w.conn.execute("UPDATE opinions SET text = 'x'")
        actions = [e.action for e in w.audit(program=P)]
    assert {"request-add", "request-answer", "opinion-add"} <= set(actions) <= set(AUDIT_LABELS)


def test_finalize_freezes_the_program_until_reopened(tmp_path):
    ws = _workspace(tmp_path)
    base = ["--workspace", str(ws), "--program", P, "--chair", "c01"]
    with Workspace.open(ws) as w:
        review.shortlist(w, P, ["T-0001"], "c01", "t")
        save_sheet(w, P, "T-0001", "e01", {"A1": 2}, stage="hearing", actor="t")   # a draft
        review.decide(w, P, "T-0003", "select", "地域バランスを考慮", "c01", "t")
    refused = run("finalize", *base)
    assert refused.returncode == 1 and "下書き" in refused.stderr and "--ignore-drafts" in refused.stderr
    done = run("finalize", *base, "--ignore-drafts")
    assert done.returncode == 0 and "確定しました" in done.stdout, done.stderr
    js = _rank(ws)
    assert js["finalized"] is True and js["finalized_by"].startswith("c01")
    message = "確定済みのため変更できません"
    with Workspace.open(ws) as w:
        for write in (lambda: save_sheet(w, P, "T-0002", "e01", MUSTS, actor="t"),
                      lambda: save_sheet(w, P, "T-0001", "e01", {"A1": 3}, stage="hearing", actor="t"),
                      lambda: reopen_sheet(w, P, "T-0001", "e01", actor="t", reason="再確認", chair="c01"),
                      lambda: review.decide(w, P, "T-0001", "reject", "x", "c01", "t"),
                      lambda: review.shortlist(w, P, ["T-0002"], "c01", "t"),
                      lambda: review.request_materials(w, P, "T-0002", "体制図", "", "c01", "t")):
            with pytest.raises(WorkspaceError, match=message):
                write()
        with pytest.raises(WorkspaceError, match="すでに確定"):
            review.finalize(w, P, "c01", "t", score_workspace(w, P))
        stored = json.loads(w.result_state(P).final or "{}")
        assert stored["final"]["selected"] == ["T-0001", "T-0002", "T-0003"]
    # another process: the command line, and plain SQL on its own connection
    other = run("decide", *base, "--application", "T-0003", "--select", "--reason", "x")
    assert other.returncode == 1 and message in other.stderr and "Traceback" not in other.stderr
    imported = tmp_path / "late.toml"
    imported.write_text('evaluator = "e01"\nprogram = "r2-iot"\n[[sheets]]\napplication = "T-0003"\n'
                        'status = "draft"\n[sheets.scores]\nA1 = 1\n', "utf-8")
    late = run("import-scores", "--workspace", str(ws), str(imported))
    assert late.returncode == 1 and message in late.stderr
    c = sqlite3.connect(ws / DB_NAME)
    for sql in ("DELETE FROM decisions", "UPDATE sheets SET comment = 'x' WHERE status = 'draft'",
                "DELETE FROM shortlist", "INSERT INTO requests(program, application, what, requested_by, requested_at)"
                " VALUES ('r2-iot', 'T-0001', 'x', 'x', 'x')"):
        with pytest.raises(sqlite3.IntegrityError, match="result finalized"):
            c.execute(sql)
    c.close()
    no_reason = run("reopen-result", *base, "--reason", " ")
    assert no_reason.returncode == 1 and "理由" in no_reason.stderr
    assert run("reopen-result", *base, "--reason", "予算の変更に伴う再審議").returncode == 0
    with Workspace.open(ws) as w:
        assert save_sheet(w, P, "T-0001", "e01", {"A1": 3}, stage="hearing", actor="t") == "updated"
        state = w.result_state(P)
        assert not state.finalized and state.reopen_reason == "予算の変更に伴う再審議"
        actions = [e.action for e in w.audit(program=P)]
    assert actions.count("result-finalize") == 1 and actions.count("result-reopen") == 1
    assert set(actions) <= set(AUDIT_LABELS)  # reviewer audit says each step in Japanese
    assert _rank(ws)["finalized"] is False
