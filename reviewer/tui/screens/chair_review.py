"""The chair's keys for the second half of a review (SPEC §6.4, §6.7), on the ranking and on view 7
(決定): the hearing's shortlist (one application, or the top of the ranking or its boundary zone
at once), decisions with their reasons, opinions, requests for additional materials and their
answers, finalizing the result as the screen has scored it and reopening it.

Each change goes through ``ChairDesk`` and is asked for in a dialog; what the services refuse
(a missing reason, a file that cannot be read) is said in the dialog, which keeps what was typed.
Once the program's result is finalized, a key that would change it says so on the message line
(the workspace's own words) instead of opening a dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from reviewer.present import review as words
from reviewer.present.text import clean
from reviewer.services.errors import WorkspaceError
from reviewer.tui.chrome import safe
from reviewer.tui.screens.dialogs import ConfirmDialog, FormDialog, InputDialog, PickDialog

if TYPE_CHECKING:
    from reviewer.scoring import AppResult
    from reviewer.services.chair import ChairDesk
    from reviewer.tui.screens.chair import ChairScreen

WHEN = ("日時", "例: 2026-12-10 10:00")
WHERE = ("場所（会議室、または Web 会議の URL）", "例: 第1会議室、https://...")


def messages(e: WorkspaceError) -> str:
    return "\n".join(clean(m) for m in e.messages)


def listed(ids: list[str], most: int) -> str:
    """"IOT-0001、IOT-0002 ほか" (at most ``most`` named)."""
    return "、".join(ids[:most]) + (" ほか" if len(ids) > most else "")


class ReviewActions:
    """The second half's actions of a chair's screen (the screen's ``action_*`` call these)."""

    def __init__(self, screen: ChairScreen):
        self.screen = screen

    @property
    def desk(self) -> ChairDesk:
        return self.screen.reviewer.chair

    @property
    def program(self) -> str:
        return self.screen.program_id

    def tell(self, message: str, error: bool = False) -> None:
        self.screen.app.notify(message, severity="error" if error else "information", markup=False)

    def refused(self) -> bool:
        """Whether the program's result is finalized (then said on the message line)."""
        try:
            finalized = self.desk.result_state(self.program).finalized
        except WorkspaceError as e:
            self.tell(messages(e), error=True)
            return True
        if finalized:
            self.tell(words.refused_finalized(self.program), error=True)
        return finalized

    def scored(self, application: str) -> AppResult | None:
        result = self.screen.result
        if result is None or result.program.id != self.program:
            return None
        return next((a for a in result.applications if a.id == application), None)

    def named(self, application: str) -> str:
        """"IOT-0001 釧路市" (the applicant as scored, where it is)."""
        a = self.scored(application)
        return f"{application} {clean(a.applicant)}" if a is not None and a.applicant else application

    def application(self) -> str | None:
        """The application under the cursor (the ranking's or view 7's), or None (and why, told)."""
        found = self.screen.current_application()
        if found is None:
            self.tell("申請を選んでください（ランキング、または 7 決定 の一覧で）。")
        return found

    def changed(self, message: str) -> None:
        """A change made here: told, and the screen shows the workspace as it is now."""
        self.tell(message)
        self.screen.reload()

    def form(self, title: str, prompt: str, fields: list[tuple[str, str, str]],
             act: Callable[[list[str]], str]) -> None:
        """Ask for ``fields``; ``act`` makes the change and returns what to tell (a refusal stays
        in the dialog with what was typed)."""
        told: list[str] = []

        def attempt(values: list[str]) -> str | None:
            try:
                told.append(act([v.strip() for v in values]))
            except WorkspaceError as e:
                return messages(e)
            return None

        def done(values: list[str] | None) -> None:
            if values is not None and told:
                self.changed(told[-1])

        self.screen.app.push_screen(FormDialog(title, prompt, fields, attempt), done)

    # -- the hearing's shortlist -------------------------------------------------------------

    def shortlist(self) -> None:
        """h: put the application on the shortlist (when and where it is heard), or, if it is on
        it, change when and where or take it off (with a reason)."""
        application = self.application()
        if application is None or self.refused():
            return
        entry = next((e for e in self.desk.shortlist(self.program) if e.application == application), None)
        if entry is None:
            self.ask_schedule([application], f"{self.named(application)} をヒアリングの対象にします。")
            return
        options = [("change", f"日時・場所を変える（いま: {words.schedule(entry)}）"), ("remove", "ヒアリングの対象から外す")]

        def done(choice: str | None) -> None:
            if choice == "change":
                self.ask_schedule([application], f"{self.named(application)} のヒアリングの日時・場所を変えます。",
                                  (entry.scheduled, entry.place))
            elif choice == "remove":
                self.screen.reviewer.ask_reason(
                    "ヒアリングの対象から外す", f"{self.named(application)} をヒアリングの対象から外します。理由:",
                    lambda reason: self.desk.remove_from_shortlist(self.program, application, reason),
                    words.removed(self.program, application), then=self.screen.reload)

        self.screen.app.push_screen(PickDialog(f"ヒアリングの対象: {self.named(application)}", options), done)

    def ask_schedule(self, applications: list[str], prompt: str, now: tuple[str, str] = ("", ""),
                     why: str = "") -> None:
        def act(values: list[str]) -> str:
            added, changed = self.desk.add_to_shortlist(self.program, applications, values[0], values[1], why)
            return words.shortlisted(self.program, added, changed)

        self.form("ヒアリングの対象", prompt, [(WHEN[0], now[0], WHEN[1]), (WHERE[0], now[1], WHERE[1])], act)

    def around(self) -> None:
        """H: the top of the ranking (how many, asked) or its boundary zone (境界域, once the
        sureness is drawn) onto the shortlist at once; those on it already keep their date."""
        result = self.screen.result
        if result is None or result.program.id != self.program or not result.ranked:
            self.tell("集計中です。少し待ってからもう一度押してください。")
            return
        if self.refused():
            return
        options = [("top", f"順位の上位から（件数を入力。採択候補は {len(result.selected)}\u00a0件）")]
        if result.resamples:
            ids = [a.id for a in result.boundary]
            if ids:
                options.insert(0, ("boundary", f"境界域の {len(ids)}\u00a0件（{listed(ids, 6)}）"))
        title = "ヒアリングの対象をまとめて選ぶ" + ("" if result.resamples else "（境界域は順位の確かさの計算の後）")

        def done(choice: str | None) -> None:
            if choice == "boundary":
                self.add_around([a.id for a in result.boundary], words.around_why(None, True, result.method))
            elif choice == "top":
                self.ask_top(len(result.ranked), len(result.selected), result.method)

        self.screen.app.push_screen(PickDialog(title, options), done)

    def ask_top(self, ranked: int, selected: int, method: str) -> None:
        def attempt(value: str) -> str | None:
            v = value.strip()
            if not v.isdigit() or not 1 <= int(v) <= ranked:
                return f"1 から {ranked} までの件数を入れてください。"
            return None

        def done(value: str | None) -> None:
            result = self.screen.result
            if value is not None and result is not None:
                n = int(value.strip())
                self.add_around([a.id for a in result.ranked[:n]], words.around_why(n, False, method))

        prompt = f"上位何件を対象にしますか（順位の付いた申請 {ranked}\u00a0件）:"
        self.screen.app.push_screen(InputDialog("順位の上位をヒアリングの対象に", prompt,
                                                value=str(min(ranked, selected + 3)), attempt=attempt), done)

    def add_around(self, chosen: list[str], why: str) -> None:
        on = {e.application for e in self.desk.shortlist(self.program)}
        new = [aid for aid in chosen if aid not in on]
        if not new:
            self.tell(f"選んだ {len(chosen)} 件はすべて、すでにヒアリングの対象です。")
            return
        kept = len(chosen) - len(new)
        prompt = (f"{len(new)}\u00a0件（{listed(new, 8)}）をヒアリングの対象にします"
                  + (f"（すでに対象の {kept}\u00a0件の日時・場所はそのまま）" if kept else "")
                  + "。日時と場所は全件に同じものを記録します（後で 1 件ずつ h で変えられます）。")
        self.ask_schedule(new, prompt, why=why)

    # -- decisions, opinions, materials ------------------------------------------------------

    def decide(self) -> None:
        """d: record 採択 or 不採択 (or withdraw the decision), always with a reason."""
        application = self.application()
        if application is None or self.refused():
            return
        current = self.desk.decisions(self.program).get(application)
        a = self.scored(application)
        computed = words.computed_label(a) if a is not None else "集計中"
        options = [("select", "採択"), ("reject", "不採択")]
        if current is not None:
            options.append(("withdraw", f"記録した決定（{words.decision_label(current.decision)}）を取り消す"))
        title = f"採否の決定: {self.named(application)}（計算上: {computed}、決定: " \
                f"{words.decision_label(current.decision) if current else 'なし'}）"

        def done(choice: str | None) -> None:
            if choice is None:
                return
            decision = None if choice == "withdraw" else choice
            what = "決定の記録を取り消します" if decision is None else f"{words.decision_label(decision)}と記録します"
            self.screen.reviewer.ask_reason(
                "採否の決定", f"{self.named(application)}: {what}。理由（必須）:",
                lambda reason: self.desk.decide(self.program, application, decision, reason),
                words.decided(self.program, application, decision), then=self.screen.reload)

        self.screen.app.push_screen(PickDialog(title, options), done)

    def opinion(self) -> None:
        """o: record an opinion on the application (who gave it, what it says, when)."""
        application = self.application()
        if application is None:
            return

        def act(values: list[str]) -> str:
            number = self.desk.record_opinion(self.program, application, values[0], values[1], values[2])
            return words.opinion_recorded(number, self.program, application)

        fields = [("述べた者（総合通信局等、支援実施事業者など）", "", ""), ("意見", "", ""),
                  ("日付（任意）", "", "例: 2026-12-01")]
        self.form("意見の記録", f"{self.named(application)} についての意見を記録します（評価者には示しません）。", fields, act)

    def request_materials(self) -> None:
        """i: ask the applicant for additional materials (what, by when)."""
        application = self.application()
        if application is None or self.refused():
            return

        def act(values: list[str]) -> str:
            number = self.desk.request_materials(self.program, application, values[0], values[1])
            return words.requested(number, self.program, application)

        self.form("追加資料の依頼", f"{self.named(application)} に追加資料を依頼します。",
                  [("依頼する資料", "", "例: 積算根拠の内訳"), ("期限（任意）", "", "例: 2026-12-05")], act)

    def answer(self) -> None:
        """k: record the answer to a request (the text received and/or a file on the server): the
        request under the cursor in view 7, else one picked of those awaiting an answer."""
        if self.refused():
            return
        number = self.screen.current_request()
        if number is not None:
            self.ask_answer(number)
            return
        waiting = self.desk.requests(self.program, open_only=True)
        if not waiting:
            self.tell(f"{words.WAITING}の追加資料の依頼はありません。")
            return
        options = [(str(r.id), f"依頼 {r.id}  {r.application}  {words.request_line(r)}") for r in waiting]

        def done(choice: str | None) -> None:
            if choice:
                self.ask_answer(int(choice))

        self.screen.app.push_screen(PickDialog("回答を記録する依頼", options), done)

    def ask_answer(self, number: int) -> None:
        found = next((r for r in self.desk.requests(self.program) if r.id == number), None)
        if found is None:
            self.tell(f"依頼 {number} はありません。", error=True)
            return
        prompt = f"依頼 {number}（{self.named(found.application)}）: {words.request_line(found)}"
        if found.answered:
            prompt += f"\nいまの記録: {words.answer_summary(found)}（記録し直します）"

        def act(values: list[str]) -> str:
            if not values[0] and not values[1]:
                raise WorkspaceError("回答の内容か、受け取ったファイルのどちらかを入れてください")
            done = self.desk.answer_request(self.program, number, values[0],
                                            Path(values[1]).expanduser() if values[1] else None)
            return words.answered(done)

        self.form("追加資料の回答", prompt, [("回答（受け取った内容。ファイルだけなら空欄）", "", ""),
                                       ("ファイル（このサーバー上のパス、任意）", "", "例: /srv/review/受領/積算根拠.pdf")], act)

    # -- the result --------------------------------------------------------------------------

    def finalize(self, again: bool = False) -> None:
        """F: finalize the result as the screen has scored it (its method, budget and strategy),
        after a confirmation that shows the final list, its warnings and the drafts left out."""
        if again:
            self.tell(f"事業 {self.program} の評価結果はすでに確定しています（解除は R）。")
            return
        screen = self.screen
        result = screen.result
        if result is None or result.program.id != self.program or screen.scoring_under_way():
            self.tell("集計中です。少し待ってからもう一度押してください。")
            return
        if self.refused():
            return
        drafts = self.desk.draft_count(self.program)
        asked = (screen.method, screen.budget, screen.selection)
        body = Text()
        for i, line in enumerate(words.finalize_lines(result, drafts, not screen.is_own(*asked))):
            body.append_text(safe(("\n" if i else "") + line, multiline=True,
                                  style="bold" if line.startswith("警告") else ""))

        def done(yes: bool | None) -> None:
            if yes:
                self.tell("評価結果を確定しています（集計し直しています）…")
                screen.run_worker(lambda: self._finalize(self.program, asked, drafts), thread=True,
                                  group="finalize", exclusive=True)

        screen.app.push_screen(ConfirmDialog(f"評価結果を確定する: {self.program}", body), done)

    def _finalize(self, program: str, asked: tuple[str, int | None, str | None], drafts: int) -> None:
        """In a worker thread: score again and finalize (on a connection of the desk's own, so the
        screen does not wait for the scoring); the outcome is told on the screen's thread."""
        app = self.screen.app
        try:
            final = self.desk.finalize(program, *asked, drafts_ok=drafts > 0)
        except WorkspaceError as e:
            app.call_from_thread(self.tell, messages(e), True)
            return
        app.call_from_thread(self.changed, words.finalized_on_screen(final))

    def reopen_result(self, again: bool = False) -> None:
        """R: reopen the finalized result, with a reason."""
        if again:
            self.tell(f"事業 {self.program} の評価結果は確定していません（確定は F）。")
            return
        self.screen.reviewer.ask_reason(
            "評価結果の確定を解除", f"事業 {self.program} の評価結果の確定を解除します。理由:",
            lambda reason: self.desk.reopen_result(self.program, reason), words.result_reopened(self.program),
            then=self.screen.reload)
