"""The key help screen, per role: an evaluator sees the evaluator's keys only, a chair the
chair's (and, looking through an evaluator's eyes in the demo, both)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from reviewer.present import sureness
from reviewer.present.text import pad, wrap
from reviewer.tui.screens.dialogs import TextPage

COMMON = ("全体", [
    ("F1 / ?", "このヘルプ"),
    ("C-q", "終了（入力中の内容は保存してから終了します）"),
    ("Tab / S-Tab", "次の欄・前の欄へ"),
])

QUEUE = ("申請一覧（評価者）", [
    ("Up / Down", "申請を選ぶ（PgUp / PgDn / Home / End で1画面・先頭・末尾）"),
    ("Enter", "申請を開いて採点する"),
    ("/", "検索（申請ID・申請者・件名・総合通信局）"),
    ("s", "状態で絞り込む（未着手・下書き・差し戻し・提出済・未完了）"),
    ("c", "自分の採点の傾向（提出済みの採点票の得点率・平均・ばらつき）"),
    ("Esc", "検索と絞り込みを解除"),
])

READING = ("申請書を読む（採点欄にいるままで）", [
    ("PgUp / PgDn", "申請書を1画面ずつ送る"),
    ("F5", "見出しを選んで移動"),
    ("/ （採点項目で）", "申請書の中を検索（Enter: 次、Up / Down: 前・次、Esc: 閉じる）"),
    ("F7 / F8", "前の検索結果・次の検索結果"),
    ("F6", "狭い端末: 申請書と採点欄の両方・申請書だけ・採点欄だけを切り替える"),
])

SCORING = ("採点", [
    ("Up / Down", "採点項目を移る（選んだ項目の説明と点数の意味が上に出ます）"),
    ("y / n （必須要件）", "適合 / 不適合（Space で切替）"),
    ("0〜5 （加点項目）", "点数（Left / Right で増減）"),
    ("m", "その項目の所見（メモ）を書く"),
    ("BS / Del", "その項目の入力を取り消す"),
    ("F2 / C-s", "提出（確認画面で内容の一覧と未入力の項目を確かめます）"),
    ("F3 / C-n", "保存して次の未完了の申請へ"),
    ("F4", "利害関係を申し出る（割当を外し、理由を記録）"),
    ("Esc", "一覧へ戻る"),
    ("", "変更はすべて、その場で下書きとして保存されます。"),
    ("", "提出済みの採点票は読むだけです（変更は委員長の差し戻しの後）。"),
])

CHAIR = ("委員長", [
    ("1 〜 7", "進捗・ランキング・バランス・採点票・割当・評価者・決定の切替"),
    ("F5", "いますぐ更新（ほかの人の変更は 1 秒ごとに確かめて自動で反映します）"),
    ("Tab", "進捗の評価者別と申請別、採点票の絞込と表を移る"),
    ("PgUp/PgDn Home/End", "一覧で1画面送る・先頭へ・末尾へ"),
    ("Left / Right", "幅の足りない一覧を横に送る"),
    ("Enter", "申請の詳細（順位の理由・自動審査・項目別の評価者ごとの点と幅・コメント）。採点票の表では"
              "その採点票（全項目・所見・コメント）"),
    ("t", "申請の詳細・採点票から申請書の本文を開く"),
    ("a", "割当の表で、利害関係を申し出た評価者の代わりを割り当てる"),
    ("p", "事業を切り替える"),
    ("m", "集計方法を切り替える（平均・中央値・トリム平均・zスコア・評価者の傾向を補正）"),
    ("b", "予算を変えて試算する（空欄で元の予算）"),
    ("s", "選定方式を切り替えて試算する（順に選ぶ・下限を先に満たす・最適化。審査基準の方式に戻ると元の結果）"),
    ("v", "ランキングで、3つの選定方式を並べて比べる（件数・申請額・下限、採択候補が異なる申請とその理由）"),
    ("r", "選んだ提出済みの採点票を差し戻す（採点票の表で）"),
    ("x", "Excel に書き出す"),
    ("X", "Excel に書き出す（評価委員の氏名と ID を「委員A」「委員B」…に置き換えて）"),
    ("e", "評価者の画面に切り替える（デモのみ）"),
])

SECOND_HALF = ("ヒアリング・決定（2 ランキング の選んだ申請、7 決定 の一覧の選んだ項目に）", [
    ("h", "ヒアリングの対象にする（日時・場所）。対象の申請では日時・場所の変更か、理由を付けて対象から外す"),
    ("H （ランキング）", "順位の上位 N 件、または境界域（順位の確かさの計算の後）をまとめてヒアリングの対象にする"
                        "（すでに対象の申請の日時・場所はそのまま）"),
    ("d", "採否を記録する（採択・不採択、または記録の取消。理由は必須）"),
    ("o", "意見を記録する（述べた者・意見・日付。評価者には示しません）"),
    ("i", "追加資料を依頼する（依頼する資料・期限）"),
    ("k （7 決定）", "追加資料の回答を記録する（受け取った内容、またはこのサーバー上のファイル）"),
    ("F （7 決定）", "評価結果を確定する（いまの集計方法・予算・選定方式で。確認画面で採択候補先・警告・下書きを確かめます）"),
    ("R （7 決定）", "評価結果の確定を理由を付けて解除する"),
    ("Enter （7 決定）", "その申請の詳細"),
    ("", "ランキングの「ヒ」はヒアリングの対象、「採」「否」は記録した採否（反転表示は計算上の選定と異なる決定）です。"),
    ("", "確定した後は、採点票・ヒアリングの対象・追加資料・採否を変更できません（画面の上に「確定済み」と出ます）。"),
])

#: What the ranking's 境 (境界域) and its sureness columns mean, and the method adjusted.
SURENESS = (f"順位の確かさ（ランキングの「{sureness.BOUNDARY_SHORT}」は{sureness.BOUNDARY}）",
            [("", line) for line in sureness.SURENESS_EXPLANATION])
ADJUSTED = ("集計方法「評価者の傾向を補正」（6 評価者 に各評価者の傾向）",
            [("", line) for line in sureness.ADJUSTED_EXPLANATION])
#: The sections of sentences rather than keys.
PROSE = {SURENESS[0], ADJUSTED[0]}

KEY_CELLS = 20


def sections(chair: bool, viewing_as_evaluator: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help's sections for a role."""
    evaluator = [QUEUE, READING, SCORING]
    if not chair:
        return [COMMON, *evaluator]
    return [COMMON, CHAIR, SECOND_HALF, SURENESS, ADJUSTED, *(evaluator if viewing_as_evaluator else [])]


class HelpScreen(TextPage):
    BINDINGS = [Binding("escape,f1,question_mark,q", "app.pop_screen", "閉じる")]

    def __init__(self, chair: bool = False, viewing_as_evaluator: bool = False):
        super().__init__()
        self.chair, self.viewing_as_evaluator = chair, viewing_as_evaluator

    def page(self) -> Text:
        # the page is at most 90 columns wide, less its border and padding
        cells = max(min(self.app.size.width, 90) - 6, 40)
        text = Text()
        text.append("キー操作\n", style="bold")
        for section, keys in sections(self.chair, self.viewing_as_evaluator):
            text.append(f"\n{section}\n", style="bold underline")
            if section in PROSE:  # sentences: the page's width, under a small indent
                for _, what in keys:
                    text.append("\n".join(wrap(what, cells, indent=2, hanging=2)) + "\n")
                continue
            for key, what in keys:
                text.append("  " + pad(key, KEY_CELLS), style="bold")
                lines = wrap(what, cells - KEY_CELLS - 2)  # continuation lines under the description
                text.append(lines[0] + "\n")
                for line in lines[1:]:
                    text.append(" " * (KEY_CELLS + 2) + line + "\n")
        text.append("\nEsc で閉じる", style="dim")
        return text
