"""One application beside its scoring form. Every change is saved at once as a draft.

Wide terminals show the application and the form side by side; narrow ones (80 columns)
stack them, and F6 switches between both, the application only and the form only. The
application scrolls with PgUp/PgDn from anywhere in the form, without moving the focus; F5
jumps to a heading, ``/`` searches. The description of the focused item and the meaning of its
scores stay above the form. A submitted sheet is shown read-only, with no editing keys.

An application shortlisted for the hearing has a second sheet (SPEC §6.4): ``h`` (or F9, also
from the comment) switches the
form between the written sheet (書面審査) and the hearing's (ヒアリング), which rates the hearing
criteria only, each beside the evaluator's own written score ("書面 3"); saving and submitting
go to the sheet shown. The reader shows when and where the application is heard and the
additional materials with their answers (``screens.hearing``). Once the program's result is
finalized, both sheets are read-only; a save refused meanwhile is told on the message line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.widgets import Input, Static, TextArea

from reviewer.domain.vocabulary import (
    CRITERION_KIND_LABELS,
    MUST_LABELS,
    MUST_SCALE_LABELS,
    REOPENED_LABEL,
    SCORE_SCALE_LABELS,
    SCORE_SCALE_SHORT_LABELS,
)
from reviewer.present.application import MODEL_TAG, group_question, model_lines
from reviewer.present.review import HEARING, materials_count, schedule
from reviewer.present.text import clean, jst
from reviewer.rules.merge import Merge
from reviewer.services.errors import WorkspaceError
from reviewer.services.session import OpenedSheet, SheetRecord
from reviewer.tui.chrome import safe
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.dialogs import InputDialog, PickDialog
from reviewer.tui.screens.document import document_blocks
from reviewer.tui.screens.hearing import STAGE_LABELS, SheetTab, reference, review_blocks, sheet_tabs, with_review
from reviewer.tui.screens.submit import SubmitDialog, Summary
from reviewer.tui.widgets.footer import KeyFooter
from reviewer.tui.widgets.items import Item, MustItem, ScoreItem, item_id
from reviewer.tui.widgets.messages import MessageLine
from reviewer.tui.widgets.prose import Choices, Para, Part, Prose
from reviewer.tui.widgets.reader import Reader

if TYPE_CHECKING:
    from reviewer.domain.model import Criterion

#: The narrow layout's views, in the order F6 goes through them.
NARROW_VIEWS = ("both", "doc", "form")
NARROW_VIEW_LABELS = {"both": "両方", "doc": "申請書", "form": "採点欄"}
#: A note per item: at most this many characters (SPEC §6.3).
NOTE_MAX = 2_000


class ReviewScreen(ReviewerScreen[None]):
    DEFAULT_CSS = """
    ReviewScreen #hearing-form { height: 1fr; display: none; }
    ReviewScreen.-hearing #hearing-form { display: block; }
    ReviewScreen.-hearing #form { display: none; }
    ReviewScreen #hearing-comment { height: 6; min-height: 4; margin: 0 1; background: $surface; }
    ReviewScreen .formnote { padding: 0 1; color: $text-muted; }
    """
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
        # a shortlisted application: the written sheet and the hearing's (one key, two names;
        # F9 from the comment too, where h is typed). Narrow, the footer has no room: the key
        # is said in the form's head instead ("quiet").
        Binding("h,f9", "stage('hearing')", HEARING, key_display="h"),
        Binding("h,f9", "stage('written')", STAGE_LABELS["written"], key_display="h"),
        Binding("h,f9", "stage('hearing', 'quiet')", HEARING, show=False),
        Binding("h,f9", "stage('written', 'quiet')", STAGE_LABELS["written"], show=False),
        # the application scrolls from anywhere, the focus stays in the form
        Binding("pageup", "scroll_doc(-1)", "申請書を上へ", show=False, priority=True),
        Binding("pagedown", "scroll_doc(1)", "申請書を下へ", show=False, priority=True),
    ]

    def __init__(self, opened: OpenedSheet):
        super().__init__()
        self.opened = opened
        self.program = opened.program
        self.app_obj = opened.application
        self.tabs: dict[str, SheetTab] = {}
        self.stage = "written"     # the sheet the form shows
        self.narrow_view = "both"
        self._told: set[str] = set()  # the other sessions on this sheet already mentioned
        self._form_focus: str | None = None

    # -- the sheet shown ----------------------------------------------------------------------

    @property
    def tab(self) -> SheetTab:
        return self.tabs[self.stage]

    @property
    def scores(self) -> dict[str, Any]:
        return self.tab.scores

    @property
    def notes(self) -> dict[str, str]:
        return self.tab.notes

    @property
    def comment(self) -> str:
        return self.tab.comment

    @comment.setter
    def comment(self, text: str) -> None:
        self.tab.comment = text

    @property
    def base(self) -> SheetRecord | None:
        """The sheet shown as this screen last saw it stored."""
        return self.tab.base

    @property
    def status(self) -> str | None:
        return self.tab.status

    @property
    def criteria(self) -> list[Criterion]:
        return self.tab.criteria

    @property
    def evaluator_id(self) -> str:
        return self.opened.evaluator

    @property
    def application_id(self) -> str:
        return self.app_obj.id

    @property
    def readonly(self) -> bool:
        return self.tab.readonly

    @property
    def staged(self) -> bool:
        """Whether the application has a hearing sheet besides the written one."""
        return len(self.tabs) > 1

    def tab_items(self, tab: SheetTab | None = None) -> list[Item]:
        return list(self.query_one(f"#{(tab or self.tab).form_id}").query(Item))

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        session = self.reviewer.session
        self.tabs = sheet_tabs(session, self.opened)
        hearing = self.tabs.get("hearing")
        if hearing is not None and self.tabs["written"].status == "submitted" and hearing.status != "submitted":
            self.stage = "hearing"  # the written sheet is done: the hearing's is what is left
        a = self.app_obj
        yield Static(Text.assemble((f"{a.id} ", "bold"), safe(a.title)), id="title", classes="titlebar")
        yield Static(id="status", classes="subbar", markup=False)
        with Container(id="panes"):
            with Vertical(id="doc-pane"):
                yield Static(id="doc-head", classes="panehead", markup=False)
                yield Reader(with_review(document_blocks(self.opened), review_blocks(session, self.opened)),
                             id="reader")
                yield Input(placeholder="申請書内を検索（Enter: 次  Up/Down: 前・次  Esc: 閉じる）", id="doc-search")
            with Vertical(id="form-pane"):
                yield Static(id="form-head", classes="panehead", markup=False)
                yield Prose(id="criterion")
                with VerticalScroll(id="form"):
                    yield from self.sheet_form(self.tabs["written"])
                if hearing is not None:
                    with VerticalScroll(id=hearing.form_id):
                        yield Static("書面: 書面審査でのご自身の点数（参考）", classes="formnote",
                                     markup=False)
                        yield from self.sheet_form(hearing)
        yield MessageLine()
        yield KeyFooter()

    def sheet_form(self, tab: SheetTab) -> ComposeResult:
        """A sheet's items and comment."""
        written = self.tabs["written"]
        for c in tab.criteria:
            kind = MustItem if c.kind == "must" else ScoreItem
            yield kind(c, tab.scores.get(c.id), readonly=tab.readonly, note=tab.notes.get(c.id, ""), stage=tab.stage,
                       reference=reference(written, c.id) if tab.stage != "written" else "")
        if not tab.criteria:
            yield Static("この申請にはこの採点票で評価する項目がありません。", classes="formnote", markup=False)
        yield Static("コメント（評価の理由・所見）", classes="label", markup=False)
        yield TextArea(tab.comment, id=tab.comment_id, soft_wrap=True, read_only=tab.readonly,
                       show_line_numbers=False)

    def on_mount(self) -> None:
        self.set_class(self.stage == "hearing", "-hearing")
        self.call_after_refresh(self.fix_criterion_height)
        self.reviewer.settle_cursors(self)
        self.update_status()
        self.update_heads()
        self.tell_of_others()
        self.focus_in_tab()

    def focus_in_tab(self) -> None:
        """The focus where it was on the sheet shown, else on its first item not entered."""
        tab = self.tab
        found = self.query(f"#{tab.focus}") if tab.focus else None
        if found:
            found.first().focus()
            return
        items = self.tab_items()
        first = next((i for i in items if i.value is None), items[0] if items else None)
        if first is not None:
            first.focus()
        elif not tab.criteria:
            self.query_one(f"#{tab.comment_id}", TextArea).focus()

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
            items = self.tab_items()
            if items:
                items[0].focus()

    def update_status(self) -> None:
        tab = self.tab
        line = Text()
        if tab.stage == "hearing" and self.opened.hearing is not None:
            line.append(f"{HEARING} ", style="bold")
            line.append_text(safe(schedule(self.opened.hearing)))
            line.append("\n")
        line.append_text(Text.assemble(("状態 ", "bold"), tab.state(),
                                       f"   入力 {tab.filled} / {len(tab.criteria)} 項目"))
        noted = sum(1 for c in tab.criteria if tab.notes.get(c.id))
        if noted:
            line.append(f"  所見 {noted} 項目")
        reopened = self.reopened_line()
        if reopened is not None:
            line.append("\n" if tab.stage == "written" else "  ")
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
        elif self.opened.materials:  # they are in the reader, after the automatic checks (F5)
            head.append(f"  {materials_count(self.opened.materials)}")
        if self.narrow:
            head.append("  F6: ")
            for view in NARROW_VIEWS:
                label = NARROW_VIEW_LABELS[view]
                head.append(f"[{label}]" if view == self.narrow_view else f" {label} ",
                            style="bold" if view == self.narrow_view else "dim")
        self.query_one("#doc-head", Static).update(head)
        self.query_one("#form-head", Static).update(self.form_head())

    def form_head(self) -> Text:
        """"採点  入力 3 / 12"; with a hearing sheet, the two sheets' names, the one shown in brackets."""
        tab = self.tab
        if not self.staged:
            return Text.assemble(("採点", "bold"), f"  入力 {tab.filled} / {len(tab.criteria)}",
                                 ("  提出済（読むだけ）" if tab.readonly else "", "bold"))
        head = Text()
        for stage in self.tabs:
            label = STAGE_LABELS[stage]
            head.append(f"[{label}]" if stage == self.stage else f" {label} ",
                        style="bold" if stage == self.stage else "dim")
        head.append(f"  入力 {tab.filled} / {len(tab.criteria)}")
        if tab.readonly:
            head.append("  確定済" if tab.finalized else "  提出済", style="bold")
        if self.narrow:
            head.append("  h: 切替", style="dim")  # the footer has no room for the key
        return head

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
        elif getattr(widget, "id", None) == self.tab.comment_id:
            prose.show([Para("コメント: 評価の理由・所見を書いてください。入力はその場で下書きとして保存されます。"
                             if not self.readonly else "コメント（読むだけです）" if self.tab.finalized
                             else "コメント（提出済み: 読むだけです）", "dim")])

    def criterion_parts(self, item: Item) -> list[Part]:
        c = item.criterion
        tab = self.tabs[item.stage]
        parts: list[Part] = [Para(f"{c.id} [{CRITERION_KIND_LABELS[c.kind]}] {clean(c.label)}", "bold")]
        short = self.narrow and self.narrow_view == "both"  # 80x24 with the application above
        if c.kind == "must":
            labels = MUST_LABELS if short else {v: f"{MUST_LABELS[v]}: {MUST_SCALE_LABELS[v]}" for v in MUST_LABELS}
            parts.append(Choices(tuple((v, labels[v]) for v in ("pass", "fail")), item.value))
        else:
            scale = SCORE_SCALE_SHORT_LABELS if short else SCORE_SCALE_LABELS
            parts.append(Choices(tuple((n, f"{n} {label}") for n, label in scale.items()), item.value))
        note = tab.notes.get(c.id, "")
        if not short:  # the keys under the choices they act on (a long text below is cut first)
            parts.append(self.keys_part(c.kind, tab, note))
        if MODEL_TAG in c.tags:  # judged against the application's model and its condition
            parts += [Para(line) for line in model_lines(self.opened.program, self.opened.application)]
        if c.description:
            parts.append(Para(c.description))
        question = group_question(self.opened.program, c.group)
        if question and not short:
            parts.append(Para(f"{c.group}: {question}", "dim"))
        if tab.stage != "written":
            parts += self.written_parts(c.id, short)
        if note:
            parts.append(Para(f"所見: {note}"))
        return parts  # where short, the keys are in the help (F1) and the footer

    @staticmethod
    def keys_part(kind: str, tab: SheetTab, note: str) -> Para:
        if tab.readonly:
            return Para("評価結果が確定済みのため変更できません" if tab.finalized else "提出済みのため変更できません", "dim")
        keys = "y: 適合  n: 不適合" if kind == "must" else "0〜5: 点数  Left/Right: 増減"
        return Para(f"{keys}  m: 所見{'を直す' if note else 'を書く'}  BS: 取消", "dim")

    def written_parts(self, cid: str, short: bool) -> list[Part]:
        """On the hearing sheet: what the evaluator gave the item on the written one."""
        written = self.tabs["written"]
        value = written.scores.get(cid)
        said = f"書面審査でのご自身の点数: {'未入力' if value is None else f'{value} 点'}"
        note = written.notes.get(cid, "")
        if note and not short:
            said += f"（所見: {note}）"
        return [Para(said, "dim")]

    # -- editing -----------------------------------------------------------------------

    @on(Item.Changed)
    def item_changed(self, event: Item.Changed) -> None:
        tab = self.tabs[event.item.stage]
        if event.value is None:
            tab.scores.pop(event.criterion_id, None)
        else:
            tab.scores[event.criterion_id] = event.value
        self.save_draft(tab)
        self.describe(event.item)

    @on(Item.Refused)
    def item_refused(self, event: Item.Refused) -> None:
        self.app.notify(self.tabs[event.item.stage].refused(), markup=False)

    @on(TextArea.Changed)
    def comment_changed(self, event: TextArea.Changed) -> None:
        tab = next((t for t in self.tabs.values() if t.comment_id == event.text_area.id), None)
        if tab is None:
            return
        tab.comment = event.text_area.text
        if tab.timer is not None:
            tab.timer.stop()
        tab.timer = self.set_timer(0.6, lambda: self.save_draft(tab))

    def flush(self) -> None:
        """Save now what waits for the comment's autosave (quitting, a dropped connection)."""
        for tab in self.tabs.values():
            if tab.timer is not None:
                self.save_draft(tab)

    def save_draft(self, tab: SheetTab | None = None) -> bool:
        """Save a sheet (by default the one shown) as a draft; False where it could not be saved
        (told on the message line; what was typed stays on the screen)."""
        tab = tab or self.tab
        if tab.readonly:
            return True
        if tab.timer is not None:
            tab.timer.stop()
            tab.timer = None
        if tab.empty:
            return True  # nothing entered: opening and leaving makes no sheet
        try:
            saved = self.reviewer.session.save_draft(self.opened, tab.base, tab.scores, tab.comment,
                                                     notes=tab.notes, stage=tab.stage)
        except WorkspaceError as e:  # what was typed stays on the screen
            self.app.notify("\n".join(clean(m) for m in e.messages), title="保存できません", severity="error",
                            markup=False)
            return False
        tab.base = saved.sheet
        if saved.merge is not None:
            self.show_merge(tab, saved.merge)
        if tab.status is None:
            tab.status = "draft"
        self.update_status()
        self.update_heads()
        self.tell_of_others()
        return True

    def show_merge(self, tab: SheetTab, merge: Merge) -> None:
        """The sheet had changed meanwhile (an import, another screen): show what was merged."""
        tab.scores = dict(merge.content.scores)
        tab.notes = dict(merge.content.notes)
        for item in self.tab_items(tab):
            item.show(tab.scores.get(item.criterion.id))
            item.set_note(tab.notes.get(item.criterion.id, ""))
        if merge.content.comment != tab.comment:
            tab.comment = merge.content.comment
            self.query_one(f"#{tab.comment_id}", TextArea).load_text(tab.comment)
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
        if action in ("submit", "note") and self.readonly:
            return False  # a submitted sheet: no editing key is offered
        if action == "declare_conflict" and self.tabs["written"].readonly:
            return False  # the assignment's: offered while the written sheet may change
        if action == "stage":
            if not parameters or parameters[0] not in self.tabs or parameters[0] == self.stage:
                return False
            return (len(parameters) > 1) == self.narrow
        if action == "toggle_pane":
            return self.narrow
        if action == "hit":
            return bool(self.query_one(Reader).hit_status())
        return True

    # -- the two sheets ------------------------------------------------------------------

    def action_stage(self, stage: str, quiet: str = "") -> None:
        """Show the other sheet (the written one or the hearing's); the focus returns where it was."""
        if stage not in self.tabs or stage == self.stage:
            return
        left = self.tab
        if left.timer is not None:
            self.save_draft(left)  # the comment typed last is saved with its own sheet
        focused = self.focused
        if focused is not None and focused.id and focused.id != "reader" and focused.id != "doc-search":
            left.focus = focused.id
        self.stage = stage
        self._form_focus = self.tab.focus
        self.set_class(stage == "hearing", "-hearing")
        if stage != "written":
            written = self.tabs["written"]
            for item in self.tab_items():
                item.set_reference(reference(written, item.criterion.id))
        self.show_form()
        self.focus_in_tab()
        self.update_status()
        self.update_heads()
        self.refresh_bindings()
        self.describe(self.focused)

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
        tab = self.tabs[item.stage]

        def done(value: str | None) -> None:
            if value is None:
                return
            if value.strip():
                tab.notes[c.id] = value.strip()
            else:
                tab.notes.pop(c.id, None)
            item.set_note(tab.notes.get(c.id, ""))
            self.save_draft(tab)
            self.describe(item)
            self.fix_criterion_height()

        self.app.push_screen(InputDialog(f"{c.id} の所見", f"{c.id} {c.label}（{NOTE_MAX:,} 字まで。空欄で消します）",
                                         value=tab.notes.get(c.id, ""), max_length=NOTE_MAX,
                                         placeholder="例: KPI の根拠が不明確"), done)

    def summary(self) -> Summary:
        return Summary.of(self.reviewer.session, self.opened, self.scores, self.notes, self.comment, stage=self.stage)

    def action_submit(self) -> None:
        if self.readonly:
            return
        self.save_draft()
        tab = self.tab

        def done(answer: str | None) -> None:
            if answer == "submit":
                self.submit_now(tab)
            elif answer:  # a criterion to go to
                self.show_form()
                target = self.query(f"#{item_id(answer, tab.stage)}")
                if target:
                    target.first().focus()
                    target.first().scroll_visible()

        self.app.push_screen(SubmitDialog(self.summary()), done)

    def show_form(self) -> None:
        if self.narrow and self.narrow_view == "doc":
            self.narrow_view = "both"
            self.apply_view()

    def submit_now(self, tab: SheetTab | None = None) -> None:
        tab = tab or self.tab
        try:
            saved = self.reviewer.session.submit(self.opened, tab.base, tab.scores, tab.comment, notes=tab.notes,
                                                 stage=tab.stage)
        except WorkspaceError as e:
            self.app.notify("\n".join(clean(m) for m in e.messages), title="提出できません", severity="error",
                            markup=False)
            return
        tab.base = saved.sheet
        tab.status = "submitted"
        for item in self.tab_items(tab):
            item.set_readonly()
        self.query_one(f"#{tab.comment_id}", TextArea).read_only = True
        self.update_status()
        self.update_heads()
        self.describe(self.focused)
        self.refresh_bindings()
        self.fix_criterion_height()
        what = f"{self.app_obj.id} の{HEARING}の採点票" if tab.stage == "hearing" else f"{self.app_obj.id} "
        self.app.notify(f"{what}を提出しました。", markup=False)

    def action_save_next(self) -> None:
        if not self.save_draft():
            return
        self.reviewer.open_next(self.evaluator_id, self.program.id, self.app_obj.id)

    def action_declare_conflict(self) -> None:
        if self.tabs["written"].readonly:
            return
        self.reviewer.ask_reason(
            "利害関係の申出",
            f"{self.app_obj.id}（{self.app_obj.applicant.name}）との利害関係の内容を書いてください。割当が外れ、理由が記録されます。",
            lambda reason: self.reviewer.session.declare_conflict(self.opened, reason),
            f"{self.app_obj.id} の割当を外しました（利害関係）。", then=self.app.pop_screen,
            placeholder="例: 申請者の委員を務めている")
