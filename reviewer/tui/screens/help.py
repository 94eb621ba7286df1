"""The key help screen."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from reviewer.present.text import pad
from reviewer.tui.screens.dialogs import TextPage

HELP = [
    ("全体", [
        ("F1 / ?", "このヘルプ"),
        ("C-q", "終了"),
        ("Tab / S-Tab", "次の項目・前の項目へ"),
        ("PgUp/PgDn Home/End", "一覧で1画面送る・先頭へ・末尾へ"),
        ("Left / Right", "幅の足りない一覧を横に送る（一覧で）"),
    ]),
    ("申請一覧（評価者）", [
        ("Up / Down", "申請を選ぶ"),
        ("Enter", "申請を開いて採点する"),
        ("/", "検索（申請ID・申請者・件名・総合通信局）"),
        ("s", "状態で絞り込む（未着手・下書き・提出済・未完了）"),
        ("Esc", "検索と絞り込みを解除"),
    ]),
    ("申請と採点", [
        ("Up / Down", "採点項目を移る"),
        ("y / n （必須要件）", "適合 / 不適合（Space で切替）"),
        ("0〜5 （加点項目）", "点数（Left / Right で増減）"),
        ("BS / Del", "その項目の入力を取り消す"),
        ("F2 / C-s", "提出（すべての項目が必要。確認あり）"),
        ("F3 / C-n", "保存して次の未完了の申請へ"),
        ("F4", "利害関係を申し出る（割当を外し、理由を記録）"),
        ("F6", "申請書と採点欄の表示切替（狭い端末）"),
        ("PgUp / PgDn", "申請書をスクロール"),
        ("Esc", "一覧へ戻る"),
        ("", "変更はすべて、その場で下書きとして保存されます。"),
    ]),
    ("委員長", [
        ("1 〜 4", "進捗・ランキング・バランス・採点票の切替"),
        ("Tab", "進捗の評価者別と申請別、採点票の絞込と表を移る"),
        ("Enter", "申請の詳細（順位の理由・自動審査・評価者別の得点とコメント）"),
        ("p", "事業を切り替える"),
        ("m", "集計方法を切り替える（平均・中央値・トリム平均・zスコア）"),
        ("b", "予算を変えて試算する（空欄で元の予算）"),
        ("r", "選んだ提出済みの採点票を差し戻す（採点票の表で）"),
        ("x", "Excel に書き出す"),
        ("e", "評価者の画面に切り替える（デモのみ）"),
    ]),
]


class HelpScreen(TextPage):
    BINDINGS = [Binding("escape,f1,question_mark,q", "app.pop_screen", "閉じる")]

    def page(self) -> Text:
        text = Text()
        text.append("キー操作\n", style="bold")
        for section, keys in HELP:
            text.append(f"\n{section}\n", style="bold underline")
            for key, what in keys:
                text.append("  " + pad(key, 20), style="bold")
                text.append(f"{what}\n")
        text.append("\nEsc で閉じる", style="dim")
        return text
