"""A note per criterion on a score sheet (SPEC §6.3): the file, the rules, the workspace (read-only
once submitted, version 4 of the schema), the merge of two saves, the template, the workbook."""

from __future__ import annotations

import json
import sqlite3

import openpyxl
import pytest
import tomllib
from conftest import IOT_APP, SC_APP, doc, write
from wsutil import FULL, make_inputs, run

from reviewer.domain.limits import MAX_NOTE
from reviewer.domain.model import Application, Sheet
from reviewer.rules.merge import Content, merge, note_key
from reviewer.rules.sheets import sheet_problems
from reviewer.services.results import export_workbook, score_workspace
from reviewer.services.session import Session
from reviewer.services.setup import init_workspace
from reviewer.services.sheets import reopen_sheet, save_sheet
from reviewer.workspace import Workspace, WorkspaceError, schema
from reviewer.workspace.base import DB_NAME

NOTES = {"M1": "=HYPERLINK(\"http://example.com\")", "A3": "KPI の根拠は様式3ページ。\n試算は妥当。"}


@pytest.fixture
def ws_path(tmp_path):
    crit, apps, panel = make_inputs(tmp_path)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    return tmp_path / "ws"


def notes_file(tmp_path, name, notes, app="T-0001", status="submitted", evaluator="e01"):
    sheet = {"application": app, "status": status, "comment": "所見", "scores": FULL, "notes": notes}
    return write(tmp_path, name, {"evaluator": evaluator, "program": "r2-iot", "sheets": [sheet]})


def line_of(path, text):
    """The line of ``text`` under the file's ``[sheets.notes]``."""
    lines = path.read_text("utf-8").splitlines()
    start = lines.index("[sheets.notes]")
    return next(i for i, line in enumerate(lines, start=1) if i > start and line.startswith(text))


def test_imported_notes_are_stored_and_exported(tmp_path, ws_path):
    f = notes_file(tmp_path, "s.toml", NOTES)
    assert "[sheets.notes]" in f.read_text("utf-8")
    r = run("import-scores", "--workspace", str(ws_path), str(f))
    assert r.returncode == 0, r.stderr
    with Workspace.open(ws_path) as ws:
        assert ws.sheet("r2-iot", "T-0001", "e01").notes == NOTES
        [entry] = [e for e in ws.audit() if e.action == "sheet-submit"]
        assert json.loads(entry.new)["notes"] == NOTES
        assert score_workspace(ws, "r2-iot").sheets[0].notes == NOTES
        assert score_workspace(ws, "r2-iot", comments=False).sheets[0].notes == {}
        out = export_workbook(ws, "r2-iot", tmp_path / "out.xlsx", actor="test").path
    # the same file again changes nothing: the notes are part of the content compared
    r = run("import-scores", "--workspace", str(ws_path), str(f))
    assert r.returncode == 0 and "変更なし 1" in r.stdout
    sheet = openpyxl.load_workbook(out)["コメント"]
    header = [c.value for c in sheet[4]]
    assert header[-1] == "項目別の所見"
    col = len(header)
    row = next(r for r in sheet.iter_rows(min_row=5) if r[1].value == "T-0001")
    cell = row[col - 1]
    # in the criteria file's order, one line each; a note that looks like a formula stays text
    assert cell.value == f"M1: {NOTES['M1']}\nA3: {NOTES['A3']}"
    assert cell.data_type == "s" and not sheet._hyperlinks
    empty = [r for r in sheet.iter_rows(min_row=5) if r[1].value and r[1].value != "T-0001"]
    assert all(r[col - 1].value in (None, "") for r in empty)


def test_a_note_on_an_item_that_does_not_apply_names_file_line_and_key(tmp_path, ws_path):
    f = notes_file(tmp_path, "s.toml", {"M1": "ok", "B1": "要件Bの項目", "X9": "不明", "A9": "自動"})
    r = run("import-scores", "--workspace", str(ws_path), str(f))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    err = r.stderr
    assert f"{f}:{line_of(f, 'B1 =')}: sheets[0]（T-0001）.notes.B1: B1" in err and "適用されない項目です" in err
    assert f"{f}:{line_of(f, 'X9 =')}: sheets[0]（T-0001）.notes.X9: 評価項目 X9 は事業 r2-iot にありません" in err
    with Workspace.open(ws_path) as ws:
        assert ws.sheets() == []
    # validate says the same
    r = run("validate", "criteria", str(tmp_path / "apps"), str(f))
    assert r.returncode == 1 and "notes.B1" in r.stdout + r.stderr


def test_a_note_over_the_limit_is_refused_with_its_place(tmp_path, ws_path):
    long = "あ" * (MAX_NOTE + 1)
    f = notes_file(tmp_path, "s.toml", {"M1": "ok", "A2": long})
    r = run("import-scores", "--workspace", str(ws_path), str(f))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert (f"{f}:{line_of(f, 'A2 =')}: sheets[0]（T-0001）.notes.A2: 文字数が多すぎます（2,000 文字まで、2,001 文字あります）"
            in r.stderr)
    f = notes_file(tmp_path, "t.toml", {"A2": 5})
    r = run("import-scores", "--workspace", str(ws_path), str(f))
    assert r.returncode == 1 and "sheets[0]（T-0001）.notes.A2: 文字列で書いてください" in r.stderr
    with Workspace.open(ws_path) as ws:
        with pytest.raises(WorkspaceError, match="所見 A2: 文字数が多すぎます（2,000 文字まで"):
            save_sheet(ws, "r2-iot", "T-0001", "e01", {}, notes={"A2": long})
        with pytest.raises(WorkspaceError, match="評価項目 A9 は事業 r2-iot にありません"):
            save_sheet(ws, "r2-iot", "T-0001", "e01", {}, notes={"A9": "x"})
        assert save_sheet(ws, "r2-iot", "T-0001", "e01", {}, notes={"A2": "あ" * MAX_NOTE}) == "created"
        assert ws.sheets() and ws.sheet("r2-iot", "T-0001", "e01").notes == {"A2": "あ" * MAX_NOTE}


def test_a_note_is_keyed_as_a_score_is(programs):
    prog = programs["r5-smartcity-2"]
    app = Application.model_validate(SC_APP)
    sheet = Sheet.model_validate({"application": "T-0003", "status": "draft", "notes": {"6-4": "x", "2-3": "ok", "1-1": "ok"}})
    assert sheet_problems(sheet, prog, app) == [
        (("notes", "6-4"), "6-4（マイナンバーカード交付率）は申請内容から自動で計算する項目で、所見は書けません")]
    iot = programs["r2-iot"]
    pref = Application.model_validate(doc(IOT_APP, applicant__type="prefecture", applicant__lg_code="010006",
                                          consortium=[]))
    sheet = Sheet.model_validate({"application": "T-0001", "status": "draft", "notes": {"M4": "x"}})
    [(loc, msg)] = sheet_problems(sheet, iot, pref)
    assert loc == ("notes", "M4") and "適用されない項目です（応募主体の種別が対象外）" in msg


def test_a_blank_note_is_no_note(ws_path):
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2}, notes={"A1": "根拠あり", "A2": "", "A3": "  \n"})
        assert ws.sheet("r2-iot", "T-0001", "e01").notes == {"A1": "根拠あり"}
        # clearing a note is a change; the same content again is none
        assert save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2}, notes={"A1": ""}) == "updated"
        assert save_sheet(ws, "r2-iot", "T-0001", "e01", {"A1": 2}) == "unchanged"
        assert ws.sheet("r2-iot", "T-0001", "e01").notes == {}


def test_a_submitted_sheets_notes_are_read_only_in_the_database(ws_path):
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, "良い", "submitted", notes={"A1": "根拠"})
        with pytest.raises(sqlite3.IntegrityError, match="read-only"):
            ws.conn.execute("UPDATE sheets SET notes = '{\"A1\":\"改ざん\"}' WHERE application = 'T-0001'")
        with pytest.raises(sqlite3.IntegrityError, match="read-only"):  # not even on the way back to draft
            ws.conn.execute("UPDATE sheets SET status = 'draft', notes = '{}' WHERE application = 'T-0001'")
        with pytest.raises(sqlite3.IntegrityError):
            ws.conn.execute("UPDATE sheets SET notes = 'not json' WHERE application = 'T-0001'")
        assert ws.sheet("r2-iot", "T-0001", "e01").notes == {"A1": "根拠"}
        with pytest.raises(WorkspaceError, match="提出済み"):
            save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, "良い", "submitted", notes={"A1": "別"})
        reopen_sheet(ws, "r2-iot", "T-0001", "e01", actor="c01", reason="確認", chair="c01")
        assert save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, "良い", "draft", notes={"A1": "別"}) == "updated"


def test_a_version_3_workspace_moves_to_version_4(tmp_path, monkeypatch):
    crit, apps, panel = make_inputs(tmp_path)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)  # built as the last release did
    init_workspace(tmp_path / "ws", crit, apps, panel)
    c = sqlite3.connect(tmp_path / "ws" / DB_NAME)
    assert c.execute("PRAGMA user_version").fetchone()[0] == 3
    assert "notes" not in [r[1] for r in c.execute("PRAGMA table_info(sheets)")]
    c.execute("INSERT INTO sheets(program, application, evaluator, status, comment, scores, created_at, updated_at,"
              " submitted_at) VALUES ('r2-iot', 'T-0001', 'e01', 'submitted', '良い', ?, 't', 't', 't')",
              (json.dumps(FULL),))
    c.commit()
    c.close()
    monkeypatch.undo()
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 4
        s = ws.sheet("r2-iot", "T-0001", "e01")
        assert s.notes == {} and s.reopened_by is None and s.scores == FULL
        with pytest.raises(sqlite3.IntegrityError, match="read-only"):  # the new trigger guards the notes
            ws.conn.execute("UPDATE sheets SET notes = '{\"A1\":\"x\"}'")
        with pytest.raises(sqlite3.IntegrityError, match="read-only"):  # and still the scores
            ws.conn.execute("UPDATE sheets SET scores = '{}'")
        reopen_sheet(ws, "r2-iot", "T-0001", "e01", actor="c01 (chair)", reason="確認", chair="c01")
        assert ws.sheet("r2-iot", "T-0001", "e01").reopened_by == "c01"


# -- merge -----------------------------------------------------------------------------------


def test_notes_merge_item_by_item():
    base = Content({}, "", {"A1": "元", "A2": "元2", "A3": "元3"})
    mine = Content({}, "", {"A1": "私", "A2": "元2", "A4": "新しい私"})       # A1 changed, A3 removed, A4 added
    theirs = Content({}, "", {"A1": "元", "A2": "彼ら", "A3": "元3", "A5": "彼らの新"})  # A2 changed, A5 added
    m = merge(base, mine, theirs)
    assert m.content.notes == {"A1": "私", "A2": "彼ら", "A4": "新しい私", "A5": "彼らの新"}
    assert m.taken == {note_key("A2"): "彼ら", note_key("A5"): "彼らの新"} and m.clean
    # both changed one note differently: mine kept, theirs reported (None: no note on that side)
    m = merge(base, Content({}, "", {"A1": "私", "A2": "元2"}), Content({}, "", {"A1": "彼ら", "A2": "元2", "A3": "彼ら3"}))
    assert m.content.notes == {"A1": "私", "A2": "元2"}  # A3: removed here, changed there: mine (removed)
    assert m.conflicts == {"notes.A1": ("彼ら", "私"), "notes.A3": ("彼ら3", None)} and not m.clean
    m = merge(base, Content({}, "", {"A2": "元2", "A3": "元3"}), Content({}, "", {"A1": "彼ら", "A2": "元2", "A3": "元3"}))
    assert m.content.notes == {"A2": "元2", "A3": "元3"} and m.conflicts == {"notes.A1": ("彼ら", None)}
    # scores and notes of one criterion are told apart
    m = merge(Content({"A1": 1}, "", {"A1": "x"}), Content({"A1": 2}, "", {"A1": "y"}), Content({"A1": 3}, "", {"A1": "z"}))
    assert m.conflicts == {"A1": (3, 2), "notes.A1": ("z", "y")}
    assert Content({}, "").notes == {}


def test_a_screen_saving_over_a_changed_sheet_merges_its_notes(ws_path):
    s = Session(ws_path, "e01")
    try:
        opened = s.open_sheet("e01", "r2-iot", "T-0001")
        first = s.save_draft(opened, opened.sheet, {"A1": 2}, "", {"A1": "最初"})
        assert first.sheet.notes == {"A1": "最初"} and first.merge is None
        # meanwhile an import (or another screen) changes A1's note and adds A2's
        save_sheet(s.ws, "r2-iot", "T-0001", "e01", {"A1": 2}, notes={"A1": "取込", "A2": "取込2"})
        saved = s.save_draft(opened, first.sheet, {"A1": 2}, "", {"A1": "画面", "A3": "画面3"})
        assert saved.sheet.notes == {"A1": "画面", "A2": "取込2", "A3": "画面3"}
        assert saved.merge.conflicts == {"notes.A1": ("取込", "画面")}
        assert saved.merge.taken == {"notes.A2": "取込2"}
        # the positional form without notes keeps working (no notes: the stored ones are removed)
        assert s.save_draft(opened, saved.sheet, {"A1": 2}, "").sheet.notes == {}
        done = s.submit(opened, s.ws.sheet("r2-iot", "T-0001", "e01"), FULL, "良い", notes={"M2": "確認済"})
        assert done.result == "submitted" and done.sheet.notes == {"M2": "確認済"}
    finally:
        s.close()


# -- template ----------------------------------------------------------------------------------


def test_the_template_shows_a_notes_example_and_the_saved_notes(tmp_path, ws_path):
    out = tmp_path / "tpl.toml"
    assert run("template", "--workspace", str(ws_path), "--evaluator", "e01", "--output", str(out)).returncode == 0
    text = out.read_text("utf-8")
    assert text.count("[sheets.notes]") == 3 and '# 例: M1 = "' in text and "2,000 文字まで" in text
    assert all(s["notes"] == {} for s in tomllib.loads(text)["sheets"])
    # the example uncommented imports as a note
    out.write_text(text.replace("# 例: M1", "M1", 1), "utf-8")
    r = run("import-scores", "--workspace", str(ws_path), str(out))
    assert r.returncode == 0, r.stderr
    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0002", "e01", {"A1": 1}, notes={"A3": "三\n行目 \"引用\"", "M2": "二"})
        assert ws.sheet("r2-iot", "T-0001", "e01").notes == {"M1": "根拠となる記述は様式の3ページ"}
    out = tmp_path / "tpl2.toml"
    assert run("template", "--workspace", str(ws_path), "--evaluator", "e01", "--output", str(out)).returncode == 0
    text = out.read_text("utf-8")
    sheets = {s["application"]: s for s in tomllib.loads(text)["sheets"]}
    assert sheets["T-0002"]["notes"] == {"A3": "三\n行目 \"引用\"", "M2": "二"}
    assert text.index('M2 = "二"') < text.index('A3 = "三')  # in the criteria's order
    r = run("import-scores", "--workspace", str(ws_path), str(out))
    assert r.returncode == 0 and "変更なし 3" in r.stdout, r.stdout + r.stderr


def test_the_chairs_detail_shows_each_evaluators_notes_under_the_comment(tmp_path, ws_path):
    from reviewer.tui.screens.detail import detail_text

    with Workspace.open(ws_path) as ws:
        save_sheet(ws, "r2-iot", "T-0001", "e01", FULL, "良い計画", "submitted",
                   notes={"A3": "KPI の根拠\x1b[31m は様式3ページ", "M1": "[bold]適合[/bold]"})
        save_sheet(ws, "r2-iot", "T-0001", "e03", dict(FULL, A1=5), "普通", "submitted")
        text = detail_text(score_workspace(ws, "r2-iot"), "T-0001").plain
    lines = text.splitlines()
    at = lines.index(next(line for line in lines if "良い計画" in line))
    # under e01's comment, in the criteria's order, literal and without the escape character
    assert lines[at + 1].strip() == "M1: [bold]適合[/bold]"
    assert lines[at + 2].strip().startswith("A3: KPI の根拠") and "\x1b" not in text
    assert "普通" in text and sum(1 for line in lines if line.strip().startswith(("M1:", "A3:"))) == 2
