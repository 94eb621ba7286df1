"""One checker per file kind: the files read together, checked against each other.

Each checker takes the loaded files of its kind (in reading order) and what the earlier
kinds established, and returns what it accepts with the problems of the rest:

- ``check_criteria``: programs, the given criteria over the base ones; an id given twice
  is a problem;
- ``check_applications``: a known program, well formed for it (``application_problems``),
  an id unique within the program;
- ``check_panels``: the evaluators' programs known, each assignment placed in one program
  (``placed_assignments``, also used by ``init``); one panel only;
- ``check_score_files``: every score file against the programs, the applications and the
  panel's roster (``score_file_problems``, also used by the import of score sheets).

The rules themselves live in ``reviewer.rules``; here their (location, message) pairs
become ``Problem``s with line numbers and field names.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from reviewer.domain.model import Application, Assignment, Panel, Program, ScoreFile
from reviewer.files.models import Loaded, sheet_field
from reviewer.files.problems import Problem
from reviewer.files.toml import line_of, problems_at
from reviewer.rules import sheets
from reviewer.rules.access import PanelRoster, Roster, place_assignments
from reviewer.rules.checks import application_problems

Applications = dict[str, dict[str, Application]]


# ---------------------------------------------------------------------------
# criteria


def check_criteria(items: list[Loaded], base_programs: dict[str, Program] | None) -> tuple[dict[str, Program], list[Problem]]:
    """The known programs: ``base_programs`` with the given criteria files in their place."""
    problems: list[Problem] = []
    given: dict[str, Loaded] = {}
    for item in items:
        prog: Program = item.obj
        if prog.id in given:
            msg = f"事業 ID {prog.id} は {given[prog.id].path} と重複しています"
            problems.append(Problem(item.path, item.lines.get(("id",)), "id", msg))
            continue
        given[prog.id] = item
    programs = dict(base_programs or {})
    programs.update({pid: item.obj for pid, item in given.items()})
    return programs, problems


# ---------------------------------------------------------------------------
# applications


def application_file_problems(item: Loaded, programs: dict[str, Program]) -> list[Problem]:
    """One application file: its program known, and the file well formed for that program."""
    app: Application = item.obj
    prog = programs.get(app.program)
    if prog is None:
        known = "、".join(sorted(programs)) or "なし"
        msg = f"不明な事業です（{app.program}）。既知の事業: {known}"
        return [Problem(item.path, item.lines.get(("program",)), "program", msg)]
    return problems_at(item.path, item.lines, application_problems(app, prog))


def check_applications(items: list[Loaded], programs: dict[str, Program]) -> tuple[Applications, list[Problem]]:
    """The accepted applications by program and id; an id unique within its program."""
    applications: Applications = {}
    problems: list[Problem] = []
    first_seen: dict[tuple[str, str], str] = {}
    for item in items:
        app: Application = item.obj
        found = application_file_problems(item, programs)
        if found:
            problems.extend(found)
            continue
        key = (app.program, app.id)
        if key in first_seen:
            msg = f"申請 ID {app.id} は {first_seen[key]} と重複しています"
            problems.append(Problem(item.path, item.lines.get(("id",)), "id", msg))
            continue
        first_seen[key] = item.path
        applications.setdefault(app.program, {})[app.id] = app
    return applications, problems


# ---------------------------------------------------------------------------
# panels


def placed_assignments(item: Loaded, programs: Collection[str], app_ids: Mapping[str, Collection[str]],
                       ) -> tuple[list[tuple[str, Assignment]], list[Problem]]:
    """The panel file's assignments, each with its program (``rules.access.place_assignments``),
    and the problems of those that have none, at their lines."""
    placed, pairs = place_assignments(item.obj, programs, app_ids)
    return placed, problems_at(item.path, item.lines, pairs)


def panel_file_problems(item: Loaded, programs: dict[str, Program], applications: Applications) -> list[Problem]:
    """One panel file: its evaluators' programs known; every assignment placed in one program
    (``placed_assignments``; with no application read, application ids are not checked)."""
    panel: Panel = item.obj
    out: list[Problem] = []
    for i, ev in enumerate(panel.evaluators):
        for j, pid in enumerate(ev.programs):
            if pid not in programs:
                line = line_of(item.lines, ("evaluators", i, "programs"))
                out.append(Problem(item.path, line, f"evaluators[{i}].programs[{j}]", f"不明な事業です（{pid}）"))
    out.extend(placed_assignments(item, programs, applications)[1])
    out.extend(_conflict_problems(item, applications))
    return out


def _conflict_problems(item: Loaded, applications: Applications) -> list[Problem]:
    """A conflict that is not a local government code names an application of one of the
    evaluator's programs (checked where applications were read with the panel)."""
    if not applications:
        return []
    panel: Panel = item.obj
    out: list[Problem] = []
    for i, ev in enumerate(panel.evaluators):
        ids = {aid for pid in ev.programs for aid in applications.get(pid, {})}
        for j, entry in enumerate(ev.conflicts):
            if not (entry.isdigit() and len(entry) == 6) and entry not in ids:
                line = line_of(item.lines, ("evaluators", i, "conflicts"))
                msg = f"不明な申請 ID です（{entry}）。利害関係は団体コード6桁か、担当する事業の申請 ID で書いてください"
                out.append(Problem(item.path, line, f"evaluators[{i}].conflicts[{j}]", msg))
    return out


def check_panels(
    items: list[Loaded], programs: dict[str, Program], applications: Applications,
) -> tuple[list[Panel], list[Problem]]:
    """The accepted panels; more than one is a problem (of the second panel file)."""
    panels: list[Panel] = []
    problems: list[Problem] = []
    for item in items:
        found = panel_file_problems(item, programs, applications)
        problems.extend(found)
        if not found:
            panels.append(item.obj)
    if len(panels) > 1:
        problems.append(Problem(items[1].path, None, "", "評価者名簿（panel）が複数あります。1つにしてください"))
    return panels, problems


# ---------------------------------------------------------------------------
# score files


def score_file_problems(
    item: Loaded, programs: dict[str, Program], applications: Applications, roster: Roster | None,
) -> list[Problem]:
    """One score file against the programs, the applications and (if given) the roster;
    sheet fields are named with their application id."""
    sf: ScoreFile = item.obj
    pairs = sheets.score_file_problems(sf, programs, applications, roster)
    return problems_at(item.path, item.lines, pairs, sheet_field(item.doc))


def check_score_files(
    items: list[Loaded], programs: dict[str, Program], applications: Applications, panel: Panel | None,
) -> tuple[list[tuple[str, ScoreFile]], list[Problem]]:
    """The accepted score files (path, file), checked against the panel's roster if there is a panel."""
    roster = PanelRoster(panel, applications) if panel is not None else None
    accepted: list[tuple[str, ScoreFile]] = []
    problems: list[Problem] = []
    for item in items:
        found = score_file_problems(item, programs, applications, roster)
        problems.extend(found)
        if not found:
            accepted.append((item.path, item.obj))
    return accepted, problems
