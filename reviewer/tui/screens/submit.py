"""The confirmation before a sheet is submitted: what is about to be submitted (each must, each
score, the rate, the items without a note) and what is missing, with a key to go to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from reviewer.domain.vocabulary import MUST_LABELS
from reviewer.present.text import clean, fit, pad, width
from reviewer.tui.chrome import safe
from reviewer.tui.screens.dialogs import Dialog

if TYPE_CHECKING:
    from reviewer.services.session import OpenedSheet, Session


@dataclass(frozen=True)
class Line:
    criterion: str
    label: str
    kind: str
    value: Any
    note: bool


@dataclass(frozen=True)
class Summary:
    application: str
    lines: tuple[Line, ...]
    rate: float | None          # the sheet's score rate as the ranking computes it
    comment_chars: int
    stage: str = "written"      # or "hearing": the hearing's sheet (SPEC §6.4)

    @classmethod
    def of(cls, session: Session, opened: OpenedSheet, scores: dict[str, Any], notes: dict[str, str],
           comment: str, stage: str = "written") -> Summary:
        crit = [c for c in opened.program.applicable(opened.application) if c.kind in ("must", "scored")]
        if stage == "hearing":
            rated = set(session.hearing_criteria(opened))
            crit = [c for c in crit if c.id in rated]
        lines = tuple(Line(c.id, clean(c.label), c.kind, scores.get(c.id), bool(notes.get(c.id))) for c in crit)
        return cls(opened.application.id, lines, session.sheet_rate(opened, scores, stage=stage),
                   len(comment.strip()), stage)

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if line.value is None]

    @property
    def failed(self) -> list[Line]:
        return [line for line in self.lines if line.kind == "must" and line.value == "fail"]


def summary_text(s: Summary) -> Text:
    t = Text()
    w = max([width(f"{line.criterion} {line.label}") for line in s.lines] + [10])
    w = min(w, 46)
    for kind, heading in (("must", "必須要件"), ("scored", "加点項目")):
        rows = [line for line in s.lines if line.kind == kind]
        if not rows:
            continue
        t.append(f"{heading}\n", style="bold")
        for line in rows:
            name = f"{line.criterion} {line.label}"
            t.append("  ")
            t.append_text(safe(pad(fit(name, w), w)))
            value = ("未入力" if line.value is None else
                     MUST_LABELS.get(str(line.value), str(line.value)) if kind == "must" else f"{line.value} 点")
            t.append(f"  {value}", style="bold reverse" if line.value is None or line.value == "fail" else "bold")
            t.append("  所見あり\n" if line.note else "\n", style="dim")
    t.append("\n得点率 ", style="bold")
    if s.missing:
        t.append("-（未入力の項目があります" + ("" if s.rate is None else f"。入力済みの項目だけでは {s.rate:.2f}") + "）")
    else:
        t.append("-" if s.rate is None else f"{s.rate:.2f}")
    t.append(f"\nコメント {s.comment_chars} 字\n" if s.comment_chars else "\nコメントなし\n")
    no_note = [line.criterion for line in s.lines if not line.note]
    if no_note:
        t.append("所見のない項目（任意）: " + "、".join(no_note) + "\n", style="dim")
    if s.failed:
        t.append("不適合とした必須要件: " + "、".join(line.criterion for line in s.failed) + "\n", style="bold")
    t.rstrip()
    return t


class SubmitDialog(Dialog):
    """Dismisses with "submit", with a criterion id to go to (the first missing), or None."""

    DEFAULT_CSS = """
    SubmitDialog > Vertical { width: 84; }
    SubmitDialog VerticalScroll { height: auto; max-height: 24; }
    """
    BINDINGS = [
        Binding("y,enter", "answer", "提出"),
        Binding("j", "jump", "未入力へ"),
        Binding("n,escape", "cancel", "戻る"),
    ]

    def __init__(self, summary: Summary):
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        s = self.summary
        missing = s.missing
        with Vertical():
            sheet = "ヒアリングの採点票" if s.stage == "hearing" else "採点票"
            yield Static(f"{s.application} の{sheet}の提出", classes="title", markup=False)
            with VerticalScroll():
                yield Static(summary_text(s), id="submit-summary", markup=False)
            if missing:
                names = "、".join(line.criterion for line in missing)
                yield Static(Text.assemble(("提出できません。未入力: ", "bold"), names), id="submit-missing",
                             classes="problem -shown", markup=False)
                yield Static(f"j / Enter: {missing[0].criterion} へ移動    n / Esc: 戻る", classes="keys", markup=False)
            else:
                yield Static("提出後は委員長の差し戻しがない限り変更できません。", markup=False)
                yield Static("y / Enter: 提出する    n / Esc: 戻る", classes="keys", markup=False)

    def action_answer(self) -> None:
        missing = self.summary.missing
        self.dismiss(missing[0].criterion if missing else "submit")

    def action_jump(self) -> None:
        missing = self.summary.missing
        if missing:
            self.dismiss(missing[0].criterion)

    def action_cancel(self) -> None:
        self.dismiss(None)
