"""Importing a score file (batch scoring): checked whole against the criteria, the applications
and the workspace's roster, then written whole or not at all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewer.domain.vocabulary import FILE_KIND_LABELS
from reviewer.files.kinds import score_file_problems
from reviewer.files.load import Problem, detect_kind, line_of, load_doc, read_toml, sheet_field
from reviewer.services.sheets import WorkspaceRoster
from reviewer.workspace import Workspace, WorkspaceError
from reviewer.workspace.errors import finalized_message


@dataclass
class ImportOutcome:
    """What importing one file did: its problems (nothing was written), or the count of each
    sheet result ('created', 'updated', 'submitted', 'replaced', 'unchanged')."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def import_score_file(ws: Workspace, path: Path, actor: str, replace: bool = False,
                      detail: str | None = None) -> ImportOutcome:
    """Check and import one score file; a refusal names the file, the line and the field."""
    outcome = ImportOutcome(path)
    doc, text, problems = read_toml(path)
    if doc is None:
        outcome.problems = problems
        return outcome
    kind = detect_kind(doc)
    if kind != "scores":
        outcome.problems = [Problem(str(path), None, "", f"採点票ではありません（{FILE_KIND_LABELS[kind]}のファイルです）")]
        return outcome
    item, problems = load_doc(str(path), doc, text, "scores")
    if item is None:
        outcome.problems = problems
        return outcome
    sf = item.obj
    programs = ws.programs()
    if sf.program in programs and ws.finalized(sf.program):  # SPEC §6.7: no sheet changes once finalized
        outcome.problems = [Problem(str(path), line_of(item.lines, ("program",)), "program",
                                    finalized_message(sf.program))]
        return outcome
    apps = {sf.program: ws.applications(sf.program, sections=False)} if sf.program in programs else {}
    outcome.problems = score_file_problems(item, programs, apps, WorkspaceRoster(ws))
    if outcome.problems:
        return outcome
    try:
        outcome.counts = ws.import_sheets(sf.program, sf.evaluator, sf.sheets, actor, replace=replace,
                                          detail=detail if detail is not None else f"import {path}")
    except WorkspaceError as e:
        outcome.problems = _refusal(path, item.lines, item.doc, e)
    return outcome


def _refusal(path: Path, lines: Any, doc: dict[str, Any], e: WorkspaceError) -> list[Problem]:
    """A refusal of the write, placed at the refused sheet where it names one."""
    loc: tuple[Any, ...] = ("sheets", e.index, "application") if e.index is not None else ()
    return [Problem(str(path), line_of(lines, loc) if loc else None, sheet_field(doc)(loc) if loc else "", m)
            for m in e.messages]
