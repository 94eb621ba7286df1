"""The ranking of the eligible applications (SPEC §4): total descending, then score rate
descending (both compared at 1e-9, so float noise is a tie), then requested subsidy ascending,
then id ascending. Ranks are 1, 2, 3, … with no shared places.
"""

from __future__ import annotations

import functools

from reviewer.scoring.result import EPS, AppResult


def _compare(a: AppResult, b: AppResult) -> int:
    for x, y in ((a.total, b.total), (a.score_rate, b.score_rate)):
        assert x is not None and y is not None  # eligible applications are scored
        if abs(x - y) > EPS:
            return -1 if x > y else 1
    if a.requested_subsidy_yen != b.requested_subsidy_yen:
        return -1 if a.requested_subsidy_yen < b.requested_subsidy_yen else 1
    return -1 if a.id < b.id else (1 if a.id > b.id else 0)


def ranking(eligible: list[AppResult]) -> list[AppResult]:
    """Total descending, then score rate descending (both compared at 1e-9), then requested
    subsidy ascending, then id ascending."""
    return sorted(eligible, key=functools.cmp_to_key(_compare))


def rank(results: list[AppResult]) -> list[AppResult]:
    """The eligible applications in rank order, each given its ``rank``."""
    ranked = ranking([a for a in results if a.eligible])
    for i, a in enumerate(ranked, start=1):
        a.rank = i
    return ranked
