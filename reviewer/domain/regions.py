"""Prefectures, regional bureaus (総合通信局・事務所), designated cities and JIS X 0402 codes.

The bureau of each prefecture follows the 提出先一覧 (submission list) of the programs'
実施要領. The municipality list (reviewer/data/lg_codes.csv) is the ministry's 全国地方公共団体
コード list of around 2020; it is reference data for lookups, not a gate: validation checks the
check digit and the prefecture prefix, as the contract asks.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

#: The 11 bureaus, in the order of the 提出先一覧 (north to south), by their short names.
BUREAUS: tuple[str, ...] = (
    "北海道", "東北", "関東", "信越", "北陸", "東海", "近畿", "中国", "四国", "九州", "沖縄",
)

# (JIS code, name, bureau), in JIS order.
_PREFECTURES: tuple[tuple[str, str, str], ...] = (
    ("01", "北海道", "北海道"),
    ("02", "青森県", "東北"), ("03", "岩手県", "東北"), ("04", "宮城県", "東北"),
    ("05", "秋田県", "東北"), ("06", "山形県", "東北"), ("07", "福島県", "東北"),
    ("08", "茨城県", "関東"), ("09", "栃木県", "関東"), ("10", "群馬県", "関東"),
    ("11", "埼玉県", "関東"), ("12", "千葉県", "関東"), ("13", "東京都", "関東"),
    ("14", "神奈川県", "関東"),
    ("15", "新潟県", "信越"),
    ("16", "富山県", "北陸"), ("17", "石川県", "北陸"), ("18", "福井県", "北陸"),
    ("19", "山梨県", "関東"),
    ("20", "長野県", "信越"),
    ("21", "岐阜県", "東海"), ("22", "静岡県", "東海"), ("23", "愛知県", "東海"),
    ("24", "三重県", "東海"),
    ("25", "滋賀県", "近畿"), ("26", "京都府", "近畿"), ("27", "大阪府", "近畿"),
    ("28", "兵庫県", "近畿"), ("29", "奈良県", "近畿"), ("30", "和歌山県", "近畿"),
    ("31", "鳥取県", "中国"), ("32", "島根県", "中国"), ("33", "岡山県", "中国"),
    ("34", "広島県", "中国"), ("35", "山口県", "中国"),
    ("36", "徳島県", "四国"), ("37", "香川県", "四国"), ("38", "愛媛県", "四国"),
    ("39", "高知県", "四国"),
    ("40", "福岡県", "九州"), ("41", "佐賀県", "九州"), ("42", "長崎県", "九州"),
    ("43", "熊本県", "九州"), ("44", "大分県", "九州"), ("45", "宮崎県", "九州"),
    ("46", "鹿児島県", "九州"),
    ("47", "沖縄県", "沖縄"),
)

PREFECTURE_CODES: dict[str, str] = {name: code for code, name, _ in _PREFECTURES}
PREFECTURE_BY_CODE: dict[str, str] = {code: name for code, name, _ in _PREFECTURES}
PREFECTURE_BUREAU: dict[str, str] = {name: bureau for _, name, bureau in _PREFECTURES}
PREFECTURES: tuple[str, ...] = tuple(name for _, name, _ in _PREFECTURES)

#: The 20 designated cities (政令指定都市) by their 6-digit codes.
DESIGNATED_CITIES: dict[str, str] = {
    "011002": "札幌市", "041009": "仙台市", "111007": "さいたま市", "121002": "千葉市",
    "141003": "横浜市", "141305": "川崎市", "141500": "相模原市", "151009": "新潟市",
    "221007": "静岡市", "221309": "浜松市", "231002": "名古屋市", "261009": "京都市",
    "271004": "大阪市", "271403": "堺市", "281000": "神戸市", "331007": "岡山市",
    "341002": "広島市", "401005": "北九州市", "401307": "福岡市", "431001": "熊本市",
}

#: Applicant types that are 市町村 (municipalities in the sense of the criteria's M4).
MUNICIPALITY_TYPES: frozenset[str] = frozenset(
    {"city", "core_city", "special_ward", "town", "village"}
)


def check_digit(first5: str) -> int:
    """JIS X 0402 check digit of the first five digits of a local government code."""
    d = [int(c) for c in first5]
    total = 6 * d[0] + 5 * d[1] + 4 * d[2] + 3 * d[3] + 2 * d[4]
    return (11 - total % 11) % 10


def lg_code_problem(code: str) -> str | None:
    """Why a 6-digit local government code is malformed, or None when it is well formed."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return f"地方公共団体コードは半角数字6桁です（{code!r}）"
    expected = check_digit(code[:5])
    if int(code[5]) != expected:
        return f"地方公共団体コード {code} の検査数字が正しくありません（正しくは {code[:5]}{expected}）"
    if code[:2] not in PREFECTURE_BY_CODE:
        return f"地方公共団体コード {code} の上2桁 {code[:2]} はどの都道府県のコードでもありません"
    return None


def is_prefecture_code(code: str) -> bool:
    return code[2:5] == "000"


def is_special_ward_code(code: str) -> bool:
    return code[:2] == "13" and 101 <= int(code[2:5]) <= 123


def bureau_of(prefecture: str) -> str:
    return PREFECTURE_BUREAU[prefecture]


@dataclass(frozen=True)
class Municipality:
    code: str
    prefecture: str
    name: str  # the prefecture's name on a prefecture's own row
    kana: str


@functools.cache
def municipalities() -> dict[str, Municipality]:
    """The shipped code list, by code (loaded on first use)."""
    out: dict[str, Municipality] = {}
    text = resources.files("reviewer").joinpath("data/lg_codes.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        name = row["city"] or row["prefecture"]
        kana = row["city_kana"] or row["prefecture_kana"]
        out[row["code"]] = Municipality(row["code"], row["prefecture"], name, kana)
    return out


#: 中核市 (core cities, as of 2021), by name: all are unique names in the shipped code list.
CORE_CITIES = frozenset(
    "函館市 旭川市 青森市 八戸市 盛岡市 秋田市 山形市 福島市 郡山市 いわき市 水戸市 宇都宮市 前橋市 "
    "高崎市 川越市 川口市 越谷市 船橋市 柏市 八王子市 横須賀市 富山市 金沢市 福井市 甲府市 長野市 松本市 "
    "岐阜市 豊橋市 岡崎市 一宮市 豊田市 大津市 豊中市 吹田市 高槻市 枚方市 八尾市 寝屋川市 東大阪市 姫路市 "
    "尼崎市 明石市 西宮市 奈良市 和歌山市 鳥取市 松江市 倉敷市 呉市 福山市 下関市 高松市 松山市 高知市 "
    "久留米市 長崎市 佐世保市 大分市 宮崎市 鹿児島市 那覇市".split()
)


def entity_type(m: Municipality) -> str | None:
    """The applicant type of a body on the shipped list (SPEC §3): a prefecture's own row, a 指定都市,
    an 特別区, a 中核市 (``CORE_CITIES``) or other 市, a 町, a 村; None for what is none of these."""
    code = m.code
    if is_prefecture_code(code):
        return "prefecture"
    if code in DESIGNATED_CITIES:
        return "designated_city"
    if is_special_ward_code(code):
        return "special_ward"
    if m.name.endswith("市"):
        return "core_city" if m.name in CORE_CITIES else "city"
    if m.name.endswith("町"):
        return "town"
    if m.name.endswith("村"):
        return "village"
    return None
