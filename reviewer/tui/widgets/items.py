"""Scoring items: a must judgement (適/否) and a score 0..5, each one focusable line.

They draw with ASCII brackets and Japanese text only, so they line up in any terminal, and
show the current value as text (readable in monochrome).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from reviewer.domain.vocabulary import CRITERION_KIND_LABELS
from reviewer.tui.chrome import safe

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

    def __init__(self, criterion: Criterion, value: object | None, readonly: bool = False):
        super().__init__(id=f"item-{_css_id(criterion.id)}")
        self.criterion = criterion
        self.readonly = readonly
        self.set_reactive(Item.value, value)
        if readonly:
            self.add_class("-readonly")

    def set_value(self, value: object | None) -> None:
        if self.readonly or value == self.value:
            return
        self.value = value
        self.post_message(self.Changed(self, self.criterion.id, value))

    def show(self, value: object | None) -> None:
        """Show a value saved elsewhere (merged in), without reporting it as a change."""
        self.set_reactive(Item.value, value)
        self.refresh()

    def action_clear(self) -> None:
        self.set_value(None)

    def choices(self) -> list[tuple[object, str]]:
        raise NotImplementedError

    def render(self) -> Text:
        c = self.criterion
        kind = CRITERION_KIND_LABELS[c.kind]
        text = Text()
        text.append(f"{c.id} ", style="bold")
        text.append(f"[{kind}] ")
        text.append_text(safe(c.label))
        text.append("\n  ")
        for value, label in self.choices():
            chosen = value == self.value
            text.append(f"[{label}]" if chosen else f" {label} ", style="reverse bold" if chosen else "")
            text.append(" ")
        text.append("  " + ("未入力" if self.value is None else "入力済"), style="dim" if self.value is None else "")
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


def _css_id(cid: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in cid)
