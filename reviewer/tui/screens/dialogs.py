"""Small modal dialogs: confirm, a line of input, pick one of a list; a page of text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reviewer.tui.chrome import safe
from reviewer.tui.screens.base import ReviewerModal


class Dialog(ReviewerModal[Any]):
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 70; max-width: 95%; height: auto; max-height: 90%;
        border: ascii $accent; background: $surface; padding: 0 1;
    }
    Dialog .title { text-style: bold; margin-bottom: 1; }
    Dialog .keys { color: $text-muted; margin-top: 1; }
    Dialog .problem { display: none; margin-top: 1; text-style: bold; background: $error 30%; }
    Dialog .problem.-shown { display: block; }
    """


class ConfirmDialog(Dialog):
    BINDINGS = [
        Binding("y,enter", "answer(True)", "はい"),
        Binding("n,escape", "answer(False)", "いいえ"),
    ]

    def __init__(self, title: str, body: Text | str):
        super().__init__()
        self._title, self._body = title, body

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self._title), classes="title", markup=False)
            body = self._body if isinstance(self._body, Text) else safe(self._body, multiline=True)
            yield Static(body, markup=False)
            yield Static("y / Enter: はい    n / Esc: いいえ", classes="keys", markup=False)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class InputDialog(Dialog):
    """A line of input. With ``attempt``, Enter runs it on the text: a message back (what is
    wrong) is shown in the dialog, which stays open with what was typed; None closes it."""

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, title: str, prompt: str, value: str = "", placeholder: str = "",
                 attempt: Callable[[str], str | None] | None = None, max_length: int = 0,
                 keys: str = "Enter: 決定    Esc: 取消"):
        super().__init__()
        self._title, self._prompt, self._value, self._placeholder = title, prompt, value, placeholder
        self._attempt, self._max_length, self._keys = attempt, max_length, keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self._title), classes="title", markup=False)
            yield Static(safe(self._prompt, multiline=True), markup=False)  # may name an applicant
            yield Input(value=self._value, placeholder=self._placeholder, id="dialog-input",
                        max_length=self._max_length)
            yield Static("", id="dialog-problem", classes="problem", markup=False)
            yield Static(self._keys, classes="keys", markup=False)

    def on_mount(self) -> None:
        self.reviewer.settle_cursors(self)
        self.query_one("#dialog-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self._attempt(event.value) if self._attempt is not None else None
        if problem:
            self.query_one("#dialog-problem", Static).update(Text.assemble(("入力を確かめてください: ", "bold"),
                                                                           safe(problem, multiline=True)))
            self.query_one("#dialog-problem", Static).add_class("-shown")
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FormDialog(Dialog):
    """A few lines of input, each under its label (``fields``: label, value, placeholder). Enter
    moves to the next line; on the last it runs ``attempt`` on the values: a message back (what
    is wrong) is shown in the dialog, which stays open with what was typed; None closes it with
    the values (Esc: None)."""

    BINDINGS = [Binding("escape", "cancel", "取消")]
    DEFAULT_CSS = """
    FormDialog .field { margin-top: 1; }
    FormDialog Input { height: 1; padding: 0 1; background: $boost; }
    FormDialog Input:focus { background: $panel; }
    """

    def __init__(self, title: str, prompt: str, fields: list[tuple[str, str, str]],
                 attempt: Callable[[list[str]], str | None] | None = None, max_length: int = 0):
        super().__init__()
        self._title, self._prompt, self._fields = title, prompt, fields
        self._attempt, self._max_length = attempt, max_length

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self._title), classes="title", markup=False)
            if self._prompt:
                yield Static(safe(self._prompt, multiline=True), markup=False)  # may name an applicant
            for i, (label, value, placeholder) in enumerate(self._fields):
                yield Static(safe(label), classes="field", markup=False)
                yield Input(value=value, placeholder=placeholder, id=f"form-{i}", max_length=self._max_length)
            yield Static("", id="dialog-problem", classes="problem", markup=False)
            yield Static("Enter: 次の欄（最後の欄で決定）    Tab: 欄を移る    Esc: 取消", classes="keys", markup=False)

    def on_mount(self) -> None:
        self.reviewer.settle_cursors(self)
        self.query_one("#form-0", Input).focus()

    def values(self) -> list[str]:
        return [self.query_one(f"#form-{i}", Input).value for i in range(len(self._fields))]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = int((event.input.id or "form-0").removeprefix("form-"))
        if index + 1 < len(self._fields):
            self.set_focus(self.query_one(f"#form-{index + 1}", Input))  # now: the next key goes there
            return
        values = self.values()
        problem = self._attempt(values) if self._attempt is not None else None
        if problem:
            shown = self.query_one("#dialog-problem", Static)
            shown.update(Text.assemble(("入力を確かめてください: ", "bold"), safe(problem, multiline=True)))
            shown.add_class("-shown")
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickDialog(Dialog):
    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, title: str, options: list[tuple[str, str]]):
        super().__init__()
        self._title, self._options = title, options

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self._title), classes="title", markup=False)
            # labels name programs and people from the input files: shown as data, cleaned
            yield OptionList(*[Option(safe(label), id=key) for key, label in self._options], id="dialog-options")
            yield Static("Enter: 決定    Esc: 取消", classes="keys", markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPage(ModalScreen):
    """A modal page of text that scrolls (the key help, an application's detail)."""

    DEFAULT_CSS = """
    TextPage { align: center middle; }
    TextPage > VerticalScroll { width: 90; max-width: 100%; height: 90%; border: ascii $accent;
                                background: $surface; padding: 0 1; }
    """
    #: The page's Static widget id, and a line of keys under the text (if any).
    PAGE_ID: str | None = None
    KEYS: str | None = None

    def page(self) -> Text:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.page(), id=self.PAGE_ID, markup=False)
            if self.KEYS:
                yield Static(self.KEYS, classes="keys", markup=False)
