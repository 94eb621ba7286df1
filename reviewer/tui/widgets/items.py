"""Scoring items: a must judgement (適/否) and a score 0..5, each one focusable line.

They draw with ASCII brackets and Japanese text only, so they line up in any terminal, and
show the current value as text (readable in monochrome).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from reviewer.domain.vocabulary import CRITERION_KIND_LABELS, MUST_LABELS
from reviewer.present.text import clean, fit, width
from reviewer.tui.widgets.prose import MARGIN, framed

if TYPE_CHECKING:
    from reviewer.domain.model import Criterion


UNENTERED = "未入力"


class Item(Widget, can_focus=True):
    """A criterion line: "ID ラベル" then the value choices."""

    DEFAULT_CSS = """
    Item { height: auto; }
    Item:focus { background: $boost; }
    Item.-readonly { color: $text-muted; }
    """
    BINDINGS = [
        Binding("down", "app.focus_next", "次の項目", show=False),
        Binding("up", "app.focus_previous", "前の項目", show=False),
        Binding("backspace,delete", "clear", "取消", show=False),
    ]

    value: reactive[object | None] = reactive(None)

    @dataclass
    class Changed(Message):
        item: Item
        criterion_id: str
        value: object | None

    @dataclass
    class Refused(Message):
        """A change asked of a read-only (submitted) item."""

        item: Item

    def __init__(self, criterion: Criterion, value: object | None, readonly: bool = False, note: str = "",
                 stage: str = "written", reference: str = ""):
        super().__init__(id=item_id(criterion.id, stage))
        self.criterion = criterion
        self.readonly = readonly
        self.note = note
        #: the sheet the item is on: "written" or "hearing" (SPEC §6.3)
        self.stage = stage
        #: shown before the value, dim: on the hearing sheet, the written score ("書面 3")
        self.reference = reference
        self.set_reactive(Item.value, value)
        if readonly:
            self.add_class("-readonly")

    def set_value(self, value: object | None) -> None:
        if self.readonly:
            self.post_message(self.Refused(self))
            return
        if value == self.value:
            return
        self.value = value
        self.post_message(self.Changed(self, self.criterion.id, value))

    def set_note(self, note: str) -> None:
        self.note = note
        self.refresh(layout=True)

    def set_reference(self, reference: str) -> None:
        if reference != self.reference:
            self.reference = reference
            self.refresh()

    def set_readonly(self) -> None:
        self.readonly = True
        self.add_class("-readonly")

    def show(self, value: object | None) -> None:
        """Show a value saved elsewhere (merged in), without reporting it as a change."""
        self.set_reactive(Item.value, value)
        self.refresh()

    def action_clear(self) -> None:
        self.set_value(None)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.text(width - 2 * MARGIN).plain.split("\n"))

    def render(self) -> Text:
        cells = self.content_region.width or self.size.width
        return framed(self.text(cells - 2 * MARGIN), cells)

    def value_label(self) -> str:
        raise NotImplementedError

    def text(self, cells: int) -> Text:
        """The item on one line ``cells`` wide: "ID [種別] label ... value" (the label cut to fit;
        the whole label and description are above the form while the item has the focus)."""
        c = self.criterion
        head = f"{c.id} [{CRITERION_KIND_LABELS[c.kind]}] "
        value = self.value_label()
        reference = f"{self.reference}  " if self.reference else ""
        if reference:  # the references in a column: the values right-aligned in the widest's room
            value = " " * max(0, width(UNENTERED) - width(value)) + value
        tail = reference + ("所見 " if self.note else "") + value
        room = max(cells - width(head) - width(tail) - 2, 4)
        label = fit(clean(c.label), room)
        text = Text(no_wrap=True, overflow="crop", end="")
        # one run of text up to the value: each change of style costs some 25 bytes over SSH
        text.append(head + label + " " * max(1, cells - width(head) - width(label) - width(tail)))
        if reference:
            text.append(reference, style="dim")
        if self.note:
            text.append("所見 ")
        if self.value is None:
            style = "dim"
        elif self.value == "fail":
            style = "bold reverse"
        else:
            style = "bold"
        text.append(value, style=style)
        return text


class MustItem(Item):
    BINDINGS = [
        Binding("y,p,1", "choose('pass')", "適", show=False),
        Binding("n,f,2", "choose('fail')", "否", show=False),
        Binding("space,enter", "flip", "切替", show=False),
        Binding("left", "choose('pass')", show=False),
        Binding("right", "choose('fail')", show=False),
    ]

    def value_label(self) -> str:
        return UNENTERED if self.value is None else MUST_LABELS.get(str(self.value), str(self.value))

    def action_choose(self, value: str) -> None:
        self.set_value(value)

    def action_flip(self) -> None:
        self.set_value("fail" if self.value == "pass" else "pass")


class ScoreItem(Item):
    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(str(n), f"choose({n})", str(n), show=False) for n in range(6)],
        Binding("left", "step(-1)", show=False),
        Binding("right", "step(1)", show=False),
    ]

    def value_label(self) -> str:
        return UNENTERED if self.value is None else f"{self.value} 点"

    def action_choose(self, value: int) -> None:
        self.set_value(value)

    def action_step(self, delta: int) -> None:
        current = self.value if isinstance(self.value, int) else (0 if delta > 0 else 6)
        self.set_value(max(0, min(5, current + delta)))


def item_id(cid: str, stage: str = "written") -> str:
    """The widget id of a criterion's item (on the hearing sheet: "hearing-item-...")."""
    return ("item-" if stage == "written" else f"{stage}-item-") + "".join(ch if ch.isalnum() else "_" for ch in cid)
