"""Typed records of the workspace's rows: what the query groups return instead of SQL rows."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from reviewer.files.attachments import Page


class Counts(NamedTuple):
    assigned: int
    drafted: int
    submitted: int

    @property
    def not_started(self) -> int:
        return self.assigned - self.drafted - self.submitted

    @property
    def left(self) -> int:
        """Sheets still to submit."""
        return self.assigned - self.submitted


class Progress(NamedTuple):
    by_evaluator: dict[str, Counts]  # evaluators with an active assignment, by id
    by_application: dict[str, Counts]  # applications with an active assignment, by id


@dataclass(frozen=True)
class Person:
    """Who an evaluator or chair is (the panel's entry, read without the model)."""

    id: str
    name: str
    affiliation: str
    role: str
    programs: list[str]


@dataclass(frozen=True)
class SheetRecord:
    program: str
    application: str
    evaluator: str
    status: str
    comment: str
    scores: dict[str, Any]
    created_at: str
    updated_at: str
    submitted_at: str | None
    revision: int = 1         # raised by every write of the sheet
    notes: dict[str, str] = field(default_factory=dict)  # criterion id → note
    #: Who sent the sheet back to draft (the chair's evaluator id, or the actor), when and
    #: why; None once it is submitted again (the audit log keeps the history).
    reopened_by: str | None = None
    reopened_at: str | None = None
    reopen_reason: str | None = None
    stage: str = "written"    # or "hearing" (SPEC §6.3)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> SheetRecord:
        return cls(row["program"], row["application"], row["evaluator"], row["status"], row["comment"],
                   json.loads(row["scores"]), row["created_at"], row["updated_at"], row["submitted_at"],
                   row["revision"], json.loads(row["notes"]), row["reopened_by"], row["reopened_at"],
                   row["reopen_reason"], row["stage"])

    def content(self) -> dict[str, Any]:
        """What the evaluator wrote (as the audit log records it and saves compare it); a
        hearing sheet's says its stage."""
        content = {"status": self.status, "comment": self.comment, "scores": self.scores, "notes": self.notes}
        return content if self.stage == "written" else content | {"stage": self.stage}


class Presence(NamedTuple):
    """A screen that has a sheet open (its session, where it runs, since when)."""

    session: str
    host: str
    pid: int
    opened_at: str


class AssignmentRecord(NamedTuple):
    program: str
    application: str
    evaluator: str
    source: str               # default, panel or auto
    active: bool
    withdrawn_reason: str | None
    withdrawn_at: str | None


class AuditEntry(NamedTuple):
    seq: int
    at: str
    actor: str
    action: str
    program: str | None
    application: str | None
    evaluator: str | None
    old: str | None           # canonical JSON
    new: str | None
    detail: str | None

    def as_dict(self) -> dict[str, Any]:
        return self._asdict()


class ApplicationSummary(NamedTuple):
    """An application's summary columns (read without parsing its document)."""

    id: str
    title: str
    applicant: str
    applicant_type: str
    prefecture: str
    bureau: str
    track: str | None
    model: int | None
    requested_subsidy_yen: int


class CriterionScope(NamedTuple):
    """A criterion's kind and whom it applies to (read without building the program's model)."""

    id: str
    kind: str
    tracks: list[str] | None
    applicant_types: list[str] | None


class QueueEntry(NamedTuple):
    """One of an evaluator's assignments, with its sheet's status."""

    program: str
    application: str
    title: str
    applicant: str
    bureau: str
    prefecture: str
    track: str | None
    model: int | None
    status: str | None        # None: no sheet yet
    updated_at: str | None
    entered: int = 0          # scores in the sheet (0 without one)
    notes_count: int = 0      # notes in the sheet
    #: Who reopened the sheet, when and why: set only while a reopened sheet is a draft.
    reopened_by: str | None = None
    reopened_at: str | None = None
    reopen_reason: str | None = None
    applicant_type: str = ""
    #: Filled in by the service (``Session.queue``): the must and scored criteria that apply to
    #: the application, and the reopener's name where ``reopened_by`` is a panel id.
    items: int | None = None
    reopened_by_name: str | None = None


class OwnSheet(NamedTuple):
    """One of an evaluator's own submitted sheets with its application's summary columns."""

    program: str
    application: str
    title: str
    track: str | None
    applicant_type: str
    scores: dict[str, Any]
    submitted_at: str | None


class SubmittedSheet(NamedTuple):
    """A submitted sheet as the chair's list shows it (without its scores)."""

    evaluator: str
    application: str
    applicant: str
    submitted_at: str


class ApplicationProgress(NamedTuple):
    """An application's counters, for the chair's list."""

    id: str
    applicant: str
    bureau: str
    assigned: int
    drafted: int
    submitted: int


class ProgressWidths(NamedTuple):
    """The longest id, applicant and bureau (in characters) and the largest count's digits."""

    id: int
    applicant: int
    bureau: int
    digits: int


class ShortlistEntry(NamedTuple):
    """An application shortlisted for the hearing (SPEC §6.4): when and where it is heard."""

    program: str
    application: str
    scheduled: str            # date and time as the chair wrote it ("2026-12-10 10:00"), or ""
    place: str                # a room or a URL, or ""
    added_by: str
    added_at: str


class MaterialRequest(NamedTuple):
    """A request for additional materials (追加資料) and, once answered, the answer: a text, a
    received file (its name, size and SHA-256; the bytes are kept), or both."""

    id: int
    program: str
    application: str
    what: str
    due: str                  # the date it is due, as the chair wrote it, or ""
    requested_by: str
    requested_at: str
    answered_by: str | None
    answered_at: str | None
    answer_text: str | None
    file_name: str | None
    file_size: int | None
    file_sha256: str | None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class Opinion(NamedTuple):
    """An opinion on an application from others (各総合通信局等, the support vendor)."""

    id: int
    program: str
    application: str
    source: str               # who gave it
    text: str
    given_on: str             # when it was given, as recorded, or ""
    recorded_by: str
    recorded_at: str


class Decision(NamedTuple):
    """The recorded decision on an application (SPEC §6.7): select or reject, with its reason."""

    program: str
    application: str
    decision: str             # "select" or "reject"
    reason: str
    decided_by: str
    decided_at: str


class ResultState(NamedTuple):
    """A program's result: open or finalized (確定), who finalized it and who last reopened it."""

    program: str
    state: str                # "open" or "finalized"
    finalized_by: str | None
    finalized_at: str | None
    final: str | None         # the result's JSON as finalized
    reopened_by: str | None
    reopened_at: str | None
    reopen_reason: str | None

    @property
    def finalized(self) -> bool:
        return self.state == "finalized"


@dataclass(frozen=True)
class StoredAttachment:
    """An attachment as init read it (SPEC §6.2): what it is, the file's name, format, size,
    SHA-256 and pages (``pages`` only where asked for)."""

    position: int
    document: str
    path: str
    name: str
    format: str
    size: int
    sha256: str
    page_count: int
    estimated: bool
    truncated: bool
    pages: tuple[Page, ...] = ()

    @classmethod
    def from_row(cls, r: sqlite3.Row, with_pages: bool) -> StoredAttachment:
        pages: tuple[Page, ...] = ()
        if with_pages:
            pages = tuple(Page(i + 1, p["title"], p["text"], tuple(tuple(row) for row in p["rows"]))
                          for i, p in enumerate(json.loads(r["pages"])))
        return cls(r["position"], r["document"], r["path"], r["name"], r["format"], r["size"], r["sha256"],
                   r["page_count"], bool(r["estimated"]), bool(r["truncated"]), pages)
