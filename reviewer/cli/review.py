"""The second half of a review on the command line (SPEC §6.4, §6.7): shortlist, additional
materials, opinions, decisions, finalize and reopen the result. Each is a chair's (``--chair``)
and goes through ``reviewer.services.review``; the wording of what they print is
``reviewer.present.review``'s."""

from __future__ import annotations

import argparse

from reviewer.cli.commands import actor, known_ids, open_workspace
from reviewer.present.text import json_text


def _who(args: argparse.Namespace) -> str:
    return f"{args.chair} ({actor()})"


def cmd_shortlist(args: argparse.Namespace) -> int:
    from reviewer.present import review as words
    from reviewer.services import review
    from reviewer.services.results import score_workspace

    with open_workspace(args) as ws:
        if args.remove:
            review.unshortlist(ws, args.program, args.remove, args.chair, _who(args), args.reason or "")
            print(words.removed(args.program, args.remove))
            return 0
        chosen = list(args.add)
        why = ""
        if args.top is not None or args.boundary:
            result = score_workspace(ws, args.program, method=args.method, resamples=args.resamples if args.boundary
                                     else 0, seed=args.seed)
            chosen += review.around_cut(result, top=args.top, boundary=args.boundary)
            why = words.around_why(args.top, args.boundary, args.method)
        if chosen or args.at or args.place:
            if args.chair is None:
                raise review.WorkspaceError("ヒアリング対象を選ぶには --chair（委員長の評価者 ID）が必要です")
            added, changed = review.shortlist(ws, args.program, chosen, args.chair, _who(args), args.at or "",
                                              args.place or "", why)
            print(words.shortlisted(args.program, added, changed))
        entries = review.shortlist_of(ws, args.program)
        if args.json:
            print(json_text([e._asdict() for e in entries], indent=2))
        else:
            print(words.shortlist_text(entries, ws.program(args.program), ws.applications(args.program, sections=False)))
    return 0


def cmd_request(args: argparse.Namespace) -> int:
    from reviewer.present import review as words
    from reviewer.services import review

    with open_workspace(args) as ws:
        if args.answer is not None:
            received = review.received_file(args.file) if args.file else None
            done = review.answer_request(ws, args.program, args.answer, args.chair, _who(args), args.text or "", received)
            print(words.answered(done))
            return 0
        if not args.application or not args.what:
            raise review.WorkspaceError("依頼には --application と --what が必要です（回答の記録は --answer 番号）")
        number = review.request_materials(ws, args.program, args.application, args.what, args.due or "", args.chair,
                                          _who(args))
        print(words.requested(number, args.program, args.application))
    return 0


def cmd_requests(args: argparse.Namespace) -> int:
    from reviewer.present import review as words
    from reviewer.services import review

    with open_workspace(args) as ws:
        found = review.requests_of(ws, args.program, open_only=args.open)
        if args.json:
            print(json_text([r._asdict() for r in found], indent=2))
        else:
            print(words.requests_text(found, open_only=args.open))
    return 0


def cmd_opinion(args: argparse.Namespace) -> int:
    from reviewer.present import review as words
    from reviewer.services import review

    with open_workspace(args) as ws:
        if args.text is None:
            known_ids(ws, args.program, args.application)  # an unknown id is told, not an empty list
            found = ws.opinions(ws.program(args.program).id, args.application)
            if args.json:
                print(json_text([o._asdict() for o in found], indent=2))
            else:
                print(words.opinions_text(found))
            return 0
        if not args.application or not args.source or args.chair is None:
            raise review.WorkspaceError("意見の記録には --application、--source、--chair が必要です")
        number = review.record_opinion(ws, args.program, args.application, args.source, args.text, args.chair,
                                       _who(args), args.date or "")
        print(words.opinion_recorded(number, args.program, args.application))
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from reviewer.present import review as words
    from reviewer.services import review

    decision = "select" if args.select else "reject" if args.reject else None
    with open_workspace(args) as ws:
        review.decide(ws, args.program, args.application, decision, args.reason, args.chair, _who(args))
    print(words.decided(args.program, args.application, decision))
    return 0


def cmd_decisions(args: argparse.Namespace) -> int:
    from reviewer.present import review as words
    from reviewer.services.results import score_workspace

    with open_workspace(args) as ws:
        result = score_workspace(ws, args.program, method=args.method, budget_yen=args.budget,
                                 selection=args.selection)
        opinions = ws.opinions(args.program)
    if args.json:
        final = result.final.to_json() if result.final else {}
        decided = [a.to_json() for a in result.applications if a.decision is not None]
        print(json_text({"program": args.program, "finalized": result.finalized, "final": final,
                         "decisions": decided}, indent=2))
    else:
        print(words.final_text(result, opinions))
    return 0


def cmd_finalize(args: argparse.Namespace) -> int:
    from reviewer.present import review as words
    from reviewer.services import review
    from reviewer.services.results import score_workspace

    with open_workspace(args) as ws:
        result = score_workspace(ws, args.program, method=args.method, budget_yen=args.budget, selection=args.selection)
        review.finalize(ws, args.program, args.chair, _who(args), result, drafts_ok=args.ignore_drafts)
    print(words.finalized(result))
    return 0


def cmd_reopen_result(args: argparse.Namespace) -> int:
    from reviewer.present import review as words
    from reviewer.services import review

    with open_workspace(args) as ws:
        review.reopen_result(ws, args.program, args.chair, _who(args), args.reason)
    print(words.result_reopened(args.program))
    return 0
