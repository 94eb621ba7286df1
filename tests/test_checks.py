"""The automatic checks: one test per reason code, with the boundaries."""

from __future__ import annotations

import pytest
from conftest import AI_APP, IOT_APP, SC_APP, app
from hypothesis import given
from hypothesis import strategies as st

from reviewer.domain.vocabulary import CHECK_CODES
from reviewer.rules.checks import auto_points, reasons, run_checks


def codes(a, prog):
    return reasons(a, prog)


def test_valid_applications_pass_every_check(programs):
    for base in (IOT_APP, AI_APP, SC_APP):
        a = app(base)
        prog = programs[a.program]
        results = run_checks(a, prog)
        assert results and all(r.passed for r in results), [r.message for r in results]
        assert [r.code for r in results] == [c for c in CHECK_CODES if c in {r.code for r in results}]


# -- applicant-type ------------------------------------------------------------

@pytest.mark.parametrize("type_, code, pref", [
    ("prefecture", "010006", "北海道"),
    ("designated_city", "011002", "北海道"),
])
def test_applicant_type_r2_iot_excludes_prefectures_and_designated_cities(programs, type_, code, pref):
    a = app(IOT_APP, applicant__type=type_, applicant__lg_code=code)
    assert codes(a, programs["r2-iot"]) == ["applicant-type"]
    msg = next(r.message for r in run_checks(a, programs["r2-iot"]) if r.code == "applicant-type")
    assert "対象外" in msg


def test_applicant_type_ai_plan_excludes_corporations(programs):
    a = app(AI_APP, applicant={"name": "一般社団法人A", "type": "corporation", "prefecture": "北海道"})
    assert codes(a, programs["r2-ai-plan"]) == ["applicant-type"]


def test_applicant_type_r5_accepts_prefectures(programs):
    a = app(SC_APP, applicant={"name": "群馬県", "type": "prefecture", "lg_code": "100005", "prefecture": "群馬県"})
    assert codes(a, programs["r5-smartcity-2"]) == []


# -- consortium ------------------------------------------------------------------

CORP = {"name": "株式会社テスト", "type": "corporation", "prefecture": "北海道"}
#: r2-iot's 様式1–7: 様式7 申請者概要説明書 only of a private applicant (seed 000 3(1) キ).
CORP_DOCS = [f"様式{i}" for i in range(1, 8)]


def test_consortium_r2_iot_corporation_needs_a_local_government_member(programs):
    prog = programs["r2-iot"]
    alone = app(IOT_APP, applicant=CORP, consortium=[{"name": "株式会社B", "type": "corporation"}],
                declarations__documents=CORP_DOCS)
    assert codes(alone, prog) == ["consortium"]
    none = app(IOT_APP, applicant=CORP, consortium=[], declarations__documents=CORP_DOCS)
    assert codes(none, prog) == ["consortium"]
    with_lg = app(IOT_APP, applicant=CORP, declarations__documents=CORP_DOCS)  # consortium has 北斗市
    assert codes(with_lg, prog) == []


def test_r2_iot_form_7_only_of_a_private_applicant(programs):
    prog = programs["r2-iot"]
    corp = app(IOT_APP, applicant=CORP)                     # 様式1–6 only
    assert codes(corp, prog) == ["documents"]
    assert "様式7" in next(r.message for r in run_checks(corp, prog) if r.code == "documents")
    assert codes(app(IOT_APP), prog) == []                  # a city: 様式1–6 are all
    short = app(IOT_APP, declarations__documents=[f"様式{i}" for i in range(1, 6)])
    assert "様式6" in next(r.message for r in run_checks(short, prog) if r.code == "documents")


def test_consortium_r5_corporation_needs_governance_and_related_lg(programs):
    prog = programs["r5-smartcity-2"]
    docs = ["応募様式", "セキュリティチェックシート", "ガバナンス確認資料"]
    base = dict(CORP, prefecture="群馬県")
    ok = app(SC_APP, applicant=dict(base, governance="agreement", related_lg_codes=["102016"]), declarations__documents=docs)
    assert codes(ok, prog) == []
    no_gov = app(SC_APP, applicant=dict(base, related_lg_codes=["102016"]), declarations__documents=docs)
    assert codes(no_gov, prog) == ["consortium"]
    no_lg = app(SC_APP, applicant=dict(base, governance="investment"), declarations__documents=docs)
    assert codes(no_lg, prog) == ["consortium"]


def test_r5_related_government_in_the_area_or_the_consortium(programs):
    """2(2): the governance is with a 都道府県又は市区町村 related to the project: of the
    implementation area (its prefecture or a municipality in it) or a member of the consortium."""
    prog = programs["r5-smartcity-2"]
    docs = ["応募様式", "セキュリティチェックシート", "ガバナンス確認資料"]

    def corp(related, **changes):
        applicant = dict(CORP, prefecture="群馬県", governance="agreement", related_lg_codes=related)
        return app(SC_APP, applicant=applicant, declarations__documents=docs, **changes)

    assert codes(corp(["100005"]), prog) == []                        # 群馬県 itself
    assert codes(corp(["102024"]), prog) == []                        # 高崎市, in the prefecture
    far = corp(["011002"])                                           # 札幌市: not related to 群馬県
    assert codes(far, prog) == ["consortium"]
    msg = next(r.message for r in run_checks(far, prog) if r.code == "consortium")
    assert "011002" in msg and "実施地域（群馬県）" in msg
    member = corp(["011002"], consortium=[{"name": "札幌市", "type": "designated_city", "lg_code": "011002"}])
    assert codes(member, prog) == []                                  # a consortium member
    moved = corp(["011002"], area={"prefecture": "北海道"})            # the area decides, not the seat
    assert codes(moved, prog) == []


def test_consortium_not_checked_for_local_governments(programs):
    a = app(IOT_APP, consortium=[])
    assert "consortium" not in codes(a, programs["r2-iot"])


# -- money -------------------------------------------------------------------------

def test_min_cost_boundary(programs):
    prog = programs["r2-iot"]
    assert codes(app(IOT_APP, budget={"total_cost_yen": 1_000_000, "requested_subsidy_yen": 500_000}), prog) == []
    assert codes(app(IOT_APP, budget={"total_cost_yen": 999_999, "requested_subsidy_yen": 499_000}), prog) == ["min-cost"]
    assert codes(app(SC_APP, budget={"total_cost_yen": 2_999_999, "requested_subsidy_yen": 1_000_000}), programs["r5-smartcity-2"]) == ["min-cost"]


def test_subsidy_rate_cuts_down_to_the_thousand_yen(programs):
    prog = programs["r2-iot"]
    # 9,999,999 × 1/2 = 4,999,999.5 → 4,999,000 after the cut
    assert codes(app(IOT_APP, budget={"total_cost_yen": 9_999_999, "requested_subsidy_yen": 4_999_000}), prog) == []
    assert codes(app(IOT_APP, budget={"total_cost_yen": 9_999_999, "requested_subsidy_yen": 4_999_001}), prog) == ["subsidy-rate"]
    assert codes(app(IOT_APP, budget={"total_cost_yen": 9_999_999, "requested_subsidy_yen": 5_000_000}), prog) == ["subsidy-rate"]
    msg = next(r.message for r in run_checks(app(IOT_APP, budget={"total_cost_yen": 9_999_999, "requested_subsidy_yen": 5_000_000}), prog) if r.code == "subsidy-rate")
    assert "4,999,000円" in msg and "1/2" in msg


def test_subsidy_cap(programs):
    prog = programs["r2-iot"]
    assert codes(app(IOT_APP, budget={"total_cost_yen": 44_000_000, "overhead_yen": 4_000_000, "requested_subsidy_yen": 20_000_000}), prog) == []
    assert codes(app(IOT_APP, budget={"total_cost_yen": 44_000_000, "overhead_yen": 4_000_000, "requested_subsidy_yen": 20_001_000}), prog) == ["subsidy-cap"]
    # r5 has no cap
    assert codes(app(SC_APP, budget={"total_cost_yen": 400_000_000, "requested_subsidy_yen": 200_000_000}), programs["r5-smartcity-2"]) == []


def test_overhead_at_most_a_tenth_of_direct_costs(programs):
    prog = programs["r2-iot"]
    # direct 10,000,000, overhead 1,000,000 = exactly 1/10
    assert codes(app(IOT_APP, budget={"total_cost_yen": 11_000_000, "overhead_yen": 1_000_000, "requested_subsidy_yen": 5_500_000}), prog) == []
    assert codes(app(IOT_APP, budget={"total_cost_yen": 11_000_001, "overhead_yen": 1_000_001, "requested_subsidy_yen": 5_500_000}), prog) == ["overhead"]


def test_money_checks_absent_where_the_program_gives_no_money(programs):
    results = {r.code for r in run_checks(app(AI_APP), programs["r2-ai-plan"])}
    assert results.isdisjoint({"min-cost", "subsidy-rate", "subsidy-cap", "overhead"})


# -- model ---------------------------------------------------------------------------

def test_model_outside_its_track(programs):
    prog = programs["r2-iot"]
    assert codes(app(IOT_APP, track="A", model=7), prog) == ["model"]
    assert codes(app(IOT_APP, track="B", model=7), prog) == []
    assert codes(app(IOT_APP, track="C", model=12), prog) == []
    assert codes(app(IOT_APP, track="C", model=1), prog) == ["model"]


# -- r2-ai-plan -----------------------------------------------------------------------

def test_commitment(programs):
    prog = programs["r2-ai-plan"]
    assert codes(app(AI_APP, declarations__attend_workshops=False), prog) == ["commitment"]
    assert codes(app(AI_APP, declarations__plan_this_year=False), prog) == ["commitment"]
    undeclared = app(AI_APP, declarations={"prior_support_years": [], "documents": ["応募様式"]})
    assert codes(undeclared, prog) == ["commitment"]
    msg = next(r.message for r in run_checks(undeclared, prog) if r.code == "commitment")
    assert "研修会" in msg and "計画の策定" in msg


def test_prior_support(programs):
    prog = programs["r2-ai-plan"]
    assert codes(app(AI_APP, declarations__prior_support_years=[2019]), prog) == ["prior-support"]
    assert codes(app(AI_APP, declarations__prior_support_years=[2018, 2017]), prog) == ["prior-support"]
    assert codes(app(AI_APP, declarations__prior_support_years=[2017]), prog) == []


# -- r5 documents ----------------------------------------------------------------------

def test_documents(programs):
    prog = programs["r5-smartcity-2"]
    assert codes(app(SC_APP, declarations__documents=["応募様式"]), prog) == ["documents"]
    assert codes(app(SC_APP, declarations={"mynumber_card_rate": 0.7}), prog) == ["documents"]
    corp = dict(CORP, prefecture="群馬県", governance="investment", related_lg_codes=["102016"])
    missing_gov_doc = app(SC_APP, applicant=corp)
    assert codes(missing_gov_doc, prog) == ["documents"]
    msg = next(r.message for r in run_checks(missing_gov_doc, prog) if r.code == "documents")
    assert "ガバナンス確認資料" in msg


def test_every_failed_check_explains_itself_in_japanese(programs):
    a = app(IOT_APP, applicant=CORP, consortium=[], track="A", model=9,
            budget={"total_cost_yen": 900_000, "overhead_yen": 200_000, "requested_subsidy_yen": 600_000})
    results = [r for r in run_checks(a, programs["r2-iot"]) if not r.passed]
    assert {r.code for r in results} == {"consortium", "min-cost", "subsidy-rate", "overhead", "model", "documents"}
    for r in results:
        assert r.label and any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in r.message)


# -- auto bonus bands -----------------------------------------------------------------

@pytest.mark.parametrize("rate, points", [
    (0.95, 3), (0.80, 3), (0.7999, 2), (0.70, 2), (0.65, 1), (0.60, 1), (0.5999, 0), (0.0, 0), (None, 0),
])
def test_mynumber_bands(programs, rate, points):
    prog = programs["r5-smartcity-2"]
    crit = prog.criterion("6-4")
    a = app(SC_APP, declarations__mynumber_card_rate=rate) if rate is not None else app(SC_APP, declarations={"documents": ["応募様式"]})
    assert auto_points(crit, a) == points


@given(total=st.integers(0, 10**13), num=st.integers(1, 20), den=st.integers(1, 20),
       unit=st.sampled_from([1, 7, 1000, 10_000]))
def test_max_subsidy_is_the_exact_rate_cut_down(total, num, den, unit):
    """floor(total x rate / unit) x unit, exactly (no float rounding at any size)."""
    from fractions import Fraction

    from reviewer.domain.model import Funding

    rate = Fraction(num, den)
    if rate > 1:
        rate = 1 / rate
    f = Funding(subsidy_rate=f"{rate.numerator}/{rate.denominator}", round_down_yen=unit)
    expected = int(Fraction(total) * rate // unit) * unit
    assert f.max_subsidy(total) == expected <= total * rate
