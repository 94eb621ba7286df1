"""The command line: parse, call a service, print. ``main`` runs one subcommand and maps every
problem a user can fix to a message on stderr and exit status 1 (usage errors: 2)."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from reviewer.cli.commands import (
    UsageError,
    cmd_assign,
    cmd_audit,
    cmd_authorized_keys,
    cmd_backup,
    cmd_calibration,
    cmd_conflicts,
    cmd_demo,
    cmd_download,
    cmd_export,
    cmd_import_scores,
    cmd_init,
    cmd_rank,
    cmd_reassign,
    cmd_reopen,
    cmd_status,
    cmd_synth,
    cmd_template,
    cmd_tui,
    cmd_validate,
)
from reviewer.cli.parser import build_parser, subcommand_parser
from reviewer.cli.review import (
    cmd_decide,
    cmd_decisions,
    cmd_finalize,
    cmd_opinion,
    cmd_reopen_result,
    cmd_request,
    cmd_requests,
    cmd_shortlist,
)

__all__ = [
    "build_parser", "cmd_assign", "cmd_audit", "cmd_authorized_keys", "cmd_calibration", "cmd_conflicts", "cmd_demo",
    "cmd_backup", "cmd_download", "cmd_export", "cmd_reassign",
    "cmd_import_scores",
    "cmd_init", "cmd_rank", "cmd_reopen", "cmd_status", "cmd_synth", "cmd_template", "cmd_tui", "cmd_validate", "main",
    "run", "cmd_decide", "cmd_decisions", "cmd_finalize", "cmd_opinion", "cmd_reopen_result", "cmd_request",
    "cmd_requests", "cmd_shortlist",
]


def run() -> None:
    """The program (``reviewer`` and ``python -m reviewer``): ``main``, then, after a batch
    command, out at once. Everything it wrote is flushed and closed by then (files, workspace
    transactions); what is skipped is the interpreter's teardown of pandas, numpy and scipy,
    a sixth of ``rank``'s time at 2,000 applications. The terminal app exits normally."""
    code, batch = _main(None)
    if not batch:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):  # the reader went away, or stdout is closed
        pass
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand (``argv``: the arguments, default the program's) and return its exit status."""
    return _main(argv)[0]


def _main(argv: list[str] | None) -> tuple[int, bool]:
    """(exit status, whether the command was a batch one, not the terminal app) of one subcommand."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2, True
    batch = args.func not in (cmd_tui, cmd_demo)
    return _dispatch(parser, args, batch), batch


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace, batch: bool) -> int:
    """Call the command; a problem the user can fix becomes a message and status 1 (usage: 2)."""
    from reviewer.present.text import clean
    from reviewer.services.errors import InitError, WorkspaceError

    # A command runs once and exits: reference counting frees its garbage, and the cyclic
    # collector would only walk the loaded applications and sheets again and again (a fifth
    # of rank's and export's time at 2,000 applications, with the same peak memory). The
    # terminal app runs for hours and keeps it.
    paused = batch and gc.isenabled()
    if paused:
        gc.disable()
    try:
        return int(args.func(args))
    except UsageError as e:
        sub = subcommand_parser(parser, getattr(args, "command", None))
        sub.print_usage(sys.stderr)
        print(f"{sub.prog}: 使い方の誤り: {e}", file=sys.stderr)
        return 2
    except WorkspaceError as e:
        for line in e.messages or [str(e)]:
            print(clean(str(line)), file=sys.stderr)
        return 1
    except InitError as e:
        for problem in e.problems or [str(e)]:
            print(clean(str(problem)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        if paused:
            gc.enable()
