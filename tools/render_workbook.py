"""Render workbooks through LibreOffice to PDF and PNG pages, for people to look at.

With no workbook given, it builds the demo workspace from the shipped samples in a temporary
folder and exports one workbook per program (three budgets for r5: the criteria's, a what-if
of 100,000,000 yen, and the hearing stage where it is recorded), then renders each. Each
sheet's page setup is printed beside its pages (orientation, scale or fit), so a sheet that
prints below 85 % says so. Needs ``soffice`` (LibreOffice) and ``pdftoppm`` (poppler-utils);
where they are missing it says which and exits 1. Run from the project root:

    python tools/render_workbook.py                     # the samples → render/
    python tools/render_workbook.py --out /tmp/look book.xlsx other.xlsx
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from reviewer.excel.book import MIN_PRINT_SCALE, print_scale


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="ワークブックを LibreOffice で PDF と PNG にする")
    ap.add_argument("books", nargs="*", type=Path, help="描画するワークブック（省略時はサンプルから作る）")
    ap.add_argument("--out", type=Path, default=Path("render"), help="書き出すフォルダ（既定: render）")
    ap.add_argument("--dpi", type=int, default=70, help="PNG の解像度（既定: 70）")
    args = ap.parse_args(argv)
    missing = [tool for tool in ("soffice", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        print(f"見つからないコマンド: {', '.join(missing)}（apt-get install libreoffice-calc-nogui poppler-utils "
              "fonts-noto-cjk）", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        books = args.books or sample_books(Path(tmp))
        for book in books:
            render(book, args.out, args.dpi)
    return 0


def sample_books(tmp: Path) -> list[Path]:
    """The demo workspace's workbooks: each program at its budget, r5 also as a what-if."""
    from reviewer.cli import main as cli

    ws = tmp / "ws"
    from reviewer.services.setup import demo_workspace
    demo_workspace(ws)
    books = []
    runs = [("r5-smartcity-2", []), ("r5-smartcity-2", ["--budget", "100000000", "--compare"]),
            ("r2-iot", []), ("r2-ai-plan", [])]
    for i, (program, extra) in enumerate(runs):
        out = tmp / f"{i}-{program}.xlsx"
        if cli(["export", "--workspace", str(ws), "--program", program, "--output", str(out), *extra]) != 0:
            raise SystemExit(f"export failed: {program} {extra}")
        books.append(out)
    return books


def render(book: Path, out: Path, dpi: int) -> None:
    """``book`` → out/<stem>.pdf and out/<stem>-<page>.png, with each sheet's page setup printed."""
    for line in page_setup(book):
        print(line)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(book)],
                   check=True, capture_output=True, timeout=300)
    pdf = out / (book.stem + ".pdf")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out / book.stem)], check=True, timeout=300)
    pages = sorted(out.glob(f"{book.stem}-*.png"))
    print(f"{book.name}: {pdf} ({len(pages)} ページ)")


def page_setup(book: Path) -> list[str]:
    """One line per sheet: its orientation, its scale or fit, and the scale its columns print at
    (``reviewer.excel.book.print_scale``), flagged below ``MIN_PRINT_SCALE``."""
    import openpyxl

    wb = openpyxl.load_workbook(book)
    lines = []
    for ws in wb.worksheets:
        ps = ws.page_setup
        fit = ws.sheet_properties.pageSetUpPr is not None and bool(ws.sheet_properties.pageSetUpPr.fitToPage)
        wide = ps.fitToWidth if ps.fitToWidth is not None else 1
        scale = (f"幅 {wide or '自由'} × 高さ {ps.fitToHeight or '自由'} ページ" if fit else f"{ps.scale or 100}%")
        at = printed_scale(ws)
        low = at < MIN_PRINT_SCALE
        lines.append(f"  {ws.title}: {ps.orientation or 'portrait'} {scale}、列の幅から {at:.0%}"
                     f"{'  ← 85% 未満' if low else ''}")
    return lines


def column_widths(ws: Any) -> list[float]:
    """The widths of a sheet's used columns (Excel's default 8.43 where none is set)."""

    widths = {}
    for dim in ws.column_dimensions.values():
        if dim.width:
            for col in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
                widths[col] = dim.width
    return [widths.get(c, 8.43) for c in range(1, ws.max_column + 1)]


def printed_scale(ws: Any) -> float:
    """The scale the sheet prints at on A4 landscape: its fixed scale, or where it fits to one
    page wide, the scale its columns need (at most 1)."""
    ps = ws.page_setup
    fit = ws.sheet_properties.pageSetUpPr is not None and bool(ws.sheet_properties.pageSetUpPr.fitToPage)
    wide = ps.fitToWidth if ps.fitToWidth is not None else 1
    if fit and wide == 1:
        return print_scale(column_widths(ws))
    return (ps.scale or 100) / 100

if __name__ == "__main__":
    sys.exit(main())
