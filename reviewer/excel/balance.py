"""The 地域バランス and 分野バランス sheets: how the selection spreads over bureaus and fields.

地域バランス counts applications, eligible ones and the selection per bureau against the
bureau's quota, with a column chart of the counts; 分野バランス does the same per track and
field model and marks a model that takes more than its share of the selection.
"""

from __future__ import annotations

from reviewer.domain.vocabulary import BALANCE_LABELS, FIELD_KIND_LABELS
from reviewer.excel.book import ALERT, FONT, HEADER_ROW, NOTE_FORMAT, YEN, Book, Sheet
from reviewer.present import result as words
from reviewer.scoring import Result

REGIONS_SHEET = "地域バランス"
FIELDS_SHEET = "分野バランス"
#: The chart's series: (column of the table, name, colour).
#: Light, middle and dark, so the three stay apart printed in grey (luminance about 217, 166 and 70).
CHART_SERIES = ((1, "申請数", "#D9D9D9"), (2, "順位付けの対象", "#8EA9DB"), (3, "採択候補先", "#375623"))


def write_regions(book: Book, r: Result) -> None:
    sh = book.sheet(REGIONS_SHEET)
    sh.title("総合通信局等別のバランス", "申請・順位付けの対象・採択候補先の件数と、総合通信局等ごとの採択件数の下限・上限")
    headers = ["総合通信局", "申請数", "順位付けの対象", "採択候補先", "採択候補先の申請額", "下限", "上限", "状態"]
    hr = HEADER_ROW
    sh.header(hr, headers)
    cell = book.fmt(border=1)
    for i, b in enumerate(r.balance):
        row = hr + 1 + i
        sh.text(row, 0, b.bureau, cell)
        sh.number(row, 1, b.applications, cell, shown="000")
        sh.number(row, 2, b.eligible, cell, shown="000")
        sh.number(row, 3, b.selected, cell, shown="000")
        sh.number(row, 4, b.selected_yen, book.fmt(border=1, num_format=YEN), shown=words.yen(b.selected_yen))
        sh.number(row, 5, b.min, cell, shown="00")
        sh.number(row, 6, b.max, cell, shown="00")
        warn = b.status != "ok"
        sh.text(row, 7, BALANCE_LABELS[b.status], book.fmt(border=1, font_color=ALERT if warn else "#000000"))
    last = hr + len(r.balance)
    _total(book, sh, last + 1, r)
    peak = max([b.applications for b in r.balance] + [1])
    _chart(book, sh, hr + 1, last, peak)
    sh.finish(hr, last, len(headers))


def _total(book: Book, sh: Sheet, row: int, r: Result) -> None:
    """The whole program under the bureaus: the sums, and the program's own minimum and maximum."""
    bold = book.fmt(border=1, bold=True, top=2)
    sel = r.program.selection
    sh.text(row, 0, "合計", bold)
    for col, n in ((1, sum(b.applications for b in r.balance)), (2, sum(b.eligible for b in r.balance)),
                   (3, sum(b.selected for b in r.balance))):
        sh.number(row, col, n, bold, shown="0000")
    total_yen = sum(b.selected_yen for b in r.balance)
    sh.number(row, 4, total_yen, book.fmt(border=1, bold=True, top=2, num_format=YEN), shown=words.yen(total_yen))
    sh.number(row, 5, sel.min_selected, bold, shown="00")
    sh.number(row, 6, sel.max_selected, bold, shown="00")
    short = sel.min_selected is not None and len(r.selected) < sel.min_selected
    sh.text(row, 7, f"下限まで {sel.min_selected - len(r.selected)} 件不足" if short and sel.min_selected else "",
            book.fmt(border=1, bold=True, top=2, font_color=ALERT))


def _chart(book: Book, sh: Sheet, first: int, last: int, peak: int) -> None:
    """A column chart of the table's counts (rows first..last), placed under the table."""
    chart = book.wb.add_chart({"type": "column"})
    assert chart is not None
    for col, name, color in CHART_SERIES:
        chart.add_series({"name": name, "categories": [sh.name, first, 0, last, 0],
                          "values": [sh.name, first, col, last, col], "fill": {"color": color},
                          "border": {"color": "#404040", "width": 0.5}})
    chart.set_title({"name": "総合通信局等別の件数", "name_font": {"name": FONT}})
    chart.set_x_axis({"num_font": {"name": FONT}})
    chart.set_y_axis({"major_gridlines": {"visible": True}, "num_font": {"name": FONT}, "min": 0,
                      "major_unit": max(1, -(-peak // 10)), "num_format": "0"})
    chart.set_legend({"position": "bottom", "font": {"name": FONT}})
    chart.set_size({"width": 720, "height": 320})
    sh.ws.insert_chart(last + 3, 0, chart)  # under the total row


def write_fields(book: Book, r: Result) -> None:
    sh = book.sheet(FIELDS_SHEET)
    share = r.program.selection.max_field_share
    sh.title(f"{words.fields_word(r.program)}別のバランス", _fields_subtitle(r, share))
    headers = ["区分", "番号", "名称", "申請数", "順位付けの対象", "採択候補先", "採択候補先に占める割合", "偏り"]
    hr = HEADER_ROW
    sh.header(hr, headers)
    cell = book.fmt(border=1)
    if not r.field_balance:
        sh.text(hr + 1, 0, f"この事業には{words.FIELDS}の区分がありません", book.fmt(**NOTE_FORMAT))
    for i, fb in enumerate(r.field_balance):
        row = hr + 1 + i
        bold = book.fmt(border=1, bold=fb.kind == "track")
        sh.text(row, 0, FIELD_KIND_LABELS[fb.kind], bold)
        sh.text(row, 1, fb.key if fb.kind != "field" else "", bold)  # a field's id is the file's, not a number
        sh.text(row, 2, fb.name, bold)
        sh.number(row, 3, fb.applications, cell, shown="000")
        sh.number(row, 4, fb.eligible, cell, shown="000")
        sh.number(row, 5, fb.selected, cell, shown="000")
        sh.number(row, 6, fb.share, book.fmt(border=1, num_format="0.0%"), shown="100.0%")
        sh.text(row, 7, words.FIELD_FLAGGED if fb.flagged else "", book.fmt(border=1, font_color=ALERT))
    sh.finish(hr, hr + len(r.field_balance), len(headers))


def _fields_subtitle(r: Result, share: float | None) -> str:
    """What the sheet checks: the share it marks, or that a program without fields has nothing to mark
    (whatever share its criteria set)."""
    if not r.field_balance:
        return (f"この事業には{words.FIELDS}の区分がないため、分野の偏りは確かめられません"
                + (f"（審査基準の偏りの上限 {share:.0%} は適用されません）" if share else ""))
    note = f"　{r.program.fields_note}" if r.program.fields and r.program.fields_note else ""
    kinds = "・".join(dict.fromkeys(FIELD_KIND_LABELS[f.kind] for f in r.field_balance))
    if share:
        return f"採択候補先に占める割合が {share:.0%} を超える{kinds}に印を付けます{note}"
    return f"偏りの上限の定めなし（印は付けません）{note}"
