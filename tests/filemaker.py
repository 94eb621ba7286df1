"""Real submitted files, built at test run time with the libraries (nothing binary is checked in).

Well-formed files (each returns the path it wrote):

- ``make_pptx(path, slides, tables=None, groups=None)``: one slide per ``(title, body)``; the
  body's lines are paragraphs of the body placeholder; ``tables`` maps a slide index (from 0) to
  rows of cells added as a table, ``groups`` maps a slide index to texts put in a group shape.
- ``make_xlsx(path, sheets)``: one sheet per ``name: rows`` (each row a list of values).
- ``make_docx(path, pages, headings=True, app_pages=RECORD_COUNT)``: one page per list of
  paragraphs, page breaks between pages, the first paragraph of each a "Heading 1" where
  ``headings``; ``app_pages`` is the <Pages> docProps/app.xml records: by default the number of
  pages given, an int to record that, None to record none (a reader must then estimate).
- ``make_pdf(path, pages)``: one page per string (lines at "\\n"), in a Japanese CID font so
  pypdf extracts the text back.

Hostile files:

- ``truncated_copy(src, dst, length)``: the first ``length`` bytes of ``src``.
- ``make_zip_bomb(path, unpacked_mb=201)``: a docx-looking zip whose word/document.xml really
  unpacks to ``unpacked_mb`` MB of zeros (about 200 KB packed; built in well under a second).
- ``make_many_entries(path, entries)``: a docx-looking zip with ``entries`` members in all.
- ``make_macro_pptx(path, how="vba")``: a real .pptx that carries ``ppt/vbaProject.bin``
  (``how="vba"``) or declares a macro-enabled content type (``how="content-type"``); name the
  path .pptm for the extension case.
- ``make_protected_xlsx(path, password="secret")``: a password-protected .xlsx: really encrypted
  with msoffcrypto-tool where it is installed (``HAVE_MSOFFCRYPTO``), otherwise a stand-in with
  the OLE compound header an encrypted Office file has.
- ``make_ole(path)``: just the OLE compound header and zeros (an old .xls/.ppt/.doc stand-in).
- ``make_encrypted_pdf(path, password="secret")``, ``make_blank_pdf(path, pages=3000)``.
- ``make_big_file(path, mb=11)``: a sparse file of ``mb`` MB starting "%PDF-".
- ``make_symlink(link, target)``.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
from docx import Document
from docx.enum.text import WD_BREAK
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

try:
    from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-untyped]

    HAVE_MSOFFCRYPTO = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_MSOFFCRYPTO = False

#: ``make_docx``'s default: record in docProps/app.xml the number of pages given.
RECORD_COUNT = -1
JAPANESE_FONT = "HeiseiKakuGo-W5"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
MB = 1024 * 1024

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)


def make_pptx(
    path: Path,
    slides: list[tuple[str, str]],
    tables: dict[int, list[list[str]]] | None = None,
    groups: dict[int, list[str]] | None = None,
) -> Path:
    """A .pptx with one "Title and Content" slide per (title, body)."""
    prs = Presentation()
    layout = prs.slide_layouts[1]
    for index, (title, body) in enumerate(slides):
        slide = prs.slides.add_slide(layout)
        slide.shapes.title.text = title
        frame = slide.placeholders[1].text_frame
        lines = body.split("\n")
        frame.text = lines[0]
        for line in lines[1:]:
            frame.add_paragraph().text = line
        if tables and index in tables:
            rows = tables[index]
            shape = slide.shapes.add_table(len(rows), max(len(r) for r in rows), Inches(1), Inches(4), Inches(6), Inches(2))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    shape.table.cell(r, c).text = value
        if groups and index in groups:
            group = slide.shapes.add_group_shape()
            for n, text in enumerate(groups[index]):
                box = group.shapes.add_textbox(Inches(1 + n), Inches(6), Inches(1), Inches(0.5))
                box.text_frame.text = text
    prs.save(str(path))
    return path


def make_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A .xlsx with one sheet per name, its rows appended in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(str(path))
    return path


def _set_app_pages(path: Path, pages: int | None) -> None:
    """Rewrite docProps/app.xml's <Pages> (``None``: remove it)."""
    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            if info.filename == "docProps/app.xml":
                text = data.decode("utf-8")
                start, end = text.index("<Pages>"), text.index("</Pages>") + len("</Pages>")
                data = (text[:start] + ("" if pages is None else f"<Pages>{pages}</Pages>") + text[end:]).encode("utf-8")
            zf.writestr(info.filename, data)


def make_docx(path: Path, pages: list[list[str]], headings: bool = True, app_pages: int | None = RECORD_COUNT) -> Path:
    """A .docx with a page break between pages (see the module's docstring)."""
    document = Document()
    for index, paragraphs in enumerate(pages):
        for n, text in enumerate(paragraphs):
            if n == 0 and headings:
                document.add_heading(text, level=1)
            else:
                document.add_paragraph(text)
        if index < len(pages) - 1:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.save(str(path))
    _set_app_pages(path, len(pages) if app_pages == RECORD_COUNT else app_pages)
    return path


def make_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF with one page per string, its lines drawn in a Japanese font."""
    pdfmetrics.registerFont(UnicodeCIDFont(JAPANESE_FONT))
    pdf = canvas.Canvas(str(path))
    for text in pages:
        pdf.setFont(JAPANESE_FONT, 12)
        for n, line in enumerate(text.split("\n")):
            pdf.drawString(72, 770 - 18 * n, line)
        pdf.showPage()
    pdf.save()
    return path


def truncated_copy(src: Path, dst: Path, length: int) -> Path:
    """The first ``length`` bytes of ``src`` written to ``dst``."""
    dst.write_bytes(src.read_bytes()[:length])
    return dst


def make_zip_bomb(path: Path, unpacked_mb: int = 201) -> Path:
    """A docx-looking zip whose word/document.xml unpacks to ``unpacked_mb`` MB of zeros."""
    chunk = bytes(MB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _DOCX_TYPES)
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked_mb):
                member.write(chunk)
    return path


def make_many_entries(path: Path, entries: int) -> Path:
    """A docx-looking zip of ``entries`` members in all (the rest empty)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", _DOCX_TYPES)
        zf.writestr("word/document.xml", "<w:document/>")
        for n in range(entries - 2):
            zf.writestr(f"word/media/pad{n}.bin", b"")
    return path


def make_macro_pptx(path: Path, how: str = "vba") -> Path:
    """A real .pptx made macro-enabled: a ppt/vbaProject.bin member ("vba") or a macro-enabled
    main content type ("content-type")."""
    buffer = io.BytesIO()
    make_pptx(path, [("マクロ", "本文")])
    with zipfile.ZipFile(path) as zf:
        members = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            if name == "[Content_Types].xml" and how == "content-type":
                data = data.replace(b"presentationml.presentation.main+xml", b"presentationml.presentation.macroEnabled.main+xml")
            zf.writestr(name, data)
        if how == "vba":
            zf.writestr("ppt/vbaProject.bin", OLE_MAGIC + bytes(504))
    path.write_bytes(buffer.getvalue())
    return path


def make_ole(path: Path) -> Path:
    """The OLE compound header and zeros: what an old .xls or an encrypted .xlsx starts with."""
    path.write_bytes(OLE_MAGIC + bytes(4096))
    return path


def make_protected_xlsx(path: Path, password: str = "secret") -> Path:
    """A password-protected .xlsx (really encrypted where msoffcrypto-tool is installed)."""
    if not HAVE_MSOFFCRYPTO:
        return make_ole(path)
    plain = path.with_name(path.name + ".plain.xlsx")
    make_xlsx(plain, {"秘密": [["金額", 100]]})
    with plain.open("rb") as src, path.open("wb") as out:
        OOXMLFile(src).encrypt(password, out)
    plain.unlink()
    return path


def make_encrypted_pdf(path: Path, password: str = "secret") -> Path:
    """A PDF that opens only with ``password``."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(password)
    with path.open("wb") as f:
        writer.write(f)
    return path


def make_blank_pdf(path: Path, pages: int = 3000) -> Path:
    """A PDF of ``pages`` blank pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as f:
        writer.write(f)
    return path


def make_big_file(path: Path, mb: float = 11) -> Path:
    """A (sparse) file of ``mb`` MB starting "%PDF-"."""
    with path.open("wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(int(mb * MB))
    return path


def make_symlink(link: Path, target: Path) -> Path:
    """``link`` pointing at ``target``."""
    os.symlink(target, link)
    return link


def copy_as(src: Path, dst: Path) -> Path:
    """``src`` copied to ``dst`` (a file under another name or extension)."""
    shutil.copyfile(src, dst)
    return dst
