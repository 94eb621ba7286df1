"""A scoring result → the Excel workbook a ministry official hands on as it is (xlsxwriter).

Every sheet renders the one ``Result``; nothing is computed here beyond formatting. Text
from applications and comments is always written as a string (never a formula or a link),
cut to Excel's cell limit; column widths count East Asian wide characters as two.
The file is written beside the target and renamed into place, so a failure leaves nothing
half-written.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter
import xlsxwriter.exceptions

from reviewer import __version__
from reviewer.domain.vocabulary import APPLICANT_TYPE_LABELS, BALANCE_LABELS, METHOD_LABELS
from reviewer.present import result as words
from reviewer.present.text import width
from reviewer.rules.must import must_failed
from reviewer.scoring import Result

FONT = "游ゴシック"
MAX_CELL = 32_000
SHEETS = ("概要", "ランキング", "地域バランス", "分野バランス", "評価者別", "評価者統計", "適格性", "コメント")
RANKING_HEADERS = ("順位", "申請ID", "申請者", "都道府県", "総合通信局", "得点率", "加点", "合計", "採択候補")
YEN = '#,##0"円"'
PCT = "0.00%"
POINTS = "0.00"


def _text(value: Any) -> str:
    s = "" if value is None else str(value)
    return s if len(s) <= MAX_CELL else s[:MAX_CELL] + "…（以下省略）"


class _Sheet:
    """A worksheet with formats, width tracking and safe writers."""

    def __init__(self, book: _Book, name: str):
        self.book = book
        self.ws = book.wb.add_worksheet(name)
        self.widths: dict[int, int] = {}
        self.ws.set_paper(9)           # A4
        self.ws.set_landscape()
        self.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.ws.set_footer("&C&P / &N")
        self.ws.fit_to_pages(1, 0)

    def _track(self, col: int, shown: str, cap: int = 60) -> None:
        have = self.widths.get(col, 0)
        if have >= cap or 2 * len(shown) + 2 <= have:
            return  # cannot widen the column (a character is at most 2 cells): skip measuring
        w = min(cap, max((width(line) for line in shown.split("\n")), default=0) + 2)
        self.widths[col] = max(have, w)

    def text(self, row: int, col: int, value: Any, fmt: Any = None, cap: int = 60) -> None:
        s = _text(value)
        self.ws.write_string(row, col, s, fmt)
        self._track(col, s, cap)

    def number(self, row: int, col: int, value: float | int | None, fmt: Any = None, shown: str | None = None) -> None:
        if value is None:
            self.ws.write_blank(row, col, None, fmt)
            return
        self.ws.write_number(row, col, float(value), fmt)
        self._track(col, shown if shown is not None else f"{value:,.2f}")

    def header(self, row: int, headers: list[str], fmt: Any = None) -> None:
        for col, h in enumerate(headers):
            self.text(row, col, h, fmt or self.book.fmt(bold=True, bg_color="#D9E1F2", border=1, text_wrap=True,
                                                         valign="vcenter"))

    def finish(self, header_row: int | None = None, last_row: int | None = None, ncols: int | None = None,
               freeze_cols: int = 0) -> None:
        for col, w in self.widths.items():
            self.ws.set_column(col, col, max(w, 6))
        if header_row is not None:
            self.ws.freeze_panes(header_row + 1, freeze_cols)
            self.ws.repeat_rows(header_row)
            if ncols and last_row is not None and last_row >= header_row:
                self.ws.autofilter(header_row, 0, last_row, ncols - 1)


class _Book:
    def __init__(self, path: Path):
        self.wb = xlsxwriter.Workbook(str(path), {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            # rows go out as they are written (every sheet is written top to bottom): peak memory
            # 0.6 GiB instead of 1.4 GiB at 20,000 applications, for a fifth more time
            "constant_memory": True,
            "default_format_properties": {"font_name": FONT, "font_size": 10},
        })
        self._formats: dict[tuple, Any] = {}

    def fmt(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(dict(props, font_name=FONT))
        return self._formats[key]

    def sheet(self, name: str) -> _Sheet:
        return _Sheet(self, name)


def write_workbook(result: Result, path: Path, generated_at: datetime | None = None) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        book = _Book(tmp)
        generated = (generated_at or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M")
        _overview(book, result, generated)
        _ranking(book, result, generated)
        _balance(book, result)
        _fields(book, result)
        _sheets(book, result)
        _evaluators(book, result)
        _eligibility(book, result)
        _comments(book, result)
        try:
            book.wb.close()
        except xlsxwriter.exceptions.FileCreateError as e:
            cause = e.args[0] if e.args else e
            raise OSError(getattr(cause, "errno", None), getattr(cause, "strerror", None) or str(cause)) from None
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _title(sh: _Sheet, book: _Book, title: str, subtitle: str) -> None:
    sh.ws.write_string(0, 0, _text(title), book.fmt(bold=True, font_size=14))
    sh.ws.write_string(1, 0, _text(subtitle), book.fmt(font_color="#595959"))


def _overview(book: _Book, r: Result, generated: str) -> None:
    sh = book.sheet("概要")
    p = r.program
    _title(sh, book, f"{p.name} 審査結果の概要", f"作成: {generated}（reviewer {__version__}）")
    label = book.fmt(bold=True, bg_color="#F2F2F2", border=1)
    cell = book.fmt(border=1, text_wrap=True, valign="top")
    count = book.fmt(border=1, align="left", valign="top")
    yen = book.fmt(border=1, num_format=YEN, align="left", valign="top")
    rows: list[tuple[str, Any, Any]] = [
        ("事業", p.name, cell),
        ("事業ID", p.id, cell),
        ("年度", p.fiscal_year_label or str(p.fiscal_year), cell),
        ("出典", p.source, cell),
        ("予算額", r.budget_yen if r.budget_yen is not None else "予算の定めなし", yen if r.budget_yen is not None else cell),
        ("申請額の合計（自動審査を通過した申請）", r.demand_yen, yen),
        ("予算超過（応募額 > 予算）", "はい" if r.oversubscribed else "いいえ", cell),
        ("自動加点（マイナンバーカード交付率など）", words.bonus_sentence(r), cell),
        ("集計方法", f"{METHOD_LABELS[r.method]}（{r.method}）", cell),
        ("申請数", len(r.applications), count),
        ("順位付けの対象（適格）", len(r.ranked), count),
        ("採択候補", len(r.selected), count),
        ("採択候補の申請額の合計", r.selected_yen, yen),
        ("提出済みの採点票", len(r.sheets), count),
        ("評価者数", len(r.evaluator_stats), count),
        ("評価者間の一致度（Krippendorff の α）",
         words.agreement_text(r.agreement), cell),
        ("選定の条件", words.selection_text(r), cell),
        ("作成日時", generated, cell),
    ]
    value_width = 70
    for i, (k, v, f) in enumerate(rows, start=3):
        sh.text(i, 0, k, label)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            sh.number(i, 1, v, f, shown=f"{v:,}円")
        else:
            sh.text(i, 1, v, f, cap=value_width)
            lines = -(-width(_text(v)) // (value_width - 2))
            if lines > 1:
                sh.ws.set_row(i, 14 * lines)
    sh.ws.set_portrait()
    sh.finish()


def _ranking(book: _Book, r: Result, generated: str) -> None:
    sh = book.sheet("ランキング")
    p = r.program
    budget = words.budget_text(r)
    bonus = words.bonus_state(r)
    _title(sh, book, f"{p.name} 審査結果（ランキング）",
           f"{budget}　集計方法: {METHOD_LABELS[r.method]}　自動加点: {bonus}"
           f"　採択候補 {len(r.selected)} 件 {r.selected_yen:,}円　作成: {generated}")
    scored = [c for c in p.criteria if c.kind == "scored"]
    headers = list(RANKING_HEADERS) + ["申請額", "件名", "種別", "要件・分野別モデル", "パネル得点", "満点"]
    headers += [f"{c.id} 平均" for c in scored]
    headers += ["評価数", "乖離（最大−最小）", "判定・理由"]
    hr = 3
    sh.header(hr, headers)
    sh.ws.set_row(hr, 30)
    cut = r.cut_rank
    for i, a in enumerate(r.applications):
        row = hr + 1 + i
        base: dict[str, Any] = {"border": 1, "valign": "top"}
        if a.selected:
            base["bg_color"] = "#E2EFDA"
        if not a.eligible:
            base["font_color"] = "#808080"
            base["bg_color"] = "#F2F2F2"
        if cut is not None and a.rank == cut:
            base["bottom"] = 5
            base["bottom_color"] = "#C00000"

        def f(**extra: Any) -> Any:
            return book.fmt(**{**base, **extra})

        col = 0
        sh.number(row, col, a.rank, f(align="center"), shown=str(a.rank)); col += 1
        sh.text(row, col, a.id, f()); col += 1
        sh.text(row, col, a.applicant, f(), cap=36); col += 1
        sh.text(row, col, a.prefecture, f()); col += 1
        sh.text(row, col, a.bureau, f()); col += 1
        sh.number(row, col, None if a.score_rate is None else a.score_rate / 100, f(num_format=PCT), shown="100.00%"); col += 1
        sh.number(row, col, a.bonus, f(num_format="0.0"), shown=f"{a.bonus:.1f}"); col += 1
        sh.number(row, col, a.total, f(num_format=POINTS), shown="100.00"); col += 1
        sh.text(row, col, "採択候補" if a.selected else "", f(align="center", bold=True)); col += 1
        sh.number(row, col, a.requested_subsidy_yen, f(num_format=YEN), shown=f"{a.requested_subsidy_yen:,}円"); col += 1
        sh.text(row, col, a.title, f(), cap=40); col += 1
        sh.text(row, col, APPLICANT_TYPE_LABELS.get(a.applicant_type, a.applicant_type), f()); col += 1
        sh.text(row, col, words.field_label(p, a.track, a.model), f(), cap=36); col += 1
        sh.number(row, col, a.panel_score, f(num_format=POINTS), shown="000.00"); col += 1
        sh.number(row, col, a.max_points, f(num_format="0"), shown="000"); col += 1
        for c in scored:
            sh.number(row, col, a.criterion_means.get(c.id), f(num_format="0.00"), shown="0.00"); col += 1
        sh.number(row, col, a.reviews, f(align="center"), shown=str(a.reviews)); col += 1
        if a.spread is None:
            sh.text(row, col, "", f())
        else:
            sh.text(row, col, f"{a.spread:.1f}" + ("（乖離大）" if a.disagreement else ""),
                    f(font_color="#C00000") if a.disagreement else f())
        col += 1
        sh.text(row, col, words.verdict(a, p), f(text_wrap=True), cap=50)
    last = hr + len(r.applications)
    if cut is not None:
        note = hr + len(r.applications) + 2
        sh.ws.write_string(note, 0, "赤い太線より上が採択候補の範囲（予算・採択数・総合通信局ごとの上限に収まる申請）。"
                           "網掛けは採択候補、灰色は対象外の申請。", book.fmt(font_color="#595959"))
    sh.finish(hr, last, len(headers), freeze_cols=3)
    _print_wide(sh, 3)


def _print_wide(sh: _Sheet, id_cols: int) -> None:
    """A wide table prints across pages with its identifying columns repeated, at a readable scale."""
    sh.ws.fit_to_pages(0, 0)
    sh.ws.set_print_scale(70)
    sh.ws.repeat_columns(0, id_cols - 1)


def _balance(book: _Book, r: Result) -> None:
    sh = book.sheet("地域バランス")
    _title(sh, book, "総合通信局別のバランス", "申請・順位付けの対象・採択候補の件数と、総合通信局ごとの下限・上限")
    headers = ["総合通信局", "申請数", "対象数", "採択候補数", "採択候補の申請額", "下限", "上限", "状態"]
    hr = 3
    sh.header(hr, headers)
    cell = book.fmt(border=1)
    for i, b in enumerate(r.balance):
        row = hr + 1 + i
        sh.text(row, 0, b.bureau, cell)
        sh.number(row, 1, b.applications, cell, shown="000")
        sh.number(row, 2, b.eligible, cell, shown="000")
        sh.number(row, 3, b.selected, cell, shown="000")
        sh.number(row, 4, b.selected_yen, book.fmt(border=1, num_format=YEN), shown=f"{b.selected_yen:,}円")
        sh.number(row, 5, b.min, cell, shown="00")
        sh.number(row, 6, b.max, cell, shown="00")
        warn = b.status != "ok"
        sh.text(row, 7, BALANCE_LABELS[b.status], book.fmt(border=1, font_color="#C00000" if warn else "#000000"))
    last = hr + len(r.balance)
    chart = book.wb.add_chart({"type": "column"})
    for col, name, color in ((1, "申請数", "#BDD7EE"), (2, "対象数", "#9BC2E6"), (3, "採択候補数", "#548235")):
        chart.add_series({"name": name, "categories": ["地域バランス", hr + 1, 0, last, 0],
                          "values": ["地域バランス", hr + 1, col, last, col], "fill": {"color": color}})
    chart.set_title({"name": "総合通信局別の件数", "name_font": {"name": FONT}})
    chart.set_x_axis({"num_font": {"name": FONT}})
    peak = max([b.applications for b in r.balance] + [1])
    chart.set_y_axis({"major_gridlines": {"visible": True}, "num_font": {"name": FONT}, "min": 0,
                      "major_unit": max(1, -(-peak // 10)), "num_format": "0"})
    chart.set_legend({"position": "bottom", "font": {"name": FONT}})
    chart.set_size({"width": 720, "height": 320})
    sh.ws.insert_chart(last + 2, 0, chart)
    sh.finish(hr, last, len(headers))


def _fields(book: _Book, r: Result) -> None:
    sh = book.sheet("分野バランス")
    share = r.program.selection.max_field_share
    _title(sh, book, "要件・分野別モデル別のバランス",
           f"採択候補に占める割合が {share:.0%} を超える分野別モデルに印を付けます" if share else "偏りの上限の定めなし")
    headers = ["区分", "番号", "名称", "申請数", "対象数", "採択候補数", "採択候補に占める割合", "偏り"]
    hr = 3
    sh.header(hr, headers)
    cell = book.fmt(border=1)
    if not r.field_balance:
        sh.text(hr + 1, 0, "この事業には要件・分野別モデルの区分がありません", book.fmt(font_color="#595959"))
    for i, fb in enumerate(r.field_balance):
        row = hr + 1 + i
        bold = book.fmt(border=1, bold=fb.kind == "track")
        sh.text(row, 0, "要件" if fb.kind == "track" else "分野別モデル", bold)
        sh.text(row, 1, fb.key, bold)
        sh.text(row, 2, fb.name, bold)
        sh.number(row, 3, fb.applications, cell, shown="000")
        sh.number(row, 4, fb.eligible, cell, shown="000")
        sh.number(row, 5, fb.selected, cell, shown="000")
        sh.number(row, 6, fb.share, book.fmt(border=1, num_format="0.0%"), shown="100.0%")
        sh.text(row, 7, "偏りあり" if fb.flagged else "", book.fmt(border=1, font_color="#C00000"))
    sh.finish(hr, hr + len(r.field_balance), len(headers))


def _sheets(book: _Book, r: Result) -> None:
    sh = book.sheet("評価者別")
    p = r.program
    _title(sh, book, "評価者別の採点（提出済みの採点票）", "必須要件は 適/否、加点項目は 0〜5。空欄はその申請に適用されない項目")
    crits = [c for c in p.criteria if c.kind in ("must", "scored")]
    names = {s.evaluator: s.name for s in r.evaluator_stats}
    apps = {a.id: a for a in r.applications}
    headers = ["評価者ID", "評価者", "申請ID", "申請者"] + [f"{c.id}" for c in crits] + ["得点", "満点", "得点率"]
    hr = 3
    sh.header(hr, headers)
    # a second header line with the labels, as a comment row above
    for col, c in enumerate(crits, start=4):
        sh.ws.write_comment(hr, col, _text(f"{c.id} {c.label}"))
    cell = book.fmt(border=1)
    center = book.fmt(border=1, align="center")
    fail = book.fmt(border=1, align="center", font_color="#C00000", bold=True)
    order = {a.id: i for i, a in enumerate(r.applications)}
    sheets = sorted(r.sheets, key=lambda s: (s.evaluator, order.get(s.application, 0)))
    for i, s in enumerate(sheets):
        row = hr + 1 + i
        a = apps[s.application]
        sh.text(row, 0, s.evaluator, cell)
        sh.text(row, 1, names.get(s.evaluator, ""), cell)
        sh.text(row, 2, s.application, cell)
        sh.text(row, 3, a.applicant, cell, cap=30)
        total = 0.0
        for col, c in enumerate(crits, start=4):
            v = s.scores.get(c.id)
            if v is None:
                sh.ws.write_blank(row, col, None, cell)
            elif c.kind == "must":
                sh.text(row, col, "適" if v == "pass" else "否", fail if v == "fail" else center)
            else:
                sh.number(row, col, v, center, shown="0")
                total += c.weight * v
        n = 4 + len(crits)
        sh.number(row, n, total, book.fmt(border=1, num_format="0.##"), shown="000")
        sh.number(row, n + 1, a.max_points, book.fmt(border=1, num_format="0"), shown="000")
        rate = a.sheet_rates.get(s.evaluator)
        sh.number(row, n + 2, None if rate is None else rate / 100, book.fmt(border=1, num_format=PCT), shown="100.00%")
    sh.finish(hr, hr + len(sheets), len(headers), freeze_cols=4)
    _print_wide(sh, 4)


def _evaluators(book: _Book, r: Result) -> None:
    sh = book.sheet("評価者統計")
    _title(sh, book, "評価者別の統計", "得点率の平均と標準偏差。全体平均との差が −5 未満を「厳しめ」、+5 超を「甘め」とする")
    headers = ["評価者ID", "評価者", "提出数", "平均得点率", "標準偏差", "全体平均との差", "傾向"]
    hr = 3
    sh.header(hr, headers)
    cell = book.fmt(border=1)
    for i, e in enumerate(r.evaluator_stats):
        row = hr + 1 + i
        sh.text(row, 0, e.evaluator, cell)
        sh.text(row, 1, e.name, cell)
        sh.number(row, 2, e.count, cell, shown="000")
        sh.number(row, 3, None if e.mean is None else e.mean / 100, book.fmt(border=1, num_format=PCT), shown="100.00%")
        sh.number(row, 4, e.std, book.fmt(border=1, num_format="0.00"), shown="00.00")
        sh.number(row, 5, e.deviation, book.fmt(border=1, num_format="+0.00;-0.00;0.00"), shown="+00.00")
        sh.text(row, 6, words.tendency(e.deviation), cell)
    row = hr + len(r.evaluator_stats) + 2
    ag = r.agreement
    sh.text(row, 0, "評価者間の一致度（Krippendorff の α、間隔尺度、得点率）", book.fmt(bold=True), cap=20)
    sh.ws.write_string(row + 1, 0, "α" if ag.alpha is not None else "α（算出不可）", cell)
    if ag.alpha is not None:
        sh.ws.write_number(row + 1, 1, ag.alpha, book.fmt(border=1, num_format="0.000"))
    sh.ws.write_string(row + 2, 0, "もとにした評価数", cell)
    sh.ws.write_number(row + 2, 1, ag.reviews, cell)
    sh.ws.write_string(row + 3, 0, "もとにした申請数", cell)
    sh.ws.write_number(row + 3, 1, ag.applications, cell)
    row += 5
    sh.text(row, 0, "評価項目別の平均（提出済みの採点票すべて）", book.fmt(bold=True), cap=20)
    sh.header(row + 1, ["項目ID", "項目", "平均", "区分", "タグ"])
    crit_rows = [c for c in r.program.criteria if c.kind == "scored"]
    for i, c in enumerate(crit_rows):
        rr = row + 2 + i
        sh.text(rr, 0, c.id, cell)
        sh.text(rr, 1, c.label, cell, cap=50)
        sh.number(rr, 2, r.criterion_means.get(c.id), book.fmt(border=1, num_format="0.00"), shown="0.00")
        sh.text(rr, 3, c.group, cell, cap=30)
        sh.text(rr, 4, "・".join(c.tags), cell)
    sh.finish(hr, hr + len(r.evaluator_stats), len(headers))


def _eligibility(book: _Book, r: Result) -> None:
    sh = book.sheet("適格性")
    p = r.program
    _title(sh, book, "適格性の確認（自動審査と必須要件）", "自動審査は申請内容から、必須要件は提出済み採点票の多数決（否が適以上で不適合）で判定")
    headers = ["申請ID", "申請者", "区分", "確認項目", "結果", "説明"]
    hr = 3
    sh.header(hr, headers)
    ok = book.fmt(border=1, valign="top")
    ng = book.fmt(border=1, valign="top", font_color="#C00000", bold=True)
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    row = hr
    for a in r.applications:
        for c in a.checks:
            row += 1
            sh.text(row, 0, a.id, ok)
            sh.text(row, 1, a.applicant, ok, cap=30)
            sh.text(row, 2, "自動審査", ok)
            sh.text(row, 3, f"{c.label}（{c.code}）", ok)
            sh.text(row, 4, "適合" if c.passed else "不適合", ok if c.passed else ng)
            sh.text(row, 5, c.message, wrap, cap=80)
        for cid, (passes, fails) in a.must.items():
            crit = p.criterion(cid)
            failed = must_failed(passes, fails)
            row += 1
            sh.text(row, 0, a.id, ok)
            sh.text(row, 1, a.applicant, ok, cap=30)
            sh.text(row, 2, "必須要件", ok)
            sh.text(row, 3, f"{cid} {crit.label if crit else ''}", ok, cap=40)
            sh.text(row, 4, "不適合" if failed else "適合", ng if failed else ok)
            sh.text(row, 5, f"適 {passes} 件、否 {fails} 件", wrap)
        if a.reviews == 0:
            row += 1
            sh.text(row, 0, a.id, ok)
            sh.text(row, 1, a.applicant, ok, cap=30)
            sh.text(row, 2, "採点", ok)
            sh.text(row, 3, "提出済みの採点票", ok)
            sh.text(row, 4, "なし", ng)
            sh.text(row, 5, "提出済みの採点票がないため順位付けの対象外", wrap)
    sh.finish(hr, row, len(headers), freeze_cols=2)


def _comments(book: _Book, r: Result) -> None:
    sh = book.sheet("コメント")
    _title(sh, book, "評価者のコメント（提出済みの採点票）", "申請の順位順")
    headers = ["順位", "申請ID", "申請者", "評価者", "得点率", "コメント"]
    hr = 3
    sh.header(hr, headers)
    cell = book.fmt(border=1, valign="top")
    wrap = book.fmt(border=1, valign="top", text_wrap=True)
    names = {s.evaluator: s.name for s in r.evaluator_stats}
    by_app: dict[str, list] = {}
    for s in r.sheets:
        by_app.setdefault(s.application, []).append(s)
    row = hr
    for a in r.applications:
        for s in sorted(by_app.get(a.id, []), key=lambda s: s.evaluator):
            row += 1
            sh.number(row, 0, a.rank, cell, shown="000")
            sh.text(row, 1, a.id, cell)
            sh.text(row, 2, a.applicant, cell, cap=30)
            sh.text(row, 3, f"{s.evaluator} {names.get(s.evaluator, '')}".strip(), cell, cap=20)
            rate = a.sheet_rates.get(s.evaluator)
            sh.number(row, 4, None if rate is None else rate / 100, book.fmt(border=1, valign="top", num_format=PCT),
                      shown="100.00%")
            sh.text(row, 5, s.comment, wrap, cap=80)
    sh.finish(hr, row, len(headers), freeze_cols=3)
