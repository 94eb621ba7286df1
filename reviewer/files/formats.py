"""The readers of each format of submitted file (python-pptx, openpyxl, python-docx, pypdf),
apart from ``reviewer.files.attachments`` so that the libraries load only when a file is read
(the command line and the app start without them). Each takes the bytes ``attachments`` has
checked (size, format, zip bounds) and returns the pages; ``attachments`` turns any failure of
a library into the file's ``AttachmentError``.
"""

from __future__ import annotations

import io
import math
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import docx
import openpyxl
import pptx
import pypdf
from docx.enum.section import WD_SECTION_START
from docx.oxml.ns import qn
from docx.oxml.section import CT_SectPr
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.group import GroupShape
from pypdf import PasswordType

from reviewer.domain import limits
from reviewer.files.attachments import (
    _SMALL_PART,
    AttachmentError,
    Limits,
    Page,
    _many,
    _page,
    _Read,
    _read_member,
    clean_text,
)

# --- PowerPoint -------------------------------------------------------------------------------


def _shape_texts(shapes: Any, skip_id: int | None) -> Iterator[str]:
    """The text of each shape in order (tables row by row, groups recursed), but ``skip_id``."""
    for shape in shapes:
        if skip_id is not None and shape.shape_id == skip_id:
            continue
        if isinstance(shape, GroupShape):
            yield from _shape_texts(shape.shapes, None)
        elif isinstance(shape, GraphicFrame) and shape.has_table:
            for row in shape.table.rows:
                yield "\t".join(cell.text for cell in row.cells)
        elif shape.has_text_frame and shape.text_frame.text:
            yield shape.text_frame.text


def _read_pptx(rel: str, data: bytes, bounds: Limits) -> _Read:
    slides = list(pptx.Presentation(io.BytesIO(data)).slides)
    if len(slides) > bounds.max_pages:
        raise _many(rel, "スライド", len(slides), bounds.max_pages)
    pages = []
    for number, slide in enumerate(slides, start=1):
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text if title_shape is not None and title_shape.has_text_frame else ""
        skip = title_shape.shape_id if title_shape is not None else None
        pages.append(_page(number, title, "\n".join(_shape_texts(slide.shapes, skip))))
    return _Read(pages, len(slides))


# --- Excel ------------------------------------------------------------------------------------


def _sheet_rows(sheet: Any, max_cells: int) -> tuple[tuple[tuple[str, ...], ...], bool]:
    """The sheet's cells as strings, trailing empty cells and rows trimmed, at most ``max_cells``
    (an empty row counts as one); and whether the sheet was cut."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # the declared dimensions may lie (and pad every row)
    rows: list[tuple[str, ...]] = []
    cells = 0
    cut = False
    for values in sheet.iter_rows(values_only=True):
        cells += max(1, len(values))
        if cells > max_cells:
            cut = True
            break
        row = ["" if value is None else clean_text(str(value)) for value in values]
        while row and not row[-1]:
            row.pop()
        rows.append(tuple(row))
    while rows and not rows[-1]:
        rows.pop()
    return tuple(rows), cut


def _read_xlsx(rel: str, data: bytes, bounds: Limits) -> _Read:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = list(book.worksheets)
            if len(sheets) > bounds.max_pages:
                raise _many(rel, "シート", len(sheets), bounds.max_pages)
            pages: list[Page] = []
            truncated = False
            used = 0
            for number, sheet in enumerate(sheets, start=1):
                if used > bounds.max_text:
                    truncated = True
                    break
                rows, cut = _sheet_rows(sheet, limits.MAX_SHEET_CELLS)
                truncated = truncated or cut
                page = _page(number, str(sheet.title), "\n".join("\t".join(row) for row in rows), rows)
                used += len(page.title) + len(page.text)
                pages.append(page)
        finally:
            book.close()
    return _Read(pages, len(sheets), truncated=truncated)


# --- Word -------------------------------------------------------------------------------------

_PAGES = re.compile(rb"<(?:\w+:)?Pages>\s*(\d{1,9})\s*</(?:\w+:)?Pages>")
_RUN_CONTENT = "w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab"
#: Characters to a page where Word recorded no page count (an estimate).
CHARS_PER_PAGE = 1000


def _docx_recorded_pages(data: bytes) -> int | None:
    """The pages Word recorded in docProps/app.xml (a bounded read), or None (none, or below 1)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        raw = _read_member(zf, "docProps/app.xml", _SMALL_PART)
    found = _PAGES.search(raw) if raw is not None else None
    if found is None or int(found.group(1)) < 1:
        return None
    return int(found.group(1))


def _paragraph_pieces(paragraph: Paragraph) -> list[str]:
    """The paragraph's text split at its explicit page breaks (one piece where there is none)."""
    pieces: list[list[str]] = [[]]
    for item in paragraph.iter_inner_content():
        for run in item.runs if isinstance(item, Hyperlink) else [item]:
            for element in run._r.xpath(_RUN_CONTENT):
                if element.tag == qn("w:br") and element.get(qn("w:type")) == "page":
                    pieces.append([])
                else:
                    pieces[-1].append(str(element))
    return ["".join(piece) for piece in pieces]


def _is_heading(paragraph: Paragraph) -> bool:
    style = paragraph.style
    name = str(style.name or "") if style is not None else ""
    return name.lower().startswith("heading") or name.startswith("見出し")


def _new_page_sections(document: Any) -> set[Any]:
    """The paragraphs' w:sectPr whose section is followed by one that starts on a new page (a
    section's own w:sectPr says how it starts; the body's last one closes the document)."""
    sections = document.element.body.xpath("./w:p/w:pPr/w:sectPr | ./w:sectPr")
    return {
        ending
        for ending, following in zip(sections, sections[1:])
        if not isinstance(following, CT_SectPr) or following.start_type != WD_SECTION_START.CONTINUOUS
    }


def _ends_section(paragraph: Paragraph, new_page: set[Any]) -> bool:
    """Whether a section that starts on a new page follows this paragraph."""
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.sectPr is not None and ppr.sectPr in new_page


def _docx_blocks(document: Any) -> list[list[tuple[str, bool]]]:
    """The body's paragraphs and table rows in order, page by page: (text, is a heading)."""
    pages: list[list[tuple[str, bool]]] = [[]]
    new_page = _new_page_sections(document)
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            pages[-1].extend(("\t".join(cell.text for cell in row.cells), False) for row in block.rows)
            continue
        if block.paragraph_format.page_break_before and pages[-1]:
            pages.append([])
        heading = _is_heading(block)
        for index, piece in enumerate(_paragraph_pieces(block)):
            if index:
                pages.append([])
            pages[-1].append((piece, heading))
        if _ends_section(block, new_page):
            pages.append([])
    return pages


def _docx_page(number: int, blocks: list[tuple[str, bool]]) -> Page:
    """A page of Word: its first heading as the title, the rest as the text."""
    title_at = next((i for i, (text, heading) in enumerate(blocks) if heading and text.strip()), None)
    title = blocks[title_at][0] if title_at is not None else ""
    text = "\n".join(text for i, (text, _) in enumerate(blocks) if i != title_at and text)
    return _page(number, title, text)


def _read_docx(rel: str, data: bytes, bounds: Limits) -> _Read:
    recorded = _docx_recorded_pages(data)
    if recorded is not None and recorded > bounds.max_pages:
        raise _many(rel, "ページ", recorded, bounds.max_pages)
    blocks = _docx_blocks(docx.Document(io.BytesIO(data)))
    if len(blocks) > bounds.max_pages:
        raise _many(rel, "ページ", len(blocks), bounds.max_pages)
    pages = [_docx_page(number, page) for number, page in enumerate(blocks, start=1)]
    if recorded is not None:
        return _Read(pages, recorded)
    chars = sum(len(page.title) + len(page.text) for page in pages)
    return _Read(pages, max(len(pages), math.ceil(chars / CHARS_PER_PAGE)), estimated=True)


# --- PDF --------------------------------------------------------------------------------------


def _read_pdf(rel: str, data: bytes, bounds: Limits) -> _Read:
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception:
            opened = PasswordType.NOT_DECRYPTED
        if opened == PasswordType.NOT_DECRYPTED:
            raise AttachmentError(rel, "パスワードで保護された PDF です。保護を外して提出してください")
    count = len(reader.pages)
    if count > bounds.max_pages:
        raise _many(rel, "ページ", count, bounds.max_pages)
    pages: list[Page] = []
    used = 0
    for number, pdf_page in enumerate(reader.pages, start=1):
        if used > bounds.max_text:
            return _Read(pages, count, truncated=True)
        page = _page(number, "", pdf_page.extract_text() or "")
        used += len(page.text)
        pages.append(page)
    return _Read(pages, count)


READERS: dict[str, Callable[[str, bytes, Limits], _Read]] = {
    "pptx": _read_pptx,
    "xlsx": _read_xlsx,
    "docx": _read_docx,
    "pdf": _read_pdf,
}


