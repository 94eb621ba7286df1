"""Balanced automatic assignment of evaluators to applications (``reviewer assign``).

Each application gets N evaluators of its program; loads stay as even as possible (the
least-loaded candidate first, so loads differ by at most one wherever conflicts allow);
conflicts of interest (and declared ones) are never assigned; optionally an evaluator never
reviews an application of their own bureau. Most constrained applications go first, and a
seeded random order breaks every tie, so a given seed always gives the same plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from reviewer.domain.model import Application, Evaluator, Panel


@dataclass
class Plan:
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (application, evaluator), new ones
    kept: list[tuple[str, str]] = field(default_factory=list)   # existing ones with a sheet
    loads: dict[str, int] = field(default_factory=dict)
    shortfalls: list[str] = field(default_factory=list)
    applications: int = 0                                        # of the program


@dataclass
class _Candidates:
    """The evaluators who may review an application, and how many were left out and why."""

    app: Application
    pool: list[Evaluator]
    conflicts: int = 0
    same_bureau: int = 0
    declared: int = 0

    def why(self, evaluators: int) -> str:
        why = [f"評価者 {evaluators} 人"]
        if self.conflicts:
            why.append(f"利害関係で除外 {self.conflicts} 人")
        if self.declared:
            why.append(f"利害関係の申出で除外 {self.declared} 人")
        if self.same_bureau:
            why.append(f"同じ総合通信局（{self.app.bureau}）で除外 {self.same_bureau} 人")
        return "、".join(why)


def _candidates(app: Application, evaluators: list[Evaluator], conflict_sets: dict[str, set[str]],
                excluded: set[tuple[str, str]], avoid_own_bureau: bool) -> _Candidates:
    out = _Candidates(app, [])
    names = app.lg_codes | {app.id}  # what access.conflict compares, computed once an application
    for e in evaluators:
        if conflict_sets[e.id] & names:
            out.conflicts += 1
        elif (app.id, e.id) in excluded:
            out.declared += 1
        elif avoid_own_bureau and e.bureau is not None and e.bureau == app.bureau:
            out.same_bureau += 1
        else:
            out.pool.append(e)
    return out


def plan_assignment(
    apps: list[Application],
    panel: Panel,
    program: str,
    per_application: int,
    seed: int = 0,
    avoid_own_bureau: bool = False,
    keep: set[tuple[str, str]] | None = None,
    excluded: set[tuple[str, str]] | None = None,
) -> Plan:
    """Plan the assignment. ``keep``: pairs that must stay (they have sheets);
    ``excluded``: pairs that must not be made (declared conflicts)."""
    keep = keep or set()
    excluded = excluded or set()
    rng = random.Random(seed)
    evaluators = [e for e in panel.evaluators if e.role == "evaluator" and program in e.programs]
    plan = Plan(loads={e.id: 0 for e in evaluators})
    for a, e in sorted(keep):
        plan.kept.append((a, e))
        plan.loads[e] = plan.loads.get(e, 0) + 1
    if not evaluators:
        plan.shortfalls.append(f"事業 {program} の評価者（role = \"evaluator\"）がいません")
        return plan

    conflict_sets = {e.id: set(e.conflicts) for e in evaluators}
    order = sorted(apps, key=lambda a: a.id)
    rng.shuffle(order)
    tiebreak = {e.id: rng.random() for e in evaluators}
    prepared = [_candidates(app, evaluators, conflict_sets, excluded, avoid_own_bureau) for app in order]
    prepared.sort(key=lambda c: len(c.pool))  # stable: the shuffled order breaks ties
    for c in prepared:
        chosen = {eid for a, eid in keep if a == c.app.id}
        need = per_application - len(chosen)
        pool = [e for e in c.pool if e.id not in chosen]
        pool.sort(key=lambda e: (plan.loads[e.id], tiebreak[e.id]))
        for ev in pool[:max(need, 0)]:
            plan.pairs.append((c.app.id, ev.id))
            plan.loads[ev.id] += 1
        if need > len(pool):
            plan.shortfalls.append(f"申請 {c.app.id}: {per_application} 人を割り当てられず {len(chosen) + len(pool)} 人です"
                                   f"（{c.why(len(evaluators))}）")
    plan.pairs.sort()
    return plan
