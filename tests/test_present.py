"""One wording: rank, the chair's screen and the workbook say the same thing about an
application in the same words, because they take them from reviewer.present."""

from __future__ import annotations

import openpyxl
import pytest
from tuiutil import sample_workspace
from wsutil import run

from reviewer.present import result as words
from reviewer.services.results import score_workspace
from reviewer.workspace import Workspace


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return sample_workspace(tmp_path_factory.mktemp("present"), tmp_path_factory.getbasetemp())


def test_parse_yen_takes_what_people_type_and_refuses_the_rest():
    assert words.parse_yen("250,000,000") == 250_000_000 == words.parse_yen(" 250_000_000円 ")
    for bad in ("たくさん", "-1", "1e9", "10000000000001"):
        with pytest.raises(ValueError):
            words.parse_yen(bad)


def test_field_labels_and_ranges():
    assert words.field_code("A", 4) == "A-4" and words.field_code(None, None) == ""
    assert words.range_text(4, 10) == "4〜10" and words.range_text(None, 10) == "〜10"
    assert words.range_text(None, None) == ""
    assert words.progress_line(8, 10) == "提出済 8 / 割当 10（80%）" and words.percent_done(0, 0) == "-"


def test_rank_and_the_workbook_word_each_application_alike(sample, tmp_path):
    """Every note rank prints and every verdict the workbook writes is the presentation's."""
    with Workspace.open(sample) as ws:
        for program in ("r2-iot", "r5-smartcity-2"):
            result = score_workspace(ws, program, budget_yen=100_000_000)
            text = run("rank", "--workspace", str(sample), "--program", program, "--budget", "100000000").stdout
            out = tmp_path / f"{program}.xlsx"
            assert run("export", "--workspace", str(sample), "--program", program, "--budget", "100000000",
                       "--output", str(out)).returncode == 0
            sheet = openpyxl.load_workbook(out)["ランキング"]
            header = [c.value for c in sheet[4]]
            verdicts = {r[1]: r[header.index("判定・理由")] or "" for r in sheet.iter_rows(min_row=5, values_only=True) if r[1]}
            assert words.budget_text(result, True) in text
            seen_skip = seen_out = False
            for a in result.applications:
                for note in words.notes(a, result.program):
                    assert note in text, (program, a.id, note)
                assert verdicts[a.id] == words.verdict(a, result.program)
                seen_skip |= bool(a.skipped_for)
                seen_out |= not a.eligible
            assert seen_skip and seen_out  # the budget makes skips; the samples hold ineligible ones
