"""The screens' typed handle on the app and its services."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from reviewer.tui.app import ReviewerApp

ResultT = TypeVar("ResultT")


class ReviewerScreen(Screen[ResultT]):
    """A screen of the reviewer app."""

    @property
    def reviewer(self) -> ReviewerApp:
        return cast("ReviewerApp", self.app)


class ReviewerModal(ModalScreen[ResultT]):
    """A modal screen of the reviewer app."""

    @property
    def reviewer(self) -> ReviewerApp:
        return cast("ReviewerApp", self.app)
