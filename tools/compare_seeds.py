"""Compare the text of criteria files with the seeds (the ministry's documents) they quote.

Every label, description, field model name/description/condition, group name/question, field
name, document title and declaration label, and the program description, must occur in its
seed. Both sides are normalised before comparing:

* all whitespace is removed (ASCII, full-width U+3000 and line breaks alike);
* NFKC, so full-width digits and letters match half-width ones (計２回 = 計2回, ＭＢ = MB);
* the wave dashes 〜 (U+301C) and ～ (U+FF5E) are one character;
* "I・T" reads "IoT": the text of seed 000 renders "IoT" so in many places (地域I・T実装…).

A text found as a whole passes. A text not found as a whole passes when each of its sentences
(split after 。 and at line breaks) is found: it is then listed as composed of several seed passages. A label
found as a 【…】 heading of the seed is also checked to be followed there by its criterion's
description. A group name is checked word by word (it joins a section and a sub-heading).
Fields (``[[fields]]``) are the tool's own list named with words of any seed, so their names
are looked for in all the seeds given. Texts the tool writes itself (keys ``note`` and
``*_note``) are skipped, and listed as skipped.

Each criteria file is matched with its seed by ``--map PROGRAM_ID=PATH``, or else with the seed
that holds most of its texts. Run from the project root:

    python tools/compare_seeds.py --criteria criteria SEED_000 SEED_001 SEED_002

Exit status 0 when nothing differs, 1 when something does, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import tomllib

#: Keys whose text the tool writes itself (no seed to quote): skipped.
SKIP_KEY = re.compile(r"^(note|.*_note)$")
#: Keys compared, by the table they are in ("" is the top level).
CHECKED: dict[str, tuple[str, ...]] = {
    "": ("description",),
    "tracks": ("name", "description"),
    "tracks.models": ("name", "description", "condition"),
    "groups": ("name", "question"),
    "criteria": ("label", "description"),
    "fields": ("name",),
    "eligibility": ("prior_support_label",),
    "eligibility.required_documents": ("title",),
    "eligibility.required_declarations": ("label",),
}
WAVES = str.maketrans({"\u301c": "~", "\uff5e": "~"})
SENTENCE = re.compile(r"(?<=。)|\n")


@dataclass
class Seed:
    path: Path
    raw: str
    norm: str = ""
    #: pos[i]: the index in ``raw`` of the character ``norm[i]`` comes from.
    pos: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.norm, self.pos = normalise_with_positions(self.raw)

    def passage(self, start: int, end: int) -> str:
        """The seed's own text behind ``norm[start:end]``, whitespace collapsed."""
        if not self.pos:
            return ""
        a = self.pos[min(start, len(self.pos) - 1)]
        b = self.pos[min(max(end - 1, start), len(self.pos) - 1)] + 1
        return " ".join(self.raw[a:b].split())


def normalise_with_positions(text: str) -> tuple[str, list[int]]:
    text = text.replace("I・T", "IoT").translate(WAVES)
    out: list[str] = []
    pos: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).translate(WAVES):
            if not c.isspace():
                out.append(c)
                pos.append(i)
    return "".join(out), pos


def normalise(text: str) -> str:
    return normalise_with_positions(text)[0]


def best_match(needle: str, seed: Seed) -> tuple[float, str]:
    """The seed passage most like ``needle`` (a sliding window of its length) and the ratio."""
    hay, n = seed.norm, len(needle)
    if not n or not hay:
        return 0.0, ""
    if n >= len(hay):
        return SequenceMatcher(None, needle, hay, autojunk=False).ratio(), seed.passage(0, len(hay))

    def ratio(i: int) -> float:
        return SequenceMatcher(None, needle, hay[i:i + n], autojunk=False).ratio()

    step = max(1, n // 6)
    starts = range(0, len(hay) - n + 1, step)
    best = max(starts, key=ratio)
    lo, hi = max(0, best - step), min(len(hay) - n, best + step)
    best = max(range(lo, hi + 1), key=ratio)
    return ratio(best), seed.passage(best, best + n)


@dataclass
class Text:
    path: str
    value: str
    kind: str  # label, group, field, text


def texts_of(program: dict[str, Any]) -> tuple[list[Text], list[str]]:
    """The texts to compare and the paths of those skipped."""
    found: list[Text] = []
    skipped: list[str] = []

    def walk(node: Any, table: str, path: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, table, f"{path}[{i}]")
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            sub = f"{path}.{key}" if path else key
            if isinstance(value, str) and SKIP_KEY.match(key):
                skipped.append(sub)
            elif isinstance(value, str) and key in CHECKED.get(table, ()):
                kind = {"label": "label"}.get(key, "text")
                if table == "groups" and key == "name":
                    kind = "group"
                elif table == "fields":
                    kind = "field"
                found.append(Text(sub, value, kind))
            elif isinstance(value, (dict, list)):
                walk(value, f"{table}.{key}" if table else key, sub)

    walk(program, "", "")
    return found, skipped


@dataclass
class Finding:
    path: str
    ours: str
    ratio: float = 0.0
    passage: str = ""
    message: str = ""


def pieces(text: Text) -> list[str]:
    if text.kind == "group":
        return text.value.split()
    return [s for s in SENTENCE.split(text.value) if normalise(s)]


def check_text(text: Text, seed: Seed, all_seeds: list[Seed]) -> tuple[list[Finding], str]:
    """Differences of one text, and a remark on how it was found ("" when found whole)."""
    n = normalise(text.value)
    pool = all_seeds if text.kind == "field" else [seed]
    if not n or any(n in s.norm for s in pool):
        return [], ""
    missing = [p for p in pieces(text) if not any(normalise(p) in s.norm for s in pool)]
    if not missing and text.kind != "label":
        return [], f"{len(pieces(text))} seed {'words' if text.kind == 'group' else 'passages'}"
    out = []
    for piece in missing or [text.value]:
        ratio, passage = max((best_match(normalise(piece), s) for s in pool), key=lambda m: m[0])
        out.append(Finding(text.path, piece, ratio, passage))
    return out, ""


def check_headings(program: dict[str, Any], seed: Seed) -> list[Finding]:
    """A criterion whose label is a 【…】 heading of the seed: its description follows it there."""
    out = []
    for i, c in enumerate(program.get("criteria", [])):
        label, desc = normalise(c.get("label", "")), normalise(c.get("description", ""))
        head = f"【{label}】"
        if label and desc and head in seed.norm and desc in seed.norm and head + desc not in seed.norm:
            ratio, passage = best_match(head + desc, seed)
            out.append(Finding(f"criteria[{i}].label+description", f"【{c['label']}】{c['description']}",
                               ratio, passage, "the heading is not followed by this description in the seed"))
    return out


def coverage(texts: list[Text], seed: Seed) -> int:
    return sum(1 for t in texts if normalise(t.value) and normalise(t.value) in seed.norm)


def compare_file(path: Path, seeds: list[Seed], mapping: dict[str, Path]) -> int:
    program = tomllib.loads(path.read_text(encoding="utf-8"))
    texts, skipped = texts_of(program)
    pid = program.get("id", path.stem)
    if pid in mapping:
        seed = next(s for s in seeds if s.path == mapping[pid])
        how = "--map"
    else:
        seed = max(seeds, key=lambda s: coverage(texts, s))
        how = f"holds {coverage(texts, seed)} of its {len(texts)} texts whole"
    print(f"{path} ({pid}) → {seed.path} ({how})")
    for sub in skipped:
        print(f"  skipped (the tool's own text): {sub}")
    findings: list[Finding] = []
    for t in texts:
        found, remark = check_text(t, seed, seeds)
        findings += found
        if remark:
            print(f"  ok, composed of {remark}: {t.path}")
    findings += check_headings(program, seed)
    for f in findings:
        print(f"  DIFFERS {path.name} {f.path}" + (f" — {f.message}" if f.message else ""))
        print(f"    ours: {f.ours}")
        print(f"    seed (closest, ratio {f.ratio:.2f}): {f.passage}")
    print(f"  {len(texts)} texts compared, {len(findings)} differences")
    return len(findings)


def parse_map(items: list[str]) -> dict[str, Path]:
    out = {}
    for item in items:
        pid, sep, p = item.partition("=")
        if not sep or not pid or not p:
            raise SystemExit(f"--map wants PROGRAM_ID=PATH, not {item!r}")
        out[pid] = Path(p)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Compare criteria texts with the seeds they quote.")
    ap.add_argument("seeds", nargs="*", type=Path, help="seed text files")
    ap.add_argument("--criteria", type=Path, default=Path("criteria"), help="a criteria file or folder (default: criteria)")
    ap.add_argument("--map", action="append", default=[], metavar="PROGRAM_ID=PATH", help="the seed of a program")
    args = ap.parse_args(argv)
    mapping = parse_map(args.map)
    paths = list(dict.fromkeys([*args.seeds, *mapping.values()]))
    if not paths:
        ap.error("give at least one seed file")
    for p in paths:
        if not p.is_file():
            ap.error(f"no seed file {p}")
    seeds = [Seed(p, p.read_text(encoding="utf-8")) for p in paths]
    files = sorted(args.criteria.glob("*.toml")) if args.criteria.is_dir() else [args.criteria]
    if not files:
        ap.error(f"no criteria files in {args.criteria}")
    total = sum(compare_file(f, seeds, mapping) for f in files)
    print(f"{len(files)} criteria files, {total} differences")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
