"""`reviewer validate` as users run it: a real subprocess, exit codes, stderr lines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import IOT_APP, ROOT, doc, write


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=120)


def test_shipped_samples_are_valid():
    r = run("validate", "criteria", "sample_applications")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "審査基準 3 件" in r.stdout and "申請 66 件" in r.stdout and "評価者名簿 1 件" in r.stdout and "採点票 11 件" in r.stdout


def test_console_script_is_installed():
    exe = shutil.which("reviewer", path=str(Path(sys.executable).parent))
    assert exe, "the reviewer console script is not installed beside this Python"
    r = subprocess.run([exe, "validate", "-q", str(ROOT / "sample_applications")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout == "", r.stderr


def test_problems_exit_1_one_line_each_without_traceback(tmp_path):
    write(tmp_path, "apps/bad1.toml", doc(IOT_APP, applicant__lg_code="012024"))
    write(tmp_path, "apps/sub/bad2.toml", 'id = "X"\nprogram = "r2-iot"\ntitle = [\n')
    write(tmp_path, "apps/good.toml", doc(IOT_APP, id="T-0100"))
    write(tmp_path, "apps/ignored.txt", "not toml")
    r = run("validate", str(tmp_path / "apps"))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 3  # two problems and the count
    assert lines[0].startswith(f"{tmp_path / 'apps' / 'bad1.toml'}:") and "applicant.lg_code" in lines[0]
    assert lines[1].startswith(f"{tmp_path / 'apps' / 'sub' / 'bad2.toml'}:3:") and "TOML" in lines[1]
    assert "2 件" in lines[2]
    assert r.stdout == ""


def test_missing_path_is_bad_input(tmp_path):
    r = run("validate", str(tmp_path / "nope"))
    assert r.returncode == 1 and "見つかりません" in r.stderr and "Traceback" not in r.stderr


def test_usage_errors_exit_2():
    assert run("validate").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run().returncode == 2


def test_extra_criteria_folder(tmp_path):
    from test_criteria import FOURTH

    write(tmp_path, "crit/x.toml", FOURTH)
    app = doc(IOT_APP, program="r7-local5g", track="X", model=1,
              applicant={"name": "東川町", "type": "town", "lg_code": "014605", "prefecture": "北海道"})
    write(tmp_path, "apps/a.toml", app)
    assert run("validate", str(tmp_path / "apps")).returncode == 1
    r = run("validate", "--criteria", str(tmp_path / "crit"), str(tmp_path / "apps"))
    assert r.returncode == 0, r.stderr


def test_binary_garbage_file(tmp_path):
    (tmp_path / "junk.toml").write_bytes(os.urandom(4096))
    r = run("validate", str(tmp_path / "junk.toml"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith(str(tmp_path / "junk.toml"))


def test_oversized_and_deep_files_are_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text('title = "' + "あ" * (2 * 1024 * 1024) + '"\n', encoding="utf-8")
    r = run("validate", str(big))
    assert r.returncode == 1 and "大きすぎます" in r.stderr
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    r = run("validate", str(deep))
    assert r.returncode == 1 and "入れ子が深すぎます" in r.stderr and "Traceback" not in r.stderr
    deep.write_text("x = " + "[" * 40 + "]" * 40 + "\n", encoding="utf-8")  # parses, but too deep
    r = run("validate", str(deep))
    assert r.returncode == 1 and "入れ子が深すぎます（上限 32 段）" in r.stderr
