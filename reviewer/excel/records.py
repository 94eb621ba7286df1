"""What the workbook shows of the second half of a review beyond the scored ``Result``: the
hearing's shortlist (when and where), the requests for additional materials with their answers,
and the opinions of others, as the workspace records them (SPEC §6.4, §6.7)."""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.scoring import Result
from reviewer.workspace.records import MaterialRequest, Opinion, ShortlistEntry, StoredAttachment


@dataclass(frozen=True)
class ReviewRecords:
    """The shortlist (by scheduled time), the requests (oldest first) and the opinions of a program."""

    shortlist: tuple[ShortlistEntry, ...] = ()
    requests: tuple[MaterialRequest, ...] = ()
    opinions: tuple[Opinion, ...] = ()
    #: the cover's facts (表紙): the chair's name ("" where none is named), and the first and last
    #: submission time of the submitted written sheets (stored timestamps; None without sheets)
    chair: str = ""
    first_submitted: str | None = None
    last_submitted: str | None = None
    #: the submitted files (SPEC §6.2) by application id, in each application's order (no text)
    attachments: tuple[tuple[str, tuple[StoredAttachment, ...]], ...] = ()

    @property
    def waiting(self) -> int:
        """Requests not answered yet."""
        return sum(1 for r in self.requests if not r.answered)


def has_hearing(r: Result, records: ReviewRecords | None = None) -> bool:
    """Whether the program has a hearing: a shortlist or hearing sheets."""
    return bool(r.hearing_sheets or (records and records.shortlist)) or any(a.shortlisted for a in r.applications)


def has_decisions(r: Result) -> bool:
    """Whether the program has decisions recorded or its result finalized (its final list says more
    than the computed selection)."""
    return r.finalized or (r.final is not None and r.final.decided > 0)
