"""Submitted files as every face words them (SPEC §6.2): what each file is (the document, the
file's name, format, pages, size and SHA-256, so a reader can tell it is the version submitted),
what a page of it is called (スライド, シート, ページ), and an Excel sheet drawn as a table.

The names and texts inside are the applicant's: untrusted, returned as data for each face to
escape (the reader shows them literally; the workbook writes them as strings).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from reviewer.domain.vocabulary import FORMAT_LABELS
from reviewer.present.text import clean, fit, pad, width

#: What one page of each format is called.
PAGE_UNITS = {"pptx": "スライド", "xlsx": "シート", "docx": "ページ", "pdf": "ページ"}
#: The widest column of a sheet drawn as a table, in terminal cells (longer cells end in …).
TABLE_CELL = 24
#: The most rows of a sheet drawn as a table (the rest counted in a line below it).
TABLE_ROWS = 200


class AttachmentLike(Protocol):
    """What the wording needs of an attachment (the workspace's ``StoredAttachment``)."""

    @property
    def document(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def sha256(self) -> str: ...
    @property
    def page_count(self) -> int: ...
    @property
    def estimated(self) -> bool: ...
    @property
    def truncated(self) -> bool: ...


class PageLike(Protocol):
    """A page of an attachment as the faces read it (``reviewer.files.attachments.Page``, as the workspace returns it)."""

    @property
    def number(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def rows(self) -> tuple[tuple[str, ...], ...]: ...


class ReadableAttachment(AttachmentLike, Protocol):
    """An attachment with its pages (``StoredAttachment`` read with ``pages=True``)."""

    @property
    def pages(self) -> tuple[PageLike, ...]: ...


def size_text(size: int) -> str:
    """A file size as people say it: 812 バイト, 35.2 KB, 1.4 MB."""
    if size < 1024:
        return f"{size:,} バイト"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def pages_text(att: AttachmentLike) -> str:
    """「スライド 12 枚」「3 ページ（推定）」「シート 2 枚」."""
    unit = PAGE_UNITS.get(att.format, "ページ")
    count = f"{unit} {att.page_count} 枚" if unit in ("スライド", "シート") else f"{att.page_count} ページ"
    return count + ("（推定）" if att.estimated else "")


def format_text(fmt: str) -> str:
    return FORMAT_LABELS.get(fmt, fmt)


def attachment_line(att: AttachmentLike) -> str:
    """One line of a list of files: 「応募様式.pptx（PowerPoint（.pptx）、スライド 8 枚、35.2 KB）」."""
    return f"{att.name}（{format_text(att.format)}、{pages_text(att)}、{size_text(att.size)}）"


def attachment_facts(att: AttachmentLike) -> list[tuple[str, str]]:
    """(label, value) of what the file is: the document, the file, its pages and size, SHA-256."""
    facts = [("書類", att.document), ("ファイル名", att.name), ("形式", format_text(att.format)),
             ("枚数", pages_text(att)), ("サイズ", f"{size_text(att.size)}（{att.size:,} バイト）"),
             ("SHA-256", att.sha256)]
    if att.truncated:
        facts.append(("注意", "本文が長いため、途中までを保存しています（元のファイルで確認してください）"))
    return facts


def page_heading(att: AttachmentLike, number: int, title: str, pages: int | None = None) -> str:
    """A page's heading in the outline: 「応募様式.pptx スライド 3/8  事業の目的」 (``pages``: the
    pages read, where the file's count is an estimate and the pages are those its breaks make)."""
    unit = PAGE_UNITS.get(att.format, "ページ")
    total = pages if att.estimated and pages else att.page_count
    head = f"{att.name} {unit} {number}/{total}"
    title = " ".join(clean(title).split())
    return f"{head}  {title}" if title else head


def sheet_table(rows: Sequence[Sequence[str]]) -> str:
    """An Excel sheet's cells as a table of text: columns padded to their widest cell (at most
    ``TABLE_CELL`` cells, longer ones cut with …), two spaces between columns."""
    shown = [[" ".join(clean(c).split()) for c in row] for row in rows[:TABLE_ROWS]]
    columns = max((len(r) for r in shown), default=0)
    widths = [min(TABLE_CELL, max((width(r[i]) for r in shown if i < len(r)), default=0)) for i in range(columns)]
    lines = ["  ".join(pad(fit(r[i] if i < len(r) else "", widths[i]), widths[i]) for i in range(columns)).rstrip()
             for r in shown]
    if len(rows) > TABLE_ROWS:
        lines.append(f"（ほか {len(rows) - TABLE_ROWS:,} 行）")
    return "\n".join(lines)
