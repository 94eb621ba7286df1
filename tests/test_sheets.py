"""Score sheets checked against the criteria, the applications and the panel."""

from __future__ import annotations

from conftest import IOT_APP, SC_APP, doc, write

from reviewer.files.load import load_paths

PANEL = {
    "evaluators": [
        {"id": "e01", "name": "山田 太郎", "programs": ["r2-iot", "r5-smartcity-2"], "conflicts": ["012360"]},
        {"id": "e02", "name": "佐藤 花子", "programs": ["r2-iot"]},
        {"id": "c01", "name": "委員長", "role": "chair", "programs": ["r2-iot"]},
    ]
}

FULL_A = {"M1": "pass", "M2": "pass", "M3": "fail", "M4": "pass",
          **{f"A{i}": i % 6 for i in range(1, 9)}}


def sheetfile(sheets, evaluator="e02", program="r2-iot"):
    return {"evaluator": evaluator, "program": program, "sheets": sheets}


def sheet(app="T-0001", status="submitted", scores=None, **kw):
    return {"application": app, "status": status, "scores": FULL_A if scores is None else scores, **kw}


def check(tmp_path, programs, scores_doc, apps=(IOT_APP,), panel=PANEL):
    for i, a in enumerate(apps):
        write(tmp_path, f"in/app{i}.toml", a)
    if panel is not None:
        write(tmp_path, "in/panel.toml", panel)
    write(tmp_path, "in/scores.toml", scores_doc)
    bundle = load_paths([tmp_path / "in"], base_programs=programs)
    return bundle.problems


def test_complete_submitted_sheet_is_valid(tmp_path, programs):
    assert check(tmp_path, programs, sheetfile([sheet(comment="KPIが定量的で妥当。")])) == []


def test_draft_may_be_partial(tmp_path, programs):
    assert check(tmp_path, programs, sheetfile([sheet(status="draft", scores={"A1": 3})])) == []


def test_submitted_sheet_must_score_everything_that_applies(tmp_path, programs):
    scores = dict(FULL_A)
    del scores["A7"], scores["M4"]
    [p] = check(tmp_path, programs, sheetfile([sheet(scores=scores)]))
    assert p.field == "sheets[0]（T-0001）.scores"
    assert "A7" in p.message and "M4" in p.message and "未採点" in p.message


def test_m4_applies_only_to_municipalities(tmp_path, programs):
    corp = doc(IOT_APP, applicant={"name": "株式会社A", "type": "corporation", "prefecture": "北海道"})
    scores = {k: v for k, v in FULL_A.items() if k != "M4"}
    assert check(tmp_path, programs, sheetfile([sheet(scores=scores)]), apps=(corp,)) == []
    [p] = check(tmp_path, programs, sheetfile([sheet(scores=FULL_A)]), apps=(corp,))
    assert p.field.endswith(".scores.M4") and "適用されない" in p.message


def test_other_tracks_items_are_refused(tmp_path, programs):
    [p] = check(tmp_path, programs, sheetfile([sheet(scores={**FULL_A, "B3": 4})]))
    assert p.field == "sheets[0]（T-0001）.scores.B3" and "要件B" in p.message


def test_unknown_criterion(tmp_path, programs):
    [p] = check(tmp_path, programs, sheetfile([sheet(scores={**FULL_A, "Z9": 1})]))
    assert p.field.endswith("scores.Z9") and "ありません" in p.message


def test_auto_criterion_cannot_be_typed(tmp_path, programs):
    panel = {"evaluators": [{"id": "e01", "name": "山田", "programs": ["r5-smartcity-2"]}]}
    must = {c: "pass" for c in ["1-1", "1-2", "1-3", "1-4", "1-5", "2-1", "2-2", "3-1", "4-1", "4-2", "4-3", "4-4", "4-5", "6-1", "6-2", "6-3"]}
    scored = {c: 3 for c in ["2-3", "3-2", "4-6", "5-1", "5-2", "5-3", "5-4", "5-5", "5-6"]}
    ok = sheetfile([sheet(app="T-0003", scores={**must, **scored})], evaluator="e01", program="r5-smartcity-2")
    assert check(tmp_path, programs, ok, apps=(SC_APP,), panel=panel) == []
    bad = sheetfile([sheet(app="T-0003", scores={**must, **scored, "6-4": 3})], evaluator="e01", program="r5-smartcity-2")
    [p] = check(tmp_path, programs, bad, apps=(SC_APP,), panel=panel)
    assert p.field.endswith("scores.6-4") and "自動" in p.message


def test_must_values_are_pass_or_fail(tmp_path, programs):
    for value in ("ok", 1, "PASS"):
        [p] = check(tmp_path, programs, sheetfile([sheet(scores={**FULL_A, "M1": value})]))
        assert p.field.endswith("scores.M1") and "pass" in p.message


def test_scored_values_are_integers_0_to_5(tmp_path, programs):
    for value in (6, -1, "3", 2.5, True):
        probs = check(tmp_path, programs, sheetfile([sheet(scores={**FULL_A, "A1": value})]))
        assert len(probs) == 1, (value, probs)
        assert "A1" in probs[0].field or "A1" in probs[0].message


def test_duplicate_sheet_for_an_application(tmp_path, programs):
    [p] = check(tmp_path, programs, sheetfile([sheet(), sheet()]))
    assert p.field == "sheets[1]（T-0001）.application" and "重複" in p.message


def test_unknown_application(tmp_path, programs):
    [p] = check(tmp_path, programs, sheetfile([sheet(app="NOPE-1")]))
    assert "NOPE-1" in p.message and p.field == "sheets[0]（NOPE-1）.application"


def test_unknown_evaluator_and_wrong_program(tmp_path, programs):
    [p] = check(tmp_path, programs, sheetfile([sheet()], evaluator="e99"))
    assert p.field == "evaluator" and "e99" in p.message
    panel = {"evaluators": [{"id": "e02", "name": "佐藤", "programs": ["r2-ai-plan"]}]}
    [p] = check(tmp_path, programs, sheetfile([sheet()]), panel=panel)
    assert p.field == "evaluator" and "r2-iot" in p.message


def test_conflict_is_refused(tmp_path, programs):
    # e01 has a conflict with 012360 (北斗市), a consortium member of T-0001
    [p] = check(tmp_path, programs, sheetfile([sheet()], evaluator="e01"))
    assert "利害関係" in p.message and p.field.endswith(".application")


def test_unassigned_is_refused_when_assignments_exist(tmp_path, programs):
    other = doc(IOT_APP, id="T-0009")
    panel = dict(PANEL, assignments=[{"evaluator": "e02", "application": "T-0009"}])
    [p] = check(tmp_path, programs, sheetfile([sheet()]), apps=(IOT_APP, other), panel=panel)
    assert "割り当てられていません" in p.message
    assert check(tmp_path, programs, sheetfile([sheet(app="T-0009")]), apps=(IOT_APP, other), panel=panel) == []


def test_chairs_review_nothing_unless_assigned(tmp_path, programs):
    [p] = check(tmp_path, programs, sheetfile([sheet()], evaluator="c01"))
    assert "委員長" in p.message


def test_score_problems_name_file_sheet_item_and_line(tmp_path, programs):
    text = (
        'evaluator = "e02"\nprogram = "r2-iot"\n\n'
        '[[sheets]]\napplication = "T-0001"\nstatus = "draft"\n[sheets.scores]\nA1 = 3\n\n'
        '[[sheets]]\napplication = "T-0001x"\nstatus = "draft"\n\n'
        '[[sheets]]\napplication = "T-0001y"\nstatus = "draft"\n[sheets.scores]\nA2 = 9\n'
    )
    write(tmp_path, "in/app.toml", IOT_APP)
    write(tmp_path, "in/panel.toml", PANEL)
    write(tmp_path, "in/scores.toml", text)
    write(tmp_path, "in/app2.toml", doc(IOT_APP, id="T-0001y"))
    probs = load_paths([tmp_path / "in"], base_programs=programs).problems
    got = {(p.field, p.line) for p in probs}
    assert got == {("sheets[1]（T-0001x）.application", 11), ("sheets[2]（T-0001y）.scores.A2", 18)}
    for p in probs:
        assert str(p).startswith(str(tmp_path / "in" / "scores.toml") + ":")


def test_sheet_without_a_panel_is_checked_against_criteria_only(tmp_path, programs):
    assert check(tmp_path, programs, sheetfile([sheet()], evaluator="anyone"), panel=None) == []
