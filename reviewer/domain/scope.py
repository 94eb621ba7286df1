"""Which criteria apply to which application, on plain values: the one rule that both the model
(``Program.applies``) and the terminal app's first screen (which counts each application's items
before pydantic is loaded) use."""

from __future__ import annotations

from collections.abc import Collection


def applies(tracks: Collection[str] | None, applicant_types: Collection[str] | None,
            track: str | None, applicant_type: str) -> bool:
    """Whether a criterion limited to ``tracks`` and ``applicant_types`` (None: all) applies to an
    application of ``track`` and ``applicant_type`` (its track's items; M4 only for 市町村)."""
    if tracks is not None and track not in tracks:
        return False
    return applicant_types is None or applicant_type in applicant_types
