"""The app's start-up stays light: no pandas, numpy or xlsxwriter until a chair needs them, and
no pydantic until an application is opened."""

from __future__ import annotations

import subprocess
import sys


def test_the_app_starts_without_pandas():
    # what `reviewer tui` loads before the first screen: the whole parser, then the app
    code = ("import sys, reviewer.cli; reviewer.cli.build_parser().parse_args(['tui']); import reviewer.tui.app; "
            "print(sorted(m for m in ('pandas', 'numpy', 'xlsxwriter', 'krippendorff', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr


def test_core_does_not_import_textual():
    code = ("import sys, reviewer.workspace, reviewer.scoring, reviewer.excel, reviewer.services.setup, reviewer.cli; "
            "print([m for m in sys.modules if m.split('.')[0] == 'textual'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr


def test_a_command_turns_the_collector_off_and_back_on(tmp_path, monkeypatch):
    import gc

    from conftest import ROOT

    from reviewer import cli

    seen = []
    real = cli.cmd_validate

    def spy(args):
        seen.append(gc.isenabled())
        return real(args)

    monkeypatch.setattr(cli, "cmd_validate", spy)  # the parser built by main() picks it up
    assert gc.isenabled()
    assert cli.main(["validate", "-q", str(ROOT / "criteria")]) == 0
    assert cli.main(["validate", "-q", str(tmp_path / "missing.toml")]) == 1
    assert seen == [False, False] and gc.isenabled()
