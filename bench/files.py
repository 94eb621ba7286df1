#!/usr/bin/env python3
"""Benchmark of issue 18 point 7: intake and init of N applications with three attachments each.

    .venv/bin/python bench/files.py                       # 2,000 applications, 6,000 files
    .venv/bin/python bench/files.py --apps 200 --output /tmp/files-200.json

"intake and init of 2,000 applications with three attachments each (synthetic, a few pages
each) within 3x the time the bare libraries take to open and read the same files (one run)".

For program r5-smartcity-2 the benchmark writes, for each application, a real PowerPoint
(応募様式: 4-6 slides, a title and 3-5 lines each), an Excel checklist (セキュリティチェックシート:
one sheet of 15 rows x 4 columns) and a PDF (補足資料: 2-3 pages of Japanese text, reportlab's
HeiseiKakuGo-W5), all with text that differs from application to application, and the office's
list (xlsx) of real municipalities. It then times three children, each started through
bench/run.py's launcher (wall time with the interpreter's start and imports; ru_maxrss of that
child alone):

1. ``reviewer intake --program r5-smartcity-2 --list LIST --files FILES --output OUT``
2. ``reviewer init --workspace WS --criteria criteria --applications OUT --panel PANEL``
3. the baseline: a Python child that opens and reads the same 3N files once with the bare
   libraries (python-pptx: every shape's text frame; openpyxl read-only: every cell value;
   pypdf: every page's extract_text) and hashes each file's bytes with SHA-256.

ratio = (intake_s + init_s) / baseline_s, target <= 3. The workspace is checked afterwards: N
applications, 3N attachments, the page counts written, and the SHA-256 of every attachment equal
to the baseline's. See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as benchrun  # noqa: E402  (bench/run.py: the launcher, run_child, TREE, PYCACHE)

PROGRAM = "r5-smartcity-2"
TARGET_RATIO = 3.0
PDF_FONT = "HeiseiKakuGo-W5"
#: The documents each application submits: (file name, format).
DOCUMENTS = (("応募様式.pptx", "pptx"), ("セキュリティチェックシート.xlsx", "xlsx"), ("補足資料.pdf", "pdf"))
HEADERS = ("申請ID", "件名", "申請者", "種別", "団体コード", "都道府県", "要件", "分野別モデル", "事業費総額", "一般管理費",
           "補助金申請額", "実施地域の都道府県", "マイナンバーカード交付率", "過去の支援年度", "計画策定の意向", "研修会への参加")
#: 種別 as the office writes it, by type code.
TYPE_JA = {"city": "市", "core_city": "中核市", "town": "町", "village": "村"}

# ---------------------------------------------------------------------------
# synthetic text (varied per application by a seeded RNG)

SLIDE_HEADINGS = ("事業概要と都市OSの構成", "地域課題とKPI", "推進体制とスケジュール", "セキュリティ・プライバシー",
                  "持続性・横展開", "データ連携と相互運用性", "市民参加と利用者中心の設計", "資金計画と費用対効果")
SUBJECTS = ("デマンド交通", "見守りサービス", "防災情報の配信", "健康ポイント", "子育て手続き", "観光案内", "公共施設の予約",
            "地域通貨", "除雪車の運行管理", "河川水位の監視", "農作物の生育管理", "ごみ収集の最適化", "図書館の電子化")
ACTIONS = ("都市OSに接続する", "オープンAPIとして公開する", "クラウド上で構築する", "近隣市町村と共同利用する",
           "パーソナルデータストアと連携する", "標準データモデルに準拠させる", "市民ワークショップで検証する",
           "民間事業者と協定を結んで運用する", "ビルディングブロックとして独立させる")
EFFECTS = ("利用者数を年間{n}人に増やす", "手続きの時間を{p}割短縮する", "運用費の{p}割を利用料で賄う",
           "対象地域の{p}割の世帯に届ける", "職員の作業を年間{n}時間減らす", "令和{y}年度までに{k}市町へ横展開する")
CHECK_AREAS = ("ガバナンス", "サービス", "都市OS", "アセット")
CHECK_ITEMS = ("責任者と体制を定めている", "リスク評価を実施している", "インシデント対応の手順がある", "委託先を管理している",
               "利用者の同意を管理している", "アクセス権限を管理している", "通信を暗号化している", "ログを保管している",
               "脆弱性診断を実施している", "バックアップを取得している", "API の認証を行っている", "機器の調達基準がある",
               "ファームウェアを更新している", "物理的な保護を行っている", "サプライチェーンリスクを確認している",
               "職員研修を実施している", "個人情報の取扱いを点検している")


def sentence(rng: random.Random, town: str) -> str:
    effect = rng.choice(EFFECTS).format(n=rng.randrange(1_000, 90_000), p=rng.randrange(1, 9), y=rng.randrange(6, 11),
                                        k=rng.randrange(2, 9))
    return f"{town}は{rng.choice(SUBJECTS)}を{rng.choice(ACTIONS)}ことで、{effect}。"


# ---------------------------------------------------------------------------
# the applications (real municipalities, valid rows)


def applications(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` applications of real cities, towns and villages (their codes, prefectures and types)."""
    from reviewer.domain import regions
    from reviewer.synth import CORE_CITIES

    pool = []
    for code, m in sorted(regions.municipalities().items()):
        if regions.is_prefecture_code(code) or code in regions.DESIGNATED_CITIES or regions.is_special_ward_code(code):
            continue
        kind = next((k for suffix, k in (("市", "city"), ("町", "town"), ("村", "village")) if m.name.endswith(suffix)), None)
        if kind == "city" and m.name in CORE_CITIES:
            kind = "core_city"
        if kind:
            pool.append((m, kind))
    rng = random.Random(seed)
    rng.shuffle(pool)
    out = []
    for i in range(n):
        m, kind = pool[i % len(pool)]
        total = rng.randrange(600, 30_000) * 10_000
        overhead = int(total * rng.uniform(0.02, 0.09)) // 1_000 * 1_000
        out.append({
            "id": f"SC-{i + 1:05d}", "index": i, "seed": seed * 1_000_003 + i,
            "title": f"{m.name}における{rng.choice(SUBJECTS)}と{rng.choice(SUBJECTS)}のデータ連携による地域課題解決事業",
            "applicant": m.name, "type": kind, "type_ja": TYPE_JA[kind], "lg_code": m.code,
            "prefecture": m.prefecture, "total": total, "overhead": overhead, "requested": total // 2 // 1_000 * 1_000,
            "rate": round(rng.uniform(0.45, 0.92), 3),
            "slides": rng.randint(4, 6), "pdf_pages": rng.randint(2, 3),
        })
    return out


def write_list(path: Path, apps: list[dict[str, Any]]) -> None:
    """The office's list: one sheet, the header row, one row per application."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("申請一覧")
    sheet.append(list(HEADERS))
    for a in apps:
        sheet.append([a["id"], a["title"], a["applicant"], a["type_ja"], a["lg_code"], a["prefecture"], None, None,
                      a["total"], a["overhead"], a["requested"], None, a["rate"], None, None, None])
    book.save(path)


def write_panel(path: Path) -> None:
    """Five evaluators of the program and a chair (no assignments: each evaluates every application)."""
    names = ("山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "伊藤 健")
    lines = ["# 評価者名簿（bench/files.py が生成）"]
    for i, name in enumerate(names, start=1):
        lines += ["", "[[evaluators]]", f'id = "e{i:02d}"', f'name = "{name}"', 'affiliation = "ベンチマーク大学"',
                  'role = "evaluator"', f'programs = ["{PROGRAM}"]']
    lines += ["", "[[evaluators]]", 'id = "chair"', 'name = "松本 洋子"', 'affiliation = "ベンチマーク大学"',
              'role = "chair"', f'programs = ["{PROGRAM}"]']
    path.write_text("\n".join(lines) + "\n", "utf-8")


# ---------------------------------------------------------------------------
# the files (each written by its library from the application's own text)


def write_pptx(path: Path, a: dict[str, Any], rng: random.Random) -> None:
    import pptx

    prs = pptx.Presentation()
    layout = prs.slide_layouts[1]  # title and content
    headings = rng.sample(SLIDE_HEADINGS, a["slides"])
    for number, heading in enumerate(headings, start=1):
        slide = prs.slides.add_slide(layout)
        slide.shapes.title.text = a["title"] if number == 1 else heading
        body = slide.placeholders[1].text_frame
        lines = [sentence(rng, a["applicant"]) for _ in range(rng.randint(3, 5))]
        if number == 1:
            lines[0] = f"{a['prefecture']}{a['applicant']}（{a['id']}）: {heading}"
        body.text = lines[0]
        for line in lines[1:]:
            body.add_paragraph().text = line
    prs.save(path)


def write_xlsx(path: Path, a: dict[str, Any], rng: random.Random) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "チェックシート"
    sheet.append(["番号", "区分", "項目", "対応状況"])
    for i, item in enumerate(rng.sample(CHECK_ITEMS, 14), start=1):
        state = rng.choice(("○", "○", "○", "△", "×"))
        sheet.append([i, rng.choice(CHECK_AREAS), f"{a['applicant']}は{item}", state])
    book.save(path)


_FONT_READY = False


def write_pdf(path: Path, a: dict[str, Any], rng: random.Random) -> None:
    global _FONT_READY
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if not _FONT_READY:
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
        _FONT_READY = True
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for page in range(1, a["pdf_pages"] + 1):
        c.setFont(PDF_FONT, 14)
        c.drawString(50, height - 60, f"補足資料 {page}: {a['applicant']} {rng.choice(SLIDE_HEADINGS)}")
        c.setFont(PDF_FONT, 10)
        y = height - 100
        for _ in range(rng.randint(14, 20)):
            line = sentence(rng, a["applicant"])
            c.drawString(50, y, line[:48])
            if len(line) > 48:
                y -= 16
                c.drawString(62, y, line[48:])
            y -= 20
        c.showPage()
    c.save()


WRITERS = {"pptx": write_pptx, "xlsx": write_xlsx, "pdf": write_pdf}


def write_files(job: tuple[str, list[dict[str, Any]]]) -> dict[str, float]:
    """Write the three files of each application into ``FILES/<ID>/``: seconds per format."""
    files, apps = job
    spent = dict.fromkeys(WRITERS, 0.0)
    for a in apps:
        folder = Path(files) / a["id"]
        folder.mkdir(parents=True, exist_ok=True)
        rng = random.Random(a["seed"])
        for name, fmt in DOCUMENTS:
            t = time.perf_counter()
            WRITERS[fmt](folder / name, a, rng)
            spent[fmt] += time.perf_counter() - t
    return spent


def build_files(files: Path, apps: list[dict[str, Any]], jobs: int) -> dict[str, float]:
    """All the files, in ``jobs`` worker processes: CPU seconds per format (summed over workers)."""
    chunks = [apps[i::jobs * 8] for i in range(jobs * 8)] if jobs > 1 else [apps]
    if jobs > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(write_files, [(str(files), c) for c in chunks if c])
    else:
        parts = [write_files((str(files), apps))]
    return {fmt: sum(p[fmt] for p in parts) for fmt in WRITERS}


# ---------------------------------------------------------------------------
# the baseline (a child: `python -c BASELINE LISTFILE DIGESTS`)

BASELINE = r"""
import hashlib, json, sys
from pptx import Presentation
from openpyxl import load_workbook
from pypdf import PdfReader

paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
digests, chars = {}, 0
for p in paths:
    with open(p, "rb") as f:
        digests[p] = hashlib.sha256(f.read()).hexdigest()
    if p.endswith(".pptx"):
        for slide in Presentation(p).slides:
            for shape in slide.shapes:
                if shape.has_text_frame:
                    chars += len(shape.text_frame.text)
    elif p.endswith(".xlsx"):
        book = load_workbook(p, read_only=True, data_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    if value is not None:
                        chars += len(str(value))
        book.close()
    elif p.endswith(".pdf"):
        for page in PdfReader(p).pages:
            chars += len(page.extract_text() or "")
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump({"chars": chars, "sha256": digests}, f)
"""


# ---------------------------------------------------------------------------
# the run


def snapshot_tree(src: Path, dest: Path) -> str:
    """Copy the reviewer package and the shipped criteria (without bytecode) to ``dest``; their
    content hash (as bench/load.py does: the children run the code as it was when the run began)."""
    for part in ("reviewer", "criteria"):  # the shipped criteria sit beside the package (reviewer/shipped.py)
        shutil.copytree(src / part, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    h = hashlib.sha256()
    for f in sorted(p for part in ("reviewer", "criteria") for p in (dest / part).rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(dest)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def reviewer(*args: str, timeout: float = 7200) -> benchrun.Child:
    return benchrun.reviewer(*args, timeout=timeout)


def intake_and_init(work: Path, name: str, list_path: Path, files: Path, panel: Path) -> tuple[benchrun.Child, benchrun.Child, Path, Path]:
    out, ws = work / f"{name}-applications", work / f"{name}-workspace"
    intake = reviewer("intake", "--program", PROGRAM, "--list", str(list_path), "--files", str(files),
                      "--output", str(out)).check(f"{name}: reviewer intake")
    init = reviewer("init", "--workspace", str(ws), "--criteria", str(benchrun.TREE / "criteria"),
                    "--applications", str(out), "--panel", str(panel)).check(f"{name}: reviewer init")
    return intake, init, out, ws


def baseline(work: Path, name: str, paths: list[Path]) -> tuple[benchrun.Child, dict[str, Any]]:
    listing, digests = work / f"{name}-baseline-files.txt", work / f"{name}-baseline-out.json"
    listing.write_text("\n".join(str(p) for p in paths) + "\n", "utf-8")
    child = benchrun.run_child([sys.executable, "-c", BASELINE, str(listing), str(digests)], timeout=7200)
    child.check(f"{name}: baseline")
    return child, json.loads(digests.read_text("utf-8"))


def checks(ws: Path, out: Path, apps: list[dict[str, Any]], files: Path, digests: dict[str, str]) -> dict[str, Any]:
    """What init stored, against what was generated and what the baseline hashed."""
    from reviewer.workspace import DB_NAME

    n = len(apps)
    with sqlite3.connect(f"file:{ws / DB_NAME}?mode=ro", uri=True) as db:
        stored_apps = db.execute("SELECT count(*) FROM applications WHERE program = ?", (PROGRAM,)).fetchone()[0]
        rows = db.execute("SELECT application, path, format, page_count, sha256 FROM attachments WHERE program = ?",
                          (PROGRAM,)).fetchall()
    expected_pages = {"pptx": sum(a["slides"] for a in apps), "xlsx": n, "pdf": sum(a["pdf_pages"] for a in apps)}
    pages = {fmt: sum(r[3] for r in rows if r[2] == fmt) for fmt in WRITERS}
    wrong_hash = sum(1 for r in rows if digests.get(str(files / r[1])) != r[4])
    result = {
        "applications_stored": stored_apps,
        "attachments_stored": len(rows),
        "attachments_by_format": {fmt: sum(1 for r in rows if r[2] == fmt) for fmt in WRITERS},
        "pages_stored": pages, "pages_expected": expected_pages,
        "sha256_mismatches": wrong_hash,
        "intake_application_files": len(list(out.glob("*.toml"))),
        "intake_copied_files": sum(1 for p in out.glob("*/*") if p.is_file()),
    }
    result["ok"] = (stored_apps == n and len(rows) == 3 * n and pages == expected_pages and wrong_hash == 0
                    and result["intake_application_files"] == n and result["intake_copied_files"] == 3 * n)
    return result


def bench(n: int, seed: int, jobs: int, work: Path, log) -> dict[str, Any]:
    fig: dict[str, Any] = {}
    files, list_path, panel = work / "files", work / "list.xlsx", work / "panel.toml"
    log(f"{n} applications of {PROGRAM}, 3 files each ({3 * n:,} files), seed {seed}, {jobs} build worker(s)")
    t = time.perf_counter()
    apps = applications(n, seed)
    write_list(list_path, apps)
    write_panel(panel)
    spent = build_files(files, apps, jobs)
    fig["build_s"] = time.perf_counter() - t
    fig["build_cpu_s_by_format"] = spent
    paths = [files / a["id"] / name for a in apps for name, _ in DOCUMENTS]
    sizes = {fmt: sum((files / a["id"] / name).stat().st_size for a in apps) for name, fmt in DOCUMENTS}
    fig["files"] = len(paths)
    fig["files_mb"] = sum(sizes.values()) / 2**20
    fig["files_mb_by_format"] = {fmt: s / 2**20 for fmt, s in sizes.items()}
    log(f"  build {fig['build_s']:.1f} s ({', '.join(f'{k} {v:.1f} s' for k, v in spent.items())} of CPU), "
        f"{fig['files']:,} files, {fig['files_mb']:.1f} MiB")

    where_from = benchrun.run_child([sys.executable, "-c", "import reviewer; print(reviewer.__file__)"]).check("import reviewer")
    fig["reviewer_imported_from"] = where_from.stdout.strip()
    # warm-up: compile every module the children use (the first applications, a folder of their own)
    warm = work / "warm"
    warm_apps = apps[:3]
    (warm / "files").mkdir(parents=True)
    for a in warm_apps:
        shutil.copytree(files / a["id"], warm / "files" / a["id"])
    write_list(warm / "list.xlsx", warm_apps)
    intake_and_init(warm, "warm-up", warm / "list.xlsx", warm / "files", panel)
    baseline(warm, "warm-up", [warm / "files" / a["id"] / name for a in warm_apps for name, _ in DOCUMENTS])
    shutil.rmtree(warm)

    intake, init, out, ws = intake_and_init(work, "measured", list_path, files, panel)
    fig["intake_s"], fig["intake_rss_mb"] = intake.seconds, intake.rss_mb
    log(f"  reviewer intake {intake.seconds:.1f} s ({3 * n / intake.seconds:,.0f} files/s), {intake.rss_mb:.0f} MiB")
    fig["init_s"], fig["init_rss_mb"] = init.seconds, init.rss_mb
    log(f"  reviewer init   {init.seconds:.1f} s ({3 * n / init.seconds:,.0f} files/s), {init.rss_mb:.0f} MiB")
    base, found = baseline(work, "measured", paths)
    fig["baseline_s"], fig["baseline_rss_mb"] = base.seconds, base.rss_mb
    fig["baseline_chars"] = found["chars"]
    log(f"  baseline        {base.seconds:.1f} s ({3 * n / base.seconds:,.0f} files/s), {base.rss_mb:.0f} MiB")
    fig["ratio"] = (fig["intake_s"] + fig["init_s"]) / fig["baseline_s"]
    fig["intake_ratio"] = fig["intake_s"] / fig["baseline_s"]
    fig["init_ratio"] = fig["init_s"] / fig["baseline_s"]
    fig["workspace_db_mb"] = sum(p.stat().st_size for p in ws.glob("reviewer.db*")) / 2**20
    check = checks(ws, out, apps, files, found["sha256"])
    log(f"  workspace: {check['applications_stored']:,} applications, {check['attachments_stored']:,} attachments, "
        f"pages {check['pages_stored']}, SHA-256 mismatches {check['sha256_mismatches']}: "
        f"{'ok' if check['ok'] else 'WRONG'}")
    return {"figures": fig, "checks": check,
            "params": {"program": PROGRAM, "applications": n, "files_per_application": 3, "seed": seed,
                       "build_jobs": jobs}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="intake and init of applications with attachments vs the bare libraries"
                                             " (see bench/README.md)")
    ap.add_argument("--apps", type=int, default=2000, help="applications (3 files each; default 2000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes that write the files (default 1)")
    ap.add_argument("--output", type=Path, default=ROOT / "bench" / "results-files.json")
    ap.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder, removed afterwards)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--tree", type=Path, help="source tree whose reviewer is measured (default: this checkout)")
    args = ap.parse_args(argv)
    source = args.tree.resolve() if args.tree else ROOT
    if not (source / "reviewer" / "__main__.py").exists():
        print(f"{source}: not a reviewer source tree", file=sys.stderr)
        return 2
    work = args.workdir or Path(tempfile.mkdtemp(prefix="reviewer-bench-files-"))
    if args.workdir:
        if work.exists() and any(work.iterdir()):
            print(f"{work}: not empty", file=sys.stderr)
            return 2
        work.mkdir(parents=True, exist_ok=True)
    benchrun.PYCACHE = work / "pycache"
    started = time.perf_counter()
    tree_hash = snapshot_tree(source, work / "tree")
    benchrun.TREE = work / "tree"
    try:
        result = bench(args.apps, args.seed, max(1, args.jobs), work, lambda s: print(s, flush=True))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    fig = result["figures"]
    met = fig["ratio"] <= TARGET_RATIO
    result["target"] = {"figure": "ratio", "value": fig["ratio"], "target": f"<= {TARGET_RATIO:g}", "met": met}
    import openpyxl
    import pptx
    import pypdf
    import reportlab

    result = {
        "benchmark": "files", **result,
        "environment": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                        "python-pptx": pptx.__version__, "openpyxl": openpyxl.__version__, "pypdf": pypdf.__version__,
                        "reportlab": reportlab.Version, "sqlite": sqlite3.sqlite_version,
                        "load_average_end": list(os.getloadavg()),
                        "peak_memory_method": "ru_maxrss of each child from os.wait4 in a small launcher process (MiB)"},
        "tree": str(source), "tree_sha256": tree_hash,
        "seconds_total": time.perf_counter() - started,
        "workdir": str(work) if args.keep else None,
    }
    print(f"\n{'':<10}{'seconds':>9}{'files/s':>9}{'max RSS':>9}")
    for name in ("intake", "init", "baseline"):
        print(f"{name:<10}{fig[name + '_s']:>9.1f}{fig['files'] / fig[name + '_s']:>9.0f}{fig[name + '_rss_mb']:>6.0f} MiB")
    print(f"ratio (intake + init) / baseline = {fig['ratio']:.2f}  target <= {TARGET_RATIO:g}  {'met' if met else 'MISSED'}")
    print(f"checks: {'ok' if result['checks']['ok'] else 'WRONG'}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"written: {args.output}")
    return 0 if result["checks"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
