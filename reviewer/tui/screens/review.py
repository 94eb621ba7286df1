"""One application beside its scoring form. Every change is saved at once as a draft.

Wide terminals show the application and the form side by side; narrow ones (80 columns)
stack them, and F6 switches between both, the application only and the form only. The
application scrolls with PgUp/PgDn from anywhere in the form, without moving the focus; F5
jumps to a heading, ``/`` searches. The description of the focused item and the meaning of its
scores stay above the form. A submitted sheet is shown read-only, with no editing keys.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Static, TextArea

from reviewer.domain.vocabulary import (
    CRITERION_KIND_LABELS,
    MUST_LABELS,
    MUST_SCALE_LABELS,
    REOPENED_LABEL,
    SCORE_SCALE_LABELS,
    SCORE_SCALE_SHORT_LABELS,
    SHEET_STATUS_LABELS,
)
from reviewer.present.text import clean, jst
from reviewer.rules.merge import Merge
from reviewer.services.errors import WorkspaceError
from reviewer.services.session import OpenedSheet
from reviewer.tui.chrome import safe
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.dialogs import InputDialog, PickDialog
from reviewer.tui.screens.document import document_blocks
from reviewer.tui.screens.submit import SubmitDialog, Summary
from reviewer.tui.widgets.footer import KeyFooter
from reviewer.tui.widgets.items import Item, MustItem, ScoreItem, item_id
from reviewer.tui.widgets.messages import MessageLine
from reviewer.tui.widgets.prose import Choices, Para, Part, Prose
from reviewer.tui.widgets.reader import Reader

#: The narrow layout's views, in the order F6 goes through them.
NARROW_VIEWS = ("both", "doc", "form")
NARROW_VIEW_LABELS = {"both": "両方", "doc": "申請書", "form": "採点欄"}
#: A note per item: at most this many characters (SPEC §6.3).
NOTE_MAX = 2_000


class ReviewScreen(ReviewerScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "一覧"),
        Binding("f2,ctrl+s", "submit", "提出", key_display="F2"),
        Binding("f3,ctrl+n", "save_next", "次へ", key_display="F3"),
        Binding("f4", "declare_conflict", "利害関係", show=False),
        Binding("f5", "headings", "見出し"),
        Binding("slash", "search", "検索"),
        Binding("f6", "toggle_pane", "切替"),
        Binding("f7", "hit(-1)", "前の検索結果", show=False),
        Binding("f8", "hit(1)", "次の検索結果", show=False),
        Binding("m", "note", "所見", show=False),
        # the application scrolls from anywhere, the focus stays in the form
        Binding("pageup", "scroll_doc(-1)", "申請書を上へ", show=False, priority=True),
        Binding("pagedown", "scroll_doc(1)", "申請書を下へ", show=False, priority=True),
    ]

    def __init__(self, opened: OpenedSheet):
        super().__init__()
        self.opened = opened
        self.program = opened.program
        self.app_obj = opened.application
        sheet = opened.sheet
        self.status = sheet.status if sheet else None
        self.scores: dict[str, Any] = dict(sheet.scores) if sheet else {}
        self.notes: dict[str, str] = dict(sheet.notes) if sheet else {}
        self.comment = sheet.comment if sheet else ""
        self.base = sheet          # the sheet as this screen last saw it stored
        self.criteria = [c for c in self.program.applicable(self.app_obj) if c.kind in ("must", "scored")]
        self.narrow_view = "both"
        self._comment_timer: Timer | None = None
        self._told: set[str] = set()  # the other sessions on this sheet already mentioned
        self._form_focus: str | None = None

    @property
    def evaluator_id(self) -> str:
        return self.opened.evaluator

    @property
    def application_id(self) -> str:
        return self.app_obj.id

    @property
    def readonly(self) -> bool:
        return self.status == "submitted"

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        a = self.app_obj
        yield Static(Text.assemble((f"{a.id} ", "bold"), safe(a.title)), id="title", classes="titlebar")
        yield Static(id="status", classes="subbar", markup=False)
        with Container(id="panes"):
            with Vertical(id="doc-pane"):
                yield Static(id="doc-head", classes="panehead", markup=False)
                yield Reader(document_blocks(self.opened), id="reader")
                yield Input(placeholder="申請書内を検索（Enter: 次  Up/Down: 前・次  Esc: 閉じる）", id="doc-search")
            with Vertical(id="form-pane"):
                yield Static(id="form-head", classes="panehead", markup=False)
                yield Prose(id="criterion")
                with VerticalScroll(id="form"):
                    for c in self.criteria:
                        kind = MustItem if c.kind == "must" else ScoreItem
                        yield kind(c, self.scores.get(c.id), readonly=self.readonly, note=self.notes.get(c.id, ""))
                    yield Static("コメント（評価の理由・所見）", classes="label", markup=False)
                    yield TextArea(self.comment, id="comment", soft_wrap=True, read_only=self.readonly,
                                   show_line_numbers=False)
        yield MessageLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(self.fix_criterion_height)
        self.reviewer.settle_cursors(self)
        self.update_status()
        self.update_heads()
        self.tell_of_others()
        items = list(self.query(Item))
        first = next((i for i in items if i.value is None), items[0] if items else None)
        if first is not None:
            first.focus()

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def on_resize(self, event: events.Resize) -> None:
        self.apply_view()
        self.call_after_refresh(self.fix_criterion_height)

    def criterion_cap(self) -> int:
        """The most lines the description box may take (a longer description ends with a note
        saying where to read it whole)."""
        if not self.narrow:
            return 14
        return 10 if self.narrow_view == "form" else 5

    def fix_criterion_height(self) -> None:
        """One height for the description box, that of the longest description at this width:
        moving between items then redraws the box alone, never the form below it."""
        prose = self.query_one("#criterion", Prose)
        cells = prose.content_region.width
        if cells <= 0:
            return
        tallest = max((Prose.lines_for(self.criterion_parts(item), cells) for item in self.query(Item)), default=1)
        height = min(tallest, self.criterion_cap())
        more = "...（全文は F6 で採点欄だけを表示）" if self.narrow and self.narrow_view != "form" else "..."
        prose.limit(height, more)
        if prose.styles.height is None or prose.styles.height.value != height:
            prose.styles.height = height

    def apply_view(self) -> None:
        """The narrow layout's view as classes; the focus never stays on a hidden item."""
        view = self.narrow_view if self.narrow else "both"
        self.set_class(view == "doc", "-doc-only")
        self.set_class(view == "form", "-form-only")
        reader = self.query_one(Reader)
        if view == "doc":
            focused = self.focused
            if focused is not None and focused is not reader and focused.id:
                self._form_focus = focused.id
            reader.can_focus = True
            reader.focus()
        else:
            if reader.has_focus:
                reader.can_focus = False
                self.restore_form_focus()
            reader.can_focus = False
        self.update_heads()
        self.refresh_bindings()
        if isinstance(self.focused, Item):
            self.describe(self.focused)  # the words depend on the room there is
        self.call_after_refresh(self.fix_criterion_height)

    def restore_form_focus(self) -> None:
        target = self.query(f"#{self._form_focus}") if self._form_focus else None
        if target:
            target.first().focus()
        else:
            items = list(self.query(Item))
            if items:
                items[0].focus()

    def update_status(self) -> None:
        filled = sum(1 for c in self.criteria if self.scores.get(c.id) is not None)
        state = {None: SHEET_STATUS_LABELS[None], "draft": "下書き（自動保存）",
                 "submitted": "提出済（読むだけです。変更には委員長の差し戻しが必要です）"}[self.status]
        line = Text.assemble(("状態 ", "bold"), state, f"   入力 {filled} / {len(self.criteria)} 項目")
        noted = sum(1 for c in self.criteria if self.notes.get(c.id))
        if noted:
            line.append(f"  所見 {noted} 項目")
        reopened = self.reopened_line()
        if reopened is not None:
            line.append("\n")
            line.append_text(reopened)
        self.query_one("#status", Static).update(line)

    def reopened_line(self) -> Text | None:
        """Who sent the sheet back, when and why (a draft reopened by a chair)."""
        sheet = self.base
        if sheet is None or sheet.status != "draft" or not sheet.reopened_at:
            return None
        who = sheet.reopened_by or ""
        try:
            who = self.reviewer.session.person(who).name
        except WorkspaceError:
            pass
        return Text.assemble((f"{REOPENED_LABEL} ", "bold"), safe(who), f"  {jst(sheet.reopened_at)}  理由: ",
                             safe(sheet.reopen_reason or ""))

    def update_heads(self) -> None:
        reader = self.query_one(Reader)
        head = Text.assemble(("申請書", "bold"), f"  {reader.position()}")
        hits = reader.hit_status()
        if hits:
            head.append(f"  検索 {hits}")
        if self.narrow:
            head.append("  F6: ")
            for view in NARROW_VIEWS:
                label = NARROW_VIEW_LABELS[view]
                head.append(f"[{label}]" if view == self.narrow_view else f" {label} ",
                            style="bold" if view == self.narrow_view else "dim")
        self.query_one("#doc-head", Static).update(head)
        filled = sum(1 for c in self.criteria if self.scores.get(c.id) is not None)
        self.query_one("#form-head", Static).update(
            Text.assemble(("採点", "bold"), f"  入力 {filled} / {len(self.criteria)}",
                          ("  提出済（読むだけ）" if self.readonly else "", "bold")))

    @on(Reader.Scrolled)
    def reader_scrolled(self) -> None:
        self.update_heads()

    # -- the focused item's description -----------------------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.describe(getattr(event, "widget", None))

    def describe(self, widget: object) -> None:
        prose = self.query_one("#criterion", Prose)
        if isinstance(widget, Item):
            prose.show(self.criterion_parts(widget))
        elif getattr(widget, "id", None) == "comment":
            prose.show([Para("コメント: 評価の理由・所見を書いてください。入力はその場で下書きとして保存されます。"
                             if not self.readonly else "コメント（提出済み: 読むだけです）", "dim")])

    def criterion_parts(self, item: Item) -> list[Part]:
        c = item.criterion
        parts: list[Part] = [Para(f"{c.id} [{CRITERION_KIND_LABELS[c.kind]}] {clean(c.label)}", "bold")]
        short = self.narrow and self.narrow_view == "both"  # 80x24 with the application above
        if c.kind == "must":
            labels = MUST_LABELS if short else {v: f"{MUST_LABELS[v]}: {MUST_SCALE_LABELS[v]}" for v in MUST_LABELS}
            parts.append(Choices(tuple((v, labels[v]) for v in ("pass", "fail")), item.value))
        else:
            scale = SCORE_SCALE_SHORT_LABELS if short else SCORE_SCALE_LABELS
            parts.append(Choices(tuple((n, f"{n} {label}") for n, label in scale.items()), item.value))
        if c.description:
            parts.append(Para(c.description))
        note = self.notes.get(c.id, "")
        if note:
            parts.append(Para(f"所見: {note}"))
        if short:
            return parts  # the keys are in the help (F1) and the footer
        if self.readonly:
            parts.append(Para("提出済みのため変更できません", "dim"))
        else:
            keys = "y: 適合  n: 不適合" if c.kind == "must" else "0〜5: 点数  Left/Right: 増減"
            parts.append(Para(f"{keys}  m: 所見{'を直す' if note else 'を書く'}  BS: 取消", "dim"))
        return parts

    # -- editing -----------------------------------------------------------------------

    @on(Item.Changed)
    def item_changed(self, event: Item.Changed) -> None:
        if event.value is None:
            self.scores.pop(event.criterion_id, None)
        else:
            self.scores[event.criterion_id] = event.value
        self.save_draft()
        self.describe(event.item)

    @on(Item.Refused)
    def item_refused(self, event: Item.Refused) -> None:
        self.app.notify("提出済みの採点票は変更できません（委員長の差し戻しの後に変更できます）。", markup=False)

    @on(TextArea.Changed, "#comment")
    def comment_changed(self, event: TextArea.Changed) -> None:
        self.comment = event.text_area.text
        if self._comment_timer is not None:
            self._comment_timer.stop()
        self._comment_timer = self.set_timer(0.6, self.save_draft)

    def flush(self) -> None:
        """Save now what waits for the comment's autosave (quitting, a dropped connection)."""
        if self._comment_timer is not None:
            self.save_draft()

    def save_draft(self) -> bool:
        if self.readonly:
            return True
        if self._comment_timer is not None:
            self._comment_timer.stop()
            self._comment_timer = None
        if self.base is None and not self.scores and not self.notes and not self.comment.strip():
            return True  # nothing entered: opening and leaving makes no sheet
        try:
            saved = self.reviewer.session.save_draft(self.opened, self.base, self.scores, self.comment,
                                                     notes=self.notes)
        except WorkspaceError as e:  # what was typed stays on the screen
            self.app.notify("\n".join(clean(m) for m in e.messages), title="保存できません", severity="error",
                            markup=False)
            return False
        self.base = saved.sheet
        if saved.merge is not None:
            self.show_merge(saved.merge)
        if self.status is None:
            self.status = "draft"
        self.update_status()
        self.update_heads()
        self.tell_of_others()
        return True

    def show_merge(self, merge: Merge) -> None:
        """The sheet had changed meanwhile (an import, another screen): show what was merged."""
        self.scores = dict(merge.content.scores)
        self.notes = dict(merge.content.notes)
        for item in self.query(Item):
            item.show(self.scores.get(item.criterion.id))
            item.set_note(self.notes.get(item.criterion.id, ""))
        if merge.content.comment != self.comment:
            self.comment = merge.content.comment
            self.query_one("#comment", TextArea).load_text(self.comment)
        lines = [f"{cid}: 別の保存の {v} を取り入れました" for cid, v in merge.taken.items()]
        lines += [f"{cid}: 別の保存では {theirs}、この画面の {mine} を保存しました"
                  for cid, (theirs, mine) in merge.conflicts.items()]
        if merge.both_comments:
            lines.append("コメントは両方で変更されていたため、両方の文を残しました")
        self.app.notify("\n".join(clean(line) for line in lines) or "内容は同じでした",
                        title="別の画面または取り込みでの変更とまとめました",
                        severity="warning" if not merge.clean else "information", markup=False)

    def tell_of_others(self) -> None:
        """Say once that another session has this sheet open too."""
        try:
            others = [p for p in self.reviewer.session.others_on(self.opened) if p.session not in self._told]
        except WorkspaceError:
            return
        for p in others:
            self._told.add(p.session)
            self.app.notify(f"この採点票は別の画面（{clean(p.host)}、{jst(p.opened_at)} から）でも開かれています。"
                            "同時に変更すると、項目ごとにまとめて保存します。", title="同時編集", severity="warning",
                            markup=False)

    def on_unmount(self) -> None:
        try:
            self.reviewer.session.close_sheet(self.opened)
        except WorkspaceError:
            pass

    # -- keys offered ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("submit", "declare_conflict", "note") and self.readonly:
            return False  # a submitted sheet: no editing key is offered
        if action == "toggle_pane":
            return self.narrow
        if action == "hit":
            return bool(self.query_one(Reader).hit_status())
        return True

    # -- reading -------------------------------------------------------------------------

    def action_scroll_doc(self, direction: int) -> None:
        if self.narrow and self.narrow_view == "form":
            self.narrow_view = "both"
            self.apply_view()
        self.query_one(Reader).page(direction)

    def action_toggle_pane(self) -> None:
        self.narrow_view = NARROW_VIEWS[(NARROW_VIEWS.index(self.narrow_view) + 1) % len(NARROW_VIEWS)]
        self.apply_view()

    def action_headings(self) -> None:
        reader = self.query_one(Reader)
        headings = reader.headings()
        if not headings:
            self.app.notify("この申請書には見出しがありません。", markup=False)
            return

        def done(choice: str | None) -> None:
            if choice is not None:
                self.show_doc()
                reader.jump_to_heading(int(choice))

        self.app.push_screen(PickDialog("見出しへ移動", [(str(i), text) for i, (_, text) in enumerate(headings)]),
                             done)

    def show_doc(self) -> None:
        """Make sure the application is on screen (narrow: leave the form-only view)."""
        if self.narrow and self.narrow_view == "form":
            self.narrow_view = "both"
            self.apply_view()

    def action_search(self) -> None:
        self.show_doc()
        box = self.query_one("#doc-search", Input)
        focused = self.focused
        if focused is not None and focused is not box and focused.id and focused.id != "reader":
            self._form_focus = focused.id
        box.add_class("-shown")
        box.focus()

    @on(Input.Changed, "#doc-search")
    def search_changed(self, event: Input.Changed) -> None:
        reader = self.query_one(Reader)
        if event.value:
            reader.search(event.value)
        else:
            reader.clear_search()
        self.update_heads()
        self.refresh_bindings()

    @on(Input.Submitted, "#doc-search")
    def search_submitted(self, event: Input.Submitted) -> None:
        self.action_hit(1)

    def on_key(self, event: events.Key) -> None:
        box = self.query_one("#doc-search", Input)
        if not box.has_focus:
            return
        if event.key in ("down", "up"):
            event.stop()
            self.action_hit(1 if event.key == "down" else -1)
        elif event.key == "escape":
            event.stop()
            event.prevent_default()
            box.remove_class("-shown")
            if self.narrow and self.narrow_view == "doc":
                self.query_one(Reader).focus()
            else:
                self.restore_form_focus()

    def action_hit(self, direction: int) -> None:
        reader = self.query_one(Reader)
        if direction > 0:
            reader.next_hit()
        else:
            reader.previous_hit()
        self.update_heads()

    # -- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.save_draft()
        self.app.pop_screen()

    def action_note(self) -> None:
        focused = self.focused
        if not isinstance(focused, Item):
            self.app.notify("所見は採点項目を選んでから m で書きます。", markup=False)
            return
        c = focused.criterion
        item = focused

        def done(value: str | None) -> None:
            if value is None:
                return
            if value.strip():
                self.notes[c.id] = value.strip()
            else:
                self.notes.pop(c.id, None)
            item.set_note(self.notes.get(c.id, ""))
            self.save_draft()
            self.describe(item)
            self.fix_criterion_height()

        self.app.push_screen(InputDialog(f"{c.id} の所見", f"{c.id} {c.label}（{NOTE_MAX:,} 字まで。空欄で消します）",
                                         value=self.notes.get(c.id, ""), max_length=NOTE_MAX,
                                         placeholder="例: KPI の根拠が不明確"), done)

    def summary(self) -> Summary:
        return Summary.of(self.reviewer.session, self.opened, self.scores, self.notes, self.comment)

    def action_submit(self) -> None:
        if self.readonly:
            return
        self.save_draft()

        def done(answer: str | None) -> None:
            if answer == "submit":
                self.submit_now()
            elif answer:  # a criterion to go to
                self.show_form()
                target = self.query(f"#{item_id(answer)}")
                if target:
                    target.first().focus()
                    target.first().scroll_visible()

        self.app.push_screen(SubmitDialog(self.summary()), done)

    def show_form(self) -> None:
        if self.narrow and self.narrow_view == "doc":
            self.narrow_view = "both"
            self.apply_view()

    def submit_now(self) -> None:
        try:
            saved = self.reviewer.session.submit(self.opened, self.base, self.scores, self.comment, notes=self.notes)
        except WorkspaceError as e:
            self.app.notify("\n".join(clean(m) for m in e.messages), title="提出できません", severity="error",
                            markup=False)
            return
        self.base = saved.sheet
        self.status = "submitted"
        for item in self.query(Item):
            item.set_readonly()
        self.query_one("#comment", TextArea).read_only = True
        self.update_status()
        self.update_heads()
        self.describe(self.focused)
        self.refresh_bindings()
        self.fix_criterion_height()
        self.app.notify(f"{self.app_obj.id} を提出しました。", markup=False)

    def action_save_next(self) -> None:
        if not self.save_draft():
            return
        self.reviewer.open_next(self.evaluator_id, self.program.id, self.app_obj.id)

    def action_declare_conflict(self) -> None:
        if self.readonly:
            return
        self.reviewer.ask_reason(
            "利害関係の申出",
            f"{self.app_obj.id}（{self.app_obj.applicant.name}）との利害関係の内容を書いてください。割当が外れ、理由が記録されます。",
            lambda reason: self.reviewer.session.declare_conflict(self.opened, reason),
            f"{self.app_obj.id} の割当を外しました（利害関係）。", then=self.app.pop_screen,
            placeholder="例: 申請者の委員を務めている")
