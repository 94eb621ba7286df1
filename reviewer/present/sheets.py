"""Submitted sheets in words and numbers: one sheet's items with the criteria's labels, values
and notes, and an application's sheets side by side (evaluators as columns, the spread of each
scored item). What the chair's sheet page and application detail show; pure, no terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reviewer.domain import scope
from reviewer.domain.vocabulary import MUST_LABELS, MUST_SHORT_LABELS
from reviewer.present.text import table
from reviewer.scoring.sheet import sheet_rate, spec_of

if TYPE_CHECKING:
    from reviewer.domain.model import Criterion, Program

#: An item of a sheet with no value.
NOT_SCORED = "未採点"
#: The spread's column, and the rates' row, of the items side by side.
SPREAD = "幅"
RATE = "得点率"


@dataclass(frozen=True)
class SheetItem:
    """One item of a sheet: the criterion, what the evaluator gave it and their note."""

    id: str
    label: str
    kind: str   # "must" or "scored" ("" for an id the criteria no longer have)
    value: str  # 適合 / 不適合 / the score / 未採点
    note: str


@dataclass(frozen=True)
class GridRow:
    """One item of an application's sheets side by side."""

    id: str
    label: str
    kind: str
    values: tuple[str, ...]  # one per evaluator: 適 / 否 / the score / "-"
    spread: int | None       # max − min of a scored item's scores (None: a must, or fewer than two)


def judged(program: Program, track: str | None, applicant_type: str) -> list[Criterion]:
    """The criteria an evaluator judges on an application of this kind (must and scored; auto
    items are computed, never typed), in the criteria file's order."""
    return [c for c in program.criteria
            if c.kind != "auto" and scope.applies(c.tracks, c.applicant_types, track, applicant_type)]


def value_text(value: Any) -> str:
    """An item's value in words: 適合 / 不適合, the score, or 未採点."""
    if value is None:
        return NOT_SCORED
    if isinstance(value, str) and value in MUST_LABELS:
        return MUST_LABELS[value]
    return str(value)


def short_value(value: Any) -> str:
    """An item's value in a narrow column: 適 / 否, the score, or "-"."""
    if value is None:
        return "-"
    if isinstance(value, str) and value in MUST_SHORT_LABELS:
        return MUST_SHORT_LABELS[value]
    return str(value)


def sheet_items(program: Program, track: str | None, applicant_type: str, scores: Mapping[str, Any],
                notes: Mapping[str, str]) -> list[SheetItem]:
    """Every item of a sheet: the criteria that apply, in order, then any id the sheet holds that
    they do not (the criteria changed since), by id."""
    items = [SheetItem(c.id, c.label, c.kind, value_text(scores.get(c.id)), notes.get(c.id, ""))
             for c in judged(program, track, applicant_type)]
    known = {i.id for i in items}
    for cid in sorted((set(scores) | set(notes)) - known):
        c = program.criterion(cid)
        items.append(SheetItem(cid, c.label if c else "", c.kind if c else "", value_text(scores.get(cid)),
                               notes.get(cid, "")))
    return items


def rate_of_sheet(program: Program, track: str | None, applicant_type: str,
                  scores: Mapping[str, Any]) -> float | None:
    """The sheet's rate (0–100) as the ranking computes it; None where no scored item applies."""
    spec = spec_of(program, track, applicant_type)
    return sheet_rate(spec, scores) if spec[2] > 0 else None


def item_grid(program: Program, track: str | None, applicant_type: str,
              sheets: Sequence[tuple[str, Mapping[str, Any]]]) -> tuple[list[str], list[GridRow]]:
    """An application's sheets side by side: the evaluators (by id), and one row per item that
    applies with each evaluator's value and a scored item's spread (max − min)."""
    by = {e: scores for e, scores in sheets}
    evaluators = sorted(by)
    rows = []
    for c in judged(program, track, applicant_type):
        values = [by[e].get(c.id) for e in evaluators]
        nums = [v for v in values if type(v) is int]
        spread = max(nums) - min(nums) if c.kind == "scored" and len(nums) >= 2 else None
        rows.append(GridRow(c.id, c.label, c.kind, tuple(short_value(v) for v in values), spread))
    return evaluators, rows


def grid_text(evaluators: Sequence[str], rows: Sequence[GridRow], rates: Mapping[str, float] | None = None,
              label_cells: int = 24) -> str:
    """The items side by side as an aligned table (labels cut to ``label_cells``), with a last
    row of each evaluator's rate where ``rates`` are given."""
    n = len(evaluators)
    body = [[r.id, r.label, *r.values, "" if r.kind != "scored" else "-" if r.spread is None else str(r.spread)]
            for r in rows]
    if rates is not None:
        body.append([RATE, "", *[f"{rates[e]:.1f}" if e in rates else "-" for e in evaluators], ""])
    return table(["項目", "", *evaluators, SPREAD], body, right=frozenset(range(2, n + 3)),
                 max_width={1: label_cells})
