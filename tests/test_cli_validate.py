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
    assert "審査基準 3 件" in r.stdout and "申請 109 件" in r.stdout and "評価者名簿 1 件" in r.stdout and "採点票 11 件" in r.stdout


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


def test_an_exponent_bomb_in_a_ratio_is_refused_quickly(tmp_path):
    """Fraction("1e-999999999") builds a huge integer: validate and init check the form first."""
    import time

    from wsutil import PANEL
    from wsutil import run as ws_run

    text = (ROOT / "criteria" / "r2-iot.toml").read_text("utf-8")
    for field, line in (("subsidy_rate", 'subsidy_rate = "1e-999999999"'),
                        ("overhead_max_ratio", 'overhead_max_ratio = "1e-999999999"')):
        old = next(x for x in text.splitlines() if x.startswith(field))
        crit = write(tmp_path, f"{field}/crit/r2-iot.toml", text.replace(old, line, 1))
        write(tmp_path, f"{field}/apps/a.toml", IOT_APP)
        panel = write(tmp_path, f"{field}/panel.toml", PANEL)
        t0 = time.perf_counter()
        r = run("validate", str(crit))
        i = ws_run("init", "--workspace", str(tmp_path / field / "ws"), "--criteria", str(crit.parent),
                   "--applications", str(tmp_path / field / "apps"), "--panel", str(panel))
        assert time.perf_counter() - t0 < 20
        for out in (r, i):
            assert out.returncode == 1 and "Traceback" not in out.stderr
            assert f"{crit}:" in out.stderr and f"funding.{field}: 分数" in out.stderr, out.stderr
        assert not (tmp_path / field / "ws").exists()


def test_a_5000_digit_integer_is_named_in_japanese(tmp_path):
    path = write(tmp_path, "a.toml", 'id = "T-0001"\nprogram = "r2-iot"\n\n[budget]\ntotal_cost_yen = ' + "1" * 5000 + "\n")
    r = run("validate", str(path))
    assert r.returncode == 1 and "Traceback" not in r.stderr and "ValueError" not in r.stderr
    assert r.stderr.splitlines()[0] == f"{path}:5: 整数が大きすぎます（4,300 桁を超えています）"


def test_ids_with_a_newline_and_duplicates_are_named(tmp_path):
    """An id ending in a newline would split an authorized_keys line; a duplicate evaluator id
    is named by its field and line."""
    panel = '[[evaluators]]\nid = "e01"\nname = "a"\nprograms = ["r2-iot"]\n\n[[evaluators]]\nid = "e01"\nname = "b"\n'
    panel += 'programs = ["r2-iot"]\n'
    write(tmp_path, "in/a.toml", doc(IOT_APP, id="T-0002\n"))
    write(tmp_path, "in/panel.toml", panel)
    r = run("validate", str(tmp_path / "in"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert any(x.startswith(f"{tmp_path / 'in' / 'a.toml'}:1: id: ID は") for x in lines), lines
    assert f"{tmp_path / 'in' / 'panel.toml'}:7: evaluators[1].id: 評価者 ID e01 が重複しています（evaluators[0] と同じ）" in lines
    write(tmp_path, "in/panel.toml", panel.replace('id = "e01"\nname = "b"', 'id = "e02"\nname = "b"\nos_user = "b\\n"'))
    lines = run("validate", str(tmp_path / "in" / "panel.toml")).stderr.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'in' / 'panel.toml'}:9: evaluators[1].os_user: OS のユーザー名"), lines
