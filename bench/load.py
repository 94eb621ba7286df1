#!/usr/bin/env python3
"""Load benchmark (issue 12, point 4): many evaluator sessions saving drafts at once.

    .venv/bin/python bench/load.py                       # the full table: 20/50/100/200 × paced/unpaced, 60 s
    .venv/bin/python bench/load.py --quick               # 20 and 100 sessions, 15 s each
    .venv/bin/python bench/load.py --sessions 100 --mode paced --seconds 30 --output /tmp/x.json

See bench/README.md (「負荷（bench/load.py）」) for the method. In short: one workspace is built
once (``reviewer synth --write-inputs`` then ``reviewer init`` from the files, without importing
the scores: every assignment has no sheet yet) and copied for each configuration. Each session
is its own OS process that does what the terminal app does for an evaluator
(``Session``, ``record_start``, ``queue``, ``open_sheet``, then ``save_draft`` over the sheet
it last saved for every change, ``others_on`` after each save as the screen does, and
``close_sheet`` / ``close`` at the end, all together once every session has saved for the last
time; ``--close-while-saving``: each as soon as it is done). Every save is timed with ``time.perf_counter()``
from just before ``save_draft`` to its return (keypress-to-saved), the first one included.
The sessions start together: each imports and opens, says it is ready, and waits for the
start time the parent writes once all are ready. Afterwards the parent checks: no errors, no
lost writes (each sheet holds the last state its process saved, at the revision that counts
its changing saves), every change in the audit (one sheet-create/sheet-update entry per
changing save), and ``reviewer audit --verify`` exits 0.

stdlib and the project only. The children run a snapshot of the reviewer package copied into
the work folder when the run starts (other people may be editing the tree meanwhile).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = "r5-smartcity-2"
APPLICATIONS, EVALUATORS, SEED = 400, 200, 1
FULL_SESSIONS = (20, 50, 100, 200)
QUICK_SESSIONS = (20, 100)
MODES = ("paced", "unpaced")
#: The target of issue 12 (point 4): 100 paced sessions, p99 under this, 0 errors, 0 lost writes.
TARGET_SESSIONS, TARGET_MODE, TARGET_P99_MS = 100, "paced", 50.0
#: Every how many saves the change is a comment edit instead of a score (the rest cycle the scores).
COMMENT_EVERY = 5
#: Seconds between "all ready" and the common start (time for the parent to tell everyone).
START_MARGIN_S = 1.0


# ---------------------------------------------------------------------------
# one session (a child process)


class TimedConnection:
    """``--phases``: a stand-in for the session's sqlite3 connection that times BEGIN IMMEDIATE
    (waiting for the write lock), COMMIT (the WAL write and its fsync) and every other
    statement; everything else is passed through."""

    def __init__(self, conn: sqlite3.Connection, phases: dict[str, float]):
        object.__setattr__(self, "_conn", conn)
        object.__setattr__(self, "_phases", phases)

    def _timed(self, fn, sql: str, *args: Any) -> Any:
        head = sql.lstrip()[:6].upper()
        key = "sql_begin" if head.startswith("BEGIN") else "sql_commit" if head.startswith("COMMIT") else "sql_other"
        t = time.perf_counter()
        try:
            return fn(sql, *args)
        finally:
            done = time.perf_counter()
            self._phases[key] = self._phases.get(key, 0.0) + done - t
            if key == "sql_begin":
                object.__setattr__(self, "_held_since", done)
            elif key == "sql_commit" and getattr(self, "_held_since", None) is not None:
                # the write lock held: from BEGIN IMMEDIATE's return to COMMIT's
                self._phases["lock_held"] = self._phases.get("lock_held", 0.0) + done - self._held_since
                object.__setattr__(self, "_held_since", None)

    def execute(self, sql: str, *args: Any) -> Any:
        return self._timed(self._conn.execute, sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        return self._timed(self._conn.executemany, sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._conn, name, value)


def instrument(session: Any, phases: dict[str, float]) -> None:
    """``--phases``: time the parts of a save (the gate, the sheet's validation and rules, the
    transaction and its statements). Only wraps; the same code runs."""
    from reviewer.services import sheets as service

    def wrap(owner: Any, name: str, key: str) -> None:
        fn = getattr(owner, name)

        def timed(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                phases[key] = phases.get(key, 0.0) + time.perf_counter() - t
        setattr(owner, name, timed)

    wrap(session, "gate", "gate")
    wrap(service, "checked_sheet", "checked_sheet")   # the model, then sheet_problems (access + rules)
    wrap(service, "sheet_problems", "sheet_problems")
    wrap(session.ws, "save_over", "transaction")      # BEGIN IMMEDIATE … COMMIT
    wrap(session.ws, "write_sheet", "write_sheet")    # the upsert and its audit entry, inside it
    wrap(session.ws, "audit_log", "audit_entry")
    session.ws.conn = TimedConnection(session.ws.conn, phases)


#: ``--try``: what-if variants of the package's behaviour, patched into the session process only (the
#: package is not changed). For finding where the time goes; never part of the table's figures.
TRIES = {
    "warm-import": "import reviewer.files.models (what checked_sheet imports on its first call) before the start",
    "flock": "serialize write transactions with a blocking fcntl.flock on <db>-writelock before BEGIN IMMEDIATE"
             " (waiters wake when the lock is released instead of SQLite's sleeping busy handler)",
    "sync-normal": "PRAGMA synchronous = NORMAL on the session's connection (WAL: no fsync per commit)",
}


#: The phases of the save being timed (``--phases``), shared with the ``--try`` patches.
PHASES: dict[str, float] = {}


def apply_tries(tries: list[str], ws_path: Path) -> None:
    """Patch the variants of ``--try`` into this process (before the session opens)."""
    if "warm-import" in tries:
        import reviewer.files.models  # noqa: F401
    if "flock" in tries:
        import fcntl
        from contextlib import contextmanager

        from reviewer.workspace import base as base_mod

        original = base_mod.Connected.write
        lock_fd = os.open(ws_path / "reviewer.db-writelock", os.O_RDWR | os.O_CREAT, 0o600)

        @contextmanager
        def write(self):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            PHASES["flock_wait"] = PHASES.get("flock_wait", 0.0) + time.perf_counter() - t
            try:
                with original(self) as conn:
                    yield conn
            finally:
                fcntl.flock(lock_fd, fcntl.LOCK_UN)
        base_mod.Connected.write = write
    if "sync-normal" in tries:
        from reviewer.workspace import schema

        connect = schema.connect

        def connect_normal(*a: Any, **k: Any) -> sqlite3.Connection:
            conn = connect(*a, **k)
            if not k.get("readonly") and not k.get("immutable"):
                conn.execute("PRAGMA synchronous = NORMAL")
            return conn
        schema.connect = connect_normal
        import reviewer.workspace.workspace as workspace_mod
        workspace_mod.connect = connect_normal


def session_main(argv: list[str]) -> int:
    """``load.py _session WORKSPACE EVALUATOR SECONDS MODE SEED OUT [--phases] [--profile FILE]
    [--try A,B]``: one evaluator's session. Prints ``ready`` once opened, reads the start time
    (time.time()) from stdin, saves until SECONDS after it, prints ``saved``, closes when the
    parent writes the next line, writes its record to OUT (JSON)."""
    ws_path, evaluator, seconds, mode, seed, out = Path(argv[0]), argv[1], float(argv[2]), argv[3], int(argv[4]), Path(argv[5])
    phases_on = "--phases" in argv
    profile_out = argv[argv.index("--profile") + 1] if "--profile" in argv else None
    tries = argv[argv.index("--try") + 1].split(",") if "--try" in argv else []
    rec: dict[str, Any] = {"evaluator": evaluator, "pid": os.getpid(), "errors": [], "latencies_ms": [], "at_s": [],
                           "told_ms": [], "results": {}, "merges": 0, "saves": 0, "changed": 0}
    t0 = time.perf_counter()
    session = opened = None
    try:
        apply_tries(tries, ws_path)
        from reviewer.services.session import Session

        rec["import_ms"] = (time.perf_counter() - t0) * 1000
        t = time.perf_counter()
        session = Session(ws_path, evaluator)
        session.record_start()
        queue = session.queue(evaluator)
        entry = queue[0]
        opened = session.open_sheet(evaluator, entry.program, entry.application)
        rec["open_ms"] = (time.perf_counter() - t) * 1000
        rec["program"], rec["application"] = entry.program, entry.application
        scored = [c.id for c in opened.program.applicable(opened.application, "scored")]
        rec["scored_criteria"] = len(scored)
    except Exception as e:  # a session that cannot open: an error of the run
        rec["errors"].append(f"open: {type(e).__name__}: {e}")
        print("ready", flush=True)
        sys.stdin.readline()
        print("saved", flush=True)
        sys.stdin.readline()
        out.write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
        return 0

    phases = PHASES
    if phases_on:
        instrument(session, phases)
    profiler = None
    if profile_out:
        import cProfile

        profiler = cProfile.Profile()

    rng = random.Random(seed)
    offset = rng.random() if mode == "paced" else 0.0
    print("ready", flush=True)
    start_wall = float(sys.stdin.readline())
    start = time.perf_counter() + (start_wall - time.time())
    end = start + seconds
    rec["offset_s"] = offset

    base = opened.sheet
    scores: dict[str, Any] = dict(base.scores) if base else {}
    comment = base.comment if base else ""
    last: dict[str, Any] | None = None
    phase_rows: list[dict[str, float]] = []
    i = 0
    slot = 0
    while True:
        if mode == "paced":
            at = start + offset + slot
            if at >= end:
                break
            delay = at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        else:
            delay = start - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if time.perf_counter() >= end:
                break
        # the keypress: one item changes (a score 0–5, cycling; every COMMENT_EVERY-th a comment edit)
        if i % COMMENT_EVERY == COMMENT_EVERY - 1:
            comment = f"{evaluator} の所見（{i + 1} 回目の変更）: 地域課題と KPI の対応は概ね妥当。"
        else:
            n = i - i // COMMENT_EVERY
            cid = scored[n % len(scored)]
            scores[cid] = (n // len(scored) + 1) % 6
        phases.clear()
        if profiler is not None:
            profiler.enable()
        t = time.perf_counter()
        rec["at_s"].append(round(t - start, 4))
        try:
            saved = session.save_draft(opened, base, scores, comment)
        except Exception as e:
            ms = (time.perf_counter() - t) * 1000
            if profiler is not None:
                profiler.disable()
            rec["errors"].append(f"save {i + 1}: {type(e).__name__}: {e}")
            rec["latencies_ms"].append(ms)
        else:
            ms = (time.perf_counter() - t) * 1000
            if profiler is not None:
                profiler.disable()
            rec["latencies_ms"].append(ms)
            rec["results"][saved.result] = rec["results"].get(saved.result, 0) + 1
            if saved.merge is not None:
                rec["merges"] += 1
            if saved.result != "unchanged":
                rec["changed"] += 1
                last = {"scores": dict(scores), "comment": comment,
                        "returned_scores": saved.sheet.scores if saved.sheet else None,
                        "returned_comment": saved.sheet.comment if saved.sheet else None,
                        "returned_revision": saved.sheet.revision if saved.sheet else None}
            base = saved.sheet
            # the screen then says whether another session has the sheet open (not in the figure)
            t2 = time.perf_counter()
            try:
                session.others_on(opened)
            except Exception as e:
                rec["errors"].append(f"others_on {i + 1}: {type(e).__name__}: {e}")
            rec["told_ms"].append((time.perf_counter() - t2) * 1000)
        if phases_on:
            phase_rows.append({"total": ms / 1000, **phases})
        rec["saves"] += 1
        i += 1
        if mode == "paced":
            slot = max(slot + 1, math.ceil(time.perf_counter() - start - offset))
    rec["last"] = last
    rec["final_revision"] = base.revision if base else 0
    if phases_on:
        rec["phases"] = phase_rows
    if profiler is not None:
        profiler.dump_stats(profile_out)
    # the screen and the session close: by default once every session has saved for the last
    # time (the parent says when), so that a hundred sessions ending in the same second are not
    # measured as load on the others' saves; --close-while-saving closes at once
    print("saved", flush=True)
    sys.stdin.readline()
    t = time.perf_counter()
    rec["close_at_s"] = round(t - start, 4)
    try:
        session.close_sheet(opened)
        rec["close_sheet_ms"] = (time.perf_counter() - t) * 1000
        t2 = time.perf_counter()
        session.close()
        rec["session_close_ms"] = (time.perf_counter() - t2) * 1000
    except Exception as e:
        rec["errors"].append(f"close: {type(e).__name__}: {e}")
    out.write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    return 0


# ---------------------------------------------------------------------------
# the parent


def child_env(tree: Path, pycache: Path) -> dict[str, str]:
    e = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPYCACHEPREFIX=str(pycache))
    e.pop("REVIEWER_WORKSPACE", None)
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e["PYTHONPATH"] = os.pathsep.join([str(tree)] + ([e["PYTHONPATH"]] if e.get("PYTHONPATH") else []))
    return e


def reviewer_cmd(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def snapshot_tree(src: Path, dest: Path) -> str:
    """Copy the reviewer package and the shipped criteria (without bytecode) to ``dest``; their content hash."""
    for part in ("reviewer", "criteria"):  # the shipped criteria sit beside the package (reviewer/shipped.py)
        shutil.copytree(src / part, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    h = hashlib.sha256()
    for f in sorted(p for part in ("reviewer", "criteria") for p in (dest / part).rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(dest)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def build_workspace(workdir: Path, env: dict[str, str], log) -> dict[str, Any]:
    """The workspace every configuration starts from: synth's inputs, ``reviewer init`` from them,
    no scores imported (every assignment has no sheet)."""
    t = time.perf_counter()
    r = reviewer_cmd(env, "synth", "--workspace", str(workdir / "synth-ws"), "--program", PROGRAM,
                     "--applications", str(APPLICATIONS), "--evaluators", str(EVALUATORS),
                     "--reviews-per-application", "1", "--seed", str(SEED), "--write-inputs",
                     str(workdir / "inputs"), cwd=workdir)
    if r.returncode:
        raise RuntimeError(f"synth failed:\n{r.stderr}")
    inputs = workdir / "inputs"
    base = workdir / "ws-base"
    r = reviewer_cmd(env, "init", "--workspace", str(base), "--criteria", str(inputs / "criteria"),
                     "--applications", str(inputs / "applications"), "--panel", str(inputs / "panel.toml"),
                     cwd=workdir)
    if r.returncode:
        raise RuntimeError(f"init failed:\n{r.stderr}")
    shutil.rmtree(workdir / "synth-ws", ignore_errors=True)
    conn = sqlite3.connect(base / "reviewer.db")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        evaluators = [r[0] for r in conn.execute(
            "SELECT DISTINCT evaluator FROM assignments ORDER BY evaluator")]
        sheets = conn.execute("SELECT count(*) FROM sheets").fetchone()[0]
    finally:
        conn.close()
    if sheets:
        raise RuntimeError(f"the base workspace has {sheets} sheets (expected none)")
    log(f"workspace: {APPLICATIONS} applications, {len(evaluators)} evaluators with assignments, no sheets"
        f" ({time.perf_counter() - t:.1f} s)")
    return {"path": base, "evaluators": evaluators}


def copy_workspace(base: Path, dest: Path) -> None:
    dest.mkdir(mode=0o700)
    for f in base.iterdir():
        if f.name.startswith("reviewer.db"):
            shutil.copy2(f, dest / f.name)


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    k = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[k - 1]


def stats(values: list[float]) -> dict[str, Any]:
    v = sorted(values)
    if not v:
        return {"n": 0}
    return {"n": len(v), "p50": percentile(v, 50), "p95": percentile(v, 95), "p99": percentile(v, 99),
            "max": v[-1], "mean": statistics.fmean(v)}


def verify(ws: Path, records: list[dict[str, Any]], env: dict[str, str], workdir: Path) -> dict[str, Any]:
    """Lost writes and audit entries per sheet, and the audit chain."""
    lost, audit_mismatch, returned_mismatch = [], [], []
    conn = sqlite3.connect(f"file:{ws / 'reviewer.db'}?mode=ro", uri=True)
    try:
        for rec in records:
            if "application" not in rec:
                continue
            key = (rec["program"], rec["application"], rec["evaluator"])
            row = conn.execute("SELECT scores, comment, revision FROM sheets WHERE program=? AND application=?"
                               " AND evaluator=?", key).fetchone()
            last = rec.get("last")
            if last is None:
                if row is not None:
                    lost.append({"sheet": key, "why": "a sheet without any changing save"})
            else:
                if last["returned_scores"] != last["scores"] or last["returned_comment"] != last["comment"]:
                    returned_mismatch.append({"sheet": key})
                if row is None:
                    lost.append({"sheet": key, "why": "no sheet stored"})
                else:
                    scores, comment, revision = json.loads(row[0]), row[1], row[2]
                    why = []
                    if scores != last["scores"]:
                        why.append("scores differ")
                    if comment != last["comment"]:
                        why.append("comment differs")
                    if revision != rec["changed"]:
                        why.append(f"revision {revision} != {rec['changed']} changing saves")
                    if why:
                        lost.append({"sheet": key, "why": ", ".join(why)})
            n = conn.execute("SELECT count(*) FROM audit WHERE action IN ('sheet-create', 'sheet-update')"
                             " AND program=? AND application=? AND evaluator=?", key).fetchone()[0]
            if n != rec["changed"]:
                audit_mismatch.append({"sheet": key, "audit": n, "changing_saves": rec["changed"]})
        audit_total = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        conn.close()
    r = reviewer_cmd(env, "audit", "--workspace", str(ws), "--verify", cwd=workdir)
    return {"lost_writes": len(lost), "lost_detail": lost[:10], "audit_mismatches": len(audit_mismatch),
            "audit_detail": audit_mismatch[:10], "returned_mismatches": len(returned_mismatch),
            "audit_entries": audit_total, "audit_verify_exit": r.returncode,
            "audit_verify_output": (r.stdout + r.stderr).strip()[-500:]}


def run_config(n: int, mode: str, seconds: float, base: dict[str, Any], workdir: Path, env: dict[str, str],
               log, phases: bool = False, profile: bool = False, tries: list[str] | None = None,
               close_while_saving: bool = False) -> dict[str, Any]:
    name = f"{n}-{mode}" + "".join(f"+{t}" for t in tries or [])
    loadavg_before = os.getloadavg()
    cfg_dir = workdir / f"run-{name}"
    cfg_dir.mkdir()
    ws = cfg_dir / "ws"
    copy_workspace(base["path"], ws)
    evaluators = base["evaluators"][:n]
    if len(evaluators) < n:
        raise RuntimeError(f"only {len(evaluators)} evaluators with assignments for {n} sessions")
    procs = []
    t_spawn = time.perf_counter()
    for idx, ev in enumerate(evaluators):
        cmd = [sys.executable, str(Path(__file__).resolve()), "_session", str(ws), ev, str(seconds), mode,
               str(SEED * 100_003 + idx), str(cfg_dir / f"{ev}.json")]
        if phases:
            cmd.append("--phases")
        if tries:
            cmd += ["--try", ",".join(tries)]
        if profile and idx == 0:
            cmd += ["--profile", str(cfg_dir / "session.prof")]
        procs.append(subprocess.Popen(cmd, env=env, cwd=cfg_dir, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    for p in procs:
        line = p.stdout.readline()
        if line.strip() != "ready":
            log(f"  a session did not get ready: {line!r}")
    ready_s = time.perf_counter() - t_spawn
    start = time.time() + START_MARGIN_S
    for p in procs:
        try:
            p.stdin.write(f"{start!r}\n")
            p.stdin.flush()
        except BrokenPipeError:
            pass
    log(f"  {name}: {n} sessions ready in {ready_s:.1f} s, saving for {seconds:g} s")

    def tell(p: subprocess.Popen) -> None:
        try:
            p.stdin.write("close\n")
            p.stdin.flush()
        except BrokenPipeError:
            pass
    for p in procs:  # the end barrier: every session has saved for the last time, then all close
        line = p.stdout.readline()
        if close_while_saving:
            tell(p)
    if not close_while_saving:
        for p in procs:
            tell(p)
    stderr_tail = []
    for p in procs:
        _, err = p.communicate(timeout=seconds + 600)
        if p.returncode or err.strip():
            stderr_tail.append(f"exit {p.returncode}: {err.strip()[-800:]}")
    wall = time.time() - start
    records, errors = [], []
    for ev in evaluators:
        f = cfg_dir / f"{ev}.json"
        if not f.exists():
            errors.append(f"{ev}: no record (the session process failed)")
            continue
        rec = json.loads(f.read_text("utf-8"))
        records.append(rec)
        errors += [f"{ev}: {e}" for e in rec["errors"]]
    lat = [x for r in records for x in r["latencies_ms"]]
    first = [r["latencies_ms"][0] for r in records if r["latencies_ms"]]
    told = [x for r in records for x in r["told_ms"]]
    saves = sum(r["saves"] for r in records)
    # when the slow saves happened: per second of the run, the saves and those over the target
    timeline: dict[int, list[int]] = {}
    for r in records:
        for at, ms in zip(r.get("at_s", []), r["latencies_ms"]):
            row = timeline.setdefault(int(at), [0, 0, 0])
            row[0] += 1
            row[1] += ms > TARGET_P99_MS
            row[2] = max(row[2], round(ms))
    check = verify(ws, records, env, workdir)
    result = {
        "sessions": n, "mode": mode, "tries": tries or [], "seconds": seconds, "wall_s": wall, "ready_s": ready_s,
        "loadavg_before": loadavg_before,
        "saves": saves, "saves_per_s": saves / seconds, "changing_saves": sum(r["changed"] for r in records),
        "merges": sum(r["merges"] for r in records),
        "latency_ms": stats(lat), "first_save_ms": stats(first), "others_on_ms": stats(told),
        "open_ms": stats([r["open_ms"] for r in records if "open_ms" in r]),
        "close_while_saving": close_while_saving,
        "close_sheet_ms": stats([r["close_sheet_ms"] for r in records if "close_sheet_ms" in r]),
        "session_close_ms": stats([r["session_close_ms"] for r in records if "session_close_ms" in r]),
        "import_ms": stats([r["import_ms"] for r in records if "import_ms" in r]),
        "errors": len(errors), "error_detail": errors[:20], "stderr": stderr_tail[:5],
        "timeline": {"columns": ["second", "saves", f"over_{TARGET_P99_MS:g}_ms", "max_ms"],
                     "rows": [[k, *v] for k, v in sorted(timeline.items())]},
        **check,
    }
    result["ok"] = (result["errors"] == 0 and check["lost_writes"] == 0 and check["audit_mismatches"] == 0
                    and check["returned_mismatches"] == 0 and check["audit_verify_exit"] == 0
                    and not stderr_tail and len(records) == n)
    if phases:
        rows = [row for r in records for row in r.get("phases", [])]
        keys = sorted({k for row in rows for k in row})
        by_phase = {k: stats([row.get(k, 0.0) * 1000 for row in rows]) for k in keys}
        slow = sorted(rows, key=lambda row: row["total"])[-max(1, len(rows) // 100):]  # the slowest 1 %
        result["phases_ms"] = by_phase
        result["phases_slowest_1pct_mean_ms"] = {k: statistics.fmean(row.get(k, 0.0) * 1000 for row in slow)
                                                  for k in keys}
    if profile and (cfg_dir / "session.prof").exists():
        import io
        import pstats

        s = io.StringIO()
        pstats.Stats(str(cfg_dir / "session.prof"), stream=s).sort_stats("cumulative").print_stats(30)
        result["profile_cumulative"] = s.getvalue()
        s = io.StringIO()
        pstats.Stats(str(cfg_dir / "session.prof"), stream=s).sort_stats("tottime").print_stats(20)
        result["profile_tottime"] = s.getvalue()
    L = result["latency_ms"]
    log(f"  {name}: {saves} saves ({result['saves_per_s']:.1f}/s), p50 {L['p50']:.1f} p95 {L['p95']:.1f}"
        f" p99 {L['p99']:.1f} max {L['max']:.1f} ms; first save p99 {result['first_save_ms'].get('p99', float('nan')):.1f}"
        f" ms; errors {result['errors']}, lost {check['lost_writes']}, audit mismatches {check['audit_mismatches']},"
        f" audit --verify exit {check['audit_verify_exit']}")
    shutil.rmtree(cfg_dir, ignore_errors=True)
    return result


def table(configs: list[dict[str, Any]]) -> str:
    head = ("| sessions | mode | saves/s | p50 ms | p95 ms | p99 ms | max ms | first-save p99 ms | first-save max ms |"
            " errors | lost | audit ok | verify |")
    lines = [head, "|" + "---|" * 13]
    for c in configs:
        L, F = c["latency_ms"], c["first_save_ms"]
        mode = c["mode"] + "".join(f" +{t}" for t in c.get("tries", []))
        lines.append(f"| {c['sessions']} | {mode} | {c['saves_per_s']:.1f} | {L['p50']:.1f} | {L['p95']:.1f} |"
                     f" {L['p99']:.1f} | {L['max']:.1f} | {F['p99']:.1f} | {F['max']:.1f} | {c['errors']} |"
                     f" {c['lost_writes']} | {'yes' if c['audit_mismatches'] == 0 else 'NO'} |"
                     f" {'ok' if c['audit_verify_exit'] == 0 else 'FAIL'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_session":
        return session_main(argv[1:])
    ap = argparse.ArgumentParser(description="reviewer load benchmark: concurrent evaluator sessions (bench/README.md)")
    ap.add_argument("--sessions", type=int, nargs="+", help=f"session counts (default {' '.join(map(str, FULL_SESSIONS))})")
    ap.add_argument("--mode", choices=(*MODES, "both"), default="both", help="paced (about one save a second),"
                    " unpaced (back to back) or both (default)")
    ap.add_argument("--seconds", type=float, help="seconds of saving per configuration (default 60; --quick 15)")
    ap.add_argument("--quick", action="store_true", help=f"{' and '.join(map(str, QUICK_SESSIONS))} sessions, 15 s each")
    ap.add_argument("--configs", nargs="+", metavar="N-MODE",
                    help="explicit configurations, e.g. 20-paced 100-unpaced (overrides --sessions/--mode)")
    ap.add_argument("--phases", action="store_true", help="also time the phases of each save (gate, validation,"
                    " transaction, BEGIN/COMMIT): a small overhead, reported apart")
    ap.add_argument("--profile", action="store_true", help="run the first session of each configuration under cProfile")
    ap.add_argument("--try", dest="tries", action="append", choices=sorted(TRIES), default=[],
                    help="what-if variant patched into the session processes (repeatable; see TRIES):"
                         " for diagnosis only, the package is not changed")
    ap.add_argument("--close-while-saving", action="store_true",
                    help="each session closes as soon as it has saved for the last time (default: all close"
                         " together after the last save of all)")
    ap.add_argument("--output", type=Path, help="JSON file (default bench/results-load.json)")
    ap.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder, removed afterwards)")
    ap.add_argument("--tree", type=Path, default=ROOT, help="source tree whose reviewer is measured (default: this checkout)")
    args = ap.parse_args(argv)

    seconds = args.seconds or (15.0 if args.quick else 60.0)
    if args.configs:
        configs = []
        for c in args.configs:
            n, _, mode = c.partition("-")
            if mode not in MODES or not n.isdigit():
                ap.error(f"--configs: {c!r} is not N-paced or N-unpaced")
            configs.append((int(n), mode))
    else:
        counts = args.sessions or (QUICK_SESSIONS if args.quick else FULL_SESSIONS)
        modes = MODES if args.mode == "both" else (args.mode,)
        configs = [(n, m) for m in modes for n in counts]
    if any(n > EVALUATORS for n, _ in configs):
        ap.error(f"at most {EVALUATORS} sessions (one evaluator each)")
    output = args.output or ROOT / "bench" / "results-load.json"
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reviewer-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log = lambda s: print(s, flush=True)  # noqa: E731
    started = time.perf_counter()
    try:
        tree_hash = snapshot_tree(args.tree.resolve(), workdir / "tree")
        env = child_env(workdir / "tree", workdir / "pycache")
        subprocess.run([sys.executable, "-c", "import reviewer.services.session, reviewer.cli, reviewer.domain.model,"
                        " reviewer.rules.sheets, reviewer.rules.checks, reviewer.rules.merge, pydantic"],
                       env=env, check=True)  # compile the snapshot once
        base = build_workspace(workdir, env, log)
        results = []
        for n, mode in configs:
            results.append(run_config(n, mode, seconds, base, workdir, env, log, phases=args.phases,
                                      profile=args.profile, tries=args.tries,
                                      close_while_saving=args.close_while_saving))
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    target = next((r for r in results if r["sessions"] == TARGET_SESSIONS and r["mode"] == TARGET_MODE
                   and not r["tries"]), None)
    verdict = None
    if target is not None:
        verdict = {"config": f"{TARGET_SESSIONS}-{TARGET_MODE}", "p99_ms": target["latency_ms"]["p99"],
                   "first_save_p99_ms": target["first_save_ms"]["p99"], "limit_ms": TARGET_P99_MS,
                   "errors": target["errors"], "lost_writes": target["lost_writes"],
                   "audit_ok": target["audit_mismatches"] == 0 and target["audit_verify_exit"] == 0,
                   "met": target["ok"] and target["latency_ms"]["p99"] < TARGET_P99_MS}
    out = {
        "benchmark": "load", "params": {"program": PROGRAM, "applications": APPLICATIONS, "evaluators": EVALUATORS,
                                        "reviews_per_application": 1, "seed": SEED, "seconds": seconds,
                                        "comment_every": COMMENT_EVERY, "phases": args.phases, "profile": args.profile,
                                        "close_while_saving": args.close_while_saving,
                                        "tries": {t: TRIES[t] for t in args.tries}},
        "configs": results, "target": verdict,
        "environment": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                        "sqlite": sqlite3.sqlite_version, "loadavg_end": os.getloadavg()},
        "tree": str(args.tree.resolve()), "tree_sha256": tree_hash,
        "seconds_total": time.perf_counter() - started,
    }
    print()
    print(table(results))
    if verdict:
        print(f"\ntarget ({verdict['config']}: p99 < {TARGET_P99_MS:g} ms, 0 errors, 0 lost): "
              f"p99 {verdict['p99_ms']:.1f} ms -> {'met' if verdict['met'] else 'MISSED'}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"written: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
