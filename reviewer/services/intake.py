"""Applications from the office's list (SPEC §6.8): ``reviewer intake`` and ``reviewer intake-template``.

``intake`` reads the list (``reviewer.files.intake``) and the folder of submitted files
(``FILES/<申請ID>/…``), names each file's document by its file name (the longest document name of
the program it contains, else 補足資料), reads every file (``reviewer.files.attachments``), takes
the narrative sections from the program's narrative document, one per slide or page with text,
and writes ``OUTPUT/<申請ID>.toml`` with the files copied to ``OUTPUT/<申請ID>/``. All or nothing:
everything goes into a new folder beside OUTPUT, is loaded back as ``reviewer validate`` would,
and is renamed into place only when no row, file or written application has a problem; every
problem names the list's row and column, or the file. ``write_template`` writes the empty list
(xlsxwriter) with the headers, drop-down lists and a sheet that says how to fill it in.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewer.domain.limits import MAX_TEXT
from reviewer.domain.model import SUPPLEMENTARY, Program
from reviewer.files.attachments import AttachmentError, Extracted, read_attachment, safe_path
from reviewer.files.intake import LIST_SHEET, Entry, read_list, where
from reviewer.files.load import load_paths
from reviewer.files.problems import Problem
from reviewer.files.toml import toml_string
from reviewer.workspace.errors import WorkspaceError

#: The most files one application's folder may hold.
MAX_FILES_PER_APPLICATION = 100
#: The longest section heading taken from a slide's or page's title.
MAX_HEADING = 200
#: Files in an application's folder that are no submitted file (Office's lock files, the desktop's notes).
_JUNK = re.compile(r"^(\.|~\$)|^(thumbs\.db|desktop\.ini)$", re.IGNORECASE)

#: A progress reporter: told the number of files to read, it returns the step to call after each.
Progress = Callable[[int], Callable[[], None]]


@dataclass(frozen=True)
class IntakeReport:
    """What ``intake`` wrote: the folder, the applications, the attached files, and notes (things
    not taken that are no error: columns not read, folders not in the list, pages without text)."""

    output: Path
    applications: int
    attachments: int
    notes: list[str] = field(default_factory=list)


@dataclass
class _File:
    """One submitted file: its name, the document it is, where it lies, what reading it found."""

    name: str
    document: str
    source: Path
    extracted: Extracted | None = None


@dataclass
class _Application:
    entry: Entry
    files: list[_File]
    narrative: str | None = None
    text: str = ""


class IntakeError(WorkspaceError):
    """The list or the files have problems: nothing was written (the problems, one per line)."""

    def __init__(self, problems: Sequence[Problem | str]):
        lines = [str(p) for p in problems]
        super().__init__(*lines, f"問題が {len(lines)} 件あります。何も書き出していません。")
        self.problems = list(problems)


# ---------------------------------------------------------------------------
# the programs


def load_programs(criteria: Sequence[Path] = ()) -> dict[str, Program]:
    """The shipped criteria and any criteria files given (the same id takes the shipped one's place)."""
    from reviewer.shipped import criteria_dir

    shipped = load_paths([criteria_dir()], only={"criteria"})
    if shipped.problems:
        raise IntakeError(shipped.problems)
    if not criteria:
        return shipped.programs
    given = load_paths(list(criteria), base_programs=shipped.programs, only={"criteria"})
    if given.problems:
        raise IntakeError(given.problems)
    return given.programs


def program_of(programs: dict[str, Program], program_id: str) -> Program:
    if program_id not in programs:
        raise WorkspaceError(f"不明な事業です（{program_id}）。事業 ID: {'、'.join(sorted(programs))}")
    return programs[program_id]


# ---------------------------------------------------------------------------
# documents and files


def document_names(program: Program) -> list[str]:
    """The names a file's name may contain: the required documents and the uncounted supplementary
    ones, longest first (様式10 before 様式1)."""
    el = program.eligibility
    names = [d.name for d in el.required_documents] + (list(el.supplementary.uncounted) if el.supplementary else [])
    return sorted(dict.fromkeys(names), key=lambda n: (-len(n), names.index(n)))


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def document_of(file_name: str, names: Sequence[str]) -> str:
    """The document a file is, by its name (its stem, NFKC: a Mac's decomposed kana and full-width
    digits match too): the longest document name it contains, else 補足資料."""
    stem = _folded(Path(file_name).stem)
    return next((n for n in names if _folded(n) in stem), SUPPLEMENTARY)


def narrative_document(program: Program) -> str | None:
    return next((d.name for d in program.eligibility.required_documents if d.narrative), None)


def _folder_files(files_dir: Path, entry: Entry, names: Sequence[str], list_path: str) -> tuple[list[_File], list[Problem]]:
    """The files of one application's folder (``FILES/<申請ID>/``), each with its document."""
    folder = files_dir / entry.id
    if folder.is_symlink():
        return [], [Problem(str(folder), None, "", "シンボリックリンクのフォルダは読みません")]
    if not folder.is_dir():
        return [], []
    out: list[_File] = []
    problems: list[Problem] = []
    try:
        children = sorted(folder.iterdir(), key=lambda c: c.name)
    except OSError as e:
        return [], [Problem(str(folder), None, "", f"フォルダを読めません（{e.strerror or e}）")]
    for child in children:
        if _JUNK.search(child.name):
            continue
        if child.is_dir() and not child.is_symlink():
            problems.append(Problem(str(child), None, "",
                                    f"フォルダの中のフォルダは読みません（ファイルは {folder} の直下に置いてください）"))
            continue
        out.append(_File(child.name, document_of(child.name, names), child))
    if len(out) > MAX_FILES_PER_APPLICATION:
        problems.append(Problem(str(folder), None, "",
                                f"ファイルが多すぎます（{len(out)} 件、上限 {MAX_FILES_PER_APPLICATION} 件）"))
    return out, problems


def _file_problems(app: _Application, program: Program, list_path: str, files_dir: Path) -> list[Problem]:
    """The narrative document present once (the row is named where it is missing)."""
    narrative = narrative_document(program)
    if narrative is None:
        return []
    found = [f for f in app.files if f.document == narrative]
    if not found:
        folder = files_dir / app.entry.id
        where_ = (f"フォルダ {folder} がありません" if not folder.is_dir()
                  else f"{folder} に名前に「{narrative}」を含むファイルがありません")
        return [Problem(list_path, None, where(app.entry.row, "申請ID"),
                        f"申請 {app.entry.id} の{narrative}がありません（{where_}）")]
    if len(found) > 1:
        both = "、".join(str(f.source) for f in found)
        return [Problem(str(found[1].source), None, "", f"{narrative}のファイルが複数あります（{both}）。1つにしてください")]
    return []


def _read_files(apps: list[_Application], files_dir: Path, progress: Progress | None) -> list[Problem]:
    """Read every file (a progress step after each); a file that cannot be read is a problem at its path."""
    total = sum(len(a.files) for a in apps)
    step = progress(total) if progress else (lambda: None)
    problems: list[Problem] = []
    for app in apps:
        for f in app.files:
            try:
                f.extracted = read_attachment(files_dir, f"{app.entry.id}/{f.name}")
            except AttachmentError as e:
                problems.append(Problem(str(f.source), None, "", e.message))
            except OSError as e:
                problems.append(Problem(str(f.source), None, "", f"読み込めません（{e.strerror or e}）"))
            step()
    return problems


# ---------------------------------------------------------------------------
# an application → TOML


def sections_of(extracted: Extracted, document: str) -> list[tuple[str, str]]:
    """(heading, body) for each slide or page with text: the page's title, else 「応募様式 3ページ」."""
    out: list[tuple[str, str]] = []
    for page in extracted.pages:
        body = page.text.strip()
        if not body:
            continue
        heading = " ".join(page.title.split())[:MAX_HEADING] or f"{document} {page.number}ページ"
        if len(body) > MAX_TEXT:
            body = body[: MAX_TEXT - 10].rstrip() + "\n（以下略）"
        out.append((heading, body))
    return out


def _string(text: str) -> str:
    """``toml_string`` of text that may hold a lone surrogate (a broken file's text): it becomes U+FFFD."""
    return toml_string(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


def _multiline(text: str) -> str:
    """A TOML multi-line basic string: each line escaped as a basic string's content."""
    return '"""\n' + "\n".join(_string(line)[1:-1] for line in text.split("\n")) + '"""'


def _line(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return f"{key} = {'true' if value else 'false'}"
    if isinstance(value, int) and key.endswith("_yen"):
        return f"{key} = {value:_}"
    if isinstance(value, (int, float)):
        return f"{key} = {value!r}"
    if isinstance(value, list):
        return f"{key} = [{', '.join(_string(v) if isinstance(v, str) else repr(v) for v in value)}]"
    return f"{key} = {_string(str(value))}"


def application_doc(app: _Application, program: Program) -> dict[str, Any]:
    """The application file's content (as ``reviewer.domain.model.Application`` reads it)."""
    e = app.entry
    doc: dict[str, Any] = {"id": e.id, "program": program.id, "title": e.title}
    if e.track is not None:
        doc["track"] = e.track
    if e.model is not None:
        doc["model"] = e.model
    applicant: dict[str, Any] = {"name": e.applicant, "type": e.type}
    if e.lg_code is not None:
        applicant["lg_code"] = e.lg_code
    applicant["prefecture"] = e.prefecture
    if e.governance is not None:
        applicant["governance"] = e.governance
    if e.related_lg_codes:
        applicant["related_lg_codes"] = e.related_lg_codes
    doc["applicant"] = applicant
    if e.consortium:
        doc["consortium"] = [{"name": name, "type": kind, **({"lg_code": code} if code else {})}
                             for name, kind, code in e.consortium]
    budget: dict[str, Any] = {"total_cost_yen": e.total_cost_yen}
    if e.overhead_yen is not None:
        budget["overhead_yen"] = e.overhead_yen
    budget["requested_subsidy_yen"] = e.requested_subsidy_yen
    doc["budget"] = budget
    if e.area is not None:
        doc["area"] = {"prefecture": e.area}
    doc["declarations"] = _declarations(app, program)
    narrative = narrative_document(program)
    doc["sections"] = [{"heading": h, "body": b} for f in app.files if f.document == narrative and f.extracted
                       for h, b in sections_of(f.extracted, f.document)]
    doc["attachments"] = [{"document": f.document, "path": f"{e.id}/{f.name}"} for f in app.files]
    return doc


def _declarations(app: _Application, program: Program) -> dict[str, Any]:
    e = app.entry
    out: dict[str, Any] = {}
    for key in ("mynumber_card_rate", "prior_support_years", "plan_this_year", "attend_workshops"):
        value = getattr(e, key)
        if value is not None:
            out[key] = value
    order = [d.name for d in program.eligibility.required_documents] + [SUPPLEMENTARY]
    attached = {f.document for f in app.files}
    out["documents"] = [n for n in order if n in attached] + sorted(attached - set(order))
    return out


def application_toml(doc: dict[str, Any], origin: str = "") -> str:
    """The TOML text of an application document (top-level values, tables, arrays of tables),
    after a comment that says where it came from."""
    lines = [f"# {_string(origin)[1:-1]}"] if origin else []
    lines += [_line(k, v) for k, v in doc.items() if not isinstance(v, (dict, list))]
    for key in ("applicant", "budget", "area", "declarations"):
        if key in doc:
            lines += ["", f"[{key}]"] + [_line(k, v) for k, v in doc[key].items()]
    for member in doc.get("consortium", []):
        lines += ["", "[[consortium]]"] + [_line(k, v) for k, v in member.items()]
    for section in doc.get("sections", []):
        lines += ["", "[[sections]]", _line("heading", section["heading"]), f"body = {_multiline(section['body'])}"]
    for att in doc.get("attachments", []):
        lines += ["", "[[attachments]]", _line("document", att["document"]), _line("path", att["path"])]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# the use case


def intake(program_id: str, list_path: Path, files_dir: Path, output: Path, criteria: Sequence[Path] = (),
           progress: Progress | None = None) -> IntakeReport:
    """Make the application files of ``program_id`` from the office's list and the files folder
    into ``output`` (which must not exist or be empty): all or nothing (``IntakeError``)."""
    list_path, files_dir, output = Path(list_path), Path(files_dir), Path(output)
    program = program_of(load_programs(criteria), program_id)
    problems = _place_problems(list_path, files_dir, output)
    if problems:
        raise IntakeError(problems)
    found = read_list(list_path, program)
    problems, notes = list(found.problems), [f"列「{c}」は読みません（この一覧の列ではありません）" for c in found.ignored]
    if not found.entries and not problems:
        problems.append(Problem(str(list_path), None, "", "申請の行がありません"))
    names, lp = document_names(program), str(list_path)
    apps: list[_Application] = []
    for entry in found.entries:
        files, found_problems = _folder_files(files_dir, entry, names, lp)
        app = _Application(entry, files, narrative_document(program))
        problems += found_problems + _file_problems(app, program, lp, files_dir)
        apps.append(app)
    notes += _stray_folders(files_dir, {a.entry.id for a in apps}, found.entries, found.problems)
    problems += _read_files(apps, files_dir, progress)
    if problems:
        raise IntakeError(problems)
    for app in apps:
        origin = f"reviewer intake で作成: 申請一覧 {list_path.name} の {app.entry.row}行目と {files_dir / app.entry.id}"
        app.text = application_toml(application_doc(app, program), origin)
        notes += _textless(app, program)
    programs = {program.id: program}
    _write(output, apps, programs, lp)
    return IntakeReport(output, len(apps), sum(len(a.files) for a in apps), notes)


def _place_problems(list_path: Path, files_dir: Path, output: Path) -> list[Problem]:
    out: list[Problem] = []
    if not list_path.is_file():
        out.append(Problem(str(list_path), None, "", "一覧のファイルが見つかりません"))
    if not files_dir.is_dir():
        out.append(Problem(str(files_dir), None, "", "提出ファイルのフォルダが見つかりません"))
    if output.exists() or output.is_symlink():
        if not output.is_dir() or output.is_symlink() or any(output.iterdir()):
            out.append(Problem(str(output), None, "", "書き出し先は、まだないフォルダか空のフォルダを指定してください"
                                                      "（空でないフォルダかファイルがあります）"))
    return out


def _stray_folders(files_dir: Path, ids: set[str], entries: Sequence[Entry], problems: Sequence[Problem]) -> list[str]:
    """Folders of the files folder that no row names (said, not refused, where the list is clean)."""
    if problems:
        return []
    try:
        children = sorted(files_dir.iterdir())
    except OSError:
        return []
    return [f"フォルダ {child} は一覧のどの申請IDでもありません（読みません）"
            for child in children if child.is_dir() and child.name not in ids]


def _textless(app: _Application, program: Program) -> list[str]:
    """Notes on what the automatic checks will find: a narrative without text, a required document not attached."""
    narrative = narrative_document(program)
    out = [f"{f.source}: 文字のあるページがありません（本文の節は作りません）"
           for f in app.files if f.document == narrative and f.extracted and not sections_of(f.extracted, f.document)]
    attached = {f.document for f in app.files}
    missing = [d.name for d in program.eligibility.required_documents if d.name not in attached
               and (d.applicant_types is None or app.entry.type in d.applicant_types)]
    if missing:
        out.append(f"申請 {app.entry.id}（{app.entry.row}行目）に {'・'.join(missing)} のファイルがありません"
                   "（自動審査の「提出書類」で不足になります）")
    return out


def _write(output: Path, apps: list[_Application], programs: dict[str, Program], list_path: str) -> None:
    """Write everything into a new folder beside ``output``, load it back, and rename it into place."""
    made = [p for p in reversed(output.parents) if not p.exists()]
    tmp: Path | None = None
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.parent / f".{output.name}.intake-{secrets.token_hex(6)}"
        tmp.mkdir()
        problems = [p for app in apps for p in _write_one(tmp, app)]
        if not problems:
            problems = _validate(tmp, output, apps, programs, list_path)
        if problems:
            raise IntakeError(problems)
        if output.is_dir():
            output.rmdir()  # empty: checked before anything was read, and refused here otherwise
        os.rename(tmp, output)
        tmp = None
    except OSError as e:
        raise IntakeError([Problem(str(output), None, "", f"書き込めません（{e.strerror or e}）")]) from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            for p in reversed(made):
                try:
                    p.rmdir()
                except OSError:
                    pass


def _write_one(tmp: Path, app: _Application) -> list[Problem]:
    """The application's file and its copied files; a file that changed while it was read is a problem."""
    (tmp / f"{app.entry.id}.toml").write_text(app.text, encoding="utf-8")
    if not app.files:
        return []
    folder = tmp / app.entry.id
    folder.mkdir()
    out: list[Problem] = []
    for f in app.files:
        digest = hashlib.sha256()
        with open(f.source, "rb") as src, open(folder / f.name, "xb") as dst:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                dst.write(chunk)
        if f.extracted is not None and digest.hexdigest() != f.extracted.sha256:
            out.append(Problem(str(f.source), None, "", "読み込んでいる間にファイルが変わりました。もう一度実行してください"))
    return out


#: Where a field of a written application comes from: the list's column.
FIELD_COLUMNS: dict[str, str] = {
    "id": "申請ID", "program": "申請ID", "title": "件名", "track": "要件", "model": "分野別モデル",
    "applicant": "種別・団体コード・都道府県", "applicant.name": "申請者", "applicant.type": "種別",
    "applicant.lg_code": "団体コード", "applicant.prefecture": "都道府県",
    "budget": "事業費総額・一般管理費・補助金申請額", "budget.total_cost_yen": "事業費総額", "budget.overhead_yen": "一般管理費",
    "budget.requested_subsidy_yen": "補助金申請額", "area": "実施地域の都道府県", "area.prefecture": "実施地域の都道府県",
    "declarations.mynumber_card_rate": "マイナンバーカード交付率", "declarations.prior_support_years": "過去の支援年度",
    "declarations.plan_this_year": "計画策定の意向", "declarations.attend_workshops": "研修会への参加",
    "consortium": "構成員", "applicant.governance": "ガバナンスの形態", "applicant.related_lg_codes": "ガバナンス先の団体コード",
}


def _validate(tmp: Path, output: Path, apps: list[_Application], programs: dict[str, Program],
              list_path: str) -> list[Problem]:
    """The written folder loaded back as ``reviewer validate`` loads it; each problem told at the
    list's row and column, or at the submitted file it came from."""
    by_id = {a.entry.id: a for a in apps}
    read = {f"{a.entry.id}/{f.name}": f.extracted for a in apps for f in a.files if f.extracted is not None}

    def reader(base: Path, rel: str) -> Extracted:
        """The files were read once already and each copy checked by its hash: read again only
        what was not (the path still checked as any attachment's)."""
        safe_path(base, rel)
        known = read.get(rel)
        return known if known is not None else read_attachment(base, rel)

    bundle = load_paths([tmp], base_programs=programs, reader=reader)
    out: list[Problem] = []
    for p in bundle.problems:
        rel = Path(p.path).relative_to(tmp) if Path(p.path).is_relative_to(tmp) else None
        app = by_id.get(rel.parts[0] if len(rel.parts) > 1 else rel.stem) if rel else None
        if app is None:
            out.append(Problem(p.path.replace(str(tmp), str(output)), p.line, p.field, p.message))
            continue
        out.append(_located(p, app, list_path))
    return out


def _located(p: Problem, app: _Application, list_path: str) -> Problem:
    """A problem of a written application at the row (and column) or the file it came from."""
    key = re.sub(r"\[\d+\]", "", p.field)
    m = re.match(r"attachments\[(\d+)\]", p.field)
    if m and int(m.group(1)) < len(app.files):
        return Problem(str(app.files[int(m.group(1))].source), None, "", p.message)
    if key.startswith("sections"):
        narrative = [f for f in app.files if f.document == app.narrative]
        source = str(narrative[0].source) if narrative else list_path
        return Problem(source, None, "", f"本文（節）: {p.message}")
    column = FIELD_COLUMNS.get(key) or FIELD_COLUMNS.get(key.split(".")[0]) or p.field
    return Problem(list_path, None, where(app.entry.row, column), p.message)


# ---------------------------------------------------------------------------
# the template (``reviewer intake-template``)

#: Data rows the template's drop-down lists and formats cover.
TEMPLATE_ROWS = 1000
CHOICES_SHEET = "選択肢"
HOW_SHEET = "記入方法"


def template_columns(program: Program) -> list[str]:
    """The list's columns for ``program``: those it does not use left out (要件 and 分野別モデル
    without tracks and models; the declarations only where required; the card rate only where an
    automatic bonus reads it; the years of prior support only where some exclude)."""
    from reviewer.files.intake import COLUMNS

    declared = {d.key for d in program.eligibility.required_declarations}
    unused = set()
    if not program.tracks:
        unused.add("要件")
    if not program.model_numbers:
        unused.add("分野別モデル")
    if "plan_this_year" not in declared:
        unused.add("計画策定の意向")
    if "attend_workshops" not in declared:
        unused.add("研修会への参加")
    if not any(c.kind == "auto" and c.source == "mynumber_card_rate" for c in program.criteria):
        unused.add("マイナンバーカード交付率")
    if not program.eligibility.excluded_prior_support_years:
        unused.add("過去の支援年度")
    if not program.eligibility.corporation_governance:
        unused.update(("ガバナンスの形態", "ガバナンス先の団体コード"))
    return [c for c in COLUMNS if c not in unused]


def template_choices(program: Program) -> dict[str, list[str]]:
    """The drop-down list of each column that has one."""
    from reviewer.domain.regions import PREFECTURES
    from reviewer.domain.vocabulary import GOVERNANCE_LABELS
    from reviewer.files.intake import TYPE_SHORT, model_choice

    out = {
        "種別": [TYPE_SHORT[t] for t in program.eligibility.applicant_types],
        "都道府県": list(PREFECTURES),
        "実施地域の都道府県": list(PREFECTURES),
        "計画策定の意向": ["はい", "いいえ"],
        "研修会への参加": ["はい", "いいえ"],
    }
    if program.eligibility.corporation_governance:
        out["ガバナンスの形態"] = [GOVERNANCE_LABELS[g] for g in program.eligibility.corporation_governance]
    if program.tracks:
        out["要件"] = [t.id for t in program.tracks]
    if program.model_numbers:
        out["分野別モデル"] = [model_choice(n, m.name) for n, (_, m) in sorted(program.model_numbers.items())]
    return out


def write_template(program_id: str, output: Path, criteria: Sequence[Path] = ()) -> Path:
    """Write the empty list of ``program_id`` (xlsx) to ``output``, whole or not at all."""
    import io

    import xlsxwriter

    program = program_of(load_programs(criteria), program_id)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    book.set_properties({"title": f"{program.name} 申請一覧", "subject": "reviewer intake の申請一覧"})
    columns = template_columns(program)
    lists = template_choices(program)
    choices = {c: lists[c] for c in columns if c in lists}
    _list_sheet(book, program, columns, choices)
    _how_sheet(book, program, columns)
    _choices_sheet(book, program, columns, choices)
    book.close()
    output = Path(output)
    tmp = output.parent / f".{output.name}.{secrets.token_hex(6)}.tmp"
    try:
        with open(tmp, "xb") as f:
            f.write(buffer.getvalue())
        os.replace(tmp, output)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(f"{output}: 書き込めません（{e.strerror or e}）") from None
    return output


def _cells(text: str) -> float:
    """A column's width for ``text`` (Japanese characters take two)."""
    from reviewer.present.text import width

    return max(width(line) for line in text.split("\n")) * 1.1 + 2


#: Each column's format and width: text (IDs and codes keep their leading zeros), yen, a rate.
_KIND = {"申請ID": "text", "団体コード": "text", "事業費総額": "yen", "一般管理費": "yen", "補助金申請額": "yen",
         "マイナンバーカード交付率": "rate", "件名": "wide", "申請者": "mid"}


def _list_sheet(book: Any, program: Program, columns: list[str], choices: dict[str, list[str]]) -> None:
    sheet = book.add_worksheet(LIST_SHEET)
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    formats = {"text": book.add_format({"num_format": "@"}), "yen": book.add_format({"num_format": "#,##0"}),
               "rate": book.add_format({"num_format": "0.0%"})}
    sheet.write_string(0, 0, f"{program.name} 申請一覧（事業 ID: {program.id}）", title)
    widths = {"wide": 40.0, "mid": 20.0, "yen": 16.0, "text": 12.0}
    for col, name in enumerate(columns):
        kind = _KIND.get(name, "")
        sheet.write_string(1, col, name, head)
        longest = max([_cells(name)] + [_cells(v) for v in choices.get(name, [])])
        sheet.set_column(col, col, max(longest, widths.get(kind, 0.0)), formats.get(kind))
        _validation(sheet, col, name, choices, kind)
    sheet.freeze_panes(2, 1)
    sheet.set_row(1, 30)


def _validation(sheet: Any, col: int, name: str, choices: dict[str, list[str]], kind: str) -> None:
    """The drop-down list (or the number's range) of one column over the template's rows."""
    first, last = 2, 1 + TEMPLATE_ROWS
    if name in choices:
        letter = _letter(list(choices).index(name))
        ref = f"='{CHOICES_SHEET}'!${letter}$2:${letter}${1 + len(choices[name])}"
        sheet.data_validation(first, col, last, col, {
            "validate": "list", "source": ref, "error_type": "warning", "error_title": f"{name}の値",
            "error_message": f"一覧（シート「{CHOICES_SHEET}」）から選んでください。"})
    elif kind == "yen":
        sheet.data_validation(first, col, last, col, {
            "validate": "integer", "criteria": ">=", "value": 0, "error_title": f"{name}の値",
            "error_message": "金額は 0 以上の整数（円）で入力してください。"})
    elif kind == "rate":
        sheet.data_validation(first, col, last, col, {
            "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1, "error_title": f"{name}の値",
            "error_message": "交付率は 0%〜100% で入力してください（例: 78.1%）。"})


def _letter(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return str(xl_col_to_name(index))


def _choices_sheet(book: Any, program: Program, columns: list[str], choices: dict[str, list[str]]) -> None:
    """The lists the drop-downs take their values from, one column each (in the list's order)."""
    sheet = book.add_worksheet(CHOICES_SHEET)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    for col, name in enumerate(choices):
        sheet.write_string(0, col, name, head)
        for row, value in enumerate(choices[name], start=1):
            sheet.write_string(row, col, value)
        sheet.set_column(col, col, max([_cells(name)] + [_cells(v) for v in choices[name]]))


def column_notes(program: Program) -> dict[str, tuple[str, str]]:
    """(required?, how to fill it in) of each column, in Japanese, for ``program``."""
    from reviewer.domain.vocabulary import GOVERNANCE_LABELS
    from reviewer.files.intake import TYPE_SHORT

    money = program.gives_money
    amount = ("必須", "円単位の整数（「12,000,000」のようなカンマ区切りも可）") if money else \
        ("任意", "この事業は補助金を交付しないため、0 か空欄")
    tracks = "・".join(f"{t.id}（{t.name}）" for t in program.tracks)
    numbers = program.model_numbers
    models = f"番号（{min(numbers)}〜{max(numbers)}、①〜⑫ も可）か、一覧の「{model_choice_example(program)}」の形" \
        if numbers else ""
    types = "・".join(TYPE_SHORT[t] for t in program.eligibility.applicant_types)
    yes_no = ("必須", "「はい」か「いいえ」（○・×、TRUE・FALSE、1・0 も可）")
    return {
        "申請ID": ("必須", "半角英数字・ハイフン・下線（64文字以内、例: SC-0001）。一覧の中で重複しないこと。"
                           "提出ファイルのフォルダ名です"),
        "件名": ("必須", "提案の件名"),
        "申請者": ("必須", "申請団体の名称（例: 前橋市、株式会社〇〇）"),
        "種別": ("必須", f"一覧から選ぶ（この事業の応募主体: {types}）。prefecture・city などの英語のコードも可"),
        "団体コード": ("法人以外は必須", "全国地方公共団体コード6桁（検査数字を含む。例: 102016）。"
                                      "上2桁は都道府県のコード。法人は空欄"),
        "都道府県": ("必須", "申請者の所在地の都道府県（一覧から。「東京都」「大阪府」のように正式名）"),
        "要件": ("必須", f"要件の ID: {tracks}"),
        "分野別モデル": ("必須", models),
        "事業費総額": amount,
        "一般管理費": ("任意", "円単位の整数。空欄は 0"),
        "補助金申請額": amount,
        "実施地域の都道府県": ("任意", "主な実施地域の都道府県（申請者の所在地と異なるとき。総合通信局はこちらで決まります）"),
        "マイナンバーカード交付率": ("任意", "0〜1 の数か「78.1%」の形（自動加点に使います）"),
        "過去の支援年度": ("任意", "支援を受けた年度を西暦で（複数は「2018、2019」）。なければ空欄"),
        "計画策定の意向": yes_no,
        "研修会への参加": yes_no,
        "構成員": ("任意", "コンソーシアム・共同申請の構成員。地方公共団体は「名称（団体コード）」（例: 高松市（372013））か"
                          "団体コードだけ、法人は名称だけ。複数は「、」か改行で区切る"),
        "ガバナンスの形態": ("法人は記入", "関連する都道府県又は市区町村との間のガバナンス（一覧から: "
                                       + "・".join(GOVERNANCE_LABELS.values()) + "）。法人以外は空欄。"
                                       "空欄の法人は自動審査（連携体制）で不適合になります"),
        "ガバナンス先の団体コード": ("法人は記入", "ガバナンスを確立した都道府県又は市区町村の団体コード6桁"
                                               "（事業の実施地域の団体か構成員。複数は「、」で区切る）。法人以外は空欄"),
    }


def model_choice_example(program: Program) -> str:
    from reviewer.files.intake import model_choice

    number, (_, m) = min(program.model_numbers.items())
    return model_choice(number, m.name)


def _how_sheet(book: Any, program: Program, columns: list[str]) -> None:
    """「記入方法」: each column, then the files folder's layout and the commands."""
    sheet = book.add_worksheet(HOW_SHEET)
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, f"{program.name} 申請一覧の記入方法", title)
    sheet.write_string(1, 0, f"シート「{LIST_SHEET}」の3行目から、1行に1件の申請を書きます。見出しの行は変えないでください"
                             "（列の順番は自由。任意の列は削除しても構いません）。")
    for col, name in enumerate(("列", "必須・任意", "書き方")):
        sheet.write_string(3, col, name, head)
    notes = column_notes(program)
    row = 4
    for name in columns:
        need, how = notes[name]
        sheet.write_string(row, 0, name, bold)
        sheet.write_string(row, 1, need)
        sheet.write_string(row, 2, how, wrap)
        row += 1
    row += 1
    for line in _files_lines(program):
        sheet.write_string(row, 0, line, bold if line.startswith("■") else None)
        row += 1
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 100)


def _files_lines(program: Program) -> list[str]:
    """The files folder's layout and the commands, a line each."""
    from reviewer.domain.vocabulary import FORMAT_LABELS

    el = program.eligibility
    narrative = narrative_document(program) or ""
    docs = [f"　・{d.name}" + (f"（{d.title}）" if d.title else "")
            + (f" 形式: {'・'.join(FORMAT_LABELS[f] for f in d.formats)}" if d.formats else "") for d in el.required_documents]
    uncounted = el.supplementary.uncounted if el.supplementary else []
    docs += [f"　・{n}（補足資料のうち、ページ数に数えないもの）" for n in uncounted]
    example = [f"{d.name}.{d.formats[0] if d.formats else 'docx'}" for d in el.required_documents][:2]
    return [
        "■ 提出ファイルの置き方",
        "提出ファイルのフォルダ（FILES）の中に、申請IDごとのフォルダを作り、その申請のファイルを直下に置きます:",
        "　FILES/",
        "　　<申請ID>/",
        *[f"　　　{name}" for name in example],
        "　　　補足説明.pdf",
        "ファイル名に次の書類名を含むファイルは、その書類として扱います（含まないファイルは「補足資料」）:",
        *docs,
        (f"「{narrative}」の各スライド・ページの文字が、評価者の読む申請の本文になります（スライドのタイトルが見出し）。"
         f"「{narrative}」のない申請は取り込めません。") if narrative else "",
        "",
        "■ 取り込み",
        f"reviewer intake --program {program.id} --list この一覧.xlsx --files FILES --output applications/{program.id}",
        f"reviewer validate applications/{program.id}",
        "問題があれば、一覧の行と列、またはファイルの場所を示して何も書き出さずに終わります。直して、もう一度実行してください。",
    ]
