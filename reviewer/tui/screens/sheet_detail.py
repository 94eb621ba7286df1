"""Pages the chair reads in the reader: one submitted sheet (Enter on the list of sheets) and an
application's text (``t`` from a sheet or from an application's detail).

A sheet's page shows who scored what and when: the evaluator, the application, the time it
was submitted (Japan time), its rate, then every item that applies with the criterion's label,
the value (適合 / 不適合 or the score) and the note under it, then the comment. Names, labels,
notes and comments are untrusted: the reader shows them literally, cleaned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from reviewer.present import result as words
from reviewer.present import sheets as sheet_words
from reviewer.present.text import jst, pad, width
from reviewer.tui.chrome import safe
from reviewer.tui.screens.base import ReviewerModal
from reviewer.tui.screens.document import application_blocks
from reviewer.tui.widgets.reader import BLANK, FACT, HEADING, PARA, Block, Reader

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Program
    from reviewer.present.attachments import ReadableAttachment
    from reviewer.rules.checks import CheckResult
    from reviewer.tui.app import ReviewerApp

#: Cells of the value column of a sheet's items (不適合, 未採点).
VALUE_CELLS = 6
#: A must item judged not met (shown reversed).
FAILED = sheet_words.value_text("fail")


class Sheet(Protocol):
    """A submitted sheet as the page needs it (the desk's ``SheetRecord``)."""

    @property
    def evaluator(self) -> str: ...
    @property
    def scores(self) -> dict[str, Any]: ...
    @property
    def notes(self) -> dict[str, str]: ...
    @property
    def comment(self) -> str: ...
    @property
    def submitted_at(self) -> str | None: ...


class ReaderPage(ReviewerModal[None]):
    """A modal page of a document in the reader: a title, the text (wrapped the Japanese way,
    Up/Down/PgUp/PgDn/Home/End) and a line of keys."""

    DEFAULT_CSS = """
    ReaderPage { align: center middle; }
    ReaderPage > Vertical { width: 100; max-width: 100%; height: 95%; border: ascii $accent;
                            background: $surface; }
    ReaderPage .title { text-style: bold; padding: 0 1; }
    ReaderPage .keys { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q", "close", "閉じる")]
    KEYS = "Esc: 閉じる  PgUp / PgDn: スクロール"

    def __init__(self, title: Text, blocks: Sequence[Block]):
        super().__init__()
        self._title, self._blocks = title, list(blocks)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="title", markup=False)
            yield Reader(self._blocks, id="page-reader")
            yield Static(self.KEYS, classes="keys", markup=False)

    def on_mount(self) -> None:
        reader = self.query_one(Reader)
        reader.can_focus = True
        reader.focus()

    def action_close(self) -> None:
        self.dismiss(None)


class ApplicationText(ReaderPage):
    """An application's text: the facts, the automatic checks, the sections."""

    BINDINGS = [Binding("n", "heading(1)", "次の見出し"), Binding("p", "heading(-1)", "前の見出し")]
    KEYS = "Esc: 閉じる  PgUp / PgDn: スクロール  n / p: 次・前の見出し（添付書類はスライド・ページごと）"

    def __init__(self, program: Program, application: Application, checks: list[CheckResult],
                 attachments: Sequence[ReadableAttachment] = ()):
        title = Text.assemble(("申請書  ", "bold"), f"{application.id}  ", safe(application.applicant.name))
        if attachments:
            title.append(f"  添付 {len(attachments)} 件")
        super().__init__(title, application_blocks(program, application, checks, attachments))

    #: The heading the last n / p went to, and where the view was then: near the end the view
    #: cannot bring a heading to the top, so the heading at the top is not the one gone to.
    _went: tuple[int, float] | None = None

    def action_heading(self, step: int) -> None:
        """The next or previous heading: a section, an attachment, a slide or page of it."""
        reader = self.query_one(Reader)
        count = len(reader.headings())
        if not count:
            return
        current = reader.current_heading()
        if self._went is not None and self._went[1] == reader.scroll_y:
            current = self._went[0]
        target = (0 if step > 0 else count - 1) if current is None else current + step
        target = max(0, min(count - 1, target))
        reader.jump_to_heading(target)
        self._went = (target, reader.scroll_y)


class SheetDetail(ReaderPage):
    """One submitted sheet, every item with its note, and the comment; ``t`` the application."""

    BINDINGS = [Binding("t", "text", "申請書")]
    KEYS = "Esc: 閉じる  t: 申請書  PgUp / PgDn: スクロール"

    def __init__(self, program: Program, application: Application, sheet: Sheet, name: str = "",
                 attachments: Sequence[ReadableAttachment] = ()):
        title = Text.assemble(("採点票  ", "bold"), f"{application.id} / {sheet.evaluator}  ", safe(name))
        super().__init__(title, sheet_blocks(program, application, sheet, name))
        self.program, self.application, self.attachments = program, application, attachments

    def action_text(self) -> None:
        from reviewer.rules.checks import run_checks

        self.app.push_screen(ApplicationText(self.program, self.application,
                                             run_checks(self.application, self.program), self.attachments))


def sheet_blocks(program: Program, application: Application, sheet: Sheet, name: str = "") -> list[Block]:
    """The sheet's page: who, what, when and the rate; every item with its note; the comment."""
    a = application
    rate = sheet_words.rate_of_sheet(program, a.track, a.applicant.type, sheet.scores)
    blocks = [Block(FACT, f"{sheet.evaluator}  {name}".rstrip(), label="評価者"),
              Block(FACT, f"{a.id}  {a.applicant.name}", label="申請"),
              Block(FACT, a.title, label="件名"),
              Block(FACT, f"{jst(sheet.submitted_at)}（日本時間）", label="提出"),
              Block(FACT, words.rate(rate), label="得点率")]
    items = sheet_words.sheet_items(program, a.track, a.applicant.type, sheet.scores, sheet.notes)
    blocks += [Block(BLANK), Block(HEADING, f"項目（{len(items)}）")]
    blocks += item_blocks(items)
    blocks += [Block(BLANK), Block(HEADING, "コメント"), Block(PARA, sheet.comment.strip() or "（なし）")]
    return blocks


def item_blocks(items: Sequence[sheet_words.SheetItem]) -> list[Block]:
    """One fact per item: its id and value as the label, the criterion's label as the text (its
    wrapped lines and the note under it start in the same column)."""
    cells = max([width(i.id) for i in items] + [0])
    blocks = []
    for item in items:
        label = Text(pad(item.id, cells) + "  ")
        label.append(pad(item.value, VALUE_CELLS), style="bold reverse" if item.value == FAILED else "bold")
        blocks.append(Block(FACT, item.label, label=label))
        if item.note:
            blocks.append(Block(FACT, "所見: " + item.note, "dim"))
    return blocks


def sheet_page(reviewer: ReviewerApp, program: str, application: str, evaluator: str) -> SheetDetail | None:
    """The page of a submitted sheet, read through the chair's desk (None, with a message,
    where the sheet is no longer submitted or the application is gone)."""
    desk = reviewer.chair
    sheet = desk.sheet(program, application, evaluator)
    app = desk.application(program, application) if sheet is not None else None
    if sheet is None or app is None:
        reviewer.notify("この採点票は今は提出済みではありません（差し戻されたなど）。", markup=False)
        return None
    names: Mapping[str, str] = {p.id: p.name for p in reviewer.session.people()}
    return SheetDetail(desk.program(program), app, sheet, names.get(evaluator, ""), desk.attachments(program, application))
