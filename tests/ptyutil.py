"""The terminal app in a real pseudo-terminal: what it writes, byte for byte, with timestamps.

``PtyApp`` starts ``reviewer tui`` (the venv's script, as an evaluator's SSH forced command
would) on the slave side of a pty of a given size, reads the master side in a thread and keeps
every chunk with the time it arrived. ``Screen`` replays that output into a grid of cells (the
few sequences Textual uses: cursor moves, text, SGR ignored) so a test can look for text on the
screen. ``repaint_bytes`` counts what is not a pure cursor sequence: the bytes of a repaint.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import unicodedata
from pathlib import Path

BIN = Path(sys.executable).parent

#: Keys as a terminal sends them (legacy xterm encoding).
KEYS = {"down": b"\x1b[B", "up": b"\x1b[A", "right": b"\x1b[C", "left": b"\x1b[D", "enter": b"\r",
        "tab": b"\t", "escape": b"\x1b", "ctrl+q": b"\x11"}

# The child makes the pty its controlling terminal (as sshd does for a session) and becomes the
# app: exec keeps the pid, so the pid Popen reports is the app's.
_EXEC_WITH_CTTY = ("import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
                   "os.execv(sys.argv[1], sys.argv[1:])")

# -- what counts as a repaint ------------------------------------------------------------

#: One escape sequence: CSI (with its parameters), OSC (to BEL or ST), or another ESC x (not
#: ESC [ or ESC ] alone: those are the start of a CSI or an OSC not complete yet).
_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-Z\\^-~]")
#: Sequences that only move, show, hide or shape the cursor: CUP/HVP (H, f), CUU..CHA (A-G),
#: VPA (d), save/restore (s, u; ESC 7/8), DECTCEM (?25h/l), blinking (?12h/l), DECSCUSR (SP q).
_CURSOR_ONLY = re.compile(rb"\x1b\[[0-9;]*[HfABCDEFGdsu]|\x1b\[\?(?:25|12)[hl]|\x1b\[[0-9]* q|\x1b[78]")
#: The brackets of a synchronised update (DEC mode 2026): framing, never content by themselves.
_SYNC = re.compile(rb"\x1b\[\?2026[hl]")


def repaint_bytes(chunk: bytes) -> int:
    """The bytes of ``chunk`` that are not pure cursor sequences (0: only the cursor moved).
    Carriage returns count as cursor movement too; synchronised-update brackets count only
    around something else."""
    rest = _CURSOR_ONLY.sub(b"", chunk).replace(b"\r", b"")
    if not _SYNC.sub(b"", rest):
        return 0
    return len(rest)


def describe(chunk: bytes, limit: int = 3000) -> str:
    """``chunk`` for a failure message: escape sequences spelled out, text as text."""
    text = chunk.decode("utf-8", "replace")
    text = text.replace("\x1b", "ESC").replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit] + f" ... ({len(text)} characters)"


_MOVE_TO = re.compile(rb"\x1b\[(\d+);(\d+)H")


def frames(chunk: bytes) -> list[bytes]:
    """``chunk`` cut into the app's updates (each bracketed as a synchronised update)."""
    parts = [b"\x1b[?2026h" + p for p in chunk.split(b"\x1b[?2026h")[1:]]
    head = chunk.split(b"\x1b[?2026h")[0]
    return ([head] if head else []) + parts


def summarize(chunk: bytes) -> str:
    """One line per update in ``chunk``: its bytes (all of them), the rows it draws on and the
    leftmost column, and the start of its text, e.g. ``14584 B rows 1-40 from column 1: ...``."""
    out = []
    for frame in frames(chunk):
        pieces = _MOVE_TO.split(frame)
        rows, cols = set(), set()
        for i in range(1, len(pieces) - 2, 3):  # (row, col, what follows the move)
            if repaint_bytes(pieces[i + 2]):
                rows.add(int(pieces[i]))
                cols.add(int(pieces[i + 1]))
        text = _SEQUENCE.sub("", frame.decode("utf-8", "replace")).replace("\r\n", " | ")
        text = re.sub(r" {2,}", " ", text).strip(" |")
        where = f"rows {min(rows)}-{max(rows)} from column {min(cols)}" if rows else "no position"
        out.append(f"{len(frame):6d} B {where}: {text[:90]}")
    return "\n".join(out)


# -- a screen to look at ---------------------------------------------------------------


def _width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _cell_of(row: list[str], index: int) -> int:
    """The cell of the character at ``index`` in ``"".join(row)`` (second halves are "")."""
    seen = 0
    for cell, ch in enumerate(row):
        if seen == index and ch:
            return cell
        seen += len(ch)
    return len(row)


class Screen:
    """A grid of cells replaying what the app writes: enough of a terminal for Textual's output
    (absolute cursor moves, text, line feeds, erasing); colours and modes are ignored."""

    def __init__(self, cols: int, rows: int):
        self.cols, self.rows = cols, rows
        self.cells = [[" "] * cols for _ in range(rows)]
        self.styles = [[""] * cols for _ in range(rows)]  # the SGR parameters each cell was drawn with
        self.style = ""
        self.x = self.y = 0
        self._pending = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, data: bytes) -> None:
        text = self._pending + self._decoder.decode(data)
        self._pending = ""
        # an escape sequence cut by the end of a read waits for the rest
        cut = text.rfind("\x1b")
        if cut != -1 and not _SEQUENCE.match(text, cut) and len(text) - cut < 64:
            text, self._pending = text[:cut], text[cut:]
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\x1b":
                m = _SEQUENCE.match(text, i)
                if m is None:
                    i += 1
                    continue
                self._control(m.group())
                i = m.end()
                continue
            if ch == "\r":
                self.x = 0
            elif ch == "\n":
                self.y = min(self.y + 1, self.rows - 1)
            elif ch == "\b":
                self.x = max(self.x - 1, 0)
            elif ch >= " ":
                self._put(ch)
            i += 1

    def _put(self, ch: str) -> None:
        w = _width(ch)
        if w == 0 or self.y >= self.rows:
            return
        if self.x + w > self.cols:
            return  # Textual turns line wrapping off: text past the edge is dropped
        self.cells[self.y][self.x] = ch
        self.styles[self.y][self.x] = self.style
        if w == 2:
            self.cells[self.y][self.x + 1] = ""
            self.styles[self.y][self.x + 1] = self.style
        self.x += w

    def _control(self, seq: str) -> None:
        if not seq.startswith("\x1b["):
            return
        final, params = seq[-1], seq[2:-1]
        if final == "m":
            self.style = "" if params in ("", "0") else params.removeprefix("0;")
            return
        if params.startswith("?") or not re.fullmatch(r"[0-9;]*", params):
            return
        nums = [int(p) if p else 0 for p in params.split(";")] if params else []

        def n(i: int, default: int = 1) -> int:
            return nums[i] if len(nums) > i and nums[i] else default

        if final in "Hf":
            self.y, self.x = min(n(0), self.rows) - 1, min(n(1), self.cols) - 1
        elif final == "A":
            self.y = max(self.y - n(0), 0)
        elif final == "B":
            self.y = min(self.y + n(0), self.rows - 1)
        elif final == "C":
            self.x = min(self.x + n(0), self.cols - 1)
        elif final == "D":
            self.x = max(self.x - n(0), 0)
        elif final == "G":
            self.x = min(n(0), self.cols) - 1
        elif final == "d":
            self.y = min(n(0), self.rows) - 1
        elif final == "K":
            mode = nums[0] if nums else 0
            row = self.cells[self.y]
            lo, hi = {0: (self.x, self.cols), 1: (0, self.x + 1), 2: (0, self.cols)}.get(mode, (0, 0))
            row[lo:hi] = [" "] * (hi - lo)
            self.styles[self.y][lo:hi] = [self.style] * (hi - lo)
        elif final == "J":
            mode = nums[0] if nums else 0
            if mode in (2, 3):
                self.cells = [[" "] * self.cols for _ in range(self.rows)]
                self.styles = [[self.style] * self.cols for _ in range(self.rows)]
            elif mode == 0:
                self._control("\x1b[K")
                for r in range(self.y + 1, self.rows):
                    self.cells[r] = [" "] * self.cols
                    self.styles[r] = [self.style] * self.cols

    def find(self, text: str) -> list[tuple[int, int]]:
        """Where ``text`` starts on the screen: (row, column) of each line that has it."""
        found = []
        for y, row in enumerate(self.cells):
            i = "".join(row).find(text)  # a wide character's second cell is ""
            if i != -1:
                found.append((y, _cell_of(row, i)))
        return found

    def background(self, row: int, col: int) -> str:
        """The background a cell was drawn with: "5;N" (256 colours), "2;R;G;B", an SGR code, or ""."""
        params = self.styles[row][col].split(";")
        bg = ""
        i = 0
        while i < len(params):
            p = params[i]
            if p in ("38", "48") and i + 1 < len(params):
                n = 3 if params[i + 1] == "5" else 5
                if p == "48":
                    bg = ";".join(params[i + 1:i + n])
                i += n
                continue
            if p.isdigit() and (40 <= int(p) <= 47 or 100 <= int(p) <= 107):
                bg = p
            elif p == "49":
                bg = ""
            i += 1
        return bg

    def lines(self) -> list[str]:
        return ["".join(row).rstrip() for row in self.cells]

    def text(self) -> str:
        return "\n".join(self.lines())


# -- the app in a pty ------------------------------------------------------------------


def set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class PtyApp:
    """``reviewer tui --workspace W --evaluator E`` in a pty of ``cols`` x ``rows``.

    The terminal answers Textual's one query that a modern terminal answers (DECRQM for
    synchronised output, mode 2026: supported), so the app brackets its updates as it would
    over a real SSH client; nothing at start-up waits for an answer."""

    def __init__(self, workspace: Path, evaluator: str, cols: int = 120, rows: int = 40, *,
                 cwd: Path | None = None, env: dict[str, str | None] | None = None, answer_sync: bool = True,
                 command: list[str] | None = None, controlling: bool = True):
        self.cols, self.rows = cols, rows
        self.answer_sync = answer_sync
        self.screen = Screen(cols, rows)
        self.chunks: list[tuple[float, bytes]] = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.last_output = time.monotonic()
        self.eof = False
        e = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")
             and not k.startswith("TEXTUAL") and not k.startswith("PYTEST")}
        e.update({"TERM": "xterm-256color", "REVIEWER_NO_BLINK": "1", "PYTHONIOENCODING": "utf-8"})
        e.pop("REVIEWER_WORKSPACE", None)
        for k, v in (env or {}).items():  # None: not set at all
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        self.master, slave = os.openpty()
        set_size(slave, cols, rows)
        program = command or [str(BIN / "reviewer")]  # the venv's script, as the SSH forced command runs it
        # controlling=False: the pty is not the app's controlling terminal, so closing it sends
        # no SIGHUP (as when sshd dies outright): the app only sees its input end
        wrapper = [sys.executable, "-c", _EXEC_WITH_CTTY] if controlling else []
        argv = [*wrapper, *program, "tui", "--workspace", str(workspace), "--evaluator", evaluator]
        try:
            self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                         close_fds=True, cwd=cwd or workspace.parent, env=e)
        finally:
            os.close(slave)
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read, name=f"pty-reader-{self.pid}", daemon=True)
        self._reader.start()

    # -- reading ---------------------------------------------------------------------

    def _read(self) -> None:
        tail = b""
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
            except (OSError, ValueError):
                break
            if not ready:
                if self.proc.poll() is not None and self.eof:
                    break
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: every slave descriptor is closed (the app has exited)
                data = b""
            if not data:
                break
            now = time.monotonic()
            with self.changed:
                self.chunks.append((now, data))
                self.last_output = now
                self.screen.feed(data)
                self.changed.notify_all()
            window = tail + data
            if self.answer_sync and b"\x1b[?2026$p" in window:
                self._answer(b"\x1b[?2026;2$y")
            if b"\x1b[6n" in window:  # a cursor position report (Textual asks only inline)
                self._answer(f"\x1b[{self.screen.y + 1};{self.screen.x + 1}R".encode())
            tail = window[-16:]
        with self.changed:
            self.eof = True
            self.changed.notify_all()

    def _answer(self, data: bytes) -> None:
        try:
            os.write(self.master, data)
        except OSError:
            pass

    # -- driving ---------------------------------------------------------------------

    def send(self, keys: bytes | str) -> float:
        """Type ``keys`` (bytes as a terminal sends them, or a name in ``KEYS``); the time sent."""
        data = KEYS[keys] if isinstance(keys, str) and keys in KEYS else keys
        if isinstance(data, str):
            data = data.encode("utf-8")
        now = time.monotonic()
        os.write(self.master, data)
        return now

    def now(self) -> float:
        return time.monotonic()

    def wait_quiet(self, seconds: float = 1.0, timeout: float = 20.0) -> float:
        """Wait until the app has written nothing for ``seconds`` (counted from this call at the
        earliest); the time of its last output. AssertionError if it keeps writing for ``timeout``."""
        start = time.monotonic()
        deadline = start + timeout
        with self.changed:
            while True:
                now = time.monotonic()
                quiet_since = max(self.last_output, start)
                if now - quiet_since >= seconds or self.eof:
                    return self.last_output
                if now > deadline:
                    break
                self.changed.wait(min(seconds - (now - quiet_since), deadline - now) + 0.01)
        recent = self.bytes_between(deadline - 2, deadline)
        raise AssertionError(f"the terminal did not go quiet for {seconds} s within {timeout} s; the last"
                             f" 2 seconds' output:\n{describe(recent)}")

    def bytes_between(self, t0: float, t1: float) -> bytes:
        """Everything the app wrote from ``t0`` up to ``t1`` (monotonic times)."""
        with self.lock:
            return b"".join(d for t, d in self.chunks if t0 <= t < t1)

    def bytes_since(self, t0: float) -> bytes:
        return self.bytes_between(t0, float("inf"))

    def chunks_between(self, t0: float, t1: float) -> list[tuple[float, bytes]]:
        with self.lock:
            return [(t, d) for t, d in self.chunks if t0 <= t < t1]

    def text(self) -> str:
        with self.lock:
            return self.screen.text()

    def look(self, fn):
        """``fn(screen)`` with the screen held still (the reader waits meanwhile)."""
        with self.lock:
            return fn(self.screen)

    def wait_until(self, fn, timeout: float = 30.0, what: str = "the screen"):
        """The first true ``fn(screen)`` as output arrives (AssertionError with the screen after
        ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                value = fn(self.screen)
                if value:
                    return value
                now = time.monotonic()
                if now > deadline or self.eof:
                    break
                self.changed.wait(min(0.5, deadline - now))
            screen = self.screen.text()
        raise AssertionError(f"{what} did not come ({self.cols}x{self.rows}"
                             f"{', the app exited' if self.eof else ''}):\n{screen}")

    def wait_for_text(self, text: str, timeout: float = 30.0) -> str:
        """The screen once ``text`` is on it (AssertionError with the screen after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                screen = self.screen.text()
                if text in screen:
                    return screen
                now = time.monotonic()
                if now > deadline or self.eof:
                    break
                self.changed.wait(min(0.5, deadline - now))
        raise AssertionError(f"{text!r} did not appear ({self.cols}x{self.rows}"
                             f"{', the app exited' if self.eof else ''}):\n{screen}")

    # -- stopping --------------------------------------------------------------------

    def hang_up(self) -> None:
        """Close the terminal's side of the pty, as a dropped connection does."""
        try:
            os.close(self.master)
        except OSError:
            pass

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (the app saves and exits), then SIGKILL; the exit status."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        self._reader.join(timeout=5)
        try:
            os.close(self.master)
        except OSError:
            pass
        return self.proc.returncode
