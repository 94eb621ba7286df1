"""The office's list of applications (SPEC §6.8): an Excel workbook or a CSV file, one row per
application, read into typed entries with every problem named by file, row and column.

Inside: ``COLUMNS`` (the Japanese headers, in the template's order), ``read_rows`` (the file →
its header and raw rows: the sheet with the header row ``申請ID …`` among its first rows, or a CSV
in UTF-8 or Excel's Japanese cp932; bounded: ``MAX_ROWS`` rows, ``MAX_CELL`` characters a cell,
``MAX_LIST_BYTES`` bytes), the cell parsers (amounts "12,000,000", rates "78.1%", years
"2018、2019", はい/いいえ/○/×, 種別 by Japanese name or code, ① … ⑫) and ``read_list``, which
returns the ``Entry`` of each row for one program. Nothing here raises for bad input.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reviewer.domain import regions
from reviewer.domain.limits import MAX_YEN
from reviewer.domain.model import IDENT_RE, Program, shown
from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS, GOVERNANCE_LABELS
from reviewer.files.problems import Problem

#: The most application rows a list may have, the most characters in one cell, the largest file.
MAX_ROWS = 100_000
MAX_CELL = 10_000
MAX_LIST_BYTES = 64 * 1024 * 1024
#: The most bytes an xlsx list may unpack to (its XML, shared strings included), checked before it is opened.
MAX_LIST_UNZIPPED = 512 * 1024 * 1024
#: The template's sheet of applications (read first where a workbook has it).
LIST_SHEET = "申請一覧"
#: The header row is looked for among a sheet's first rows (a title may stand above it), and
#: only the first columns are read.
HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 200

#: The headers, in the template's order; every one but the optional ones is required (要件 and
#: 分野別モデル only where the program has tracks and models; blank amounts are 0 where the
#: program gives no money).
COLUMNS: tuple[str, ...] = (
    "申請ID", "件名", "申請者", "種別", "団体コード", "都道府県", "要件", "分野別モデル", "事業費総額", "一般管理費",
    "補助金申請額", "実施地域の都道府県", "マイナンバーカード交付率", "過去の支援年度", "計画策定の意向", "研修会への参加",
    "構成員", "ガバナンスの形態", "ガバナンス先の団体コード",
)
OPTIONAL: frozenset[str] = frozenset(
    {"一般管理費", "実施地域の都道府県", "マイナンバーカード交付率", "過去の支援年度", "計画策定の意向", "研修会への参加",
     "構成員", "ガバナンスの形態", "ガバナンス先の団体コード"})
#: The columns only a corporation (法人) fills in.
CORPORATION_ONLY = ("ガバナンスの形態", "ガバナンス先の団体コード")

#: 種別 as the office writes it: the short Japanese names (the template's drop-down list), the
#: vocabulary's labels, and the codes of SPEC §3.
TYPE_NAMES: dict[str, str] = {
    "都道府県": "prefecture", "指定都市": "designated_city", "中核市": "core_city", "市": "city",
    "特別区": "special_ward", "町": "town", "村": "village", "一部事務組合等": "association", "法人": "corporation",
}
_TYPES: dict[str, str] = {
    **{code: code for code in APPLICANT_TYPE_LABELS},
    **{label: code for code, label in APPLICANT_TYPE_LABELS.items()},
    "一部事務組合": "association", "広域連合": "association", "政令指定都市": "designated_city", "区": "special_ward",
    **TYPE_NAMES,
}
#: The short Japanese name of each type code (the template's drop-down list).
TYPE_SHORT: dict[str, str] = {code: name for name, code in TYPE_NAMES.items()}

_GOVERNANCE: dict[str, str] = {
    **{code: code for code in GOVERNANCE_LABELS},
    **{label: code for code, label in GOVERNANCE_LABELS.items()},
    "協定": "agreement", "連携協定": "agreement", "コンソーシアム": "consortium",
}

_YES = frozenset({"はい", "○", "〇", "◯", "true", "1", "yes", "y", "有", "あり", "する"})
_NO = frozenset({"いいえ", "×", "✕", "✖", "false", "0", "no", "n", "無", "なし", "しない"})

Cell = Any  # str, int, float, bool, datetime or None: what the file holds


@dataclass(frozen=True)
class Row:
    """One row of the list: its number as the file shows it (Excel's row, the CSV's record) and
    its cells by header."""

    number: int
    cells: dict[str, Cell]


@dataclass
class Rows:
    """What a list file holds: its header names, the rows below the header, the problems."""

    headers: list[str] = field(default_factory=list)
    header_row: int = 1
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """One application as the list states it (None: the cell is blank or the column absent)."""

    row: int
    id: str
    title: str
    applicant: str
    type: str
    lg_code: str | None
    prefecture: str
    track: str | None
    model: int | None
    total_cost_yen: int
    overhead_yen: int | None
    requested_subsidy_yen: int
    area: str | None = None
    mynumber_card_rate: float | None = None
    prior_support_years: list[int] | None = None
    plan_this_year: bool | None = None
    attend_workshops: bool | None = None
    #: 構成員: (name, type, code or None) each
    consortium: list[tuple[str, str, str | None]] | None = None
    governance: str | None = None
    related_lg_codes: list[str] | None = None


@dataclass
class ListRead:
    """The entries of a list, the problems found and the columns not read (unknown headers)."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)


def where(row: int, column: str = "") -> str:
    """The ``field`` of a list's problem: "5行目: 種別" (printed "FILE: 5行目: 種別: …")."""
    return f"{row}行目: {column}" if column else f"{row}行目"


def header_name(value: Cell) -> str:
    """A header cell as a column name: NFKC (申請ＩＤ → 申請ID), blanks and a trailing note
    removed (「団体コード（6桁）」「申請ID※」 are 団体コード and 申請ID)."""
    if value is None:
        return ""
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    return re.sub(r"(\([^()]*\)|[※*])+$", "", name) or name


# ---------------------------------------------------------------------------
# the file → rows


def read_rows(path: Path) -> Rows:
    """The header and the rows of an xlsx or csv list (problems instead of exceptions)."""
    p = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        return Rows(problems=[Problem(p, None, "", "一覧は Excel（.xlsx）か CSV（.csv）のファイルです")])
    try:
        size = path.stat().st_size
        if not path.is_file():
            return Rows(problems=[Problem(p, None, "", "ファイルではありません")])
        if size > MAX_LIST_BYTES:
            too_big = f"ファイルが大きすぎます（{size:,} バイト、上限 {MAX_LIST_BYTES:,} バイト）"
            return Rows(problems=[Problem(p, None, "", too_big)])
        return _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(p, path.read_bytes())
    except OSError as e:
        return Rows(problems=[Problem(p, None, "", f"読み込めません（{e.strerror or e}）")])


def _xlsx_rows(path: Path) -> Rows:
    import zipfile

    from openpyxl import load_workbook

    p = str(path)
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
        if unpacked > MAX_LIST_UNZIPPED:
            too_big = f"展開すると大きすぎます（{unpacked:,} バイト、上限 {MAX_LIST_UNZIPPED:,} バイト）"
            return Rows(problems=[Problem(p, None, "", too_big)])
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # an untrusted file: whatever the zip or XML readers raise, it is no workbook
        return Rows(problems=[Problem(p, None, "", "Excel（.xlsx）のファイルとして読めません")])
    try:
        for sheet in sorted(book.worksheets, key=lambda w: w.title != LIST_SHEET):  # the template's sheet first
            lines = ((i, list(values)) for i, values in enumerate(
                sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1))
            found = _table(p, lines)
            if found is not None:
                return found
    except Exception:  # as above: a broken sheet inside a readable zip
        return Rows(problems=[Problem(p, None, "", "Excel（.xlsx）のファイルとして読めません（壊れています）")])
    finally:
        book.close()
    return Rows(problems=[Problem(p, None, "", _NO_HEADER)])


_NO_HEADER = (f"見出しの行（「申請ID」「件名」「申請者」… の行）が見つかりません（先頭の {HEADER_SEARCH_ROWS} 行を探しました）。"
              "reviewer intake-template で書き出したひな形を使ってください")


def _csv_rows(p: str, raw: bytes) -> Rows:
    """A CSV in UTF-8 (with or without BOM), else cp932 (Excel's 「CSV（コンマ区切り）」 in Japanese)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return Rows(problems=[Problem(p, None, "", "文字コードが UTF-8 でも Shift_JIS（cp932）でもありません")])
    reader = csv.reader(io.StringIO(text, newline=""))

    def lines() -> Iterator[tuple[int, list[Cell]]]:
        for n, values in enumerate(reader, start=1):
            yield n, list(values[:MAX_COLUMNS])

    try:
        found = _table(p, lines())
    except csv.Error as e:
        return Rows(problems=[Problem(p, reader.line_num or None, "", f"CSV として読めません（{e}）")])
    return found if found is not None else Rows(problems=[Problem(p, None, "", _NO_HEADER)])


def _table(p: str, lines: Iterable[tuple[int, list[Cell]]]) -> Rows | None:
    """The header (the first row among the first few with 申請ID) and the non-blank rows below
    it; None where no header row is found."""
    out: Rows | None = None
    index: list[tuple[int, str]] = []
    for n, values in lines:
        if out is None:
            if n > HEADER_SEARCH_ROWS:
                return None
            names = [header_name(v) for v in values]
            if "申請ID" in names and len(set(names) & set(COLUMNS)) >= 3:  # not a note that names the column
                out = Rows(headers=[x for x in names if x], header_row=n)
                index = [(i, x) for i, x in enumerate(names) if x]
                out.problems.extend(_header_problems(p, n, names))
            continue
        if n - out.header_row > 2 * MAX_ROWS:
            out.problems.append(Problem(p, None, where(n), f"行が多すぎます（申請は {MAX_ROWS:,} 行まで）"))
            break
        if all(_blank(v) for v in values):
            continue
        if len(out.rows) >= MAX_ROWS:
            out.problems.append(Problem(p, None, where(n), f"行が多すぎます（申請は {MAX_ROWS:,} 行まで）"))
            break
        cells = {name: values[i] if i < len(values) else None for i, name in index}
        out.problems.extend(Problem(p, None, where(n, name), f"長すぎます（{len(v):,} 文字、上限 {MAX_CELL:,} 文字）")
                            for name, v in cells.items() if isinstance(v, str) and len(v) > MAX_CELL)
        out.rows.append(Row(n, cells))
    return out


def _header_problems(p: str, n: int, names: list[str]) -> list[Problem]:
    seen: set[str] = set()
    out: list[Problem] = []
    for name in names:
        if name and name in seen:
            out.append(Problem(p, None, where(n, name), "同じ見出しの列が2つあります"))
        seen.add(name)
    return out


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------
# cells → values (each parser raises ValueError with the Japanese reason)


def text(value: Cell) -> str:
    """A cell as text: an integral number without ".0", whitespace at the ends removed."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _nfkc(value: Cell) -> str:
    return unicodedata.normalize("NFKC", text(value)).strip()


def ident(value: Cell) -> str:
    s = _nfkc(value)
    if not IDENT_RE.fullmatch(s):
        raise ValueError(f"ID は半角英数字・ハイフン・下線の64文字以内です（{shown(s)}）")
    return s


def _named(value: Cell, codes: dict[str, str], what: str, listed: str, names: Iterable[str]) -> str:
    """The code a cell names in ``codes`` (as written, or in lower case); else a ValueError
    that lists ``names`` after ``listed``."""
    s = _nfkc(value)
    code = codes.get(s) or codes.get(s.lower())
    if code is None:
        raise ValueError(f"不明な{what}です（{shown(s)}）。{listed}: {'・'.join(names)}")
    return code


def applicant_type(value: Cell) -> str:
    return _named(value, _TYPES, "種別", "種別", TYPE_NAMES)


def lg_code(value: Cell) -> str:
    """A 6-digit code; a number (Excel drops the leading 0 of 012025) is padded to 6 digits."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() and 0 < value < 10**6:
        s = f"{int(value):06d}"
    else:
        s = _nfkc(value)
    if len(s) != 6 or not s.isascii() or not s.isdigit():
        raise ValueError(f"全国地方公共団体コードは半角数字6桁です（{shown(s)}）")
    problem = regions.lg_code_problem(s)
    if problem:
        raise ValueError(problem)
    return s


def prefecture(value: Cell) -> str:
    s = _nfkc(value)
    if s not in regions.PREFECTURE_CODES:
        raise ValueError(f"都道府県名が不明です（{shown(s)}）。「北海道」「青森県」「東京都」のように正式名で書いてください")
    return s


def yen(value: Cell) -> int:
    """An amount in yen: an integer, "12,000,000", "12000000円", or an Excel number that is integral."""
    if isinstance(value, bool):
        raise ValueError(f"金額は 0 以上の整数（円）で書いてください（{shown(value)}）")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"金額は 1 円単位の整数で書いてください（{value}）")
        value = int(value)
    s = value if isinstance(value, int) else re.sub(r"[,\s円¥\\]", "", _nfkc(value))
    if isinstance(s, str):
        if not re.fullmatch(r"[0-9]{1,20}", s):
            raise ValueError(f"金額は 0 以上の整数（円）で書いてください（{shown(text(value))}）")
        s = int(s)
    if not 0 <= s <= MAX_YEN:
        raise ValueError(f"金額は 0 以上 {MAX_YEN:,} 円以下です（{s:,}）")
    return s


def rate(value: Cell) -> float:
    """A rate 0..1: 0.781, or "78.1%" (Excel's percent cell is already the fraction)."""
    s = _nfkc(value)
    percent = s.endswith("%")
    try:
        d = Decimal(s.rstrip("%").strip())
    except InvalidOperation:
        raise ValueError(f"0〜1 の数か「78.1%」の形で書いてください（{shown(s)}）") from None
    if not d.is_finite():
        raise ValueError(f"0〜1 の数か「78.1%」の形で書いてください（{shown(s)}）")
    if percent:
        d = d / 100
    if not 0 <= d <= 1:
        raise ValueError(f"交付率は 0〜1（0%〜100%）です（{shown(s)}）")
    return float(d)


def years(value: Cell) -> list[int]:
    """Fiscal years: "2018, 2019", "2018、2019" (a number alone is one year); "なし" is none."""
    s = _nfkc(value)
    if s in ("なし", "無", "-", "ー"):
        return []
    out: list[int] = []
    for part in re.split(r"[,、・;\s/]+", s):
        if not part:
            continue
        if not re.fullmatch(r"[0-9]{4}", part) or not 1900 <= int(part) <= 2200:
            raise ValueError(f"年度は西暦4桁で、複数は「2018、2019」のように書いてください（{shown(part)}）")
        out.append(int(part))
    return sorted(set(out))


def lg_codes(value: Cell) -> list[str]:
    """Codes: "012076、016314" (a number alone is one code)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [lg_code(value)]
    return list(dict.fromkeys(lg_code(part) for part in re.split(r"[,、・;\s/]+", _nfkc(value)) if part))


def governance(value: Cell) -> str:
    return _named(value, _GOVERNANCE, "ガバナンスの形態", "形態", GOVERNANCE_LABELS.values())


_MEMBER_RE = re.compile(r"(.+?)\s*\(\s*([0-9]{1,6})\s*\)")


def members(value: Cell) -> list[tuple[str, str, str | None]]:
    """構成員: 「名称（団体コード）」 for a local government, the name alone for a 法人, or the code
    alone (the name from the code list), separated by 「、」 or new lines. A local government's type
    comes from its code (a code not on the list is a 一部事務組合等, whose name must be written)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # one code, as Excel stores it
        return [_member("", lg_code(value))]
    out: list[tuple[str, str, str | None]] = []
    for part in re.split(r"[、,;\n]+", _nfkc(value)):
        part = part.strip()
        m = _MEMBER_RE.fullmatch(part)
        if m:
            out.append(_member(m.group(1).strip(), lg_code(m.group(2))))
        elif re.fullmatch(r"[0-9]+", part):
            out.append(_member("", lg_code(part)))
        elif part:
            out.append((part, "corporation", None))
    return list(dict.fromkeys(out))  # a member written twice is one member


def _member(name: str, code: str) -> tuple[str, str, str | None]:
    """A local government member by its code: its type from the code list, its name from the list
    where none is written."""
    known = regions.municipalities().get(code)
    if known is None:
        if not name:
            raise ValueError(f"団体コード {code} は団体コードの一覧にないため、「名称（{code}）」の形で名称も書いてください")
        return name, "association", code
    return name or known.name, regions.entity_type(known) or "association", code


def yes_no(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    s = _nfkc(value).lower()
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise ValueError(f"「はい」か「いいえ」（○・×、TRUE・FALSE、1・0）で書いてください（{shown(s)}）")


def track(program: Program) -> Callable[[Cell], str]:
    """要件: a track id of the program (or its name, "要件A"), case aside."""

    def parse(value: Cell) -> str:
        s = _nfkc(value)
        if not program.tracks:
            raise ValueError("この事業には要件がありません（空にしてください）")
        for t in program.tracks:
            if s.casefold() in (t.id.casefold(), unicodedata.normalize("NFKC", t.name).casefold()):
                return t.id
        raise ValueError(f"不明な要件です（{shown(s)}）。この事業の要件: {'・'.join(t.id for t in program.tracks)}")

    return parse


def model(program: Program) -> Callable[[Cell], int]:
    """分野別モデル: its number, also as ① … ⑫ or "4 観光クラウド" (the template's list)."""

    def parse(value: Cell) -> int:
        s = _nfkc(value)
        m = re.match(r"(?:モデル)?\s*([0-9]{1,3})(?![0-9.])", s)
        numbers = program.model_numbers
        if not numbers:
            raise ValueError("この事業には分野別モデルがありません（空にしてください）")
        if m and int(m.group(1)) in numbers:
            return int(m.group(1))
        raise ValueError(f"不明な分野別モデルです（{shown(s)}）。この事業のモデルの番号: {min(numbers)}〜{max(numbers)}")

    return parse


def model_choice(number: int, name: str) -> str:
    """A model as the template's drop-down list shows it: "4 観光クラウド"."""
    return f"{number} {name}"


# ---------------------------------------------------------------------------
# rows → entries


def required_columns(program: Program) -> list[str]:
    """The headers a list for ``program`` must have."""
    out = [c for c in COLUMNS if c not in OPTIONAL and c not in ("要件", "分野別モデル")]
    if program.tracks:
        out.append("要件")
    if program.model_numbers:
        out.append("分野別モデル")
    return out


def read_list(path: Path, program: Program) -> ListRead:
    """Every row of the list at ``path`` as an ``Entry`` for ``program``, and every problem
    (the file, the row, the column); an 申請ID given twice is a problem at its second row."""
    found = read_rows(path)
    out = ListRead(problems=list(found.problems))
    if not found.headers:
        return out
    p = str(path)
    out.columns = set(found.headers) & set(COLUMNS)
    out.ignored = [h for h in found.headers if h not in COLUMNS]
    missing = [c for c in required_columns(program) if c not in out.columns]
    for name in missing:
        out.problems.append(Problem(p, None, where(found.header_row), f"列「{name}」がありません（見出しの行に必要な列です）"))
    if missing:
        return out
    first: dict[str, int] = {}
    for row in found.rows:
        entry, problems = _entry(p, row, program)
        out.problems.extend(problems)
        if entry is None:
            continue
        if entry.id in first:
            out.problems.append(Problem(p, None, where(row.number, "申請ID"),
                                        f"申請ID {entry.id} が重複しています（{first[entry.id]}行目と同じ）"))
            continue
        first[entry.id] = row.number
        out.entries.append(entry)
    return out


def _entry(p: str, row: Row, program: Program) -> tuple[Entry | None, list[Problem]]:
    """One row as an ``Entry`` (None when any cell is wrong) and its problems."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    money = program.gives_money
    for column, key, parse, needed in _fields(program):
        raw = row.cells.get(column)
        if _blank(raw):
            if needed is True or (needed == "money" and money):
                problems.append(Problem(p, None, where(row.number, column), "空です（必ず書く列です）"))
            values[key] = 0 if needed == "money" else None
            continue
        try:
            values[key] = parse(raw)
        except ValueError as e:
            problems.append(Problem(p, None, where(row.number, column), str(e)))
    kind, coded = values.get("type"), not _blank(row.cells.get("団体コード"))
    if kind == "corporation" and coded:
        problems.append(Problem(p, None, where(row.number, "団体コード"), "法人には団体コードを書きません（空にしてください）"))
    elif kind is not None and kind != "corporation" and not coded:
        problems.append(Problem(p, None, where(row.number, "団体コード"), "空です（法人以外は全国地方公共団体コードが必要です）"))
    if kind is not None and kind != "corporation":
        for column in CORPORATION_ONLY:
            if not _blank(row.cells.get(column)):
                problems.append(Problem(p, None, where(row.number, column), "法人だけが書く列です（法人以外は空にしてください）"))
    code, seat = values.get("lg_code"), values.get("prefecture")
    want = regions.PREFECTURE_CODES.get(seat or "")
    if code and want and code[:2] != want:
        problems.append(Problem(p, None, where(row.number, "団体コード"),
                                f"団体コード {code} の上2桁 {code[:2]} は{seat}のコード {want} と一致しません"))
    if problems:
        return None, problems
    return Entry(row=row.number, **values), []


def _fields(program: Program) -> list[tuple[str, str, Callable[[Cell], Any], bool | str]]:
    """(column, Entry field, parser, required: True, False or "money": required where the program gives money)."""
    return [
        ("申請ID", "id", ident, True), ("件名", "title", text, True), ("申請者", "applicant", text, True),
        ("種別", "type", applicant_type, True), ("団体コード", "lg_code", lg_code, False),
        ("都道府県", "prefecture", prefecture, True),
        ("要件", "track", track(program), bool(program.tracks)),
        ("分野別モデル", "model", model(program), bool(program.model_numbers)),
        ("事業費総額", "total_cost_yen", yen, "money"), ("一般管理費", "overhead_yen", yen, False),
        ("補助金申請額", "requested_subsidy_yen", yen, "money"), ("実施地域の都道府県", "area", prefecture, False),
        ("マイナンバーカード交付率", "mynumber_card_rate", rate, False), ("過去の支援年度", "prior_support_years", years, False),
        ("計画策定の意向", "plan_this_year", yes_no, False), ("研修会への参加", "attend_workshops", yes_no, False),
        ("構成員", "consortium", members, False), ("ガバナンスの形態", "governance", governance, False),
        ("ガバナンス先の団体コード", "related_lg_codes", lg_codes, False),
    ]
