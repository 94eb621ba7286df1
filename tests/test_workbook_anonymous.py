"""An anonymous export (issue 17): ``export --anonymous``, the service's ``anonymous=True`` and the
chair's X write every sheet with each evaluator as 委員A, 委員B, … (in the order of their ids, the
same alias on every sheet) and no evaluator's id or name in any cell; without it they are named."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
import tuiutil
from textual.widgets import Input
from tuiutil import sample_workspace

from reviewer.cli import main
from reviewer.excel import comments, evaluators
from reviewer.present.people import evaluator_aliases, letters
from reviewer.services.results import export_workbook
from reviewer.workspace import Workspace

P = "r2-iot"


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    return sample_workspace(tmp_path_factory.mktemp("anon"), tmp_path_factory.getbasetemp())


def evaluators_of(path: Path) -> list[tuple[str, str]]:
    """The evaluators' (id, name), the chair left out (the chair is named as the chair)."""
    with Workspace.open(path, readonly=True) as ws:
        return [(p.id, p.name) for p in ws.people() if p.role != "chair"]


def texts(path: Path) -> list[tuple[str, str, str]]:
    wb = openpyxl.load_workbook(path)
    return [(sh.title, c.coordinate, c.value) for sh in wb for row in sh.iter_rows() for c in row
            if isinstance(c.value, str)]


def named(path: Path, people: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """The cells naming a person (a file's SHA-256 on 提出書類 may hold "e03" by chance: not a name)."""
    return [(sheet, at, v) for sheet, at, v in texts(path) for i, n in people
            if (i in v and not re.fullmatch(r"[0-9a-f]{64}", v)) or n in v]


def column(sh, header: str) -> list[str]:
    """The values under ``header`` (the first cell of that text) down to the table's end."""
    for row in sh.iter_rows():
        for c in row:
            if c.value == header:
                values = [sh.cell(r, c.column).value for r in range(c.row + 1, sh.max_row + 1)]
                return [v for v in values if v is not None]
    raise AssertionError(header)


def test_letters_go_on_past_z():
    assert [letters(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == \
        ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
    assert evaluator_aliases(["e02", "e10", "e01", "e02"]) == {"e01": "委員A", "e02": "委員B", "e10": "委員C"}


def test_the_cli_option(ws_path, tmp_path):
    people = evaluators_of(ws_path)
    plain, anon = tmp_path / "plain.xlsx", tmp_path / "anon.xlsx"
    assert main(["export", "--workspace", str(ws_path), "--program", P, "--output", str(plain)]) == 0
    assert main(["export", "--workspace", str(ws_path), "--program", P, "--output", str(anon), "--anonymous"]) == 0
    assert named(plain, people)  # named without the option
    assert named(anon, people) == []
    shown = {v for _, _, v in texts(anon)}
    assert {"委員A", "委員B", "委員C", "委員D"} <= shown
    with Workspace.open(ws_path, readonly=True) as ws:
        details = [a.detail for a in ws.audit() if a.action == "export"]
    assert details[-1].endswith("anonymous=yes") and details[-2].endswith("anonymous=no")


def test_the_service_and_the_same_alias_on_every_sheet(ws_path, tmp_path):
    people = evaluators_of(ws_path)
    path = tmp_path / "anon.xlsx"
    with Workspace.open(ws_path) as ws:
        result = export_workbook(ws, P, path, "test", resamples=0, anonymous=True).result
    assert named(path, people) == []
    aliases = evaluator_aliases(s.evaluator for s in result.sheets)
    wb = openpyxl.load_workbook(path)
    # 評価者別: the sheets by evaluator id, so by alias; コメント: each sheet's alias beside its rate
    by_sheet = column(wb[evaluators.SHEETS_SHEET], "評価委員ID")
    assert by_sheet == sorted(by_sheet) and set(by_sheet) == set(aliases.values())
    order = sorted(result.sheets, key=lambda s: (s.evaluator, [a.id for a in result.applications].index(s.application)))
    assert by_sheet == [aliases[s.evaluator] for s in order]
    rates = {(a.id, aliases[e]): rate for a in result.applications for e, rate in a.sheet_rates.items()}
    sh = wb[comments.SHEET]
    ids, shown, got = column(sh, "申請ID"), column(sh, "評価委員"), column(sh, "得点率")
    assert len(ids) == len(shown) == len(got) == len(result.sheets)
    for app, alias, rate in zip(ids, shown, got, strict=True):
        assert rate == pytest.approx(rates[(app, alias)])
    stats = column(wb[evaluators.STATS_SHEET], "評価委員")
    assert stats[:len(aliases)] == sorted(aliases.values())


@pytest.mark.asyncio
async def test_the_chairs_anonymous_export(ws_path, tmp_path):
    from reviewer.tui.app import ReviewerApp

    people = evaluators_of(ws_path)
    out = tmp_path / "匿名.xlsx"
    app = ReviewerApp(ws_path, "chair", export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await tuiutil.settle(pilot)
        await pilot.press("X")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = str(out)
        await pilot.press("enter")
        await tuiutil.settle(pilot)
        await pilot.pause(0.3)
    assert out.exists()
    assert named(out, people) == []
    assert "委員A" in {v for _, _, v in texts(out)}
    with Workspace.open(ws_path, readonly=True) as ws:
        last = [a for a in ws.audit() if a.action == "export"][-1]
    assert last.detail.endswith("anonymous=yes")
