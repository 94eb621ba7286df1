"""The second half of a review as use cases (SPEC §6.4, §6.7): the hearing's shortlist, requests
for additional materials and their answers, opinions from others, the decisions, finalizing and
reopening the result. Every one is a chair's (``chair``: the panel id of the chair acting, checked
against the panel), checked here, written by the workspace in one transaction with its audit
entry. The command line and the chair's screen both come through here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.rules import access
from reviewer.workspace import Workspace, WorkspaceError
from reviewer.workspace.records import MaterialRequest, ShortlistEntry

if TYPE_CHECKING:
    from reviewer.scoring import Result

#: The largest file kept as an answer to a request (r2-ai-plan's mail limit is 10 MB).
MAX_ANSWER_BYTES = 10 * 1024 * 1024
#: The longest request, answer, opinion or reason a chair writes.
MAX_CHAIR_TEXT = 20_000

#: The decisions and how they are said.
DECISIONS = {"select": "採択", "reject": "不採択"}


def _chair(ws: Workspace, chair: str, action: str) -> None:
    problem = access.chair_problem(chair, ws.person(chair).role, action)
    if problem:
        raise WorkspaceError(problem)


def _text(value: str, what: str, required: bool = True, limit: int = MAX_CHAIR_TEXT) -> str:
    """A chair's free text: stripped, not empty where required, within ``limit`` characters."""
    text = (value or "").strip()
    if required and not text:
        raise WorkspaceError(f"{what}を書いてください")
    if len(text) > limit:
        raise WorkspaceError(f"{what}が長すぎます（{len(text):,}文字、{limit:,}文字まで）")
    return text


def _application(ws: Workspace, program: str, application: str) -> None:
    ws.program(program)
    if ws.application(program, application) is None:
        raise WorkspaceError(f"申請 {application} は事業 {program} にありません")


# -- the hearing's shortlist ------------------------------------------------------------------


def shortlist(ws: Workspace, program: str, applications: list[str], chair: str, actor: str,
              scheduled: str = "", place: str = "", why: str = "") -> tuple[int, int]:
    """Put ``applications`` on the hearing's shortlist (or change when and where they are heard):
    ``scheduled`` a date and time, ``place`` a room or a URL. Returns (added, changed)."""
    _chair(ws, chair, "ヒアリング対象の選定")
    if not applications:
        raise WorkspaceError("ヒアリングの対象にする申請がありません")
    for aid in applications:
        _application(ws, program, aid)
    at, where = _text(scheduled, "日時", False, 100), _text(place, "場所", False, 500)
    return ws.set_shortlist(program, [(aid, at, where) for aid in dict.fromkeys(applications)], actor,
                            detail=why or None)


def unshortlist(ws: Workspace, program: str, application: str, chair: str, actor: str, reason: str) -> None:
    """Take an application off the shortlist, with a reason."""
    _chair(ws, chair, "ヒアリング対象の取消")
    _application(ws, program, application)
    ws.remove_from_shortlist(program, application, actor, _text(reason, "取り消す理由"))


def around_cut(result: Result, top: int | None = None, boundary: bool = False) -> list[str]:
    """The applications "around the cut line": the first ``top`` of the ranking, or those in the
    boundary zone (their rank interval crosses the line; the result must have been resampled)."""
    if boundary:
        if not result.resamples:
            raise WorkspaceError("境界域を求めるには再標本化が必要です（--resamples を 1 以上にしてください）")
        return [a.id for a in result.boundary]
    if top is None or top < 1:
        raise WorkspaceError("上位の件数は 1 以上で指定してください")
    return [a.id for a in result.ranked[:top]]


def shortlist_of(ws: Workspace, program: str) -> list[ShortlistEntry]:
    ws.program(program)
    return ws.shortlist(program)


# -- additional materials ----------------------------------------------------------------------


def request_materials(ws: Workspace, program: str, application: str, what: str, due: str, chair: str,
                      actor: str) -> int:
    """Record a request for additional materials (what, by when); returns its number."""
    _chair(ws, chair, "追加資料の依頼")
    _application(ws, program, application)
    return ws.add_request(program, application, _text(what, "依頼する資料"), _text(due, "期限", False, 100), actor)


@dataclass(frozen=True)
class Received:
    """A file received in answer to a request."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def received_file(path: Path) -> Received:
    """A received file read whole (at most ``MAX_ANSWER_BYTES``), or WorkspaceError naming it."""
    path = Path(path).expanduser()
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise WorkspaceError(f"{path}: ファイルではありません")
        if size > MAX_ANSWER_BYTES:
            raise WorkspaceError(f"{path}: 大きすぎます（{size:,}バイト、{MAX_ANSWER_BYTES:,}バイトまで）")
        with open(path, "rb") as f:
            data = f.read(MAX_ANSWER_BYTES + 1)
    except OSError as e:
        raise WorkspaceError(f"{path}: 読めません（{e.strerror or e}）") from None
    if len(data) > MAX_ANSWER_BYTES:
        raise WorkspaceError(f"{path}: 大きすぎます（{MAX_ANSWER_BYTES:,}バイトまで）")
    return Received(path.name, data)


def answer_request(ws: Workspace, program: str, request_id: int, chair: str, actor: str, text: str = "",
                   file: Received | None = None) -> MaterialRequest:
    """Mark a request answered with the text received and/or the file received."""
    _chair(ws, chair, "追加資料の受領")
    ws.program(program)
    body = _text(text, "回答", required=file is None)
    return ws.answer_request(program, request_id, actor, body or None,
                             None if file is None else (file.name, file.data, file.sha256))


def requests_of(ws: Workspace, program: str, open_only: bool = False) -> list[MaterialRequest]:
    ws.program(program)
    return ws.requests(program, open_only=open_only)


# -- opinions ------------------------------------------------------------------------------


def record_opinion(ws: Workspace, program: str, application: str, source: str, text: str, chair: str,
                   actor: str, given_on: str = "") -> int:
    """Record an opinion on an application from others (who gave it, the text, when)."""
    _chair(ws, chair, "意見の記録")
    _application(ws, program, application)
    return ws.add_opinion(program, application, _text(source, "意見を述べた者（総合通信局等、支援実施事業者など）", limit=200),
                          _text(text, "意見"), _text(given_on, "日付", False, 100), actor)


# -- decisions and the result --------------------------------------------------------------------


def decide(ws: Workspace, program: str, application: str, decision: str | None, reason: str, chair: str,
           actor: str) -> None:
    """Record the decision on an application ("select" or "reject", always with a reason), or
    withdraw it (``decision`` None; the reason says why)."""
    _chair(ws, chair, "採否の決定")
    _application(ws, program, application)
    if decision is not None and decision not in DECISIONS:
        raise WorkspaceError(f"決定は {' か '.join(DECISIONS)} です（{decision!r}）")
    ws.decide(program, application, decision, _text(reason, "決定の理由"), actor)


def finalize(ws: Workspace, program: str, chair: str, actor: str, result: Result, drafts_ok: bool = False) -> None:
    """Finalize the program's result: the final list of ``result`` (scored just now) is kept,
    and every write to its sheets, shortlist, requests and decisions is refused from now on.
    Refused while sheets are still drafts (they would never count), unless ``drafts_ok``."""
    _chair(ws, chair, "評価結果の確定")
    if ws.finalized(program):
        raise WorkspaceError(f"事業 {program} の評価結果はすでに確定しています")
    drafts = ws.sheets(program=program, status="draft", stage=None)
    if drafts and not drafts_ok:
        raise WorkspaceError(f"事業 {program} には下書きの採点票が {len(drafts)} 件あります"
                             "（下書きは集計に入りません）。提出を待つか、下書きのまま確定するなら"
                             " --ignore-drafts を付けてください")
    final = json.dumps(result.to_json(), ensure_ascii=False)
    ws.finalize(program, final, actor, detail=f"method={result.method} budget={result.budget_yen}"
                f" selection={result.selection} final={result.final.count if result.final else 0}")


def reopen_result(ws: Workspace, program: str, chair: str, actor: str, reason: str) -> None:
    """Reopen a finalized result, with a reason."""
    _chair(ws, chair, "確定の解除")
    ws.program(program)
    ws.reopen_result(program, _text(reason, "確定を解除する理由"), actor)
