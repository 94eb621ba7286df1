"""Merging two saves of one sheet (pure): an evaluator's screen saves over a sheet that changed
since it was opened (an import, another session of the same evaluator).

Three versions: ``base`` (what the screen opened), ``mine`` (what it holds now) and ``theirs``
(what is stored). An item changed on one side only takes that side's value; an item changed on
both sides to different values takes mine (the evaluator's latest keypress) and is reported
with their value; a comment changed on both sides keeps both texts, theirs first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Between the two texts of a comment changed on both sides.
BOTH_TEXTS = "\n\n――― 別の画面または取り込みで保存された内容（上）と、この画面の内容（下） ―――\n\n"


@dataclass(frozen=True)
class Content:
    scores: dict[str, Any]
    comment: str


@dataclass
class Merge:
    content: Content
    #: criterion → (their value, my value) where both changed it differently (mine kept)
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    #: criteria whose stored value was taken (changed only on their side)
    taken: dict[str, Any] = field(default_factory=dict)
    #: both changed the comment: both texts are kept
    both_comments: bool = False

    @property
    def clean(self) -> bool:
        return not self.conflicts and not self.both_comments


_ABSENT = object()


def merge(base: Content, mine: Content, theirs: Content) -> Merge:
    scores: dict[str, Any] = {}
    out = Merge(Content({}, ""))
    for cid in sorted(set(base.scores) | set(mine.scores) | set(theirs.scores)):
        b, m, t = (x.scores.get(cid, _ABSENT) for x in (base, mine, theirs))
        if m == b:            # not changed here: theirs (changed or not)
            value = t
            if t != b:
                out.taken[cid] = None if t is _ABSENT else t
        elif t == b or t == m:  # changed here only (or both alike)
            value = m
        else:                 # changed on both sides, differently
            value = m
            out.conflicts[cid] = (None if t is _ABSENT else t, None if m is _ABSENT else m)
        if value is not _ABSENT:
            scores[cid] = value
    if mine.comment == base.comment:
        comment = theirs.comment
    elif theirs.comment in (base.comment, mine.comment):
        comment = mine.comment
    else:
        comment = theirs.comment + BOTH_TEXTS + mine.comment
        out.both_comments = True
    out.content = Content(scores, comment)
    return out
