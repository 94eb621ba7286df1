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

from reviewer.domain.vocabulary import CRITERION_KIND_LABELS
from reviewer.present.text import clean, width, wrap

if TYPE_CHECKING:
    from reviewer.domain.model import Criterion


class Item(Widget, can_focus=True):
    """A criterion line: "ID ラベル" then the value choices."""

    DEFAULT_CSS = """
    Item { height: auto; padding: 0 1; }
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

    def __init__(self, criterion: Criterion, value: object | None, readonly: bool = False, note: str = ""):
        super().__init__(id=item_id(criterion.id))
        self.criterion = criterion
        self.readonly = readonly
        self.note = note
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

    def set_readonly(self) -> None:
        self.readonly = True
        self.add_class("-readonly")

    def show(self, value: object | None) -> None:
        """Show a value saved elsewhere (merged in), without reporting it as a change."""
        self.set_reactive(Item.value, value)
        self.refresh()

    def action_clear(self) -> None:
        self.set_value(None)

    def choices(self) -> list[tuple[object, str]]:
        raise NotImplementedError

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.text(width).plain.split("\n"))

    def render(self) -> Text:
        return self.text(self.content_region.width or self.size.width)

    def text(self, cells: int) -> Text:
        """The item at ``cells`` wide: its name wrapped the Japanese way (continuation lines
        under the label), then the choices and whether it is entered."""
        c = self.criterion
        kind = CRITERION_KIND_LABELS[c.kind]
        head = f"{c.id} [{kind}] "
        name = head + clean(c.label)
        text = Text(no_wrap=True, overflow="crop", end="")
        for i, line in enumerate(wrap(name, max(cells, 8), hanging=min(width(head), max(cells, 8) // 2))):
            if i:
                text.append("\n")
            if i == 0 and line.startswith(c.id):
                text.append(c.id, style="bold")
                text.append(line[len(c.id):])
            else:
                text.append(line)
        text.append("\n  ")
        for value, label in self.choices():
            chosen = value == self.value
            text.append(f"[{label}]" if chosen else f" {label} ", style="reverse bold" if chosen else "")
            text.append(" ")
        text.append("  " + ("未入力" if self.value is None else "入力済"), style="dim" if self.value is None else "")
        if self.note:
            text.append("  所見あり")
        return text


class MustItem(Item):
    BINDINGS = [
        Binding("y,p,1", "choose('pass')", "適", show=False),
        Binding("n,f,2", "choose('fail')", "否", show=False),
        Binding("space,enter", "flip", "切替", show=False),
        Binding("left", "choose('pass')", show=False),
        Binding("right", "choose('fail')", show=False),
    ]

    def choices(self) -> list[tuple[object, str]]:
        return [("pass", "適 合"), ("fail", "不適合")]

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

    def choices(self) -> list[tuple[object, str]]:
        return [(n, str(n)) for n in range(6)]

    def action_choose(self, value: int) -> None:
        self.set_value(value)

    def action_step(self, delta: int) -> None:
        current = self.value if isinstance(self.value, int) else (0 if delta > 0 else 6)
        self.set_value(max(0, min(5, current + delta)))


def item_id(cid: str) -> str:
    """The widget id of a criterion's item."""
    return "item-" + "".join(ch if ch.isalnum() else "_" for ch in cid)
