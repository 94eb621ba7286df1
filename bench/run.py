#!/usr/bin/env python3
"""Benchmark of reviewer at scale S, M or L, with its baselines, in one run.

    .venv/bin/python bench/run.py --scale M --output bench/results-M.json

See bench/README.md for what is measured and how. Every measured command runs in its own
child process (the wall time includes the interpreter's start and imports, as a user sees
it); the peak memory of each child is its maximum resident set size (``ru_maxrss`` from
``os.wait4``, the per-child form of ``resource.getrusage(RUSAGE_CHILDREN)``), read by a small
launcher process that starts the child (see LAUNCHER for why).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
#: The source tree whose reviewer the children run (--tree: e.g. a copy with a candidate patch).
TREE = ROOT
#: Where the children's bytecode goes (PYTHONPYCACHEPREFIX, inside the work folder): nothing is
#: written into the source tree, and PYTHONDONTWRITEBYTECODE in the environment does not make
#: every child compile reviewer's modules again.
PYCACHE: Path | None = None
#: What the measured commands import, compiled once into PYCACHE: the libraries too, whose own
#: bytecode PYTHONPYCACHEPREFIX sets aside (else the first rank compiles pandas and the first
#: optimal selection scipy, a second or two each, inside the measurement).
WARM_UP = ("import reviewer.cli, reviewer.files.load, reviewer.rules.sheets, reviewer.workspace, reviewer.scoring, reviewer.excel, "
           "reviewer.services.setup, reviewer.scoring.rates, reviewer.scoring.optimal, tomllib, sqlite3, xlsxwriter, "
           "numpy, pandas, scipy.optimize, textual.app, textual.widgets\n"
           "try:\n    import reviewer.tui.app\nexcept ImportError:\n    pass\n")

SCALES: dict[str, dict[str, Any]] = {
    "S": {"applications": 200, "evaluators": 10, "reviews": 5},
    "M": {"applications": 2_000, "evaluators": 40, "reviews": 5},
    "L": {"applications": 20_000, "evaluators": 200, "reviews": 5},
}
PROGRAM = "r5-smartcity-2"
#: (figure, limit, scales the target applies to)
TARGETS = (
    ("import_ratio", 2.0, "SML"),
    ("export_ratio", 1.5, "SML"),
    ("first_screen_ratio", 1.5, "SML"),
    ("rank_s", 1.0, "M"),
    ("rank_resampled_s", 3.0, "M"),
    ("rank_optimal_s", 1.5, "M"),
    ("rank_optimal_s", 10.0, "L"),
    ("peak_rss_mb", 500.0, "M"),
)
#: The first screen takes well under a second: at least this many runs of it and of the minimal app.
FIRST_SCREEN_RUNS = 9


# ---------------------------------------------------------------------------
# children


class Child:
    """One finished child process: wall seconds, exit code, peak RSS (MiB), output."""

    def __init__(self, seconds: float, code: int, rss_mb: float, stdout: str, stderr: str):
        self.seconds, self.code, self.rss_mb, self.stdout, self.stderr = seconds, code, rss_mb, stdout, stderr

    def check(self, what: str) -> Child:
        if self.code != 0:
            raise RuntimeError(f"{what} failed (exit {self.code}):\n{self.stderr[-3000:]}")
        return self


#: Starts one command and reports its wall time, exit code and ru_maxrss. On Linux a child's
#: ru_maxrss starts from its parent's RSS at fork (the high-water mark is inherited and
#: recorded again at exec), so measured commands are not forked from this process, which
#: holds the generated data, but from this small launcher (~10 MiB, the floor of a figure).
LAUNCHER = r"""
import os, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(out, "w") as f:
    f.write(f"{seconds!r} {os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_child(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 3600, tty: bool = False) -> Child:
    """Run ``cmd`` through the launcher: wall seconds, exit code, peak RSS of that child only.
    With ``tty``, stdin, stdout and stderr are a pseudo-terminal (120×40), as a terminal app
    needs; its output is read from the terminal's master side."""
    e = dict(os.environ, PYTHONIOENCODING="utf-8")
    e.pop("REVIEWER_WORKSPACE", None)
    if PYCACHE is not None:  # compiled once (warm-up), as in an installed package
        e.pop("PYTHONDONTWRITEBYTECODE", None)
        e["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    if TREE != ROOT:
        e["PYTHONPATH"] = os.pathsep.join([str(TREE)] + ([e["PYTHONPATH"]] if e.get("PYTHONPATH") else []))
    e.update(env or {})
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rusage") as report:
        streams: dict[str, Any] = {"stdout": out, "stderr": err, "stdin": subprocess.DEVNULL}
        master = reader = None
        captured: list[bytes] = []
        if tty:
            import fcntl
            import pty
            import struct
            import termios
            import threading

            master, slave = pty.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
            streams = {"stdout": slave, "stderr": slave, "stdin": slave}

            def drain() -> None:
                while True:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:
                        return
                    if not chunk:
                        return
                    captured.append(chunk)

            reader = threading.Thread(target=drain, daemon=True)
            reader.start()
        p = subprocess.Popen([sys.executable, "-c", LAUNCHER, report.name, *cmd], env=e, cwd=TREE,
                             start_new_session=True, **streams)
        if tty:
            os.close(slave)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
        if reader is not None:
            reader.join(timeout=5)
            os.close(master)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        if tty:
            stdout = stderr = b"".join(captured).decode("utf-8", "replace")
        fields = report.read().split()
        if len(fields) != 3:
            return Child(float(timeout), p.returncode or -9, 0.0, stdout, stderr + "\n(timed out or launcher failed)")
        seconds, code, rss = float(fields[0]), int(fields[1]), int(fields[2])
        rss_kib = rss / 1024 if sys.platform == "darwin" else rss  # bytes on macOS, KiB on Linux
        return Child(seconds, code, rss_kib / 1024, stdout, stderr)


def reviewer(*args: str, env: dict[str, str] | None = None, timeout: float = 3600, tty: bool = False) -> Child:
    return run_child([sys.executable, "-m", "reviewer", *args], env=env, timeout=timeout, tty=tty)


def repeated(fn, repeat: int) -> tuple[float, float, list[float], Child]:
    """Run ``fn`` ``repeat`` times: (median seconds, max RSS MiB, all seconds, last child)."""
    runs = [fn() for _ in range(repeat)]
    times = [c.seconds for c in runs]
    return statistics.median(times), max(c.rss_mb for c in runs), times, runs[-1]


# ---------------------------------------------------------------------------
# baselines (run as children: `python bench/run.py _baseline-... ARGS`)


def baseline_import(scores: Path, db: Path) -> None:
    """Parse every score file with tomllib and insert one row per sheet with executemany,
    one transaction per file, with the workspace's journal settings (WAL, synchronous FULL)."""
    import sqlite3

    import tomllib

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS sheets (program TEXT, application TEXT, evaluator TEXT,"
                 " status TEXT, comment TEXT, scores TEXT, PRIMARY KEY (program, application, evaluator))")
    for path in sorted(scores.rglob("*.toml")):
        doc = tomllib.loads(path.read_bytes().decode("utf-8"))
        rows = [(doc["program"], s["application"], doc["evaluator"], s["status"], s.get("comment", ""),
                 json.dumps(s.get("scores", {}), ensure_ascii=False, sort_keys=True)) for s in doc["sheets"]]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO sheets VALUES (?,?,?,?,?,?)", rows)
        conn.execute("COMMIT")
    conn.close()


def baseline_xlsx(spec_path: Path, out: Path) -> None:
    """Write as many string, number and blank cells per sheet as the workbook has, row by
    row, with bare xlsxwriter in constant_memory mode (one format for all cells)."""
    import xlsxwriter

    spec = json.loads(spec_path.read_text("utf-8"))
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    fmt = wb.add_format({"border": 1})
    # as many distinct strings (up to 50,000) of the workbook's average length, as its cells hold
    pool = [("申請者・評価コメントの見本文字列" * 8)[: max(1, spec["avg_string_chars"] - len(str(i)))] + str(i)
            for i in range(max(1, min(spec["unique_strings"], 50_000)))]
    for sh in spec["sheets"]:
        ws = wb.add_worksheet(sh["name"])
        ncols = max(1, sh["columns"])
        cells = ["s"] * sh["strings"] + ["n"] * sh["numbers"] + ["b"] * sh["blanks"]
        for i, kind in enumerate(cells):
            row, col = divmod(i, ncols)
            if kind == "s":
                ws.write_string(row, col, pool[i % len(pool)], fmt)
            elif kind == "n":
                ws.write_number(row, col, i * 0.5, fmt)
            else:
                ws.write_blank(row, col, None, fmt)
    wb.close()


MINIMAL_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("first screen")
        yield Footer()

    def on_mount(self) -> None:
        # exits right after the first screen is shown, as REVIEWER_EXIT_AFTER_FIRST_SCREEN does
        self.call_after_refresh(self.exit)

Minimal().run(headless=True)
"""


def minimal_app() -> Child:
    """A tiny Textual app, run headless, that exits after its first screen."""
    return run_child([sys.executable, "-c", MINIMAL_APP], timeout=120, tty=True)


# ---------------------------------------------------------------------------
# ===== app_first_screen: the reviewer terminal app's time to first screen =====


def app_first_screen(workspace: Path, evaluator: str, repeat: int = 1) -> dict[str, Any] | None:
    """Time ``python -m reviewer tui --workspace W --evaluator <id>`` to its first screen,
    headless, IF reviewer/tui/app.py exists (None otherwise).

    The app honours REVIEWER_EXIT_AFTER_FIRST_SCREEN=1: it runs headless, as
    ``run(headless=True)`` does for the minimal app, and exits right after its first screen is
    shown (it drops TEXTUAL_* from its environment before Textual loads, so TEXTUAL_DRIVER
    would not reach it). Both run on a pseudo-terminal (the app refuses to start without a
    TTY)."""
    if not (TREE / "reviewer" / "tui" / "app.py").exists():
        return None
    env = {"REVIEWER_EXIT_AFTER_FIRST_SCREEN": "1"}
    runs = [reviewer("tui", "--workspace", str(workspace), "--evaluator", evaluator, env=env, timeout=600, tty=True)
            for _ in range(repeat)]
    failed = [c for c in runs if c.code != 0]
    if failed:
        return {"error": f"exit {failed[0].code}: {failed[0].stderr[-2000:]}",
                "seconds": None, "rss_mb": max(c.rss_mb for c in runs)}
    times = [c.seconds for c in runs]
    return {"seconds": statistics.median(times), "runs": times, "rss_mb": max(c.rss_mb for c in runs)}


# ---------------------------------------------------------------------------
# the workbook's cells


def workbook_cells(path: Path) -> dict[str, Any]:
    """Cells per worksheet of an .xlsx (strings, numbers, blanks, columns) and string stats."""
    with zipfile.ZipFile(path) as z:
        names = {}
        wbxml = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
        targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)})
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', wbxml):
            names[name] = "xl/" + targets[rid].lstrip("/").removeprefix("xl/")
        sheets, texts = [], []
        for name, member in names.items():
            xml = z.read(member)
            cells = re.findall(rb'<c r="([A-Z]+)\d+"([^>]*?)(/>|>)', xml)
            strings = sum(1 for _, attrs, _ in cells if b't="s"' in attrs or b't="str"' in attrs
                          or b't="inlineStr"' in attrs)
            blanks = sum(1 for _, _, end in cells if end == b"/>")
            cols = {c for c, _, _ in cells}
            sheets.append({"name": name, "strings": strings, "blanks": blanks,
                           "numbers": len(cells) - strings - blanks, "columns": len(cols)})
            # constant_memory writes each string in its cell (inline), one per cell written
            texts += [html.unescape(t) for t in re.findall(r"<is><t[^>]*>([^<]*)</t></is>", xml.decode("utf-8"))]
        if "xl/sharedStrings.xml" in z.namelist():  # otherwise each distinct string once, in a table
            sst = z.read("xl/sharedStrings.xml").decode("utf-8")
            texts += [html.unescape(t) for t in re.findall(r"<t[^>]*>([^<]*)</t>", sst)]
    total = sum(s["strings"] + s["numbers"] + s["blanks"] for s in sheets)
    return {"sheets": sheets, "cells": total, "unique_strings": len(set(texts)),
            "avg_string_chars": round(sum(len(t) for t in texts) / len(texts)) if texts else 10}


# ---------------------------------------------------------------------------
# the run


def bench(scale: str, workdir: Path, repeat: int, seed: int, log) -> dict[str, Any]:
    from reviewer import synth

    p = SCALES[scale]
    n, e, k = p["applications"], p["evaluators"], p["reviews"]
    fig: dict[str, Any] = {}
    notes: list[str] = []

    log(f"scale {scale}: {n} applications, {e} evaluators, {k} reviews each, program {PROGRAM}, seed {seed}")
    t = time.perf_counter()
    data = synth.generate(PROGRAM, n, e, k, seed)
    fig["synth_generate_s"] = time.perf_counter() - t
    full, target, inputs = workdir / "ws-full", workdir / "ws-import", workdir / "inputs"
    t = time.perf_counter()
    summary = synth.synth_workspace(full, PROGRAM, n, e, k, seed, data=data)
    fig["synth_workspace_write_s"] = time.perf_counter() - t
    t = time.perf_counter()
    synth.write_inputs(inputs, PROGRAM, n, e, k, seed, data=data)
    fig["write_inputs_s"] = time.perf_counter() - t
    synth.synth_workspace(target, PROGRAM, n, e, k, seed, with_sheets=False, data=data)
    sheets = len(data.sheets)
    fig["sheets"] = sheets
    fig["score_files"] = len(list((inputs / "scores").glob("*.toml")))
    fig["score_files_mb"] = sum(f.stat().st_size for f in (inputs / "scores").glob("*.toml")) / 2**20
    fig["check_failures"] = summary["check_failures"]
    log(f"  synthetic data: generate {fig['synth_generate_s']:.2f} s, workspace {fig['synth_workspace_write_s']:.2f} s,"
        f" TOML files {fig['write_inputs_s']:.2f} s ({fig['score_files']} score files,"
        f" {fig['score_files_mb']:.1f} MiB, {sheets} sheets)")

    run_child([sys.executable, "-c", WARM_UP]).check("warm-up (compiling the modules once)")

    # -- import of the score files vs tomllib + executemany (each run into a fresh target) ----------
    def import_once(i: int) -> Child:
        ws = target if i == 0 else workdir / f"ws-import-{i}"
        if i:
            synth.synth_workspace(ws, PROGRAM, n, e, k, seed, with_sheets=False, data=data)
        c = reviewer("import-scores", "--workspace", str(ws), str(inputs / "scores")).check("import-scores")
        if i:
            shutil.rmtree(ws)
        return c

    def baseline_once(i: int) -> Child:
        db = workdir / f"baseline-{i}.db"
        c = run_child([sys.executable, str(Path(__file__).resolve()), "_baseline-import", str(inputs / "scores"),
                       str(db)]).check("baseline import")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return c

    runs = [import_once(i) for i in range(repeat)]
    fig["import_s"] = statistics.median(c.seconds for c in runs)
    fig["import_runs"] = [c.seconds for c in runs]
    fig["import_rss_mb"] = max(c.rss_mb for c in runs)
    runs = [baseline_once(i) for i in range(repeat)]
    fig["baseline_import_s"] = statistics.median(c.seconds for c in runs)
    fig["baseline_import_runs"] = [c.seconds for c in runs]
    fig["baseline_import_rss_mb"] = max(c.rss_mb for c in runs)
    fig["import_ratio"] = fig["import_s"] / fig["baseline_import_s"]
    import sqlite3

    with sqlite3.connect(target / "reviewer.db") as db:
        got = db.execute("SELECT COUNT(*) FROM sheets WHERE status = 'submitted'").fetchone()[0]
    if got != sheets:
        raise RuntimeError(f"import-scores stored {got} submitted sheets, expected {sheets}")
    log(f"  import-scores {fig['import_s']:.2f} s ({sheets / fig['import_s']:,.0f} sheets/s; runs "
        f"{', '.join(f'{x:.2f}' for x in fig['import_runs'])}), baseline {fig['baseline_import_s']:.2f} s, "
        f"ratio {fig['import_ratio']:.2f}")

    # -- rank --json: the ranking alone, with the resampling (default 1,000), the optimal set ---
    def rank_with(*extra: str):
        return lambda: reviewer("rank", "--workspace", str(target), "--program", PROGRAM, "--json", *extra).check(
            f"rank {' '.join(extra)}")

    fig["rank_s"], fig["rank_rss_mb"], fig["rank_runs"], last = repeated(rank_with("--resamples", "0"), repeat)
    for name, extra in (("rank_resampled", ()), ("rank_optimal", ("--selection", "optimal", "--resamples", "0")),
                        ("rank_optimal_resampled", ("--selection", "optimal")),
                        ("rank_adjusted_resampled", ("--method", "adjusted"))):
        fig[f"{name}_s"], fig[f"{name}_rss_mb"], fig[f"{name}_runs"], _ = repeated(rank_with(*extra), repeat)
        log(f"  rank {' '.join(extra) or '(1,000 resamples)'} {fig[f'{name}_s']:.2f} s")
    synth_rank = reviewer("rank", "--workspace", str(full), "--program", PROGRAM, "--json",
                          "--resamples", "0").check("rank (synth)")
    fig["rank_synth_equals_imported"] = synth_rank.stdout == last.stdout
    if not fig["rank_synth_equals_imported"]:
        notes.append("rank --json differs between the synthetic workspace and the imported one")
    log(f"  rank --json {fig['rank_s']:.2f} s (runs {', '.join(f'{x:.2f}' for x in fig['rank_runs'])}); "
        f"synthetic and imported workspaces rank identically: {fig['rank_synth_equals_imported']}")

    # -- export vs bare xlsxwriter ------------------------------------------------------------
    xlsx = workdir / "result.xlsx"
    export = lambda: reviewer("export", "--workspace", str(target), "--program", PROGRAM,  # noqa: E731
                              "--output", str(xlsx))
    runs = [export() for _ in range(repeat)]
    bad = [r for r in runs if r.code != 0]
    if bad:
        fig["export_error"] = bad[0].stderr.strip().splitlines()[-1] if bad[0].stderr.strip() else f"exit {bad[0].code}"
        fig["export_s"] = fig["export_ratio"] = None
        fig["export_rss_mb"] = max(r.rss_mb for r in runs)
        notes.append(f"export failed: {fig['export_error']}")
        log(f"  export FAILED: {fig['export_error']}")
    else:
        fig["export_s"] = statistics.median(r.seconds for r in runs)
        fig["export_runs"] = [r.seconds for r in runs]
        fig["export_rss_mb"] = max(r.rss_mb for r in runs)
        cells = workbook_cells(xlsx)
        fig["workbook_cells"] = cells["cells"]
        fig["workbook_mb"] = xlsx.stat().st_size / 2**20
        spec = workdir / "xlsx-spec.json"
        spec.write_text(json.dumps(cells, ensure_ascii=False), "utf-8")
        base = lambda: run_child([sys.executable, str(Path(__file__).resolve()), "_baseline-xlsx", str(spec),  # noqa: E731
                                  str(workdir / "baseline.xlsx")]).check("baseline xlsx")
        fig["baseline_xlsx_s"], fig["baseline_xlsx_rss_mb"], fig["baseline_xlsx_runs"], _ = repeated(base, repeat)
        fig["export_ratio"] = fig["export_s"] / fig["baseline_xlsx_s"]
        log(f"  export {fig['export_s']:.2f} s ({fig['workbook_cells']:,} cells, {fig['workbook_mb']:.1f} MiB), "
            f"bare xlsxwriter {fig['baseline_xlsx_s']:.2f} s, ratio {fig['export_ratio']:.2f}")

    # -- terminal app ----------------------------------------------------------------------------
    # Sub-second runs on a noisy machine: at least FIRST_SCREEN_RUNS of each, the minimal app and
    # reviewer's alternating, so that a slow spell of the machine weighs on both alike.
    runs = max(repeat, FIRST_SCREEN_RUNS)
    minimal, first = [], None
    for _ in range(runs):
        minimal.append(minimal_app().check("minimal Textual app"))
        one = app_first_screen(full, summary["chair"], 1)
        if one is None or one.get("error"):
            first = one
            break
        first = first or {"runs": [], "rss_mb": 0.0}
        first["runs"] += one["runs"]
        first["rss_mb"] = max(first["rss_mb"], one["rss_mb"])
    if first is not None and not first.get("error"):
        first["seconds"] = statistics.median(first["runs"])
    fig["minimal_app_runs"] = [c.seconds for c in minimal]
    fig["minimal_app_s"] = statistics.median(fig["minimal_app_runs"])
    fig["minimal_app_rss_mb"] = max(c.rss_mb for c in minimal)
    log(f"  minimal Textual app (headless) to first screen {fig['minimal_app_s']:.2f} s")
    if first is None:
        fig["first_screen_s"] = fig["first_screen_ratio"] = None
        notes.append("reviewer/tui/app.py does not exist: the app's first screen was not measured")
        log("  reviewer tui: not measured (reviewer/tui/app.py does not exist)")
    elif first.get("error"):
        fig["first_screen_s"] = fig["first_screen_ratio"] = None
        fig["first_screen_error"] = first["error"]
        fig["first_screen_rss_mb"] = first["rss_mb"]
        notes.append(f"reviewer tui failed: {first['error'][:300]}")
        log(f"  reviewer tui FAILED: {first['error'][:300]}")
    else:
        fig["first_screen_s"], fig["first_screen_rss_mb"] = first["seconds"], first["rss_mb"]
        fig["first_screen_runs"] = first["runs"]
        fig["first_screen_ratio"] = fig["first_screen_s"] / fig["minimal_app_s"]
        log(f"  reviewer tui (chair, headless) to first screen {fig['first_screen_s']:.2f} s, "
            f"ratio {fig['first_screen_ratio']:.2f} (median of {runs}, alternating with the minimal app)")

    # -- memory -----------------------------------------------------------------------------------
    measured = {k[:-7]: v for k, v in fig.items() if k.endswith("_rss_mb") and not k.startswith(("baseline", "minimal"))}
    fig["peak_rss_mb"] = max(v for v in measured.values() if v is not None)
    fig["peak_rss_of"] = max(measured, key=lambda x: measured[x] or 0)
    log(f"  peak RSS of reviewer's children {fig['peak_rss_mb']:.0f} MiB ({fig['peak_rss_of']})")
    return {"figures": fig, "notes": notes, "params": {"program": PROGRAM, "applications": n, "evaluators": e,
                                                       "reviews_per_application": k, "seed": seed,
                                                       "repeat": repeat}}


def verdicts(scale: str, fig: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, limit, scales in TARGETS:
        if scale not in scales:
            continue
        value = fig.get(name)
        op = "<" if name.startswith("rank_") or name == "peak_rss_mb" else "<="
        ok = None if value is None else (value < limit if op == "<" else value <= limit)
        out.append({"figure": name, "value": value, "target": f"{op} {limit:g}", "met": ok})
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_baseline-import":
        baseline_import(Path(argv[1]), Path(argv[2]))
        return 0
    if argv and argv[0] == "_baseline-xlsx":
        baseline_xlsx(Path(argv[1]), Path(argv[2]))
        return 0
    ap = argparse.ArgumentParser(description="reviewer benchmark (see bench/README.md)")
    ap.add_argument("--scale", choices=sorted(SCALES), default="S")
    ap.add_argument("--output", type=Path, help="JSON file for the figures (default: bench/results-<scale>.json)")
    ap.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder, removed afterwards)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--repeat", type=int, help="runs of each measurement (median; default 3, L: 1)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tree", type=Path, help="source tree whose reviewer is measured (default: this checkout);"
                                              " e.g. a copy with a candidate patch applied")
    args = ap.parse_args(argv)
    global TREE
    if args.tree:
        TREE = args.tree.resolve()
        if not (TREE / "reviewer" / "__main__.py").exists():
            print(f"{TREE}: not a reviewer source tree", file=sys.stderr)
            return 2
    repeat = args.repeat or (1 if args.scale == "L" else 3)
    output = args.output or ROOT / "bench" / f"results-{args.scale}.json"
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix=f"reviewer-bench-{args.scale}-"))
    if args.workdir:
        if workdir.exists() and any(workdir.iterdir()):
            print(f"{workdir}: not empty", file=sys.stderr)
            return 2
        workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    global PYCACHE
    PYCACHE = workdir / "pycache"
    try:
        result = bench(args.scale, workdir, repeat, args.seed, lambda s: print(s, flush=True))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    fig = result["figures"]
    result["targets"] = verdicts(args.scale, fig)
    import textual
    import xlsxwriter

    result = {
        "scale": args.scale, **result,
        "environment": {"python": platform.python_version(), "platform": platform.platform(),
                        "cpus": os.cpu_count(), "textual": textual.__version__, "xlsxwriter": xlsxwriter.__version__,
                        "peak_memory_method": "ru_maxrss of each child from os.wait4 in a small launcher process (MiB)"},
        "tree": str(TREE),
        "seconds_total": time.perf_counter() - started,
        "workdir": str(workdir) if args.keep else None,
    }
    print("\ntargets:")
    for v in result["targets"]:
        shown = "n/a" if v["value"] is None else f"{v['value']:.2f}"
        mark = "not measured" if v["met"] is None else ("met" if v["met"] else "MISSED")
        print(f"  {v['figure']:<20} {shown:>8}  target {v['target']:<7}  {mark}")
    for note in result["notes"]:
        print(f"note: {note}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"\nwritten: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
