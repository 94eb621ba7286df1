"""Write real attachment files (SPEC §6.2) for a dozen sample applications.

For each application listed in ``CHOSEN`` the script reads its TOML file (tomllib) and writes
the documents its program requires, into ``sample_applications/<program>/<APP-ID>/<document>.<ext>``,
then adds (or replaces) the ``[[attachments]]`` entries at the end of the application file,
under the marker comment ``MARKER``. Everything in a file comes from the application itself
(title, applicant and consortium, sections, budget figures) or from its program's criteria
(document titles, model names); nothing factual is invented.

What it makes:

- 応募様式 (r5, r2-ai-plan) and 様式1 (r2-iot): a PowerPoint (or, for some r2-ai-plan samples, a
  Word file) with a title slide/page (title and applicant) and one slide/page per ``[[sections]]``
  entry; a long body goes over two slides, the second titled 「（続き）」.
- セキュリティチェックシート (r5): an Excel checklist of 13 items of the スマートシティセキュリティ
  ガイドライン (ガバナンス, サービス, 都市OS, アセット). An item is ○ where the application says
  something about it (the sentence is quoted in 備考), else △.
- ガバナンス確認資料 (r5 corporations): a Word file on the governance with the related municipalities.
- 補足資料 (one r5 sample): a 3-page PDF; 首長レター: a 1-page PDF (reportlab, HeiseiKakuGo-W5).
- 様式2 実施計画書, 様式3 実施体制説明書, 様式7 申請者概要説明書 (corporations): Word files;
  様式4 事業スケジュール: Excel, months as columns (the schedule phrases are quoted from the
  application, see ``SCHEDULES``); 様式5 資金計画書: Excel with the ``[budget]`` figures;
  様式6 事業概要イメージ図: a one-slide PowerPoint diagram.

The zip containers are written with fixed timestamps and PDFs in reportlab's invariant mode, so
running the script twice gives the same bytes (and the application files do not change).

Run from the project root:

    .venv/bin/python tools/make_sample_attachments.py           # write the files and the entries
    .venv/bin/python tools/make_sample_attachments.py --check   # only verify (exit 1 on a difference)

``--check`` verifies that every file exists, opens with its library again and holds the content
that would be generated (compared as extracted text and cells, not bytes), and that each
application file has the entries that would be written.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pptx
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt as DocxPt
from openpyxl.styles import Alignment, Font, PatternFill
from pptx.util import Inches, Pt
from pypdf import PdfReader

from reviewer.domain.regions import municipalities
from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_applications"
CRITERIA = ROOT / "criteria"
MARKER = "# 添付書類（tools/make_sample_attachments.py が生成。手で書き換えないこと）"
FIXED_TIME = datetime(2023, 1, 1)
PDF_FONT = "HeiseiKakuGo-W5"
#: The most characters of a section body on one slide before it goes over two.
SLIDE_LIMIT = 360

#: (program, application, {document: format}); the documents are those the program requires of
#: the applicant's type, plus the optional ones named here.
CHOSEN: list[tuple[str, str, dict[str, str]]] = [
    ("r5-smartcity-2", "SC-0001", {"応募様式": "pptx", "セキュリティチェックシート": "xlsx"}),
    ("r5-smartcity-2", "SC-0003", {"応募様式": "pptx", "セキュリティチェックシート": "xlsx"}),
    ("r5-smartcity-2", "SC-0007", {"応募様式": "pptx", "セキュリティチェックシート": "xlsx",
                                   "補足資料": "pdf", "首長レター": "pdf"}),
    ("r5-smartcity-2", "SC-0008", {"応募様式": "pptx", "セキュリティチェックシート": "xlsx"}),
    ("r5-smartcity-2", "SC-0009", {"応募様式": "pptx", "セキュリティチェックシート": "xlsx",
                                   "ガバナンス確認資料": "docx"}),
    *[("r2-iot", i, {"様式1": "pptx", "様式2": "docx", "様式3": "docx", "様式4": "xlsx", "様式5": "xlsx",
                     "様式6": "pptx"}) for i in ("IOT-0001", "IOT-0017", "IOT-0023")],
    ("r2-iot", "IOT-0007", {"様式1": "pptx", "様式2": "docx", "様式3": "docx", "様式4": "xlsx", "様式5": "xlsx",
                            "様式6": "pptx", "様式7": "docx"}),
    ("r2-ai-plan", "AIP-0001", {"応募様式": "docx"}),
    ("r2-ai-plan", "AIP-0003", {"応募様式": "docx"}),
    ("r2-ai-plan", "AIP-0007", {"応募様式": "pptx"}),
]

#: 様式4: (phrase quoted from the application's schedule, months (1-12) it takes). Every phrase
#: must appear verbatim in the application's sections (checked).
SCHEDULES: dict[str, list[tuple[str, list[int]]]] = {
    "IOT-0001": [("調達手続", [11]), ("センサー設置とGIS基盤構築", [12]), ("避難所受付機能の設定", [1]),
                 ("冬季夜間を想定した合同避難訓練で検証", [2]), ("運用を開始", [3])],
    "IOT-0007": [("事業者選定", [11]), ("区分設計と事業者説明会", [12]), ("参加企業100社で試行", [1]),
                 ("本運用を開始", [3])],
    "IOT-0017": [("交付決定", [11]), ("共同調達", [12]), ("FAQ整備と団体別設定", [12, 1]),
                 ("職員による試験運用", [2]), ("住民向けに本格公開", [3])],
    "IOT-0023": [("共同調達", [12]), ("給与支払報告書と児童手当関係から順次稼働", [1, 2]),
                 ("12業務すべてで運用を開始", [3])],
}

GOVERNANCE_LABELS = {"investment": "出資", "agreement": "包括連携協定", "consortium": "コンソーシアム組成"}

#: セキュリティチェックシート: (分類, 確認項目, keywords looked for in the application).
SECURITY_ITEMS: list[tuple[str, str, list[str]]] = [
    ("ガバナンス", "セキュリティ方針と推進体制（責任者・役割分担）を定めている", ["セキュリティ委員会", "セキュリティポリシー", "CISO"]),
    ("ガバナンス", "プライバシー影響評価（PIA）を実施している", ["PIA", "プライバシー影響評価"]),
    ("ガバナンス", "パーソナルデータの利用について本人の同意を取得・管理している", ["同意", "オプトイン"]),
    ("ガバナンス", "委託先・調達先を含むサプライチェーンリスクを管理している", ["サプライチェーン"]),
    ("サービス", "サービス利用者の認証とアクセス制御を行っている", ["認証"]),
    ("サービス", "利用目的の明示と提供データの範囲の管理を行っている", ["利用目的", "匿名", "仮名"]),
    ("サービス", "インシデント発生時の対応手順と連絡体制を定めている", ["インシデント", "CSIRT"]),
    ("都市OS", "第三者認証（ISMAP等）を受けたクラウドサービスを利用している", ["ISMAP"]),
    ("都市OS", "API・データ連携の通信の暗号化を行っている", ["暗号"]),
    ("都市OS", "公開APIの管理（利用者の登録・利用状況の把握）を行っている", ["API管理"]),
    ("都市OS", "脆弱性診断・ログの取得と監視を行っている", ["脆弱性", "ペネトレーション", "ログ"]),
    ("アセット", "IoT機器・端末の調達基準（IT調達に係る国の申合せ等）を定めている", ["申合せ", "機器", "端末"]),
    ("アセット", "機器のファームウェア更新・保守と物理的な保護を行っている", ["ファームウェア", "保守", "物理"]),
]


# ---------------------------------------------------------------------------
# The expected content of a file: what reading it back must give


@dataclass
class Doc:
    """One file to write: its format, its pages as lines of text (a slide: title first; a sheet:
    the sheet name then one tab-joined line per row), and how to render it."""

    fmt: str
    pages: list[list[str]]
    render: Callable[[], bytes]


@dataclass
class App:
    """An application as read from its TOML file, with its program's criteria."""

    program: str
    path: Path
    data: dict[str, Any]
    criteria: dict[str, Any]
    sentences: list[tuple[str, str]] = field(default_factory=list)  # (heading, sentence)

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def title(self) -> str:
        return str(self.data["title"])

    @property
    def applicant(self) -> dict[str, Any]:
        return dict(self.data["applicant"])

    @property
    def sections(self) -> list[dict[str, str]]:
        return list(self.data.get("sections", []))

    def doc_title(self, name: str) -> str:
        for d in self.criteria["eligibility"].get("required_documents", []):
            if d["name"] == name:
                return str(d["title"])
        return name

    def find(self, keywords: list[str]) -> tuple[str, str] | None:
        """The first (heading, sentence) of the application holding one of ``keywords``."""
        for word in keywords:
            for heading, sentence in self.sentences:
                if word in sentence:
                    return heading, sentence
        return None


def load_app(program: str, app_id: str) -> App:
    path = SAMPLES / program / f"{app_id}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    crit = tomllib.loads((CRITERIA / f"{program}.toml").read_text(encoding="utf-8"))
    app = App(program, path, data, crit)
    for s in app.sections:
        for para in paragraphs(s["body"]):
            app.sentences += [(s["heading"], x) for x in split_sentences(para)]
    return app


def paragraphs(body: str) -> list[str]:
    return [p.replace("\n", "").strip() for p in body.strip().split("\n\n") if p.strip()]


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=。)", text) if s.strip()]


def yen(n: int) -> str:
    return f"{n:,}円"


def members(app: App) -> list[dict[str, Any]]:
    return list(app.data.get("consortium", []))


def member_line(m: dict[str, Any]) -> str:
    code = f"（団体コード {m['lg_code']}）" if m.get("lg_code") else ""
    return f"{m['name']}（{APPLICANT_TYPE_LABELS[m['type']]}）{code}"


def model_label(app: App) -> str:
    """「要件A 分野別モデル1 G空間防災システム」 where the program has tracks."""
    for t in app.criteria.get("tracks", []):
        if t["id"] == app.data.get("track"):
            for m in t.get("models", []):
                if m["number"] == app.data.get("model"):
                    return f"{t['name']} 分野別モデル{m['number']} {m['name']}"
            return str(t["name"])
    return ""


def halves(parts: list[str]) -> int:
    """Where to cut ``parts`` so that both sides hold about half the characters (1..len-1)."""
    total, run = sum(map(len, parts)), 0
    for i, part in enumerate(parts[:-1]):
        run += len(part)
        if run >= total / 2:
            return i + 1
    return max(1, len(parts) - 1)


def split_body(body: str) -> list[list[str]]:
    """A section body as one or two slides' paragraphs (two where longer than SLIDE_LIMIT; a
    single paragraph is cut between sentences)."""
    paras = paragraphs(body)
    if sum(map(len, paras)) <= SLIDE_LIMIT:
        return [paras]
    if len(paras) == 1:
        sentences = split_sentences(paras[0])
        if len(sentences) < 2:
            return [paras]
        cut = halves(sentences)
        return [["".join(sentences[:cut])], ["".join(sentences[cut:])]]
    cut = halves(paras)
    return [paras[:cut], paras[cut:]]


# ---------------------------------------------------------------------------
# Rendering: zip containers with fixed timestamps and no thumbnail


def normalise_zip(data: bytes, word_pages: int | None = None, word: bool = False) -> bytes:
    """The same package with fixed timestamps, fixed core dates, no thumbnail image and, for
    Word, ``word_pages`` recorded in docProps/app.xml (None: no page count recorded, as the
    template's "1" would be wrong; a reader then estimates)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename.startswith("docProps/thumbnail"):
                continue
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), blob)
            if info.filename == "_rels/.rels":
                blob = re.sub(rb"<Relationship [^>]*thumbnail[^>]*/>", b"", blob)
            if info.filename == "[Content_Types].xml":
                blob = re.sub(rb'<Default Extension="jpeg"[^>]*/>', b"", blob)
            if info.filename == "docProps/app.xml" and word:
                pages = b"" if word_pages is None else b"<Pages>%d</Pages>" % word_pages
                blob = re.sub(rb"\s*<Pages>\d+</Pages>", pages, blob)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6]), blob,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def save(obj: Any, word_pages: int | None = None, word: bool = False) -> bytes:
    buf = io.BytesIO()
    obj.save(buf)
    return normalise_zip(buf.getvalue(), word_pages, word)


def set_core(props: Any, title: str, author: str) -> None:
    props.title = title
    props.author = author
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_modified_by = author


# ---------------------------------------------------------------------------
# PowerPoint


def pptx_doc(app: App, title: str, slides: list[list[str]], diagram: list[tuple[str, tuple[float, float, float, float]]] | None = None) -> Doc:
    """A PowerPoint whose first slide is a title slide (title, subtitle lines) and the others
    title-and-content slides; ``diagram`` (text, box in inches) makes a single diagram slide."""

    def render() -> bytes:
        prs = pptx.Presentation()
        set_core(prs.core_properties, title, app.applicant["name"])
        if diagram is not None:
            diagram_slide(prs, slides[0][0], diagram)
            return save(prs)
        first = prs.slides.add_slide(prs.slide_layouts[0])
        first.shapes.title.text = slides[0][0]
        first.placeholders[1].text = "\n".join(slides[0][1:])
        for lines in slides[1:]:
            s = prs.slides.add_slide(prs.slide_layouts[1])
            s.shapes.title.text = lines[0]
            s.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(26)
            body = s.placeholders[1].text_frame
            body.word_wrap = True
            for i, line in enumerate(lines[1:]):
                p = body.paragraphs[0] if i == 0 else body.add_paragraph()
                p.text = line
                p.runs[0].font.size = Pt(13)
        return save(prs)

    pages = slides if diagram is None else [[slides[0][0]] + [t for t, _ in diagram]]
    return Doc("pptx", pages, render)


def diagram_slide(prs: Any, title: str, boxes: list[tuple[str, tuple[float, float, float, float]]]) -> None:
    from pptx.enum.shapes import MSO_SHAPE

    s = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    s.shapes.title.text = title
    s.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(24)
    for text, (x, y, w, h) in boxes:
        shape = s.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
        tf = shape.text_frame
        tf.word_wrap = True
        tf.text = text
        for p in tf.paragraphs:
            for r in p.runs:
                r.font.size = Pt(12)


def narrative_slides(app: App, heading_prefix: str) -> list[list[str]]:
    a = app.applicant
    first = [app.title, f"{heading_prefix}", f"申請者: {a['name']}"]
    if members(app):
        first.append("連携団体: " + "、".join(m["name"] for m in members(app)))
    slides = [first]
    for s in app.sections:
        parts = split_body(s["body"])
        slides.append([s["heading"], *parts[0]])
        if len(parts) > 1:
            slides.append([f"{s['heading']}（続き）", *parts[1]])
    return slides


def narrative_pptx(app: App, doc: str) -> Doc:
    return pptx_doc(app, app.doc_title(doc), narrative_slides(app, app.doc_title(doc)))


def image_pptx(app: App, doc: str) -> Doc:
    """様式6: the applicant in the middle, the consortium around it, the model and the KPI."""
    boxes: list[tuple[str, tuple[float, float, float, float]]] = [
        (f"事業名\n{app.title}", (0.5, 1.4, 9.0, 1.0)),
        (f"実施団体\n{app.applicant['name']}", (0.5, 2.7, 3.6, 1.2)),
    ]
    for i, m in enumerate(members(app)[:5]):
        boxes.append((f"連携団体\n{m['name']}", (4.6 + (i % 2) * 2.5, 2.7 + (i // 2) * 0.9, 2.3, 0.8)))
    label = model_label(app)
    if label:
        boxes.append((f"導入する分野別モデル\n{label}", (0.5, 4.1, 3.6, 1.2)))
    kpi = app.find(["KPI"])
    if kpi:
        boxes.append((f"KPI\n{kpi[1]}", (0.5, 5.5, 9.0, 1.6)))
    return pptx_doc(app, app.doc_title(doc), [[app.doc_title(doc)]], diagram=boxes)


# ---------------------------------------------------------------------------
# Word


def docx_doc(app: App, title: str, pages: list[list[str | list[list[str]]]], fits: bool = False) -> Doc:
    """A Word file: each page a list of a heading and then paragraphs (str) or tables (rows);
    pages are separated by page breaks. Where each page's content ``fits`` on one page, the page
    count is recorded in docProps/app.xml; otherwise none is."""

    def render() -> bytes:
        d = docx.Document()
        set_core(d.core_properties, title, app.applicant["name"])
        normal = d.styles["Normal"]
        normal.font.size = DocxPt(10.5)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "游明朝")
        for n, page in enumerate(pages):
            if n:
                d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            d.add_heading(str(page[0]), level=1)
            for block in page[1:]:
                if isinstance(block, str):
                    if block:
                        d.add_paragraph(block)
                else:
                    table = d.add_table(rows=0, cols=len(block[0]))
                    table.style = "Table Grid"
                    for row in block:
                        cells = table.add_row().cells
                        for c, v in zip(cells, row):
                            c.text = v
        return save(d, len(pages) if fits else None, word=True)

    flat = [[line for b in page for line in (["\t".join(r) for r in b] if isinstance(b, list) else [b]) if line]
            for page in pages]
    return Doc("docx", flat, render)


def narrative_docx(app: App, doc: str) -> Doc:
    slides = narrative_slides(app, app.doc_title(doc))
    pages: list[list[str | list[list[str]]]] = [list(slides[0])]
    for s in app.sections:
        pages.append([s["heading"], *paragraphs(s["body"])])
    return docx_doc(app, app.doc_title(doc), pages, fits=True)


def overview_rows(app: App) -> list[list[str]]:
    b = app.data["budget"]
    rows = [["事業名", app.title], ["実施団体", app.applicant["name"]]]
    if model_label(app):
        rows.append(["要件・分野別モデル", model_label(app)])
    rows += [["事業費総額", yen(b["total_cost_yen"])], ["補助金申請額", yen(b["requested_subsidy_yen"])]]
    return rows


def plan_docx(app: App, doc: str) -> Doc:
    """様式2 実施計画書: the overview table, then the sections as numbered items."""
    page: list[str | list[list[str]]] = [app.doc_title(doc), overview_rows(app)]
    for i, s in enumerate(app.sections, 1):
        page.append(f"{i}．{s['heading']}")
        page.extend(paragraphs(s["body"]))
    return docx_doc(app, app.doc_title(doc), [page])


def structure_docx(app: App, doc: str) -> Doc:
    """様式3 実施体制説明書: the members and what the application says of its organisation."""
    a = app.applicant
    rows = [["役割", "名称", "種別", "団体コード"],
            ["実施団体", a["name"], APPLICANT_TYPE_LABELS[a["type"]], a.get("lg_code", "―")]]
    rows += [["連携団体", m["name"], APPLICANT_TYPE_LABELS[m["type"]], m.get("lg_code", "―")] for m in members(app)]
    said = [s for h, s in app.sentences if "体制" in h or any(w in s for w in ("体制", "協議会", "会議", "事務局"))]
    page: list[str | list[list[str]]] = [app.doc_title(doc), "1．構成団体", rows, "2．実施体制", *said]
    return docx_doc(app, app.doc_title(doc), [page])


def governance_rows(app: App) -> list[list[str]]:
    a = app.applicant
    names = municipalities()
    related = "、".join(f"{names[c].name}（{c}）" for c in a.get("related_lg_codes", []))
    return [["名称", a["name"]], ["種別", APPLICANT_TYPE_LABELS[a["type"]]], ["所在都道府県", a["prefecture"]],
            ["ガバナンスの形態", GOVERNANCE_LABELS.get(a.get("governance", ""), "―")],
            ["関連する地方公共団体", related or "―"]]


def applicant_docx(app: App, doc: str) -> Doc:
    """様式7 申請者概要説明書: the corporation, its governance and the application's own
    description of it (the first paragraph)."""
    first = paragraphs(app.sections[0]["body"])[0] if app.sections else ""
    page: list[str | list[list[str]]] = [app.doc_title(doc), "1．申請者の概要", governance_rows(app), "2．団体の概要", first]
    return docx_doc(app, app.doc_title(doc), [page])


def governance_docx(app: App, doc: str) -> Doc:
    """ガバナンス確認資料: the governance form and what the application says of it."""
    words = ("出資", "協定", "株主", "ガバナンス", "連携", "コンソーシアム")
    said = [s for _, s in app.sentences if any(w in s for w in words)]
    page: list[str | list[list[str]]] = [app.doc_title(doc), "1．実施団体と関連する地方公共団体",
                                         governance_rows(app), "2．ガバナンスの確立の状況", *said]
    return docx_doc(app, app.doc_title(doc), [page])


# ---------------------------------------------------------------------------
# Excel


def xlsx_doc(app: App, title: str, sheet: str, rows: list[list[Any]], header_row: int, widths: list[int]) -> Doc:
    """An Excel file of one sheet; ``header_row`` (1-based) is shown bold and shaded."""

    def render() -> bytes:
        wb = openpyxl.Workbook()
        wb.properties.title = title
        wb.properties.creator = app.applicant["name"]
        wb.properties.created = FIXED_TIME
        ws = wb.active
        ws.title = sheet
        for row in rows:
            ws.append(row)
        ws["A1"].font = Font(bold=True, size=13)
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for col, w in zip("ABCDEFGHIJKL", widths):
            ws.column_dimensions[col].width = w
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        for row in ws.iter_rows(min_row=header_row):
            lines = 1
            for cell, w in zip(row, widths):
                centre = cell.value == "■" or cell.value in ("○", "△", "×")
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if centre else None)
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                lines = max(lines, -(-2 * len(cell_text(cell.value)) // max(w - 1, 1)))  # a kanji is 2 wide
            ws.row_dimensions[row[0].row].height = 15 * lines
        return save(wb)

    lines = [sheet] + ["\t".join(cell_text(v) for v in r).rstrip("\t") for r in rows]
    return Doc("xlsx", [[x for x in lines if x]], render)


def cell_text(v: Any) -> str:
    return "" if v is None else str(v)


def head_block(app: App, title: str) -> list[list[Any]]:
    return [[title], ["事業名", app.title], ["応募団体" if app.program.startswith("r5") else "実施団体", app.applicant["name"]]]


def security_xlsx(app: App, doc: str) -> Doc:
    rows = head_block(app, app.doc_title(doc))
    rows += [["参照", "スマートシティセキュリティガイドライン（第2.0版）"], [],
             ["分類", "確認項目", "対応状況（○／△／×）", "備考"]]
    for category, item, words in SECURITY_ITEMS:
        hit = app.find(words)
        if hit:
            rows.append([category, item, "○", f"応募様式「{hit[0]}」: {hit[1]}"])
        else:
            rows.append([category, item, "△", "応募様式に具体的な記載なし。詳細は交付申請までに整理する。"])
    return xlsx_doc(app, app.doc_title(doc), "チェックシート", rows, 6, [12, 44, 14, 70])


def reiwa(app: App, month: int) -> str:
    year = int(app.criteria["fiscal_year"]) - 2018 + (1 if month <= 3 else 0)
    return f"令和{year}年{month}月"


def schedule_xlsx(app: App, doc: str) -> Doc:
    plan = SCHEDULES[app.id]
    text = "".join(s["body"].replace("\n", "") for s in app.sections)
    for phrase, _ in plan:
        if phrase not in text:
            raise SystemExit(f"{app.id}: 様式4 の「{phrase}」が申請書にありません")
    start = min(m if m >= 4 else m + 12 for _, ms in plan for m in ms)
    months = [((m - 1) % 12) + 1 for m in range(start, 16)]  # up to March
    rows = head_block(app, app.doc_title(doc)) + [[], ["実施項目", *[reiwa(app, m) for m in months]]]
    rows += [[phrase, *["■" if m in ms else None for m in months]] for phrase, ms in plan]
    return xlsx_doc(app, app.doc_title(doc), "事業スケジュール", rows, 5, [40] + [12] * len(months))


def budget_xlsx(app: App, doc: str) -> Doc:
    b = app.data["budget"]
    total, overhead, asked = b["total_cost_yen"], b.get("overhead_yen", 0), b["requested_subsidy_yen"]
    direct = total - overhead
    f = app.criteria["funding"]
    rows = head_block(app, app.doc_title(doc)) + [[], ["区分", "金額（円）", "備考"],
        ["直接経費", direct, ""],
        ["一般管理費", overhead, f"直接経費の{overhead / direct:.1%}（上限 直接経費の{f['overhead_max_ratio']}）"],
        ["事業費総額", total, "直接経費＋一般管理費"],
        ["補助金申請額", asked, f"事業費総額の{f['subsidy_rate']}以内（千円未満切捨て）"],
        ["自己負担額", total - asked, "事業費総額－補助金申請額"]]
    return xlsx_doc(app, app.doc_title(doc), "資金計画書", rows, 5, [18, 18, 56])


# ---------------------------------------------------------------------------
# PDF


def wrap(text: str, width: float, size: float) -> list[str]:
    from reportlab.pdfbase import pdfmetrics  # a test dependency: only the PDFs need it

    lines, line = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, PDF_FONT, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + ([line] if line else [])


def pdf_doc(app: App, title: str, pages: list[list[str]]) -> Doc:
    """An A4 PDF: each page a heading and paragraphs, wrapped to the width."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    size, margin = 10.5, 56
    width = A4[0] - 2 * margin
    laid = [[page[0]] + [ln for p in page[1:] for ln in wrap(p, width, size)] for page in pages]
    room = int((A4[1] - 2 * margin - 30) // (size * 1.7)) + 1
    if any(len(page) > room for page in laid):
        raise SystemExit(f"{app.id}: {title} does not fit on its pages")

    def render() -> bytes:
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=A4, invariant=1)
        c.setTitle(title)
        c.setAuthor(app.applicant["name"])
        for page in laid:
            y = A4[1] - margin
            c.setFont(PDF_FONT, 15)
            c.drawString(margin, y, page[0])
            y -= 30
            c.setFont(PDF_FONT, size)
            for line in page[1:]:
                c.drawString(margin, y, line)
                y -= size * 1.7
            c.showPage()
        c.save()
        return buf.getvalue()

    return Doc("pdf", laid, render)


def supplement_pdf(app: App, doc: str) -> Doc:
    b = app.data["budget"]
    p1 = ["補足資料1 事業の全体像", f"事業名: {app.title}", f"申請者: {app.applicant['name']}",
          "連携団体: " + "、".join(m["name"] for m in members(app)),
          f"事業費総額: {yen(b['total_cost_yen'])}（うち一般管理費 {yen(b.get('overhead_yen', 0))}）",
          f"補助金申請額: {yen(b['requested_subsidy_yen'])}",
          "構成: " + "／".join(s["heading"] for s in app.sections)]
    p2 = ["補足資料2 都市OS・サービスとKPI"] + [s for h, s in app.sentences if "都市OS" in h or "KPI" in s]
    p3 = ["補足資料3 推進体制と持続性"] + [s for h, s in app.sentences
                                        if ("体制" in h or "持続" in h) and s not in p2]
    return pdf_doc(app, "補足資料", [p1, p2, p3])


def mayor_letter_pdf(app: App, doc: str) -> Doc:
    a = app.applicant
    head = f"{a['name']}長"
    lead = app.find(["市長", "町長", "村長", "知事"])
    body = ["総務大臣　殿",
            f"{a['name']}は、{app.criteria['name']}に、"
            f"「{app.title}」をもって応募いたします。",
            "本事業は" + "、".join(m["name"] for m in members(app)) + "とともに実施するものです。"]
    if lead:
        body.append(f"本事業の推進体制は、応募様式に記載のとおりです（「{lead[1].rstrip('。')}」）。")
    body += ["本事業により実装する都市OS及びサービスを補助事業の完了後も継続して運用し、"
             "地域課題の解決と市民の Well-Being の向上に首長として責任をもって取り組みます。", head]
    return pdf_doc(app, "首長レター", [["首長レター", *body]])


BUILDERS: dict[tuple[str, str], Callable[[App, str], Doc]] = {
    ("応募様式", "pptx"): narrative_pptx, ("応募様式", "docx"): narrative_docx,
    ("様式1", "pptx"): narrative_pptx, ("様式2", "docx"): plan_docx, ("様式3", "docx"): structure_docx,
    ("様式4", "xlsx"): schedule_xlsx, ("様式5", "xlsx"): budget_xlsx, ("様式6", "pptx"): image_pptx,
    ("様式7", "docx"): applicant_docx, ("セキュリティチェックシート", "xlsx"): security_xlsx,
    ("ガバナンス確認資料", "docx"): governance_docx, ("補足資料", "pdf"): supplement_pdf,
    ("首長レター", "pdf"): mayor_letter_pdf,
}


# ---------------------------------------------------------------------------
# Reading back (--check)


def read_back(fmt: str, data: bytes) -> list[list[str]]:
    """The pages of a file as its library reads them, in the form of ``Doc.pages``."""
    buf = io.BytesIO(data)
    if fmt == "pptx":
        out = []
        for slide in pptx.Presentation(buf).slides:
            title = slide.shapes.title
            lines = [title.text_frame.text] if title is not None else []
            for shape in slide.shapes:
                if shape.has_text_frame and (title is None or shape.shape_id != title.shape_id):
                    lines += [p.text for p in shape.text_frame.paragraphs if p.text] if shape.is_placeholder else [shape.text_frame.text]
            out.append(lines)
        return out
    if fmt == "docx":
        return read_docx(buf)
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(buf)
        return [[ws.title] + [x for x in ("\t".join(cell_text(v) for v in r).rstrip("\t") for r in ws.iter_rows(values_only=True)) if x]
                for ws in wb.worksheets]
    return [[re.sub(r"\s+", "", p.extract_text() or "")] for p in PdfReader(buf).pages]


def read_docx(buf: io.BytesIO) -> list[list[str]]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(buf)
    pages: list[list[str]] = [[]]
    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            if child.findall(".//" + qn("w:br")) and any(b.get(qn("w:type")) == "page" for b in child.iter(qn("w:br"))):
                pages.append([])
            text = Paragraph(child, d).text
            if text:
                pages[-1].append(text)
        elif child.tag == qn("w:tbl"):
            pages[-1] += ["\t".join(c.text for c in row.cells) for row in Table(child, d).rows]
    return pages


def expected(doc: Doc) -> list[list[str]]:
    if doc.fmt == "pdf":
        return [[re.sub(r"\s+", "", "".join(page))] for page in doc.pages]
    return doc.pages


# ---------------------------------------------------------------------------
# The application file's [[attachments]]


def entries(files: list[tuple[str, str]]) -> str:
    lines = [MARKER]
    for document, rel in files:
        lines += ["", "[[attachments]]", f'document = "{document}"', f'path = "{rel}"']
    return "\n".join(lines) + "\n"


def with_entries(text: str, block: str) -> str:
    """The application text with its generated block replaced (or appended)."""
    head = text.split(MARKER)[0] if MARKER in text else text
    if "[[attachments]]" in head:
        raise SystemExit("[[attachments]] written by hand; not touching it")
    return head.rstrip("\n") + "\n\n" + block


def plan(program: str, app_id: str, wanted: dict[str, str],
         only: str | None = None) -> tuple[App, list[tuple[str, str, Doc]]]:
    app = load_app(program, app_id)
    required = [d["name"] for d in app.criteria["eligibility"].get("required_documents", [])
                if d.get("applicant_types") is None or app.applicant["type"] in d["applicant_types"]]
    missing = [d for d in required if d not in wanted]
    if missing:
        raise SystemExit(f"{app_id}: required documents not generated: {missing}")
    docs = [(name, f"{app_id}/{name}.{fmt}", BUILDERS[(name, fmt)](app, name)) for name, fmt in wanted.items()
            if only is None or fmt == only]
    return app, docs


def write_workbooks() -> int:
    """Only the Excel files, where missing or different: workbooks stay out of git, so a checkout
    (and the test session, see tests/conftest.py) makes them from the committed applications."""
    written = 0
    for program, app_id, wanted in CHOSEN:
        app, docs = plan(program, app_id, wanted, only="xlsx")
        for _, rel, doc in docs:
            target = app.path.parent / rel
            data = doc.render()
            if not target.exists() or target.read_bytes() != data:
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(data)
                written += 1
    return written


def run(check: bool) -> int:
    problems: list[str] = []
    total = 0
    for program, app_id, wanted in CHOSEN:
        app, docs = plan(program, app_id, wanted)
        base = app.path.parent
        for _, rel, doc in docs:
            target = base / rel
            if not check:
                target.parent.mkdir(exist_ok=True)
                data = doc.render()
                if not target.exists() or target.read_bytes() != data:
                    target.write_bytes(data)
            if not target.exists():
                problems.append(f"{rel}: missing")
                continue
            total += target.stat().st_size
            try:
                got = read_back(doc.fmt, target.read_bytes())
            except Exception as exc:  # any failure to open is a problem to report
                problems.append(f"{rel}: does not open ({exc})")
                continue
            if got != expected(doc):
                problems.append(f"{rel}: content differs from what would be generated")
        text = app.path.read_text(encoding="utf-8")
        new = with_entries(text, entries([(n, r) for n, r, _ in docs]))
        if new != text:
            if check:
                problems.append(f"{app.path.relative_to(ROOT)}: [[attachments]] differ from what would be written")
            else:
                tomllib.loads(new)
                app.path.write_text(new, encoding="utf-8")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{'checked' if check else 'wrote'} {sum(len(w) for *_, w in CHOSEN)} files for {len(CHOSEN)} applications,"
          f" {total:,} bytes; {len(problems)} problem(s)")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Write (or --check) the sample applications' attachment files.")
    parser.add_argument("--check", action="store_true", help="only verify the files and the [[attachments]] entries")
    parser.add_argument("--workbooks", action="store_true",
                        help="only write the Excel files (not in git), from the committed applications")
    args = parser.parse_args()
    if args.workbooks:
        print(f"wrote {write_workbooks()} Excel file(s)")
        return 0
    return run(args.check)


if __name__ == "__main__":
    sys.exit(main())
