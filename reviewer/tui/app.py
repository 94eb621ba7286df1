"""The Textual app: evaluators score, chairs steer.

Who the user is comes from ``--evaluator`` (fixed by the SSH forced command) or from the
panel's ``os_user`` for the login account (``reviewer.services.session``). Evaluators see their
own assignments only; chairs get the dashboard. The app holds a typed handle on the services
(``session``, and ``chair`` for a chair) and never touches the workspace itself. Nothing here
imports pandas: scoring loads in a worker when the chair's ranking is first shown.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen

from reviewer.present.text import clean
from reviewer.services.chair import ChairDesk
from reviewer.services.errors import WorkspaceError
from reviewer.services.session import Session, identify
from reviewer.tui import chrome
from reviewer.tui.screens.chair import ChairScreen
from reviewer.tui.screens.dialogs import InputDialog, PickDialog
from reviewer.tui.screens.help import HelpScreen
from reviewer.tui.screens.queue import QueueScreen
from reviewer.tui.widgets.messages import MessageLine

chrome.install()


class Told(NamedTuple):
    """A message the app told (``ReviewerApp.told`` keeps the latest)."""

    title: str
    message: str
    severity: str


class ReviewerApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "reviewer"
    ENABLE_COMMAND_PALETTE = False
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("f1,question_mark", "help", "ヘルプ", key_display="F1"),
        Binding("ctrl+q", "quit", "終了", key_display="C-q", priority=True),
        Binding("e", "switch_view", "評価者表示", show=False),
    ]

    def __init__(self, workspace: Path, evaluator_id: str, *, demo: bool = False, actor: str | None = None,
                 export_dir: Path | None = None):
        super().__init__()
        self.session = Session(workspace, evaluator_id, demo=demo, actor=actor)
        self.identity = self.session.identity
        self.demo = demo
        self.export_dir = export_dir  # None: the workspace's export folder
        self.told: deque[Told] = deque(maxlen=200)  # the messages of this session, latest last

    @property
    def chair(self) -> ChairDesk:
        """The chair's services (a chair's session only)."""
        if self._chair is None:
            self._chair = ChairDesk(self.session)
        return self._chair

    _chair: ChairDesk | None = None

    #: REVIEWER_NO_BLINK=1 stops cursor blinking (steady snapshots); over SSH the cursor does
    #: not blink either: each blink is a repaint sent over the link, for hours.
    cursor_blink = not (os.environ.get("REVIEWER_NO_BLINK") or os.environ.get("SSH_CONNECTION"))

    def settle_cursors(self, screen: Screen[Any]) -> None:
        from textual.widgets import Input, TextArea

        for widget in screen.query("Input, TextArea"):
            if isinstance(widget, (Input, TextArea)):
                widget.cursor_blink = self.cursor_blink

    def get_key_display(self, binding: Binding) -> str:
        if binding.key_display:
            return binding.key_display
        return chrome.key_display(binding.key.split(",")[0])

    # -- messages -----------------------------------------------------------------------

    def message_line(self) -> MessageLine | None:
        """The message line of the topmost screen that has one (a dialog has none)."""
        for screen in reversed(self.screen_stack):
            lines = screen.query(MessageLine)
            if lines:
                return lines.first()
        return None

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Messages go to the screen's message line, never over its text (a toast where no
        screen has one). Every caller passes plain text: it is shown literally."""
        self.told.append(Told(title, message, severity))
        line = self.message_line()
        if line is None:
            super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)
            return
        line.tell(message, title, severity)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            line = self.message_line()  # a message stays until the next key
            if line is not None:
                line.clear()
        await super().on_event(event)

    def on_mount(self) -> None:
        # no animated scrolling: each frame is sent over the link (and the focus jumps anyway)
        self.animation_level = "none"
        self.theme = os.environ.get("REVIEWER_THEME", "textual-dark")
        self.call_after_refresh(self.record_session)  # a durable write: after the first screen
        if self.identity.role == "chair":
            self.push_screen(ChairScreen(self.identity.id))
        else:
            self.push_screen(QueueScreen(self.identity.id))
        if os.environ.get("REVIEWER_EXIT_AFTER_FIRST_SCREEN"):
            self.call_after_refresh(self.exit)
        self._catch_hangup()

    def _catch_hangup(self) -> None:
        """A dropped connection (SIGHUP) or a stop (SIGTERM): what is typed is saved first."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.hang_up)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread (tests)
                return

    def hang_up(self) -> None:
        """The terminal is gone (SIGHUP, SIGTERM, end of input): save what is typed, exit."""
        self.save_typed()
        self.exit()

    def get_driver_class(self) -> type[Driver]:
        """On Linux terminals, the driver that ends the app when its terminal is gone."""
        driver = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if driver is LinuxDriver:
            from reviewer.tui.driver import HangupDriver

            return HangupDriver
        return driver

    def save_typed(self) -> None:
        """Save whatever a scoring screen holds that its autosave has not yet saved."""
        from reviewer.tui.screens.review import ReviewScreen

        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen):
                screen.flush()

    async def action_quit(self) -> None:
        self.save_typed()
        self.exit()

    def record_session(self) -> None:
        self.session.record_start()

    def on_unmount(self) -> None:
        self.session.close()

    # -- navigation ---------------------------------------------------------------------

    def open_application(self, evaluator_id: str, program: str, application: str) -> None:
        """Open an application for scoring: the session's gate decides (its own assignments
        only; in the demo, also the evaluator the chair looks through): anyone else's is refused
        outright, a problem with the assignment is told."""
        self.session.gate(evaluator_id)
        try:
            opened = self.session.open_sheet(evaluator_id, program, application)
        except WorkspaceError as e:
            self.notify("\n".join(clean(m) for m in e.messages), severity="error", markup=False)
            return
        from reviewer.tui.screens.review import ReviewScreen  # loads the model (pydantic) on first use

        self.push_screen(ReviewScreen(opened))

    def open_next(self, evaluator_id: str, program: str, application: str) -> None:
        nxt = self.session.next_unfinished(evaluator_id, program, application)
        self.pop_screen()
        if nxt is None:
            self.notify("未完了の申請はもうありません。", markup=False)
            return
        self.open_application(evaluator_id, *nxt)

    def ask_reason(self, title: str, prompt: str, act: Callable[[str], object], done_message: str,
                   then: Callable[[], object] | None = None, placeholder: str = "") -> None:
        """Ask for a reason, run ``act(reason)`` (a workspace change), report the outcome."""

        def attempt(reason: str) -> str | None:
            """Run the change; what went wrong stays in the dialog with what was typed."""
            if not reason.strip():
                return "理由を入力してください。"
            try:
                act(reason.strip())
            except WorkspaceError as e:
                return "\n".join(clean(m) for m in e.messages)
            return None

        def done(reason: str | None) -> None:
            if reason is None:
                return
            self.notify(done_message, markup=False)
            if then is not None:
                then()

        self.push_screen(InputDialog(title, prompt, placeholder=placeholder, attempt=attempt), done)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(chair=self.session.is_chair,
                                        viewing_as_evaluator=self.session.viewing_as is not None))

    def action_switch_view(self) -> None:
        """Demo only: the chair switches to an evaluator's view and back."""
        if not self.demo:
            return
        if self.session.viewing_as:
            while not isinstance(self.screen, ChairScreen) and len(self.screen_stack) > 2:
                self.pop_screen()
            self.session.view_as(None)
            return
        if not isinstance(self.screen, ChairScreen):
            return
        evaluators = [e for e in self.session.people() if e.role == "evaluator"]
        options = [(e.id, f"{e.id}  {e.name}（{'・'.join(e.programs)}）") for e in evaluators]

        def done(choice: str | None) -> None:
            if choice:
                self.session.view_as(choice)
                self.push_screen(QueueScreen(choice))

        self.push_screen(PickDialog("評価者の画面に切り替える（デモ）", options), done)


def run(workspace: Path, evaluator_id: str | None, *, demo: bool = False, mouse: bool | None = None,
        export_dir: Path | None = None) -> int:
    import sys

    from reviewer import tui

    if tui.TEXTUAL_LOADED_FIRST:  # Textual has read its settings from an environment not scrubbed
        raise WorkspaceError("端末アプリは reviewer tui か reviewer demo で起動してください（Textual が先に読み込まれています）")
    bench = bool(os.environ.get("REVIEWER_EXIT_AFTER_FIRST_SCREEN"))  # benchmarks: headless, exit at once
    if not bench and not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise WorkspaceError("端末アプリには端末（TTY）が必要です。SSH では ssh -t で接続してください")
    identity = identify(workspace, evaluator_id)
    if mouse is None:
        mouse = not os.environ.get("SSH_CONNECTION")  # mouse tracking floods a remote link
    app = ReviewerApp(workspace, identity, demo=demo, export_dir=export_dir)
    # Start-up allocates many long-lived objects (modules, styles, widgets); the collector
    # need not scan them again and again while the first screen is built.
    gc.freeze()
    app.run(mouse=mouse, headless=bench)
    return app.return_code or 0
