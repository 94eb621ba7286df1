"""Submitted files through the whole tool (SPEC §6.2): the 提出書類 check reads the real files
(formats, page limits, 首長レター not counted, r2-iot's 様式7, the 10ＭＢ mail), init stores their
text, name, size, pages and SHA-256 and refuses a changed file unless told, a hostile file stops
init with nothing written, the evaluator reads them in the app (outline, search), the chair too,
and the workbook lists them. Every file is made at run time by its library (tests/filemaker.py)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import IOT_APP, SC_APP, doc, write
from filemaker import make_macro_pptx, make_pdf, make_pptx, make_xlsx

from reviewer.files.load import load_paths
from reviewer.rules.checks import run_checks
from reviewer.shipped import criteria_dir
from reviewer.workspace import DB_NAME, InitError, Workspace

SC = "r5-smartcity-2"
SLIDES = [("事業の概要", "前橋市の地域交通を都市OSで最適化する。"), ("実施体制", "市とバス事業者の協議会で運営する。"),
          ("KPI", "路線バスの利用者数を3年で1割増やす。")]
CHECKLIST = {"チェックシート": [["分類", "確認項目", "対応状況"], ["ガバナンス", "セキュリティ責任者の設置", "○"],
                                ["都市OS", "API の認証", "△"]]}
PANEL = {"evaluators": [
    {"id": "e01", "name": "山田 太郎", "programs": [SC], "os_user": "yamada"},
    {"id": "c01", "name": "松本 洋子", "role": "chair", "programs": [SC]},
]}


def sc_application(tmp: Path, aid: str = "T-0003", *, form: str = "応募様式.pptx", extra: list[tuple[str, str]] = (),
                   drop: str = "", **changes) -> Path:
    """An r5 application with its 応募様式 (PowerPoint) and checksheet (Excel) made in ``tmp/apps/aid/``."""
    folder = tmp / "apps" / aid
    folder.mkdir(parents=True, exist_ok=True)
    if form.endswith(".pptx"):
        make_pptx(folder / form, SLIDES)
    else:
        make_pdf(folder / form, [f"{t}\n{b}" for t, b in SLIDES])
    make_xlsx(folder / "セキュリティチェックシート.xlsx", CHECKLIST)
    attachments = [{"document": "応募様式", "path": f"{aid}/{form}"},
                   {"document": "セキュリティチェックシート", "path": f"{aid}/セキュリティチェックシート.xlsx"}]
    attachments += [{"document": d, "path": f"{aid}/{name}"} for d, name in extra]
    attachments = [a for a in attachments if a["document"] != drop]
    data = doc(SC_APP, id=aid, attachments=attachments, **changes)
    if "declarations__documents" not in changes:
        data["declarations"].pop("documents", None)
    return write(tmp, f"apps/{aid}.toml", data)


def bundle_of(tmp: Path):
    return load_paths([criteria_dir(), tmp / "apps"], only={"criteria", "application"})


def documents_check(tmp: Path, aid: str = "T-0003"):
    b = bundle_of(tmp)
    assert b.problems == [], "\n".join(map(str, b.problems))
    app = b.application(SC, aid)
    return next(r for r in run_checks(app, b.programs[SC]) if r.code == "documents")


# -- the check, from the real files -------------------------------------------------------------

def test_the_files_as_the_seed_asks_pass(tmp_path):
    sc_application(tmp_path)
    r = documents_check(tmp_path)
    assert r.passed and "添付 2 件" in r.message


def test_a_form_in_the_wrong_format_fails_naming_the_file(tmp_path):
    sc_application(tmp_path, form="応募様式.pdf")
    r = documents_check(tmp_path)
    assert not r.passed
    assert "応募様式（T-0003/応募様式.pdf）は PDF のファイルですが、PowerPoint（.pptx） で提出する書類です" in r.message


def test_a_missing_required_document_fails(tmp_path):
    sc_application(tmp_path, drop="セキュリティチェックシート")     # only the 応募様式 attached
    r = documents_check(tmp_path)
    assert not r.passed and "セキュリティチェックシートが添付されていません" in r.message


def test_supplementary_pages_count_without_the_mayors_letter(tmp_path):
    folder = tmp_path / "apps" / "T-0003"
    folder.mkdir(parents=True)
    make_pdf(folder / "補足資料.pdf", [f"補足 {i}" for i in range(1, 9)])         # 8 pages
    make_pdf(folder / "首長レター.pdf", ["市長からのレター", "二枚目", "三枚目"])   # 3, not counted
    sc_application(tmp_path, extra=[("補足資料", "補足資料.pdf"), ("首長レター", "首長レター.pdf")])
    assert documents_check(tmp_path).passed                    # 8 ≤ 10 though 11 pages in all
    make_pdf(folder / "補足資料2.pdf", ["追加 1", "追加 2", "追加 3"])
    sc_application(tmp_path, extra=[("補足資料", "補足資料.pdf"), ("首長レター", "首長レター.pdf"),
                                    ("補足資料", "補足資料2.pdf")])
    r = documents_check(tmp_path)
    assert not r.passed
    assert "補足資料が計 11 ページで、10 ページ以内の定めを超えています" in r.message
    assert "T-0003/補足資料.pdf 8 ページ" in r.message and "首長レター.pdf" not in r.message


def test_declared_documents_must_agree_with_the_files(tmp_path):
    sc_application(tmp_path, declarations__documents=["応募様式"])
    r = documents_check(tmp_path)
    assert not r.passed and "食い違っています: セキュリティチェックシート" in r.message


def test_r2_iot_corporation_needs_form_7_as_a_file(tmp_path):
    folder = tmp_path / "apps" / "T-0001"
    folder.mkdir(parents=True)
    attachments = []
    for i in range(1, 7):
        make_pdf(folder / f"様式{i}.pdf", [f"様式{i}"])
        attachments.append({"document": f"様式{i}", "path": f"T-0001/様式{i}.pdf"})
    corp = {"name": "株式会社テスト", "type": "corporation", "prefecture": "北海道"}
    data = doc(IOT_APP, applicant=corp, attachments=attachments)
    data["declarations"].pop("documents")
    write(tmp_path, "apps/T-0001.toml", data)
    b = bundle_of(tmp_path)
    assert b.problems == []
    r = next(r for r in run_checks(b.application("r2-iot", "T-0001"), b.programs["r2-iot"]) if r.code == "documents")
    assert not r.passed and r.message == "様式7が添付されていません"


def test_an_attachment_must_name_a_document_of_the_program(tmp_path):
    sc_application(tmp_path, extra=[("企画書", "応募様式.pptx")])
    b = bundle_of(tmp_path)
    assert any(p.field == "attachments[2].document" and "書類名ではありません（企画書）" in p.message
               for p in b.problems)


@pytest.mark.parametrize("path, words", [("../T-0003/応募様式.pptx", "「..」"), ("/etc/passwd", "相対パス")])
def test_a_path_out_of_the_folder_is_refused_when_read(tmp_path, path, words):
    sc_application(tmp_path)
    p = tmp_path / "apps" / "T-0003.toml"
    text = p.read_text("utf-8")
    assert '"T-0003/応募様式.pptx"' in text
    p.write_text(text.replace('"T-0003/応募様式.pptx"', f'"{path}"'), "utf-8")
    b = bundle_of(tmp_path)
    assert any(words in p.message and p.field.startswith("attachments") for p in b.problems), b.problems


# -- init: stored, changed, hostile -------------------------------------------------------------

def inputs(tmp: Path) -> tuple[Path, Path, Path]:
    crit = tmp / "criteria"
    crit.mkdir(exist_ok=True)
    shutil.copy(criteria_dir() / f"{SC}.toml", crit)
    return crit, tmp / "apps", write(tmp, "panel.toml", PANEL)


def test_init_stores_each_file_with_its_text_pages_and_hash(tmp_path):
    from reviewer.services.setup import init_workspace

    sc_application(tmp_path)
    init_workspace(tmp_path / "ws", *inputs(tmp_path))
    form = tmp_path / "apps" / "T-0003" / "応募様式.pptx"
    with Workspace.open(tmp_path / "ws") as ws:
        stored = ws.attachments(SC, "T-0003", pages=True)
        app = ws.application(SC, "T-0003")
    assert [(a.document, a.name, a.format) for a in stored] == [
        ("応募様式", "応募様式.pptx", "pptx"), ("セキュリティチェックシート", "セキュリティチェックシート.xlsx", "xlsx")]
    pptx = stored[0]
    assert pptx.size == form.stat().st_size and pptx.sha256 == hashlib.sha256(form.read_bytes()).hexdigest()
    assert pptx.page_count == 3 and [p.title for p in pptx.pages] == [t for t, _ in SLIDES]
    assert "都市OS" in pptx.pages[0].text
    assert stored[1].pages[0].rows[1] == ("ガバナンス", "セキュリティ責任者の設置", "○")
    assert app is not None and app.attachments[0].file is not None and app.attachments[0].file.pages == 3


def test_reinit_with_a_changed_file_is_refused_unless_told(tmp_path):
    from reviewer.services.setup import init_workspace

    sc_application(tmp_path)
    crit, apps, panel = inputs(tmp_path)
    init_workspace(tmp_path / "ws", crit, apps, panel)
    assert init_workspace(tmp_path / "ws", crit, apps, panel).applications_unchanged == 1
    make_pptx(apps / "T-0003" / "応募様式.pptx", [*SLIDES, ("追加", "差し替えたスライド")])
    with pytest.raises(InitError) as e:
        init_workspace(tmp_path / "ws", crit, apps, panel)
    assert "添付ファイルを含め" in str(e.value) and "--update-applications" in str(e.value)
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.attachments(SC, "T-0003")[0].page_count == 3          # unchanged
    report = init_workspace(tmp_path / "ws", crit, apps, panel, update_applications=True)
    assert report.applications_changed == 1
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.attachments(SC, "T-0003", pages=True)[0].pages[-1].title == "追加"


def test_a_hostile_file_stops_init_with_nothing_written(tmp_path):
    from wsutil import run

    sc_application(tmp_path)
    make_macro_pptx(tmp_path / "apps" / "T-0003" / "応募様式.pptx")
    crit, apps, panel = inputs(tmp_path)
    done = run("init", "--workspace", str(tmp_path / "ws"), "--criteria", str(crit), "--applications", str(apps),
               "--panel", str(panel))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "T-0003.toml" in done.stderr and "応募様式.pptx" in done.stderr and "マクロ" in done.stderr
    assert not (tmp_path / "ws" / DB_NAME).exists()


# -- the workbook ---------------------------------------------------------------------------------

def test_the_workbook_lists_every_file_with_its_hash(tmp_path):
    from reviewer.services.results import export_workbook
    from reviewer.services.setup import init_workspace

    sc_application(tmp_path)
    sc_application(tmp_path, "T-0004", applicant__name="高崎市", applicant__lg_code="102024")
    init_workspace(tmp_path / "ws", *inputs(tmp_path))
    out = tmp_path / "book.xlsx"
    with Workspace.open(tmp_path / "ws") as ws:
        export_workbook(ws, SC, out, actor="t")
    sh = openpyxl.load_workbook(out)["提出書類"]
    rows = [[c.value for c in r] for r in sh.iter_rows(min_row=1)]
    header = next(i for i, r in enumerate(rows) if r[:2] == ["申請ID", "申請者"])
    body = [r for r in rows[header + 1:] if r[0]]
    assert len(body) == 4 and {r[0] for r in body} == {"T-0003", "T-0004"}
    form = tmp_path / "apps" / "T-0003" / "応募様式.pptx"
    row = next(r for r in body if r[0] == "T-0003" and r[2] == "応募様式")
    assert row[3] == "応募様式.pptx" and row[5] == "スライド 3 枚"
    assert row[6] == form.stat().st_size and isinstance(row[6], int)
    assert row[7] == hashlib.sha256(form.read_bytes()).hexdigest()


# -- reading them in the app ----------------------------------------------------------------------

@pytest.fixture
def attached_ws(tmp_path) -> Path:
    from reviewer.services.setup import init_workspace

    sc_application(tmp_path)
    init_workspace(tmp_path / "ws", *inputs(tmp_path))
    return tmp_path / "ws"


@pytest.mark.asyncio
async def test_the_evaluator_reads_the_files_slide_by_slide_and_searches_them(attached_ws):
    from tuiutil import open_listed

    from reviewer.tui.app import ReviewerApp
    from reviewer.tui.widgets.reader import Reader

    app = ReviewerApp(attached_ws, "e01")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_listed(pilot, f"{SC}/T-0003")
        reader = screen.query_one(Reader)
        headings = [text for _, text in reader.headings()]
        outline = [h for h in headings if h.startswith("応募様式.pptx スライド")]
        assert outline == [f"応募様式.pptx スライド {i}/3  {t}" for i, (t, _) in enumerate(SLIDES, 1)]
        assert "セキュリティチェックシート.xlsx シート 1/1  チェックシート" in headings
        text = "\n".join(reader.text_lines())
        form = attached_ws.parent / "apps" / "T-0003" / "応募様式.pptx"
        assert hashlib.sha256(form.read_bytes()).hexdigest() in "".join(line.strip() for line in reader.text_lines())
        assert "スライド 3 枚" in text
        table_line = next(line for line in reader.text_lines() if "セキュリティ責任者の設置" in line)
        assert table_line.split() == ["ガバナンス", "セキュリティ責任者の設置", "○"]
        await pilot.press("f5")                                   # the outline: jump to slide 3
        await pilot.pause()
        index = headings.index(outline[2])
        await pilot.press(*["down"] * index, "enter")
        await pilot.pause()
        top = reader.scroll_offset.y                              # the last slide: in view (the end may hold it lower)
        assert outline[2] in reader.text_lines()[top:top + reader.size.height] and top > 0
        await pilot.press("slash", *"API の認証", "enter")       # search reaches the checksheet
        await pilot.pause()
        assert reader.hit_count == 1


@pytest.mark.asyncio
async def test_the_chair_reads_them_from_the_application_detail(attached_ws):
    from tuiutil import settle

    from reviewer.tui.app import ReviewerApp
    from reviewer.tui.screens.sheet_detail import ApplicationText
    from reviewer.tui.widgets.reader import Reader

    app = ReviewerApp(attached_ws, "c01")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "enter")
        await pilot.pause()
        detail = str(app.screen.query_one("#detail").render()) if app.screen.query("#detail") else ""
        assert "添付書類（2 件" in detail and "応募様式.pptx" in detail, detail[-400:]
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationText)
        lines = app.screen.query_one(Reader).text_lines()
        assert any("添付書類（2 件）" in line for line in lines)
        assert any("前橋市の地域交通を都市OSで最適化する。" in line for line in lines)
        reader = app.screen.query_one(Reader)
        heads = [text for _, text in reader.headings()]
        start = heads.index("応募様式.pptx スライド 1/3  事業の概要")
        await pilot.press("n")                                   # a key a heading
        await pilot.pause()
        assert reader.text_lines()[reader.scroll_offset.y] == heads[0]
        await pilot.press(*["n"] * start)                        # to the first slide: in view
        await pilot.pause()
        top = reader.scroll_offset.y
        assert heads[start] in reader.text_lines()[top:top + reader.size.height] and top > 0
        await pilot.press(*["p"] * start)                        # and back, through every heading
        await pilot.pause()
        assert reader.text_lines()[reader.scroll_offset.y] == heads[0]


# -- untrusted text ---------------------------------------------------------------------------------

HOSTILE = "[bold red]偽の表示[/bold red] \x1b[2J\x1b[31m消去\x07 =HYPERLINK(\"http://x\")"


@pytest.mark.asyncio
async def test_text_and_names_inside_the_files_are_data_in_the_app_and_the_workbook(tmp_path):
    from tuiutil import open_listed

    from reviewer.services.results import export_workbook
    from reviewer.services.setup import init_workspace
    from reviewer.tui.app import ReviewerApp
    from reviewer.tui.widgets.reader import Reader

    folder = tmp_path / "apps" / "T-0003"
    folder.mkdir(parents=True)
    make_pdf(folder / "=cmd.pdf", ["補足"])
    sc_application(tmp_path, extra=[("補足資料", "=cmd.pdf")])
    make_pptx(folder / "応募様式.pptx", [("[link=http://x]題[/link]", HOSTILE)])
    init_workspace(tmp_path / "ws", *inputs(tmp_path))
    app = ReviewerApp(tmp_path / "ws", "e01")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_listed(pilot, f"{SC}/T-0003")
        lines = screen.query_one(Reader).text_lines()
        assert any("[bold red]偽の表示[/bold red]" in line for line in lines)     # markup shown as written
        assert "応募様式.pptx スライド 1/1  [link=http://x]題[/link]" in [t for _, t in screen.query_one(Reader).headings()]
        assert not any("\x1b" in line or "\x07" in line for line in lines)      # no control character reaches the screen
    out = tmp_path / "book.xlsx"
    with Workspace.open(tmp_path / "ws") as ws:
        export_workbook(ws, SC, out, actor="t")
    sh = openpyxl.load_workbook(out)["提出書類"]
    cell = next(c for row in sh.iter_rows() for c in row if c.value == "=cmd.pdf")
    assert cell.data_type == "s"                                                  # a string, never a formula
