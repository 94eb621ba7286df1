"""An application as the evaluator reads it: a header of facts (the applicant, the track and
field model with its conditions, the budget, what the application declares), the automatic
checks, then its sections. Untrusted text is passed as data (the reader shows it literally)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reviewer.domain import regions
from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS
from reviewer.present import result as words
from reviewer.present.application import declared_facts, field_name, field_text
from reviewer.tui.widgets.reader import BLANK, FACT, HEADING, PARA, Block

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Program
    from reviewer.present.attachments import ReadableAttachment
    from reviewer.rules.checks import CheckResult
    from reviewer.services.session import OpenedSheet


def header_blocks(opened: OpenedSheet) -> list[Block]:
    a, p = opened.application, opened.program
    seat = "" if a.area else f"、{a.bureau}総合通信局管内"
    blocks = [Block(FACT, f"{a.applicant.name}（{APPLICANT_TYPE_LABELS[a.applicant.type]}、{a.applicant.prefecture}"
                          f"{seat}）", label="申請者")]
    if a.area:
        blocks.append(Block(FACT, area_text(a), label="主な実施地域"))
    if a.track:
        blocks.append(Block(FACT, words.field_label(p, a.track, a.model), label="要件"))
    if field_name(p, a.field):
        blocks.append(Block(FACT, field_text(p, a.field), label="分野"))
    if a.consortium:
        blocks.append(Block(FACT, "、".join(m.name for m in a.consortium), label="構成員"))
    if p.gives_money:
        b = a.budget
        blocks.append(Block(FACT, f"総額 {words.yen(b.total_cost_yen)}（うち一般管理費 {words.yen(b.overhead_yen)}）"
                                  f"  補助金申請額 {words.yen(b.requested_subsidy_yen)}", label="事業費"))
    blocks += [Block(FACT, value, label=label) for label, value in declared_facts(p, a)]
    return blocks


def area_text(a: Application) -> str:
    """The main implementation area (SPEC §6.1): its prefecture, municipalities and bureau."""
    assert a.area is not None
    known = regions.municipalities()
    names = "、".join(known[c].name if c in known else c for c in a.area.lg_codes)
    return f"{a.area.prefecture}{f'（{names}）' if names else ''}、{a.bureau}総合通信局管内"


def document_blocks(opened: OpenedSheet, attachments: Sequence[ReadableAttachment] | None = None) -> list[Block]:
    """The whole document of the scoring screen's reader (``attachments``: others than the
    opened sheet's)."""
    blocks = header_blocks(opened)
    blocks += [Block(BLANK), Block(HEADING, "自動審査")]
    for r in opened.checks:
        blocks.append(Block(FACT, f"{r.label}: {r.message}", "" if r.passed else "bold",
                            label="適合" if r.passed else "不適合"))
    for s in opened.application.sections:
        blocks += [Block(BLANK), Block(HEADING, s.heading), Block(PARA, s.body.strip())]
    return blocks + attachment_blocks(opened.attachments if attachments is None else attachments)


def attachment_blocks(attachments: Sequence[ReadableAttachment]) -> list[Block]:
    """The submitted files after the sections (SPEC §6.2): a list of them, then each file with
    what it is (name, pages, size, SHA-256) and its pages, each page a heading of the outline
    (F5) with the slide's title; an Excel sheet as a table. Search (/) finds text in them too."""
    if not attachments:
        return []
    from reviewer.present import attachments as words_of

    blocks = [Block(BLANK), Block(HEADING, f"添付書類（{len(attachments)} 件）")]
    blocks += [Block(FACT, words_of.attachment_line(att), label=att.document) for att in attachments]
    for att in attachments:
        blocks += [Block(BLANK), Block(HEADING, f"【{att.document}】{att.name}")]
        blocks += [Block(FACT, value, label=label) for label, value in words_of.attachment_facts(att)]
        for page in att.pages:
            blocks.append(Block(HEADING, words_of.page_heading(att, page.number, page.title, len(att.pages))))
            body = words_of.sheet_table(page.rows) if page.rows else page.text.strip()
            blocks.append(Block(PARA, body or "（文字なし）", "" if body else "dim"))
    return blocks


def application_blocks(program: Program, application: Application, checks: list[CheckResult],
                       attachments: Sequence[ReadableAttachment] = ()) -> list[Block]:
    """The same document for an application read without a sheet (the chair's pages)."""
    from reviewer.services.session import OpenedSheet

    return document_blocks(OpenedSheet("", program, application, checks, None), attachments)
