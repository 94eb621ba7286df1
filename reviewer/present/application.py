"""What an application states about itself, as the evaluator reads it above the text.

The items ask the evaluator to judge exactly these (M4: the data utilisation plan; the field
model's conditions; the documents; the My Number card rate; prior support), so the scoring
screen lists them in the application's header, in the ministry's words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.domain.vocabulary import DECLARATION_LABELS, GOVERNANCE_LABELS

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Program

NOT_DECLARED = "申告なし"

#: The tag of the must criterion that judges the field model (r2-iot M1 分野別モデルの横展開): the
#: evaluator reads the application's model and its condition with it.
MODEL_TAG = "model"


def model_condition(program: Program, track: str | None, model: int | None) -> str:
    """The condition the criteria set on the application's field model (the seed's 「ただし、…」,
    ``FieldModel.condition``), "" if none: e.g. model ⑩ 「…十分な業務削減効果が得られるものに限る。」."""
    if not track or model is None or model not in program.model_numbers:
        return ""
    return program.model_numbers[model][1].condition.strip()


def model_lines(program: Program, app: Application) -> list[str]:
    """What the model criterion (M1) is judged against: the application's model and its condition."""
    if app.model is None or app.model not in program.model_numbers:
        return []
    track, m = program.model_numbers[app.model]
    lines = [f"この申請の分野別モデル: {track.name} / {m.number} {m.name}"]
    condition = model_condition(program, app.track, app.model)
    if condition:
        lines.append(f"{DECLARATION_LABELS['model_condition']}: {condition}")
    return lines


#: Said beside a field's name where the criteria file's fields are the tool's own (``fields_note``).
OWN_FIELDS = "（分野の分類は本ツールの既定）"


def field_name(program: Program, field: str | None) -> str:
    """The name of an application's field (分野) where its program lists fields, "" otherwise."""
    return next((f.name for f in program.fields if f.id == field), "") if field else ""


def field_text(program: Program, field: str | None) -> str:
    """The field's name, and where the list is the tool's own, that it is (the evaluator's and the
    chair's pages)."""
    name = field_name(program, field)
    return name + (OWN_FIELDS if name and program.fields_note else "")


def group_question(program: Program, group: str) -> str:
    """The guiding question of a criteria heading (「事業の目的に適合しているか。」), "" if none."""
    return next((g.question for g in program.groups if g.name == group), "")


def _yes_no(value: bool | None) -> str:
    return "記載なし" if value is None else ("はい" if value else "いいえ")


def declared_facts(program: Program, app: Application) -> list[tuple[str, str]]:
    """(label, value) lines of what the application declares and the conditions it applies under."""
    d, facts = app.declarations, []
    condition = model_condition(program, app.track, app.model)
    if condition:
        facts.append((DECLARATION_LABELS["model_condition"], condition))
    if d.mynumber_card_rate is not None:
        facts.append((DECLARATION_LABELS["mynumber_card_rate"], f"{d.mynumber_card_rate * 100:.1f}%"))
    elif any(c.source == "mynumber_card_rate" for c in program.criteria):
        facts.append((DECLARATION_LABELS["mynumber_card_rate"], NOT_DECLARED))
    if d.data_utilization_plan is not None:
        facts.append((DECLARATION_LABELS["data_utilization_plan"], d.data_utilization_plan))
    elig = program.eligibility
    if d.prior_support_years or elig.excluded_prior_support_years:
        years = "、".join(f"{y}年度" for y in d.prior_support_years) or "なし"
        what = f"{elig.prior_support_label}: " if elig.prior_support_label else ""
        facts.append((DECLARATION_LABELS["prior_support_years"], what + years))
    for req in elig.required_declarations:
        facts.append(("申告", f"{_yes_no(getattr(d, req.key))}  {req.label}"))
    facts += partner_facts(app)
    if app.attachments:  # the files themselves (listed with their pages under 添付書類)
        facts.append(("提出書類（添付）", "、".join(dict.fromkeys(a.document for a in app.attachments))
                      + f"（添付 {len(app.attachments)} 件）"))
    elif d.documents is not None:
        facts.append((DECLARATION_LABELS["documents"], "、".join(d.documents) or "なし"))
    elif elig.required_documents:
        facts.append((DECLARATION_LABELS["documents"], NOT_DECLARED))
    return facts


def partner_facts(app: Application) -> list[tuple[str, str]]:
    """(label, value) lines of a corporation's governance with the related local governments (the
    連携体制 the checks judge; the consortium's members head the page beside the applicant)."""
    from reviewer.domain import regions

    facts = []
    a = app.applicant
    if a.governance is not None:
        facts.append(("ガバナンスの形態", GOVERNANCE_LABELS[a.governance]))
    if a.related_lg_codes:
        known = regions.municipalities()
        facts.append(("ガバナンス先", "、".join(f"{known[c].name}（{c}）" if c in known else c
                                                 for c in a.related_lg_codes)))
    return facts
