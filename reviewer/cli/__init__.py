"""The command line: parse, call the core, print. Messages on stderr, one per problem."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from reviewer import __version__


class _Parser(argparse.ArgumentParser):
    """argparse with Japanese usage errors and exit status 2."""

    def error(self, message: str) -> None:  # pragma: no cover - argparse path
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 使い方の誤り: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="reviewer",
        description="総務省 地域ICT補助事業の外部評価: 採点・集計・順位付け・Excel出力",
    )
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    v = sub.add_parser(
        "validate",
        help="審査基準・申請・評価者名簿・採点票のファイルを検査する",
        description=(
            "TOML ファイル（フォルダは再帰的に *.toml）を検査します。種類（審査基準・申請・"
            "評価者名簿・採点票）は内容から判別します。同梱の審査基準は常に読み込み、"
            "同じ事業 ID の審査基準ファイルを渡すとそちらを使います。"
        ),
    )
    v.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    v.add_argument("--criteria", type=Path, action="append", default=[], metavar="DIR",
                   help="追加の審査基準ファイルまたはフォルダ（複数可）")
    v.add_argument("--no-shipped-criteria", action="store_true",
                   help="同梱の審査基準を読み込まない")
    v.add_argument("-q", "--quiet", action="store_true", help="成功時の要約を表示しない")
    v.set_defaults(func=cmd_validate)

    i = sub.add_parser("init", help="ワークスペースを作成する（再実行で新しい申請・評価者を追加）",
                       description="審査基準・申請・評価者名簿からワークスペース（SQLite）を作成します。"
                                   "既存のワークスペースに再実行すると、新しい申請と評価者を追加します。")
    _workspace(i)
    i.add_argument("--criteria", type=Path, required=True, metavar="DIR", help="審査基準のフォルダ")
    i.add_argument("--applications", type=Path, required=True, metavar="DIR", help="申請のフォルダ（再帰的に *.toml）")
    i.add_argument("--panel", type=Path, required=True, metavar="FILE", help="評価者名簿（panel.toml）")
    i.add_argument("--allow-criteria-change", action="store_true",
                   help="登録済みの審査基準と内容が異なるとき、新しい内容で置き換える")
    i.add_argument("--update-applications", action="store_true",
                   help="登録済みの申請と内容が異なるとき、新しい内容で置き換える")
    i.set_defaults(func=cmd_init)

    a = sub.add_parser("assign", help="評価者を申請に自動で割り当てる（負荷を均等に、利害関係を避けて）")
    _workspace(a)
    a.add_argument("--program", required=True, metavar="ID")
    a.add_argument("--per-application", type=int, required=True, metavar="N", help="1件あたりの評価者数")
    a.add_argument("--seed", type=int, default=0, help="乱数の種（同じ種なら同じ割当）")
    a.add_argument("--avoid-own-bureau", action="store_true",
                   help="評価者の所在地（prefecture）と同じ総合通信局の申請を割り当てない")
    a.add_argument("--dry-run", action="store_true", help="割当を保存せずに表示だけする")
    a.set_defaults(func=cmd_assign)

    m = sub.add_parser("import-scores", help="採点票（TOML）を取り込む",
                       description="採点票をファイルごとに全部か無しかで取り込みます。同じ内容の再取り込みは何も変えません。")
    _workspace(m)
    m.add_argument("files", nargs="+", type=Path, metavar="FILE", help="採点票ファイル（フォルダは再帰的に *.toml）")
    m.add_argument("--replace", action="store_true", help="提出済みの採点票を異なる内容で上書きする")
    m.add_argument("--progress", action="store_true", help="端末でなくても進捗を表示する")
    m.set_defaults(func=cmd_import_scores)

    t = sub.add_parser("template", help="評価者の採点票テンプレートを書き出す")
    _workspace(t)
    t.add_argument("--evaluator", required=True, metavar="ID")
    t.add_argument("--program", metavar="ID", help="評価者が複数の事業を担当するときに指定")
    t.add_argument("--output", type=Path, required=True, metavar="FILE")
    t.set_defaults(func=cmd_template)

    st = sub.add_parser("status", help="評価者別・申請別の進捗を表示する")
    _workspace(st)
    st.add_argument("--program", metavar="ID")
    st.add_argument("--json", action="store_true", help="JSON で出力する")
    st.set_defaults(func=cmd_status)

    r = sub.add_parser("reopen", help="提出済みの採点票を下書きに差し戻す（委員長）")
    _workspace(r)
    r.add_argument("--program", required=True, metavar="ID")
    r.add_argument("--application", required=True, metavar="ID")
    r.add_argument("--evaluator", required=True, metavar="ID")
    r.add_argument("--chair", required=True, metavar="ID", help="差し戻す委員長の評価者 ID")
    r.add_argument("--reason", required=True, help="差し戻しの理由")
    r.set_defaults(func=cmd_reopen)

    rk = sub.add_parser("rank", help="集計して順位・採択候補・地域バランスを表示する")
    _workspace(rk)
    rk.add_argument("--program", required=True, metavar="ID")
    _scoring_options(rk)
    rk.add_argument("--json", action="store_true", help="SPEC の JSON オブジェクトを出力する")
    rk.set_defaults(func=cmd_rank)

    ex = sub.add_parser("export", help="審査結果の Excel ワークブックを書き出す")
    _workspace(ex)
    ex.add_argument("--program", required=True, metavar="ID")
    ex.add_argument("--output", type=Path, required=True, metavar="FILE.xlsx")
    _scoring_options(ex)
    ex.set_defaults(func=cmd_export)

    tu = sub.add_parser("tui", help="端末アプリを開く（評価者は採点、委員長は進捗・順位・書き出し）")
    _workspace(tu)
    tu.add_argument("--evaluator", metavar="ID", help="評価者 ID（省略時はログイン名を評価者名簿の os_user で探す）")
    tu.add_argument("--mouse", action=argparse.BooleanOptionalAction, default=None,
                    help="マウスを使う（既定: SSH 接続ではオフ）")
    tu.set_defaults(func=cmd_tui)

    de = sub.add_parser("demo", help="同梱の見本から一時ワークスペースを作り、委員長として端末アプリを開く")
    de.add_argument("--mouse", action=argparse.BooleanOptionalAction, default=None)
    de.set_defaults(func=cmd_demo)

    ak = sub.add_parser("authorized-keys", help="SSH の authorized_keys を出力する（鍵ごとに評価者の端末アプリを強制）",
                        description="評価者名簿の ssh_public_keys から、鍵ごとに「reviewer tui --workspace W --evaluator ID」"
                                    "を強制する authorized_keys の行（restrict,pty）を出力します。")
    _workspace(ak)
    ak.add_argument("--reviewer", metavar="PATH", help="サーバー上の reviewer コマンドの絶対パス（既定: このコマンド）")
    ak.set_defaults(func=cmd_authorized_keys)

    au = sub.add_parser("audit", help="監査ログ（誰が・いつ・何を）を表示する")
    _workspace(au)
    au.add_argument("--program", metavar="ID")
    au.add_argument("--application", metavar="ID")
    au.add_argument("--evaluator", metavar="ID")
    au.add_argument("--json", action="store_true", help="JSON Lines で出力する")
    au.set_defaults(func=cmd_audit)

    # synth's module loads pydantic: its parser lives here so that building the parser stays light
    sy = sub.add_parser(
        "synth", help="ベンチマーク・デモ用の合成ワークスペースを作る",
        description="実在の自治体に分散した合成の申請、評価者名簿、割当、提出済みの採点票を持つワークスペースを"
                    "作ります（同じ種なら同じ内容）。監査ログは一括登録ごとに1行の要約です。")
    sy.add_argument("--workspace", type=Path, metavar="DIR", default=os.environ.get("REVIEWER_WORKSPACE") or None,
                    help="作成するワークスペースのフォルダ（存在しないか空のフォルダ。既定: 環境変数 REVIEWER_WORKSPACE）")
    sy.add_argument("--program", required=True, metavar="ID", help="事業 ID（例: r5-smartcity-2）")
    sy.add_argument("--applications", type=int, required=True, metavar="N", help="申請数")
    sy.add_argument("--evaluators", type=int, required=True, metavar="E", help="評価者数（委員長は別に1人）")
    sy.add_argument("--reviews-per-application", type=int, required=True, metavar="K", help="1件あたりの評価者数（E 以下）")
    sy.add_argument("--seed", type=int, default=0, help="乱数の種（既定: 0）")
    sy.add_argument("--criteria", type=Path, metavar="DIR", help="審査基準のフォルダ（既定: 同梱の審査基準）")
    sy.add_argument("--write-inputs", type=Path, metavar="DIR",
                    help="同じデータを TOML ファイル（applications/、panel.toml、scores/）としても書き出す")
    sy.set_defaults(func=cmd_synth)
    return parser


def cmd_synth(args: argparse.Namespace) -> int:
    from reviewer.synth import cmd_synth as run

    return run(args)


def _workspace(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", type=Path, metavar="DIR",
                   default=os.environ.get("REVIEWER_WORKSPACE") or None,
                   help="ワークスペースのフォルダ（既定: 環境変数 REVIEWER_WORKSPACE）")


def _yen(value: str) -> int:
    try:
        n = int(value.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"円の整数で指定してください（{value!r}）") from None
    if n < 0 or n > 10**13:
        raise argparse.ArgumentTypeError(f"0 以上 10兆円以下で指定してください（{value!r}）")
    return n


def _scoring_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--budget", type=_yen, metavar="YEN", help="予算額（審査基準の値を上書き: 「もし予算が…なら」）")
    p.add_argument("--method", default="mean", choices=["mean", "median", "trimmed", "zscore"],
                   help="得点率の集計方法（既定: mean）")


class UsageError(Exception):
    pass


def _need_workspace(args: argparse.Namespace) -> Path:
    if not args.workspace:
        raise UsageError("--workspace（または環境変数 REVIEWER_WORKSPACE）でワークスペースを指定してください")
    return Path(args.workspace)


def _open(args: argparse.Namespace):
    from reviewer.workspace.workspace import Workspace

    return Workspace.open(_need_workspace(args))


def shipped_programs() -> tuple[dict, list]:
    from reviewer.files.load import load_paths
    from reviewer.shipped import criteria_dir

    bundle = load_paths([criteria_dir()])
    return bundle.programs, bundle.problems


def cmd_validate(args: argparse.Namespace) -> int:
    from reviewer.files.load import load_paths

    base: dict = {}
    if not args.no_shipped_criteria:
        base, problems = shipped_programs()
        if problems:  # a broken installation, not the user's input
            for p in problems:
                print(str(p), file=sys.stderr)
            return 1
    bundle = load_paths(list(args.criteria) + list(args.paths), base_programs=base)
    for p in bundle.problems:
        print(str(p), file=sys.stderr)
    if bundle.problems:
        print(f"問題が {len(bundle.problems)} 件あります。", file=sys.stderr)
        return 1
    if not args.quiet:
        from reviewer.domain.vocabulary import FILE_KIND_LABELS, FILE_KINDS

        counts = "、".join(f"{FILE_KIND_LABELS[k]} {bundle.count(k)} 件" for k in FILE_KINDS if bundle.count(k))
        print(f"問題はありません（{counts or 'ファイル 0 件'}）。")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    from reviewer.workspace.workspace import InitError, WorkspaceError

    # A command runs once and exits: reference counting frees its garbage, and the cyclic
    # collector would only walk the loaded applications and sheets again and again (a fifth
    # of rank's and export's time at 2,000 applications, with the same peak memory). The
    # terminal app runs for hours and keeps it.
    batch = args.func not in (cmd_tui, cmd_demo) and gc.isenabled()
    if batch:
        gc.disable()
    try:
        return args.func(args)
    except UsageError as e:
        parser.print_usage(sys.stderr)
        print(f"reviewer: 使い方の誤り: {e}", file=sys.stderr)
        return 2
    except (WorkspaceError, InitError) as e:
        for line in getattr(e, "messages", None) or getattr(e, "problems", None) or [str(e)]:
            print(str(line), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        if batch:
            gc.enable()


# ---------------------------------------------------------------------------
# workspace commands


def cmd_init(args: argparse.Namespace) -> int:
    from reviewer.services.setup import init_workspace

    path = _need_workspace(args)
    report = init_workspace(path, args.criteria, args.applications, args.panel,
                            allow_criteria_change=args.allow_criteria_change,
                            update_applications=args.update_applications)
    verb = "作成しました" if report.created else "更新しました"
    print(f"ワークスペース {path} を{verb}。")
    print(f"  事業: 追加 {len(report.programs_added)}（{'、'.join(report.programs_added) or 'なし'}）"
          + (f"、基準を更新 {len(report.programs_changed)}" if report.programs_changed else ""))
    print(f"  申請: 追加 {report.applications_added}、更新 {report.applications_changed}、変更なし {report.applications_unchanged}")
    print(f"  評価者: {report.evaluators} 人、割当の追加: {report.assignments_added}")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from reviewer.present.text import table
    from reviewer.rules.assign import plan_assignment
    from reviewer.workspace.workspace import current_user

    if args.per_application < 1:
        raise UsageError("--per-application は 1 以上です")
    with _open(args) as ws:
        ws.program(args.program)
        keep, withdrawn = ws.assignment_state(args.program)
        plan = plan_assignment(list(ws.applications(args.program).values()), ws.panel(), args.program,
                               args.per_application, seed=args.seed, avoid_own_bureau=args.avoid_own_bureau,
                               keep=keep, excluded=withdrawn)
        if not args.dry_run:
            detail = (f"per_application={args.per_application} seed={args.seed} "
                      f"avoid_own_bureau={args.avoid_own_bureau} new={len(plan.pairs)} kept={len(plan.kept)}")
            ws.replace_assignments(args.program, plan.pairs, current_user(), detail)
        names = {e.id: e.name for e in ws.panel().evaluators}
        rows = [[eid, names.get(eid, ""), str(n)] for eid, n in sorted(plan.loads.items())]
        print(f"事業 {args.program}: 申請 {len(ws.applications(args.program))} 件に 1 件 {args.per_application} 人"
              f"（新規 {len(plan.pairs)}、採点票があるため維持 {len(plan.kept)}）"
              + ("（保存していません: --dry-run）" if args.dry_run else ""))
        print(table(["評価者", "氏名", "担当件数"], rows, right={2}))
        if plan.shortfalls:
            print(f"満たせなかった条件（{len(plan.shortfalls)} 件）:", file=sys.stderr)
            for line in plan.shortfalls:
                print(f"  {line}", file=sys.stderr)
    return 0


class Progress:
    """A one-line progress bar on stderr (only on a terminal, unless forced)."""

    def __init__(self, total: int, label: str, enabled: bool):
        self.total, self.label, self.enabled, self.done = total, label, enabled and total > 0, 0

    def clear(self) -> None:
        """Clear the bar's line before other output is printed on the terminal."""
        if self.enabled and self.done < self.total:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    def step(self) -> None:
        self.done += 1
        if self.enabled:
            filled = int(30 * self.done / self.total)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}")
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


RESULT_LABELS = {"created": "新規", "updated": "更新", "submitted": "提出", "replaced": "差し替え", "unchanged": "変更なし"}


class _FileRoster:
    """The workspace as the roster of one score file: each evaluator's assignments are read
    once for the file instead of once a sheet."""

    def __init__(self, ws):
        self.ws = ws
        self.rows: dict[tuple[str, str], dict] = {}

    def evaluator_problem(self, evaluator_id: str, program_id: str) -> str | None:
        return self.ws.evaluator_problem(evaluator_id, program_id)

    def assignment_problem(self, evaluator_id: str, app) -> str | None:
        key = (app.program, evaluator_id)
        if key not in self.rows:
            self.rows[key] = self.ws.assignment_rows(*key)
        return self.ws.assignment_problem(evaluator_id, app, rows=self.rows[key])


def cmd_import_scores(args: argparse.Namespace) -> int:
    from reviewer.domain.vocabulary import FILE_KIND_LABELS
    from reviewer.files.load import Problem, detect_kind, load_doc, read_toml, toml_files
    from reviewer.rules.sheets import score_file_problems
    from reviewer.workspace.workspace import WorkspaceError, current_user

    files, missing = toml_files(list(args.files))
    failed = len(missing)
    for p in missing:
        print(str(p), file=sys.stderr)
    with _open(args) as ws:
        programs = ws.programs()
        progress = Progress(len(files), "採点票の取り込み", sys.stderr.isatty() or args.progress)
        for path in files:
            problems: list = []
            doc, text, problems = read_toml(path)
            item = None
            if doc is not None:
                kind = detect_kind(doc)
                if kind != "scores":
                    problems = [Problem(str(path), None, "", f"採点票ではありません（{FILE_KIND_LABELS[kind]}のファイルです）")]
                else:
                    item, problems = load_doc(str(path), doc, text, "scores")
            if item is not None:
                sf = item.obj
                apps = {sf.program: ws.applications(sf.program, sections=False)} if sf.program in programs else {}
                problems = score_file_problems(sf, item, programs, apps, _FileRoster(ws))
            if not problems:
                try:
                    counts = ws.import_sheets(sf.program, sf.evaluator, sf.sheets, current_user(),
                                              replace=args.replace, detail=f"import {path}")
                except WorkspaceError as e:
                    i = getattr(e, "index", None)
                    loc = ("sheets", i, "application") if i is not None else ()
                    from reviewer.files.load import line_of, sheet_field

                    problems = [Problem(str(path), line_of(item.lines, loc) if loc else None,
                                        sheet_field(item.doc)(loc) if loc else "", m) for m in e.messages]
            progress.clear()
            if problems:
                failed += 1
                for p in problems:
                    print(str(p), file=sys.stderr)
                progress.step()
                continue
            summary = "、".join(f"{RESULT_LABELS[k]} {v}" for k, v in counts.items()) or "採点票なし"
            print(f"取り込みました: {path}（{summary}）", flush=True)
            progress.step()
    if failed:
        print(f"{failed} 件のファイルを取り込めませんでした（そのファイルは何も変更していません）。", file=sys.stderr)
        return 1
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from reviewer.services.template import render_template
    from reviewer.workspace.workspace import WorkspaceError

    with _open(args) as ws:
        ev = ws.evaluator(args.evaluator)
        program = args.program
        if program is None:
            if len(ev.programs) != 1:
                raise UsageError(f"評価者 {ev.id} は複数の事業（{'、'.join(ev.programs)}）を担当しています。--program で指定してください")
            program = ev.programs[0]
        if program not in ev.programs:
            raise WorkspaceError(f"評価者 {ev.id} は事業 {program} の評価者ではありません")
        text = render_template(ws, ev.id, program)
    out = Path(args.output)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(f"{out}: 書き込めません（{e.strerror or e}）") from None
    print(f"採点票テンプレートを書き出しました: {out}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    import json

    from reviewer.present.text import table
    from reviewer.workspace.workspace import Counts

    with _open(args) as ws:
        programs = [ws.program(args.program).id] if args.program else list(ws.programs())
        names = {e.id: e.name for e in ws.panel().evaluators}
        result = []
        for pid in programs:
            apps = {r["id"]: r for r in ws.application_rows(pid)}
            progress = ws.progress(pid)
            none = Counts(0, 0, 0)
            result.append({
                "program": pid,
                "evaluators": [{"evaluator": ev, "name": names.get(ev, ""), "assigned": c.assigned,
                                "not_started": c.not_started, "drafted": c.drafted, "submitted": c.submitted}
                               for ev, c in progress.by_evaluator.items()],
                "applications": [{"application": aid, "applicant": row["applicant"], "bureau": row["bureau"],
                                  **progress.by_application.get(aid, none)._asdict()}
                                 for aid, row in apps.items()],
            })
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    for block in result:
        prog = block["program"]
        total = sum(e["assigned"] for e in block["evaluators"])
        done = sum(e["submitted"] for e in block["evaluators"])
        pct = f"{100 * done / total:.0f}%" if total else "-"
        print(f"■ {prog}  提出済 {done} / 割当 {total}（{pct}）")
        print(table(["評価者", "氏名", "割当", "未着手", "下書き", "提出済", "進捗"],
                    [[e["evaluator"], e["name"], str(e["assigned"]), str(e["not_started"]), str(e["drafted"]),
                      str(e["submitted"]), f"{100 * e['submitted'] / e['assigned']:.0f}%" if e["assigned"] else "-"]
                     for e in block["evaluators"]], right={2, 3, 4, 5, 6}))
        print()
        print(table(["申請ID", "申請者", "総合通信局", "割当", "下書き", "提出済"],
                    [[a["application"], a["applicant"], a["bureau"], str(a["assigned"]), str(a["drafted"]),
                      str(a["submitted"])] for a in block["applications"]],
                    right={3, 4, 5}, max_width={1: 30}))
        print()
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    from reviewer.workspace.workspace import current_user

    with _open(args) as ws:
        ws.program(args.program)
        ws.reopen_sheet(args.program, args.application, args.evaluator,
                        actor=f"{args.chair} ({current_user()})", reason=args.reason, chair=args.chair)
    print(f"差し戻しました: {args.program} / {args.application} / {args.evaluator}")
    return 0


AUDIT_LABELS = {
    "init": "初期化", "criteria-add": "審査基準の登録", "criteria-change": "審査基準の変更",
    "application-add": "申請の登録", "application-change": "申請の差し替え", "panel-load": "評価者名簿の読込",
    "assign": "自動割当", "sheet-create": "採点票の作成", "sheet-update": "採点票の更新", "sheet-submit": "採点票の提出",
    "sheet-reopen": "差し戻し", "conflict-declared": "利害関係の申出", "export": "Excel 書き出し",
    "session-start": "端末アプリの起動", "application-open": "申請の閲覧",
}


def cmd_audit(args: argparse.Namespace) -> int:
    import json

    from reviewer.present.text import clean

    with _open(args) as ws:
        rows = ws.audit(args.program, args.application, args.evaluator)
        for r in rows:
            if args.json:
                print(json.dumps({k: r[k] for k in r.keys()}, ensure_ascii=False))
                continue
            target = " / ".join(x for x in (r["program"], r["application"], r["evaluator"]) if x)
            line = f"{r['seq']:>6}  {r['at']}  {clean(r['actor'])}  {AUDIT_LABELS.get(r['action'], r['action'])}"
            if target:
                line += f"  {target}"
            if r["detail"]:
                line += f"  {clean(r['detail'])[:200]}"
            print(line)
    return 0


# ---------------------------------------------------------------------------
# results


def _score(args: argparse.Namespace):
    from reviewer.scoring import score_workspace

    with _open(args) as ws:
        ws.program(args.program)
        return score_workspace(ws, args.program, method=args.method, budget_yen=args.budget, comments=False)


def cmd_rank(args: argparse.Namespace) -> int:
    import json

    from reviewer.domain.vocabulary import BALANCE_LABELS, FIELD_KIND_LABELS, METHOD_LABELS
    from reviewer.present import result as words
    from reviewer.present.text import table

    result = _score(args)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    prog = result.program
    print(f"{prog.name}（{prog.id}）")
    print(f"集計方法: {METHOD_LABELS[result.method]}　{words.budget_text(result, args.budget is not None)}"
          f"　申請額合計（自動審査通過分）: {words.yen(result.demand_yen)}" + ("　予算超過" if result.oversubscribed else ""))
    if words.bonus_names(prog):
        print(f"自動加点（{words.bonus_names(prog)}）: {words.bonus_state(result)}")
    headers = ["順位", "申請ID", "申請者", "総合通信局", "得点率", "加点", "合計", "評価数", "申請額", "採択候補", "注記"]
    rows: list[list[str]] = []
    cut = result.cut_rank
    lines_after: dict[int, str] = {}
    for a in result.applications:
        rows.append([str(a.rank) if a.rank else "-", a.id, a.applicant, a.bureau, words.rate(a.score_rate),
                     words.points(a.bonus), words.rate(a.total), str(a.reviews), f"{a.requested_subsidy_yen:,}",
                     words.SELECTED_SHORT if a.selected else "", " ".join(words.notes(a, prog))])
        if cut is not None and a.rank == cut:
            lines_after[len(rows) - 1] = f"==== {words.cut_line(result)} ===="
    text = table(headers, rows, right={0, 4, 5, 6, 7, 8}, max_width={2: 24})
    out = text.splitlines()
    for i, line in enumerate(out):
        print(line)
        if i - 2 in lines_after:
            print(lines_after[i - 2])
    print()
    print("地域バランス")
    print(table(["総合通信局", "申請", "対象", "採択候補", "下限", "上限", "状態"],
                [[b.bureau, str(b.applications), str(b.eligible), str(b.selected),
                  "-" if b.min is None else str(b.min), "-" if b.max is None else str(b.max),
                  BALANCE_LABELS[b.status]] for b in result.balance], right={1, 2, 3, 4, 5}))
    if result.field_balance:
        share = prog.selection.max_field_share
        print()
        print("分野バランス" + (f"（採択候補に占める割合の上限 {share:.0%}）" if share else ""))
        print(table(["区分", "番号", "名称", "申請", "対象", "採択候補", "割合", "偏り"],
                    [[FIELD_KIND_LABELS[f.kind], f.key, f.name, str(f.applications), str(f.eligible),
                      str(f.selected), "-" if f.share is None else f"{f.share:.0%}", "偏りあり" if f.flagged else ""]
                     for f in result.field_balance], right={3, 4, 5, 6}, max_width={2: 30}))
    ag = result.agreement
    if ag.alpha is not None:
        print(f"\n評価者間の一致度（Krippendorff の α、間隔尺度）: {words.agreement_text(ag)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reviewer.excel import write_workbook
    from reviewer.scoring import score_workspace
    from reviewer.workspace.workspace import WorkspaceError, current_user

    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise UsageError("--output は .xlsx のファイル名です")
    with _open(args) as ws:
        ws.program(args.program)
        result = score_workspace(ws, args.program, method=args.method, budget_yen=args.budget)
        try:
            write_workbook(result, out)
        except OSError as e:
            raise WorkspaceError(f"{out}: 書き込めません（{e.strerror or e}）") from None
        ws.record(current_user(), "export", args.program,
                  detail=f"{out.resolve()} method={args.method} budget={result.budget_yen}")
    print(f"Excel ワークブックを書き出しました: {out}")
    return 0


# ---------------------------------------------------------------------------
# the terminal app


def cmd_tui(args: argparse.Namespace) -> int:
    from reviewer.tui.app import run

    return run(_need_workspace(args), args.evaluator, mouse=args.mouse)


def demo_workspace(path: Path) -> None:
    """A workspace made from the shipped criteria, samples, panel and score sheets."""
    from reviewer.files.load import toml_files
    from reviewer.services.setup import init_workspace
    from reviewer.shipped import criteria_dir, samples_dir
    from reviewer.workspace.workspace import Workspace, current_user

    samples = samples_dir()
    init_workspace(path, criteria_dir(), samples, samples / "panel.toml", actor="demo")
    from reviewer.files.load import load_doc, read_toml

    with Workspace.open(path) as ws:
        files, _ = toml_files([samples / "scores"])
        for f in files:
            doc, text, problems = read_toml(f)
            item, problems = load_doc(str(f), doc, text, "scores")
            sf = item.obj
            ws.import_sheets(sf.program, sf.evaluator, sf.sheets, actor=f"demo ({current_user()})", detail=f"demo {f.name}")


def cmd_demo(args: argparse.Namespace) -> int:
    import tempfile

    from reviewer.tui.app import run

    with tempfile.TemporaryDirectory(prefix="reviewer-demo-") as tmp:
        ws = Path(tmp) / "workspace"
        demo_workspace(ws)
        from reviewer.workspace.workspace import Workspace

        with Workspace.open(ws) as w:
            chair = next(e.id for e in w.panel().evaluators if e.role == "chair")
        return run(ws, chair, demo=True, mouse=args.mouse, export_dir=Path.cwd())


def reviewer_executable() -> str:
    import shutil

    exe = Path(sys.argv[0])
    if exe.name == "reviewer" and exe.exists():
        return str(exe.resolve())
    found = shutil.which("reviewer", path=str(Path(sys.executable).parent)) or shutil.which("reviewer")
    import shlex

    return shlex.quote(str(Path(found).resolve())) if found else f"{shlex.quote(sys.executable)} -m reviewer"


def authorized_keys_lines(ws, reviewer: str) -> list[str]:
    """One line per key: the key may run only this evaluator's app (restrict: no forwarding,
    no agent, no X11, no user rc; pty: a terminal for the app). The command ignores whatever
    the client asks to run."""
    import shlex

    workspace = str(Path(ws.path).resolve())
    lines = []
    for ev in ws.panel().evaluators:
        for key in ev.ssh_public_keys:
            command = f"{reviewer} tui --workspace {shlex.quote(workspace)} --evaluator {shlex.quote(ev.id)}"
            option = command.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'command="{option}",restrict,pty {key}')
    return lines


def cmd_authorized_keys(args: argparse.Namespace) -> int:
    import shlex

    reviewer = shlex.quote(args.reviewer) if args.reviewer else reviewer_executable()
    with _open(args) as ws:
        lines = authorized_keys_lines(ws, reviewer)
    if not lines:
        print("評価者名簿に ssh_public_keys がありません。", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0
