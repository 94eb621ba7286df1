"""Reading a set of files and folders, of every kind, checked against each other.

Nothing here raises for bad input. Inside: ``toml_files`` (folders expanded to their
``*.toml``), ``Bundle`` (everything read, with the problems) and ``load_paths``, which reads
criteria, applications, panel and score sheets (told apart by their content) and runs the
checker of each kind in turn (``reviewer.files.kinds``). The parsing lives in
``reviewer.files.toml``, the validation of one file in ``reviewer.files.models``; their names
that callers import from here are re-exported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.domain.model import Application, FileFacts, Panel, Program, ScoreFile
from reviewer.files.attachments import Extracted
from reviewer.files.kinds import check_applications, check_criteria, check_panels, check_score_files
from reviewer.files.models import MODELS, Loaded, detect_kind, load_doc, load_file, sheet_field, to_model, translate
from reviewer.files.problems import Problem
from reviewer.files.toml import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    KeyLines,
    field_name,
    key_lines,
    line_of,
    parse_toml,
    read_toml,
)

__all__ = [
    "MAX_DEPTH", "MAX_FILE_BYTES", "MODELS", "Bundle", "KeyLines", "Loaded", "Problem", "detect_kind",
    "field_name", "key_lines", "line_of", "load_doc", "load_file", "load_paths", "parse_toml", "read_toml",
    "sheet_field", "to_model", "toml_files", "translate",
]


def toml_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders (recursively, *.toml, sorted); name missing paths as problems."""
    out: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(q for q in path.rglob("*.toml") if q.is_file()))
        elif path.is_file():
            out.append(path)
        else:
            problems.append(Problem(str(path), None, "", "ファイルもフォルダも見つかりません"))
    seen: set[Path] = set()
    unique: list[Path] = []
    for q in out:
        r = q.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(q)
    return unique, problems


@dataclass
class Bundle:
    """Everything read from a set of paths, after cross-checks."""

    programs: dict[str, Program] = field(default_factory=dict)
    applications: dict[str, dict[str, Application]] = field(default_factory=dict)
    panels: list[Panel] = field(default_factory=list)
    score_files: list[tuple[str, ScoreFile]] = field(default_factory=list)
    files: list[Loaded] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: The attachments read, by (program, application id), in the application's order.
    extracted: dict[tuple[str, str], list[Extracted]] = field(default_factory=dict)

    def application(self, program: str, app_id: str) -> Application | None:
        return self.applications.get(program, {}).get(app_id)

    @property
    def panel(self) -> Panel | None:
        return self.panels[0] if self.panels else None

    def count(self, kind: str) -> int:
        return sum(1 for f in self.files if f.kind == kind)


def _read(files: list[Path], only: set[str] | None) -> tuple[list[Loaded], list[Problem]]:
    """Parse and validate each file; with ``only``, skip the parsed files of other kinds."""
    loaded: list[Loaded] = []
    problems: list[Problem] = []
    for path in files:
        doc, text, found = read_toml(path)
        if doc is not None and only is not None and detect_kind(doc) not in only:
            continue
        if doc is not None:
            item, found = load_doc(str(path), doc, text)
            if item is not None:
                loaded.append(item)
        problems.extend(found)
    return loaded, problems


#: Reads one attachment: the application file's folder and the attachment's path in it.
Reader = Callable[[Path, str], Extracted]


def _read_attachments(bundle: Bundle, items: list[Loaded], reader: Reader | None = None) -> list[Problem]:
    """Read every accepted application's attachments (SPEC §6.2); each application then holds
    what was found of each file (``Attachment.file``) and ``bundle.extracted`` the text. A file
    that cannot be taken is a problem of the application file, at the attachment's path.
    ``reader``: instead of ``read_attachment`` (intake, which has just read the same files)."""
    from reviewer.files.attachments import AttachmentError, read_attachment

    read: Reader = reader or read_attachment
    problems: list[Problem] = []
    for item in items:
        app: Application = item.obj
        if not app.attachments or bundle.application(app.program, app.id) is not app:
            continue
        base = Path(item.path).parent
        found: list[Extracted] = []
        for i, att in enumerate(app.attachments):
            try:
                found.append(read(base, att.path))
            except AttachmentError as e:
                line = line_of(item.lines, ("attachments", i, "path"))
                problems.append(Problem(item.path, line, f"attachments[{i}].path", f"{att.path}: {e.message}"))
        if len(found) == len(app.attachments):
            bundle.applications[app.program][app.id] = with_facts(app, found)
            bundle.extracted[(app.program, app.id)] = found
    return problems


def with_facts(app: Application, found: list[Extracted]) -> Application:
    """``app`` with each attachment's ``file`` set from what reading it found."""
    attachments = [att.model_copy(update={"file": FileFacts.model_validate({
        "format": ex.format, "pages": ex.page_count, "estimated": ex.estimated, "size": ex.size,
        "sha256": ex.sha256, "name": ex.name,
    })}) for att, ex in zip(app.attachments, found)]
    return app.model_copy(update={"attachments": attachments})


def load_paths(paths: list[Path], base_programs: dict[str, Program] | None = None,
               only: set[str] | None = None, reader: Reader | None = None) -> Bundle:
    """Read files and folders of any kind and check them against each other.

    ``base_programs`` (the shipped criteria) are known programs; a criteria file among
    ``paths`` with the same id takes their place. With ``only``, files of other kinds are
    skipped (after parsing: a broken file is still a problem).
    """
    bundle = Bundle()
    files, bundle.problems = toml_files(paths)
    bundle.files, problems = _read(files, only)
    bundle.problems.extend(problems)

    def of(kind: str) -> list[Loaded]:
        return [f for f in bundle.files if f.kind == kind]

    bundle.programs, problems = check_criteria(of("criteria"), base_programs)
    bundle.problems.extend(problems)
    bundle.applications, problems = check_applications(of("application"), bundle.programs)
    bundle.problems.extend(problems)
    bundle.problems.extend(_read_attachments(bundle, of("application"), reader))
    bundle.panels, problems = check_panels(of("panel"), bundle.programs, bundle.applications)
    bundle.problems.extend(problems)
    bundle.score_files, problems = check_score_files(of("scores"), bundle.programs, bundle.applications, bundle.panel)
    bundle.problems.extend(problems)
    return bundle
