"""Application files: every rejection of SPEC §3, each naming the file, the line and the field."""

from __future__ import annotations

import pytest
from conftest import AI_APP, DELETE, IOT_APP, SC_APP, doc, write

from reviewer.files.load import load_paths


def problems_for(tmp_path, programs, data, name="app.toml"):
    path = write(tmp_path, name, data)
    bundle = load_paths([path], base_programs=programs)
    return bundle.problems


def one(tmp_path, programs, data):
    probs = problems_for(tmp_path, programs, data)
    assert len(probs) == 1, [str(p) for p in probs]
    p = probs[0]
    assert p.path.endswith("app.toml")
    return p


def test_valid_applications_load(tmp_path, programs):
    for i, base in enumerate((IOT_APP, AI_APP, SC_APP)):
        assert problems_for(tmp_path, programs, base, f"a{i}.toml") == []


def test_bad_toml_names_the_line(tmp_path, programs):
    text = 'id = "X-1"\nprogram = "r2-iot"\ntitle = "t"\n[applicant\nname = "a"\n'
    p = one(tmp_path, programs, text)
    assert p.line == 4 and "TOML" in p.message


def test_not_utf8(tmp_path, programs):
    path = tmp_path / "app.toml"
    path.write_bytes('title = "函館"\n'.encode("shift_jis"))
    [p] = load_paths([path], base_programs=programs).problems
    assert "UTF-8" in p.message


def test_bom_is_accepted(tmp_path, programs):
    import tomli_w

    path = tmp_path / "app.toml"
    path.write_bytes(b"\xef\xbb\xbf" + tomli_w.dumps(IOT_APP).encode())
    assert load_paths([path], base_programs=programs).problems == []


@pytest.mark.parametrize("field", ["id", "program", "title", "applicant", "budget"])
def test_missing_required_field(tmp_path, programs, field):
    p = one(tmp_path, programs, doc(IOT_APP, **{field: DELETE}))
    assert p.field == field and "必須" in p.message


@pytest.mark.parametrize("path, field", [
    ("applicant__name", "applicant.name"),
    ("applicant__prefecture", "applicant.prefecture"),
    ("budget__total_cost_yen", "budget.total_cost_yen"),
    ("budget__requested_subsidy_yen", "budget.requested_subsidy_yen"),
])
def test_missing_nested_field(tmp_path, programs, path, field):
    p = one(tmp_path, programs, doc(IOT_APP, **{path: DELETE}))
    assert p.field == field
    assert p.line is not None  # the line of the enclosing table


def test_lg_code_required_unless_corporation(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant__lg_code=DELETE))
    assert p.field == "applicant" and "lg_code" in p.message


def test_an_association_with_a_member_municipalitys_code_is_refused(tmp_path, programs):
    """The shipped list holds no 一部事務組合・広域連合 codes: an association's code that is a
    municipality's (a member's, as some samples had) is refused, naming the municipality."""
    assoc = {"name": "相楽東部広域連合", "type": "association", "lg_code": "263648", "prefecture": "京都府"}
    p = one(tmp_path, programs, doc(IOT_APP, applicant=assoc))
    assert p.field == "applicant" and "263648 は笠置町のコード" in p.message and "組合・広域連合自身" in p.message


def test_a_field_must_be_one_of_the_programs_fields(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, field="ai-ocr"))          # r2-iot: the models are its fields
    assert p.field == "field" and "この事業には分野（fields）がありません" in p.message


@pytest.mark.parametrize("path, value, field", [
    ("budget__total_cost_yen", "12000000", "budget.total_cost_yen"),
    ("budget__total_cost_yen", 12000000.0, "budget.total_cost_yen"),
    ("model", "4", "model"),
    ("title", 5, "title"),
    ("declarations__plan_this_year", "yes", "declarations.plan_this_year"),
    ("sections", "本文", "sections"),
])
def test_mistyped_field(tmp_path, programs, path, value, field):
    p = one(tmp_path, programs, doc(IOT_APP, **{path: value}))
    assert p.field == field


def test_unknown_key_is_refused(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, modle=4))
    assert p.field == "modle" and "不明な項目" in p.message


def test_unknown_program(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, program="r9-nothing"))
    assert p.field == "program" and "r9-nothing" in p.message and p.line == 2


def test_unknown_type(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant__type="company"))
    assert p.field == "applicant.type" and "corporation" in p.message


def test_unknown_prefecture(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant__prefecture="北海"))
    assert p.field == "applicant.prefecture" and "北海" in p.message


def test_wrong_check_digit(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant__lg_code="012024"))
    assert p.field == "applicant.lg_code" and "検査数字" in p.message and "012025" in p.message


def test_wrong_check_digit_in_consortium_member(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, consortium=[{"name": "北斗市", "type": "city", "lg_code": "012361"}]))
    assert p.field == "consortium[0].lg_code"


def test_lg_code_of_another_prefecture(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant__prefecture="青森県"))
    assert p.field == "applicant" and "02" in p.message and "01" in p.message


def test_designated_city_code_under_another_type(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant={"name": "札幌市", "type": "city", "lg_code": "011002", "prefecture": "北海道"}))
    assert "指定都市" in p.message and "札幌市" in p.message


def test_designated_city_type_with_an_ordinary_code(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant__type="designated_city"))
    assert "指定都市のコードではありません" in p.message


def test_prefecture_and_special_ward_codes_match_their_types(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant={"name": "北海道", "type": "city", "lg_code": "010006", "prefecture": "北海道"}))
    assert "都道府県のコード" in p.message
    p = one(tmp_path, programs, doc(IOT_APP, applicant={"name": "千代田区", "type": "city", "lg_code": "131016", "prefecture": "東京都"}))
    assert "特別区" in p.message


@pytest.mark.parametrize("path, field", [
    ("budget__total_cost_yen", "budget.total_cost_yen"),
    ("budget__overhead_yen", "budget.overhead_yen"),
    ("budget__requested_subsidy_yen", "budget.requested_subsidy_yen"),
])
def test_negative_amount(tmp_path, programs, path, field):
    p = one(tmp_path, programs, doc(IOT_APP, **{path: -1}))
    assert p.field == field and "0 以上" in p.message


def test_absurd_amount(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, budget__total_cost_yen=10**18))
    assert p.field == "budget.total_cost_yen"


def test_overhead_above_total(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, budget={"total_cost_yen": 100, "overhead_yen": 200, "requested_subsidy_yen": 0}))
    assert p.field == "budget"


@pytest.mark.parametrize("rate", [-0.01, 1.01, 78.1])
def test_rate_outside_0_1(tmp_path, programs, rate):
    p = one(tmp_path, programs, doc(SC_APP, declarations__mynumber_card_rate=rate))
    assert p.field == "declarations.mynumber_card_rate"


def test_duplicate_id_within_a_program(tmp_path, programs):
    write(tmp_path, "a/one.toml", IOT_APP)
    write(tmp_path, "a/two.toml", doc(IOT_APP, title="別の申請"))
    probs = load_paths([tmp_path / "a"], base_programs=programs).problems
    assert len(probs) == 1
    assert probs[0].path.endswith("two.toml") and "one.toml" in probs[0].message and probs[0].field == "id"


def test_same_id_in_two_programs_is_fine(tmp_path, programs):
    write(tmp_path, "a/one.toml", doc(IOT_APP, id="X-1"))
    write(tmp_path, "a/two.toml", doc(SC_APP, id="X-1"))
    assert load_paths([tmp_path / "a"], base_programs=programs).problems == []


@pytest.mark.parametrize("value", ["IOT 0001", "申請1", "a/b", ""])
def test_bad_id(tmp_path, programs, value):
    p = one(tmp_path, programs, doc(IOT_APP, id=value))
    assert p.field == "id"


def test_track_and_model_where_the_program_has_them(tmp_path, programs):
    assert one(tmp_path, programs, doc(IOT_APP, track=DELETE)).field == "track"
    assert one(tmp_path, programs, doc(IOT_APP, track="D")).field == "track"
    assert one(tmp_path, programs, doc(IOT_APP, model=DELETE)).field == "model"
    assert one(tmp_path, programs, doc(IOT_APP, model=13)).field == "model"
    assert one(tmp_path, programs, doc(SC_APP, track="A")).field == "track"
    assert one(tmp_path, programs, doc(SC_APP, model=1)).field == "model"


def test_no_subsidy_where_the_program_gives_no_money(tmp_path, programs):
    p = one(tmp_path, programs, doc(AI_APP, budget__requested_subsidy_yen=1000))
    assert p.field == "budget.requested_subsidy_yen"


def test_governance_only_for_corporations(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant__governance="investment"))
    assert "corporation" in p.message


def test_corporation_has_no_lg_code(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant__type="corporation"))
    assert "lg_code" in p.message


def test_all_problems_of_a_file_are_reported(tmp_path, programs):
    probs = problems_for(tmp_path, programs, doc(IOT_APP, title=DELETE, applicant__lg_code="012024", budget__overhead_yen=-5))
    assert {p.field for p in probs} == {"title", "applicant.lg_code", "budget.overhead_yen"}


def test_problem_lines_point_at_the_key(tmp_path, programs):
    text = (
        'id = "X-1"\n'
        'program = "r2-iot"\n'
        'title = "t"\n'
        'track = "A"\n'
        'model = 1\n'
        '\n'
        '[applicant]\n'
        'name = "函館市"\n'
        'type = "core_city"\n'
        'lg_code = "012024"\n'
        'prefecture = "北海道"\n'
        '\n'
        '[budget]\n'
        'total_cost_yen = 2_000_000\n'
        'requested_subsidy_yen = -3\n'
        '\n'
        '[[sections]]\n'
        'heading = "概要"\n'
        'body = """\n'
        'x = 1\n'
        '[not a header]\n'
        '"""\n'
        '[[sections]]\n'
        'heading = 5\n'
        'body = "b"\n'
    )
    probs = {p.field: p.line for p in problems_for(tmp_path, programs, text)}
    assert probs == {"applicant.lg_code": 10, "budget.requested_subsidy_yen": 15, "sections[1].heading": 24}


def test_messages_render_as_file_line_field(tmp_path, programs):
    p = one(tmp_path, programs, doc(IOT_APP, applicant__lg_code="012024"))
    assert str(p).startswith(f"{p.path}:{p.line}: applicant.lg_code: ")


def test_a_5000_digit_integer_is_too_large_at_its_line(tmp_path, programs):
    text = 'id = "T-0001"\nprogram = "r2-iot"\n[budget]\ntotal_cost_yen = ' + "9" * 5000 + "\n"
    p = one(tmp_path, programs, text)
    assert p.line == 4 and "整数が大きすぎます" in p.message and "ValueError" not in p.message, str(p)


@pytest.mark.parametrize("changes, field", [
    ({"id": "T-0001\n"}, "id"),
    ({"program": "r2-iot\n"}, "program"),
    ({"track": "A\n"}, "track"),
])
def test_ids_with_a_trailing_newline_are_refused(tmp_path, programs, changes, field):
    p = one(tmp_path, programs, doc(IOT_APP, **changes))
    assert p.field == field and "ID" in p.message, str(p)


def test_a_rate_of_nan_is_refused(tmp_path, programs):
    p = one(tmp_path, programs, doc(SC_APP, declarations__mynumber_card_rate=float("nan")))
    assert p.field == "declarations.mynumber_card_rate" and "nan" in p.message, str(p)
