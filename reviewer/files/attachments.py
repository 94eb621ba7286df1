"""Submitted files (SPEC §6.2): PowerPoint, Excel, Word and PDF read into text, page by page.

``read_attachment(base, rel)`` opens ``base/rel`` safely and returns an ``Extracted`` (the
file's name, format, size, SHA-256 and its pages: slides, sheets or PDF pages, each with a
title and text; an Excel sheet also as a table) or raises ``AttachmentError`` with a Japanese
sentence naming the file. Everything about the file is untrusted: the path must stay inside
``base`` (no ``..``, no absolute path, no symlink anywhere on the way), the size is bounded
before reading, the format is told from the content (an extension that lies is refused), a
zip container's entries and unpacked size are bounded before anything is unpacked,
macro-enabled and password-protected files are refused, and the pages and the text kept are
bounded (``reviewer.domain.limits``).
"""

from __future__ import annotations

import gc
import hashlib
import io
import math
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from reviewer.domain import limits


class AttachmentError(Exception):
    """A submitted file that cannot be taken: ``path`` (as the application names it) and why."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Page:
    """One slide, sheet or page: its number (from 1), its title ("" where it has none), its text,
    and for an Excel sheet its cells as rows of strings (bounded by ``limits.MAX_SHEET_CELLS``)."""

    number: int
    title: str
    text: str
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Limits:
    """The bounds one reading observes (the defaults of ``reviewer.domain.limits``)."""

    max_bytes: int = limits.MAX_ATTACHMENT_BYTES
    max_pages: int = limits.MAX_ATTACHMENT_PAGES
    max_entries: int = limits.MAX_ZIP_ENTRIES
    max_unzipped: int = limits.MAX_UNZIPPED_BYTES
    max_ratio: int = limits.MAX_ZIP_RATIO
    max_text: int = limits.MAX_ATTACHMENT_TEXT


@dataclass(frozen=True)
class Extracted:
    """A file as read: ``name`` (the file name), ``format`` (pptx, xlsx, docx or pdf), ``size``
    in bytes, ``sha256`` (hex of the bytes), ``pages``; ``page_count`` is the number of slides,
    sheets or PDF pages, and for Word the pages Word recorded (docProps/app.xml) or, where it
    recorded none, an estimate from the text and its page breaks (``estimated``); ``truncated``
    where the text was cut at ``Limits.max_text``."""

    name: str
    format: str
    size: int
    sha256: str
    page_count: int
    pages: tuple[Page, ...] = field(default=())
    estimated: bool = False
    truncated: bool = False

    @property
    def text(self) -> str:
        """All the text, page after page (titles first)."""
        return "\n\n".join("\n".join(x for x in (p.title, p.text) if x) for p in self.pages)


# --- the path ---------------------------------------------------------------------------------

_OUTSIDE = "添付ファイルのパスが申請のフォルダの外を指しています"
_NOT_FOUND = "ファイルが見つかりません"
_DRIVE = re.compile(r"^[A-Za-z]:")


def _check_rel(rel: str) -> list[str]:
    """The parts of ``rel`` where its form is acceptable (raises ``AttachmentError``)."""
    if not rel.strip():
        raise AttachmentError(rel, "添付ファイルのパスが空です")
    if "\x00" in rel:
        raise AttachmentError(rel, "添付ファイルのパスに使えない文字（NUL）が含まれています")
    if "\\" in rel:
        raise AttachmentError(rel, "添付ファイルのパスに「\\」は使えません（区切りは「/」で書いてください）")
    if rel.startswith("/") or _DRIVE.match(rel):
        raise AttachmentError(rel, f"{_OUTSIDE}（絶対パスは使えません。申請のフォルダからの相対パスで書いてください）")
    parts = rel.split("/")
    if ".." in parts:
        raise AttachmentError(rel, f"{_OUTSIDE}（「..」は使えません）")
    if any(part in ("", ".") for part in parts):
        raise AttachmentError(rel, "添付ファイルのパスに空の部分または「.」があります（例: 資料/計画書.pdf）")
    return parts


def safe_path(base: Path, rel: str) -> Path:
    """``base/rel`` where it stays inside ``base``: relative, no ``..``, no symlink on the way
    (raises ``AttachmentError``)."""
    parts = _check_rel(rel)
    current = base
    for index, part in enumerate(parts):
        current = current / part
        try:
            st = os.lstat(current)
        except (FileNotFoundError, NotADirectoryError):
            raise AttachmentError(rel, _NOT_FOUND) from None
        except OSError as exc:
            raise AttachmentError(rel, f"ファイルを開けません（{exc.strerror or exc}）") from None
        if stat.S_ISLNK(st.st_mode):
            raise AttachmentError(rel, "シンボリックリンクは添付できません")
        last = index == len(parts) - 1
        if not last and not stat.S_ISDIR(st.st_mode):
            raise AttachmentError(rel, _NOT_FOUND)
        if last and not stat.S_ISREG(st.st_mode):
            raise AttachmentError(rel, f"{_NOT_FOUND}（通常のファイルではありません）")
    return current


# --- the bytes and their format ---------------------------------------------------------------

_FORMATS = {".pptx": "pptx", ".xlsx": "xlsx", ".docx": "docx", ".pdf": "pdf"}
_MACRO_EXTENSIONS = frozenset({".pptm", ".xlsm", ".docm", ".potm", ".ppsm"})
#: How each format is named to the applicant.
FORMAT_NAMES = {"pptx": "PowerPoint", "xlsx": "Excel", "docx": "Word", "pdf": "PDF"}
#: The main part of each Office format, in the order they are looked for.
_MAIN_PARTS = (("ppt/presentation.xml", "pptx"), ("xl/workbook.xml", "xlsx"), ("word/document.xml", "docx"))
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC = b"PK\x03\x04"
#: Members unpacked to less than this are never taken for a bomb, whatever their ratio.
_BOMB_FLOOR = 1024 * 1024
#: The most bytes read of a small member ([Content_Types].xml, docProps/app.xml).
_SMALL_PART = 1024 * 1024

_MACRO = "マクロを含むファイル（.pptm など）は受け付けません。マクロを含まない形式（.pptx・.xlsx・.docx）で保存し直してください"
_OLE = (
    "パスワードで保護されたファイル、または古い形式（.ppt・.xls・.doc）のファイルです。"
    "保護を外し、.pptx・.xlsx・.docx で保存し直してください"
)
_BOMB = "圧縮爆弾の可能性があるため受け付けません"


def _mb(size: int) -> str:
    """``size`` bytes in MB, one decimal rounded up ("12.3", "10")."""
    text = f"{math.ceil(size * 10 / 2**20) / 10:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _broken(rel: str, fmt: str) -> AttachmentError:
    return AttachmentError(rel, f"ファイルが壊れているか、{FORMAT_NAMES[fmt]} として読めません")


def _format_of_name(rel: str) -> str:
    """The format the name claims (raises for a macro-enabled or an unsupported extension)."""
    suffix = PurePosixPath(rel).suffix.lower()
    if suffix in _MACRO_EXTENSIONS:
        raise AttachmentError(rel, _MACRO)
    if suffix not in _FORMATS:
        shown = suffix or "拡張子なし"
        accepted = "PowerPoint（.pptx）、Excel（.xlsx）、Word（.docx）、PDF のいずれかで提出してください"
        raise AttachmentError(rel, f"対応していない形式です（{shown}）。{accepted}")
    return _FORMATS[suffix]


def _too_big(rel: str, size: int, limit: int) -> AttachmentError:
    return AttachmentError(rel, f"ファイルが大きすぎます（{_mb(size)} MB、上限 {_mb(limit)} MB）")


def _read_bounded(path: Path, rel: str, max_bytes: int) -> bytes:
    """The bytes of ``path``, its size checked before anything is read (no symlink followed)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise AttachmentError(rel, f"ファイルを開けません（{exc.strerror or exc}）") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise AttachmentError(rel, f"{_NOT_FOUND}（通常のファイルではありません）")
        if st.st_size > max_bytes:
            raise _too_big(rel, st.st_size, max_bytes)
        try:
            data = f.read(max_bytes + 1)
        except OSError as exc:
            raise AttachmentError(rel, f"ファイルを読めません（{exc.strerror or exc}）") from None
    if len(data) > max_bytes:
        raise _too_big(rel, len(data), max_bytes)
    return data


def _format_of_content(rel: str, data: bytes, claimed: str, bounds: Limits) -> str:
    """The format the bytes are (pdf, pptx, xlsx, docx), a zip checked before anything is unpacked."""
    if not data:
        raise AttachmentError(rel, "ファイルが空です（0 バイト）")
    if data.startswith(_OLE_MAGIC):
        raise AttachmentError(rel, _OLE)
    if data.startswith(_ZIP_MAGIC):
        return _inspect_zip(rel, data, claimed, bounds)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    raise _broken(rel, claimed)


def _read_member(zf: zipfile.ZipFile, name: str, cap: int) -> bytes | None:
    """At most ``cap`` bytes of the member ``name``, or None where there is none."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    with zf.open(info) as f:
        return f.read(cap)


def _check_entries(rel: str, infos: list[zipfile.ZipInfo], bounds: Limits) -> None:
    """The zip's declared entries within the bounds (nothing is unpacked)."""
    if len(infos) > bounds.max_entries:
        raise AttachmentError(rel, f"ファイルの中の項目が多すぎます（{len(infos)} 個、上限 {bounds.max_entries} 個）。{_BOMB}")
    if any(info.flag_bits & 0x1 for info in infos):
        raise AttachmentError(rel, _OLE)
    total = sum(info.file_size for info in infos)
    if total > bounds.max_unzipped:
        limit = _mb(bounds.max_unzipped)
        raise AttachmentError(rel, f"展開後の大きさが大きすぎます（{_mb(total)} MB、上限 {limit} MB）。{_BOMB}")
    for info in infos:
        if info.file_size > _BOMB_FLOOR and info.file_size > bounds.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise AttachmentError(
                rel, f"圧縮率が異常に高い項目があります（{info.filename}、{ratio} 倍、上限 {bounds.max_ratio} 倍）。{_BOMB}"
            )


def _inspect_zip(rel: str, data: bytes, claimed: str, bounds: Limits) -> str:
    """The Office format of a zip container: bounded, not macro-enabled, with a main part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            _check_entries(rel, infos, bounds)
            names = {info.filename for info in infos}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise AttachmentError(rel, _MACRO)
            types = _read_member(zf, "[Content_Types].xml", _SMALL_PART)
    except AttachmentError:
        raise
    except Exception as exc:
        raise _broken(rel, claimed) from exc
    if types is None:
        raise AttachmentError(rel, "[Content_Types].xml がありません。ファイルが壊れているか、Office のファイルではありません")
    if b"macroenabled" in types.lower():
        raise AttachmentError(rel, _MACRO)
    for part, fmt in _MAIN_PARTS:
        if part in names:
            return fmt
    raise AttachmentError(rel, "Office のファイルですが、PowerPoint・Excel・Word のいずれのファイルでもありません")


# --- the text ---------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")


def clean_text(text: str) -> str:
    """``text`` with line ends as ``\\n`` (also a vertical tab or form feed, which PowerPoint and
    Word use for a line break) and no other C0 control character but the tab."""
    return _CONTROL.sub("", _BREAKS.sub("\n", text))


def _page(number: int, title: str, text: str, rows: tuple[tuple[str, ...], ...] = ()) -> Page:
    return Page(number=number, title=clean_text(title).strip(), text=clean_text(text), rows=rows)


def _many(rel: str, what: str, count: int, limit: int) -> AttachmentError:
    unit = "ページ" if what == "ページ" else "枚"
    return AttachmentError(rel, f"{what}が多すぎます（{count} {unit}、上限 {limit}）")


@dataclass(frozen=True)
class _Read:
    pages: list[Page]
    page_count: int
    estimated: bool = False
    truncated: bool = False


def _bound_text(pages: list[Page], max_text: int) -> tuple[tuple[Page, ...], bool]:
    """The pages whose titles and texts together hold at most ``max_text`` characters: the page
    that crosses the bound is cut, the later ones dropped; and whether anything was cut."""
    kept: list[Page] = []
    left = max_text
    for page in pages:
        size = len(page.title) + len(page.text)
        if size <= left:
            kept.append(page)
            left -= size
            continue
        title = page.title[:left]
        kept.append(Page(page.number, title, page.text[: left - len(title)], page.rows))
        return tuple(kept), True
    return tuple(kept), False


# --- reading ----------------------------------------------------------------------------------

def _extract(rel: str, fmt: str, data: bytes, bounds: Limits) -> _Read:
    """The library's reading of the bytes; any failure of it is the file's (``AttachmentError``)."""
    from reviewer.files.formats import READERS  # the libraries load with the first file read

    try:
        return READERS[fmt](rel, data, bounds)
    except AttachmentError:
        raise
    except Exception as exc:
        raise _broken(rel, fmt) from exc


def read_attachment(base: Path, rel: str, bounds: Limits = Limits()) -> Extracted:
    """Read ``base/rel`` (see the module's docstring); ``AttachmentError`` for every refusal."""
    _check_rel(rel)
    claimed = _format_of_name(rel)
    path = safe_path(base, rel)
    data = _read_bounded(path, rel, bounds.max_bytes)
    actual = _format_of_content(rel, data, claimed, bounds)
    if actual != claimed:
        suffix = PurePosixPath(rel).suffix.lower()
        raise AttachmentError(rel, f"拡張子は {suffix} ですが、中身は {FORMAT_NAMES[actual]} です")
    read = _extract(rel, actual, data, bounds)
    if not gc.isenabled():  # batch commands run without the collector: the libraries' object
        gc.collect(0)       # graphs hold cycles, freed here while they are young and few
    pages, cut = _bound_text(read.pages, bounds.max_text)
    return Extracted(
        name=PurePosixPath(rel).name,
        format=actual,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=read.page_count,
        pages=pages,
        estimated=read.estimated,
        truncated=read.truncated or cut,
    )
