"""The chair's use cases in the terminal app: progress, the submitted sheets, reopening, the live
result and the export. Only a chair's session gets a ``ChairDesk``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.files.private import unused_path
from reviewer.rules import access
from reviewer.services import review, sheets
from reviewer.services.results import Export, export_stem, export_workbook, score_workspace
from reviewer.services.session import Session
from reviewer.workspace import Workspace, WorkspaceError, exports_folder
from reviewer.workspace.records import (
    ApplicationProgress,
    Decision,
    MaterialRequest,
    Opinion,
    Progress,
    ProgressWidths,
    ResultState,
    SheetRecord,
    ShortlistEntry,
    StoredAttachment,
    SubmittedSheet,
)

if TYPE_CHECKING:
    from reviewer.domain.model import Application, Program
    from reviewer.scoring import Result


class ChairDesk:
    """What a chair's session may do."""

    def __init__(self, session: Session):
        problem = access.chair_problem(session.identity.id, session.identity.role, "委員長の画面")
        if problem:
            raise WorkspaceError(problem)
        self.session = session
        self.ws = session.ws

    @property
    def chair_id(self) -> str:
        return self.session.identity.id

    def programs(self) -> list[str]:
        """The chair's programs (all, where the panel names none the workspace has)."""
        programs = list(self.ws.program_names())
        return [p for p in self.session.identity.programs if p in programs] or programs

    def program(self, program: str) -> Program:
        return self.ws.program(program)

    def last_change(self) -> int:
        return self.ws.last_change()

    def data_version(self) -> int:
        """Changes when another session has committed anything (``last_change`` tells whether
        it changed data): the screen's cheap check, every second."""
        return self.ws.data_version()

    # -- progress -----------------------------------------------------------------------

    def evaluator_progress(self, program: str) -> Progress:
        return self.ws.progress(program, "evaluator")

    def application_count(self, program: str) -> int:
        return self.ws.application_count(program)

    def application_progress(self, program: str, start: int, stop: int) -> list[ApplicationProgress]:
        return self.ws.application_progress(program, start, stop)

    def application_progress_position(self, program: str, application: str) -> int | None:
        return self.ws.application_progress_position(program, application)

    def application_progress_widths(self, program: str) -> ProgressWidths:
        return self.ws.application_progress_widths(program)

    def submitted(self, program: str) -> list[SubmittedSheet]:
        return self.ws.submitted_list(program)

    # -- sheets and applications, read (the chair reads submitted sheets only) ---------------

    def sheet(self, program: str, application: str, evaluator: str) -> SheetRecord | None:
        """A submitted sheet (None for a draft or no sheet: a chair does not read drafts)."""
        s = self.ws.sheet(program, application, evaluator)
        return s if s is not None and s.status == "submitted" else None

    def application_sheets(self, program: str, application: str) -> list[SheetRecord]:
        """The application's submitted sheets, by evaluator."""
        return self.ws.sheets(program=program, status="submitted", application=application)

    def application(self, program: str, application: str) -> Application | None:
        return self.ws.application(program, application)

    def attachments(self, program: str, application: str, pages: bool = True) -> list[StoredAttachment]:
        """The application's submitted files (SPEC §6.2), with their text unless ``pages`` is False."""
        return self.ws.attachments(program, application, pages=pages)

    # -- changes ------------------------------------------------------------------------

    def reopen(self, program: str, application: str, evaluator: str, reason: str, stage: str = "written") -> None:
        sheets.reopen_sheet(self.ws, program, application, evaluator, actor=self.session.actor, reason=reason,
                            chair=self.chair_id, stage=stage)

    # -- the second half: hearing, materials, opinions, decisions (SPEC §6.4, §6.7) -------------

    def shortlist(self, program: str) -> list[ShortlistEntry]:
        return self.ws.shortlist(program)

    def add_to_shortlist(self, program: str, applications: list[str], scheduled: str = "", place: str = "",
                         why: str = "") -> tuple[int, int]:
        return review.shortlist(self.ws, program, applications, self.chair_id, self.session.actor, scheduled, place,
                                why)

    def remove_from_shortlist(self, program: str, application: str, reason: str) -> None:
        review.unshortlist(self.ws, program, application, self.chair_id, self.session.actor, reason)

    def hearing_sheets(self, program: str, application: str) -> list[SheetRecord]:
        """The application's submitted hearing sheets, by evaluator."""
        return self.ws.sheets(program=program, status="submitted", application=application, stage="hearing")

    def requests(self, program: str, open_only: bool = False) -> list[MaterialRequest]:
        return self.ws.requests(program, open_only=open_only)

    def request_materials(self, program: str, application: str, what: str, due: str = "") -> int:
        return review.request_materials(self.ws, program, application, what, due, self.chair_id, self.session.actor)

    def answer_request(self, program: str, request_id: int, text: str = "", file: Path | None = None,
                       ) -> MaterialRequest:
        received = review.received_file(file) if file is not None else None
        return review.answer_request(self.ws, program, request_id, self.chair_id, self.session.actor, text, received)

    def opinions(self, program: str, application: str | None = None) -> list[Opinion]:
        return self.ws.opinions(program, application)

    def record_opinion(self, program: str, application: str, source: str, text: str, given_on: str = "") -> int:
        return review.record_opinion(self.ws, program, application, source, text, self.chair_id, self.session.actor,
                                     given_on)

    def decisions(self, program: str) -> dict[str, Decision]:
        return self.ws.decisions(program)

    def decide(self, program: str, application: str, decision: str | None, reason: str) -> None:
        review.decide(self.ws, program, application, decision, reason, self.chair_id, self.session.actor)

    def draft_count(self, program: str) -> int:
        """The program's sheets still drafts, written and hearing (they count nowhere)."""
        return len(self.ws.sheets(program=program, status="draft", stage=None))

    def result_state(self, program: str) -> ResultState:
        return self.ws.result_state(program)

    def finalize(self, program: str, method: str, budget: int | None, selection: str | None = None,
                 drafts_ok: bool = False) -> Result:
        """Finalize the program's result as scored now with ``method``, ``budget`` and ``selection``,
        on a connection of its own (it runs in a worker thread, as the scoring does)."""
        with Workspace.open(self.session.path) as ws:
            result = score_workspace(ws, program, method=method, budget_yen=budget, selection=selection)
            review.finalize(ws, program, self.chair_id, self.session.actor, result, drafts_ok)
        return result

    def reopen_result(self, program: str, reason: str) -> None:
        review.reopen_result(self.ws, program, self.chair_id, self.session.actor, reason)

    # -- results (each on a connection of its own: they run in worker threads) ------------

    def score(self, program: str, method: str, budget: int | None, selection: str | None = None,
              resamples: int = 0, seed: int = 0, compare: bool = False) -> Result:
        """``selection``: a selection strategy other than the criteria file's (SPEC §6.5);
        ``resamples`` from ``seed`` and ``compare`` as ``score_workspace`` takes them (SPEC §6.6)."""
        with Workspace.open(self.session.path) as ws:
            return score_workspace(ws, program, method=method, budget_yen=budget, selection=selection,
                                   resamples=resamples, seed=seed, compare=compare)

    def export(self, program: str, method: str, budget: int | None, path: Path,
               selection: str | None = None, anonymous: bool = False) -> Export:
        with Workspace.open(self.session.path) as ws:
            return export_workbook(ws, program, path, self.session.actor, method=method, budget_yen=budget,
                                   make_folder=True, selection=selection, anonymous=anonymous)

    def export_path(self, program: str, folder: Path | None = None, when: datetime | None = None) -> Path:
        """The export's default file: ``program-YYYYMMDD-HHMMSS.xlsx`` in Japan time, in ``folder``
        or else the workspace's export folder (which ``export`` makes, 0700), with ``-2``, ``-3``,
        ... where a file has that name."""
        return self.export_name(program, folder or exports_folder(self.session.path), when)

    @staticmethod
    def export_name(program: str, folder: Path, when: datetime | None = None) -> Path:
        """The export's default file in ``folder``: the program and the time in Japan, a name
        no file has yet."""
        return unused_path(Path(folder), export_stem(program, when), ".xlsx")
