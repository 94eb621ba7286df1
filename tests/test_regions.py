from __future__ import annotations

import pytest

from reviewer.domain import regions


def test_47_prefectures_in_11_bureaus():
    assert len(regions.PREFECTURES) == 47
    assert regions.BUREAUS == ("北海道", "東北", "関東", "信越", "北陸", "東海", "近畿", "中国", "四国", "九州", "沖縄")
    assert set(regions.PREFECTURE_BUREAU.values()) == set(regions.BUREAUS)
    assert [regions.PREFECTURE_CODES[p] for p in regions.PREFECTURES] == [f"{i:02d}" for i in range(1, 48)]


@pytest.mark.parametrize("pref, bureau", [
    ("北海道", "北海道"), ("福島県", "東北"), ("山梨県", "関東"), ("東京都", "関東"), ("新潟県", "信越"),
    ("長野県", "信越"), ("福井県", "北陸"), ("三重県", "東海"), ("和歌山県", "近畿"), ("山口県", "中国"),
    ("高知県", "四国"), ("鹿児島県", "九州"), ("沖縄県", "沖縄"),
])
def test_bureau_of_prefecture_follows_the_submission_list(pref, bureau):
    assert regions.bureau_of(pref) == bureau


def test_bureau_sizes():
    sizes = {b: sum(1 for v in regions.PREFECTURE_BUREAU.values() if v == b) for b in regions.BUREAUS}
    assert sizes == {"北海道": 1, "東北": 6, "関東": 8, "信越": 2, "北陸": 3, "東海": 4, "近畿": 6,
                     "中国": 5, "四国": 4, "九州": 7, "沖縄": 1}


@pytest.mark.parametrize("code", ["012025", "131016", "011002", "472018", "010006", "271403"])
def test_check_digit_of_real_codes(code):
    assert regions.check_digit(code[:5]) == int(code[5])
    assert regions.lg_code_problem(code) is None


@pytest.mark.parametrize("code", ["012024", "131017", "12025", "0120255", "01202a", "４７２０１８", "992014"])
def test_malformed_codes(code):
    assert regions.lg_code_problem(code)


def test_check_digit_formula_by_hand():
    # 01202: 6*0 + 5*1 + 4*2 + 3*0 + 2*2 = 17; 17 mod 11 = 6; (11 - 6) mod 10 = 5
    assert regions.check_digit("01202") == 5
    # remainder 0 → (11 - 0) mod 10 = 1; remainder 1 → 0
    assert regions.check_digit("00000") == 1
    assert regions.check_digit("00006") == 0  # 2*6 = 12; 12 mod 11 = 1; (11 - 1) mod 10 = 0
    assert regions.check_digit("13000") == 1  # 6*1 + 5*3 = 21; 21 mod 11 = 10; (11 - 10) mod 10 = 1


def test_shipped_code_list():
    ms = regions.municipalities()
    assert len(ms) == 1788
    assert all(regions.lg_code_problem(c) is None for c in ms)
    assert all(ms[c].prefecture == regions.PREFECTURE_BY_CODE[c[:2]] for c in ms)
    assert {c: ms[c].name for c in regions.DESIGNATED_CITIES} == regions.DESIGNATED_CITIES
    assert len(regions.DESIGNATED_CITIES) == 20
    assert ms["012025"].name == "函館市" and ms["010006"].name == "北海道"
