"""An evaluator's score sheet to fill in offline (``reviewer template``).

Every assigned application gets a ``[[sheets]]`` entry; every criterion that applies to it
is a line with its Japanese label and scale as a comment. Values already saved in the
workspace are filled in; the others are commented out, so the file imports as it is (as
drafts) and each line is uncommented as it is scored. Each sheet ends with its notes per
criterion (``[sheets.notes]``): those saved, or a commented example.
"""

from __future__ import annotations

import unicodedata

from reviewer.domain.limits import MAX_NOTE
from reviewer.domain.model import Criterion
from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS, CRITERION_KIND_LABELS
from reviewer.files.toml import toml_string
from reviewer.present.result import field_label
from reviewer.present.review import when_heard
from reviewer.workspace import Workspace


def comment_text(text: str, limit: int = 80) -> str:
    """Untrusted text made safe for a one-line TOML comment."""
    cleaned = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _key(cid: str) -> str:
    return cid if all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in cid) else toml_string(cid)


def _scale(c: Criterion) -> str:
    return "\"pass\" / \"fail\"" if c.kind == "must" else f"0〜5 の整数{'' if c.weight == 1 else f'、重み {c.weight:g}'}"


def render_template(ws: Workspace, evaluator_id: str, program_id: str, stage: str = "written") -> str:
    """The evaluator's sheets of ``stage``: the written review's for every assigned application,
    the hearing's (SPEC §6.4) for the assigned applications on the shortlist, with its criteria
    only and the evaluator's own written scores beside them for reference."""
    ev = ws.evaluator(evaluator_id)
    prog = ws.program(program_id)
    apps = ws.applications(program_id)
    assigned = [r.application for r in ws.assignments(program_id, evaluator_id)]
    hearing = stage == "hearing"
    if hearing:
        listed = {e.application: e for e in ws.shortlist(program_id)}
        assigned = [aid for aid in assigned if aid in listed]
    lines = [
        f"# {'ヒアリングの' if hearing else ''}採点票: {comment_text(ev.name)}（{ev.id}） / {comment_text(prog.name)}",
        "# 書き方: 採点した項目の行頭の「# 」を消して値を書きます。必須要件は \"pass\" か \"fail\"、",
        "#         加点項目は 0〜5 の整数です。すべて採点したら status を \"submitted\" にします。",
        "#         下書き（\"draft\"）は途中までで取り込めます。",
        f"# 取り込み: reviewer import-scores --workspace {comment_text(str(ws.path))} このファイル",
        "",
        f"evaluator = {toml_string(ev.id)}",
        f"program = {toml_string(prog.id)}",
    ]
    if not assigned:
        lines += ["", "# ヒアリングの対象で割り当てられた申請はありません。" if hearing else "# 割り当てられた申請はありません。"]
    for aid in assigned:
        app = apps[aid]
        sheet = ws.sheet(program_id, aid, evaluator_id, stage)
        written = ws.sheet(program_id, aid, evaluator_id) if hearing else None
        saved = sheet.scores if sheet else {}
        track = f" / {field_label(prog, app.track, app.model)}" if app.track else ""
        area = f"主な実施地域 {app.area.prefecture}、" if app.area else ""
        lines += [
            "",
            f"# {'─' * 40}",
            f"# {aid}: {comment_text(app.title)}",
            f"# 申請者: {comment_text(app.applicant.name)}（{APPLICANT_TYPE_LABELS[app.applicant.type]}、"
            f"{app.applicant.prefecture}、{area}{app.bureau}）{track}",
            *([f"# ヒアリング: {comment_text(when_heard(listed[aid].scheduled))}"
               f"{'、' + comment_text(listed[aid].place) if listed[aid].place else ''}"] if hearing else []),
            "[[sheets]]",
            f"application = {toml_string(aid)}",
            *(['stage = "hearing"'] if hearing else []),
            f"status = {toml_string(sheet.status if sheet else 'draft')}",
            f"comment = {toml_string(sheet.comment if sheet else '')}",
            "[sheets.scores]",
        ]
        items = [c for c in prog.applicable(app) if c.kind != "auto" and (not hearing or c.id in prog.hearing_ids)]
        for c in items:
            kind = CRITERION_KIND_LABELS[c.kind]
            mine = written.scores.get(c.id) if written else None
            ref = f"、書面審査では {mine}" if mine is not None else ""
            note = f"  # {kind} {comment_text(c.label, 60)}（{_scale(c)}{ref}）"
            if c.id in saved:
                value = saved[c.id]
                lines.append(f"{_key(c.id)} = {toml_string(value) if isinstance(value, str) else value}{note}")
            else:
                example = '"pass"' if c.kind == "must" else "0"
                lines.append(f"# {_key(c.id)} = {example}{note}")
        lines += _notes(sheet.notes if sheet else {}, items)
    return "\n".join(lines) + "\n"


def _notes(saved: dict[str, str], items: list[Criterion]) -> list[str]:
    """A sheet's ``[sheets.notes]``: the saved notes, or an empty table with a commented example
    (a line that uncommenting every "# M…" of the scores leaves alone)."""
    head = f"# 項目別の所見（任意。評価項目 ID ごとに {MAX_NOTE:,} 文字まで）"
    order = {c.id: i for i, c in enumerate(items)}
    ids = sorted(saved, key=lambda cid: (order.get(cid, len(order)), cid))
    lines = [head, "[sheets.notes]", *(f"{_key(cid)} = {toml_string(saved[cid])}" for cid in ids)]
    if not saved:
        example = _key(items[0].id) if items else "M1"
        lines.append(f"# 例: {example} = \"根拠となる記述は様式の3ページ\"")
    return lines
