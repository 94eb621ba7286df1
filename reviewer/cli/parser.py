"""The command line's arguments: one function per group of subcommands (a table of options,
in argparse's words)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from reviewer import __version__
from reviewer.cli.argtext import HELP_HELP, SHIPPED_IDS, HelpFormatter, japanese
from reviewer.domain.limits import DEFAULT_RESAMPLES, MAX_RESAMPLES
from reviewer.domain.vocabulary import METHOD_LABELS, METHODS, SELECTION_STRATEGIES


class Parser(argparse.ArgumentParser):
    """argparse in Japanese (``argtext``): the help, and usage errors with exit status 2 shown
    with the usage of the subcommand they are about. Every subcommand's parser is one too."""

    def __init__(self, prog: str | None = None, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(prog, add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", help=HELP_HELP)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 使い方の誤り: {japanese(message)}\n")

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        # the arguments a subcommand does not know are told with the subcommand's usage
        ns, extras = self.parse_known_args(args, namespace)
        if extras:
            subcommand_parser(self, getattr(ns, "command", None)).error(f"unrecognized arguments: {' '.join(extras)}")
        return ns


def subcommand_parser(parser: argparse.ArgumentParser, command: str | None) -> Parser:
    """The parser of ``command`` (or ``parser`` itself where there is none)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            found = action.choices[command]
            if isinstance(found, Parser):
                return found
    return parser if isinstance(parser, Parser) else Parser(prog=parser.prog)


Subparsers = Any  # argparse's _SubParsersAction, which it does not export


def build_parser() -> argparse.ArgumentParser:
    from reviewer import cli as c  # the package: a command replaced there (a test spy) is the one called

    parser = Parser(prog="reviewer", description="総務省 地域ICT補助事業の外部評価: 採点・集計・順位付け・Excel出力")
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}",
                        help="バージョンを表示して終わる")
    sub = parser.add_subparsers(dest="command", metavar="コマンド", parser_class=Parser, title="コマンド",
                                help="実行するコマンド（それぞれの説明は reviewer コマンド --help）")
    _input_commands(sub, c)
    _intake_commands(sub)
    _panel_commands(sub, c)
    _conflict_commands(sub, c)
    _ssh_commands(sub, c)
    _result_commands(sub, c)
    _hearing_commands(sub, c)
    _decision_commands(sub, c)
    _app_commands(sub, c)
    return parser


PROGRAM_HELP = "事業 ID"


def program_option(p: argparse.ArgumentParser, required: bool = True, help: str = PROGRAM_HELP) -> None:
    """``--program``: its help names the shipped programs' ids."""
    p.add_argument("--program", required=required, metavar="ID",
                   help=f"{help}。同梱の審査基準の事業: {SHIPPED_IDS}（ワークスペースの事業は reviewer status で）")


WORKSPACE_HELP = "ワークスペースのフォルダ（既定: 環境変数 REVIEWER_WORKSPACE）"


def workspace_option(p: argparse.ArgumentParser, help: str = WORKSPACE_HELP) -> None:
    p.add_argument("--workspace", type=Path, metavar="DIR", default=os.environ.get("REVIEWER_WORKSPACE") or None,
                   help=help)


def _yen(value: str) -> int:
    from reviewer.present.result import parse_yen

    try:
        return parse_yen(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _reason(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("差し戻しの理由を書いてください（空白だけの理由は受け付けません）")
    return value


def _assign_reason(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("割当の理由を書いてください（空白だけの理由は受け付けません）")
    return value


def _resamples(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"整数で指定してください（{value!r}）") from None
    if not 0 <= n <= MAX_RESAMPLES:
        raise argparse.ArgumentTypeError(f"0 以上 {MAX_RESAMPLES:,} 以下で指定してください（{value!r}）")
    return n


def _result_options(p: argparse.ArgumentParser) -> None:
    """The result scored: its budget, method and selection strategy (rank, export, decisions, finalize)."""
    p.add_argument("--budget", type=_yen, metavar="YEN", help="予算額（審査基準の値を上書き: 「もし予算が…なら」）")
    p.add_argument("--method", default="mean", choices=list(METHODS),
                   help="得点率の集計方法（既定: mean）: " + "、".join(f"{m} {METHOD_LABELS[m]}" for m in METHODS))
    p.add_argument("--selection", choices=list(SELECTION_STRATEGIES),
                   help="選定方式（審査基準の [selection] strategy を上書き: greedy 順に選ぶ、quota 下限を先に満たす、"
                        "optimal 最適化）")


def _scoring_options(p: argparse.ArgumentParser) -> None:
    _result_options(p)
    p.add_argument("--resamples", type=_resamples, default=DEFAULT_RESAMPLES, metavar="N",
                   help=f"順位の確かさ（期待順位・90%%区間・採択候補になる割合・境界域）を求める採点票の再標本の数"
                        f"（既定: {DEFAULT_RESAMPLES}、0 で求めない）")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="再標本の乱数の種（既定: 0。同じ種なら同じ結果）")
    p.add_argument("--compare", action="store_true",
                   help="3つの選定方式（greedy・quota・optimal）の採択候補を並べ、違う申請ごとに理由を示す")


def _input_commands(sub: Subparsers, c: Any) -> None:
    v = sub.add_parser("validate", help="審査基準・申請・評価者名簿・採点票のファイルを検査する", description=(
        "TOML ファイル（フォルダは再帰的に *.toml）を検査します。種類（審査基準・申請・評価者名簿・採点票）は内容から"
        "判別します。同梱の審査基準は常に読み込み、同じ事業 ID の審査基準ファイルを渡すとそちらを使います。"))
    v.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="検査するファイルまたはフォルダ（複数可）")
    v.add_argument("--criteria", type=Path, action="append", default=[], metavar="DIR",
                   help="追加の審査基準ファイルまたはフォルダ（複数可）")
    v.add_argument("--no-shipped-criteria", action="store_true", help="同梱の審査基準を読み込まない")
    v.add_argument("-q", "--quiet", action="store_true", help="成功時の要約を表示しない")
    v.set_defaults(func=c.cmd_validate)

    i = sub.add_parser("init", help="ワークスペースを作成する（再実行で新しい申請・評価者を追加）",
                       description="審査基準・申請・評価者名簿からワークスペース（SQLite）を作成します。"
                                   "既存のワークスペースに再実行すると、新しい申請と評価者を追加します。")
    workspace_option(i)
    i.add_argument("--criteria", type=Path, required=True, metavar="DIR", help="審査基準のフォルダ")
    i.add_argument("--applications", type=Path, required=True, metavar="DIR", help="申請のフォルダ（再帰的に *.toml）")
    i.add_argument("--panel", type=Path, required=True, metavar="FILE", help="評価者名簿（panel.toml）")
    i.add_argument("--allow-criteria-change", action="store_true",
                   help="登録済みの審査基準と内容が異なるとき、新しい内容で置き換える")
    i.add_argument("--update-applications", action="store_true",
                   help="登録済みの申請と内容が異なるとき、新しい内容で置き換える")
    i.set_defaults(func=c.cmd_init)

    m = sub.add_parser("import-scores", help="採点票（TOML）を取り込む",
                       description="採点票をファイルごとに全部か無しかで取り込みます。同じ内容の再取り込みは何も変えません。")
    workspace_option(m)
    m.add_argument("files", nargs="+", type=Path, metavar="FILE", help="採点票ファイル（フォルダは再帰的に *.toml）")
    m.add_argument("--replace", action="store_true", help="提出済みの採点票を異なる内容で上書きする")
    m.add_argument("--progress", action="store_true", help="端末でなくても進捗を表示する")
    m.set_defaults(func=c.cmd_import_scores)

    t = sub.add_parser("template", help="評価者の採点票テンプレートを書き出す")
    workspace_option(t)
    t.add_argument("--evaluator", required=True, metavar="ID", help="採点票を書く評価者の ID（評価者名簿の id）")
    program_option(t, required=False, help="事業 ID（評価者が複数の事業を担当するときに指定）")
    t.add_argument("--output", type=Path, required=True, metavar="FILE", help="書き出す採点票ファイル（.toml）")
    t.add_argument("--stage", choices=["written", "hearing"], default="written",
                   help="written: 書面審査の採点票（既定）、hearing: ヒアリングの対象の申請のヒアリングの採点票")
    t.set_defaults(func=c.cmd_template)

    # synth's module loads pydantic: its parser lives here so that building the parser stays light
    sy = sub.add_parser("synth", help="ベンチマーク・デモ用の合成ワークスペースを作る",
                        description="実在の自治体に分散した合成の申請、評価者名簿、割当、提出済みの採点票を持つワークスペースを"
                                    "作ります（同じ種なら同じ内容）。監査ログは一括登録ごとに1行の要約です。")
    workspace_option(sy, "作成するワークスペースのフォルダ（存在しないか空のフォルダ。既定: 環境変数 REVIEWER_WORKSPACE）")
    program_option(sy)
    sy.add_argument("--applications", type=int, required=True, metavar="N", help="申請数")
    sy.add_argument("--evaluators", type=int, required=True, metavar="E", help="評価者数（委員長は別に1人）")
    sy.add_argument("--reviews-per-application", type=int, required=True, metavar="K", help="1件あたりの評価者数（E 以下）")
    sy.add_argument("--seed", type=int, default=0, metavar="N", help="乱数の種（既定: 0）")
    sy.add_argument("--criteria", type=Path, metavar="DIR", help="審査基準のフォルダ（既定: 同梱の審査基準）")
    sy.add_argument("--write-inputs", type=Path, metavar="DIR",
                    help="同じデータを TOML ファイル（applications/、panel.toml、scores/）としても書き出す")
    sy.set_defaults(func=c.cmd_synth)


def _intake_commands(sub: Subparsers) -> None:
    """The office's list of applications → application files (SPEC §6.8)."""
    from reviewer.cli import commands as cc  # the light module: the services load inside the commands

    it = sub.add_parser("intake", help="事務局の申請一覧（Excel・CSV）と提出ファイルのフォルダから申請ファイルを作る",
                        description="事務局の申請一覧（.xlsx か .csv、1行に1件）と提出ファイルのフォルダ（FILES/<申請ID>/…）"
                                    "から、申請ファイル（OUTPUT/<申請ID>.toml）を作り、提出ファイルを OUTPUT/<申請ID>/ に"
                                    "写します。ファイルの書類はファイル名（書類名を含めば、その書類。含まなければ補足資料）"
                                    "で決まり、本文は応募様式などのスライド・ページの文字から作ります。一覧の行・列や"
                                    "ファイルに1つでも問題があれば、すべてを示して何も書き出しません。")
    program_option(it)
    it.add_argument("--list", type=Path, required=True, metavar="FILE",
                    help="申請一覧（.xlsx、または UTF-8 か Shift_JIS の .csv。ひな形は reviewer intake-template）")
    it.add_argument("--files", type=Path, required=True, metavar="DIR",
                    help="提出ファイルのフォルダ（DIR/<申請ID>/ に各申請のファイル）")
    it.add_argument("--output", type=Path, required=True, metavar="DIR", help="書き出すフォルダ（まだないか空のフォルダ）")
    it.add_argument("--criteria", type=Path, action="append", default=[], metavar="PATH",
                    help="追加の審査基準ファイルまたはフォルダ（複数可。同じ事業 ID なら同梱のものに代わる）")
    it.add_argument("--progress", action="store_true", help="端末でなくても進捗を表示する")
    it.set_defaults(func=cc.cmd_intake)

    tp = sub.add_parser("intake-template", help="申請一覧のひな形（Excel、見出し・選択肢・記入方法つき）を書き出す",
                        description="事業の申請一覧のひな形（.xlsx）を書き出します。見出しの行、種別・都道府県・要件・"
                                    "分野別モデルなどの選択肢（ドロップダウン）、列ごとの書き方と提出ファイルの置き方を"
                                    "説明するシート「記入方法」つきです。記入して reviewer intake で取り込みます。")
    program_option(tp)
    tp.add_argument("--output", type=Path, required=True, metavar="FILE.xlsx", help="書き出すファイル（.xlsx）")
    tp.add_argument("--criteria", type=Path, action="append", default=[], metavar="PATH",
                    help="追加の審査基準ファイルまたはフォルダ（複数可）")
    tp.set_defaults(func=cc.cmd_intake_template)


def _panel_commands(sub: Subparsers, c: Any) -> None:
    a = sub.add_parser("assign", help="評価者を申請に自動で割り当てる（負荷を均等に、利害関係を避けて）")
    workspace_option(a)
    program_option(a)
    a.add_argument("--per-application", type=int, required=True, metavar="N", help="1件あたりの評価者数")
    a.add_argument("--seed", type=int, default=0, metavar="N", help="乱数の種（既定: 0。同じ種なら同じ割当）")
    a.add_argument("--avoid-own-bureau", action="store_true",
                   help="評価者の所在地（prefecture）と同じ総合通信局の申請を割り当てない")
    a.add_argument("--dry-run", action="store_true", help="割当を保存せずに表示だけする")
    a.set_defaults(func=c.cmd_assign)

    st = sub.add_parser("status", help="評価者別・申請別の進捗を表示する")
    workspace_option(st)
    program_option(st, required=False, help="表示する事業の ID（既定: すべての事業）")
    st.add_argument("--json", action="store_true", help="JSON で出力する")
    st.set_defaults(func=c.cmd_status)

    cb = sub.add_parser("calibration", help="評価者自身の採点の傾向（提出済みの採点票の得点率・平均・ばらつき）",
                        description="評価者の提出済みの採点票ごとの得点率（ランキングと同じ計算）、その平均・標準偏差・"
                                    "最低・最高、項目別の平均点を表示します。ほかの評価者の採点票は読みません。")
    workspace_option(cb)
    cb.add_argument("--evaluator", required=True, metavar="ID", help="傾向を見る評価者の ID")
    cb.add_argument("--json", action="store_true", help="JSON で出力する")
    cb.set_defaults(func=c.cmd_calibration)

    r = sub.add_parser("reopen", help="提出済みの採点票を下書きに差し戻す（委員長）")
    workspace_option(r)
    program_option(r)
    r.add_argument("--application", required=True, metavar="ID", help="差し戻す採点票の申請 ID")
    r.add_argument("--evaluator", required=True, metavar="ID", help="差し戻す採点票の評価者 ID")
    r.add_argument("--chair", required=True, metavar="ID", help="差し戻す委員長の評価者 ID")
    r.add_argument("--reason", type=_reason, required=True, metavar="理由", help="差し戻しの理由（空でないこと）")
    r.add_argument("--stage", choices=["written", "hearing"], default="written",
                   help="written: 書面審査の採点票（既定）、hearing: ヒアリングの採点票")
    r.set_defaults(func=c.cmd_reopen)

    au = sub.add_parser("audit", help="監査ログ（誰が・いつ・何を）を表示する")
    workspace_option(au)
    program_option(au, required=False, help="この事業の記録だけを表示する")
    au.add_argument("--application", metavar="ID", help="この申請 ID の記録だけを表示する")
    au.add_argument("--evaluator", metavar="ID", help="この評価者 ID の記録だけを表示する")
    au.add_argument("--json", action="store_true", help="JSON Lines で出力する")
    au.add_argument("--verify", action="store_true",
                    help="監査ログのハッシュの連鎖を検査し、合わない最初の記録を示す（改ざんの検出）")
    au.set_defaults(func=c.cmd_audit)


def _ssh_commands(sub: Subparsers, c: Any) -> None:
    ak = sub.add_parser("authorized-keys", help="SSH の authorized_keys を出力する（鍵ごとに評価者の端末アプリを強制）",
                        description="評価者名簿の ssh_public_keys から、鍵ごとに「reviewer tui --workspace W --evaluator ID」"
                                    "を強制する authorized_keys の行（restrict,pty）を出力します。続いて委員長の "
                                    "download_keys から、鍵ごとに「reviewer download --workspace W」（書き出し用のフォルダを"
                                    "読むだけの sftp-server）を強制する行（restrict）を出力します。")
    workspace_option(ak)
    ak.add_argument("--reviewer", metavar="PATH", help="サーバー上の reviewer コマンドの絶対パス（既定: このコマンド）")
    ak.add_argument("--sftp-server", metavar="PATH",
                    help="ダウンロード用の行に書く OpenSSH の sftp-server のパス（既定: /usr/lib/openssh/sftp-server など、"
                         "見つかったもの）")
    ak.set_defaults(func=c.cmd_authorized_keys)

    dl = sub.add_parser("download", help="書き出し用のフォルダを読むだけの sftp-server になる（委員長のダウンロード用の鍵）",
                        description="ワークスペースの書き出し用のフォルダ（W/exports）だけを読める（Landlock で限った）"
                                    "読み取り専用の OpenSSH sftp-server を起動します。authorized_keys の強制コマンドとして"
                                    "使います（reviewer authorized-keys が書きます）。")
    workspace_option(dl)
    dl.add_argument("--sftp-server", metavar="PATH", help="OpenSSH の sftp-server のパス（既定: 見つかったもの）")
    dl.set_defaults(func=c.cmd_download)
    bk = sub.add_parser("backup", help="ワークスペースのデータベースをバックアップする（採点中でもよい）",
                        description="ワークスペースのデータベースを SQLite のオンラインバックアップで1つのファイル（0600）に"
                                    "写します。評価者が採点している間でもかまいません。写しは integrity_check で確かめてから"
                                    "置きます。--output がフォルダなら reviewer-YYYYMMDD-HHMMSS.sqlite（日本時間）の名前で"
                                    "作ります。既にあるファイルは上書きせず、ワークスペースのフォルダの中には作りません。")
    workspace_option(bk)
    bk.add_argument("--output", required=True, type=Path, metavar="PATH",
                    help="バックアップの新しいファイル、またはそれを作るフォルダ（ワークスペースの外）")
    bk.set_defaults(func=c.cmd_backup)


def _conflict_commands(sub: Subparsers, c: Any) -> None:
    """The chair and declared conflicts of interest: list them, assign another evaluator."""
    ra = sub.add_parser("reassign", help="申請に評価者を1人割り当てる（委員長: 利害関係の申出で抜けた評価者の代わりなど）",
                        description="申請に評価者を1人、委員長の操作として割り当て、理由とともに監査ログに記録します"
                                    "（自動割当の assign とは別: ほかの割当は変えません）。割り当てられるのは、その事業の"
                                    "評価者（role = \"evaluator\"）で、申請と利害関係（評価者名簿の conflicts）がなく、まだ"
                                    "割り当てられておらず、その申請の利害関係を申し出ていない人だけです。申出の一覧は "
                                    "reviewer conflicts で見られます。")
    workspace_option(ra)
    program_option(ra)
    ra.add_argument("--application", required=True, metavar="ID", help="評価者を割り当てる申請 ID")
    ra.add_argument("--evaluator", required=True, metavar="ID", help="割り当てる評価者の ID")
    ra.add_argument("--chair", required=True, metavar="ID", help="割り当てる委員長の評価者 ID")
    ra.add_argument("--reason", type=_assign_reason, required=True, metavar="理由",
                    help="割当の理由（空でないこと。例: 「利害関係の申出（e02）の代わり」）")
    ra.set_defaults(func=c.cmd_reassign)

    cf = sub.add_parser("conflicts", help="利害関係の申出（取り下げられた割当）の一覧を表示する",
                        description="評価者が申し出た利害関係（取り下げられた割当）を、新しい順に、評価者・申請・理由・"
                                    "日時（日本時間）と、その申請のいまの割当の数とともに表示します。")
    workspace_option(cf)
    program_option(cf)
    cf.add_argument("--json", action="store_true", help="JSON で出力する")
    cf.set_defaults(func=c.cmd_conflicts)


def _result_commands(sub: Subparsers, c: Any) -> None:
    rk = sub.add_parser("rank", help="集計して順位・採択候補・地域バランスを表示する")
    workspace_option(rk)
    program_option(rk)
    _scoring_options(rk)
    rk.add_argument("--json", action="store_true", help="SPEC の JSON オブジェクトを出力する")
    rk.set_defaults(func=c.cmd_rank)

    ex = sub.add_parser("export", help="審査結果の Excel ワークブックを書き出す")
    workspace_option(ex)
    program_option(ex)
    ex.add_argument("--output", type=Path, metavar="FILE.xlsx",
                    help="書き出すファイル（既定: ワークスペースの書き出し用のフォルダ W/exports に「事業ID-日本時間.xlsx」）")
    _scoring_options(ex)
    ex.add_argument("--anonymous", action="store_true",
                    help="評価委員の氏名と ID を「委員A」「委員B」…に置き換えて書き出す")
    ex.set_defaults(func=c.cmd_export)


def _chair_option(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--chair", required=required, metavar="ID", help="操作する委員長の評価者 ID")


def _hearing_commands(sub: Subparsers, c: Any) -> None:
    """The hearing's shortlist, additional materials and opinions (SPEC §6.4)."""
    sl = sub.add_parser("shortlist", help="ヒアリングの対象（日時・場所）を選ぶ・外す・一覧する（委員長）",
                        description="ヒアリングの対象の申請を、申請 ID で（--add）、順位の上位 N 件で（--top）、または"
                                    "境界域（順位の90%区間が採択の線をまたぐ申請、--boundary）で選び、日時と場所（会議室や"
                                    "URL）を記録します。ヒアリングの採点票は対象の申請にだけ書けます。オプションなしでは一覧"
                                    "を表示します。")
    workspace_option(sl)
    program_option(sl)
    _chair_option(sl, required=False)
    sl.add_argument("--add", action="append", default=[], metavar="ID", help="対象にする申請（複数可）")
    sl.add_argument("--top", type=int, metavar="N", help="順位の上位 N 件を対象にする")
    sl.add_argument("--boundary", action="store_true", help="境界域の申請を対象にする（再標本化で求める）")
    sl.add_argument("--at", metavar="日時", help="ヒアリングの日時（例: 2026-12-10 10:00）")
    sl.add_argument("--place", metavar="場所", help="ヒアリングの場所（会議室、または Web 会議の URL）")
    sl.add_argument("--remove", metavar="ID", help="対象から外す申請（--reason が必要）")
    sl.add_argument("--reason", metavar="理由", help="対象から外す理由")
    sl.add_argument("--method", default="mean", choices=list(METHODS), help="--top・--boundary の順位の集計方法（既定: mean）: "
                    + "、".join(f"{m} {METHOD_LABELS[m]}" for m in METHODS))
    sl.add_argument("--resamples", type=_resamples, default=DEFAULT_RESAMPLES, metavar="N",
                    help=f"--boundary の再標本の数（既定: {DEFAULT_RESAMPLES}）")
    sl.add_argument("--seed", type=int, default=0, metavar="N", help="再標本の乱数の種（既定: 0）")
    sl.add_argument("--json", action="store_true", help="一覧を JSON で出力する")
    sl.set_defaults(func=c.cmd_shortlist)

    rq = sub.add_parser("request", help="追加資料を依頼する、または届いた回答を記録する（委員長）",
                        description="申請者に求める追加資料（何を・いつまでに）を記録します。--answer 番号で、届いた回答を"
                                    "本文（--text）またはファイル（--file、10MB まで）で記録します。評価者は申請とともに"
                                    "依頼と回答を見られます。")
    workspace_option(rq)
    program_option(rq)
    _chair_option(rq)
    rq.add_argument("--application", metavar="ID", help="依頼する申請")
    rq.add_argument("--what", metavar="内容", help="依頼する資料（例: 「事業費の積算根拠」）")
    rq.add_argument("--due", metavar="期限", help="提出の期限（例: 2026-12-15）")
    rq.add_argument("--answer", type=int, metavar="番号", help="回答を記録する依頼の番号（reviewer requests で見られます）")
    rq.add_argument("--text", metavar="本文", help="回答の本文")
    rq.add_argument("--file", type=Path, metavar="FILE", help="回答として届いたファイル")
    rq.set_defaults(func=c.cmd_request)

    rs = sub.add_parser("requests", help="追加資料の依頼と回答の一覧を表示する")
    workspace_option(rs)
    program_option(rs)
    rs.add_argument("--open", action="store_true", help="回答待ちの依頼だけを表示する")
    rs.add_argument("--json", action="store_true", help="JSON で出力する")
    rs.set_defaults(func=c.cmd_requests)

    op = sub.add_parser("opinion", help="総合通信局等・支援実施事業者からの意見を記録する・一覧する（委員長）",
                        description="申請への意見を、述べた者（--source）、本文（--text）、日付とともに記録します。意見は"
                                    "委員長の画面とワークブックに示し、評価者には見せません。--text なしでは一覧を表示します。")
    workspace_option(op)
    program_option(op)
    _chair_option(op, required=False)
    op.add_argument("--application", metavar="ID", help="意見の対象の申請 ID（一覧ではその申請の意見だけ）")
    op.add_argument("--source", metavar="述べた者", help="意見を述べた者（例: 東北総合通信局、支援実施事業者）")
    op.add_argument("--text", metavar="本文", help="意見の本文（なければ一覧を表示する）")
    op.add_argument("--date", metavar="日付", help="意見の日付（例: 2026-12-05）")
    op.add_argument("--json", action="store_true", help="一覧を JSON で出力する")
    op.set_defaults(func=c.cmd_opinion)


def _decision_commands(sub: Subparsers, c: Any) -> None:
    """Decisions, the final list, finalizing and reopening the result (SPEC §6.7)."""
    de = sub.add_parser("decide", help="申請の採否を理由とともに記録する（委員長）",
                        description="申請ごとに採択（--select）・不採択（--reject）を理由とともに記録します。--clear で"
                                    "記録を取り消します。記録のない申請は計算上の選定のままです。")
    workspace_option(de)
    program_option(de)
    _chair_option(de)
    de.add_argument("--application", required=True, metavar="ID", help="採否を記録する申請 ID")
    which = de.add_mutually_exclusive_group(required=True)
    which.add_argument("--select", action="store_true", help="採択とする")
    which.add_argument("--reject", action="store_true", help="不採択とする")
    which.add_argument("--clear", action="store_true", help="決定の記録を取り消す")
    de.add_argument("--reason", required=True, metavar="理由", help="決定（または取消）の理由（空でないこと）")
    de.set_defaults(func=c.cmd_decide)

    ds = sub.add_parser("decisions", help="採択候補先（決定を反映した最終の一覧）と、予算・件数の上下限への警告を表示する")
    workspace_option(ds)
    program_option(ds)
    _result_options(ds)
    ds.add_argument("--json", action="store_true", help="JSON で出力する")
    ds.set_defaults(func=c.cmd_decisions)

    fi = sub.add_parser("finalize", help="評価結果を確定する（以後、採点票・ヒアリング対象・依頼・決定は変更できない）",
                        description="いまの集計と決定で評価結果を確定し、採択候補先の一覧を記録します。確定後はその事業の"
                                    "採点票・ヒアリングの対象・追加資料の依頼・決定への書き込みをワークスペース自身が拒みます"
                                    "（解除は reopen-result）。")
    workspace_option(fi)
    program_option(fi)
    _chair_option(fi)
    _result_options(fi)
    fi.add_argument("--ignore-drafts", action="store_true", help="下書きの採点票が残っていても確定する（下書きは集計に入らない）")
    fi.set_defaults(func=c.cmd_finalize)

    ro = sub.add_parser("reopen-result", help="確定した評価結果を、理由を付けて解除する（委員長）")
    workspace_option(ro)
    program_option(ro)
    _chair_option(ro)
    ro.add_argument("--reason", required=True, metavar="理由", help="解除の理由（空でないこと）")
    ro.set_defaults(func=c.cmd_reopen_result)


def _app_commands(sub: Subparsers, c: Any) -> None:
    tu = sub.add_parser("tui", help="端末アプリを開く（評価者は採点、委員長は進捗・順位・書き出し）")
    workspace_option(tu)
    tu.add_argument("--evaluator", metavar="ID", help="評価者 ID（省略時はログイン名を評価者名簿の os_user で探す）")
    tu.add_argument("--mouse", action=argparse.BooleanOptionalAction, default=None,
                    help="マウスを使う（--no-mouse で使わない。既定: SSH 接続ではオフ）")
    tu.set_defaults(func=c.cmd_tui)

    de = sub.add_parser("demo", help="同梱の見本から一時ワークスペースを作り、委員長として端末アプリを開く")
    de.add_argument("--mouse", action=argparse.BooleanOptionalAction, default=None,
                    help="マウスを使う（--no-mouse で使わない。既定: SSH 接続ではオフ）")
    de.set_defaults(func=c.cmd_demo)
