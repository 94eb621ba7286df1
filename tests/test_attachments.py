"""Submitted files read into pages (reviewer.files.attachments): each format's pages, titles and
text, and every hostile file refused with a Japanese sentence that names the problem."""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import time
import zipfile
from pathlib import Path

import filemaker as fm
import pytest
from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from pypdf import PdfWriter

from reviewer.domain import limits
from reviewer.files.attachments import (
    AttachmentError,
    Extracted,
    Limits,
    clean_text,
    read_attachment,
    safe_path,
)

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def refused(base: Path, rel: str, *words: str, bounds: Limits | None = None) -> AttachmentError:
    """The refusal of ``rel``: an AttachmentError naming ``rel``, in Japanese, with ``words``."""
    with pytest.raises(AttachmentError) as info:
        read_attachment(base, rel, bounds or Limits())
    error = info.value
    assert error.path == rel
    assert JAPANESE.search(error.message), error.message
    for word in words:
        assert word in error.message, error.message
    return error


def check_bytes(path: Path, got: Extracted) -> None:
    data = path.read_bytes()
    assert got.size == len(data)
    assert got.sha256 == hashlib.sha256(data).hexdigest()
    assert got.name == path.name


# --- well-formed files ------------------------------------------------------------------------


def test_pptx_slides_titles_text_tables_and_groups(tmp_path):
    path = fm.make_pptx(
        tmp_path / "概要.pptx",
        [("事業概要", "函館市の観光データを集約する。\n周遊を促す"), ("予算", "総額 1,200 万円")],
        tables={1: [["項目", "金額"], ["人件費", "600"]]},
        groups={0: ["連携自治体", "北斗市"]},
    )
    got = read_attachment(tmp_path, "概要.pptx")
    assert (got.format, got.page_count, got.estimated, got.truncated) == ("pptx", 2, False, False)
    first, second = got.pages
    assert (first.number, first.title) == (1, "事業概要")
    assert first.text == "函館市の観光データを集約する。\n周遊を促す\n連携自治体\n北斗市"
    assert (second.number, second.title) == (2, "予算")
    assert second.text == "総額 1,200 万円\n項目\t金額\n人件費\t600"
    assert "事業概要" not in first.text  # the title is not repeated in the text
    assert got.text.startswith("事業概要\n函館市の観光")
    check_bytes(path, got)


def test_pptx_in_a_subfolder_and_an_upper_case_extension(tmp_path):
    (tmp_path / "添付").mkdir()
    fm.make_pptx(tmp_path / "添付" / "計画.PPTX", [("計画", "本文")])
    got = read_attachment(tmp_path, "添付/計画.PPTX")
    assert got.name == "計画.PPTX" and got.pages[0].title == "計画"


def test_xlsx_sheets_rows_trimmed(tmp_path):
    path = fm.make_xlsx(
        tmp_path / "収支.xlsx",
        {
            "収支予算": [["項目", "金額", None], ["人件費", 6000000], [None, None], ["合計", 6000000, None, None], [None]],
            "空のシート": [],
        },
    )
    got = read_attachment(tmp_path, "収支.xlsx")
    assert (got.format, got.page_count, got.truncated) == ("xlsx", 2, False)
    sheet, empty = got.pages
    assert sheet.title == "収支予算"
    assert sheet.rows == (("項目", "金額"), ("人件費", "6000000"), (), ("合計", "6000000"))
    assert sheet.text == "項目\t金額\n人件費\t6000000\n\n合計\t6000000"
    assert (empty.number, empty.title, empty.text, empty.rows) == (2, "空のシート", "", ())
    check_bytes(path, got)


def test_xlsx_sheet_cells_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 20)
    fm.make_xlsx(tmp_path / "大.xlsx", {"明細": [[f"{r}-{c}" for c in range(5)] for r in range(10)]})
    got = read_attachment(tmp_path, "大.xlsx")
    assert got.truncated
    assert len(got.pages[0].rows) == 4
    assert got.pages[0].rows[-1] == ("3-0", "3-1", "3-2", "3-3", "3-4")


def test_xlsx_too_many_sheets(tmp_path):
    fm.make_xlsx(tmp_path / "多.xlsx", {f"シート{n}": [[n]] for n in range(4)})
    refused(tmp_path, "多.xlsx", "シートが多すぎます", "4 枚", "上限 3", bounds=Limits(max_pages=3))


def test_docx_pages_headings_and_recorded_page_count(tmp_path):
    path = fm.make_docx(tmp_path / "計画書.docx", [["第1章 事業概要", "観光データを集約する。", "二段落目"], ["第2章 実施体制", "函館市が主体となる。"]])
    got = read_attachment(tmp_path, "計画書.docx")
    assert (got.format, got.page_count, got.estimated) == ("docx", 2, False)
    assert [(p.number, p.title, p.text) for p in got.pages] == [
        (1, "第1章 事業概要", "観光データを集約する。\n二段落目"),
        (2, "第2章 実施体制", "函館市が主体となる。"),
    ]
    check_bytes(path, got)


def test_docx_recorded_page_count_wins_over_breaks(tmp_path):
    fm.make_docx(tmp_path / "a.docx", [["見出し", "本文"]], app_pages=7)
    got = read_attachment(tmp_path, "a.docx")
    assert (got.page_count, got.estimated, len(got.pages)) == (7, False, 1)


def test_docx_page_count_estimated_without_app_pages(tmp_path):
    fm.make_docx(tmp_path / "a.docx", [["概要", "本文"], ["計画", "本文"], ["体制", "本文"]], app_pages=None)
    got = read_attachment(tmp_path, "a.docx")
    assert (got.page_count, got.estimated) == (3, True)  # the explicit pages
    fm.make_docx(tmp_path / "b.docx", [["長い章", "あ" * 2500]], app_pages=None)
    got = read_attachment(tmp_path, "b.docx")
    assert (got.page_count, got.estimated, len(got.pages)) == (3, True, 1)  # ceil(2503 / 1000)
    fm.make_docx(tmp_path / "c.docx", [["概要", "本文"]], app_pages=0)
    assert read_attachment(tmp_path, "c.docx").estimated  # <Pages>0</Pages> records nothing


def test_docx_without_headings(tmp_path):
    fm.make_docx(tmp_path / "a.docx", [["一行目", "二行目"], ["三行目"]], headings=False)
    got = read_attachment(tmp_path, "a.docx")
    assert [(p.title, p.text) for p in got.pages] == [("", "一行目\n二行目"), ("", "三行目")]


def test_docx_body_order_tables_sections_and_japanese_heading_style(tmp_path):
    document = Document()
    document.styles.add_style("見出し 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("前書き")
    document.add_paragraph("第1章 予算", style="見出し 1")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([["費目", "金額"], ["旅費", "30"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("表の後")
    document.add_section(WD_SECTION_START.CONTINUOUS)  # no new page
    document.add_paragraph("続き")
    document.add_section(WD_SECTION_START.NEW_PAGE)
    document.add_paragraph("新しい節")
    document.save(str(tmp_path / "a.docx"))
    got = read_attachment(tmp_path, "a.docx")
    assert [(p.title, p.text) for p in got.pages] == [
        ("第1章 予算", "前書き\n費目\t金額\n旅費\t30\n表の後\n続き"),
        ("", "新しい節"),
    ]


def test_docx_too_many_recorded_pages(tmp_path):
    fm.make_docx(tmp_path / "a.docx", [["概要", "本文"]], app_pages=3000)
    refused(tmp_path, "a.docx", "ページが多すぎます（3000 ページ、上限 500）")


def test_pdf_pages_japanese_text(tmp_path):
    path = fm.make_pdf(tmp_path / "申請書.pdf", ["事業計画書\n函館市の観光", "収支予算書"])
    got = read_attachment(tmp_path, "申請書.pdf")
    assert (got.format, got.page_count, got.estimated) == ("pdf", 2, False)
    assert [p.title for p in got.pages] == ["", ""]
    assert "事業計画書" in got.pages[0].text and "函館市の観光" in got.pages[0].text
    assert "収支予算書" in got.pages[1].text
    check_bytes(path, got)


def test_pdf_with_an_owner_password_only_is_read(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="", owner_password="owner")
    with (tmp_path / "a.pdf").open("wb") as f:
        writer.write(f)
    assert read_attachment(tmp_path, "a.pdf").page_count == 1


def test_text_bounded(tmp_path):
    fm.make_pptx(tmp_path / "a.pptx", [("題", "あ" * 30), ("二枚目", "い" * 30), ("三枚目", "う")])
    got = read_attachment(tmp_path, "a.pptx", Limits(max_text=40))
    assert got.truncated and got.page_count == 3
    assert sum(len(p.title) + len(p.text) for p in got.pages) == 40
    assert [p.number for p in got.pages] == [1, 2]


def test_clean_text():
    assert clean_text("a\r\nb\rc\x0bd\x0ce") == "a\nb\nc\nd\ne"
    assert clean_text("x\x00y\x01\x1f\tz\n") == "xy\tz\n"


# --- paths ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "words"),
    [
        ("../outside.pdf", ["申請のフォルダの外", ".."]),
        ("添付/../../outside.pdf", ["申請のフォルダの外"]),
        ("/etc/passwd.pdf", ["申請のフォルダの外", "絶対パス"]),
        ("C:/資料/a.pdf", ["絶対パス"]),
        ("添付\\a.pdf", ["「\\」"]),
        ("a\x00.pdf", ["NUL"]),
        ("", ["空"]),
        ("./a.pdf", ["「.」"]),
        ("添付//a.pdf", ["空の部分"]),
    ],
)
def test_paths_refused(tmp_path, rel, words):
    fm.make_pdf(tmp_path / "a.pdf", ["本文"])
    refused(tmp_path, rel, *words)
    with pytest.raises(AttachmentError):
        safe_path(tmp_path, rel)


def test_symlinks_refused_anywhere(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    fm.make_pdf(real / "a.pdf", ["本文"])
    fm.make_symlink(tmp_path / "link.pdf", real / "a.pdf")
    fm.make_symlink(tmp_path / "linkdir", real)
    refused(tmp_path, "link.pdf", "シンボリックリンク")
    refused(tmp_path, "linkdir/a.pdf", "シンボリックリンク")
    assert safe_path(tmp_path, "real/a.pdf") == real / "a.pdf"


def test_missing_and_not_regular_files(tmp_path):
    (tmp_path / "dir.pdf").mkdir()
    fm.make_pdf(tmp_path / "a.pdf", ["本文"])
    refused(tmp_path, "none.pdf", "ファイルが見つかりません")
    refused(tmp_path, "dir.pdf", "ファイルが見つかりません")
    refused(tmp_path, "a.pdf/b.pdf", "ファイルが見つかりません")
    refused(tmp_path, "nodir/b.pdf", "ファイルが見つかりません")


# --- extensions and content -------------------------------------------------------------------


@pytest.mark.parametrize("ext", [".pptm", ".xlsm", ".docm", ".potm", ".ppsm"])
def test_macro_extensions_refused(tmp_path, ext):
    fm.make_pptx(tmp_path / f"a{ext}", [("題", "本文")])
    refused(tmp_path, f"a{ext}", "マクロを含むファイル")


@pytest.mark.parametrize("how", ["vba", "content-type"])
def test_macro_content_refused_under_pptx(tmp_path, how):
    fm.make_macro_pptx(tmp_path / "a.pptx", how=how)
    refused(tmp_path, "a.pptx", "マクロを含むファイル")


def test_unsupported_extensions(tmp_path):
    (tmp_path / "a.txt").write_text("本文", "utf-8")
    (tmp_path / "noext").write_text("本文", "utf-8")
    refused(tmp_path, "a.txt", "対応していない形式です（.txt）", "PowerPoint（.pptx）", "PDF")
    refused(tmp_path, "noext", "対応していない形式です（拡張子なし）")
    refused(tmp_path, "missing.ppt", "対応していない形式です（.ppt）")  # the name is judged first


def test_extension_that_lies(tmp_path):
    fm.copy_as(fm.make_pdf(tmp_path / "a.pdf", ["本文"]), tmp_path / "a.pptx")
    refused(tmp_path, "a.pptx", "拡張子は .pptx ですが、中身は PDF です")
    fm.copy_as(fm.make_docx(tmp_path / "b.docx", [["見出し"]]), tmp_path / "b.xlsx")
    refused(tmp_path, "b.xlsx", "拡張子は .xlsx ですが、中身は Word です")
    fm.copy_as(fm.make_xlsx(tmp_path / "c.xlsx", {"s": [[1]]}), tmp_path / "c.pdf")
    refused(tmp_path, "c.pdf", "拡張子は .pdf ですが、中身は Excel です")


def test_password_protected_office_file(tmp_path):
    fm.make_protected_xlsx(tmp_path / "a.xlsx")
    error = refused(tmp_path, "a.xlsx", "パスワードで保護されたファイル", "古い形式", ".xlsx")
    assert "保護を外し" in error.message
    fm.make_ole(tmp_path / "old.docx")
    refused(tmp_path, "old.docx", "パスワードで保護されたファイル、または古い形式")


@pytest.mark.skipif(not fm.HAVE_MSOFFCRYPTO, reason="msoffcrypto-tool is not installed")
def test_protected_xlsx_is_really_encrypted(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    path = fm.make_protected_xlsx(tmp_path / "a.xlsx", password="secret")
    with path.open("rb") as f:
        office = OOXMLFile(f)
        office.load_key(password="secret")
        plain = io.BytesIO()
        office.decrypt(plain)
    assert plain.getvalue().startswith(b"PK\x03\x04")


def test_encrypted_zip_member(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"x" * 100)
    data = bytearray(buffer.getvalue())
    for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set "encrypted" in every header
        start = data.find(signature)
        while start >= 0:
            data[start + at] |= 0x1
            start = data.find(signature, start + 4)
    (tmp_path / "a.docx").write_bytes(bytes(data))
    assert all(info.flag_bits & 0x1 for info in zipfile.ZipFile(tmp_path / "a.docx").infolist())
    refused(tmp_path, "a.docx", "パスワードで保護された")


def test_encrypted_pdf(tmp_path):
    fm.make_encrypted_pdf(tmp_path / "a.pdf", password="secret")
    refused(tmp_path, "a.pdf", "パスワードで保護された PDF")


def test_pdf_of_3000_pages_refused_before_text(tmp_path, monkeypatch):
    import pypdf

    fm.make_blank_pdf(tmp_path / "a.pdf", pages=3000)
    monkeypatch.setattr(pypdf.PageObject, "extract_text", lambda *a, **k: pytest.fail("text extracted"))
    refused(tmp_path, "a.pdf", "ページが多すぎます（3000 ページ、上限 500）")


def test_too_many_slides(tmp_path):
    fm.make_pptx(tmp_path / "a.pptx", [(f"題{n}", "本文") for n in range(3)])
    refused(tmp_path, "a.pptx", "スライドが多すぎます（3 枚、上限 2）", bounds=Limits(max_pages=2))


def test_file_too_big_refused_before_reading(tmp_path, monkeypatch):
    fm.make_big_file(tmp_path / "a.pdf", mb=11)
    fm.make_pptx(tmp_path / "b.pptx", [("題", "本文")])
    real_fdopen = os.fdopen

    class NoRead:
        def __init__(self, fd, mode):
            self.file = real_fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def fileno(self):
            return self.file.fileno()

        def read(self, *args):
            pytest.fail("the file was read before its size was checked")

    monkeypatch.setattr(os, "fdopen", NoRead)
    refused(tmp_path, "a.pdf", "ファイルが大きすぎます（11 MB、上限 10 MB）")
    refused(tmp_path, "b.pptx", "ファイルが大きすぎます", "上限 0.1 MB", bounds=Limits(max_bytes=10_000))


def test_empty_file(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"")
    refused(tmp_path, "a.pdf", "ファイルが空です")


# --- zip bombs --------------------------------------------------------------------------------


def test_zip_bomb_refused_by_default_limits_without_unpacking(tmp_path, monkeypatch):
    path = fm.make_zip_bomb(tmp_path / "a.docx", unpacked_mb=201)
    assert path.stat().st_size < 2 * fm.MB
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    started = time.monotonic()
    refused(tmp_path, "a.docx", "展開後の大きさが大きすぎます", "上限 200 MB", "圧縮爆弾")
    assert time.monotonic() - started < 1.0
    assert "word/document.xml" not in opened


def test_zip_bomb_by_ratio(tmp_path):
    fm.make_zip_bomb(tmp_path / "a.docx", unpacked_mb=5)
    refused(tmp_path, "a.docx", "圧縮率が異常に高い", "word/document.xml", "上限 200 倍", "圧縮爆弾")


def test_small_members_are_never_taken_for_bombs(tmp_path):
    path = fm.make_docx(tmp_path / "a.docx", [["概要", "本文"]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/zeros.bin", bytes(900_000))
    assert read_attachment(tmp_path, "a.docx").pages[0].title == "概要"


def test_too_many_entries(tmp_path):
    fm.make_many_entries(tmp_path / "a.docx", entries=limits.MAX_ZIP_ENTRIES + 1)
    refused(tmp_path, "a.docx", "項目が多すぎます（5001 個、上限 5000 個）")


def test_zip_that_is_not_office(tmp_path):
    with zipfile.ZipFile(tmp_path / "a.pptx", "w") as zf:
        zf.writestr("hello.txt", "こんにちは")
    refused(tmp_path, "a.pptx", "[Content_Types].xml がありません")
    with zipfile.ZipFile(tmp_path / "b.pptx", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("hello.txt", "こんにちは")
    refused(tmp_path, "b.pptx", "いずれのファイルでもありません")


# --- garbage never escapes as anything but AttachmentError ------------------------------------

_NOISE = random.Random(20240601)
GARBAGE = [
    b"\x00" * 64,
    b"hello, world",
    _NOISE.randbytes(3000),
    b"PK\x03\x04" + _NOISE.randbytes(3000),
    b"PK\x05\x06" + bytes(18),
    b"%PDF-1.7\n" + _NOISE.randbytes(3000),
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
]


@pytest.mark.parametrize("ext", [".pptx", ".xlsx", ".docx", ".pdf"])
def test_garbage_is_refused_or_read_never_crashes(tmp_path, ext):
    for n, data in enumerate(GARBAGE):
        name = f"g{n}{ext}"
        (tmp_path / name).write_bytes(data)
        try:
            got = read_attachment(tmp_path, name)
        except AttachmentError as error:
            assert JAPANESE.search(error.message) and error.path == name
        else:
            assert got.format == "pdf" and data.startswith(b"%PDF-")


@pytest.mark.parametrize("make", ["pptx", "xlsx", "docx"])
def test_truncated_office_files_are_refused_as_broken(tmp_path, make):
    if make == "pptx":
        full = fm.make_pptx(tmp_path / "full.pptx", [("題", "本文"), ("二", "本文")])
    elif make == "xlsx":
        full = fm.make_xlsx(tmp_path / "full.xlsx", {"表": [["a", 1]]})
    else:
        full = fm.make_docx(tmp_path / "full.docx", [["見出し", "本文"]])
    size = full.stat().st_size
    name = {"pptx": "PowerPoint", "xlsx": "Excel", "docx": "Word"}[make]
    for length in (2, 10, 100, size // 3, size // 2, size - 100, size - 1):
        cut = fm.truncated_copy(full, tmp_path / f"cut{length}.{make}", length)
        refused(tmp_path, cut.name, f"ファイルが壊れているか、{name} として読めません")


def test_truncated_pdf_never_crashes(tmp_path):
    full = fm.make_pdf(tmp_path / "full.pdf", ["一ページ目", "二ページ目"])
    size = full.stat().st_size
    for length in (6, 100, size // 2, size - 10):
        cut = fm.truncated_copy(full, tmp_path / f"cut{length}.pdf", length)
        try:
            read_attachment(tmp_path, cut.name)
        except AttachmentError as error:
            assert JAPANESE.search(error.message)
