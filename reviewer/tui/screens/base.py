"""The screens' typed handle on the app and its services."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from reviewer.tui.app import ReviewerApp

ResultT = TypeVar("ResultT")


class ReviewerScreen(Screen[ResultT]):
    """A screen of the reviewer app.

    A focus change repaints only the two widgets concerned (their styles follow ``:focus``),
    not the whole screen as Textual's ``Screen.focused`` would: over SSH, moving from one
    scoring item to the next stays a few hundred bytes.
    """

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    @property
    def reviewer(self) -> ReviewerApp:
        return cast("ReviewerApp", self.app)


class ReviewerModal(ModalScreen[ResultT]):
    """A modal screen of the reviewer app."""

    @property
    def reviewer(self) -> ReviewerApp:
        return cast("ReviewerApp", self.app)
