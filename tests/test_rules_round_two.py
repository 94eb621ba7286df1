"""The rules as the seeds write them, round two: the 交付申請's 官民データ活用推進計画 (r2-iot 2(2)),
fields for a program without field models (r2-ai-plan), the field model's condition shown where
M1 is judged, and the criteria headings' guiding questions."""

from __future__ import annotations

import pytest
from conftest import AI_APP, IOT_APP, app

from reviewer.domain.model import Program
from reviewer.rules.checks import grant_notes
from reviewer.scoring.balance import field_balance
from reviewer.scoring.result import AppResult

MUNICIPAL = ["core_city", "city", "special_ward", "town", "village"]


def with_plan_condition(prog: Program) -> Program:
    data = prog.model_dump()
    data["eligibility"]["grant_conditions"] = [{
        "key": "data_utilization_plan", "value": "策定済", "applicant_types": MUNICIPAL,
        "label": "交付申請の際に官民データ活用推進計画の添付が必要です"}]
    return Program.model_validate(data)


def test_the_plan_still_to_make_is_a_note_not_a_reason(programs):
    prog = programs["r2-iot"]
    if not prog.eligibility.grant_conditions:  # the shipped file states it; the rule holds either way
        prog = with_plan_condition(prog)
    undone = app(IOT_APP, declarations__data_utilization_plan="未策定")
    notes = grant_notes(undone, prog)
    assert len(notes) == 1 and "官民データ活用推進計画" in notes[0] and "申告: 未策定" in notes[0]
    assert grant_notes(app(IOT_APP), prog) == []                                  # 策定済
    corp = {"name": "株式会社テスト", "type": "corporation", "prefecture": "北海道"}
    assert grant_notes(app(IOT_APP, applicant=corp, declarations__data_utilization_plan="未策定"), prog) == []


def test_a_selected_municipality_without_its_plan_is_warned(programs, tmp_path):
    from reviewer.scoring.decisions import grant_warnings

    a = _result("IOT-0001", None)
    a.grant_notes = ["交付申請の際に官民データ活用推進計画の添付が必要です（申告: 未策定）"]
    a.applicant = "仙北市"
    assert grant_warnings([a]) == ["申請 IOT-0001（仙北市）: 交付申請の際に官民データ活用推進計画の添付が必要です（申告: 未策定）"]


def _result(aid: str, field_id: str | None, selected: bool = False) -> AppResult:
    return AppResult(aid, aid, aid, "city", "北海道", "北海道", None, None, 0, [], [], {}, {}, {}, 100.0, 3,
                     50.0, 50.0, 0.0, 0.0, 50.0, True, selected=selected, field_id=field_id)


def ai_program(programs, share: float | None) -> Program:
    data = programs["r2-ai-plan"].model_dump()
    data["fields"] = [{"id": "ai-ocr", "name": "AI-OCR"}, {"id": "chatbot", "name": "チャットボット"}]
    data["selection"]["max_field_share"] = share
    return Program.model_validate(data)


@pytest.mark.parametrize("share, flagged", [(None, set()), (0.5, {"ai-ocr"})])
def test_fields_are_counted_and_flagged_only_where_a_share_is_set(programs, share, flagged):
    prog = ai_program(programs, share)
    results = [_result(f"A{i}", "ai-ocr", selected=i < 3) for i in range(4)] + [_result("B", "chatbot", selected=True)]
    balance = {f.key: f for f in field_balance(results, prog)}
    assert (balance["ai-ocr"].applications, balance["ai-ocr"].selected) == (4, 3)
    assert balance["ai-ocr"].share == pytest.approx(0.75) and balance["ai-ocr"].kind == "field"
    assert {k for k, f in balance.items() if f.flagged} == flagged


def test_an_application_names_one_of_its_programs_fields(programs):
    from reviewer.rules.checks import application_problems

    prog = ai_program(programs, None)
    assert application_problems(app(AI_APP, field="ai-ocr"), prog) == []
    [(where, msg)] = application_problems(app(AI_APP, field="drone"), prog)
    assert where == ("field",) and "不明な分野です（drone）" in msg and "ai-ocr（AI-OCR）" in msg


def test_groups_name_every_criterions_heading(programs):
    data = programs["r5-smartcity-2"].model_dump()
    data["groups"] = [{"name": "(1) 適合性", "question": "事業の目的に適合しているか。"}]
    with pytest.raises(ValueError, match="groups にありません"):
        Program.model_validate(data)


@pytest.mark.asyncio
async def test_m1_is_shown_with_the_applications_model_and_its_condition(tmp_path, tmp_path_factory):
    from tuiutil import open_listed, sample_workspace

    from reviewer.tui.app import ReviewerApp
    from reviewer.tui.widgets.items import Item
    from reviewer.tui.widgets.prose import Prose

    ws = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    app_ = ReviewerApp(ws, "e01")
    async with app_.run_test(size=(120, 40)) as pilot:
        screen = await open_listed(pilot, "r2-iot/IOT-0023")       # 分野別モデル10 AI-OCR
        m1 = next(i for i in screen.query(Item) if i.criterion.id == "M1")
        m1.focus()
        await pilot.pause()
        shown = "".join(line.strip() for line in screen.query_one("#criterion", Prose).plain_lines())
        assert "この申請の分野別モデル: 要件B / 10 AI-OCRによる文字のテキストデータ化" in shown
        assert "分野別モデルの条件: ただし、業務システムと連携することを前提とし" in shown
        m2 = next(i for i in screen.query(Item) if i.criterion.id == "M2")
        m2.focus()
        await pilot.pause()
        assert "分野別モデルの条件" not in "".join(screen.query_one("#criterion", Prose).plain_lines())


def test_the_shipped_criteria_state_the_plan_condition_and_the_model_tag(programs):
    prog = programs["r2-iot"]
    [cond] = prog.eligibility.grant_conditions
    assert cond.key == "data_utilization_plan" and "官民データ活用推進計画を必ず添付すること" in cond.label
    assert [c.id for c in prog.criteria if "model" in c.tags] == ["M1"]


@pytest.mark.asyncio
async def test_an_item_is_shown_with_its_headings_guiding_question(tmp_path, tmp_path_factory):
    from tuiutil import open_listed, sample_workspace

    from reviewer.tui.app import ReviewerApp
    from reviewer.tui.widgets.items import Item
    from reviewer.tui.widgets.prose import Prose

    ws = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    app_ = ReviewerApp(ws, "e08")
    async with app_.run_test(size=(120, 40)) as pilot:
        screen = await open_listed(pilot, "r5-smartcity-2/SC-0001")
        item = next(i for i in screen.query(Item) if i.criterion.id == "1-2")
        item.focus()
        await pilot.pause()
        shown = "".join(line.strip() for line in screen.query_one("#criterion", Prose).plain_lines())
        assert "(1) 適合性: 事業の目的に適合しているか。" in shown


def test_the_plan_note_reaches_rank_the_cli_and_the_workbook(tmp_path, tmp_path_factory):
    import json

    import openpyxl
    from tuiutil import sample_workspace
    from wsutil import run

    ws = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    js = json.loads(run("rank", "--workspace", str(ws), "--program", "r2-iot", "--json", "--resamples", "0").stdout)
    selected = {a["id"] for a in js["applications"] if a["selected"]}
    assert js["grant_notes"] and all(n.split("（")[0].removeprefix("申請 ") in selected for n in js["grant_notes"])
    assert all("官民データ活用推進計画" in n for n in js["grant_notes"])
    assert not any("官民データ" in n for n in js["selection_notes"])             # not a minimum unmet
    text = run("rank", "--workspace", str(ws), "--program", "r2-iot", "--resamples", "0").stdout
    assert f"交付申請までに必要なこと: {js['grant_notes'][0]}" in text
    out = tmp_path / "b.xlsx"
    assert run("export", "--workspace", str(ws), "--program", "r2-iot", "--output", str(out)).returncode == 0
    ov = {r[0]: r[1] for r in openpyxl.load_workbook(out)["概要"].iter_rows(values_only=True) if r[0]}
    assert ov["交付申請までに必要なこと"].split("\n") == js["grant_notes"]


@pytest.mark.asyncio
async def test_the_chair_sees_which_selected_ones_still_need_their_plan(tmp_path, tmp_path_factory):
    from tuiutil import sample_workspace, settle

    from reviewer.services.results import score_workspace
    from reviewer.tui.app import ReviewerApp
    from reviewer.workspace import Workspace

    ws = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    with Workspace.open(ws) as w:
        pending = [a.id for a in score_workspace(w, "r2-iot", resamples=0).selected if a.grant_notes]
    assert pending
    app_ = ReviewerApp(ws, "chair")
    async with app_.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        summary = " ".join(app_.screen._summary_items)
        assert f"交付申請までに必要なことあり {len(pending)} 件: {'、'.join(pending)}" in summary


def test_the_tools_own_fields_are_labelled_where_shown(tmp_path, tmp_path_factory, programs):
    from tuiutil import sample_workspace
    from wsutil import run

    from reviewer.present.application import OWN_FIELDS, field_text

    prog = programs["r2-ai-plan"]
    assert "本ツールの既定の分類" in prog.fields_note
    assert field_text(prog, "ai-ocr") == "AI-OCRによる文字のテキストデータ化" + OWN_FIELDS
    ws = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    text = run("rank", "--workspace", str(ws), "--program", "r2-ai-plan", "--resamples", "0").stdout
    assert prog.fields_note in text and "AI-OCRによる文字" in text
