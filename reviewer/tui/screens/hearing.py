"""The second half of a review on the evaluator's scoring screen (SPEC §6.3, §6.4).

A scoring screen edits one sheet or two: the written one (書面審査) always, and for an
application shortlisted for the hearing the hearing's (ヒアリング), which rates the program's
hearing criteria only. ``SheetTab`` is what the screen holds of each: the sheet as last seen
stored, what is typed, and where the focus was. The reader shows, after the automatic checks,
when and where the application is heard and the requests for additional materials (追加資料)
with their answers: a text, a received file's name, size and SHA-256 (so that the evaluator
can tell which version they read) and, for a UTF-8 text file, its content. All of it is
untrusted text, given to the reader as data (never markup; control characters are dropped).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reviewer.domain.vocabulary import SHEET_STATUS_LABELS
from reviewer.present.review import HEARING, HEARING_SHEET_LABELS, file_line, materials_count, when_heard
from reviewer.present.text import clean, jst
from reviewer.services.errors import WorkspaceError
from reviewer.tui.widgets.reader import BLANK, FACT, HEADING, PARA, Block

if TYPE_CHECKING:
    from textual.timer import Timer

    from reviewer.domain.model import Criterion
    from reviewer.services.session import MaterialRequest, OpenedSheet, Session, SheetRecord

#: The sheets' names, as the tabs above the form say them.
STAGE_LABELS = {"written": "書面審査", "hearing": HEARING}
#: The most of a received text file the reader shows (the rest: in the file itself).
FILE_TEXT_BYTES = 64 * 1024
FINALIZED_NOTE = "評価結果が確定済みのため、採点票は変更できません。"


@dataclass
class SheetTab:
    """One sheet of the scoring screen: ``base`` the sheet as the screen last saw it stored
    (None before its first save), what is typed, and the widget focused when last left."""

    stage: str                      # "written" or "hearing"
    criteria: list[Criterion]
    base: SheetRecord | None
    status: str | None
    scores: dict[str, Any]
    notes: dict[str, str]
    comment: str
    finalized: bool = False         # the program's result is finalized: nothing may change
    timer: Timer | None = field(default=None, repr=False)  # the comment's autosave, pending
    focus: str | None = None

    @classmethod
    def of(cls, stage: str, criteria: list[Criterion], sheet: SheetRecord | None, finalized: bool) -> SheetTab:
        return cls(stage, criteria, sheet, sheet.status if sheet else None, dict(sheet.scores) if sheet else {},
                   dict(sheet.notes) if sheet else {}, sheet.comment if sheet else "", finalized)

    @property
    def readonly(self) -> bool:
        return self.status == "submitted" or self.finalized

    @property
    def filled(self) -> int:
        return sum(1 for c in self.criteria if self.scores.get(c.id) is not None)

    @property
    def form_id(self) -> str:
        return "form" if self.stage == "written" else f"{self.stage}-form"

    @property
    def comment_id(self) -> str:
        return "comment" if self.stage == "written" else f"{self.stage}-comment"

    @property
    def empty(self) -> bool:
        """Nothing stored and nothing typed (leaving makes no sheet)."""
        return self.base is None and not self.scores and not self.notes and not self.comment.strip()

    def state(self) -> str:
        """The sheet's state, as the status line says it."""
        if self.finalized:
            return f"{self.label(self.status)}（評価結果が確定済みのため読むだけです）"
        if self.status == "submitted":
            return "提出済（読むだけです。変更には委員長の差し戻しが必要です）"
        return "下書き（自動保存）" if self.status == "draft" else self.label(None)

    def label(self, status: str | None) -> str:
        return (HEARING_SHEET_LABELS if self.stage == "hearing" else SHEET_STATUS_LABELS)[status]

    def refused(self) -> str:
        """Why a change to the read-only sheet is refused."""
        if self.finalized:
            return FINALIZED_NOTE
        return "提出済みの採点票は変更できません（委員長の差し戻しの後に変更できます）。"


def sheet_tabs(session: Session, opened: OpenedSheet) -> dict[str, SheetTab]:
    """The opened application's sheets: the written one, and the hearing's where it is shortlisted."""
    criteria = [c for c in opened.program.applicable(opened.application) if c.kind in ("must", "scored")]
    tabs = {"written": SheetTab.of("written", criteria, opened.sheet, opened.finalized)}
    if opened.hearing is not None:
        rated = set(session.hearing_criteria(opened))
        tabs["hearing"] = SheetTab.of("hearing", [c for c in criteria if c.id in rated], opened.hearing_sheet,
                                      opened.finalized)
    return tabs


def reference(written: SheetTab, cid: str) -> str:
    """A hearing item's reference: the evaluator's own written score ("書面 3", "書面 -")."""
    value = written.scores.get(cid)
    return f"書面 {'-' if value is None else value}"


# -- the reader: the hearing's time and place, the additional materials ------------------------

def review_blocks(session: Session, opened: OpenedSheet) -> list[Block]:
    """What the reader shows of the second half of the review ([] for an application neither
    shortlisted nor asked for materials)."""
    blocks: list[Block] = []
    if opened.hearing is not None:
        entry = opened.hearing
        blocks += [Block(BLANK), Block(HEADING, HEARING),
                   Block(FACT, when_heard(entry.scheduled), label="日時"),
                   Block(FACT, entry.place or "未定", label="場所")]
    if opened.materials:
        blocks += [Block(BLANK), Block(HEADING, materials_count(opened.materials))]
        for i, r in enumerate(opened.materials):
            if i:
                blocks.append(Block(BLANK))
            blocks += request_blocks(session, opened, r)
    return blocks


def request_blocks(session: Session, opened: OpenedSheet, r: MaterialRequest) -> list[Block]:
    """One request and its answer."""
    asked = f"期限 {clean(r.due)}" if r.due else "期限なし"
    blocks = [Block(FACT, r.what, "bold", label=f"依頼 {r.id}"),
              Block(FACT, f"{asked}  依頼 {jst(r.requested_at)}")]
    if not r.answered:
        return [*blocks, Block(FACT, "回答待ち", "dim", label="回答")]
    blocks.append(Block(FACT, f"{jst(r.answered_at)} 受領", label="回答"))
    if r.answer_text:
        blocks.append(Block(FACT, r.answer_text, label="本文"))
    if r.file_name:
        blocks += [Block(FACT, file_line(r), label="ファイル"), Block(FACT, r.file_sha256 or "", label="SHA-256")]
        text = file_text(session, opened, r)
        if text is None:
            blocks.append(Block(FACT, "テキストのファイルではないため、内容は表示しません"
                                      "（名前・大きさ・SHA-256 で版を確かめてください）", "dim", label="内容"))
        else:
            blocks += [Block(FACT, "以下のとおり（UTF-8 のテキスト）", "dim", label="内容"), Block(PARA, text)]
    return blocks


def file_text(session: Session, opened: OpenedSheet, r: MaterialRequest) -> str | None:
    """A received file's content where it is UTF-8 text (its first ``FILE_TEXT_BYTES`` and a note
    of what is left out); None for any other file, or one that cannot be read."""
    try:
        got = session.answer_file(opened, r.id)
    except WorkspaceError:
        return None
    if got is None:
        return None
    data = got[1]
    head = data[:FILE_TEXT_BYTES]
    if b"\x00" in head:
        return None
    try:  # an incremental decoder: a character cut at the end of the head is no error
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) == len(data))
    except UnicodeDecodeError:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if len(head) < len(data):
        text += f"\n\n（ここまで。先頭 {len(head):,} バイトだけを表示しています。全体は {len(data):,} バイト）"
    return text


def with_review(blocks: list[Block], extra: list[Block]) -> list[Block]:
    """The application's document with ``extra`` after its automatic checks (at its end where
    there are none)."""
    if not extra:
        return blocks
    at = next((i for i, b in enumerate(blocks) if b.kind == HEADING and b.text == "自動審査"), None)
    if at is None:
        return blocks + extra
    end = at + 1
    while end < len(blocks) and blocks[end].kind == FACT:
        end += 1
    return blocks[:end] + extra + blocks[end:]

