"""Merging two saves of one sheet (pure): an evaluator's screen saves over a sheet that changed
since it was opened (an import, another session of the same evaluator).

Three versions: ``base`` (what the screen opened), ``mine`` (what it holds now) and ``theirs``
(what is stored). An item changed on one side only takes that side's value; an item changed on
both sides to different values takes mine (the evaluator's latest keypress) and is reported
with their value; a comment changed on both sides keeps both texts, theirs first.

The notes (one per criterion) merge as the scores do, note by note. In ``Merge.conflicts`` and
``Merge.taken`` a score is keyed by its criterion id ("A1") and a note by ``note_key`` of its
criterion id ("notes.A1"), with the notes' texts as values (None: no note on that side).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Between the two texts of a comment changed on both sides.
BOTH_TEXTS = "\n\n――― 別の画面または取り込みで保存された内容（上）と、この画面の内容（下） ―――\n\n"


#: How a note's criterion is keyed in ``Merge.conflicts`` and ``Merge.taken``.
NOTE_PREFIX = "notes."


def note_key(cid: str) -> str:
    """The key of criterion ``cid``'s note in ``Merge.conflicts`` and ``Merge.taken``."""
    return NOTE_PREFIX + cid


@dataclass(frozen=True)
class Content:
    scores: dict[str, Any]
    comment: str
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class Merge:
    content: Content
    #: criterion → (their value, my value) where both changed it differently (mine kept);
    #: "notes.<criterion>" → (their note, my note) for a note (``note_key``)
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    #: criteria whose stored value was taken (changed only on their side); notes as above
    taken: dict[str, Any] = field(default_factory=dict)
    #: both changed the comment: both texts are kept
    both_comments: bool = False

    @property
    def clean(self) -> bool:
        return not self.conflicts and not self.both_comments


_ABSENT = object()


def _items(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any], out: Merge,
           key: Callable[[str], str] = str) -> dict[str, Any]:
    """One kind of item (scores or notes) merged key by key; what was taken and what conflicted
    goes to ``out`` under ``key(cid)``."""
    merged: dict[str, Any] = {}
    for cid in sorted(set(base) | set(mine) | set(theirs)):
        b, m, t = (x.get(cid, _ABSENT) for x in (base, mine, theirs))
        if m == b:            # not changed here: theirs (changed or not)
            value = t
            if t != b:
                out.taken[key(cid)] = None if t is _ABSENT else t
        elif t == b or t == m:  # changed here only (or both alike)
            value = m
        else:                 # changed on both sides, differently
            value = m
            out.conflicts[key(cid)] = (None if t is _ABSENT else t, None if m is _ABSENT else m)
        if value is not _ABSENT:
            merged[cid] = value
    return merged


def merge(base: Content, mine: Content, theirs: Content) -> Merge:
    out = Merge(Content({}, ""))
    scores = _items(base.scores, mine.scores, theirs.scores, out)
    notes = _items(base.notes, mine.notes, theirs.notes, out, note_key)
    if mine.comment == base.comment:
        comment = theirs.comment
    elif theirs.comment in (base.comment, mine.comment):
        comment = mine.comment
    else:
        comment = theirs.comment + BOTH_TEXTS + mine.comment
        out.both_comments = True
    out.content = Content(scores, comment, notes)
    return out
