"""Charts as terminal text: the balance of a selection as bars (per bureau, per track and field
model) and each evaluator's sheet rates as a strip on one 0–100 axis.

A chart is a list of lines, a line a list of ``(text, style)`` segments; the style is one of the
names below, which a face maps to its own look (the terminal app: reverse, bold, dim). The
glyphs are ASCII (``#``, ``=``, ``.``, ``|``, ``+``, ``-``, digits): box drawing, block elements,
circles and arrows are East Asian ambiguous width, which Japanese terminals draw two cells
wide. Every width is in terminal cells (``text.width``); each line fits the cells it is laid
out for (at widths too narrow for the columns themselves, the last column runs over).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewer.domain.vocabulary import BALANCE_LABELS, FIELD_KIND_LABELS
from reviewer.present import result as words
from reviewer.present.text import clean, fit, pad, width

if TYPE_CHECKING:
    from reviewer.scoring import EvaluatorStats, FieldBalance, Result

Segment = tuple[str, str]  # (text, style name)
Line = list[Segment]

PLAIN = ""
HEAD = "head"          # a heading
SELECTED = "selected"  # bar: applications selected
ELIGIBLE = "eligible"  # bar: eligible applications not selected
OUT = "out"            # bar: applications not eligible
FLAG = "flag"          # a count over its limit
AXIS = "axis"          # an axis and its ticks
DOT = "dot"            # an empty cell of a strip
MARK = "mark"          # sheets at a cell of a strip
PANEL = "panel"        # the panel's mean on a strip
OWN = "own"            # the evaluator's own mean on a strip
STYLES = (PLAIN, HEAD, SELECTED, ELIGIBLE, OUT, FLAG, AXIS, DOT, MARK, PANEL, OWN)

#: The bars' glyphs in the order they are drawn, with what each cell counts.
BAR_GLYPHS: tuple[tuple[str, str, str], ...] = (
    ("#", SELECTED, words.SELECTED), ("=", ELIGIBLE, "対象（採択候補以外）"), (".", OUT, "対象外"))
BAR_STYLES = frozenset(style for _, style, _ in BAR_GLYPHS)
EPS = 1e-9  # as scoring compares a share with its limit
GAP = "  "


def plain(line: Line) -> str:
    """A line's text without its styles."""
    return "".join(text for text, _ in line)


def cells_of(line: Line) -> int:
    return width(plain(line))


def pack(items: Sequence[Line], cells: int, first: Line | None = None) -> list[Line]:
    """Items (short phrases) side by side, two spaces apart, on as few lines of ``cells`` as
    they fill in order; ``first`` starts the first line."""
    lines: list[Line] = []
    line: Line = list(first or [])
    for item in items:
        if line and cells_of(line) + width(GAP) + cells_of(item) > cells:
            lines.append(line)
            line = []
        line = line + [(GAP, PLAIN)] + item if line else list(item)
    return lines + [line] if line else lines


def percent(x: float) -> str:
    """A limit as a percentage with as few digits as it needs: "50%", "12.5%"."""
    return f"{100 * x:.1f}".removesuffix(".0") + "%"


def share_text(x: float | None) -> str:
    """A share of the selection to one decimal, rounded half up as the workbook shows it: "6.3%"."""
    return "-" if x is None else f"{int(1000 * x + 0.5) / 10:.1f}%"


def quota(lo: int | None, hi: int | None) -> str:
    return words.range_text(lo, hi) or "なし"


def quota_status(n: int, lo: int | None, hi: int | None) -> str:
    """"under" below the minimum, "over" above the maximum, else "ok"."""
    return "under" if lo is not None and n < lo else "over" if hi is not None and n > hi else "ok"


def over_share(share: float | None, limit: float | None) -> bool:
    """Whether a field's share of the selection is over the criteria file's limit."""
    return share is not None and limit is not None and share > limit + EPS


# -- the balance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BarRow:
    """One bar: a name, the applications, the eligible and the selected, and what follows."""

    name: str
    counts: tuple[int, int, int]
    extra: Line


@dataclass(frozen=True)
class Columns:
    """Where a balance's columns are: the name's cells, the bar's, each count's, the extra's,
    and the bar's cells per application."""

    name: int
    bar: int
    count: int
    extra: int
    per: float

    @property
    def bar_start(self) -> int:
        return self.name + 1


def bureau_rows(result: Result) -> list[BarRow]:
    s = result.program.selection
    quotas = s.bureau_min is not None or s.bureau_max is not None
    rows = []
    for b in result.balance:
        extra: Line = []
        if b.status != "ok":
            extra = [(BALANCE_LABELS[b.status], FLAG)]
        elif quotas:
            extra = [(BALANCE_LABELS["ok"], PLAIN)]
        rows.append(BarRow(clean(b.bureau), (b.applications, b.eligible, b.selected), extra))
    return rows


def field_flagged(f: FieldBalance, limit: float | None) -> bool:
    """A track or model over the share limit: as scoring flags it, or as its numbers say."""
    return f.flagged or over_share(f.share, limit)


def field_name(f: FieldBalance, key_cells: int) -> str:
    if f.kind == "track":
        track = FIELD_KIND_LABELS["track"]
        return clean(f.name) if clean(f.name).startswith(track) else f"{track}{clean(f.key)} {clean(f.name)}"
    if f.kind == "field":  # named, not numbered
        return f"  {clean(f.name)}"
    return f"  {pad(clean(f.key), key_cells, right=True)} {clean(f.name)}"


def field_rows(result: Result) -> list[BarRow]:
    limit = result.program.selection.max_field_share
    keys = max([width(clean(f.key)) for f in result.field_balance if f.kind == "model"] + [1])
    rows = []
    for f in result.field_balance:
        extra: Line = [(pad(share_text(f.share), 6, right=True), PLAIN)]
        if field_flagged(f, limit):
            extra += [(GAP, PLAIN), (words.FIELD_FLAGGED, FLAG)]
        rows.append(BarRow(field_name(f, keys), (f.applications, f.eligible, f.selected), extra))
    return rows


def scale(peak: int, cells: int) -> float:
    """Bar cells per application: whole cells while the longest bar fits, else a fraction."""
    if peak <= 0 or cells <= 0:
        return 1.0
    return float(cells // peak) if peak <= cells else cells / peak


def scale_text(per: float) -> str:
    if per >= 1:
        return f"棒の {per:g} 字 = 1 件"
    return f"棒の 1 字 = 約 {1 / per:.1f} 件"


def columns(rows: Sequence[BarRow], cells: int) -> Columns:
    """The columns of bars in ``cells``: names up to a third of the line, or more where the
    bars leave room (longer ones are cut with "..."), the counts as wide as the largest, and
    the bar the rest, in whole cells per application while the longest fits."""
    peak = max([r.counts[0] for r in rows] + [0])
    count = max(width("申請"), len(str(peak)))
    extra = max([cells_of(r.extra) for r in rows] + [width("割合"), width("状況")])
    rest = 1 + len(GAP) + 3 * count + 2 * len(GAP) + len(GAP) + extra
    longest = max([width(r.name) for r in rows] + [4])
    name = min(longest, max(8, cells // 3))
    bar = cells - name - rest
    if bar < 5:  # narrow: shorter names first
        name = max(6, name - (5 - bar))
        bar = max(5, cells - name - rest)
    per = scale(peak, bar)
    spare = min(bar - int(peak * per + 0.5), bar - 5)
    if spare > 0 and name < longest:  # the bars need less: longer names
        name = min(longest, name + spare)
        bar = cells - name - rest
    return Columns(name, bar, count, extra, per)


def bar_segments(counts: tuple[int, int, int], per: float, cells: int) -> Line:
    """A bar of ``cells``: the selected, then the other eligible, then the rest, each glyph
    as many cells as its count at ``per`` (rounded at each boundary), padded with spaces."""
    applications, eligible, selected = counts
    ends = [int(n * per + 0.5) for n in (selected, eligible, applications)]
    line: Line = []
    start = 0
    for (glyph, style, _), end in zip(BAR_GLYPHS, ends, strict=True):
        if end > start:
            line.append((glyph * (end - start), style))
            start = end
    return line + [(" " * (cells - start), PLAIN)] if cells > start else line


def row_line(row: BarRow, cols: Columns) -> Line:
    counts = GAP.join(pad(str(n), cols.count, right=True) for n in row.counts)
    line: Line = [(pad(fit(row.name, cols.name), cols.name) + " ", PLAIN)]
    line += bar_segments(row.counts, cols.per, cols.bar)
    line.append((GAP + counts, PLAIN))
    return line + [(GAP, PLAIN)] + row.extra if row.extra else line


def header_line(title: str, extra: str, cols: Columns) -> Line:
    """A section's title over the names and bars, the counts' and the extra's headings."""
    heads = GAP.join(pad(h, cols.count, right=True) for h in ("申請", "対象", words.SELECTED_SHORT))
    lead = pad(fit(title, cols.name + 1 + cols.bar), cols.name + 1 + cols.bar)
    return [(lead, HEAD), (GAP + heads + (GAP + pad(extra, 6, right=True) if extra else ""), HEAD)]


def drawn_glyphs(lines: Sequence[Line]) -> list[tuple[str, str, str]]:
    """The bar glyphs that ``lines`` draw, in ``BAR_GLYPHS`` order."""
    styles = {style for line in lines for text, style in line if style in BAR_STYLES and text}
    return [g for g in BAR_GLYPHS if g[1] in styles]


def selection_items(result: Result) -> list[Line]:
    """The selection's size against its quota, the bureaus' quota and the share limit."""
    s = result.program.selection
    n = len(result.selected)
    status = quota_status(n, s.min_selected, s.max_selected)
    items: list[Line] = [[(f"{words.SELECTED} {n} 件（採択数の枠 {quota(s.min_selected, s.max_selected)}）", PLAIN)]
                         + ([(" ", PLAIN), (BALANCE_LABELS[status], FLAG)] if status != "ok" else [])]
    items.append([(f"総合通信局ごとの枠 {quota(s.bureau_min, s.bureau_max)}", PLAIN)])
    if result.field_balance:
        limit = s.max_field_share
        items.append([(f"{words.fields_word(result.program)}の割合の上限 {percent(limit) if limit else 'なし'}", PLAIN)]
                     + ([("（超えると ", PLAIN), (words.FIELD_FLAGGED, FLAG), ("）", PLAIN)] if limit else []))
        if result.program.fields and result.program.fields_note:  # the tool's own list: said so
            items.append([(clean(result.program.fields_note), PLAIN)])
    return items


def legend_items(glyphs: Sequence[tuple[str, str, str]], per: float) -> list[Line]:
    return [[(glyph, style), (f" {meaning}", PLAIN)] for glyph, style, meaning in glyphs] + [[(scale_text(per), PLAIN)]]


def balance_lines(result: Result, cells: int) -> list[Line]:
    """The balance in ``cells``: the quotas, a legend of the glyphs drawn, the bureaus, then
    each track followed by its field models (when the program has tracks)."""
    bureaus, fields = bureau_rows(result), field_rows(result)
    cols = columns(bureaus + fields, cells)
    status = "状況" if any(r.extra for r in bureaus) else ""
    body: list[Line] = [header_line("総合通信局別", status, cols)] + [row_line(r, cols) for r in bureaus]
    if fields:
        body += [[], header_line(f"{words.fields_word(result.program)}別", "割合", cols)] + [row_line(r, cols) for r in fields]
    head = pack(selection_items(result), cells)
    head += pack(legend_items(drawn_glyphs(body), cols.per), cells, first=[("凡例", HEAD)])
    return head + [[]] + body


# -- the evaluators ---------------------------------------------------------------------------


#: Where the axis is labelled.
TICKS = (0, 25, 50, 75, 100)
MANY = "*"  # ten sheets or more at one cell


def strip_cells(cells: int) -> int:
    """The strip's cells in ``cells``: 4k + 1 (a tick on a cell at each quarter), 5 to 101."""
    return max(5, min(101, (cells - 1) // 4 * 4 + 1))


def cell_of(rate: float, cells: int) -> int:
    """The cell of a rate (0–100) on a strip of ``cells``."""
    return max(0, min(cells - 1, int(rate / 100 * (cells - 1) + 0.5)))


def axis_lines(cells: int) -> tuple[str, str]:
    """The labels (0, 25, 50, 75, 100) over their ticks, and the ticks ("+----+----+")."""
    labels = [" "] * cells
    for value in sorted(TICKS, key=lambda v: (v not in (TICKS[0], TICKS[-1]), v)):  # the ends first
        text, c = str(value), cell_of(value, cells)
        start = 0 if value == TICKS[0] else cells - len(text) if value == TICKS[-1] else c - len(text) // 2
        if all(ch == " " for ch in labels[max(0, start - 1):start + len(text) + 1]):
            labels[start:start + len(text)] = text
    ticks = ["-"] * cells
    for value in TICKS:
        ticks[cell_of(value, cells)] = "+"
    return "".join(labels), "".join(ticks)


def strip(rates: Sequence[float], own: float | None, panel: float | None, cells: int) -> Line:
    """One evaluator's sheets on a strip: at each cell the number of sheets there (``*`` for
    ten or more, ``.`` for none); the panel's mean ``|`` and the evaluator's ``+`` where no
    sheet is, each cell with its own style even where sheets are."""
    counts = [0] * cells
    for r in rates:
        counts[cell_of(r, cells)] += 1
    marks: dict[int, str] = {}
    for mean, style in ((panel, PANEL), (own, OWN)):  # the evaluator's own over the panel's
        if mean is not None:
            marks[cell_of(mean, cells)] = style
    line: Line = []
    for c, n in enumerate(counts):
        glyph = str(n) if 0 < n < 10 else MANY if n else {PANEL: "|", OWN: "+"}.get(marks.get(c, ""), ".")
        style = marks.get(c, MARK if n else DOT)
        if line and line[-1][1] == style:
            line[-1] = (line[-1][0] + glyph, style)
        else:
            line.append((glyph, style))
    return line


def evaluator_rates(result: Result) -> dict[str, list[float]]:
    """Each evaluator's sheet rates, over all the applications."""
    rates: dict[str, list[float]] = {}
    for a in result.applications:
        for evaluator, r in a.sheet_rates.items():
            rates.setdefault(evaluator, []).append(r)
    return rates


def panel_mean(result: Result) -> float | None:
    rates = [r for per in evaluator_rates(result).values() for r in per]
    return sum(rates) / len(rates) if rates else None


def by_mean(stats: Sequence[EvaluatorStats]) -> list[EvaluatorStats]:
    """The harshest first: by mean ascending (evaluators without one last), then by id."""
    return sorted(stats, key=lambda s: (s.mean is None, s.mean or 0.0, s.evaluator))


@dataclass(frozen=True)
class StatColumns:
    """The cells of an evaluator line's columns before the strip, and the strip's."""

    id: int
    name: int
    strip: int

    @property
    def lead(self) -> int:
        """Cells before the strip: id, name, count (4), mean (5), SD (5), each two apart."""
        return self.id + self.name + 4 + 5 + 5 + 5 * len(GAP)


STAT_HEADS = ("ID", "氏名", "件数", "平均", "SD")


def stat_columns(stats: Sequence[EvaluatorStats], names: dict[str, str], cells: int) -> StatColumns:
    ids = max([width(clean(s.evaluator)) for s in stats] + [width(STAT_HEADS[0])])
    name = min(max([width(clean(names.get(s.evaluator) or s.name)) for s in stats] + [width(STAT_HEADS[1])]), 12)
    cols = StatColumns(ids, name, 0)
    return StatColumns(ids, name, strip_cells(cells - cols.lead))


def stat_line(s: EvaluatorStats, name: str, cols: StatColumns) -> Line:
    nums = [f"{x:.1f}" if x is not None else "-" for x in (s.mean, s.std)]
    text = GAP.join([pad(fit(s.evaluator, cols.id), cols.id), pad(fit(name, cols.name), cols.name),
                     pad(str(s.count), 4, right=True)] + [pad(n, 5, right=True) for n in nums])
    return [(text + GAP, PLAIN)]


def evaluator_legend(panel: float | None) -> list[Line]:
    items: list[Line] = [[("1-9", MARK), (" その位置の採点票の数（", PLAIN), (MANY, MARK), (" は 10 以上）", PLAIN)],
                         [("+", OWN), (" その評価者の平均", PLAIN)]]
    if panel is not None:
        items.append([("|", PANEL), (f" 全体の平均 {panel:.1f}", PLAIN)])
    return items


def evaluator_lines(result: Result, names: dict[str, str], cells: int) -> list[Line]:
    """One line per evaluator, the harshest first (``by_mean``): id, name, sheets, mean and SD
    of their sheet rates, and the rates on a strip (``strip``) over one 0–100 axis, under a
    legend and the axis; ``names`` maps an evaluator's id to a name (else the result's)."""
    stats = by_mean(result.evaluator_stats)
    head: list[Line] = [[("評価者別の得点率（平均の低い順: 上ほど厳しめ）", HEAD)]]
    if not stats:
        return head + [[("提出された採点票はまだありません", PLAIN)]]
    panel = panel_mean(result)
    rates = evaluator_rates(result)
    cols = stat_columns(stats, names, cells)
    labels, ticks = axis_lines(cols.strip)
    heads = [pad(h, w, right=i > 1) for i, (h, w) in enumerate(zip(STAT_HEADS, (cols.id, cols.name, 4, 5, 5),
                                                                 strict=True))]
    lines = head + pack(evaluator_legend(panel), cells, first=[("凡例", HEAD)]) + [[]]
    lines.append([(GAP.join(heads) + GAP, HEAD), (labels, AXIS)])
    lines.append([(" " * cols.lead, PLAIN), (ticks, AXIS)])
    for s in stats:
        name = clean(names.get(s.evaluator) or s.name)
        lines.append(stat_line(s, name, cols) + strip(rates.get(s.evaluator, []), s.mean, panel, cols.strip))
    return lines
