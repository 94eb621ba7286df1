"""決定: the second half of a review on one page (SPEC §6.4, §6.7): the result's state and the final
list's totals at the top, its warnings beneath in a style of their own, then a list of the
hearing's shortlist (when and where, the rates of the heard), the requests for additional
materials (those awaiting an answer first), the opinions by application, the final list
(採択候補先: each application with its decision and reason, the counts by bureau) and the
applications decided against.

The keys act on the entry under the cursor: k records the answer to a request, d a decision,
o an opinion, i a request, h puts the application on the shortlist (or off it); F finalizes the
result as the screen has scored it, R reopens it; Enter opens the application's detail.
Untrusted text (applicants, requests, answers, opinions, reasons) is shown as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from reviewer.present import ranking as row_words
from reviewer.present import result as words
from reviewer.present import review as review_words
from reviewer.present.text import clean, fit, pack, pad
from reviewer.tui.chrome import safe

if TYPE_CHECKING:
    from reviewer.scoring import AppResult, Result
    from reviewer.services.chair import (
        ChairDesk,
        Decision,
        MaterialRequest,
        Opinion,
        ResultState,
        ShortlistEntry,
    )

#: The keys of the view, on a line under its list (the footer has room for F or R only).
KEYS = "k 回答を記録  d 採否  o 意見  i 追加資料  h ヒアリング対象  Enter 申請の詳細"
APPLICANT_CELLS = 20
#: The warnings shown above the list (the others are in it).
MOST_WARNINGS = 3


@dataclass
class SecondHalf:
    """What the workspace holds of a program's second half, read at once (a few small queries)."""

    program: str
    shortlist: list[ShortlistEntry]
    requests: list[MaterialRequest]
    opinions: list[Opinion]
    decisions: dict[str, Decision]
    state: ResultState

    @classmethod
    def read(cls, desk: ChairDesk, program: str) -> SecondHalf:
        return cls(program, desk.shortlist(program), desk.requests(program), desk.opinions(program),
                   desk.decisions(program), desk.result_state(program))

    @property
    def finalized(self) -> bool:
        return self.state.finalized

    def entries(self) -> dict[str, ShortlistEntry]:
        return {e.application: e for e in self.shortlist}

    def requests_of(self, application: str) -> list[MaterialRequest]:
        return [r for r in self.requests if r.application == application]

    def opinions_of(self, application: str) -> list[Opinion]:
        return [o for o in self.opinions if o.application == application]


def application_of(key: str | None) -> str | None:
    """The application an entry's key names (``kind/application`` or ``kind/number/application``)."""
    if not key or key.startswith(("h/", "w/", "i/")):
        return None
    return key.split("/", 2)[-1]


def request_of(key: str | None) -> int | None:
    """The request an entry's key names (``q/number/application``)."""
    if not key or not key.startswith("q/"):
        return None
    return int(key.split("/", 2)[1])


class DecisionsView(Vertical):
    FOCUS = "#decide-list"
    BINDINGS = [
        Binding("k", "screen.answer", "回答", show=False),
        Binding("d", "screen.decide", "採否", show=False),
        Binding("o", "screen.opinion", "意見", show=False),
        Binding("i", "screen.request_materials", "資料", show=False),
        Binding("h", "screen.shortlist", "ヒアリング", show=False),
        # F when the result is open, R when it is finalized (the footer has room for one);
        # the hidden ones say why the other does nothing now
        Binding("F", "screen.finalize", "確定"),
        Binding("F", "screen.finalize(True)", "確定", show=False),
        Binding("R", "screen.reopen_result", "解除"),
        Binding("R", "screen.reopen_result(True)", "解除", show=False),
    ]
    DEFAULT_CSS = """
    DecisionsView > #decide-state { height: auto; padding: 0 1; text-style: bold; }
    DecisionsView > #decide-state.-finalized { background: $accent 40%; }
    DecisionsView > #decide-warnings { display: none; height: auto; max-height: 6; padding: 0 1;
                                       background: $error 30%; text-style: bold; }
    DecisionsView > #decide-warnings.-shown { display: block; }
    DecisionsView > #decide-list { height: 1fr; border: none; padding: 0 1; }
    DecisionsView > #decide-list:focus { border: none; }
    DecisionsView > #decide-list > .option-list--option-disabled { color: $text; text-style: bold underline; }
    DecisionsView > #decide-keys { height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap;
                                   text-overflow: clip; }
    """
    _last: tuple[Result | None, SecondHalf | None] = (None, None)

    def compose(self) -> ComposeResult:
        yield Static("", id="decide-state", markup=False)
        yield Static("", id="decide-warnings", markup=False)
        yield OptionList(id="decide-list")
        yield Static(KEYS, id="decide-keys", markup=False)

    def fill(self, second: SecondHalf, result: Result | None) -> None:
        """Show ``second`` (read now) and the final list of ``result`` (None: being scored)."""
        self._last = (result, second)
        self._show_state()
        listed = self.query_one("#decide-list", OptionList)
        current = listed.highlighted_option.id if listed.highlighted_option is not None else None
        listed.set_options(entries(second, result))
        if current is not None:
            try:
                listed.highlighted = listed.get_option_index(current)
            except OptionDoesNotExist:
                pass
        if listed.highlighted is None or listed.options[listed.highlighted].disabled:
            listed.action_first()  # the first entry (headings are passed over)

    def _show_state(self) -> None:
        """The state line(s), packed to the width, and the warnings, each on a line of its own."""
        result, second = self._last
        if second is None:
            return
        state = self.query_one("#decide-state", Static)
        cells = (state.content_region.width or self.app.size.width - 2) or 78
        items = [f"評価結果: {review_words.state_line(second.state)}"]
        final = result.final if result is not None else None
        if result is not None and final is not None:
            items.append(f"{review_words.FINAL_LIST} {final.count} 件")
            if result.program.gives_money:
                yen = words.yen(final.yen)
                items.append(f"補助金申請額の合計 {yen}" + (f"（{review_words.budget_gap(final.yen, final.budget_yen)}）"
                                                           if final.budget_yen is not None else ""))
            items.append(f"決定の記録 {final.decided} 件（計算上の選定と異なる {final.departures} 件）")
        else:
            items.append("採択候補先は集計中...")
        state.update("\n".join(pack(items, cells)))
        state.set_class(second.finalized, "-finalized")
        shown = self.query_one("#decide-warnings", Static)
        warnings = final.warnings if final is not None else []
        if len(warnings) > MOST_WARNINGS:  # the rest in the list, under the final list's heading
            warnings = [*warnings[:MOST_WARNINGS - 1],
                        f"ほか {len(warnings) - MOST_WARNINGS + 1} 件（下の一覧の{review_words.FINAL_LIST}に）"]
        shown.update(Text("\n".join(f"警告: {w}" for w in warnings)))
        shown.set_class(bool(warnings), "-shown")

    def on_resize(self) -> None:
        self._show_state()

    def selected_key(self) -> str | None:
        option = self.query_one("#decide-list", OptionList).highlighted_option
        return option.id if option is not None else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on an entry: its application in detail."""
        event.stop()
        application = application_of(event.option.id)
        opener = getattr(self.screen, "open_detail", None)
        if application and opener is not None:
            opener(application)


def heading(key: str, text: str) -> Option:
    return Option(Text(text), id=f"h/{key}", disabled=True)


def entries(second: SecondHalf, result: Result | None) -> list[Option]:
    """The view's list: the shortlist, the requests, the opinions, the final list, the rejected."""
    apps = {a.id: a for a in result.applications} if result is not None else {}
    return [*shortlist_entries(second, apps), *request_entries(second, apps), *opinion_entries(second, apps),
            *final_entries(result)]


def who(application: str, apps: dict[str, AppResult]) -> Text:
    """An application's id and applicant, padded to line up."""
    a = apps.get(application)
    return Text(pad(application, 9) + pad(fit(clean(a.applicant or ""), APPLICANT_CELLS) if a else "",
                                          APPLICANT_CELLS) + "  ")


def shortlist_entries(second: SecondHalf, apps: dict[str, AppResult]) -> list[Option]:
    out = [heading("shortlist", f"{review_words.HEARING}の対象 {len(second.shortlist)} 件")]
    if not second.shortlist:
        out.append(Option(Text("まだありません（ランキングで h: 1 件ずつ、H: 上位・境界域をまとめて）"), id="i/shortlist"))
    for e in sorted(second.shortlist, key=lambda e: (e.scheduled or "~", e.application)):  # by when heard
        line = who(e.application, apps)
        line.append_text(safe(review_words.schedule(e)))
        a = apps.get(e.application)
        rates = row_words.rates_text(a) if a is not None else ""
        if rates:
            line.append("  " + rates)
        out.append(Option(line, id=f"s/{e.application}"))
    return out


def request_entries(second: SecondHalf, apps: dict[str, AppResult]) -> list[Option]:
    found = sorted(second.requests, key=lambda r: (r.answered, r.id))  # awaiting an answer first
    waiting = sum(1 for r in found if not r.answered)
    out = [heading("requests", f"{review_words.MATERIALS}の依頼 {len(found)} 件（{review_words.WAITING} {waiting} 件）")]
    if not found:
        out.append(Option(Text("まだありません（ランキングかこの一覧で i）"), id="i/requests"))
    for r in found:
        line = who(r.application, apps)
        line.append(f"依頼 {r.id}: ", style="bold")
        line.append_text(safe(review_words.request_line(r)))
        line.append("\n    ")
        line.append_text(safe(review_words.answer_summary(r), style="" if r.answered else "bold"))
        out.append(Option(line, id=f"q/{r.id}/{r.application}"))
    return out


def opinion_entries(second: SecondHalf, apps: dict[str, AppResult]) -> list[Option]:
    out = [heading("opinions", f"{review_words.OPINIONS} {len(second.opinions)} 件（申請ごと）")]
    if not second.opinions:
        out.append(Option(Text("まだありません（ランキングかこの一覧で o）"), id="i/opinions"))
    for o in sorted(second.opinions, key=lambda o: (o.application, o.id)):
        line = who(o.application, apps)
        line.append_text(safe(review_words.opinion_line(o)))
        out.append(Option(line, id=f"o/{o.id}/{o.application}"))
    return out


def final_entries(result: Result | None) -> list[Option]:
    """The final list in rank order with each decision and its reason, the counts by bureau and the
    warnings; then the applications decided against."""
    final = result.final if result is not None else None
    if result is None or final is None:
        return [heading("final", f"{review_words.FINAL_LIST}（集計中...）")]
    by_id = {a.id: a for a in result.applications}
    out = [heading("final", f"{review_words.FINAL_LIST} {final.count} 件（{review_words.state_label(result.finalized)}）"),
           Option(Text(review_words.bureau_counts(result)), id="i/bureaus")]
    if len(final.warnings) > MOST_WARNINGS:  # more than the lines above the list show
        out += [Option(Text(f"警告: {w}", style="bold reverse"), id=f"w/{i}") for i, w in enumerate(final.warnings)]
    for aid in final.ids:
        a = by_id[aid]
        line = Text(pad(str(a.rank or "-"), 4, right=True) + "  ")
        line.append_text(who(aid, by_id))
        line.append(pad(a.bureau, 6) + "  " + pad(words.rate(a.total), 6, right=True) + "  ")
        line.append(review_words.final_decision(a), style="bold" if a.decision else "")
        if a.decision_reason:
            line.append_text(safe(f": {a.decision_reason}"))
        out.append(Option(line, id=f"f/{aid}"))
    rejected = [a for a in result.applications if a.decision == "reject"]
    if rejected:
        out.append(heading("rejected", f"不採択と決定した申請 {len(rejected)} 件"))
    for a in rejected:
        line = who(a.id, by_id)
        line.append(f"{review_words.computed_label(a)} → 不採択", style="bold")
        line.append_text(safe(f": {a.decision_reason or ''}"))
        out.append(Option(line, id=f"x/{a.id}"))
    return out
