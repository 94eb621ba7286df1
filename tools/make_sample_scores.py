"""Regenerate sample_applications/scores/*.toml: one score file per evaluator and program.

Scores come from a fixed latent quality per application, each evaluator's severity and a
deterministic noise, so that a demo shows a full ranking with harsh and lenient evaluators,
a must failure, a must tie, and disagreement. Run from the project root:

    python tools/make_sample_scores.py

Must verdicts are "pass" unless a rule below makes them "fail":

- ``MUST_FAILS`` lists deliberate failures by (evaluator, application), e.g. IOT-0025's M3.
- r2-iot's M4 (官民データ活用推進計画の策定状況, applying only to 市町村) follows each
  application's declared ``declarations.data_utilization_plan``, never its narrative, so the
  same declared answer gets the same marks in every application (``m4_verdict``):
  策定済 → pass by every evaluator; 策定中 → pass by every evaluator (the status is shown and
  the plan is on its way, as the criterion asks); 未策定 (or not declared) → fail by the
  evaluators in ``STRICT_M4`` (e01, e02) and pass by the others. With four evaluators that is
  a 2-of-4 tie, which fails (the deliberate must tie of IOT-0006, and of every other
  application declaring 未策定); a narrative saying 「今後策定」 changes nothing.

Every application of a program is scored by each evaluator assigned to it (panel.toml: without
``[[assignments]]``, every evaluator of the program but for conflicts), so new samples, such as
the r2-ai-plan applications AIP-0023 onwards (e05–e07), get sheets without listing them here;
``STRONG`` and ``WEAK`` only move some of them up or down. Only the ``DRAFTS`` stay unsubmitted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from reviewer.files.load import load_paths
from reviewer.rules.access import panel_assignment_problem

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_applications" / "scores"

STRONG = {"IOT-0001", "IOT-0007", "IOT-0013", "IOT-0017", "IOT-0023", "IOT-0027",
          "AIP-0001", "AIP-0003", "AIP-0007", "AIP-0011", "AIP-0015",
          "AIP-0023", "AIP-0032", "AIP-0040", "AIP-0048", "AIP-0056", "AIP-0063",
          "SC-0001", "SC-0003", "SC-0007", "SC-0008"}
WEAK = {"IOT-0006", "IOT-0010", "IOT-0011", "IOT-0012", "IOT-0015", "IOT-0025",
        "AIP-0002", "AIP-0010", "AIP-0021", "AIP-0025", "AIP-0036", "AIP-0049", "AIP-0064",
        "SC-0006", "SC-0011"}
SEVERITY = {"e01": 0.0, "e02": -0.5, "e03": 0.5, "e04": 0.0, "e05": 0.3, "e06": -0.3,
            "e07": 0.0, "e08": 0.0, "e09": -0.6, "e10": 0.4}
#: (evaluator, application) → criterion judged "fail" (M4 of r2-iot is not listed: see m4_verdict)
MUST_FAILS = {
    ("e01", "IOT-0025"): ["M3"], ("e02", "IOT-0025"): ["M3"], ("e03", "IOT-0025"): ["M3"],
    ("e09", "SC-0006"): ["1-5"],                                           # 1 of 4: passes
    ("e08", "SC-0011"): ["1-1"], ("e09", "SC-0011"): ["1-1"],
}
#: (evaluator, application) → offset making a disagreement
OUTLIERS = {("e03", "IOT-0015"): 2.5, ("e09", "SC-0010"): -2.5, ("e07", "AIP-0010"): 2.2}
#: The program whose M4 is 官民データ活用推進計画の策定状況, and the evaluators judging it strictly.
M4_PROGRAM = "r2-iot"
STRICT_M4 = {"e01", "e02"}
DRAFTS = {("e04", "IOT-0026"), ("e04", "IOT-0027"), ("e04", "IOT-0028")}


def m4_verdict(ev: str, app) -> str:
    """M4 from the declared data_utilization_plan only (the rule of the module docstring)."""
    declared = app.declarations.data_utilization_plan
    if declared in ("策定済", "策定中"):
        return "pass"
    return "fail" if ev in STRICT_M4 else "pass"  # 未策定 or not declared


def noise(*parts: str) -> float:
    h = hashlib.sha256("/".join(parts).encode()).digest()
    return (h[0] / 255 - 0.5) * 1.6


def quality(app_id: str) -> float:
    base = 4.2 if app_id in STRONG else 1.8 if app_id in WEAK else 3.0
    return base + noise("q", app_id) * 0.6


def comment(ev: str, app_id: str, scored: dict, labels: dict, fails: list[str]) -> str:
    parts = []
    for cid in fails:
        parts.append(f"必須要件「{labels[cid]}」を満たしているとは判断できない。")
    if scored:
        best = max(scored, key=lambda c: (scored[c], c))
        worst = min(scored, key=lambda c: (scored[c], c))
        rate = 100 * sum(scored.values()) / (5 * len(scored))
        variant = int(hashlib.sha256(f"{ev}{app_id}".encode()).hexdigest(), 16) % 3
        if rate >= 70:
            parts.append([
                f"全体として完成度が高い提案。特に「{labels[best]}」は具体的で説得力がある。",
                f"「{labels[best]}」の記述が明確で、他地域のモデルとなり得る。",
                f"実施体制・スケジュールとも現実的で、「{labels[best]}」が優れている。",
            ][variant])
            parts.append(f"「{labels[worst]}」について補足があればなお良い。")
        elif rate >= 45:
            parts.append([
                f"「{labels[best]}」は評価できるが、「{labels[worst]}」の記述が抽象的であり、具体的な数値や体制を示されたい。",
                f"標準的な提案。「{labels[worst]}」の根拠が弱く、KPIの設定根拠の説明が望まれる。",
                f"「{labels[best]}」に一定の工夫が見られる一方、「{labels[worst]}」は検討が不十分。",
            ][variant])
        else:
            parts.append([
                f"全体に具体性を欠く。「{labels[worst]}」が特に不十分で、実施体制と費用対効果の根拠を補強する必要がある。",
                f"「{labels[worst]}」の記述がほとんどなく、事業の実現性に疑問が残る。",
                f"提案の熟度が低い。「{labels[worst]}」を含め、計画全体の再検討が望まれる。",
            ][variant])
    return "".join(parts)


def main() -> None:
    # The score files themselves are left out: they are what this script rewrites, and stale
    # sheets (e.g. after a sample changed) must not stop it.
    samples = ROOT / "sample_applications"
    bundle = load_paths([ROOT / "criteria", *sorted(p for p in samples.iterdir() if p != OUT)])
    if bundle.problems:
        raise SystemExit("\n".join(map(str, bundle.problems)))
    panel = bundle.panel
    OUT.mkdir(exist_ok=True)
    for ev in panel.evaluators:
        if ev.role != "evaluator":
            continue
        for pid in ev.programs:
            prog = bundle.programs[pid]
            apps = bundle.applications[pid]
            labels = {c.id: c.label for c in prog.criteria}
            lines = [
                f"# 採点票（見本）: {ev.name}（{ev.id}） / {prog.name}",
                "# tools/make_sample_scores.py で生成",
                f'evaluator = "{ev.id}"',
                f'program = "{pid}"',
                "",
            ]
            for app_id in sorted(apps):
                app = apps[app_id]
                if panel_assignment_problem(panel, ev, app, set(apps)):
                    continue
                fails = list(MUST_FAILS.get((ev.id, app_id), []))
                if pid == M4_PROGRAM and any(c.id == "M4" for c in prog.applicable(app)):
                    if m4_verdict(ev.id, app) == "fail":
                        fails.append("M4")
                q = quality(app_id) + SEVERITY[ev.id] + OUTLIERS.get((ev.id, app_id), 0.0)
                scores: dict[str, object] = {}
                scored: dict[str, int] = {}
                draft = (ev.id, app_id) in DRAFTS
                for i, c in enumerate(prog.applicable(app)):
                    if c.kind == "auto" or (draft and i % 2):
                        continue
                    if c.kind == "must":
                        scores[c.id] = "fail" if c.id in fails else "pass"
                    else:
                        v = max(0, min(5, round(q + noise(ev.id, app_id, c.id))))
                        scores[c.id] = v
                        scored[c.id] = v
                lines.append("[[sheets]]")
                lines.append(f'application = "{app_id}"')
                lines.append(f'status = "{"draft" if draft else "submitted"}"')
                lines.append(f'comment = "{comment(ev.id, app_id, scored, labels, fails)}"')
                lines.append("[sheets.scores]")
                for cid, v in scores.items():
                    key = cid if cid.replace("_", "").isalnum() else f'"{cid}"'
                    lines.append(f'{key} = "{v}"' if isinstance(v, str) else f"{key} = {v}")
                lines.append("")
            (OUT / f"{ev.id}-{pid}.toml").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
