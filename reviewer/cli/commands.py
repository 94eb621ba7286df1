"""The subcommands: parse → service → print. Messages on stderr, one per problem; every word
of a result comes from ``reviewer.present``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reviewer.present.text import clean, json_text
from reviewer.services.workspaces import Workspace, open_workspace_at


class UsageError(Exception):
    pass


def need_workspace(args: argparse.Namespace) -> Path:
    if not args.workspace:
        raise UsageError("--workspace（または環境変数 REVIEWER_WORKSPACE）でワークスペースを指定してください")
    return Path(args.workspace)


#: The commands that only read the workspace: they open a database they cannot write (a
#: read-only file, folder or copy) read-only instead of refusing it.
READ_ONLY_COMMANDS = frozenset({"status", "rank", "audit", "template", "authorized-keys", "calibration", "conflicts",
                                "requests", "decisions"})


def open_workspace(args: argparse.Namespace) -> Workspace:
    return open_workspace_at(need_workspace(args), readonly=getattr(args, "command", None) in READ_ONLY_COMMANDS)


def actor() -> str:
    from reviewer.services.workspaces import current_user

    return current_user()


#: The most ids an unknown-id message lists.
LISTED_IDS = 12


def listed(ids: list[str]) -> str:
    """Ids for a message: all of them, or the first ``LISTED_IDS`` and how many more."""
    shown = "、".join(ids[:LISTED_IDS]) or "なし"
    return shown + (f" ほか {len(ids) - LISTED_IDS} 件" if len(ids) > LISTED_IDS else "")


def known_ids(ws: Workspace, program: str | None = None, application: str | None = None,
              evaluator: str | None = None) -> None:
    """Refuse (``WorkspaceError``, exit status 1) an id the workspace does not have, naming it
    and the valid ones: a filter with a mistyped id would otherwise show nothing at all."""
    from reviewer.services.errors import WorkspaceError

    if program is not None:
        ws.program(program)  # names the registered programs
    if evaluator is not None:
        ids = [p.id for p in ws.people()]
        if evaluator not in ids:
            raise WorkspaceError(f"評価者 {evaluator} は評価者名簿にありません（名簿の評価者 ID: {listed(ids)}）")
    if application is not None:
        programs = [program] if program is not None else list(ws.program_names())
        if not any(application == row.id for p in programs for row in ws.application_rows(p)):
            where = f"事業 {program} " if program is not None else "このワークスペース"
            raise WorkspaceError(f"申請 {application} は{where}にありません"
                                 "（申請 ID の一覧は reviewer status --workspace W で見られます）")


# -- files ----------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from reviewer.domain.vocabulary import FILE_KIND_LABELS, FILE_KINDS
    from reviewer.services.validation import BrokenInstallation, validate

    try:
        bundle = validate(list(args.paths), list(args.criteria), shipped=not args.no_shipped_criteria)
    except BrokenInstallation as e:
        for p in e.problems:
            print(clean(str(p)), file=sys.stderr)
        return 1
    for p in bundle.problems:
        print(clean(str(p)), file=sys.stderr)
    if bundle.problems:
        print(f"問題が {len(bundle.problems)} 件あります。", file=sys.stderr)
        return 1
    if not args.quiet:
        counts = "、".join(f"{FILE_KIND_LABELS[k]} {bundle.count(k)} 件" for k in FILE_KINDS if bundle.count(k))
        print(f"問題はありません（{counts or 'ファイル 0 件'}）。")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from reviewer.services.errors import InitError
    from reviewer.services.setup import init_workspace

    path = need_workspace(args)
    try:
        report = init_workspace(path, args.criteria, args.applications, args.panel,
                                allow_criteria_change=args.allow_criteria_change,
                                update_applications=args.update_applications)
    except InitError as e:
        e.problems = once_per_missing_path(list(e.problems or []))
        raise
    verb = "作成しました" if report.created else "更新しました"
    print(f"ワークスペース {path} を{verb}。")
    print(f"  事業: 追加 {len(report.programs_added)}（{'、'.join(report.programs_added) or 'なし'}）"
          + (f"、基準を更新 {len(report.programs_changed)}" if report.programs_changed else ""))
    print(f"  申請: 追加 {report.applications_added}、更新 {report.applications_changed}、"
          f"変更なし {report.applications_unchanged}")
    print(f"  評価者: {report.evaluators} 人、割当の追加: {report.assignments_added}")
    return 0


def cmd_import_scores(args: argparse.Namespace) -> int:
    from reviewer.cli.progress import ProgressBar
    from reviewer.files.load import toml_files
    from reviewer.services.scores import import_score_file

    files, missing = toml_files(list(args.files))
    failed = len(missing)
    for p in missing:
        print(clean(str(p)), file=sys.stderr)
    with open_workspace(args) as ws:
        bar = ProgressBar(len(files), "採点票の取り込み", sys.stderr.isatty() or args.progress)
        for path in files:
            outcome = import_score_file(ws, path, actor(), replace=args.replace)
            bar.clear()
            if outcome.problems:
                failed += 1
                for p in outcome.problems:
                    print(clean(str(p)), file=sys.stderr)
            else:
                print(f"取り込みました: {path}（{sheet_counts_text(outcome.counts)}）", flush=True)
            bar.step()
    if failed:
        print(f"{failed} 件のファイルを取り込めませんでした（そのファイルは何も変更していません）。", file=sys.stderr)
        return 1
    return 0


#: What importing one sheet did (``Workspace.write_sheet``), as the summary of a file words it.
SUBMITTED, CREATED, UPDATED, REPLACED, UNCHANGED = "submitted", "created", "updated", "replaced", "unchanged"


def sheet_counts_text(counts: dict[str, int]) -> str:
    """One file's import, each count named for what it is: sheets now submitted (new, or a
    draft submitted), drafts (newly made, or a draft changed), submitted sheets replaced
    (--replace) and sheets that were already so."""
    parts = []
    if counts.get(SUBMITTED):
        parts.append(f"提出済み {counts[SUBMITTED]} 件")
    drafts = [(words, counts.get(kind, 0)) for kind, words in ((CREATED, "新しく作成"), (UPDATED, "更新"))]
    if any(n for _, n in drafts):
        parts.append(f"下書き {sum(n for _, n in drafts)} 件（" + "、".join(f"{w} {n} 件" for w, n in drafts if n) + "）")
    if counts.get(REPLACED):
        parts.append(f"提出済みを差し替え {counts[REPLACED]} 件")
    if counts.get(UNCHANGED):
        parts.append(f"変更なし {counts[UNCHANGED]} 件")
    return "、".join(parts) or "採点票なし"


def once_per_missing_path(problems: list[Any]) -> list[Any]:
    """Problems without the generic "not found" of a path another problem already names
    (the panel file is checked by init and again when it is read)."""
    named = {getattr(p, "path", None) for p in problems if getattr(p, "message", "") != NOT_FOUND}
    return [p for p in problems if not (getattr(p, "message", "") == NOT_FOUND and getattr(p, "path", None) in named)]


#: ``reviewer.files.load``'s problem for a path that is neither a file nor a folder.
NOT_FOUND = "ファイルもフォルダも見つかりません"


def cmd_template(args: argparse.Namespace) -> int:
    from reviewer.files.private import private_file
    from reviewer.services.errors import WorkspaceError
    from reviewer.services.panel import template_for

    with open_workspace(args) as ws:
        known_ids(ws, evaluator=args.evaluator)
        text = template_for(ws, args.evaluator, args.program, args.stage)
    out = Path(args.output)
    try:
        with private_file(out, "w", encoding="utf-8") as (f, _):
            f.write(text)
    except OSError as e:
        raise WorkspaceError(f"{out}: 書き込めません（{e.strerror or e}）") from None
    print(f"採点票テンプレートを書き出しました: {out}")
    return 0


def cmd_intake(args: argparse.Namespace) -> int:
    """The office's list and the files folder → application files (SPEC §6.8)."""
    from reviewer.cli.progress import ProgressBar
    from reviewer.services.intake import intake

    bars: list[ProgressBar] = []

    def progress(total: int) -> Any:
        bars.append(ProgressBar(total, "提出ファイルの読み込み", sys.stderr.isatty() or args.progress))
        return bars[-1].step

    try:
        report = intake(args.program, args.list, args.files, args.output, criteria=list(args.criteria),
                        progress=progress)
    finally:
        for bar in bars:
            bar.clear()
    for note in report.notes:
        print(clean(f"注意: {note}"), file=sys.stderr)
    print(f"申請 {report.applications} 件を書き出しました（添付ファイル {report.attachments} 件）: {report.output}")
    return 0


def cmd_intake_template(args: argparse.Namespace) -> int:
    from reviewer.services.intake import write_template

    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise UsageError("--output は .xlsx のファイル名です")
    write_template(args.program, out, criteria=list(args.criteria))
    print(f"申請一覧のひな形を書き出しました: {out}")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from reviewer.synth import cmd_synth as run

    return run(args)


# -- the panel ----------------------------------------------------------------------------


def cmd_assign(args: argparse.Namespace) -> int:
    from reviewer.present.text import table
    from reviewer.services.panel import assign, names

    if args.per_application < 1:
        raise UsageError("--per-application は 1 以上です")
    with open_workspace(args) as ws:
        plan = assign(ws, args.program, args.per_application, actor(), seed=args.seed,
                      avoid_own_bureau=args.avoid_own_bureau, dry_run=args.dry_run)
        who = names(ws)
    count = plan.applications
    rows = [[eid, who.get(eid, ""), str(n)] for eid, n in sorted(plan.loads.items())]
    print(f"事業 {args.program}: 申請 {count} 件に 1 件 {args.per_application} 人"
          f"（新規 {len(plan.pairs)}、採点票があるため維持 {len(plan.kept)}）"
          + ("（保存していません: --dry-run）" if args.dry_run else ""))
    print(table(["評価者", "氏名", "担当件数"], rows, right={2}))
    if plan.shortfalls:
        print(f"満たせなかった条件（{len(plan.shortfalls)} 件）:", file=sys.stderr)
        for line in plan.shortfalls:
            print(f"  {line}", file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from reviewer.present.result import percent_done, progress_line
    from reviewer.present.text import table
    from reviewer.services.panel import status_report

    with open_workspace(args) as ws:
        result = status_report(ws, args.program)
    if args.json:
        print(json_text(result, indent=2))
        return 0
    for block in result:
        total = sum(e["assigned"] for e in block["evaluators"])
        done = sum(e["submitted"] for e in block["evaluators"])
        print(f"■ {block['program']}  {progress_line(done, total)}")
        print(table(["評価者", "氏名", "割当", "未着手", "下書き", "提出済", "進捗"],
                    [[e["evaluator"], e["name"], str(e["assigned"]), str(e["not_started"]), str(e["drafted"]),
                      str(e["submitted"]), percent_done(e["submitted"], e["assigned"])]
                     for e in block["evaluators"]], right={2, 3, 4, 5, 6}))
        print()
        print(table(["申請ID", "申請者", "総合通信局", "割当", "下書き", "提出済"],
                    [[a["application"], a["applicant"], a["bureau"], str(a["assigned"]), str(a["drafted"]),
                      str(a["submitted"])] for a in block["applications"]],
                    right={3, 4, 5}, max_width={1: 30}))
        print()
        _second_half_status(block)
    return 0


def _second_half_status(block: dict) -> None:
    """The hearing's progress, the open requests and the result's state (SPEC §6.4, §6.7)."""
    from reviewer.present.review import state_label, when_heard
    from reviewer.present.text import table

    if block["hearing"]:
        done = sum(h["submitted"] for h in block["hearing"])
        total = sum(h["assigned"] for h in block["hearing"])
        print(f"ヒアリング: 対象 {len(block['hearing'])} 件、採点票 提出 {done} / 割当 {total}")
        print(table(["申請ID", "日時", "場所", "割当", "下書き", "提出済"],
                    [[h["application"], when_heard(h["scheduled"]), h["place"], str(h["assigned"]), str(h["drafted"]),
                      str(h["submitted"])] for h in block["hearing"]], right={3, 4, 5}, max_width={2: 40}))
    print(f"追加資料の回答待ち: {block['open_requests']} 件　評価結果: {state_label(block['finalized'])}")
    print()


def cmd_calibration(args: argparse.Namespace) -> int:
    """An evaluator's own submitted sheets: rates, mean, spread, item means."""
    from dataclasses import asdict

    from reviewer.present import calibration as words
    from reviewer.present.text import table
    from reviewer.services.calibration import calibration

    with open_workspace(args) as ws:
        known_ids(ws, evaluator=args.evaluator)  # an unknown id is told, not an empty result
        c = calibration(ws, args.evaluator)
    if args.json:
        print(json_text(asdict(c), indent=2))
        return 0
    print(words.TITLE)
    if c.empty:
        print(words.EMPTY)
        return 0
    print(words.summary_line(c))
    print(words.NOTE)
    print()
    print(table(words.SHEET_HEADERS, words.sheet_rows(c), right={2}, max_width={1: 40}))
    print()
    print(words.CRITERIA_TITLE)
    print(table(words.CRITERIA_HEADERS, words.criterion_rows(c), right={1, 2}, max_width={0: 50}))
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    from reviewer.services.sheets import reopen_sheet

    with open_workspace(args) as ws:
        known_ids(ws, args.program, args.application, args.evaluator)
        reopen_sheet(ws, args.program, args.application, args.evaluator, actor=f"{args.chair} ({actor()})",
                     reason=args.reason, chair=args.chair, stage=args.stage)
    stage = "（ヒアリング）" if args.stage == "hearing" else ""
    print(f"差し戻しました{stage}: {args.program} / {args.application} / {args.evaluator}")
    return 0


def cmd_reassign(args: argparse.Namespace) -> int:
    from reviewer.services.assignments import assign_evaluator

    with open_workspace(args) as ws:
        known_ids(ws, args.program, args.application, args.evaluator)
        assign_evaluator(ws, args.program, args.application, args.evaluator, chair=args.chair,
                         reason=args.reason, actor=f"{args.chair} ({actor()})")
        name = ws.person(args.evaluator).name
    print(f"割り当てました: {args.program} / {args.application} / {args.evaluator}（{clean(name)}）")
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from reviewer.present.text import jst, table
    from reviewer.services.assignments import declarations

    with open_workspace(args) as ws:
        found = declarations(ws, args.program)
    if args.json:
        print(json_text([d._asdict() for d in found], indent=2))
        return 0
    if not found:
        print(f"事業 {args.program}: 利害関係の申出はありません。")
        return 0
    print(f"事業 {args.program}: 利害関係の申出 {len(found)} 件（新しい順。割当: その申請のいまの割当の数）")
    print(table(["評価者", "氏名", "申請ID", "申請者", "理由", "申出日時（日本時間）", "割当"],
                [[d.evaluator, d.name, d.application, d.applicant, d.reason, jst(d.at), str(d.assigned)]
                 for d in found], right={6}, max_width={3: 30, 4: 40}))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    if args.verify:
        return verify_audit(args)
    from reviewer.domain.vocabulary import AUDIT_LABELS
    from reviewer.services.panel import audit_entries

    with open_workspace(args) as ws:
        known_ids(ws, args.program, args.application, args.evaluator)  # an unknown id is told, not an empty log
        entries = audit_entries(ws, args.program, args.application, args.evaluator)
    for r in entries:
        if args.json:  # one object a line; control, C1 and bidi characters escaped as \uXXXX
            print(json_text(r.as_dict()))
            continue
        target = " / ".join(x for x in (r.program, r.application, r.evaluator) if x)
        line = f"{r.seq:>6}  {r.at}  {clean(r.actor)}  {AUDIT_LABELS.get(r.action, r.action)}"
        if target:
            line += f"  {target}"
        if r.detail:
            line += f"  {clean(r.detail)[:200]}"
        print(line)
    return 0


def verify_audit(args: argparse.Namespace) -> int:
    from reviewer.services.panel import verify_audit as verify

    with open_workspace(args) as ws:
        check = verify(ws)
    if check.ok:
        print(f"監査ログの連鎖は正しくつながっています（{check.entries} 件、最新の記録のハッシュ {check.head}）。")
        return 0
    print(f"監査ログの seq {check.bad_seq} が連鎖に合いません: {check.problem}。"
          f"それより前の記録（{check.entries - 1} 件）は連鎖のとおりです。", file=sys.stderr)
    return 1


def reviewer_executable() -> str:
    """The command that starts this reviewer, quoted for the shell sshd runs it with."""
    import shlex
    import shutil

    exe = Path(sys.argv[0])
    if exe.name == "reviewer" and exe.exists():
        return shlex.quote(str(exe.resolve()))
    found = shutil.which("reviewer", path=str(Path(sys.executable).parent)) or shutil.which("reviewer")
    return shlex.quote(str(Path(found).resolve())) if found else f"{shlex.quote(sys.executable)} -m reviewer"


def cmd_authorized_keys(args: argparse.Namespace) -> int:
    import shlex

    from reviewer.services.panel import authorized_keys_lines

    reviewer = shlex.quote(args.reviewer) if args.reviewer else reviewer_executable()
    with open_workspace(args) as ws:
        lines = authorized_keys_lines(ws, reviewer, args.sftp_server)
    if not lines:
        print("評価者名簿に ssh_public_keys がありません。", file=sys.stderr)
        return 1
    if any(" download --workspace " in line for line in lines):
        from reviewer.services.download import confinement_problem

        problem = confinement_problem()
        if problem:
            print(f"注意: {problem}。ダウンロード用の鍵での接続は断られます。", file=sys.stderr)
    for line in lines:
        print(line)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """SQLite's online backup of the workspace into a new file (SPEC: the administrator's guide)."""
    from reviewer.services.backup import backup_workspace

    print(f"バックアップを書き出しました: {backup_workspace(need_workspace(args), args.output)}")
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    from reviewer.services.download import serve_downloads

    serve_downloads(need_workspace(args), args.sftp_server)  # replaces this process (or raises)


# -- results ----------------------------------------------------------------------------


def scoring_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options of ``rank`` and ``export`` beyond the method and the budget."""
    return {"selection": args.selection, "resamples": args.resamples, "seed": args.seed, "compare": args.compare}


def cmd_rank(args: argparse.Namespace) -> int:
    from reviewer.cli.ranking import print_ranking
    from reviewer.services.results import score_workspace

    with open_workspace(args) as ws:
        result = score_workspace(ws, args.program, method=args.method, budget_yen=args.budget, comments=False,
                                 **scoring_options(args))
    if args.json:
        print(json_text(result.to_json(), indent=2))
    else:
        print_ranking(result, what_if=args.budget is not None)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reviewer.services.results import export_to_folder, export_workbook

    out = Path(args.output) if args.output else None
    if out and out.suffix.lower() != ".xlsx":
        raise UsageError("--output は .xlsx のファイル名です")
    with open_workspace(args) as ws:
        if out:
            export_workbook(ws, args.program, out, actor(), method=args.method, budget_yen=args.budget,
                            anonymous=args.anonymous, **scoring_options(args))
        else:
            out = export_to_folder(ws, args.program, actor(), method=args.method, budget_yen=args.budget,
                                   anonymous=args.anonymous, **scoring_options(args)).path
    print(f"Excel ワークブックを書き出しました: {out}")
    return 0


# -- the terminal app ---------------------------------------------------------------------


def cmd_tui(args: argparse.Namespace) -> int:
    from reviewer.tui.app import run

    return run(need_workspace(args), args.evaluator, mouse=args.mouse)


def cmd_demo(args: argparse.Namespace) -> int:
    import tempfile

    from reviewer.services.setup import demo_workspace
    from reviewer.tui.app import run

    with tempfile.TemporaryDirectory(prefix="reviewer-demo-") as tmp:
        ws = Path(tmp) / "workspace"
        chair = demo_workspace(ws)
        return run(ws, chair, demo=True, mouse=args.mouse, export_dir=Path.cwd())
