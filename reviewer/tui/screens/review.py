"""One application beside its scoring form. Every change is saved at once as a draft."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS, SHEET_STATUS_LABELS
from reviewer.present import result as words
from reviewer.present.text import clean, jst
from reviewer.rules.merge import Merge
from reviewer.services.errors import WorkspaceError
from reviewer.services.session import OpenedSheet
from reviewer.tui.chrome import safe
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.dialogs import ConfirmDialog
from reviewer.tui.widgets.items import Item, MustItem, ScoreItem


class ReviewScreen(ReviewerScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "一覧へ"),
        Binding("f2,ctrl+s", "submit", "提出", key_display="F2"),
        Binding("f3,ctrl+n", "save_next", "保存して次へ", key_display="F3"),
        Binding("f4", "declare_conflict", "利害関係"),
        Binding("f6", "toggle_pane", "表示切替"),
        Binding("pageup", "scroll_doc(-1)", "上へ", show=False),
        Binding("pagedown", "scroll_doc(1)", "下へ", show=False),
    ]

    def __init__(self, opened: OpenedSheet):
        super().__init__()
        self.opened = opened
        self.evaluator_id = opened.evaluator
        self.program = opened.program
        self.program_id = opened.program.id
        self.app_obj = opened.application
        self.application_id = opened.application.id
        sheet = opened.sheet
        self.status = sheet.status if sheet else None
        self.scores: dict[str, Any] = dict(sheet.scores) if sheet else {}
        self.comment = sheet.comment if sheet else ""
        self.base = sheet          # the sheet as this screen last saw it stored
        self._comment_timer: Timer | None = None
        self._told: set[str] = set()  # the other sessions on this sheet already mentioned

    @property
    def readonly(self) -> bool:
        return self.status == "submitted"

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        a = self.app_obj
        yield Static(Text.assemble((f"{a.id} ", "bold"), safe(a.title)), id="title", classes="titlebar")
        yield Static(id="status", classes="subbar", markup=False)
        with Horizontal(id="panes"):
            with VerticalScroll(id="doc"):
                yield Static(self.document(), id="document", markup=False)
            with VerticalScroll(id="form"):
                yield Static(id="item-help", markup=False)
                for c in self.program.applicable(a):
                    if c.kind == "must":
                        yield MustItem(c, self.scores.get(c.id), readonly=self.readonly)
                    elif c.kind == "scored":
                        yield ScoreItem(c, self.scores.get(c.id), readonly=self.readonly)
                yield Static("コメント（評価の理由・所見）", classes="label", markup=False)
                area = TextArea(self.comment, id="comment", soft_wrap=True, read_only=self.readonly,
                                show_line_numbers=False)
                yield area
        yield Footer()

    def on_mount(self) -> None:
        self.reviewer.settle_cursors(self)
        self.update_status()
        self.tell_of_others()
        items = list(self.query(Item))
        if items:
            items[0].focus()

    def document(self) -> Text:
        a, p = self.app_obj, self.program
        t = Text()
        t.append("申請者  ", style="bold")
        t.append_text(safe(a.applicant.name))
        t.append(f"（{APPLICANT_TYPE_LABELS[a.applicant.type]}、{a.applicant.prefecture}、{a.bureau}）\n")
        if a.track:
            t.append("要件    ", style="bold")
            t.append(words.field_label(p, a.track, a.model))
            t.append("\n")
        if a.consortium:
            t.append("構成員  ", style="bold")
            t.append_text(safe("、".join(m.name for m in a.consortium)))
            t.append("\n")
        b = a.budget
        if p.gives_money:
            t.append("事業費  ", style="bold")
            t.append(f"総額 {words.yen(b.total_cost_yen)}（うち一般管理費 {words.yen(b.overhead_yen)}）"
                     f"  補助金申請額 {words.yen(b.requested_subsidy_yen)}\n")
        t.append("\n自動審査\n", style="bold underline")
        for r in self.opened.checks:
            t.append("  適合   " if r.passed else "  不適合 ", style="" if r.passed else "bold reverse")
            t.append(f"{r.label}\n", style="bold")
            t.append(f"         {r.message}\n")
        for s in a.sections:
            t.append("\n")
            t.append_text(safe(s.heading, style="bold underline"))
            t.append("\n")
            t.append_text(safe(s.body.strip(), multiline=True))
            t.append("\n")
        return t

    def update_status(self) -> None:
        applicable = [c for c in self.program.applicable(self.app_obj) if c.kind in ("must", "scored")]
        filled = sum(1 for c in applicable if self.scores.get(c.id) is not None)
        state = {None: SHEET_STATUS_LABELS[None], "draft": "下書き（自動保存）",
                 "submitted": "提出済（変更するには委員長の差し戻しが必要です）"}[self.status]
        self.query_one("#status", Static).update(
            Text.assemble(("状態 ", "bold"), state, f"   入力 {filled} / {len(applicable)} 項目"))

    # -- editing -----------------------------------------------------------------------

    @on(Item.Changed)
    def item_changed(self, event: Item.Changed) -> None:
        if event.value is None:
            self.scores.pop(event.criterion_id, None)
        else:
            self.scores[event.criterion_id] = event.value
        self.save_draft()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget if hasattr(event, "widget") else None
        help_ = self.query_one("#item-help", Static)
        if isinstance(widget, Item):
            c = widget.criterion
            keys = "y: 適合  n: 不適合" if c.kind == "must" else "0〜5: 点数  Left/Right: 増減"
            help_.update(Text.assemble((f"{c.id} ", "bold"), safe(c.label, style="bold"), "\n",
                                       safe(c.description, multiline=True), ("\n" + keys, "dim")))
        elif getattr(widget, "id", None) == "comment":
            help_.update(Text("コメントを入力（自動で下書き保存）", style="dim"))

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
        if self.base is None and not self.scores and not self.comment.strip():
            return True  # nothing entered: opening and leaving makes no sheet
        if self._comment_timer is not None:
            self._comment_timer.stop()
            self._comment_timer = None
        try:
            saved = self.reviewer.session.save_draft(self.opened, self.base, self.scores, self.comment)
        except WorkspaceError as e:  # what was typed stays on the screen
            self.app.notify("\n".join(clean(m) for m in e.messages), title="保存できません", severity="error", markup=False)
            return False
        self.base = saved.sheet
        if saved.merge is not None:
            self.show_merge(saved.merge)
        if self.status is None:
            self.status = "draft"
        self.update_status()
        self.tell_of_others()
        return True

    def show_merge(self, merge: Merge) -> None:
        """The sheet had changed meanwhile (an import, another screen): show what was merged."""
        self.scores = dict(merge.content.scores)
        for item in self.query(Item):
            item.show(self.scores.get(item.criterion.id))
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

    # -- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.save_draft()
        self.app.pop_screen()

    def action_scroll_doc(self, direction: int) -> None:
        doc = self.query_one("#doc", VerticalScroll)
        doc.scroll_page_down() if direction > 0 else doc.scroll_page_up()

    def action_toggle_pane(self) -> None:
        self.toggle_class("-show-doc")

    def missing(self) -> list[str]:
        return [f"{c.id} {c.label}" for c in self.program.applicable(self.app_obj)
                if c.kind in ("must", "scored") and self.scores.get(c.id) is None]

    def action_submit(self) -> None:
        if self.readonly:
            self.app.notify("この採点票は提出済みです。", markup=False)
            return
        missing = self.missing()
        if missing:
            self.app.notify("未入力の項目があります: " + "、".join(missing[:6]) + (" ほか" if len(missing) > 6 else ""),
                            title="提出できません", severity="warning", markup=False)
            return
        self.save_draft()
        body = Text.assemble(f"{self.app_obj.id} の採点票を提出します。\n提出後は委員長の差し戻しがない限り変更できません。")

        def done(ok: bool | None) -> None:
            if not ok:
                return
            try:
                saved = self.reviewer.session.submit(self.opened, self.base, self.scores, self.comment)
            except WorkspaceError as e:
                self.app.notify("\n".join(clean(m) for m in e.messages), title="提出できません", severity="error", markup=False)
                return
            self.base = saved.sheet
            self.status = "submitted"
            for item in self.query(Item):
                item.readonly = True
                item.add_class("-readonly")
            self.query_one("#comment", TextArea).read_only = True
            self.update_status()
            self.app.notify(f"{self.app_obj.id} を提出しました。", markup=False)

        self.app.push_screen(ConfirmDialog("提出の確認", body), done)

    def action_save_next(self) -> None:
        if not self.save_draft():
            return
        self.reviewer.open_next(self.evaluator_id, self.program_id, self.application_id)

    def action_declare_conflict(self) -> None:
        if self.readonly:
            self.app.notify("提出済みの採点票は、委員長の差し戻し後に申し出てください。", markup=False)
            return

        self.reviewer.ask_reason(
            "利害関係の申出",
            f"{self.app_obj.id}（{self.app_obj.applicant.name}）との利害関係の内容を書いてください。割当が外れ、理由が記録されます。",
            lambda reason: self.reviewer.session.declare_conflict(self.opened, reason),
            f"{self.app_obj.id} の割当を外しました（利害関係）。", then=self.app.pop_screen,
            placeholder="例: 申請者の委員を務めている")
