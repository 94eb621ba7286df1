"""The balance of the selection (SPEC §4): per bureau, the applications, the eligible and the
selected ones against the program's minimum and maximum (``bureau_status``); per track and field
model, or per field where a program without models lists fields (r2-ai-plan), the same counts and
its share of the selection, flagged above ``max_field_share`` where a criteria file sets one
(「取り組む分野が偏ることがないように」): a track, a model or a field alike, where the program has
more than one of that kind to choose from (a program's only track holds everything and is no
imbalance).
"""

from __future__ import annotations

from reviewer.domain.model import Program, Selection
from reviewer.domain.regions import BUREAUS
from reviewer.scoring.result import EPS, AppResult, BureauBalance, FieldBalance


def bureau_status(selected: int, eligible: int, lo: int | None, hi: int | None) -> str:
    """under below the minimum, over above the maximum, else unserved where eligible
    applications got nothing, else ok."""
    if lo is not None and selected < lo:
        return "under"
    if hi is not None and selected > hi:
        return "over"
    if eligible > 0 and selected == 0:
        return "unserved"
    return "ok"


def bureau_balance(results: list[AppResult], sel: Selection) -> list[BureauBalance]:
    """One ``BureauBalance`` per bureau, in ``BUREAUS`` order."""
    balance = []
    for b in BUREAUS:
        mine = [a for a in results if a.bureau == b]
        eligible = sum(1 for a in mine if a.eligible)
        selected = sum(1 for a in mine if a.selected)
        lo, hi = sel.bureau_min, sel.bureau_max
        status = bureau_status(selected, eligible, lo, hi)
        balance.append(BureauBalance(b, len(mine), eligible, selected, lo, hi, status,
                                     sum(a.requested_subsidy_yen for a in mine if a.selected)))
    return balance


def _field(kind: str, key: str, name: str, mine: list[AppResult], n_sel: int, share_max: float | None) -> FieldBalance:
    """``share_max`` None: not flagged (no limit, or nothing else of the kind to choose)."""
    selected = sum(1 for a in mine if a.selected)
    share = selected / n_sel if n_sel else None
    return FieldBalance(kind, key, name, len(mine), sum(1 for a in mine if a.eligible), selected,
                        share, share is not None and share_max is not None and share > share_max + EPS)


def field_balance(results: list[AppResult], program: Program) -> list[FieldBalance]:
    """Each track, followed by its field models; a track's or a model's share over the limit is
    flagged (where there is more than one track, or more than one model, in the program)."""
    fields: list[FieldBalance] = []
    n_sel = sum(1 for a in results if a.selected)
    share_max = program.selection.max_field_share
    track_max = share_max if len(program.tracks) > 1 else None
    model_max = share_max if sum(len(t.models) for t in program.tracks) > 1 else None
    for t in program.tracks:
        fields.append(_field("track", t.id, t.name, [a for a in results if a.track == t.id], n_sel, track_max))
        for m in t.models:
            mine = [a for a in results if a.model == m.number]
            fields.append(_field("model", str(m.number), m.name, mine, n_sel, model_max))
    area_max = share_max if len(program.fields) > 1 else None
    for f in program.fields:  # a program without models: the fields its applications name
        fields.append(_field("field", f.id, f.name, [a for a in results if a.field_id == f.id], n_sel, area_max))
    return fields
