"""`reviewer intake` and `reviewer intake-template` (SPEC §6.8): the office's list and the folder of
submitted files made into application files, all or nothing, every problem at its row and column."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT
from filemaker import make_docx, make_pdf, make_pptx, make_xlsx, truncated_copy

from reviewer.cli import main
from reviewer.files.intake import COLUMNS
from reviewer.files.load import load_paths
from reviewer.shipped import criteria_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

R5 = "r5-smartcity-2"
R5_HEADERS = ["申請ID", "件名", "申請者", "種別", "団体コード", "都道府県", "事業費総額", "一般管理費", "補助金申請額",
              "実施地域の都道府県", "マイナンバーカード交付率"]
R5_ROWS = [
    ["SC-0101", "都市OSによる地域交通の最適化", "前橋市", "中核市", "102016", "群馬県", 40_000_000, 2_000_000, 20_000_000,
     None, 0.781],
    ["SC-0102", "デジタル窓口の共同利用", "豊島区", "特別区", "131164", "東京都", "12,000,000", "1,000,000", "6,000,000",
     "埼玉県", "64.5%"],
    ["SC-0103", "まちなかデータ連携基盤", "株式会社おびひろまちなか創造", "法人", None, "北海道", 30_000_000.0, 0, 15_000_000,
     None, None],
]
SLIDES = {
    "SC-0101": [("事業概要", "都市OSを構築する。\nデマンド交通を接続する。"), ("KPI", "利用者数を2倍にする。")],
    "SC-0102": [("課題", "窓口の待ち時間が長い。"), ("", "共同利用で費用を下げる。"), ("推進体制", "区長を本部長とする。")],
    "SC-0103": [("ガバナンス", "市と包括連携協定を結んでいる。")],
}
PANEL = """
[[evaluators]]
id = "e01"
name = "山田 太郎"
affiliation = "〇〇大学"
role = "evaluator"
programs = ["r5-smartcity-2"]
"""


def write_list(path: Path, headers: list[str], rows: list[list[object]], title: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def r5_files(files: Path) -> Path:
    for app_id, slides in SLIDES.items():
        folder = files / app_id
        folder.mkdir(parents=True)
        make_pptx(folder / f"{app_id}_応募様式.pptx", slides)
        make_xlsx(folder / "セキュリティチェックシート.xlsx", {"チェック": [["項目", "回答"], ["認証", "済"]]})
    make_docx(files / "SC-0101" / "参考資料.docx", [["利用者アンケート", "満足度は80%。"]])
    make_pdf(files / "SC-0102" / "首長レター.pdf", ["区長からのレター"])
    make_pdf(files / "SC-0103" / "ガバナンス確認資料.pdf", ["包括連携協定書"])
    return files


def run(*args: object) -> int:
    return main([str(a) for a in args])


def intake(tmp_path: Path, lst: Path, files: Path, program: str = R5, out: str = "out") -> int:
    return run("intake", "--program", program, "--list", lst, "--files", files, "--output", tmp_path / out)


def read_app(path: Path) -> dict:
    return tomllib.loads(path.read_text("utf-8"))


def nothing_written(tmp_path: Path, out: str = "out") -> bool:
    """No output folder, and no temporary folder left beside it."""
    return not (tmp_path / out).exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(f".{out}.")]


# ---------------------------------------------------------------------------
# a r5 list of three applications


def test_r5_list_becomes_valid_applications_that_init_accepts(tmp_path, capsys):
    lst = write_list(tmp_path / "申請一覧.xlsx", R5_HEADERS, R5_ROWS)
    files = r5_files(tmp_path / "files")
    assert intake(tmp_path, lst, files) == 0
    captured = capsys.readouterr()
    out = tmp_path / "out"
    assert f"申請 3 件を書き出しました（添付ファイル 9 件）: {out}" in captured.out
    assert sorted(p.name for p in out.iterdir()) == ["SC-0101", "SC-0101.toml", "SC-0102", "SC-0102.toml", "SC-0103",
                                                      "SC-0103.toml"]
    bundle = load_paths([criteria_dir(), out])
    assert bundle.problems == []
    assert sorted(bundle.applications[R5]) == ["SC-0101", "SC-0102", "SC-0103"]

    a = read_app(out / "SC-0101.toml")
    assert a["program"] == R5 and a["title"] == "都市OSによる地域交通の最適化"
    assert a["applicant"] == {"name": "前橋市", "type": "core_city", "lg_code": "102016", "prefecture": "群馬県"}
    assert a["budget"] == {"total_cost_yen": 40_000_000, "overhead_yen": 2_000_000, "requested_subsidy_yen": 20_000_000}
    assert a["declarations"]["mynumber_card_rate"] == 0.781
    assert [(s["heading"], s["body"]) for s in a["sections"]] == SLIDES["SC-0101"]
    assert {(x["document"], x["path"]) for x in a["attachments"]} == {
        ("応募様式", "SC-0101/SC-0101_応募様式.pptx"), ("セキュリティチェックシート", "SC-0101/セキュリティチェックシート.xlsx"),
        ("補足資料", "SC-0101/参考資料.docx")}
    assert a["declarations"]["documents"] == ["応募様式", "セキュリティチェックシート", "補足資料"]
    for x in a["attachments"]:  # copied byte for byte
        assert (out / x["path"]).read_bytes() == (tmp_path / "files" / x["path"]).read_bytes()

    b = read_app(out / "SC-0102.toml")
    assert b["budget"] == {"total_cost_yen": 12_000_000, "overhead_yen": 1_000_000, "requested_subsidy_yen": 6_000_000}
    assert b["declarations"]["mynumber_card_rate"] == pytest.approx(0.645)
    assert b["area"] == {"prefecture": "埼玉県"}
    # a slide without a title is headed by the document and its number
    assert [s["heading"] for s in b["sections"]] == ["課題", "応募様式 2ページ", "推進体制"]
    assert ("首長レター", "SC-0102/首長レター.pdf") in {(x["document"], x["path"]) for x in b["attachments"]}

    c = read_app(out / "SC-0103.toml")
    assert c["applicant"] == {"name": "株式会社おびひろまちなか創造", "type": "corporation", "prefecture": "北海道"}
    assert c["budget"]["total_cost_yen"] == 30_000_000
    assert "ガバナンス確認資料" in c["declarations"]["documents"]

    panel = tmp_path / "panel.toml"
    panel.write_text(PANEL, encoding="utf-8")
    ws = tmp_path / "ws"
    assert run("init", "--workspace", ws, "--criteria", criteria_dir(), "--applications", out, "--panel", panel) == 0
    assert "申請: 追加 3" in capsys.readouterr().out
    assert run("rank", "--workspace", ws, "--program", R5, "--json", "--resamples", "0") == 0
    ranked = json.loads(capsys.readouterr().out)
    reasons = {a["id"]: a["reasons"] for a in ranked["applications"]}
    assert set(reasons) == {"SC-0101", "SC-0102", "SC-0103"}
    assert all("documents" not in r for r in reasons.values()), reasons  # the attachments meet the rules


def test_progress_bar_and_subprocess_exit(tmp_path):
    lst = write_list(tmp_path / "list.xlsx", R5_HEADERS, R5_ROWS, title="令和5年度 申請一覧")  # a title row above
    files = r5_files(tmp_path / "files")
    exe = Path(sys.executable).parent / "reviewer"
    r = subprocess.run([str(exe), "intake", "--program", R5, "--list", str(lst), "--files", str(files), "--output",
                        str(tmp_path / "out"), "--progress"], capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, PYTHONIOENCODING="utf-8"), cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "提出ファイルの読み込み" in r.stderr and "9/9" in r.stderr
    assert "申請 3 件を書き出しました（添付ファイル 9 件）" in r.stdout


# ---------------------------------------------------------------------------
# a CSV in Excel's Japanese encoding


def test_csv_in_cp932(tmp_path, capsys):
    lst = tmp_path / "list.csv"
    with open(lst, "w", encoding="cp932", newline="") as f:
        w = csv.writer(f)
        w.writerow(["種別", "申請ID", "件名", "申請者", "団体コード", "都道府県", "事業費総額", "補助金申請額",
                    "マイナンバーカード交付率", "過去の支援年度"])  # any order; 一般管理費 left out
        w.writerow(["core_city", "SC-0101", "スマート観光", "前橋市", "102016", "群馬県", "12,000,000", "6,000,000", "78.1%",
                    "2018、2019"])
        w.writerow(["city", "SC-0102", "防災ダッシュボード", "会津若松市", "072028", "福島県", "8000000", "4000000", "0.5", ""])
    files = tmp_path / "files"
    for app_id in ("SC-0101", "SC-0102"):
        (files / app_id).mkdir(parents=True)
        make_pptx(files / app_id / "応募様式.pptx", [("概要", f"{app_id} の提案")])
    assert intake(tmp_path, lst, files) == 0, capsys.readouterr().err
    a = read_app(tmp_path / "out" / "SC-0101.toml")
    assert a["applicant"]["name"] == "前橋市" and a["title"] == "スマート観光"
    assert a["budget"] == {"total_cost_yen": 12_000_000, "requested_subsidy_yen": 6_000_000}
    assert a["declarations"]["mynumber_card_rate"] == 0.781
    assert a["declarations"]["prior_support_years"] == [2018, 2019]
    assert a["sections"] == [{"heading": "概要", "body": "SC-0101 の提案"}]
    b = read_app(tmp_path / "out" / "SC-0102.toml")
    assert b["applicant"]["type"] == "city" and "prior_support_years" not in b["declarations"]


# ---------------------------------------------------------------------------
# problems: each at its row and column, nothing written


def test_bad_rows_are_each_located_and_nothing_is_written(tmp_path, capsys):
    rows = [
        ["SC-0101", "良い行", "前橋市", "中核市", "102016", "群馬県", 40_000_000, 0, 20_000_000, None, None],   # row 2
        ["SC-0102", "種別が不明", "前橋市", "市町", "102016", "群馬県", 40_000_000, 0, 20_000_000, None, None],  # row 3
        ["SC-0103", "検査数字", "前橋市", "中核市", "102017", "群馬県", 40_000_000, 0, 20_000_000, None, None],  # row 4
        [None, "IDなし", "前橋市", "中核市", "102016", "群馬県", 40_000_000, 0, 20_000_000, None, None],         # row 5
        ["SC-0101", "重複", "前橋市", "中核市", "102016", "群馬県", 40_000_000, 0, 20_000_000, None, None],      # row 6
        ["SC-0106", "金額", "前橋市", "中核市", "102016", "群馬県", "abc", 0, 20_000_000, None, None],           # row 7
    ]
    lst = write_list(tmp_path / "list.xlsx", R5_HEADERS, rows)
    files = tmp_path / "files"
    for app_id in ("SC-0101", "SC-0102", "SC-0103", "SC-0106"):
        (files / app_id).mkdir(parents=True)
        make_pptx(files / app_id / "応募様式.pptx", [("概要", "本文")])
    assert intake(tmp_path, lst, files) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{lst}: 3行目: 種別: 不明な種別です（'市町'）" in err
    assert f"{lst}: 4行目: 団体コード: 地方公共団体コード 102017 の検査数字が正しくありません（正しくは 102016）" in err
    assert f"{lst}: 5行目: 申請ID: 空です" in err
    assert f"{lst}: 6行目: 申請ID: 申請ID SC-0101 が重複しています（2行目と同じ）" in err
    assert f"{lst}: 7行目: 事業費総額: 金額は 0 以上の整数（円）で書いてください（'abc'）" in err
    assert "2行目" not in err.replace("2行目と同じ", "")
    assert "何も書き出していません" in err
    assert nothing_written(tmp_path)


def test_missing_column_and_output_not_empty(tmp_path, capsys):
    lst = write_list(tmp_path / "list.xlsx", [h for h in R5_HEADERS if h != "補助金申請額"], [["SC-0101"]])
    files = tmp_path / "files"
    files.mkdir()
    assert intake(tmp_path, lst, files) == 1
    assert f"{lst}: 1行目: 列「補助金申請額」がありません" in capsys.readouterr().err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.toml").write_text("", encoding="utf-8")
    assert intake(tmp_path, lst, files, out="full") == 1
    assert "空のフォルダを指定してください" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["x.toml"]


def test_unreadable_file_and_missing_narrative(tmp_path, capsys):
    lst = write_list(tmp_path / "list.xlsx", R5_HEADERS, R5_ROWS)
    files = r5_files(tmp_path / "files")
    broken = files / "SC-0102" / "補足説明.pptx"
    truncated_copy(files / "SC-0102" / "SC-0102_応募様式.pptx", broken, 2000)
    (files / "SC-0103" / "SC-0103_応募様式.pptx").unlink()
    assert intake(tmp_path, lst, files) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert any(line.startswith(f"{broken}: ") for line in err.splitlines()), err
    assert f"{lst}: 4行目: 申請ID: 申請 SC-0103 の応募様式がありません" in err
    assert nothing_written(tmp_path)


def test_program_rules_found_when_the_written_files_are_loaded(tmp_path, capsys):
    """A rule only the loaded application breaks (overhead over the total) is told at its row."""
    rows = [["SC-0101", "一般管理費が過大", "前橋市", "中核市", "102016", "群馬県", 1_000_000, 2_000_000, 500_000, None, None]]
    lst = write_list(tmp_path / "list.xlsx", R5_HEADERS, rows)
    files = tmp_path / "files"
    (files / "SC-0101").mkdir(parents=True)
    make_pptx(files / "SC-0101" / "応募様式.pptx", [("概要", "本文")])
    assert intake(tmp_path, lst, files) == 1
    err = capsys.readouterr().err
    assert f"{lst}: 2行目: " in err and "一般管理費" in err
    assert nothing_written(tmp_path)


# ---------------------------------------------------------------------------
# the template


def _validations(sheet) -> dict[str, str]:
    """Each validated column's header → its list formula (or type)."""
    headers = {cell.column_letter: cell.value for cell in sheet[2]}
    out = {}
    for dv in sheet.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        out[headers[letter]] = dv.formula1 if dv.type == "list" else dv.type
    return out


def _choices(book, formula: str) -> list[str]:
    sheet_name, cells = formula.split("!")
    sheet = book[sheet_name.strip("='")]
    return [c[0].value for c in sheet[cells.replace("$", "")]]


def test_template_headers_and_drop_down_lists(tmp_path, capsys):
    out = tmp_path / "iot.xlsx"
    assert run("intake-template", "--program", "r2-iot", "--output", out) == 0
    assert f"申請一覧のひな形を書き出しました: {out}" in capsys.readouterr().out
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["申請一覧", "記入方法"]
    sheet = book["申請一覧"]
    assert "令和2年度 地域IoT実装・共同利用推進事業" in sheet["A1"].value
    headers = [c.value for c in sheet[2]]
    assert headers[:6] == ["申請ID", "件名", "申請者", "種別", "団体コード", "都道府県"]
    assert "要件" in headers and "分野別モデル" in headers and set(headers) <= set(COLUMNS)
    assert "計画策定の意向" not in headers and "マイナンバーカード交付率" not in headers
    assert sheet.freeze_panes == "B3"
    lists = _validations(sheet)
    assert _choices(book, lists["種別"]) == ["中核市", "市", "特別区", "町", "村", "一部事務組合等", "法人"]
    assert len(_choices(book, lists["都道府県"])) == 47 and _choices(book, lists["都道府県"])[0] == "北海道"
    assert _choices(book, lists["要件"]) == ["A", "B", "C"]
    models = _choices(book, lists["分野別モデル"])
    assert len(models) == 12 and models[3] == "4 観光クラウド"
    assert lists["事業費総額"] == "whole"
    how = "\n".join(str(c.value) for row in book["記入方法"].iter_rows() for c in row if c.value)
    assert "団体コード" in how and "FILES/" in how and "様式1" in how and "reviewer intake --program r2-iot" in how

    ai = tmp_path / "ai.xlsx"
    assert run("intake-template", "--program", "r2-ai-plan", "--output", ai) == 0
    ai_headers = [c.value for c in openpyxl.load_workbook(ai)["申請一覧"][2]]
    assert "計画策定の意向" in ai_headers and "研修会への参加" in ai_headers and "要件" not in ai_headers
    assert run("intake-template", "--program", "nope", "--output", tmp_path / "x.xlsx") == 1
    assert "不明な事業です（nope）" in capsys.readouterr().err


def test_filled_template_is_taken_in(tmp_path, capsys):
    template = tmp_path / "iot.xlsx"
    assert run("intake-template", "--program", "r2-iot", "--output", template) == 0
    book = openpyxl.load_workbook(template)
    sheet = book["申請一覧"]
    headers = [c.value for c in sheet[2]]
    values = {"申請ID": "IOT-0101", "件名": "観光クラウドによる周遊促進", "申請者": "函館市", "種別": "中核市",
              "団体コード": 12025, "都道府県": "北海道", "要件": "A", "分野別モデル": "4 観光クラウド",
              "事業費総額": 12_000_000, "一般管理費": 1_000_000, "補助金申請額": 6_000_000}
    for col, name in enumerate(headers, start=1):
        if name in values:
            sheet.cell(row=3, column=col, value=values[name])
    book.move_sheet("記入方法", offset=-1)  # the notes first: the list is still found
    book.save(template)
    files = tmp_path / "files" / "IOT-0101"
    files.mkdir(parents=True)
    make_docx(files / "様式１_企画提案書.docx", [["事業の概要", "観光データを集約する。"], ["実施体制", "市と観光協会。"]])
    make_xlsx(files / "様式5_資金計画書.xlsx", {"資金計画": [["費目", "金額"], ["機器", 1000000]]})
    assert intake(tmp_path, template, tmp_path / "files", program="r2-iot") == 0, capsys.readouterr().err
    assert "注意: 申請 IOT-0101（3行目）に 様式2・様式3・様式4・様式6 のファイルがありません" in capsys.readouterr().err
    a = read_app(tmp_path / "out" / "IOT-0101.toml")
    assert a["track"] == "A" and a["model"] == 4
    assert a["applicant"]["lg_code"] == "012025"  # the number Excel keeps without its leading 0
    assert {x["document"] for x in a["attachments"]} == {"様式1", "様式5"}  # full-width １ too
    assert [s["body"] for s in a["sections"]] and all(s["body"] for s in a["sections"])
    assert load_paths([criteria_dir(), tmp_path / "out"]).problems == []


# ---------------------------------------------------------------------------
# the help


@pytest.mark.parametrize("command", ["intake", "intake-template"])
def test_help_is_japanese(command, capsys):
    with pytest.raises(SystemExit) as e:
        main([command, "--help"])
    assert e.value.code == 0
    text = capsys.readouterr().out
    assert "この説明を表示して終わる" in text and "show this help" not in text
    assert "事業 ID" in text and "書き出す" in text


# ---------------------------------------------------------------------------
# the cells' forms, another program, a list that is no workbook


def test_cell_forms():
    from reviewer.files import intake as cells
    from reviewer.files.load import load_paths as load

    iot = load([criteria_dir()]).programs["r2-iot"]
    assert cells.yen("12,000,000") == cells.yen(12_000_000.0) == cells.yen("１２０００００0円") == 12_000_000
    for bad in ("abc", "-5", 1.5, "1.5", True):
        with pytest.raises(ValueError):
            cells.yen(bad)
    assert cells.rate("78.1%") == 0.781 and cells.rate(0.5) == 0.5 and cells.rate("０.２５") == 0.25
    for bad in ("120%", "1.2", "x"):
        with pytest.raises(ValueError):
            cells.rate(bad)
    assert cells.years("2018、2019") == cells.years("2019, 2018") == [2018, 2019] and cells.years(2020) == [2020]
    assert [cells.yes_no(v) for v in ("はい", "○", "TRUE", 1, True)] == [True] * 5
    assert [cells.yes_no(v) for v in ("いいえ", "×", "false", 0, False)] == [False] * 5
    assert [cells.applicant_type(v) for v in ("市", "city", "一部事務組合等", "法人", "法人格を有する組織")] == [
        "city", "city", "association", "corporation", "corporation"]
    parse_model = cells.model(iot)
    assert parse_model("⑫") == parse_model(12) == parse_model("12 働き方（テレワーク）") == 12 and parse_model("④") == 4
    with pytest.raises(ValueError):
        parse_model("13")
    assert cells.track(iot)("a") == "A" and cells.track(iot)("要件B") == "B"
    assert cells.lg_code(12025) == "012025"
    with pytest.raises(ValueError):
        cells.lg_code("12025")  # five digits typed as text: the check digit is missing


def test_r2_ai_plan_declarations(tmp_path, capsys):
    headers = ["申請ID", "件名", "申請者", "種別", "団体コード", "都道府県", "事業費総額", "補助金申請額", "過去の支援年度",
               "計画策定の意向", "研修会への参加", "備考"]
    rows = [["AIP-0101", "AI-OCR の導入計画", "旭川市", "中核市", "012041", "北海道", None, None, "2018, 2019", "○", "はい", "メモ"],
            ["AIP-0102", "チャットボット計画", "釧路市", "市", "012068", "北海道", 0, 0, None, "×", "FALSE", ""]]
    lst = write_list(tmp_path / "list.xlsx", headers, rows)
    files = tmp_path / "files"
    for app_id in ("AIP-0101", "AIP-0102"):
        (files / app_id).mkdir(parents=True)
        make_docx(files / app_id / "応募様式.docx", [["取組の概要", "窓口業務に AI-OCR を導入する。"]])
    assert intake(tmp_path, lst, files, program="r2-ai-plan") == 0
    err = capsys.readouterr().err
    assert "注意: 列「備考」は読みません" in err
    a = read_app(tmp_path / "out" / "AIP-0101.toml")
    assert a["budget"] == {"total_cost_yen": 0, "requested_subsidy_yen": 0}
    assert a["declarations"]["prior_support_years"] == [2018, 2019]
    assert a["declarations"]["plan_this_year"] is True and a["declarations"]["attend_workshops"] is True
    b = read_app(tmp_path / "out" / "AIP-0102.toml")
    assert b["declarations"]["plan_this_year"] is False and b["declarations"]["attend_workshops"] is False
    assert a["sections"][0]["heading"] and "AI-OCR" in a["sections"][0]["body"]


def test_list_that_is_no_workbook(tmp_path, capsys):
    lst = tmp_path / "list.xlsx"
    lst.write_bytes(b"PK\x03\x04 not really a zip")
    files = tmp_path / "files"
    files.mkdir()
    assert intake(tmp_path, lst, files) == 1
    assert f"{lst}: Excel（.xlsx）のファイルとして読めません" in capsys.readouterr().err
    other = tmp_path / "list.txt"
    other.write_text("申請ID\n", encoding="utf-8")
    assert intake(tmp_path, other, files) == 1
    assert "一覧は Excel（.xlsx）か CSV（.csv）のファイルです" in capsys.readouterr().err
    assert nothing_written(tmp_path)


def test_toml_strings_round_trip():
    """Every text the files hold (quotes, backslashes, control characters, triple quotes) reads back the same."""
    import random

    from reviewer.services.intake import _multiline, _string

    pieces = ["a", '"', "\\", "\n", "\r", "\t", "\x7f", "\x00", "\u2028", "あ", " ", '"""', "\\n", "\ufeff", "\x1f"]
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        for written in (_multiline(text), _string(text)):
            assert tomllib.loads(f"x = {written}\n")["x"] == text


# ---------------------------------------------------------------------------
# consortium members and a corporation's governance (the 連携体制 the checks judge)

PARTNERS = ["構成員", "ガバナンスの形態", "ガバナンス先の団体コード"]


def test_members_and_governance_reach_the_applications_and_their_checks(tmp_path, capsys):
    rows = [
        [*R5_ROWS[0], "高崎市（102024）、株式会社ぐんまデータ", None, None],
        # the corporation of 帯広市 (012076) with an agreement: eligible on 連携体制
        [*R5_ROWS[2][:-1], None, "012076、幕別町(016365)", "包括連携協定", "012076"],
    ]
    rows[1][0] = "SC-0103"
    lst = write_list(tmp_path / "申請一覧.xlsx", R5_HEADERS + PARTNERS, rows)
    files = r5_files(tmp_path / "files")
    shutil.rmtree(files / "SC-0102")
    assert intake(tmp_path, lst, files) == 0, capsys.readouterr().err
    out = tmp_path / "out"
    a = read_app(out / "SC-0101.toml")
    assert a["consortium"] == [{"name": "高崎市", "type": "core_city", "lg_code": "102024"},
                               {"name": "株式会社ぐんまデータ", "type": "corporation"}]
    assert "governance" not in a["applicant"]
    c = read_app(out / "SC-0103.toml")
    assert c["applicant"]["governance"] == "agreement" and c["applicant"]["related_lg_codes"] == ["012076"]
    assert c["consortium"] == [{"name": "帯広市", "type": "city", "lg_code": "012076"},
                               {"name": "幕別町", "type": "town", "lg_code": "016365"}]
    assert load_paths([criteria_dir(), out]).problems == []

    panel = tmp_path / "panel.toml"
    panel.write_text(PANEL, encoding="utf-8")
    ws = tmp_path / "ws"
    assert run("init", "--workspace", ws, "--criteria", criteria_dir(), "--applications", out, "--panel", panel) == 0
    capsys.readouterr()
    assert run("rank", "--workspace", ws, "--program", R5, "--json", "--resamples", "0") == 0
    reasons = {x["id"]: x["reasons"] for x in json.loads(capsys.readouterr().out)["applications"]}
    assert "consortium" not in reasons["SC-0103"], reasons


def test_a_corporation_without_governance_fails_the_check_not_the_list(tmp_path, capsys):
    lst = write_list(tmp_path / "list.xlsx", R5_HEADERS, [R5_ROWS[2]])
    files = r5_files(tmp_path / "files")
    for other in ("SC-0101", "SC-0102"):
        shutil.rmtree(files / other)
    assert intake(tmp_path, lst, files) == 0
    panel = tmp_path / "panel.toml"
    panel.write_text(PANEL, encoding="utf-8")
    ws = tmp_path / "ws"
    assert run("init", "--workspace", ws, "--criteria", criteria_dir(), "--applications", tmp_path / "out",
               "--panel", panel) == 0
    capsys.readouterr()
    assert run("rank", "--workspace", ws, "--program", R5, "--json", "--resamples", "0") == 0
    reasons = {x["id"]: x["reasons"] for x in json.loads(capsys.readouterr().out)["applications"]}
    assert "consortium" in reasons["SC-0103"]


def test_partner_cells_that_are_wrong_are_located(tmp_path, capsys):
    rows = [
        [*R5_ROWS[0], None, "出資", "102016"],                              # row 2: a city with governance
        [*R5_ROWS[2], None, "業務委託", "012076"],                           # row 3: no such form
        [*R5_ROWS[2], "389994", None, None],                                # row 4: a code not on the list, no name
        [*R5_ROWS[2], None, "出資", "012077"],                              # row 5: a bad check digit
    ]
    for i, row in enumerate(rows):
        row[0] = f"SC-02{i:02d}"
    lst = write_list(tmp_path / "list.xlsx", R5_HEADERS + PARTNERS, rows)
    files = tmp_path / "files"
    for row in rows:
        (files / row[0]).mkdir(parents=True)
        make_pptx(files / row[0] / "応募様式.pptx", [("概要", "本文")])
    assert intake(tmp_path, lst, files) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{lst}: 2行目: ガバナンスの形態: 法人だけが書く列です" in err
    assert f"{lst}: 2行目: ガバナンス先の団体コード: 法人だけが書く列です" in err
    assert f"{lst}: 3行目: ガバナンスの形態: 不明なガバナンスの形態です（'業務委託'）。形態: 出資・包括連携協定・コンソーシアム組成" in err
    assert f"{lst}: 4行目: 構成員: 団体コード 389994 は団体コードの一覧にないため、「名称（389994）」の形で名称も書いてください" in err
    assert f"{lst}: 5行目: ガバナンス先の団体コード: 地方公共団体コード 012077 の検査数字が正しくありません" in err
    assert nothing_written(tmp_path)


def test_template_has_the_governance_columns_where_the_program_asks(tmp_path):
    r5, iot = tmp_path / "r5.xlsx", tmp_path / "iot.xlsx"
    assert run("intake-template", "--program", R5, "--output", r5) == 0
    assert run("intake-template", "--program", "r2-iot", "--output", iot) == 0
    book = openpyxl.load_workbook(r5)
    headers = [c.value for c in book["申請一覧"][2]]
    assert headers[-3:] == PARTNERS
    assert _choices(book, _validations(book["申請一覧"])["ガバナンスの形態"]) == ["出資", "包括連携協定", "コンソーシアム組成"]
    how = "\n".join(str(c.value) for row in book["記入方法"].iter_rows() for c in row if c.value)
    assert "高松市（372013）" in how
    iot_headers = [c.value for c in openpyxl.load_workbook(iot)["申請一覧"][2]]
    assert "構成員" in iot_headers and "ガバナンスの形態" not in iot_headers
