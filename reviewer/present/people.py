"""How a face shows an evaluator: by id and name, or, in an anonymous export, as 委員A, 委員B, …

``evaluator_aliases`` gives each evaluator an alias in the order of their ids (after 委員Z come
委員AA, 委員AB, …, as spreadsheet columns go), so that one workbook calls an evaluator the same on
every sheet; ``shown`` gives the (id, name) pair a sheet writes, the alias in both places where
there is a mapping, so that no id or name is left in any cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: What an anonymous evaluator is called before their letters.
ALIAS_PREFIX = "委員"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

#: An evaluator's id → what the export shows instead (None or empty: the evaluators are named).
Aliases = Mapping[str, str]


def letters(n: int) -> str:
    """The n-th (from 0) label in spreadsheet-column order: A … Z, AA, AB, …"""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, len(LETTERS))
        out = LETTERS[r] + out
    return out


def evaluator_aliases(ids: Iterable[str]) -> dict[str, str]:
    """Each distinct id → 委員A, 委員B, … in the order of the ids."""
    return {e: f"{ALIAS_PREFIX}{letters(i)}" for i, e in enumerate(sorted(set(ids)))}


def shown(evaluator: str, name: str, aliases: Aliases | None) -> tuple[str, str]:
    """The (id, name) a sheet shows for an evaluator: as they are, or the alias in both."""
    if not aliases:
        return evaluator, name
    alias = aliases.get(evaluator, ALIAS_PREFIX)
    return alias, alias


def label(evaluator: str, name: str, aliases: Aliases | None) -> str:
    """An evaluator in one cell: "e01 山田 太郎", or the alias alone."""
    if aliases:
        return aliases.get(evaluator, ALIAS_PREFIX)
    return f"{evaluator} {name}".strip()
