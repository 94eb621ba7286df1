"""The command line: parse, call the core, print. Messages on stderr, one per problem."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__


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
    return parser


def workspace_arg(value: str | None) -> Path | None:  # used by later commands
    value = value or os.environ.get("REVIEWER_WORKSPACE")
    return Path(value) if value else None


def shipped_programs() -> tuple[dict, list]:
    from .load import load_paths
    from .shipped import criteria_dir

    bundle = load_paths([criteria_dir()])
    return bundle.programs, bundle.problems


def cmd_validate(args: argparse.Namespace) -> int:
    from .load import load_paths

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
        from .load import KIND_LABELS, KINDS

        counts = "、".join(f"{KIND_LABELS[k]} {bundle.count(k)} 件" for k in KINDS if bundle.count(k))
        print(f"問題はありません（{counts or 'ファイル 0 件'}）。")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
