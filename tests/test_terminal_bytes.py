"""Over SSH the screen stays light (issue 13): what the evaluator's app writes to a real
terminal, counted byte for byte in a pseudo-terminal (tests/ptyutil.py).

- idle: in 10 seconds without a key, nothing but the cursor (no animation, no timer repaint),
  on the evaluator's list and on the scoring screen;
- moving between the scoring items (Down): each move under 2 KB sent (every byte, cursor moves
  included), at 120x40 and 80x24.

The app runs as the SSH forced command runs it (the venv's ``reviewer tui --workspace W
--evaluator e01``), with SSH_CONNECTION set as sshd sets it and no REVIEWER_NO_BLINK: what the
app does over SSH by itself (no mouse tracking, no blinking cursor) is what is measured.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from ptyutil import PtyApp, describe, repaint_bytes, summarize
from tuiutil import sample_workspace

from reviewer.services.sheets import reopen_sheet
from reviewer.workspace import Workspace

IDLE_SECONDS = 10    # the measure
MOVE_BUDGET = 2048   # bytes per move between items
SSH = {"SSH_CONNECTION": "192.0.2.10 50022 192.0.2.1 22", "REVIEWER_NO_BLINK": None}
TYPED = "ヒアリング要"  # typed into the comment (before the text already there)


@pytest.fixture
def workspace(tmp_path, tmp_path_factory):
    """The sample workspace; e01's first application (in list order) sent back to draft, so the
    scoring screen is the editable one an evaluator works in. Returns (path, facts)."""
    path = sample_workspace(tmp_path, tmp_path_factory.getbasetemp())
    with Workspace.open(path) as ws:
        chair = next(p.id for p in ws.people() if p.role == "chair")
        first = ws.evaluator_queue("e01")[0]
        if first.status == "submitted":
            reopen_sheet(ws, first.program, first.application, "e01", actor=chair, reason="端末の測定", chair=chair)
        program = ws.program(first.program)
        application = ws.application(first.program, first.application)
        criteria = [c for c in program.applicable(application) if c.kind in ("must", "scored")]
        name = ws.person("e01").name
    return path, {"application": first.application, "criteria": criteria, "name": name}


@pytest.fixture
def start(workspace, tmp_path):
    """start(cols, rows): the app on the evaluator's list in a pty of that size (stopped after)."""
    apps: list[PtyApp] = []

    def run(cols: int = 120, rows: int = 40) -> PtyApp:
        app = PtyApp(workspace[0], "e01", cols, rows, cwd=tmp_path, env=SSH)
        apps.append(app)
        app.wait_for_text(workspace[1]["name"])
        app.wait_quiet(1.0)
        return app

    yield run
    for app in apps:
        app.stop()


def open_first(app: PtyApp, facts: dict) -> None:
    """Enter on the list's first row: its scoring screen, once drawn and quiet."""
    app.send("enter")
    app.wait_for_text(f"{facts['criteria'][0].id} [")  # an item: only the scoring screen has them
    assert facts["application"] + " " in app.text()
    app.wait_quiet(1.0)


def item_lines(screen, criteria) -> dict[str, str]:
    """The background of each item line on the screen, by criterion. An item's line starts
    with "ID [kind]" (the description above the form starts so too: the item is the lowest)."""
    lines = {}
    for c in criteria:
        where = screen.find(f"{c.id} [")
        if where:
            lines[c.id] = screen.background(*where[-1])
    return lines


def plain_background(app: PtyApp, criteria) -> str:
    """The background of an item line without the focus: the most common one on the screen."""
    lines = app.look(lambda screen: item_lines(screen, criteria))
    assert len(lines) >= 3, f"fewer than 3 items on the screen:\n{app.text()}"
    return Counter(lines.values()).most_common(1)[0][0]


def wait_focus(app: PtyApp, criteria, cid: str, plain: str) -> None:
    """Until the item ``cid`` alone is highlighted (drawn on another background than ``plain``)."""
    def only(screen) -> bool:
        return [k for k, bg in item_lines(screen, criteria).items() if bg != plain] == [cid]

    app.wait_until(only, timeout=15, what=f"the focus on {cid} alone")


def idle(app: PtyApp, seconds: float = IDLE_SECONDS) -> bytes:
    t0 = app.now()
    time.sleep(seconds)
    return app.bytes_between(t0, app.now())


def assert_silent(out: bytes, where: str) -> None:
    assert repaint_bytes(out) == 0, (
        f"{where}: {repaint_bytes(out)} bytes of repaint in {IDLE_SECONDS} idle seconds"
        f" ({len(out)} in all); the updates sent:\n{summarize(out)}\nthe bytes:\n{describe(out)}")


def test_the_list_sends_nothing_while_idle(start):
    app = start(120, 40)
    assert_silent(idle(app), "the evaluator's list")


def test_the_scoring_screen_sends_nothing_while_idle(start, workspace):
    """Idle with the cursor in the comment (where a blinking cursor would repaint), after typing
    (the autosave has run meanwhile)."""
    facts = workspace[1]
    app = start(120, 40)
    open_first(app, facts)
    for _ in facts["criteria"]:  # Tab through the items: then the comment
        app.send("tab")
    app.wait_quiet(0.5)
    app.send(TYPED)
    app.wait_for_text(TYPED, timeout=10)  # in the comment: the only text box on the screen
    app.wait_quiet(1.5)                   # past the comment's autosave
    assert_silent(idle(app), "the scoring screen, the cursor in the comment")


def test_the_classifier_tells_the_cursor_from_a_repaint():
    assert repaint_bytes(b"") == 0
    assert repaint_bytes(b"\x1b[12;40H\x1b[?25h\x1b[?25l\x1b[3A\x1b[2 q\r") == 0
    assert repaint_bytes(b"\x1b[?2026h\x1b[5;1H\x1b[?2026l") == 0       # a frame that only moves the cursor
    assert repaint_bytes(b"\x1b[5;1H\x1b[1mA\x1b[0m") == len(b"\x1b[1mA\x1b[0m")
    assert repaint_bytes(b"\x1b[?2026h\x1b[5;1Hx\x1b[?2026l") == 1 + 16


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_moving_between_items_sends_little(start, workspace, size):
    facts = workspace[1]
    criteria = facts["criteria"]
    assert len(criteria) >= 4
    app = start(*size)
    open_first(app, facts)
    plain = plain_background(app, criteria)
    wait_focus(app, criteria, criteria[0].id, plain)  # the screen starts on the first item (all are scored)
    sizes = []
    worst = b""
    for criterion in criteria[1:]:
        t0 = app.send("down")
        wait_focus(app, criteria, criterion.id, plain)  # the focus moved on from the previous item
        app.wait_quiet(0.5)
        out = app.bytes_since(t0)
        sizes.append((criterion.id, len(out)))
        if len(out) > len(worst):
            worst = out
    over = [(cid, n) for cid, n in sizes if n >= MOVE_BUDGET]
    assert not over, (f"{size[0]}x{size[1]}: bytes per move to each item {sizes}; {len(over)} of {len(sizes)} over"
                      f" {MOVE_BUDGET}; the updates of the largest move:\n{summarize(worst)}\n"
                      f"its bytes:\n{describe(worst, 1500)}")
