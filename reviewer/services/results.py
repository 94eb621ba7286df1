"""Scoring a program of a workspace and exporting its workbook: the one way ``rank``,
``export`` and the chair's screen get a result or a file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.domain.limits import DEFAULT_RESAMPLES
from reviewer.files.private import unused_path
from reviewer.present.text import JST
from reviewer.workspace import Workspace, WorkspaceError, make_exports_folder

if TYPE_CHECKING:
    from reviewer.scoring import Result, Review


def score_workspace(ws: Workspace, program_id: str, method: str = "mean", budget_yen: int | None = None,
                    comments: bool = True, selection: str | None = None, resamples: int = 0, seed: int = 0,
                    compare: bool = False) -> Result:
    """Score a program of an open workspace (submitted sheets only). ``comments=False`` skips
    reading the comments and notes (the ranking needs none; the workbook does); ``resamples``,
    ``seed`` and ``compare`` as ``scoring.score_program`` takes them."""
    from reviewer.scoring import SheetInput, score_program

    program = ws.program(program_id)
    apps = ws.applications(program_id, sections=False)
    sheets = [SheetInput(a, e, scores, c, n) for a, e, scores, c, n in ws.submitted_scores(program_id, comments)]
    names = {p.id: p.name for p in ws.people()}
    result = score_program(program, apps, sheets, method=method, budget_yen=budget_yen, evaluator_names=names,
                           selection=selection, resamples=resamples, seed=seed, compare=compare,
                           review=review_of(ws, program_id, comments))
    _completeness(ws, result)
    return result


def _completeness(ws: Workspace, result: Result) -> None:
    """Each application's active assignments, the written review's totals (assigned, drafted,
    submitted) and the declared conflicts, so that a result on 3 of 4 reviews says so."""
    from reviewer.workspace.records import Counts

    progress = ws.progress(result.program.id, "application")
    for a in result.applications:
        a.assigned = progress.by_application[a.id].assigned if a.id in progress.by_application else 0
    counts = progress.by_application.values()
    result.progress = Counts(sum(c.assigned for c in counts), sum(c.drafted for c in counts),
                             sum(c.submitted for c in counts))
    result.conflicts = len(ws.declarations(result.program.id))


def review_of(ws: Workspace, program_id: str, comments: bool = True) -> Review:
    """The second half of the program's review as scoring takes it: its submitted hearing
    sheets, the shortlist, the decisions and the result's state."""
    from reviewer.scoring import Recorded, Review, SheetInput

    hearing = [SheetInput(a, e, scores, c, n, "hearing")
               for a, e, scores, c, n in ws.submitted_scores(program_id, comments, stage="hearing")]
    decisions = {aid: Recorded(d.decision, d.reason, d.decided_by, d.decided_at)
                 for aid, d in ws.decisions(program_id).items()}
    return Review(hearing, {e.application for e in ws.shortlist(program_id)}, decisions, ws.result_state(program_id))


@dataclass(frozen=True)
class Export:
    path: Path
    result: Result


def export_workbook(ws: Workspace, program_id: str, path: Path, actor: str, method: str = "mean",
                    budget_yen: int | None = None, generated_at: datetime | None = None,
                    make_folder: bool = False, selection: str | None = None, resamples: int = DEFAULT_RESAMPLES,
                    seed: int = 0, compare: bool = False, anonymous: bool = False) -> Export:
    """Score the program and write its workbook to ``path`` (created whole or not at all, mode
    0600; its folder made where missing with ``make_folder``, 0700; ``anonymous``: each evaluator
    shown as 委員A, 委員B, …); the export is audited with the file, method, budget and anonymity, so a
    workspace that cannot record it is refused before writing."""
    from reviewer.excel import ReviewRecords, write_workbook

    path = Path(path).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise WorkspaceError(f"{path}: ファイル名は .xlsx で終えてください")
    if ws.readonly:
        raise WorkspaceError(f"{ws.db_path}: 読み取り専用のため、書き出しを監査ログに記録できません"
                             "（書き出しは書き込めるワークスペースで行ってください）")
    result = score_workspace(ws, program_id, method=method, budget_yen=budget_yen, selection=selection,
                             resamples=resamples, seed=seed, compare=compare)
    try:
        if make_folder:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        submitted = sorted(s.submitted_at for s in ws.submitted_list(program_id) if s.submitted_at)
        chairs = [p.name for p in ws.people() if p.role == "chair" and (not p.programs or program_id in p.programs)]
        records = ReviewRecords(tuple(ws.shortlist(program_id)), tuple(ws.requests(program_id)),
                                tuple(ws.opinions(program_id)), chair="・".join(chairs),
                                first_submitted=submitted[0] if submitted else None,
                                last_submitted=submitted[-1] if submitted else None,
                                attachments=tuple((aid, tuple(atts)) for aid, atts in
                                                  ws.program_attachments(program_id).items()))
        write_workbook(result, path, generated_at=generated_at, review=records, anonymous=anonymous)
    except OSError as e:
        raise WorkspaceError(f"{path}: 書き込めません（{e.strerror or e}）") from None
    ws.record(actor, "export", program_id, detail=f"{os.path.abspath(path)} method={method} budget={result.budget_yen}"
              f" selection={result.selection} resamples={result.resamples} seed={result.seed}"
              f" anonymous={'yes' if anonymous else 'no'}")
    return Export(path, result)


def export_stem(program_id: str, when: datetime | None = None) -> str:
    """An export's default file name without ``.xlsx``: the program and the time in Japan to
    the second (``r2-iot-20261202-093015``); a time without a zone is taken as the server's."""
    when = (when or datetime.now(timezone.utc)).astimezone(JST)
    return f"{program_id}-{when:%Y%m%d-%H%M%S}"


def export_to_folder(ws: Workspace, program_id: str, actor: str, method: str = "mean",
                     budget_yen: int | None = None, when: datetime | None = None,
                     selection: str | None = None, resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                     compare: bool = False, anonymous: bool = False) -> Export:
    """``export_workbook`` into the workspace's export folder (made 0700 where missing) under
    the default name, ``-2``, ``-3``, ... added where it is taken: a file is never replaced."""
    ws.program(program_id)
    path = unused_path(make_exports_folder(ws.path), export_stem(program_id, when), ".xlsx", reserve=True)
    try:
        return export_workbook(ws, program_id, path, actor, method=method, budget_yen=budget_yen,
                               selection=selection, resamples=resamples, seed=seed, compare=compare,
                               anonymous=anonymous)
    except BaseException:
        path.unlink(missing_ok=True)  # the reserved name, empty or not recorded as an export
        raise
